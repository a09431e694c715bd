"""Queries over one loaded index: shoppers' turns, result pages and explanations.

``SearchService`` is built by the ``Engine`` when an index is loaded. It owns the query rules:
reading a turn, editing the state, filtering, ranking, spreading and explaining. The HTTP API
(``POST /query``, ``POST /search``), the CLI and the attribute-manipulation replay all query
through it.
"""
from __future__ import annotations

import re

import numpy as np

from retrieval.catalog.complements import Complements, StylingWords
from retrieval.catalog.ingest import strip_html
from retrieval.query.concepts import ConceptResolver, UnknownConcept, display_name
from retrieval.query.edits import Editor
from retrieval.errors import EngineError
from retrieval.catalog.products import ProductTable, words_of
from retrieval.query.state import QueryState, unknown_concepts
from retrieval.ranking.compare import Comparer, CompareWords
from retrieval.ranking.outfits import OutfitMaker
from retrieval.ranking.results import Page, ResultBuilder
from retrieval.ranking.search import Ranker, SearchResult
from retrieval.query.shopping_words import ShoppingWords
from retrieval.query.turn import run_turn
from retrieval.query.lexicon import Lexicon
from retrieval.query.understand import TurnReader
from retrieval.settings import DATA_DIR


class SearchService:
    """The query side of the engine over one index (see the module docstring)."""

    def __init__(self, engine, ranker: Ranker, table: ProductTable, words: ShoppingWords, page_size: int = 5):
        self.engine, self.ranker, self.table, self.tree = engine, ranker, table, ranker.tree
        self.page_size = page_size
        self.resolver = ConceptResolver(self.tree, words.phrase_concepts())
        concept_words = {w for term in self.resolver.terms for w in words_of(term)}
        self.brands = table.brand_index(words.brand_aliases, words.ambiguous_brands, concept_words)
        settings = engine.settings
        complements = Complements.load(settings.complements_path)  # the outfits' table and the reader's pairs
        self.lexicon = Lexicon.load(DATA_DIR, self.tree, complements)
        self.reader = TurnReader(self.resolver, self.brands, words, self.lexicon)
        self.editor = Editor(self.tree, self.resolver, self, page_size, self.lexicon)
        self.results = ResultBuilder(ranker, table, self.brands, engine.image_url, self.lexicon.counterparts)
        self.vocabulary = set(table.word_rows) | concept_words
        self._counts: dict[tuple, int] = {}
        self.comparer = Comparer(ranker, table, CompareWords.load(settings.compare_path))
        self.outfits = OutfitMaker(table, complements, StylingWords.load(settings.styling_path))

    # ------------------------------------------------------------------ turns
    def turn(self, state: dict | None, edit: dict, page_size: int | None = None) -> dict:
        """One shopper's turn (``POST /query``); a state naming a concept the tree does not have is
        refused (UnknownConcept, a 422), never read."""
        query = QueryState.from_dict(state)
        unknown = unknown_concepts(query, self.tree)
        if unknown:
            raise UnknownConcept(unknown[0][:100], self.resolver.suggest(unknown[0][:100]) if unknown[0] else [])
        return run_turn(self, query, edit, page_size or self.page_size)

    def find(self, state: QueryState, k: int) -> Page:
        """The page of ``k`` explained results at ``state.offset``."""
        base, emb, skip = self.reference(state)
        return self.results.page(state, base, emb, k, skip)

    def reference(self, state: QueryState) -> tuple[np.ndarray | None, np.ndarray | None, set[int]]:
        """(concept vector, embedding, ids to leave out) of the state's reference and text."""
        base = emb = None
        skip: set[int] = set()
        vectors = self.ranker.vectors
        if state.like is not None:
            try:
                row = vectors.rows([state.like])[0]
            except KeyError:
                raise EngineError(f"product {state.like} is not in the index") from None
            base, emb = vectors.concept_probs[row].copy(), vectors.emb[row].copy()
            skip = {state.like}
        elif state.image_id is not None:
            rep = self.engine.encode_upload(state.image_id)
            base, emb = rep["probs"], rep["emb"]
        if state.text and state.text.strip():
            text_emb, text_probs = self.engine.encode_text(state.text)
            base = text_probs if base is None else base
            emb = text_emb if emb is None else _unit(emb + text_emb)
        if emb is None and state.include:  # a search by concepts alone: the typical look of each
            emb = self.ranker.typical_look(state.include)
        return base, emb, skip

    def photo_category(self, image_id: str) -> str | None:
        """The most specific category the model is sure a photo shows (None when not even a
        master category is sure)."""
        category = self.ranker.category_of(self.engine.encode_upload(image_id)["probs"])
        return None if category == self.tree.root.id else category

    def search(self, text: str | None = None, like: int | None = None, image_id: str | None = None,
               include: list[str] = (), exclude: list[str] = (), k: int = 10, offset: int = 0) -> SearchResult:
        """Ranked, explained products for one stateless query (``POST /search``, the CLI, the
        attribute-manipulation replay): concepts by id or name, no filters, no folding."""
        state = QueryState(like=like, image_id=image_id)
        if like is None and image_id is None and not (text and text.strip()) and not include and not exclude:
            raise EngineError("empty query: give text, a reference product (like), an image_id or concepts")
        if like is not None and self._row(like) is None:
            raise EngineError(f"product {like} is not in the index")
        category = self.item_category(like) if like is not None else None
        entities = [{"entity": "concept", "value": v} for v in include]
        entities += [{"entity": "concept", "value": v, "role": "exclude"} for v in exclude]
        reading = self.reader.read("", entities, category)
        if text and text.strip():
            found = self.reader.read(text, [], category)
            reading.terms = found.terms + reading.terms
        if reading.unknown:
            raise UnknownConcept(reading.unknown[0].text, reading.unknown[0].suggestions)
        state = self.editor.edit(state, reading).state
        state.like, state.image_id = like, image_id
        state.text = text if text and text.strip() else None
        base, emb, skip = self.reference(state)
        return self.ranker.search(state, base, emb, k=k, offset=offset, skip_ids=skip)

    # ------------------------------------------------------------------ what edits ask of the catalogue
    def prices_of(self, ids: list[int]) -> list[float]:
        rows = [self._row(pid) for pid in ids]
        return [float(self.table.price[r]) for r in rows if r is not None]

    def price_quantile(self, category: str | None, q: float) -> float | None:
        mask = np.ones(len(self.table), dtype=bool) if category is None else self.ranker.has_concepts([category])
        prices = self.table.price[mask]
        prices = prices[~np.isnan(prices)]
        return float(np.quantile(prices, q)) if len(prices) else None

    def item_category(self, pid: int) -> str | None:
        row = self._row(pid)
        if row is None:
            return None
        category = self.ranker.row_category_id(row)
        return None if category == self.tree.root.id else category

    def item_meets(self, pid: int, concepts: list[str]) -> list[str]:
        row = self._row(pid)
        if row is None:
            return []
        return [c for c in concepts if self.ranker.has_concepts([c], [row])[0]]

    def count_with(self, category: str | None, concept: str) -> int:
        """How many products of a category (None: any) have a concept."""
        return self.count_all([[concept]] + ([[category]] if category is not None else []))

    def count_all(self, groups: list[list[str]]) -> int:
        """How many products meet every group of concepts (any of each): "three-quarter sleeves,
        shirts, men" together (kept: the index is fixed)."""
        key = tuple(tuple(sorted(g)) for g in groups)
        if key not in self._counts:
            masks = [self.ranker.has_concepts(list(g)) for g in groups if g]
            self._counts[key] = int(np.logical_and.reduce(masks).sum()) if masks else len(self.table)
        return self._counts[key]

    def knows_words(self, text: str) -> bool:
        """Whether a text has a word the catalogue uses (a product name or attribute, a concept)."""
        from retrieval.query.concepts import STOP_WORDS

        return any(w in self.vocabulary for w in words_of(text) if len(w) >= 3 and w not in STOP_WORDS)

    def _row(self, pid: int) -> int | None:
        try:
            return int(self.ranker.vectors.rows([int(pid)])[0])
        except (KeyError, ValueError, OverflowError):
            return None

    # ------------------------------------------------------------------ views
    def describe(self, state: QueryState) -> dict:
        """The state in words: concepts with display names, filters, sort and the reference."""
        out = self.ranker.describe(state)
        out["filters"] = state.filters.describe(self.brands)
        out["sort"] = state.sort
        out["offset"] = state.offset
        return out

    def heatmap_url(self, pid: int, concept: str) -> str:
        return self.engine.heatmap_url(pid, concept)

    def item_brief(self, pid: int) -> dict | None:
        row = self._row(pid)
        return None if row is None else {"id": int(pid), "name": self.table.names[row]}

    def explain_item(self, state: QueryState, pid: int) -> dict:
        """One shown product explained under the current state (score, requests, filters)."""
        row = self._row(pid)
        if row is None:
                raise EngineError(f"product {pid} is not in the index")
        base, emb, _ = self.reference(state)
        query = self.ranker.state_query(state, base, emb)
        parts = {p: float(v[0]) for p, v in self.ranker._parts(query, np.array([row])).items()}
        hit = self.ranker.hit(row, sum(parts.values()), parts, state)
        return self.results.item(hit, row, 0, 0, state)

    # ------------------------------------------------------------------ assisting (query/assist.py)
    def compare_items(self, ids: list[int], ranks: list[int | None], text: str = "") -> dict:
        """Shown products side by side: cards, the concept groups where they differ and agree,
        and the answer to a "which is ...?" question in the text, if it asks one."""
        rows = [self._indexed_row(pid) for pid in ids]
        differ, agree = self.comparer.differences(rows)
        question = self.comparer.words.question_in(text)
        cards = [{**self.results.card(row, rank), "colour": self.table.colours[row],
                  "article_type": self.table.article_types[row]} for row, rank in zip(rows, ranks)]
        return {"items": cards, "differences": differ, "same": agree,
                "answer": self.comparer.answer(question, rows, [r or i + 1 for i, r in enumerate(ranks)])
                if question else None}

    def complete_look(self, pid: int, k: int = 5) -> dict:
        """Products of complementary types for a shown product, each with why it goes with it."""
        row = self._indexed_row(pid)
        items = []
        for rank, look in enumerate(self.outfits.look(row, k), start=1):
            items.append({**self.results.card(look.row, rank), "why": look.reason,
                          "article_type": self.table.article_types[look.row], "colour": self.table.colours[look.row]})
        table = self.table
        reference = {**self.results.card(row, None), "article_type": table.article_types[row],
                     "colour": table.colours[row], "usage": table.usages[row], "gender": table.genders[row],
                     "sub_category": table.subs[row]}
        return {"reference": reference, "items": items}

    def item_details(self, pid: int) -> dict:
        """Everything a product page shows: catalogue facts and attributes, the description as
        plain text, the model's concepts with their probabilities, the photo."""
        row = self._indexed_row(pid)
        product = self.engine.catalog.get(pid)
        if product is None:
            raise EngineError(f"product {pid} is not in the catalogue")
        probs = self.ranker.vectors.concept_probs[row]
        attributes = {k: v for k, v in (product.attribute_map or {}).items() if v and v != "NA"}
        return {**self.results.card(row, None), "gender": product.gender, "colour": product.base_colour,
                "article_type": product.article_type, "sub_category": product.sub_category,
                "master_category": product.master_category, "usage": product.usage, "season": product.season,
                "year": product.year, "attributes": attributes, "description": strip_html(product.description),
                "concepts": self.ranker.top_concepts(probs, limit=8)}

    def _indexed_row(self, pid: int) -> int:
        row = self._row(pid)
        if row is None:
            raise EngineError(f"product {pid} is not in the index")
        return row

    def part_concept(self, pid: int, term: str) -> str | None:
        """The concept a shopper names for a part of a shown product: an exact concept (under
        the product's category), else one whose name has a word starting with the term's stem,
        preferring concepts the product has ("collar" -> its Spread Collar, "sleeve" -> its
        Sleeveless); None when nothing fits."""
        category = self.item_category(pid)
        reading = self.resolver.lookup(term, category)
        if reading is not None:
            fitting = [c for c in reading.concepts if self.resolver.fits(c, category)]
            return (fitting or reading.concepts)[0]
        row = self._row(pid)
        stem = term.lower().strip()
        stem = stem[:-1] if len(stem) > 4 and stem.endswith("s") else stem  # "sleeves" -> "sleeve"
        word = re.compile(rf"\b{re.escape(stem)}")  # a word's start: "sleeve" in Sleeveless, "print" in Printed
        has = [] if row is None else [c["concept"] for c in self.ranker.top_concepts(
            self.ranker.vectors.concept_probs[row], limit=30)]
        pools = [has, [c for c in self.tree.order if self.tree[c].kind in ("category", "value")
                       and self.resolver.fits(c, category)]]
        for pool in pools:
            hits = [c for c in pool if word.search(display_name(self.tree[c].name).lower())]
            if hits:
                return hits[0]
        return None


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-9)
