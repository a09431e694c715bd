"""Exact inner products that skip what a query leaves at zero: the index's ``flat`` backend.

The engine's query vectors are mostly zeros: the concept blocks are non-zero only along the
reference's category path and for the requested concepts, the embedding block is dense. The
vectors are stored transposed, one row per dimension, so a query's non-zero dimensions are
contiguous runs of rows; each run is one BLAS matrix-vector product over a view (no copies):
for a typical edit query 12 runs, 280 of 1,136 dimensions.

The dense tail (the embedding, ``dense_tail`` dimensions, kept row-major as well) is added only
where it can matter: its contribution to any product is at most |q_tail| x max |x_tail|, so
after scoring the sparse part everywhere, the tail is computed for the best candidates of the
sparse part; when even the best product left out could not, with the largest possible tail,
beat the k-th candidate, the top k is exact. Otherwise the candidate set grows (4x), up to a
full scan. Scores are exact (float32); the ranker re-scores the best candidates in float64.
"""
from __future__ import annotations

import numpy as np


def nonzero_runs(query: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) ranges of the query's non-zero dimensions."""
    nz = np.flatnonzero(query)
    if not len(nz):
        return []
    cuts = np.flatnonzero(np.diff(nz) > 1) + 1
    return [(int(run[0]), int(run[-1]) + 1) for run in np.split(nz, cuts)]


class ExactScan:
    """Vectors (N, dim) kept as (dim, N) rows; scores of every vector for a query."""

    def __init__(self, vectors: np.ndarray, dense_tail: int = 0):
        self.rows = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32).T)  # (dim, N)
        self.dense_tail = 0
        self._tail()  # no tail block
        if dense_tail:
            self.set_tail(dense_tail)

    def set_tail(self, dense_tail: int) -> None:
        """Keep the last ``dense_tail`` dimensions row-major too, with their largest norm."""
        self.dense_tail = int(dense_tail)
        self._tail()

    def _tail(self) -> None:
        if not self.dense_tail:
            self.tail, self.tail_norm = None, 0.0
            return
        self.tail = np.ascontiguousarray(self.rows[-self.dense_tail:].T)  # (N, D)
        self.tail_norm = float(np.sqrt((self.tail.astype(np.float64) ** 2).sum(axis=1)).max()) if len(self.tail) else 0.0

    def __len__(self) -> int:
        return self.rows.shape[1]

    @property
    def dim(self) -> int:
        return self.rows.shape[0]

    def scores(self, query: np.ndarray, columns: np.ndarray | None = None) -> np.ndarray:
        """(N,) float32 inner products of the query with every vector (or with ``columns`` only,
        when few are wanted)."""
        query = np.asarray(query, dtype=np.float32)
        n = len(self) if columns is None else len(columns)
        out = np.zeros(n, dtype=np.float32)
        for start, stop in nonzero_runs(query):
            block = self.rows[start:stop] if columns is None else self.rows[start:stop][:, columns]
            out += query[start:stop] @ block  # (run,) @ (run, n)
        return out

    def top(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``scores, positions`` of the k best vectors (best first) among the ``allowed`` ones
        (a (N,) bool mask). A selective mask scores only its columns; a dense tail is added
        where it can change the top k (module docstring)."""
        query = np.asarray(query, dtype=np.float32)
        selective = allowed is not None and allowed.sum() * 8 < len(self)
        if self.tail is not None and not selective and len(self) > 16 * max(k, 256) and query[-self.dense_tail:].any():
            return self._bounded(query, k, allowed)
        return self._full(query, k, allowed, selective)

    def _bounded(self, query: np.ndarray, k: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        head, tail = query.copy(), query[-self.dense_tail:]
        head[-self.dense_tail:] = 0.0
        partial = self.scores(head)  # (N,) the sparse part, everywhere
        if allowed is not None:
            partial[~allowed] = -np.inf
            k = min(k, int(allowed.sum()))
        if k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        bound = float(np.linalg.norm(tail)) * self.tail_norm  # the most a tail can add or take
        width = max(8 * k, 1024)
        while width * 2 < len(partial):
            cand = np.argpartition(-partial, width - 1)[:width]
            full = partial[cand] + self.tail[cand] @ tail  # (width,)
            kth = np.partition(full, len(full) - k)[len(full) - k]
            if partial[cand].min() + bound < kth:  # nobody left out can reach the k-th
                best = np.argsort(-full, kind="stable")[:k]
                return full[best], cand[best].astype(np.int64)
            width *= 4
        full = partial + self.tail @ tail
        best = np.argpartition(-full, k - 1)[:k] if k < len(full) else np.arange(len(full))
        best = best[np.argsort(-full[best], kind="stable")]
        return full[best], best.astype(np.int64)

    def _full(self, query: np.ndarray, k: int, allowed: np.ndarray | None,
              selective: bool) -> tuple[np.ndarray, np.ndarray]:
        if selective:
            columns = np.flatnonzero(allowed)
            scores = self.scores(query, columns)
        else:
            columns = None
            scores = self.scores(query)
            if allowed is not None:
                scores[~allowed] = -np.inf
        k = min(k, len(scores) if allowed is None else int(allowed.sum()))
        if k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        best = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        best = best[np.argsort(-scores[best], kind="stable")]
        positions = best if columns is None else columns[best]
        return scores[best], positions.astype(np.int64)

    @classmethod
    def from_rows(cls, rows: np.ndarray, dense_tail: int = 0) -> "ExactScan":
        """From vectors already stored as (dim, N) rows."""
        out = cls.__new__(cls)
        out.rows, out.dense_tail = np.ascontiguousarray(rows, dtype=np.float32), int(dense_tail)
        out._tail()
        return out

    def without(self, keep: np.ndarray) -> "ExactScan":
        return ExactScan.from_rows(self.rows[:, keep], self.dense_tail)

    def with_vectors(self, vectors: np.ndarray) -> "ExactScan":
        return ExactScan.from_rows(np.concatenate([self.rows, np.asarray(vectors, np.float32).T], axis=1),
                                   self.dense_tail)
