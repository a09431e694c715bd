"""One vector index class over FAISS: inner-product search with build/add/remove/search/save/load.

The backend follows catalogue size (``backend="auto"``): exact ``flat`` up to ``flat_limit``
products, ``hnsw`` beyond; ``ivf`` and ``sq8`` (exhaustive over 8-bit scalar-quantised vectors:
a quarter of the memory traffic, near-exact candidates for the exact re-rank) on request. HNSW cannot delete vectors, so removed ids are
kept in a tombstone set and filtered out of results until the next build.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import faiss
import numpy as np

from .settings import get_settings


def _set_threads() -> None:
    """FAISS's OpenMP threads from the settings (``FASHIONBOT_FAISS_THREADS``, default 1: one query
    at a time is the serving pattern and the HTTP server already runs requests in parallel).
    Applied when an index is built or loaded, not at import."""
    faiss.omp_set_num_threads(get_settings().faiss_threads)


@dataclass
class IndexConfig:
    backend: str = "auto"  # auto | flat | sq8 | ivf | hnsw
    flat_limit: int = 100_000  # auto: exact search up to this many vectors
    ivf_lists: int = 0  # ivf: number of inverted lists (0: 4 * sqrt(N))
    ivf_probe: int = 16  # ivf: lists visited per query
    hnsw_m: int = 32  # hnsw: graph degree
    hnsw_ef_search: int = 128  # hnsw: candidate list size at query time


class VectorIndex:
    """Maximum-inner-product search over float32 vectors keyed by int64 ids."""

    def __init__(self, config: IndexConfig | None = None):
        self.config = config or IndexConfig()
        self.index: faiss.Index | None = None
        self.backend: str | None = None
        self.removed: set[int] = set()

    def __len__(self) -> int:
        return 0 if self.index is None else self.index.ntotal - len(self.removed)

    def _choose(self, n: int) -> str:
        if self.config.backend != "auto":
            return self.config.backend
        return "flat" if n <= self.config.flat_limit else "hnsw"

    def build(self, vectors: np.ndarray, ids: np.ndarray) -> "VectorIndex":
        """Index ``vectors`` (N, dim) under ``ids`` (N,), replacing any previous content."""
        _set_threads()
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        ids = np.asarray(ids, dtype=np.int64)
        n, dim = vectors.shape
        self.backend = self._choose(n)
        if self.backend == "flat":
            base = faiss.IndexFlatIP(dim)
        elif self.backend == "sq8":
            base = faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
            base.train(vectors)
        elif self.backend == "ivf":
            lists = self.config.ivf_lists or max(1, int(4 * np.sqrt(n)))
            base = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, min(lists, n), faiss.METRIC_INNER_PRODUCT)
            base.train(vectors)
            base.nprobe = self.config.ivf_probe
        elif self.backend == "hnsw":
            base = faiss.IndexHNSWFlat(dim, self.config.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            base.hnsw.efSearch = self.config.hnsw_ef_search
        else:
            raise ValueError(f"unknown index backend {self.backend!r} (auto, flat, sq8, ivf, hnsw)")
        self.index = faiss.IndexIDMap2(base)
        self.removed = set()
        if n:
            self.index.add_with_ids(vectors, ids)
        return self

    def add(self, vectors: np.ndarray, ids: np.ndarray) -> None:
        """Add (or replace) vectors without a rebuild."""
        ids = np.asarray(ids, dtype=np.int64)
        self.remove(ids)
        self.removed -= set(ids.tolist())
        self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids)

    def remove(self, ids) -> None:
        """Remove ids (unknown ids are ignored)."""
        ids = np.asarray(list(ids), dtype=np.int64)
        if not len(ids):
            return
        if self.backend == "hnsw":
            present = set(faiss.vector_to_array(self.index.id_map).tolist())
            self.removed |= set(ids.tolist()) & present
        else:
            self.index.remove_ids(faiss.IDSelectorBatch(ids))

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k inner products: ``scores, ids`` (Q, k); missing slots have id -1."""
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        extra = len(self.removed)
        scores, ids = self.index.search(queries, k + extra)
        if extra:
            keep = ~np.isin(ids, list(self.removed))
            scores = np.stack([np.pad(s[m], (0, k + extra - m.sum()), constant_values=-np.inf)
                               for s, m in zip(scores, keep)])
            ids = np.stack([np.pad(i[m], (0, k + extra - m.sum()), constant_values=-1) for i, m in zip(ids, keep)])
        return scores[:, :k], ids[:, :k]

    def save(self, folder: Path | str) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self.index, str(folder / "faiss.index"))
        (folder / "index.json").write_text(json.dumps({"backend": self.backend, "config": asdict(self.config),
                                                       "removed": sorted(self.removed)}))

    @classmethod
    def load(cls, folder: Path | str) -> "VectorIndex":
        _set_threads()
        folder = Path(folder)
        meta = json.loads((folder / "index.json").read_text())
        out = cls(IndexConfig(**meta["config"]))
        out.index = faiss.read_index(str(folder / "faiss.index"))
        out.backend = meta["backend"]
        out.removed = set(meta["removed"])
        if out.backend == "hnsw":
            faiss.downcast_index(out.index.index).hnsw.efSearch = out.config.hnsw_ef_search
        elif out.backend == "ivf":
            faiss.extract_index_ivf(out.index.index).nprobe = out.config.ivf_probe
        return out
