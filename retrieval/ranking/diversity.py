"""Five different products, not five copies: near-duplicates are pushed down the list.

Catalogues list the same style several times (one id per colourway or pack: five "Locomotive
Men Washed Blue Jeans", ids 16506-16510). Two products are near-duplicates when

- their names are the same (compared in lower case, words only), or
- they have the same brand, article type and colour and look alike: the cosine of their joint
  embeddings is at least ``LOOK_THRESHOLD``.

Among the ranked candidates, duplicates form groups (transitively); each group keeps the rank
of its best product. The list then shows the best product of every group first, in rank order,
then the second-best of every group, and so on: nothing is hidden, copies come after the
distinct products. The representative's ``variants`` counts its group's other members.
"""
from __future__ import annotations

import numpy as np

from retrieval.catalog.products import ProductTable

LOOK_THRESHOLD = 0.95


def duplicate_groups(rows: np.ndarray, table: ProductTable, emb: np.ndarray,
                     threshold: float = LOOK_THRESHOLD) -> np.ndarray:
    """(C,) group label of each candidate row (the position of its group's first member)."""
    parent = np.arange(len(rows))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    names, kinds = table.name_codes[rows], table.kind_codes[rows]
    for codes, look in ((names, False), (kinds, True)):
        values, first, counts = np.unique(codes, return_index=True, return_counts=True)
        for value, count in zip(values[counts > 1], counts[counts > 1]):
            if look and value < 0:
                continue
            members = np.flatnonzero(codes == value)
            if not look:
                for other in members[1:]:
                    join(members[0], other)
                continue
            vectors = emb[rows[members]]  # (m, D), unit length
            close = np.triu(vectors @ vectors.T >= threshold, k=1)
            for a, b in zip(*np.nonzero(close)):
                join(members[a], members[b])
    return np.array([root(i) for i in range(len(rows))])


def spread(rows: np.ndarray, table: ProductTable, emb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(order, variants): candidate positions (``rows`` is in rank order) with near-duplicates
    pushed down (module docstring), and for each position the number of other members of its
    group among the candidates."""
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    groups = duplicate_groups(rows, table, emb)
    seen: dict[int, int] = {}
    round_of = np.zeros(len(rows), dtype=np.int64)  # 0 for a group's best, 1 for its second ...
    for i, group in enumerate(groups):
        round_of[i] = seen.get(group, 0)
        seen[group] = round_of[i] + 1
    order = np.lexsort((np.arange(len(rows)), round_of))  # by round, then by rank
    sizes = np.array([seen[g] for g in groups])
    variants = np.where(round_of == 0, sizes - 1, 0)  # only a group's best carries the count
    return order, variants[order]
