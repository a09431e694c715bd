"""Cached backbone features: the contract between feature extraction and training.

Backbones are frozen; their outputs are computed once per (catalogue, backbone) pair and
stored under ``var/features/<key>/features.npz``. Training, evaluation and indexing read a
``FeatureSet``; only ``extract_features`` runs the backbones: in this process, or through a
``runner`` that spreads ``image_features`` and ``text_features`` over other processes or
machines (the engine's Ray Data job, ``retrieval/ranking/ray_features.py``). Either way the
cache is the same file.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from tqdm.auto import tqdm

from .encoders import BackboneConfig, ImageBackbone, TextBackbone, backbone_version, load_image


@dataclass
class FeatureSet:
    """Backbone features of a set of products, row-aligned with ``ids``."""

    ids: np.ndarray  # (N,) int64 product ids, ascending
    image_maps: np.ndarray  # (N, C_img, H, W) float16: last-block feature map (C_img=1280 for EfficientNet-Lite0)
    image_colour: np.ndarray  # (N, C_col) float32: colour descriptors (histogram + early-block pooled)
    text: np.ndarray  # (N, C_txt) float32: sentence embedding of name + description (384 for MiniLM)
    key: str = ""  # cache key: data fingerprint + backbone versions

    def __len__(self) -> int:
        return len(self.ids)

    def subset(self, ids) -> "FeatureSet":
        """The rows of the given product ids, in that order."""
        pos = np.searchsorted(self.ids, np.asarray(ids))
        return FeatureSet(self.ids[pos], self.image_maps[pos], self.image_colour[pos], self.text[pos], self.key)


FEATURES_FILE = "features.npz"
META_FILE = "meta.json"


def feature_key(products, config: BackboneConfig | None = None, fingerprint: str | None = None) -> str:
    """The cache key of these products' features: data fingerprint, backbone version, image size.

    Without a catalogue ``fingerprint`` the data part is a hash of the sorted ids, texts and
    image paths; with one, of the fingerprint and the sorted ids (so a subset gets its own key)."""
    config = config or BackboneConfig()
    data = hashlib.sha1()
    if fingerprint:
        data.update(f"fingerprint={fingerprint};".encode())
    for product in sorted(products, key=lambda p: p.id):
        data.update(f"{product.id};".encode())
        if not fingerprint:
            data.update(f"{product.text}\0{product.image_path}\0".encode())
    payload = json.dumps({"data": data.hexdigest(), "backbones": backbone_version(config),
                          "image_size": list(config.image_size)}, sort_keys=True)
    return hashlib.sha1(payload.encode()).hexdigest()[:16]


def load_features(cache_dir: str | Path, key: str) -> FeatureSet:
    """The cached features stored under ``cache_dir/<key>/``; FileNotFoundError when absent."""
    path = Path(cache_dir) / key / FEATURES_FILE
    with np.load(path) as arrays:
        return FeatureSet(ids=arrays["ids"], image_maps=arrays["image_maps"],
                          image_colour=arrays["image_colour"], text=arrays["text"], key=key)


def _save_features(features: FeatureSet, folder: Path, meta: dict) -> None:
    """Write the arrays and the metadata atomically (a crash leaves no half-written cache)."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{FEATURES_FILE}.{os.getpid()}.tmp"
    with open(tmp, "wb") as handle:
        np.savez(handle, ids=features.ids, image_maps=features.image_maps,
                 image_colour=features.image_colour, text=features.text)
    os.replace(tmp, folder / FEATURES_FILE)
    tmp_meta = folder / f".{META_FILE}.{os.getpid()}.tmp"
    tmp_meta.write_text(json.dumps(meta, indent=2))
    os.replace(tmp_meta, folder / META_FILE)


class _ProductImages(Dataset):
    """Decoded photos in product order; a product without an image gives zeros and ``False``."""

    def __init__(self, paths: list[Path | None], size: tuple[int, int]):
        self.paths, self.size = paths, size

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, bool]:
        path = self.paths[index]
        if path is None:
            return torch.zeros(3, *self.size), False
        return load_image(path, self.size), True


def image_features(backbone: ImageBackbone, paths: list[Path | None], batch_size: int, device: str,
                   num_workers: int, progress: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(image_maps float16, image_colour float32, has_image bool) for the photos, in order."""
    size = backbone.config.image_size
    loader = DataLoader(_ProductImages(paths, size), batch_size=batch_size, num_workers=num_workers)
    image_maps = colours = None
    has_image = np.zeros(len(paths), dtype=bool)
    start = 0
    with tqdm(total=len(paths), desc="Image features", unit="img", disable=not progress) as bar:
        for images, present in loader:
            with torch.inference_mode():
                out = backbone(images.to(device))
            stop = start + len(images)
            if image_maps is None:
                image_maps = np.zeros((len(paths), *out["feature_map"].shape[1:]), dtype=np.float16)
                colours = np.zeros((len(paths), out["colour"].shape[1]), dtype=np.float32)
            keep = present.numpy()
            image_maps[start:stop][keep] = out["feature_map"][present].cpu().numpy().astype(np.float16)
            colours[start:stop][keep] = out["colour"][present].cpu().numpy()
            has_image[start:stop] = keep
            start = stop
            bar.update(len(images))
    return image_maps, colours, has_image


def text_features(backbone: TextBackbone, texts: list[str], batch_size: int, progress: bool) -> np.ndarray:
    """(N, D) float32 sentence embeddings, in order; batches hold texts of similar length."""
    embeddings = np.zeros((len(texts), backbone.dim), dtype=np.float32)
    order = np.argsort([len(text) for text in texts], kind="stable")
    with tqdm(total=len(texts), desc="Text features", unit="text", disable=not progress) as bar:
        for start in range(0, len(texts), batch_size):
            rows = order[start:start + batch_size]
            embeddings[rows] = backbone.encode([texts[i] for i in rows]).cpu().numpy()
            bar.update(len(rows))
    return embeddings


def extract_features(products, image_root: str | Path, cache_dir: str | Path,
                     config: BackboneConfig | None = None, batch_size: int = 64, device: str = "cpu",
                     fingerprint: str | None = None, num_workers: int | None = None,
                     num_threads: int | None = None, progress: bool = True, runner=None) -> FeatureSet:
    """Backbone features of ``products`` (objects with ``id``, ``text``, ``image_path``), cached.

    Returns the cached ``cache_dir/<key>/features.npz`` when present; otherwise runs the frozen
    backbones (images, then texts, each with a progress bar), stores the arrays with a
    ``meta.json`` of counts and throughputs, and returns them. ``image_path`` is relative to
    ``image_root``; a product without one gets zero image features. An unreadable photo raises
    ValueError naming the file. ``num_workers`` image-decoding processes (default 1) and
    ``num_threads`` torch threads (default: the CPU cores left over) share the CPU. (Measured on
    2 cores: one torch thread encodes 2-3x faster than two, which contend.) A ``runner`` computes
    the arrays elsewhere instead: ``runner(ids, paths, texts, config, batch_size)`` returns what
    ``_in_process`` returns (row-aligned with ``ids``), and the cache is written the same way."""
    config = config or BackboneConfig()
    key = feature_key(products, config, fingerprint)
    folder = Path(cache_dir) / key
    if (folder / FEATURES_FILE).exists():
        return load_features(cache_dir, key)

    products = sorted(products, key=lambda p: p.id)
    ids = np.array([p.id for p in products], dtype=np.int64)
    if len(np.unique(ids)) != len(ids):
        raise ValueError("duplicate product ids")
    paths = [Path(image_root) / p.image_path if p.image_path else None for p in products]
    texts = [p.text for p in products]
    if runner is None:
        out = _in_process(paths, texts, config, batch_size, device, num_workers, num_threads, progress)
    else:
        out = runner(ids, paths, texts, config, batch_size)

    image_maps, image_colour, text = out.pop("image_maps"), out.pop("image_colour"), out.pop("text")
    has_image, seconds = out.pop("has_image"), out.pop("seconds")
    features = FeatureSet(ids=ids, image_maps=image_maps, image_colour=image_colour, text=text, key=key)
    meta = {"key": key, "fingerprint": fingerprint, "backbone_version": backbone_version(config),
            "config": asdict(config), "count": len(ids), "missing_images": int((~has_image).sum()),
            "shapes": {"image_maps": list(image_maps.shape), "image_colour": list(image_colour.shape),
                       "text": list(text.shape)},
            "seconds": {name: round(value, 1) for name, value in seconds.items()},
            "throughput": {"images_per_s": round(len(ids) / max(seconds["images"], 1e-9), 1),
                           "texts_per_s": round(len(ids) / max(seconds["texts"], 1e-9), 1),
                           "products_per_s": round(len(ids) / max(seconds.get("wall", seconds["images"] + seconds["texts"]),
                                                                  1e-9), 1)},
            "batch_size": batch_size, **out, "created": time.strftime("%Y-%m-%dT%H:%M:%S")}
    _save_features(features, folder, meta)
    return features


def _in_process(paths: list[Path | None], texts: list[str], config: BackboneConfig, batch_size: int, device: str,
                num_workers: int | None, num_threads: int | None, progress: bool) -> dict:
    """The backbones over every product in this process: arrays, seconds and how it ran."""
    cores = os.cpu_count() or 1
    num_workers = min(1, cores - 1) if num_workers is None else num_workers
    num_threads = num_threads or max(1, cores - num_workers)
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(num_threads)
    try:
        image_backbone = ImageBackbone(config).to(device)
        started = time.perf_counter()
        image_maps, image_colour, has_image = image_features(
            image_backbone, paths, batch_size, device, num_workers, progress)
        image_seconds = time.perf_counter() - started
        del image_backbone
        text_backbone = TextBackbone(config).to(device)
        started = time.perf_counter()
        text = text_features(text_backbone, texts, batch_size, progress)
        text_seconds = time.perf_counter() - started
    finally:
        torch.set_num_threads(previous_threads)
    return {"image_maps": image_maps, "image_colour": image_colour, "has_image": has_image, "text": text,
            "seconds": {"images": image_seconds, "texts": text_seconds}, "runner": "in-process", "device": device,
            "num_workers": num_workers, "num_threads": num_threads}


@dataclass
class TextBank:
    """Sentence embeddings of a set of short texts (product names, label phrases), row-aligned
    with ``texts``: the extra positive texts of training, encoded once by the frozen text tower."""

    texts: list[str]
    emb: np.ndarray  # (M, C_txt) float32

    def __post_init__(self):
        self._rows = {text: row for row, text in enumerate(self.texts)}

    def rows(self, texts) -> np.ndarray:
        """(len(texts),) rows of the given texts; -1 for texts the bank does not hold."""
        return np.asarray([self._rows.get(text, -1) for text in texts], dtype=np.int64)


def text_bank(texts, cache_dir: str | Path, config: BackboneConfig | None = None, backbone: TextBackbone | None = None,
              batch_size: int = 256, progress: bool = True) -> TextBank:
    """Embeddings of the unique ``texts``, cached under ``cache_dir/texts/<key>.npz`` (the key
    hashes the sorted texts and the backbone version). The backbone loads only on a cache miss.
    (Measured on 2 shared cores: about 580 product names a second.)"""
    config = config or BackboneConfig()
    unique = sorted({t for t in texts if t})
    digest = hashlib.sha1(backbone_version(config).encode())
    for text in unique:
        digest.update(text.encode() + b"\0")
    path = Path(cache_dir) / "texts" / f"{digest.hexdigest()[:16]}.npz"
    if path.exists():
        with np.load(path) as arrays:
            return TextBank(unique, arrays["emb"])
    backbone = backbone or TextBackbone(config)
    emb = text_features(backbone, unique, batch_size, progress)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        np.savez(handle, emb=emb)
    os.replace(tmp, path)
    return TextBank(unique, emb)
