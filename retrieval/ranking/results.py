"""One page of results for a query state: filtered, ranked, sorted, spread and explained.

1. Filters and exclusions make a mask of the products that may be shown. An excluded concept
   is excluded in every category that has it, and also where the tree has no such value but
   the product's own catalogue words say it ("Striped" in a dress's name or attributes).
2. The paper's hierarchical similarity ranks the allowed products (``Ranker.candidates``). When
   some products meet every request, they are listed first (a shopper who asks for red dresses
   under ₹1,000 sees red dresses under ₹1,000, in the paper's order; a page of them holds
   nothing else, so the last one may be short); the close matches, which miss a request, start
   on the next page, ranked right after the last full match, so "show more" after the last full
   match still shows products, and the page summary says how many meet each request. Ranks run
   1, 2, 3... without a gap whatever the page size (the next page starts after the last product
   shown, ``edits.Editor``). When none meets every request, the products that meet the most
   important requests come first (the category before gender, usage and colour, attribute
   values last: "red dresses with long sleeves" shows red dresses without them before
   long-sleeved red shirts), and the answer says what blocks the rest. Another sort order
   (price, discount) orders each of these tiers by that key, relevance breaking ties.
3. Near-duplicates are pushed down within a tier (``diversity.spread``), then the page is cut.
4. Every hit says which requests it meets and misses and how it meets each filter; the page
   summary counts, per request, how many shown products meet it, so a reply states only what
   every product on the page satisfies.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .diversity import spread
from retrieval.catalog.money import rupees
from retrieval.catalog.products import ProductTable, words_of
from retrieval.query.state import QueryState, merge_same_values
from .scalars import ScalarFilter
from .search import Ranker

WINDOW = 200  # candidates ranked, spread and paged per query (a multiple for deep pages)


@dataclass
class Page:
    items: list[dict]
    total: int  # products meeting every request, exclusion and filter
    has_more: bool
    blocking: list[dict] = field(default_factory=list)
    summary: dict = field(default_factory=dict)


class ResultBuilder:
    """Pages of explained results over a ranker and the products' catalogue facts."""

    def __init__(self, ranker: Ranker, table: ProductTable, brands, image_url,
                 counterparts: dict[str, list[str]] | None = None):
        self.ranker, self.table, self.brands, self.image_url = ranker, table, brands, image_url
        self.counterparts = counterparts or {}  # type -> its stand-ins for another gender (data/words.yaml)

    # ------------------------------------------------------------------ masks
    def excluded_words(self, state: QueryState) -> set[str]:
        """Words of the excluded concepts' names and synonyms ("striped", "stripes", "stripy")."""
        tree = self.ranker.tree
        out: set[str] = set()
        for cid in state.exclude:
            node = tree[cid]
            if node.kind == "value" and node.group not in ("colour", "gender", "usage", "season"):
                for term in (node.name, *node.synonyms):
                    if len(words_of(term)) == 1:
                        out |= words_of(term)
        return out

    def filter_masks(self, state: QueryState) -> list[tuple[dict, np.ndarray]]:
        """(what, mask) per active filter, and for exclusions read from the catalogue's words."""
        out = [({"filter": name, "name": text["text"], "kind": "filter"}, state.filters.mask(self.table, name))
               for name, text in zip(state.filters.active(), state.filters.describe(self.brands))]
        words = self.excluded_words(state)
        if words:
            out.append(({"filter": "words", "name": "not " + " or ".join(sorted(words)), "kind": "exclude"},
                        ~self.table.rows_with_words(words)))
        return out

    def allowed(self, state: QueryState, filters: list[tuple[dict, np.ndarray]] | None = None) -> np.ndarray | None:
        """(N,) bool of the products that may be shown, or None when all may (``filters``: the
        state's ``filter_masks`` when already made)."""
        masks = [m for _, m in (self.filter_masks(state) if filters is None else filters)]
        masks += [~self.ranker.has_concepts(group) for group in merge_same_values(self.ranker.tree, state.exclude, alternatives=False)]
        return np.logical_and.reduce(masks) if masks else None

    # ------------------------------------------------------------------ a page
    def page(self, state: QueryState, base, emb, k: int, skip_ids: set[int] = frozenset()) -> Page:
        """The page at ``state.offset`` of ``k`` explained items (see the module docstring)."""
        filters = self.filter_masks(state)
        allowed = self.allowed(state, filters)
        total, blocking = self.ranker.count_matches(state, None, filters)
        query = self.ranker.state_query(state, base, emb)
        start, stop = state.offset, state.offset + k
        window = WINDOW * (1 + stop // WINDOW)
        listed: list[tuple]  # (row, score, parts, variants) in list order, ranks 1, 2, 3... without a gap
        closest = None if total or not (state.include or self._soft(filters)) else self._closest(state, filters)
        where = self.pushdown(state, filters)  # the hard filters, for an index that filters in its search
        if closest is not None:  # nothing meets every request: what meets the most important ones first
            mask, dropped = closest
            if dropped:  # a filter is missed (the budget): no index-side filtering, the nearest to it first
                where, state = None, self._towards(state, dropped)
            listed = self._tier(state, query, mask, window, skip_ids, base, where)
            listed = self._then_looser(state, query, filters, listed, mask, allowed, stop, window, skip_ids, where)
        elif not (total and state.include):
            listed = self._tier(state, query, allowed, window, skip_ids, base, where)
        else:  # what the shopper asked for exists: it comes first, on pages of its own
            full = np.logical_and.reduce([m for _, m in self.ranker.constraint_masks(state)])
            listed = self._tier(state, query, full if allowed is None else allowed & full, window, skip_ids, base,
                                self.pushdown(state, filters, categories=True))
            if start < len(listed):  # a page of full matches ends with the last one (it may be short)
                stop = min(stop, len(listed))
            # this page reaches the close matches: those meeting the most important requests first
            listed = self._then_looser(state, query, filters, listed, full, allowed, stop, window, skip_ids, where)
        items = [self.item(self.ranker.hit(row, score, parts, state), row, rank, variants, state)
                 for rank, (row, score, parts, variants) in enumerate(listed[start:stop], start=start + 1)]
        more = len(listed) > stop
        return Page(items=items, total=total, has_more=more, blocking=blocking,
                    summary=self.summary(state, items))

    def _then_looser(self, state, query, filters, listed: list, seen: np.ndarray, allowed, stop: int, window: int,
                     skip_ids, where) -> list:
        """``listed`` (the products of mask ``seen``) until ``stop``, then what meets ever fewer of the
        most important requests (``_looser``: the category the longest), then the rest allowed."""
        if stop < len(listed):  # the page ends among them: no need to weigh the requests
            return listed
        seen = seen.copy()
        for looser in self._looser(state, filters):
            if stop < len(listed):
                return listed
            looser = looser & ~seen
            if looser.any():
                listed = listed + self._tier(state, query, looser, window, skip_ids, where=where)
                seen |= looser
        if stop >= len(listed):
            listed = listed + self._tier(state, query, ~seen if allowed is None else allowed & ~seen, window,
                                         skip_ids, where=where)
        return listed

    @staticmethod
    def _soft(filters: list[tuple[dict, np.ndarray]]) -> list[tuple[dict, np.ndarray]]:
        """The filters a closest product may miss when nothing meets them all, beside the concept
        requests: the budget ("sports shoes under 600": the cheapest sports shoes, each saying it is
        over) and a size (no handbag comes in size M: handbags, each saying so). A brand, a sale and the
        exclusions always hold."""
        return [(what, mask) for what, mask in filters if what.get("filter") in SOFT_FILTERS]

    def _requests(self, state: QueryState, filters) -> tuple[np.ndarray, list[tuple[dict, np.ndarray]]]:
        """(the products every exclusion allows, the requests and soft filters most important first)."""
        requests = [(what, mask) for what, mask in self.ranker.constraint_masks(state) if what["kind"] == "include"]
        requests += self._soft(filters)
        requests.sort(key=lambda wm: FILTER_IMPORTANCE if "filter" in wm[0] else self._importance(wm[0]))
        hard = [m for what, m in filters if what.get("filter") not in SOFT_FILTERS]
        hard += [~self.ranker.has_concepts(group) for group in merge_same_values(self.ranker.tree, state.exclude, alternatives=False)]
        return np.logical_and.reduce([np.ones(len(self.table), dtype=bool), *hard]), requests

    def _importance(self, what: dict) -> float:
        """A request's ``Ranker.importance``; products a need only offers as ideas (``ideas``: "a
        birthday present for a 10 year old boy": watches, handbags, perfume ...) give way first,
        before anything the shopper said (the wearer, a usage, a colour, a budget); a need's own
        product ("something to carry his books": backpacks) does not."""
        importance = self.ranker.importance(what)
        return IDEAS_IMPORTANCE if what.get("ideas") and importance < GENDER_IMPORTANCE else importance

    def _closest(self, state: QueryState, filters) -> tuple[np.ndarray, list[str]] | None:
        """(mask, soft filters missed): the products meeting the most important requests that some
        allowed product meets together (dropping the least important first: attribute values,
        colour, then the budget, then usage, gender; the category last), or None
        when not even one does."""
        base, requests = self._requests(state, filters)
        for keep in range(len(requests) - 1, 0, -1):
            if self.ranker.importance(requests[keep][0]) == GENDER_IMPORTANCE:
                wider = self._wider_category(requests[:keep + 1])  # "tops for men": men's T-shirts and shirts
                if wider is not None and (base & wider).any():
                    return base & wider, [what["filter"] for what, _ in requests[keep + 1:] if "filter" in what]
            mask = np.logical_and.reduce([base, *(m for _, m in requests[:keep])])
            if mask.any():
                return mask, [what["filter"] for what, _ in requests[keep:] if "filter" in what]
        return None

    def _wider_category(self, requests: list[tuple[dict, np.ndarray]]) -> np.ndarray | None:
        """The requests met together with their article type widened to its counterparts (Tops to
        T-shirts and Shirts, ``counterparts``), or None when no request is a type that has some."""
        masks, widened = [], False
        for what, mask in requests:
            stand_ins = [c for c in self.counterparts.get(what.get("concept") or "", []) if c in self.ranker.tree.index]
            if stand_ins:
                mask, widened = self.ranker.has_concepts([what["concept"], *stand_ins]), True
            masks.append(mask)
        return np.logical_and.reduce(masks) if widened else None

    def _looser(self, state: QueryState, filters) -> list[np.ndarray]:
        """Masks of the products meeting ever fewer of the most important requests (the last: the
        category alone), for the pages after the closest products: "show more" of red dresses
        with long sleeves stays with dresses."""
        base, requests = self._requests(state, filters)
        return [np.logical_and.reduce([base, *(m for _, m in requests[:keep])]) for keep in range(len(requests) - 1, 0, -1)]

    @staticmethod
    def _towards(state: QueryState, dropped: list[str]) -> QueryState:
        """A state ranked toward a missed budget: over it, the cheapest first (under a minimum, the
        dearest), unless the shopper chose an order."""
        if "price" not in dropped or state.sort != "relevance":
            return state
        return replace(state, sort="price_asc" if state.filters.price_max is not None else "price_desc")

    def pushdown(self, state: QueryState, filters: list[tuple[dict, np.ndarray]],
                 categories: bool = False) -> tuple[ScalarFilter, np.ndarray] | None:
        """The state's hard filters (and, for the full matches, a lone category request) as a
        scalar filter with its mask, for an index that filters inside its search (milvus);
        None for the others, which take the mask."""
        if self.ranker.index is None or self.ranker.index.store is None:
            return None
        names = set(state.filters.active())
        masks = [m for what, m in filters if what["filter"] in names]
        category = []
        if categories:
            groups = [g for g in _groups(self.ranker, state.include)
                      if all(self.ranker.tree[c].kind == "category" for c in g)]
            if len(groups) == 1:
                category = groups[0]
                masks.append(self.ranker.has_concepts(category))
        where = ScalarFilter.from_filters(state.filters, category)
        mask = np.logical_and.reduce(masks) if masks else np.ones(len(self.table), dtype=bool)
        return where, mask

    def _tier(self, state, query, allowed, window, skip_ids, base=None, where=None) -> list[tuple]:
        """The ranked (row, score, parts, variants) of one tier, near-duplicates pushed down; with
        the reference's concept vector ``base`` (the first tier), a photo's likely article types
        share the first results (``Ranker.photo_order``); ``where``: the filters an index that
        filters inside its search takes (``pushdown``)."""
        rows, scores, parts = self.ranker.candidates(query, window, allowed, skip_ids, where)
        if state.sort != "relevance":
            rows, scores, parts = self._sorted(state, query, allowed, rows, scores, parts, window, skip_ids)
        order, variants = spread(rows, self.table, self.ranker.vectors.emb)
        listed = [(int(rows[p]), float(scores[p]), {name: v[p] for name, v in parts.items()}, int(n))
                  for p, n in zip(order, variants)]
        if state.sort == "relevance" and listed:
            shown = self.ranker.photo_order(state, base, np.array([entry[0] for entry in listed]))
            listed = [listed[p] for p in shown]
        return listed

    def _sorted(self, state, query, allowed, rows, scores, parts, window, skip_ids):
        """Products meeting every request by the sort key, then the other candidates by it (a tier
        of close matches: "pricier flats" when no flat is dearer lists the dearest flats after the
        one that is)."""
        masks = [m for _, m in self.ranker.constraint_masks(state)]
        meets = np.logical_and.reduce([np.ones(len(self.table), bool) if allowed is None else allowed, *masks])
        if skip_ids:
            meets &= ~np.isin(self.ranker.vectors.ids, np.fromiter(skip_ids, dtype=np.int64))
        full = np.flatnonzero(meets)
        pool = np.concatenate([full, np.setdiff1d(rows, full)]) if len(full) < window else full
        key = {"price_asc": self.table.price, "price_desc": -self.table.price,
               "discount": -self.table.discount()}[state.sort][pool]
        key = np.nan_to_num(key, nan=np.inf)
        exact = self.ranker._parts(query, pool)  # (P,) per part
        relevance = sum(exact.values())
        order = np.lexsort((-relevance, key, ~meets[pool]))[:window]
        return pool[order], relevance[order], {p: v[order] for p, v in exact.items()}

    # ------------------------------------------------------------------ items
    def card(self, row: int, rank: int | None) -> dict:
        """A product's catalogue facts as a card shows them: name, brand, prices, sizes, photo."""
        table = self.table
        pid = int(table.ids[row])
        price, listed = _number(table.price[row]), _number(table.list_price[row])
        discount = round(100 * (1 - price / listed)) if price is not None and listed and price < listed else 0
        return {"id": pid, "rank": rank, "name": table.names[row], "brand": table.brands[row], "price": price,
                "list_price": listed, "price_text": rupees(price) if price is not None else None,
                "list_price_text": rupees(listed) if listed is not None else None, "discount_pct": discount,
                "sizes": list(table.sizes[row]), "image_url": self.image_url(pid)}

    def item(self, hit, row: int, rank: int, variants: int, state: QueryState) -> dict:
        """The API's view of one hit: catalogue facts, the explanation and the filters met."""
        return {**self.card(row, rank), "id": hit.id, "score": round(hit.score, 4), "score_parts": hit.score_parts,
                "matched": hit.matched, "missed": hit.missed, "excluded_present": hit.excluded_present,
                "filters": state.filters.explain(self.table, row, self.brands), "top_concepts": hit.top_concepts,
                "category": self.ranker.row_category_id(row), "variants": variants}

    def summary(self, state: QueryState, items: list[dict]) -> dict:
        """How many shown items meet each request: what a reply may claim of the whole page."""
        requests = []
        for group in _groups(self.ranker, state.include):
            met = sum(1 for item in items if any(m["concept"] in group for m in item["matched"]))
            requests.append({**self.ranker.group_info(group), "met": met})
        excluded = [{**self.ranker.concept_info(group[0]),
                     "clear": sum(1 for item in items if not any(e["concept"] in group for e in item["excluded_present"]))}
                    for group in merge_same_values(self.ranker.tree, state.exclude, alternatives=False)]
        return {"shown": len(items), "include": requests, "exclude": excluded,
                "filters": [{**f, "met": sum(1 for item in items if all(
                    check.get("met", True) for check in item["filters"] if check["filter"] == f["filter"]))}
                    for f in state.filters.describe(self.brands)]}


SOFT_FILTERS = ("price", "size")  # what a closest product may miss: the budget, a size ("handbags, medium size"); a brand, sale or exclusion holds
GENDER_IMPORTANCE = 1  # search.IMPORTANCE of gender: before dropping it, the article type widens
IDEAS_IMPORTANCE = 5  # the kinds a need offers as ideas: dropped before anything the shopper said
FILTER_IMPORTANCE = 2.5  # dropped after attribute values (4) and colour (3), before usage, gender and category


def _groups(ranker: Ranker, concepts: list[str]) -> list[list[str]]:
    return merge_same_values(ranker.tree, concepts)


def _number(value) -> float | None:
    value = float(value)
    return None if np.isnan(value) else round(value, 2)
