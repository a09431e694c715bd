"""Building, updating and loading the served index, with atomic swaps and fingerprint stamps.

A build writes a new folder under ``<index_dir>/builds/`` (vectors, FAISS index, manifest),
then swaps the ``current`` symlink in one ``rename``: a failed build never touches the index
being served. The manifest stamps the checkpoint and catalogue fingerprints; loading refuses
a pair that does not match what the server would use.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from .index import IndexConfig, VectorIndex
from .scalars import Attributes
from .search import Ranker
from .vectors import ProductVectors, embed_products


class IndexMismatch(RuntimeError):
    """The index on disk was built from another checkpoint or catalogue."""


@dataclass
class Manifest:
    checkpoint_sha: str
    catalog_fingerprint: str
    tree_signature: str
    hide_labels: bool
    split: str | None
    backend: str
    count: int
    built_at: str
    seconds: float = 0.0
    products_per_s: float = 0.0
    device: str = ""  # where the vectors were computed ("cpu", "cuda: <GPU name>")


def current_build(index_dir: Path) -> Path:
    return Path(index_dir) / "current"


def load_index(index_dir: Path) -> tuple[Manifest, ProductVectors, VectorIndex]:
    """The served index: its manifest, vectors and FAISS index."""
    folder = current_build(index_dir)
    if not (folder / "manifest.json").exists():
        raise FileNotFoundError(f"no index at {folder}: run `fashionbot index build`")
    manifest = Manifest(**json.loads((folder / "manifest.json").read_text()))
    return manifest, ProductVectors.load(folder / "vectors.npz"), VectorIndex.load(folder)


def check_manifest(manifest: Manifest, checkpoint_sha: str, catalog_fingerprint: str | None) -> None:
    """Raise IndexMismatch naming what differs."""
    problems = []
    if manifest.checkpoint_sha != checkpoint_sha:
        problems.append(f"checkpoint {manifest.checkpoint_sha} (server has {checkpoint_sha})")
    if catalog_fingerprint and manifest.catalog_fingerprint != catalog_fingerprint:
        problems.append(f"catalogue {manifest.catalog_fingerprint} (server has {catalog_fingerprint})")
    if problems:
        raise IndexMismatch("the index was built for another " + " and ".join(problems)
                            + ": rebuild it with `fashionbot index build`")


def write_build(index_dir: Path, vectors: ProductVectors, manifest: Manifest, config: IndexConfig, tree,
                fail_after_write: bool = False, attributes: Attributes | None = None) -> Path:
    """Write a complete build and swap ``current`` to it atomically; returns the build folder.
    ``attributes`` (row-aligned with ``vectors``) go into an index that filters on them (milvus)."""
    builds = Path(index_dir) / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    folder = builds / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    staging = folder.with_name(folder.name + ".partial")
    staging.mkdir()
    try:
        # the embedding block is dense in every query: the flat scan bounds it (exact.py)
        config = replace(config, dense_tail=config.dense_tail or vectors.emb.shape[1])
        index = VectorIndex(config).build(Ranker.product_matrix(vectors, tree), vectors.ids, attributes)
        manifest.backend = index.backend
        index.save(staging)
        index.close()
        vectors.save(staging / "vectors.npz")
        (staging / "manifest.json").write_text(json.dumps(asdict(manifest), indent=2))
        if fail_after_write:
            raise RuntimeError("simulated failure before the swap")
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    link = Path(index_dir) / f".current.{os.getpid()}"
    link.unlink(missing_ok=True)
    link.symlink_to(folder.relative_to(index_dir))
    os.replace(link, current_build(index_dir))  # the atomic swap
    _prune(builds, keep={folder.name})
    return folder


def _prune(builds: Path, keep: set[str], keep_last: int = 2) -> None:
    done = sorted((p for p in builds.iterdir() if p.is_dir() and not p.name.endswith(".partial")),
                  key=lambda p: p.name)
    for old in done[:-keep_last]:
        if old.name not in keep:
            VectorIndex.discard(old)  # a collection on a Milvus server goes with its build
            shutil.rmtree(old, ignore_errors=True)


def embed_catalog(model, tree, catalog, features, products, hide_labels: bool) -> ProductVectors:
    """Vectors of ``products`` (a subset of ``features``), with their labels unless hidden."""
    ids = np.array(sorted(p.id for p in products), dtype=np.int64)
    subset = features.subset(ids)
    label_sets = None
    if not hide_labels:
        stored = catalog.concept_labels()
        label_sets = [stored.get(int(pid), set()) for pid in ids]
    return embed_products(model, tree, subset, label_sets)
