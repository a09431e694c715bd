"""Ranking by the paper's hierarchical similarity, as one inner product, with explanations.

score(q, p) = sum_k u_k * P_p(k)  +  w_visual * <e_q, e_p>

where P_p is the product's concept vector, e its joint embedding, and u the query's weighted
concept vector: the reference's (or the text's) concept probabilities scaled per tree level
(master, sub, type, colour, attributes, profile), the shopper's edits overriding the
reference, a bonus on each requested concept and a penalty on each excluded one. Product
vectors are ``[P_p, e_p]`` and query vectors ``[u, w_visual * e_q]``, so FAISS ranks the whole
score directly; the top candidates are then re-scored exactly in float64 and explained.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from .index import VectorIndex
from .query import QueryState, merge_same_values
from .tree import EITree
from .vectors import ProductVectors

PARTS = ("category", "colour", "attributes", "visual")


@dataclass
class SearchConfig:
    """Weights of the hierarchical similarity (config values)."""

    w_master: float = 0.5  # agreement on masterCategory
    w_sub: float = 1.0  # agreement on subCategory
    w_type: float = 1.5  # agreement on articleType
    w_colour: float = 1.5  # agreement on colour
    w_attribute: float = 0.75  # agreement on each attribute type (sleeve, neck, ...)
    w_profile: float = 0.5  # agreement on gender, usage, season
    w_visual: float = 2.0  # cosine of the joint embeddings
    w_request: float = 4.0  # bonus per requested concept, times its probability
    w_exclude: float = 8.0  # penalty per excluded concept, times its probability
    text_concepts: float = 0.5  # scale of a text query's predicted concepts (no reference)
    match_threshold: float = 0.5  # P(concept) from which a requested concept counts as matched
    candidates: int = 200  # re-ranked exactly after the index search


@dataclass
class Hit:
    id: int
    score: float
    score_parts: dict[str, float]
    matched: list[dict] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)
    excluded_present: list[dict] = field(default_factory=list)
    top_concepts: list[dict] = field(default_factory=list)


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int  # products meeting every request and no exclusion
    query: dict  # resolved concepts
    blocking: list[dict] = field(default_factory=list)  # when total is 0: requests that empty the list

    def to_dict(self) -> dict:
        return {"hits": [asdict(h) for h in self.hits], "total": self.total, "query": self.query,
                "blocking": self.blocking}


class Ranker:
    """Builds query vectors, searches the index and explains the hits."""

    def __init__(self, tree: EITree, vectors: ProductVectors, index: VectorIndex, config: SearchConfig | None = None):
        self.tree, self.vectors, self.index = tree, vectors, index
        self.config = config or SearchConfig()
        self.k = len(tree.order)
        self.part_of = np.array([self._part(nid) for nid in tree.order])  # (K,) part name per dimension
        self.dim_weight = np.array([self._weight(nid) for nid in tree.order], dtype=np.float64)  # (K,)

    # ------------------------------------------------------------ weights
    def _part(self, nid: str) -> str:
        group = self.tree[nid].group
        if group in ("master", "sub", "type", "root"):
            return "category"
        return "colour" if group == "colour" else "attributes"

    def _weight(self, nid: str) -> float:
        node, c = self.tree[nid], self.config
        if node.kind in ("root", "facet"):
            return 0.0
        return {"master": c.w_master, "sub": c.w_sub, "type": c.w_type, "colour": c.w_colour,
                "gender": c.w_profile, "usage": c.w_profile, "season": c.w_profile}.get(node.group, c.w_attribute)

    # ------------------------------------------------------------ query vectors
    def concept_query(self, base: np.ndarray | None, state: QueryState) -> np.ndarray:
        """The weighted concept part ``u`` (K,) of a query."""
        q = np.zeros(self.k) if base is None else base.astype(np.float64).copy()
        index = self.tree.index
        for cid in state.include:  # edits override the reference: siblings' subtrees drop out
            for sibling in self.tree.exclusive_siblings(cid):
                q[[index[d] for d in [sibling.id, *self.tree.descendants(sibling.id)]]] = 0.0
            q[index[cid]] = 1.0
        u = self.dim_weight * q
        for cid in state.include:
            u[index[cid]] += self.config.w_request
        for cid in state.exclude:
            u[index[cid]] -= self.config.w_exclude
        return u

    def query_vector(self, u: np.ndarray, emb: np.ndarray | None) -> np.ndarray:
        """[u, w_visual * e_q] (K + D,)."""
        e = np.zeros(self.vectors.emb.shape[1]) if emb is None else emb * self.config.w_visual
        return np.concatenate([u, e]).astype(np.float32)

    @staticmethod
    def product_matrix(vectors: ProductVectors) -> np.ndarray:
        """[P_p, e_p] (N, K + D): what the index stores."""
        return np.concatenate([vectors.concept_probs, vectors.emb], axis=1).astype(np.float32)

    # ------------------------------------------------------------ search
    def search(self, state: QueryState, base: np.ndarray | None, emb: np.ndarray | None,
               k: int = 10, offset: int = 0, skip_ids: set[int] = frozenset()) -> SearchResult:
        """Ranked, explained products for a resolved query state."""
        u = self.concept_query(base, state)
        query = self.query_vector(u, emb)
        wanted = offset + k + len(skip_ids)
        n_candidates = min(max(self.config.candidates, wanted), len(self.index))
        _, ids = self.index.search(query[None], n_candidates)
        ids = ids[0][ids[0] >= 0]
        rows = self.vectors.rows(ids)
        parts = self._parts(u, emb, rows)  # exact re-scoring
        scores = sum(parts.values())
        order = np.argsort(-scores, kind="stable")
        hits = []
        for pos in order:
            pid = int(ids[pos])
            if pid in skip_ids:
                continue
            hits.append(Hit(id=pid, score=round(float(scores[pos]), 4),
                            score_parts={p: round(float(parts[p][pos]), 4) for p in parts}))
        hits = hits[offset:offset + k]
        for hit in hits:
            self.explain(hit, state)
        total, blocking = self.count_matches(state)
        return SearchResult(hits=hits, total=total, query=self.describe(state), blocking=blocking)

    def _parts(self, u: np.ndarray, emb: np.ndarray | None, rows: np.ndarray) -> dict[str, np.ndarray]:
        probs = self.vectors.concept_probs[rows].astype(np.float64)  # (C, K)
        contrib = probs * u  # (C, K)
        parts = {p: contrib[:, self.part_of == p].sum(axis=1) for p in PARTS[:3]}
        parts["visual"] = (self.vectors.emb[rows].astype(np.float64) @ (emb * self.config.w_visual)
                           if emb is not None else np.zeros(len(rows)))
        return parts

    # ------------------------------------------------------------ constraints and explanations
    def _request_groups(self, state: QueryState) -> list[list[str]]:
        return merge_same_values(self.tree, state.include)

    def _satisfied(self, rows=slice(None)) -> callable:
        probs = self.vectors.concept_probs[rows]
        index, threshold = self.tree.index, self.config.match_threshold
        return lambda group: probs[:, [index[c] for c in group]].max(axis=1) >= threshold

    def count_matches(self, state: QueryState) -> tuple[int, list[dict]]:
        """How many products meet every request and no exclusion; when none do, which single
        request, dropped, would bring results back (and how many)."""
        satisfied = self._satisfied()
        requests = self._request_groups(state)
        ok = [satisfied(g) for g in requests] + [~satisfied([c]) for c in state.exclude]
        everything = np.logical_and.reduce(ok) if ok else np.ones(len(self.vectors.ids), dtype=bool)
        total = int(everything.sum())
        blocking = []
        if total == 0 and ok:
            for i, group in enumerate(requests + [[c] for c in state.exclude]):
                rest = ok[:i] + ok[i + 1:]
                count = int(np.logical_and.reduce(rest).sum()) if rest else len(self.vectors.ids)
                if count:
                    kind = "include" if i < len(requests) else "exclude"
                    blocking.append({"concept": group[0], "name": self.tree[group[0]].name, "kind": kind,
                                     "results_without_it": count})
            blocking.sort(key=lambda b: -b["results_without_it"])
        return total, blocking

    def concept_info(self, cid: str, prob: float | None = None) -> dict:
        node = self.tree[cid]
        info = {"concept": cid, "name": node.name, "group": node.group,
                "path": [n.name for n in self.tree.path(cid)[1:]]}
        if prob is not None:
            info["prob"] = round(float(prob), 4)
        return info

    def explain(self, hit: Hit, state: QueryState) -> None:
        """Fill a hit's matched/missed requests, present exclusions and top concepts."""
        row = self.vectors.rows([hit.id])[0]
        probs = self.vectors.concept_probs[row]
        index, threshold = self.tree.index, self.config.match_threshold
        for group in self._request_groups(state):
            best = max(group, key=lambda c: probs[index[c]])
            info = self.concept_info(best, probs[index[best]])
            (hit.matched if probs[index[best]] >= threshold else hit.missed).append(info)
        for cid in state.exclude:
            if probs[index[cid]] >= threshold:
                hit.excluded_present.append(self.concept_info(cid, probs[index[cid]]))
        hit.top_concepts = self.top_concepts(probs)

    def top_concepts(self, probs: np.ndarray, limit: int = 8) -> list[dict]:
        """The most specific confident concepts of a product (no ancestor of another listed)."""
        order = self.tree.order
        confident = [order[i] for i in np.flatnonzero(probs >= self.config.match_threshold)
                     if self.tree[order[i]].kind in ("category", "value")]
        confident_set = set(confident)
        specific = [c for c in confident if not any(ch in confident_set for ch in self._concept_children(c))]
        specific.sort(key=lambda c: -probs[self.tree.index[c]])
        return [self.concept_info(c, probs[self.tree.index[c]]) for c in specific[:limit]]

    def _concept_children(self, cid: str) -> list[str]:
        return [c for c in self.tree.descendants(cid) if self.tree[c].kind in ("category", "value")]

    def describe(self, state: QueryState) -> dict:
        return {"like": state.like, "image_id": state.image_id, "text": state.text,
                "include": [self.concept_info(c) for c in state.include],
                "exclude": [self.concept_info(c) for c in state.exclude]}
