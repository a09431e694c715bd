"""The index's ``milvus`` backend: one Milvus collection of vectors and scalar attributes.

Milvus is reached through ``pymilvus``. An empty URI means Milvus Lite: the Milvus engine
itself (the ``milvus-lite`` 2.5 wheel runs the C++ server as a child process) over a local
file, which travels with the index build like the other backends' files. A ``http://`` URI is
a Milvus standalone or cluster server (``docker/compose.yml``'s ``milvus`` service); the
collection is then named after the build and stays on the server.

Vectors are searched by inner product. ``FLAT`` (the default, the only index Milvus Lite
builds) is exact; a server may use ``HNSW`` or ``IVF_FLAT`` for speed at some recall. Hard
filters are pushed down as a boolean expression over the scalar fields
(``scalars.ScalarFilter.expression``); an id restriction becomes ``id in [...]`` or, when
shorter, ``id not in [...]``.
"""
from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path

import numpy as np

from .scalars import Attributes

LITE_FILE = "milvus.db"
BATCH = 1_000  # entities per insert (a gRPC message of ~5 MB, well under its 64 MB cap)
MAX_TOPK = 16_384  # Milvus's limit on k per search


def _client(uri: str):
    from pymilvus import MilvusClient  # imported on use: the exact backend never needs it

    return MilvusClient(uri)


class MilvusStore:
    """A collection ``name`` at ``uri`` with fields id, vector and the scalar attributes."""

    def __init__(self, uri: str, name: str, dim: int, index_type: str = "FLAT"):
        self.uri, self.name, self.dim, self.index_type = uri, name, dim, index_type
        self.client = _client(uri)

    @property
    def lite(self) -> bool:
        return not self.uri.startswith(("http://", "https://", "tcp://"))

    @classmethod
    def create(cls, uri: str, dim: int, index_type: str, capacities: dict[str, int]) -> "MilvusStore":
        """A new empty collection; ``uri`` "" makes a Milvus Lite file in a fresh folder."""
        from pymilvus import DataType, MilvusClient

        if not uri:
            uri = str(Path(tempfile.mkdtemp(prefix="fashionbot-milvus-")) / LITE_FILE)
        out = cls(uri, f"products_{uuid.uuid4().hex[:12]}", dim, index_type)
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
        schema.add_field("price", DataType.FLOAT)
        schema.add_field("brand", DataType.VARCHAR, max_length=256)
        schema.add_field("sizes", DataType.ARRAY, element_type=DataType.VARCHAR,
                         max_capacity=capacities["sizes"], max_length=64)
        schema.add_field("categories", DataType.ARRAY, element_type=DataType.VARCHAR,
                         max_capacity=capacities["categories"], max_length=256)
        schema.add_field("sale", DataType.BOOL)
        index_params = out.client.prepare_index_params()
        index_params.add_index("vector", index_type=index_type, metric_type="IP")
        out.client.create_collection(out.name, schema=schema, index_params=index_params, consistency_level="Strong")
        return out

    def upsert(self, vectors: np.ndarray, ids: np.ndarray, attributes: Attributes, progress=None) -> None:
        """Insert or replace rows, in batches."""
        for start in range(0, len(ids), BATCH):
            stop = min(start + BATCH, len(ids))
            rows = [{"id": int(pid), "vector": vec, **attrs} for pid, vec, attrs in
                    zip(ids[start:stop].tolist(), vectors[start:stop], attributes.rows(start, stop))]
            self.client.upsert(self.name, rows)
            if progress is not None:
                progress.update(stop - start)

    def load(self) -> None:
        self.client.load_collection(self.name)

    def delete(self, ids: np.ndarray) -> None:
        self.client.delete(self.name, filter=f"id in {np.asarray(ids, dtype=np.int64).tolist()}")

    def count(self) -> int:
        rows = self.client.query(self.name, filter="", output_fields=["count(*)"])
        return int(rows[0]["count(*)"])

    def search(self, queries: np.ndarray, k: int, expression: str) -> tuple[np.ndarray, np.ndarray]:
        """``scores, ids`` (Q, k) by inner product among rows meeting ``expression``; missing
        slots have id -1."""
        k = min(k, MAX_TOPK)
        scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
        ids = np.full((len(queries), k), -1, dtype=np.int64)
        if k == 0:
            return scores, ids
        results = self.client.search(self.name, data=[q for q in queries], limit=k, filter=expression,
                                     output_fields=[], search_params={"metric_type": "IP"}, anns_field="vector")
        for i, hits in enumerate(results):
            for j, hit in enumerate(hits):
                scores[i, j], ids[i, j] = hit["distance"], hit["id"]
        return scores, ids

    def close(self) -> None:
        """Close the connection; for Milvus Lite also stop its server, so the file is complete."""
        self.client.close()
        if self.lite:
            from milvus_lite.server_manager import server_manager_instance

            server_manager_instance.release_server(self.uri)

    def drop(self) -> None:
        self.client.drop_collection(self.name)

    # ------------------------------------------------------------ files (Milvus Lite)
    def moved_to(self, folder: Path) -> "MilvusStore":
        """A Milvus Lite collection's file moved into ``folder`` (a server's stays where it is)."""
        if not self.lite:
            return self
        target = Path(folder) / LITE_FILE
        if Path(self.uri).resolve() == target.resolve():
            return self
        self.close()
        shutil.copy2(self.uri, target)
        if Path(self.uri).parent.name.startswith("fashionbot-milvus-"):  # made by ``create``
            shutil.rmtree(Path(self.uri).parent, ignore_errors=True)
        out = MilvusStore(str(target), self.name, self.dim, self.index_type)
        out.load()
        return out

    def meta(self, folder: Path) -> dict:
        """How ``load`` finds this collection again."""
        return {"uri": LITE_FILE if self.lite else self.uri, "collection": self.name, "dim": self.dim,
                "index_type": self.index_type}

    @classmethod
    def open(cls, folder: Path, meta: dict) -> "MilvusStore":
        uri = meta["uri"]
        if uri == LITE_FILE:
            uri = str(Path(folder) / LITE_FILE)
        out = cls(uri, meta["collection"], meta["dim"], meta["index_type"])
        out.load()
        return out


def id_expression(allowed: np.ndarray, universe: np.ndarray) -> str:
    """An id restriction, as ``id in [...]`` or, when fewer are left out, ``id not in [...]``."""
    allowed = np.unique(np.asarray(allowed, dtype=np.int64))
    left_out = np.setdiff1d(universe, allowed, assume_unique=True)
    if len(left_out) < len(allowed):
        return f"id not in {left_out.tolist()}" if len(left_out) else ""
    return f"id in {allowed.tolist()}"
