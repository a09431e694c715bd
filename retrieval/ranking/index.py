"""One vector index class: inner-product search with build/add/remove/search/save/load.

The backend follows catalogue size (``backend="auto"``): exact ``flat`` up to ``flat_limit``
products, ``hnsw`` beyond; ``ivf`` and ``sq8`` (exhaustive over 8-bit scalar-quantised vectors,
near-exact candidates for the exact re-rank) and ``milvus`` on request. ``flat`` is an exact
scan that skips a query's zero dimensions (``exact.ExactScan``: the engine's queries are mostly
zeros); ``sq8``, ``ivf`` and ``hnsw`` are FAISS indexes; ``milvus`` is a Milvus collection
(``milvus.py``: Milvus Lite in a file of the build, or a Milvus server), which holds the
products' scalar attributes too. HNSW cannot delete vectors, so removed ids are kept in a
tombstone set and filtered out of results until the next build. A search can be restricted to
some ids (the engine's filters): exact for flat, a FAISS ID selector for FAISS, an id
expression for Milvus; and by a ``ScalarFilter`` (``scalars.py``), which Milvus evaluates
inside its search and the in-process backends over the attributes given to ``build``.
"""
from __future__ import annotations

import json
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import faiss
import numpy as np

from .exact import ExactScan
from .milvus import LITE_FILE, MilvusStore, id_expression
from .scalars import Attributes, ScalarFilter
from retrieval.settings import get_settings


def _set_threads() -> None:
    """FAISS's OpenMP threads from the settings (``FASHIONBOT_FAISS_THREADS``, default 1: one query
    at a time is the serving pattern and the HTTP server already runs requests in parallel).
    Applied when an index is built or loaded, not at import."""
    faiss.omp_set_num_threads(get_settings().faiss_threads)


@dataclass
class IndexConfig:
    backend: str = "auto"  # auto | flat | sq8 | ivf | hnsw | milvus
    flat_limit: int = 100_000  # auto: exact search up to this many vectors
    ivf_lists: int = 0  # ivf: number of inverted lists (0: 4 * sqrt(N))
    ivf_probe: int = 16  # ivf: lists visited per query
    hnsw_m: int = 32  # hnsw: graph degree
    hnsw_ef_search: int = 128  # hnsw: candidate list size at query time
    dense_tail: int = 0  # flat: trailing dimensions that are dense in queries (the embedding), bounded
    milvus_uri: str = ""  # milvus: "" = Milvus Lite in a file of the build; http://host:19530 = a server
    milvus_index: str = "FLAT"  # milvus: FLAT (exact; all Milvus Lite builds), HNSW or IVF_FLAT on a server


class VectorIndex:
    """Maximum-inner-product search over float32 vectors keyed by int64 ids."""

    def __init__(self, config: IndexConfig | None = None):
        self.config = config or IndexConfig()
        self.index: faiss.Index | None = None
        self.scan: ExactScan | None = None  # the flat backend
        self.ids: np.ndarray = np.zeros(0, dtype=np.int64)  # flat: the id of each scanned vector
        self.backend: str | None = None
        self.removed: set[int] = set()
        self.store: MilvusStore | None = None  # the milvus backend
        self.attributes: Attributes | None = None  # row-aligned with ``attribute_ids`` (in memory)
        self.attribute_ids: np.ndarray = np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        if self.scan is not None:
            return len(self.scan)
        if self.store is not None:
            return len(self.ids)
        return 0 if self.index is None else self.index.ntotal - len(self.removed)

    def _choose(self, n: int) -> str:
        if self.config.backend != "auto":
            return self.config.backend
        return "flat" if n <= self.config.flat_limit else "hnsw"

    def build(self, vectors: np.ndarray, ids: np.ndarray, attributes: Attributes | None = None,
              progress=None) -> "VectorIndex":
        """Index ``vectors`` (N, dim) under ``ids`` (N,), replacing any previous content; with
        ``attributes`` (row-aligned) searches may be restricted by a ``ScalarFilter``."""
        _set_threads()
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        ids = np.asarray(ids, dtype=np.int64)
        n, dim = vectors.shape
        self.backend = self._choose(n)
        self.removed = set()
        self.attributes, self.attribute_ids = attributes, ids.copy()
        if self.backend == "milvus":
            attributes = attributes or Attributes.empty(n)
            self.scan = self.index = None
            self.store = MilvusStore.create(self.config.milvus_uri, dim, self.config.milvus_index,
                                            attributes.capacities())
            self.store.upsert(vectors, ids, attributes, progress)
            self.store.load()
            self.ids = np.sort(ids)
            return self
        if self.backend == "flat":
            self.scan, self.ids, self.index = ExactScan(vectors, self.config.dense_tail), ids.copy(), None
            return self
        self.scan = self.store = None
        if self.backend == "sq8":
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
            raise ValueError(f"unknown index backend {self.backend!r} (auto, flat, sq8, ivf, hnsw, milvus)")
        self.index = faiss.IndexIDMap2(base)
        self.removed = set()
        if n:
            self.index.add_with_ids(vectors, ids)
        return self

    def add(self, vectors: np.ndarray, ids: np.ndarray, attributes: Attributes | None = None) -> None:
        """Add (or replace) vectors without a rebuild (``attributes``: theirs, row-aligned)."""
        ids = np.asarray(ids, dtype=np.int64)
        if self.store is not None:
            if self.attributes is not None or attributes is not None:
                self._add_attributes(ids, attributes)
            self.store.upsert(np.ascontiguousarray(vectors, dtype=np.float32), ids, attributes or Attributes.empty(len(ids)))
            self.ids = np.union1d(self.ids, ids)
            return
        self.remove(ids)  # their old vectors and attributes
        self.removed -= set(ids.tolist())
        if self.attributes is not None or attributes is not None:
            self._add_attributes(ids, attributes)
        if self.scan is not None:
            self.scan, self.ids = self.scan.with_vectors(vectors), np.concatenate([self.ids, ids])
            return
        self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids)

    def remove(self, ids) -> None:
        """Remove ids (unknown ids are ignored)."""
        ids = np.asarray(list(ids), dtype=np.int64)
        if not len(ids):
            return
        if self.attributes is not None:
            keep = ~np.isin(self.attribute_ids, ids)
            self.attributes, self.attribute_ids = self.attributes.take(np.flatnonzero(keep)), self.attribute_ids[keep]
        if self.store is not None:
            self.store.delete(ids)
            self.ids = np.setdiff1d(self.ids, ids)
        elif self.scan is not None:
            keep = ~np.isin(self.ids, ids)
            self.scan, self.ids = self.scan.without(keep), self.ids[keep]
        elif self.backend == "hnsw":
            present = set(faiss.vector_to_array(self.index.id_map).tolist())
            self.removed |= set(ids.tolist()) & present
        else:
            self.index.remove_ids(faiss.IDSelectorBatch(ids))

    def search(self, queries: np.ndarray, k: int, allowed_ids: np.ndarray | None = None,
               where: ScalarFilter | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k inner products: ``scores, ids`` (Q, k); missing slots have id -1. With
        ``allowed_ids`` only those products are searched (a FAISS ID selector: exact for flat,
        filtered graph/list traversal for hnsw/ivf; an id expression for milvus), and with
        ``where`` only those meeting it (pushed down into Milvus's search; evaluated over the
        build's attributes by the others)."""
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        if self.store is not None:
            return self._milvus(queries, k, allowed_ids, where)
        if where is not None and not where.is_empty():
            if self.attributes is None:
                raise ValueError("a scalar filter needs the attributes given to build()")
            meets = self.attribute_ids[where.mask(self.attributes)]
            allowed_ids = meets if allowed_ids is None else np.intersect1d(meets, np.asarray(allowed_ids, np.int64))
        if self.scan is not None:
            return self._scan(queries, k, allowed_ids)
        extra = len(self.removed)
        params = selector = None
        if allowed_ids is not None:
            allowed = np.asarray(allowed_ids, dtype=np.int64)
            if extra:
                allowed = allowed[~np.isin(allowed, list(self.removed))]
                extra = 0
            selector = faiss.IDSelectorBatch(allowed)  # referenced here until the search is done
            params = self._params(selector)
            k = min(k, len(allowed))
            if k == 0:
                return np.zeros((len(queries), 0), dtype=np.float32), np.zeros((len(queries), 0), dtype=np.int64)
        scores, ids = self.index.search(queries, k + extra, params=params)
        del selector
        if extra:
            keep = ~np.isin(ids, list(self.removed))
            scores = np.stack([np.pad(s[m], (0, k + extra - m.sum()), constant_values=-np.inf)
                               for s, m in zip(scores, keep)])
            ids = np.stack([np.pad(i[m], (0, k + extra - m.sum()), constant_values=-1) for i, m in zip(ids, keep)])
        return scores[:, :k], ids[:, :k]

    def _milvus(self, queries: np.ndarray, k: int, allowed_ids, where) -> tuple[np.ndarray, np.ndarray]:
        """The milvus backend: the scalar filter and the id restriction as one expression."""
        terms = [] if where is None or where.is_empty() else [where.expression()]
        if allowed_ids is not None:
            allowed = np.intersect1d(np.asarray(allowed_ids, dtype=np.int64), self.ids)
            if not len(allowed):
                return np.zeros((len(queries), 0), dtype=np.float32), np.zeros((len(queries), 0), dtype=np.int64)
            k = min(k, len(allowed))
            terms.append(id_expression(allowed, self.ids))
        scores, ids = self.store.search(queries, min(k, len(self.ids)), " and ".join(f"({t})" for t in terms if t))
        return scores, ids

    def _add_attributes(self, ids: np.ndarray, attributes: Attributes | None) -> None:
        attributes = attributes or Attributes.empty(len(ids))
        current = self.attributes or Attributes.empty(0)
        keep = np.flatnonzero(~np.isin(self.attribute_ids, ids))
        self.attributes = current.take(keep).concat(attributes)
        self.attribute_ids = np.concatenate([self.attribute_ids[keep], ids])

    def _scan(self, queries: np.ndarray, k: int, allowed_ids) -> tuple[np.ndarray, np.ndarray]:
        """The flat backend: an exact scan per query (``allowed_ids`` as a mask over the vectors)."""
        allowed = None if allowed_ids is None else np.isin(self.ids, np.asarray(allowed_ids, dtype=np.int64))
        width = min(k, len(self.ids) if allowed is None else int(allowed.sum()))
        scores = np.full((len(queries), width), -np.inf, dtype=np.float32)
        ids = np.full((len(queries), width), -1, dtype=np.int64)
        for i, query in enumerate(queries):
            top, positions = self.scan.top(query, width, allowed)
            scores[i, :len(top)], ids[i, :len(top)] = top, self.ids[positions]
        return scores, ids

    def search_mask(self, query: np.ndarray, k: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """One query, restricted by a (N,) bool mask aligned with ``ids`` (flat backend only):
        ``scores, ids`` best first. Saves turning a mask into ids and back."""
        top, positions = self.scan.top(np.asarray(query, dtype=np.float32), k, allowed)
        return top, self.ids[positions]

    def _params(self, selector) -> faiss.SearchParameters:
        """Search parameters carrying a selector (and the backend's own search settings)."""
        if self.backend == "hnsw":
            return faiss.SearchParametersHNSW(sel=selector, efSearch=self.config.hnsw_ef_search)
        if self.backend == "ivf":
            return faiss.SearchParametersIVF(sel=selector, nprobe=self.config.ivf_probe)
        return faiss.SearchParameters(sel=selector)

    def close(self) -> None:
        """Release an outside engine (Milvus's connection and, for Milvus Lite, its server)."""
        if self.store is not None:
            self.store.close()

    @staticmethod
    def discard(folder: Path | str) -> None:
        """Before a build folder is deleted: drop what it keeps outside itself (a collection on a
        Milvus server; Milvus Lite's file is in the folder)."""
        meta_file = Path(folder) / "index.json"
        meta = json.loads(meta_file.read_text()) if meta_file.exists() else {}
        milvus = meta.get("milvus")
        if milvus and milvus["uri"] != LITE_FILE:
            try:
                MilvusStore(milvus["uri"], milvus["collection"], milvus["dim"], milvus["index_type"]).drop()
            except Exception as exc:  # noqa: BLE001 (a server gone away must not stop a build)
                warnings.warn(f"could not drop Milvus collection {milvus['collection']}: {exc}", stacklevel=2)

    def save(self, folder: Path | str) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        extra = {}
        if self.store is not None:
            self.store = self.store.moved_to(folder)
            np.save(folder / "milvus_ids.npy", self.ids)
            extra["milvus"] = self.store.meta(folder)
        elif self.scan is not None:
            np.save(folder / "flat_rows.npy", self.scan.rows)
            np.save(folder / "flat_ids.npy", self.ids)
        else:
            faiss.write_index(self.index, str(folder / "faiss.index"))
        (folder / "index.json").write_text(json.dumps({"backend": self.backend, "config": asdict(self.config),
                                                       "removed": sorted(self.removed), **extra}))

    @classmethod
    def load(cls, folder: Path | str) -> "VectorIndex":
        _set_threads()
        folder = Path(folder)
        meta = json.loads((folder / "index.json").read_text())
        out = cls(IndexConfig(**meta["config"]))
        out.backend = meta["backend"]
        out.removed = set(meta["removed"])
        if out.backend == "milvus":
            out.store = MilvusStore.open(folder, meta["milvus"])
            out.ids = np.load(folder / "milvus_ids.npy")
            return out
        if out.backend == "flat":
            if (folder / "flat_rows.npy").exists():
                out.scan = ExactScan.from_rows(np.load(folder / "flat_rows.npy"), out.config.dense_tail)
                out.ids = np.load(folder / "flat_ids.npy")
            else:  # written by an older version as a FAISS IndexFlatIP: read its vectors
                index = faiss.read_index(str(folder / "faiss.index"))
                flat = faiss.downcast_index(index.index)
                out.scan = ExactScan(faiss.rev_swig_ptr(flat.get_xb(), flat.ntotal * flat.d).reshape(flat.ntotal, flat.d),
                                     out.config.dense_tail)
                out.ids = faiss.vector_to_array(index.id_map).astype(np.int64)
            return out
        out.index = faiss.read_index(str(folder / "faiss.index"))
        if out.backend == "hnsw":
            faiss.downcast_index(out.index.index).hnsw.efSearch = out.config.hnsw_ef_search
        elif out.backend == "ivf":
            faiss.extract_index_ivf(out.index.index).nprobe = out.config.ivf_probe
        return out
