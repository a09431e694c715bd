"""Ranking by the paper's hierarchical similarity, as one inner product, with explanations.

score(q, p) = sum_l w_l * cos(q_l, p_l)             agreement per tree level l (master, sub, type,
                                                    colour, gender, usage, season, attributes)
            + sum_c r_c * P_p(c)                    + w_request per requested concept,
                                                      - w_exclude per excluded concept
            + w_visual * <e_q, e_p>                 joint-embedding similarity

``q`` is the query's concept vector: the reference's (or the text's) probabilities with the
shopper's edits applied in conditional-probability space (a set value takes its group's
mass, the path products are recomputed, so descendants follow). Product vectors are
``[P_p normalised per level, P_p, e_p]`` and query vectors ``[w_l * q_l / |q_l|, r, w_visual * e_q]``,
so FAISS ranks the whole score directly; the top candidates are re-scored exactly and explained.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from models.tree import ROOT_FACETS, EITree

from retrieval.query.concepts import display_name
from .index import VectorIndex
from .photo import certainty_weighted, likely_types, share_first_results
from .scalars import ScalarFilter
from retrieval.query.state import QueryState, merge_same_values
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
    w_visual_photo: float = 8.0  # the same when the reference is an uploaded photo (its look is the query)
    w_request: float = 4.0  # bonus per requested concept, times its probability
    w_exclude: float = 8.0  # penalty per excluded concept, times its probability
    match_threshold: float = 0.5  # P(concept) from which a requested concept counts as matched
    candidates: int = 200  # re-ranked exactly after the index search
    # a shopper's photo as the query (ranking/photo.py)
    photo_certainty: bool = True  # category and colour agreement scaled by the photo's certainty there
    photo_likely_min: float = 0.15  # an article type the photo may show: at least this probability ...
    photo_likely_ratio: float = 0.5  # ... and at least this share of the likeliest type's
    photo_likely_within: int = 5  # every likely type has a product among this many first results


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


def similarity_levels(tree: EITree) -> dict[str, np.ndarray]:
    """Dimensions compared as one level: each category level, each root-level group, and all
    attribute values together."""
    levels: dict[str, list[int]] = {}
    for nid in tree.order:
        node = tree[nid]
        if node.kind in ("root", "facet"):
            continue
        name = node.group if node.group in ("master", "sub", "type", *ROOT_FACETS) else "attribute"
        levels.setdefault(name, []).append(tree.index[nid])
    return {k: np.asarray(v) for k, v in levels.items()}


def normalise_levels(probs: np.ndarray, levels: dict[str, np.ndarray]) -> np.ndarray:
    """(N, K) -> (N, K) with each level's block scaled to unit length (zero blocks stay zero)."""
    out = np.zeros_like(probs, dtype=np.float32)
    for dims in levels.values():
        block = probs[:, dims].astype(np.float32)
        norm = np.linalg.norm(block, axis=1, keepdims=True)
        out[:, dims] = block / np.maximum(norm, 1e-9)
    return out


ALTERNATIVE_STEP = 0.15  # each later alternative of one request weighs this much less than the one before it
ALTERNATIVE_STEPS = 3  # ... down to at most this many steps


def alternative_weight(tree: EITree, group: list[str], cid: str, implied: frozenset[str] = frozenset()) -> float:
    """How much one alternative of a request weighs: 1 for the first said, ``ALTERNATIVE_STEP``
    less for each later one (the same value under several categories counts once). What a need
    implies ("sun on my face": caps, sunglasses, sunscreen) and the colours a shade is read as are
    offered side by side: 1 each."""
    if cid in implied or tree[cid].group == "colour":  # a shade's colours are near alike ("olive": Brown, Green)
        return 1.0
    names = list(dict.fromkeys(tree[c].name for c in group if c not in implied))
    return 1.0 - ALTERNATIVE_STEP * min(names.index(tree[cid].name), ALTERNATIVE_STEPS)


def edit_concepts(tree: EITree, base: np.ndarray | None, include: list[str], exclude: list[str],
                  implied: frozenset[str] = frozenset()) -> np.ndarray:
    """Apply edits in conditional-probability space and recompute the path products.

    An included concept takes all of its exclusive group's mass (an independent one gets 1).
    With a single reading (not an attribute shared by several categories) its category path is
    made certain too: "long sleeves" implies topwear. Alternatives of one request ("jackets or
    blazers") share it, the first said leading (``alternative_weight``; a shade's colours and what
    a need implies side by side). An excluded concept gets 0."""
    index = tree.index
    probs = np.zeros(len(tree.order)) if base is None else base.astype(np.float64)
    parent = np.asarray(tree.parent_index)
    cond = probs / np.maximum(np.where(parent >= 0, probs[np.maximum(parent, 0)], 1.0), 1e-12)
    cond[tree.pass_through_nodes] = 1.0
    cond = np.clip(cond, 0.0, 1.0)

    def make_certain(cid: str) -> None:
        cond[[index[s.id] for s in tree.exclusive_siblings(cid)]] = 0.0
        cond[index[cid]] = 1.0

    for group in merge_same_values(tree, include):
        if len({tree[c].name for c in group}) > 1:  # alternatives ("jackets or blazers"): each with its path
            paths = {n.id for cid in group for n in [*tree.category_ancestors(cid), tree[cid]]}
            cond[[index[s.id] for cid in paths for s in tree.exclusive_siblings(cid) if s.id not in paths]] = 0.0
            cond[[index[cid] for cid in paths]] = 1.0
            for cid in group:  # the reading said first leads ("pullover": Sweaters, then Sweatshirts)
                cond[index[cid]] = alternative_weight(tree, group, cid, implied)
            continue
        for cid in group:
            make_certain(cid)
            if len(group) == 1:
                for ancestor in tree.category_ancestors(cid):
                    make_certain(ancestor.id)
    for cid in exclude:
        cond[index[cid]] = 0.0
    out = cond.copy()
    depth = np.asarray(tree.depth)
    for level in range(1, depth.max() + 1):
        dims = np.flatnonzero(depth == level)
        out[dims] = out[parent[dims]] * cond[dims]
    return out


IDEAS = 4  # a need's list of this many kinds or more, never said, is ideas ("a birthday present": watches, bags ...)
IMPORTANCE = {"master": 0, "sub": 0, "type": 0, "gender": 1, "usage": 2, "colour": 3}  # other groups: 4


class Ranker:
    """Builds query vectors, searches the index and explains the hits. Without an index it still
    builds and scores query vectors exactly (``score``), as the offline evaluation does."""

    def __init__(self, tree: EITree, vectors: ProductVectors, index: VectorIndex | None,
                 config: SearchConfig | None = None):
        self.tree, self.vectors, self.index = tree, vectors, index
        self.config = config or SearchConfig()
        self.k = len(tree.order)
        self.part_of = np.array([self._part(nid) for nid in tree.order])  # (K,) part name per dimension
        self.levels = similarity_levels(tree)  # level -> dims
        self.level_weight = {level: self._level_weight(level) for level in self.levels}
        self.matrix = self.product_matrix(vectors, tree)  # (N, 2K + D) what the index stores
        self.is_concept = np.array([tree[nid].kind in ("category", "value") for nid in tree.order])  # (K,)
        self.concept_ancestors = [[tree.index[n.id] for n in tree.path(nid)[:-1]] for nid in tree.order]
        self._aligned = index is not None and index.scan is not None and np.array_equal(index.ids, vectors.ids)
        threshold = self.config.match_threshold
        self.confident = np.ascontiguousarray((vectors.concept_probs >= threshold).T)  # (K, N) bool
        self._info = {nid: {"concept": nid, "name": display_name(tree[nid].name), "group": tree[nid].group,
                            "path": [display_name(n.name) for n in tree.path(nid)[1:]]} for nid in tree.order}
        self.row_category = self._categories()  # (N,) index into tree.order of each product's category
        self._looks: dict[tuple, np.ndarray | None] = {}  # request -> mean embedding (typical_look)

    # ------------------------------------------------------------ weights
    def _part(self, nid: str) -> str:
        group = self.tree[nid].group
        if group in ("master", "sub", "type", "root"):
            return "category"
        return "colour" if group == "colour" else "attributes"

    def _level_weight(self, level: str) -> float:
        c = self.config
        return {"master": c.w_master, "sub": c.w_sub, "type": c.w_type, "colour": c.w_colour,
                "gender": c.w_profile, "usage": c.w_profile, "season": c.w_profile}.get(level, c.w_attribute)

    # ------------------------------------------------------------ query vectors
    def concept_query(self, base: np.ndarray | None, state: QueryState) -> tuple[np.ndarray, np.ndarray]:
        """The query's edited concept vector ``q`` (K,) and request/exclusion vector ``r`` (K,)."""
        implied = frozenset(state.implied)
        q = edit_concepts(self.tree, base, state.include, state.exclude, implied)
        r = np.zeros(self.k)
        index = self.tree.index
        for group in merge_same_values(self.tree, state.include):
            for cid in group:
                r[index[cid]] += self.config.w_request * alternative_weight(self.tree, group, cid, implied)
        for cid in state.exclude:
            r[index[cid]] -= self.config.w_exclude
        return q, r

    def query_vector(self, q: np.ndarray, r: np.ndarray, emb: np.ndarray | None,
                     w_visual: float | None = None) -> np.ndarray:
        """[w_l * q_l / |q_l|, r, w_visual * e_q] (2K + D,)."""
        weighted = normalise_levels(q[None], self.levels)[0]
        for level, dims in self.levels.items():
            weighted[dims] *= self.level_weight[level]
        w_visual = self.config.w_visual if w_visual is None else w_visual
        e = np.zeros(self.vectors.emb.shape[1]) if emb is None else emb * w_visual
        return np.concatenate([weighted, r, e]).astype(np.float32)

    @staticmethod
    def product_matrix(vectors: ProductVectors, tree: EITree) -> np.ndarray:
        """[P_p normalised per level, P_p, e_p] (N, 2K + D): what the index stores."""
        probs = vectors.concept_probs.astype(np.float32)
        return np.concatenate([normalise_levels(probs, similarity_levels(tree)), probs, vectors.emb],
                              axis=1).astype(np.float32)

    def score(self, queries: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Exact scores (Q, N) of query vectors against the products (or some rows), float64."""
        matrix = self.matrix if rows is None else self.matrix[rows]
        return np.atleast_2d(queries).astype(np.float64) @ matrix.astype(np.float64).T

    # ------------------------------------------------------------ search
    def candidates(self, query: np.ndarray, n: int, allowed: np.ndarray | None = None,
                   skip_ids: set[int] = frozenset(), where: tuple[ScalarFilter, np.ndarray] | None = None
                   ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """The ``n`` best rows for a query vector among the ``allowed`` ones (a (N,) bool mask;
        None: all), re-scored exactly: ``(rows, scores, parts)`` best first. With a mask only
        those products are searched (exact for the flat backend: brute force over the filtered
        set). ``where`` is a scalar filter and its mask (``allowed`` lies within it), pushed
        down to an index that filters in its search (milvus): the allowed ids then travel only
        when the mask says more than the filter."""
        if allowed is not None and not allowed.any():
            return np.zeros(0, dtype=np.int64), np.zeros(0), {p: np.zeros(0) for p in PARTS}
        n = min(n + len(skip_ids), len(self.index))
        if self._aligned:  # the flat backend scans our rows in our order
            _, ids = self.index.search_mask(query, n, allowed)
            rows = np.searchsorted(self.vectors.ids, ids)
        else:
            ids_allowed = None if allowed is None else self.vectors.ids[allowed]
            scalar = None
            if where is not None and self.index.store is not None:
                scalar = where[0]
                if allowed is not None and np.array_equal(allowed, where[1]):
                    ids_allowed = None  # the filter says it all
            _, ids = self.index.search(query[None], n, allowed_ids=ids_allowed, where=scalar)
            ids = ids[0][ids[0] >= 0]
            rows = self.vectors.rows(ids)
        if skip_ids:
            keep = ~np.isin(self.vectors.ids[rows], np.fromiter(skip_ids, dtype=np.int64))
            rows = rows[keep]
        parts = self._parts(query, rows)  # exact re-scoring
        scores = sum(parts.values())
        order = np.lexsort((self.vectors.ids[rows], -scores))  # best first; equal scores by id
        return rows[order], scores[order], {p: v[order] for p, v in parts.items()}

    def search(self, state: QueryState, base: np.ndarray | None, emb: np.ndarray | None,
               k: int = 10, offset: int = 0, skip_ids: set[int] = frozenset(),
               allowed: np.ndarray | None = None) -> SearchResult:
        """Ranked, explained products for a resolved query state (no filters, no folding)."""
        query = self.state_query(state, base, emb)
        wanted = offset + k
        rows, scores, parts = self.candidates(query, max(self.config.candidates, wanted), allowed, skip_ids)
        order = self.photo_order(state, base, rows)
        rows, scores, parts = rows[order], scores[order], {p: v[order] for p, v in parts.items()}
        hits = [self.hit(int(rows[i]), float(scores[i]), {p: v[i] for p, v in parts.items()}, state)
                for i in range(offset, min(wanted, len(rows)))]
        total, blocking = self.count_matches(state, allowed)
        return SearchResult(hits=hits, total=total, query=self.describe(state), blocking=blocking)

    def state_query(self, state: QueryState, base: np.ndarray | None, emb: np.ndarray | None) -> np.ndarray:
        """The query vector of a state: edited concepts, requests and the reference's look."""
        q, r = self.concept_query(base, state)
        photo = self.is_photo(state)
        query = self.query_vector(q, r, emb, self.config.w_visual_photo if photo else None)
        return certainty_weighted(query, q, self.levels) if photo and self.config.photo_certainty else query

    @staticmethod
    def is_photo(state: QueryState) -> bool:
        """Whether an uploaded photo is the state's reference."""
        return state.image_id is not None and state.like is None

    def photo_order(self, state: QueryState, base: np.ndarray | None, rows: np.ndarray) -> np.ndarray:
        """Positions of ranked ``rows`` (C,) in the order shown: for a photo, the article types it
        may show share the first results (``ranking/photo.py``); otherwise the rank order."""
        if not self.is_photo(state) or base is None:
            return np.arange(len(rows))
        q, _ = self.concept_query(base, state)
        c = self.config
        likely = likely_types(q, self.levels.get("type", np.zeros(0, dtype=np.int64)), c.photo_likely_min,
                              c.photo_likely_ratio)
        return share_first_results(self.row_category[rows], likely, c.photo_likely_within)

    def hit(self, row: int, score: float, parts: dict[str, float], state: QueryState) -> Hit:
        """An explained hit for one row."""
        hit = Hit(id=int(self.vectors.ids[row]), score=float(score),
                  score_parts={p: round(float(v), 4) for p, v in parts.items()})
        self.explain(hit, state, row)
        return hit

    def _parts(self, query: np.ndarray, rows: np.ndarray) -> dict[str, np.ndarray]:
        """Exact score of each candidate split by part: (C,) arrays."""
        contrib = self.matrix[rows].astype(np.float64) * query.astype(np.float64)  # (C, 2K + D)
        k = self.k
        concept = contrib[:, :k] + contrib[:, k:2 * k]  # (C, K): per-level agreement + requests
        parts = {p: concept[:, self.part_of == p].sum(axis=1) for p in PARTS[:3]}
        parts["visual"] = contrib[:, 2 * k:].sum(axis=1)
        return parts

    # ------------------------------------------------------------ constraints and explanations
    def _request_groups(self, state: QueryState) -> list[list[str]]:
        return merge_same_values(self.tree, state.include)

    def has_concepts(self, concepts: list[str], rows=slice(None)) -> np.ndarray:
        """(N,) or (C,) bool: products whose probability of any of the concepts reaches the
        match threshold."""
        dims = [self.tree.index[c] for c in concepts]
        return self.confident[dims][:, rows].any(axis=0)

    def constraint_masks(self, state: QueryState) -> list[tuple[dict, np.ndarray]]:
        """One (what, mask) per concept request and exclusion: the products meeting it."""
        out = []
        for group in self._request_groups(state):
            out.append(({"concept": group[0], "name": self.display(group[0]), "kind": "include",
                         "ideas": len(group) >= IDEAS and all(c in state.implied for c in group)}, self.has_concepts(group)))
        for group in merge_same_values(self.tree, state.exclude, alternatives=False):
            out.append(({"concept": group[0], "name": self.display(group[0]), "kind": "exclude"},
                        ~self.has_concepts(group)))
        return out

    def count_matches(self, state: QueryState, allowed: np.ndarray | None = None,
                      filters: list[tuple[dict, np.ndarray]] = ()) -> tuple[int, list[dict]]:
        """How many products meet every request, exclusion and filter (``allowed`` narrows the
        products first); when none do, which single constraint, dropped, brings results back
        (and how many), most results first."""
        constraints = self.constraint_masks(state) + list(filters)
        base = np.ones(len(self.vectors.ids), dtype=bool) if allowed is None else allowed
        masks = [m for _, m in constraints]
        total = int(np.logical_and.reduce([base, *masks]).sum())
        blocking = []
        if total == 0 and constraints:
            for i, (what, _) in enumerate(constraints):
                rest = masks[:i] + masks[i + 1:]
                count = int(np.logical_and.reduce([base, *rest]).sum())
                if count:
                    blocking.append({**what, "results_without_it": count})
            blocking.sort(key=lambda b: (-self.importance(b), -b["results_without_it"]))  # least important first
        return total, blocking

    def importance(self, what: dict) -> int:
        """How much a request matters when not all can be met: 0 for the category, then gender,
        usage, colour; 4 for attribute values and filters (``IMPORTANCE``)."""
        return IMPORTANCE.get(self.tree[what["concept"]].group, 4) if what.get("concept") else 4

    def display(self, cid: str) -> str:
        """A node's name without its "(qualifier)"."""
        return display_name(self.tree[cid].name)

    def concept_info(self, cid: str, prob: float | None = None) -> dict:
        """Id, display name, group and root path of a concept (and a product's probability)."""
        info = dict(self._info[cid])
        info["path"] = list(info["path"])
        if prob is not None:
            info["prob"] = round(float(prob), 4)
        return info

    def group_info(self, group: list[str]) -> dict:
        """``concept_info`` of a request's first concept, named by all its alternatives ("Jackets or Sweaters")."""
        info = self.concept_info(group[0])
        info["name"] = " or ".join(dict.fromkeys(self.display(c) for c in group))
        return info

    def explain(self, hit: Hit, state: QueryState, row: int | None = None) -> None:
        """Fill a hit's matched/missed requests, present exclusions and top concepts."""
        row = self.vectors.rows([hit.id])[0] if row is None else row
        probs = self.vectors.concept_probs[row]
        index = self.tree.index
        for group in self._request_groups(state):
            best = max(group, key=lambda c: (self.confident[index[c], row], probs[index[c]]))
            info = self.concept_info(best, probs[index[best]])
            (hit.matched if self.confident[index[best], row] else hit.missed).append(info)
        for cid in state.exclude:
            if self.confident[index[cid], row]:
                hit.excluded_present.append(self.concept_info(cid, probs[index[cid]]))
        hit.top_concepts = self.top_concepts(probs)

    def top_concepts(self, probs: np.ndarray, limit: int = 8) -> list[dict]:
        """The most specific confident concepts of a product (no ancestor of another listed)."""
        confident = [i for i in np.flatnonzero(probs >= self.config.match_threshold) if self.is_concept[i]]
        ancestors = {a for i in confident for a in self.concept_ancestors[i]}
        specific = sorted((i for i in confident if i not in ancestors), key=lambda i: -probs[i])
        return [self.concept_info(self.tree.order[i], probs[i]) for i in specific[:limit]]

    def category_of(self, probs: np.ndarray) -> str:
        """The most specific category a concept vector is confident about."""
        best = self.tree.root.id
        for nid in self.tree.order:
            node = self.tree[nid]
            if node.kind == "category" and probs[self.tree.index[nid]] >= self.config.match_threshold:
                best = nid if node.level >= self.tree[best].level else best
        return best

    def typical_look(self, concepts: list[str]) -> np.ndarray | None:
        """The unit mean embedding of the products that have the concepts (one mean per request,
        averaged): for a search by concepts alone, the products that look most typical of what
        was asked come first among equally matching ones, instead of an arbitrary order."""
        means = []
        for group in merge_same_values(self.tree, concepts):
            key = tuple(sorted(group))
            if key not in self._looks:
                rows = self.has_concepts(group)
                self._looks[key] = self.vectors.emb[rows].mean(axis=0) if rows.any() else None
            if self._looks[key] is not None:
                means.append(self._looks[key])
        if not means:
            return None
        look = np.mean(means, axis=0)
        return (look / max(float(np.linalg.norm(look)), 1e-9)).astype(np.float32)

    def unconfirm(self, contradicted: np.ndarray) -> None:
        """Take back the (K, N) matches the catalogue contradicts (``confirm.unconfirmed_types``):
        those products no longer meet, or are explained as meeting, those concepts."""
        self.confident &= ~contradicted
        self.row_category = self._categories()

    def row_category_id(self, row: int) -> str:
        """The most specific confident category of an indexed product (precomputed)."""
        return self.tree.order[self.row_category[row]]

    def _categories(self) -> np.ndarray:
        """(N,) the most specific confident category of every product, as a tree.order index
        (the root when none): categories visited general to specific, deeper ones win."""
        out = np.zeros(len(self.vectors.ids), dtype=np.int32)  # the root is tree.order[0]
        for nid in sorted((n for n in self.tree.order if self.tree[n].kind == "category"),
                          key=lambda n: self.tree[n].level):
            out[self.confident[self.tree.index[nid]]] = self.tree.index[nid]
        return out

    def describe(self, state: QueryState) -> dict:
        """The state's concepts for display: one entry per request (a value shared by several
        categories is one request, listed with all its ids)."""
        def requests(concepts: list[str]) -> list[dict]:
            return [{**self.group_info(group), "ids": group} for group in merge_same_values(self.tree, concepts)]

        return {"like": state.like, "image_id": state.image_id, "text": state.text, "include": requests(state.include),
                "exclude": [{**self.concept_info(group[0]), "ids": group}
                            for group in merge_same_values(self.tree, state.exclude, alternatives=False)]}
