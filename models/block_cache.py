"""Cached activations of one backbone block: what fine-tuning the blocks above it reads.

Fine-tuning the upper blocks of the image backbone on a CPU is feasible only when the frozen
blocks below them run once per photo, not once per photo and epoch. ``extract_block_maps``
runs them once for every product and stores the output of block ``block`` (for
EfficientNet-Lite0 block 10: 112 channels at 1/16 of the input, 8x6 for a 128x96 photo) as
float16 under ``cache_dir/blocks/<feature key>-b<block>/``, keyed like the feature cache (data,
backbone version, image size) plus the block index, so a second run reuses it.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader
from tqdm.auto import tqdm

from .encoders import BackboneConfig, ImageBackbone, backbone_version
from .features import _ProductImages, feature_key

MAPS_FILE = "block_maps.npy"
IDS_FILE = "ids.npy"
META_FILE = "meta.json"


@dataclass
class BlockMaps:
    """One backbone block's activations for a set of products, row-aligned with ``ids``."""

    ids: np.ndarray  # (N,) int64 product ids, ascending
    maps: np.ndarray  # (N, C_block, h, w) float16 (a read-only memory map when loaded from the cache)
    block: int
    key: str = ""

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self, ids) -> np.ndarray:
        """Row positions of the given product ids (which must all be present)."""
        pos = np.searchsorted(self.ids, np.asarray(ids))
        if (pos >= len(self.ids)).any() or (self.ids[np.minimum(pos, len(self.ids) - 1)] != np.asarray(ids)).any():
            raise KeyError("some product ids have no cached block maps")
        return pos


def block_key(products, config: BackboneConfig, block: int, fingerprint: str | None = None) -> str:
    """``<feature key>-b<block>``: the feature cache's key (data, backbones, image size) and the block."""
    return f"{feature_key(products, config, fingerprint)}-b{block}"


def load_block_maps(cache_dir: str | Path, key: str) -> BlockMaps:
    """The cached block maps under ``cache_dir/blocks/<key>/`` (memory-mapped); FileNotFoundError when absent."""
    folder = Path(cache_dir) / "blocks" / key
    meta = json.loads((folder / META_FILE).read_text())
    return BlockMaps(ids=np.load(folder / IDS_FILE), maps=np.load(folder / MAPS_FILE, mmap_mode="r"),
                     block=int(meta["block"]), key=key)


def extract_block_maps(products, image_root: str | Path, cache_dir: str | Path, block: int = 10,
                       config: BackboneConfig | None = None, batch_size: int = 64, fingerprint: str | None = None,
                       num_workers: int = 1, num_threads: int = 1, progress: bool = True) -> BlockMaps:
    """Block ``block``'s output for every product (objects with ``id`` and ``image_path``), cached.

    Returns the cache when present; otherwise runs the frozen backbone up to that block over
    every photo (a progress bar; ``num_workers`` decoding processes, ``num_threads`` torch
    threads), writes the float16 maps into a memory map, then renames it into place (a crash
    leaves no half-written cache). A product without a photo gets zeros."""
    config = config or BackboneConfig()
    key = block_key(products, config, block, fingerprint)
    folder = Path(cache_dir) / "blocks" / key
    if (folder / META_FILE).exists():
        return load_block_maps(cache_dir, key)
    products = sorted(products, key=lambda p: p.id)
    ids = np.array([p.id for p in products], dtype=np.int64)
    paths = [Path(image_root) / p.image_path if p.image_path else None for p in products]
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{MAPS_FILE}.{os.getpid()}.tmp"
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(num_threads)
    started = time.perf_counter()
    try:
        backbone = ImageBackbone(config)
        loader = DataLoader(_ProductImages(paths, config.image_size), batch_size=batch_size, num_workers=num_workers)
        maps, start = None, 0
        with tqdm(total=len(paths), desc=f"Block {block} maps", unit="img", disable=not progress) as bar:
            for images, present in loader:
                with torch.inference_mode():
                    out = backbone.block_map(images, block).numpy()  # (B, C_block, h, w)
                if maps is None:
                    maps = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float16, shape=(len(paths), *out.shape[1:]))
                out[~present.numpy()] = 0
                maps[start:start + len(images)] = out.astype(np.float16)
                start += len(images)
                bar.update(len(images))
        maps.flush()
        del maps
    finally:
        torch.set_num_threads(previous_threads)
    seconds = time.perf_counter() - started
    np.save(folder / IDS_FILE, ids)
    os.replace(tmp, folder / MAPS_FILE)
    meta = {"key": key, "block": block, "count": len(ids), "backbone_version": backbone_version(config),
            "config": asdict(config), "seconds": round(seconds, 1),
            "images_per_s": round(len(ids) / max(seconds, 1e-9), 1), "num_threads": num_threads,
            "num_workers": num_workers, "created": time.strftime("%Y-%m-%dT%H:%M:%S")}
    (folder / META_FILE).write_text(json.dumps(meta, indent=2))
    return load_block_maps(cache_dir, key)
