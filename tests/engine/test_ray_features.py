"""Feature extraction as a Ray Data job (a Ray started on this machine, two actors) writes the
cache the in-process extraction writes: same key, same arrays, rows in id order."""
from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("ray")

from models.features import FEATURES_FILE, META_FILE, extract_features  # noqa: E402
from retrieval.catalog.store import Catalog  # noqa: E402
from retrieval.ranking.ray_features import RayExtraction  # noqa: E402


def test_ray_extraction_equals_in_process(demo_settings, tmp_path):
    catalog = Catalog(demo_settings.db_url)
    products = catalog.products()[::75][:40]  # a cut of the demo catalogue, every category's spread
    here = extract_features(products, catalog.source, tmp_path / "here", batch_size=16, progress=False)
    # three blocks over two actors: rows come back out of order and are put back by id
    on_ray = extract_features(list(reversed(products)), catalog.source, tmp_path / "ray", batch_size=16,
                              progress=False, runner=RayExtraction("local", workers=2, block=16))
    assert on_ray.key == here.key and (tmp_path / "ray" / here.key / FEATURES_FILE).exists()
    assert np.array_equal(on_ray.ids, here.ids)
    # other batches run other BLAS kernels: the float16 maps differ by at most one unit in the last
    # place (measured 0.0039 at most), the colours by ~2e-6, the texts' cosine stays above 0.9999
    np.testing.assert_allclose(on_ray.image_maps.astype(np.float32), here.image_maps.astype(np.float32),
                               rtol=2e-3, atol=2e-3)
    np.testing.assert_allclose(on_ray.image_colour, here.image_colour, rtol=1e-5, atol=1e-5)
    cosine = (on_ray.text * here.text).sum(1) / np.linalg.norm(on_ray.text, axis=1) / np.linalg.norm(here.text, axis=1)
    assert cosine.min() > 0.9999  # bf16 text encoding; batches differ in padding, so not bit for bit
    meta = json.loads((tmp_path / "ray" / here.key / META_FILE).read_text())
    assert meta["runner"] == "ray (local)" and meta["num_workers"] == 2 and meta["count"] == len(products)
