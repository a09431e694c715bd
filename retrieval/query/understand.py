"""Reading one shopper's turn: the NLU's entities plus the words it left, into query terms.

The bot's NLU finds entities (concepts, brands, prices, sizes, sort orders, positions) and
passes them with the raw text. This module is the one place that decides what they mean:

- each entity is resolved (``ConceptResolver``, ``BrandIndex``, ``parse_size``,
  ``parse_amount``, the sort and price words of ``data/shopping.yaml``), whatever type the NLU
  gave it ("puma" tagged as a category is still the brand Puma);
- polarity: an ``exclude`` role, or a negation word just before the words ("not striped",
  "not from nike or adidas" excludes both brands);
- the words no entity covers are read too: amounts ("under 1000", "between 800 and 1500",
  "less than ₹2k"), sizes ("size m", "uk 10"), sort orders ("cheapest first"), "on sale",
  price words ("cheap", "cheaper"), brands, everyday phrases and concept names, with typos
  corrected only when one reading is clearly meant;
- shoppers' words as data (``lexicon.Lexicon``): needs, garment words, shades, relative edits
  ("a shade darker"), negated group words ("without sleeves"), requests the engine cannot
  serve; ordinary English (``wordfreq``) is never corrected into a name nor asked about, and a
  plural is read by its lemma (``lemminflect``);
- a term that resolves to nothing is kept as ``unknown`` with suggestions, to ask about.
"""
from __future__ import annotations

import re
from dataclasses import replace

from retrieval.catalog.brands import BrandIndex, brand_key
from .concepts import STOP_WORDS, ConceptResolver, UnknownConcept
from .concepts import Reading as NameReading
from .lexicon import (Lexicon, Need, base_forms, compiled as _compiled, frequent, key as lexicon_key, lemmas, ordinary,
                      rare, says_any, whole_word as _word, zipf)
from retrieval.catalog.money import digits_for_words, parse_amount
from .shopping_words import ShoppingWords, phrase_key
from .reading import NO_READING, Reading, Term
from .polarity import FILLERS, PolarityReading, _ends_in
from .situation import AGE_PATTERN, SituationReading, colours_only
from .colour_reading import ColourReading
from .in_hand import InHandReading
from retrieval.catalog.sizes import parse_size

CONCEPT_ENTITIES = {"category", "colour", "gender", "usage", "season", "sleeve", "neck", "pattern", "fit", "fabric",
                    "length", "fastening", "concept"}
NEED_OWNED_ENTITIES = {"category", "colour", "sleeve", "neck", "pattern", "fit", "fabric", "length", "fastening", "ordinal"}  # "first date"
# names a need's phrase owns when they lie inside it ("black tie event", "knot around my collar"); a
# season or a usage said inside one stays the shopper's own label ("sweatshirts for winter")
ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
                 "ninth": 9, "tenth": 10, "last": -1}
GROUP_WORDS = {"colour": {"colour"}, "color": {"colour"}, "colours": {"colour"}, "colors": {"colour"},
               "shade": {"colour"}, "tone": {"colour"}, "hue": {"colour"},  # "more in that shade" ("shades": sunglasses)
               "sleeve": {"sleeve", "sleeve_style"}, "sleeves": {"sleeve", "sleeve_style"}, "fit": {"fit", "rise"},
               "pattern": {"pattern", "print"}, "print": {"pattern", "print"}, "neck": {"neck", "collar"},
               "neckline": {"neck", "collar"}, "collar": {"neck", "collar"}, "fabric": {"fabric", "material"},
               "material": {"fabric", "material"}, "length": {"length", "ankle"}, "gender": {"gender"},
               "season": {"season"}, "occasion": {"usage"}, "usage": {"usage"}, "category": {"master", "sub", "type"},
               "type": {"master", "sub", "type"}, "price": {"price"}, "budget": {"price"}, "prices": {"price"},
               "brand": {"brand"}, "brands": {"brand"}, "size": {"size"}, "sizes": {"size"}, "sort": {"sort"},
               "order": {"sort"}, "sale": {"sale"}, "discount": {"sale"}}
_UNIT_AFTER = r"(?:rs\b\.?|rupees\b|inr\b|bucks\b|/-)"  # "500 rs", "500 bucks"
_CAP_AFTER = r"(?:max(?:imum)?|at (?:most|max)|tops)"  # "1500 max", "500 bucks tops": at most the amount
_AMOUNT = rf"(?:rs\.?\s*|inr\s*|₹\s*)?\d[\d,]*(?:\.\d+)?\s*(?:k\b|thousand\b)?(?:\s*{_UNIT_AFTER})?"
MEASURE_PATTERN = re.compile(  # "a 15.6 inch laptop", "clothes for 3 days", "10k steps": a measure, no price
    r"\b\d+(?:\.\d+)?\s*k?\s*-?\s*(?:inch|inches|inchs|cm|cms|mm|kg|kgs|litres?|liters?|ltrs?|ml|gb|tb|ft|feet|foot|"
    r"km|kms|days?|nights?|weeks?|months?|hours?|hrs?|waist|chest|bust|steps)\b|\b\d+(?:\.\d+)?\s*\"")
MIN_PRICE = 10  # a bare amount below this is a position or a size, never a price (the catalogue's cheapest is far above)
POSITION_PATTERN = re.compile(r"(?:\b(?:no|number|num|item|option|product)\.?\s*|#\s*)\d{1,2}\b(?!\s*(?:k\b|rs|rupees|inr|/-|thousand))")
MONEY_PATTERNS = [  # (kind, pattern); first match wins per span
    ("range", rf"\bbetween\s+({_AMOUNT})\s*(?:and|to|-)\s*({_AMOUNT})"),
    ("range", rf"\bfrom\s+({_AMOUNT})\s*(?:to|-)\s*({_AMOUNT})"),
    ("range", rf"(?<![\w.])({_AMOUNT})\s*(?:-|to)\s*({_AMOUNT})(?![\w.])"),
    ("max", rf"\b(?:under|below|less than|lower than|cheaper than|within|up ?to|upto|max(?:imum)?|at most|not more "
            rf"than|no more than|not over|budget(?: of| is)?|(?:spending |price )?limit(?: of| is)?|(?:got |have )?barely|only got|got only|have only|only have|for less than|around|about|(?:can |could )?stretch(?: up)? to|"
            rf"go up to|spend up to|(?:can|could|willing to|happy to|ready to) spend)\s+({_AMOUNT})"),
    ("max", rf"(?<![\w.])({_AMOUNT})\s+(?:or (?:less|below|under|lower|cheaper)|{_CAP_AFTER})\b"),
    ("max", rf"(?<![\w.])({_AMOUNT})\s+(?:tak|takk|ke andar|ke andr|ke under|ke neeche|ke niche|se kam|se neeche|"
            rf"se niche)\b"),  # Hindi: "500 tak", "1000 ke andar" (up to, within)
    ("min", rf"(?<![\w.])({_AMOUNT})\s+(?:se (?:zyada|jyada|upar|oopar|above)|ke upar|ke oopar)\b"),  # "2000 se upar"
    ("min", rf"(?<![\w.])({_AMOUNT})\s+(?:or (?:more|above|over|higher)|and (?:above|up|upwards|over)|onwards|upwards)\b"),
    ("min", rf"\b(?:over|above|more than|at least|min(?:imum)?|starting(?: at| from)?|upwards of|costlier than|"
            rf"pricier than)\s+({_AMOUNT})"),
]
# "tops" or "max" right after a bare amount ("a saree for 500 bucks tops"): a cap on the price, no
# product; after "under 500" the amount is capped already ("under 500 tops": tops)
CAP_AFTER_AMOUNT = re.compile(rf"\s*{_UNIT_AFTER}?\s*{_CAP_AFTER}\b")
BOUND_BEFORE_AMOUNT = re.compile(r"\b(?:under|below|within|up ?to|upto|less than|max|over|above|more than|from|between|to)\s*"
                                 r"(?:rs\.?|inr|₹)?\s*$")
# A bare digit said as a pick ("4 wala accha hai", "go with 2, same colour"): a position, not an amount
PICKED_POSITION = re.compile(r"\b([1-9])\s+(?:wala|wali|vala|vali|waala|waali)\b"
                             r"|\b(?:go with|going with|go for|going for|i'll take|ill take|i pick|i choose|i prefer)\s+([1-9])\b"
                             r"(?!\s*(?:k\b|pairs?|pieces?|sets?|of\b|or\b|x\b|days?|items?|more|colou?rs?))")
RUN_TOGETHER_ZIPF = 2.5  # an English word this seldom may still be two names run together ("blacktop")
SIZE_WORD = re.compile(r"(?:extra |x )?(?:small|medium|large|big)")  # a size said as an everyday word
SIZE_PATTERNS = [
    r"\bsize\s*(?:uk|us|eu|euro|eur)?\s*[a-z0-9.]{1,6}\b",
    r"\b(?:uk|us|eu|euro|eur)\s*\d{1,2}(?:\.5)?\b",
    r"\bin\s+(?:xxs|xs|s|m|l|xl|xxl|xxxl|2xl|3xl|small|medium|large|extra large|extra small|free size)\b",
    r"\b(?:xxs|xs|xl|xxl|xxxl|2xl|3xl|free size|one size)\b",
]
RARE_SURE_SCORE = 85  # a barely-English word this close to one name, clearly ahead of the next, is corrected
RARE_ALONE_SCORE = 80  # ... or this close to one name with no rival reading ("grren", "formel"; "pynk" is asked)
SLOT_ZIPF_MARGIN = 0.5  # an English word read as a product name must be this much rarer (Zipf) than it ("heals")
SLOT_COLOUR_ZIPF = 3.5  # ... and one read as a colour rarer than this ("bleu"; "bold" stays bold)
FIRST_HALF_ZIPF = 3.5  # a misspelt first half of a compound is a rare word ("bak pack"; "the red" is no "tiered")
POSSESSIVE_ZIPF = 4.0  # "bro's" (4.4) is a possessive, "levi's" (3.5) the brand
PHOTO_REACH = 6  # words before a photo word, in its clause, that a word leaving it may stand in
MAX_PHRASE_WORDS = 4  # the most words read at once as one name or phrase; a longer need is found by its pattern
LEFTOVER_SCORE = 75  # a leftover word this close to a known name is asked about
SAME_GROUPS = {"colour", "pattern", "print", "sleeve", "sleeve_style", "neck", "collar", "fit", "fabric",
               "material"}  # groups "the same ..." / "another ..." may name


def _any_of(phrases, gap: str | None = None) -> re.Pattern:
    """Any of the phrases as whole words, longest first (one pass over the text for hundreds of
    phrases); ``gap``, when given, is what may stand between their words."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    escaped = [re.escape(p) if gap is None else gap.join(re.escape(w) for w in p.split()) for p in ordered]
    return re.compile(rf"(?<![\w'])(?:{'|'.join(escaped)})(?![\w'])" if ordered else r"(?!x)x")


def _possessive(said: str) -> bool:
    """Whether words are an English contraction or possessive ("I'd", "bro's": an everyday word
    before the apostrophe), not a name spelled with one ("levi's")."""
    said = said.lower().replace("\u2019", "'")
    if "'" not in said or not said.split():
        return False
    base = said.split()[-1].split("'")[0]
    return len(base) <= 1 or zipf(base) >= POSSESSIVE_ZIPF


class TurnReader(SituationReading, InHandReading, PolarityReading, ColourReading):
    """Reads turns with the catalogue's vocabulary (concepts, brands) and the shopping words."""

    def __init__(self, resolver: ConceptResolver, brands: BrandIndex, words: ShoppingWords,
                 lexicon: Lexicon | None = None):
        self.resolver, self.brands, self.words = resolver, brands, words
        self.lexicon = lexicon or Lexicon()
        self.colour_phrases = set(self.lexicon.colours.phrases()) if self.lexicon.colours else set()
        self.relative_phrases = sorted(((p, p) for p in self.lexicon.relative), key=lambda pp: -len(pp[0]))
        self.need_pattern = _any_of((p for p in self.lexicon.needs if " " in p), gap=r"(?:'s)?\s+")  # "mother's day"
        self.long_need_pattern = _any_of((p for p in self.lexicon.needs if len(p.split()) > MAX_PHRASE_WORDS),
                                         gap=r"(?:'s)?\s+")  # needs longer than the words `_words` tries at once
        # garment and part phrases of several words ("dressing gown", "three fourth sleeves"): the
        # NLU may split them into other names ("dressing", "fourth"), and the phrase is what is meant
        self.settling_pattern = _any_of(self.lexicon.settling)
        shades = [p for p in (self.lexicon.colours.shades if self.lexicon.colours else []) if " " in p]
        self.phrase_pattern = _any_of(p for p in [*self.lexicon.garments, *self.lexicon.features, *shades,
                                                  *self.lexicon.spellings] if " " in p)  # "lap top bag": one name
        self.relative_pattern = _any_of(p for p, _ in self.relative_phrases)
        steps = "|".join(re.escape(w) for w in sorted(self.lexicon.steps, key=len, reverse=True)) or "(?!x)x"
        moves = "|".join(re.escape(p) for p, _ in self.relative_phrases) or "(?!x)x"  # longest first
        self.relative_any = re.compile(rf"(?<![\w'])(?:({steps})\s+)?({moves})(?![\w'])")
        self.position_pattern = _any_of(self.lexicon.positions)
        self.filler_pattern = _any_of(self.lexicon.filler_phrases)
        self.shade_pattern = _any_of(self.colour_phrases)
        singular = "|".join(re.escape(w) for w in self.lexicon.colour_words if not w.endswith("s")) or "(?!x)x"
        self.pointed_shade = re.compile(  # "more in that shade": the colour of one shown
            rf"\b(?:that|this|same|the|which|what|another|different|any)\s+(?:{singular})\b")
        self.family_pattern = _any_of(self.lexicon.colours.families if self.lexicon.colours else ())
        self.need_form_starts = {form.split()[0] for form in self.lexicon.need_forms if " " in form}
        counted = "|".join(re.escape(p) for p in sorted((p for p in self.lexicon.needs if " " not in p
                                                          and re.search(r"\d", p)), key=len, reverse=True)) or "(?!x)x"
        self.counted_need_pattern = re.compile(  # "signed up for a 21k", not "budget 5k"
            rf"(?<![\w'])(?:a|an|the|my|first|our|his|her|next|do|did|run|ran|running|doing)\s+({counted})(?![\w'])"
            r"(?!\s*(?:budget|rupees|rs|inr|bucks|only|max|limit|range|or less|or under))")
        self.family_before = _any_of(self.lexicon.colours.before_product if self.lexicon.colours else ())
        subjects = "|".join(re.escape(w) for w in sorted(self.lexicon.shown_subjects, key=len, reverse=True)) or "(?!x)x"
        self.shown_subject = re.compile(rf"^\s*(?:but\s+|and\s+)?(?:{subjects})(?:\s+(?:ones?|pairs?))?"
                                        r"(?:\s+(?:cost|costs|are|is|look|looks|seem|seems|feel))?\s*$")
        self.shown_word = re.compile(rf"\b(?:{subjects})\b")
        self.colour_names = {lexicon_key(n) for n in (self.lexicon.colours.catalogue if self.lexicon.colours else ())}
        self.colour_name_pattern = _any_of(self.colour_names)
        self.sort_phrases = sorted(((phrase_key(p), order) for order, ps in words.sort_orders.items() for p in ps),
                                   key=lambda po: -len(po[0]))
        self.price_phrases = sorted(words.price_levels, key=len, reverse=True)
        self.price_pattern = _any_of(self.price_phrases)
        self.sale_pattern = words.sale_pattern

    # ------------------------------------------------------------------ one term
    def term(self, text: str, hint: str | None = None, category: str | None = None) -> Term:
        """Resolve one named thing: a concept, a brand or a size (the NLU's type is a hint only)."""
        text = str(text).strip()
        if hint == "size":
            keys = parse_size(text)
            if keys:
                return Term(text, "size", keys)
        brand = self.brands.exact(text)
        if hint == "brand" and brand:
            return Term(text, "brand", [brand])
        # by the lemma too ("nightdresses", never a misspelling of it; "basics" the NLU took for a
        # product: a style, no brand Basics)
        reading = self._named(text, category) if " " not in text else self.resolver.lookup(text, category)
        if reading is not None:
            return Term(text, "concept", reading.concepts)
        if brand and not _possessive(text):  # "bro's" the NLU took for a wearer: no Warner Bros
            return Term(text, "brand", [brand])
        keys = parse_size(text) if hint in (None, "concept") else []
        if keys:
            return Term(text, "size", keys)
        return self._fuzzy(text, category)

    def _named(self, word: str, category: str | None) -> NameReading | None:
        """The exact reading of a word, else of one of its noun lemmas ("shirts": shirt)."""
        return next((r for r in (self.resolver.lookup(w, category) for w in [word, *lemmas(word.lower())])
                     if r is not None), None)

    def _sure_correction(self, word: str) -> str | None:
        """The known term a misspelt word clearly means ("tshrts"); a barely-English word ("sandles",
        "grren") may lie a little further, as long as no other reading is as close."""
        corrected = self.resolver.correct(word)
        if corrected is None and rare(word):
            corrected = self.resolver.correct(word, RARE_SURE_SCORE) or self.resolver.correct(word, RARE_ALONE_SCORE) \
                or self.resolver.one_edit(word)
        if corrected is None and rare(word) and not self.resolver.one_edit_all(word):
            corrected = self.lexicon.garment_one_edit(word)  # "nekclace": a shoppers' word the catalogue lacks
        stem = corrected.split()[0] if corrected else ""
        if corrected is not None and not rare(word) and word.startswith(stem) \
                and word[len(stem):] in ("y", "ie", "ish", "ly", "like"):
            return None  # an English word made from the name ("girly", "sporty") is no misspelling of it
        return corrected

    def _fuzzy(self, text: str, category: str | None) -> Term:
        """A typo corrected when one reading is clearly meant; else unknown with suggestions."""
        words = text.strip().split()
        held = _held_down(text.strip().lower()) if len(words) == 1 else None
        if held is not None:  # "toppp" as the NLU tagged it: "top"
            found = self._word_term(held, 1, held, 0, category)
            if found is not None:
                found.text, found.corrected_to = text, found.corrected_to or held
                return found
        # one word, or a compound written apart and misspelt ("t shrit": tshirt)
        corrected = self._sure_correction(text) if len(words) == 1 else \
            self._sure_correction("".join(words)) if len(words) == 2 and len(words[0]) <= 2 else None
        found = self.resolver.lookup(corrected, category) if corrected is not None else None
        if found is not None or (corrected is not None and self.lexicon.garment(corrected)):
            return Term(text, "concept", self._corrected_concepts(corrected, category),
                        corrected_to=self.resolver.terms.get(corrected, corrected), guessed=True)
        try:  # a single word was tried above; a phrase gets the resolver's own correction
            reading = self.resolver.resolve(text, category, fuzzy=" " in text.strip())
            return Term(text, "concept", reading.concepts, corrected_to=reading.corrected_to)
        except UnknownConcept as exc:
            concept_suggestions = exc.suggestions
        match = self.brands.resolve(text)
        if match.key and not _possessive(text):
            return Term(text, "brand", [match.key], corrected_to=self.brands.name(match.key) if match.corrected else None)
        return Term(text, "unknown", suggestions=(match.suggestions + concept_suggestions)[:4])

    def _corrected_concepts(self, corrected: str, category: str | None) -> list[str]:
        """What a corrected word names: the catalogue's reading, unless that is no product and the
        shoppers' word is one ("perfum": perfumes, not the fragrance style named Perfume)."""
        found = self.resolver.lookup(corrected, category)
        concepts = found.concepts if found is not None else []
        if any(self.resolver.is_category(c) for c in concepts):
            return concepts
        return self.lexicon.garment(corrected) or concepts

    # ------------------------------------------------------------------ a whole turn
    def read(self, text: str = "", entities: list[dict] | None = None, category: str | None = None) -> Reading:
        """The turn's terms from its entities, then from the words they leave (module docstring)."""
        text = str(text or "")
        lowered = text.lower()
        out = Reading(said=text)
        covered = [False] * len(text)
        prices = []
        moves = self._relative_spans(lowered)  # "less formal": the NLU's "formal" is part of the move
        moves += [(m.start(), m.end()) for m in self.position_pattern.finditer(lowered)]  # "the top one"
        priced = [(m.start(), m.end()) for m in self.price_pattern.finditer(lowered)]
        fillers = [(m.start(), m.end()) for m in self.filler_pattern.finditer(lowered)  # "in short, ..."
                   if not any(a <= m.start() and m.end() <= b for a, b in priced)]  # "lighter on the wallet": a price word
        moves += fillers
        needs = self._need_spans(lowered)  # "the sun is killing my eyes": the need, not the eye make-up
        phrases = [(m.start(), m.end()) for m in self.phrase_pattern.finditer(lowered)]
        counted = [(a, b) for a, b, _ in needs if re.search(r"\d", lowered[a:b])]  # "my first 10k": a run
        counted += [m.span(1) for m in self.counted_need_pattern.finditer(lowered)  # "signed up for a 21k"
                    if not any(a <= m.start(1) < b for a, b in counted)]
        counted += [m.span(g) for m in AGE_PATTERN.finditer(lowered) for g in range(1, (m.lastindex or 0) + 1)
                    if (m.group(g) or "").isdigit()]  # "my little brother turns 12": an age, no price
        for entity in self._best_entities(entities or []):
            entity = self._compound(self._negation_outside(entity, lowered), lowered, category)
            if entity.get("entity") in ("price", "price_level"):  # read with their words, after amounts
                if not (isinstance(entity.get("start"), int) and any(  # "my first 10k": a run, no price
                        a <= entity["start"] < b for a, b in [*((a, b) for a, b, _ in needs), *counted])) \
                        and not (entity.get("entity") == "price_level"  # no price word ("windcheater",
                                 and not self.words.price_level(str(entity.get("value") or ""))):  # "honestly"):
                    prices.append(self._widened_price(entity, lowered))  # its words are read with the rest
                continue
            if isinstance(entity.get("start"), int) and any(
                    a <= entity["start"] < b for a, b in moves + phrases + priced + self._needs_over(entity, needs, lowered)):
                continue
            if not self._entity(entity, text, category, out):
                continue  # not a name: its words are read below (an amount, a sort order ...)
            start, end = entity.get("start"), entity.get("end")
            if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
                covered[start:end] = [True] * (end - start)
        for a, b in fillers:
            covered[a:b] = [True] * (b - a)
        rest = "".join(" " if covered[i] else ch for i, ch in enumerate(lowered))
        if not text.startswith("/"):  # a button payload: its entities are all it says
            masked = rest
            for a, b in counted:
                masked = self._blank(masked, a, b)
            masked = self._money(digits_for_words(masked), out, digits_for_words(lowered))  # "under a thousand"
            rest = "".join(rest[i] if any(a <= i < b for a, b in counted) else ch for i, ch in enumerate(masked))
        for entity in prices:  # words read above with their cue ("under 1000", "cheaper than 2000") win
            start, end = entity.get("start"), entity.get("end")
            if len(prices) > 1 and isinstance(start, int) and self._said_of_shown(lowered, start):
                continue  # "cheaper options? these cost more than my phone": a complaint about the shown
            spanned = isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(rest)
            if spanned and not rest[start:end].strip():
                continue  # already read as part of an amount
            if self._entity(entity, text, category, out) and spanned:
                rest = self._blank(rest, start, end)
        if text.startswith("/"):
            return out
        rest = self._phrases(rest, self.sort_phrases, lambda order, _: setattr(out, "sort", out.sort or order))
        rest = self._sizes(rest, lowered, out)
        rest = self._sale(rest, out)
        several = bool(self.shown_word.search(lowered)) \
            and len(prices) + len(priced) > 1  # price words said apart ("too expensive" is one)
        rest = self._phrases(rest, [(p, p) for p in self.price_phrases],
                             lambda phrase, match: None if several and self._said_of_shown(lowered, match.start())
                             else out.price_words.append(  # (not "these cost more than my phone" beside "cheaper")
                                 _inverted(self.words.price_levels[phrase]) if self._negated_before(self._unhedged(lowered), match.start())
                                 else self.words.compared(self.words.price_levels[phrase], lowered[:match.start()],
                                                          lowered[match.end():])))
        bare = None if out.price_words else self.words.bare_price_move(lowered)
        if bare is not None:  # "what about the price, anything lower?"
            out.price_words.append(bare)
        out.limit = self.lexicon.limit(lowered)
        out.settles = bool(self.lexicon.settling and self.settling_pattern.search(lowered))
        out.photo = self.lexicon.refers_to_photo(lowered) and not self._photo_negated(lowered)
        out.about_item = self.lexicon.refers_to_item(lowered)
        rest = self._same_or_other(rest, lowered, out)
        rest = self._positions(rest, out, needs)
        rest = self._relatives(rest, lowered, out)
        rest = self._colour_families(rest, out)
        rest = self._colour_words(rest, lowered, out, category)
        rest = self._blends(rest, out)
        rest = re.sub(r"'s\b", "  ", rest)  # "my husband's birthday": the possessive is the word
        rest = self.lexicon.unhyphened(rest)  # "hoodie-type thing", "non-leather": the words apart
        self._words(rest, lowered, category, out)
        if out.ordinal is None:
            out.ordinal = ordinal_in(lowered, self.lexicon.counted_nouns)
        out.groups |= groups_named(lowered)
        self._fill_slots(out, category)
        self._likened_not_asked(lowered, out)
        self._verbs_not_names(lowered, out)  # (before what is named: "everyone dresses traditional" names no dress)
        named = [t for t in out.terms if t.kind == "concept" and t.need is None and not t.exclude and t.values
                 and (colours_only(self.resolver.tree, t.values) or all(self.resolver.is_category(c) for c in t.values))]
        self._polarity(lowered, out, category)
        self._wearer_marked(lowered, out)
        self._colours_owned(lowered, out)
        self._shades_as_nouns(lowered, out)
        self._reference_noun(lowered, out)
        self._one_colour(lowered, out)
        self._one_wearer(lowered, out)
        self._homes_not_names(lowered, out)
        self._company_not_setting(lowered, out)
        self._hosts_of_events(lowered, out)
        self._brands_as_looks(lowered, out)
        self._guesses_give_way(out)
        self._loose_names_had(lowered, out)
        self._kind_of_product(lowered, out)
        self._named_exactly(lowered, out)
        self._modifiers_not_names(lowered, out)
        self._ones_of_refused(lowered, out)
        self._worn_with(lowered, out)
        self._suffered_in(lowered, out)
        self._shop_name_over_word(lowered, out)  # (after: "in heels ..., something flat" refuses the heels)
        self._reasons_give_way(lowered, out)  # before the places: "goa trip ..., for my feet on the beach"
        self._needs_agree(out)
        self._places_joined(out)
        self._products_either(lowered, out)
        self._need_of_had(out, named)
        self._asked_need(lowered, out)
        self._in_hand(lowered, out)
        self._owned_beside_another(lowered, out)
        self._seasons_give_way(out)  # after the in-hand steps: "my shirts get marks" is no request
        self._asked_product(lowered, out)
        self._said_over_implied(out)
        self._colour_matched(lowered, out, named)  # (colours and products as said, before the rules above)
        self._worn_by_had(out, named)
        self._paired_with_had(lowered, out, named)
        out.relative = _one_move_per_order(out.relative)
        out.price_words = _one_price_direction(out.price_words)
        return out

    def _fill_slots(self, out: Reading, category: str | None) -> None:
        """An English word one keystroke from a product or a colour, in a turn that names none
        ("heals for my wife", "bleu shirt"), is that product or colour, unless the word is far
        commoner than the name ("best" is no vest, "show" no shoe)."""
        tagged = [t for t in out.terms if t.kind == "unknown" and " " not in t.text.strip()]  # "heals" the NLU tagged
        for left in list(out.leftovers) + tagged:
            corrected = self.resolver.one_edit(left.text) if not rare(left.text) else None
            reading = self.resolver.lookup(corrected, category) if corrected is not None else None
            if reading is None:
                if not rare(left.text) and zipf(left.text) < SLOT_COLOUR_ZIPF:
                    # barely English and a keystroke from several names ("rost": Rust or Rose): asked
                    left.suggestions = list(dict.fromkeys(self.resolver.terms[t] for t in self.resolver.one_edit_all(left.text)))[:4]
                continue
            word, name = zipf(left.text), zipf(corrected)
            slot = lambda c: "category" if self.resolver.is_category(c) else self.resolver.tree[c].group  # noqa: E731
            groups, named = {slot(c) for c in reading.concepts}, {slot(c) for c in out.concepts()}
            rare_enough = word <= name - SLOT_ZIPF_MARGIN if groups == {"category"} else word < SLOT_COLOUR_ZIPF
            if rare_enough and groups <= {"category", "colour"} and not groups & named:
                (out.terms if left in tagged else out.leftovers).remove(left)
                out.terms.append(Term(left.text, "concept", reading.concepts, start=left.start,
                                      corrected_to=self.resolver.terms[corrected], guessed=True))

    def _shade_not_brand(self, text: str, start: int, end: int) -> bool:
        """Whether words the NLU tagged as a brand are a colour or shade said without a brand cue
        and short of the brand's whole name ("kurtas in indigo blue", "pearl white heels")."""
        colours = self.lexicon.colours
        said = text[start:end].lower().strip()
        if colours is None or not said or _brand_cue(text.lower(), start, BRAND_CUES):
            return False  # "of" is no cue here: "a sort of indigo blue"
        first = said.split()[0]
        shade = colours.lab(said) is not None or colours.lab(first) is not None
        return shade and self.brands.exact(said) != brand_key(said)

    def _compound(self, entity: dict, lowered: str, category: str | None) -> dict:
        """A product word the NLU tagged after the first half of a compound written apart ("ear
        rings", "sweat shirts"): the whole compound, when the joined word is a name."""
        start, end = entity.get("start"), entity.get("end")
        if entity.get("entity") != "category" or not isinstance(start, int) or not isinstance(end, int):
            return entity
        before = re.search(r"(?<![a-z'’])([a-z]+)\s+$", lowered[:start])  # a whole word: not the "s" of "men's"
        if before is None or (before.group(1) in STOP_WORDS and len(before.group(1)) > 1):
            return entity
        joined = before.group(1) + lowered[start:end].replace(" ", "")
        forms = dict.fromkeys([joined, *lemmas(joined)])
        if not any(self.resolver.lookup(form, category) is not None for form in forms):
            joined = self.resolver.one_edit(joined) if rare(joined) else None  # "t shrit": tshirt
            if joined is not None and not joined.startswith(before.group(1) + lowered[start:start + 1]):
                joined = None  # "a denim": the article was dropped; "to wear" is no "topwear": no compound
        if joined is not None:
            return {**entity, "value": joined, "start": before.start(1)}
        fixed = self.lexicon.spellings.get(before.group(1))  # "trak pants": a chat spelling before the name
        spaced = f"{fixed} {lowered[start:end]}" if fixed else None
        if spaced and (self.resolver.lookup(spaced, category) is not None or self.lexicon.garment(spaced)):
            return {**entity, "value": spaced, "start": before.start(1)}
        return entity

    def _best_entities(self, entities: list[dict]) -> list[dict]:
        """One entity per span: the regex extractor and DIET may both find the same words; the
        longest reading wins (regex on ties). Payload entities (no span) all count."""
        spans: list[list[dict]] = []
        for entity in sorted(entities, key=lambda e: (e.get("start") or 0, -(e.get("end") or 0))):
            if not isinstance(entity, dict):
                continue
            if entity.get("start") is None or entity.get("extractor") in (None, "RegexMessageHandler"):
                spans.append([entity])  # a button payload's entities share one span: all count
                continue
            last = spans[-1] if spans else None
            if last and last[0].get("start") is not None and last[0].get("extractor") not in (None, "RegexMessageHandler") \
                    and entity["start"] < max(e.get("end") or 0 for e in last):
                last.append(entity)
            else:
                spans.append([entity])
        best = []
        for group in spans:
            top = max(group, key=lambda e: ((e.get("end") or 0) - (e.get("start") or 0),
                                            e.get("extractor") == "RegexEntityExtractor"))
            if any(e.get("role") == "exclude" for e in group):
                top = {**top, "role": "exclude"}
            best.append(top)
        return best

    def _entity(self, entity: dict, text: str, category: str | None, out: Reading) -> bool:
        """Add what one entity says to ``out``; False when its words are left to the reading of
        the rest of the text (an unknown "name" that is really an amount or a sort order)."""
        kind, value, role = entity.get("entity"), str(entity.get("value") or "").strip(), entity.get("role")
        if not value:
            return False
        start = entity.get("start")
        if kind == "ordinal":
            if _ordinal_value(value) is None:
                return False  # "for me, a woman" the NLU took for a position: read as words
            if isinstance(entity.get("end"), int) and counts_noun(text, entity["end"], self.lexicon.counted_nouns):
                return True  # "his 7th birthday": a count, no position
            if _ordinal_value(value) != -1 or LAST_AS_POSITION.search(text.lower()):  # "want them to last": none
                out.ordinal = out.ordinal or _ordinal_value(value)
        elif kind == "image_id":
            out.image_id = value
        elif kind == "price":
            amount = parse_amount(value)
            if amount is None or amount < MIN_PRICE:  # "belt 2 in black": a position, no ₹2 budget
                return False
            if isinstance(start, int) and any(start <= m.start() < (entity.get("end") or start) + 1
                                              for m in MEASURE_PATTERN.finditer(text.lower())):
                return False  # "my 15.6 inch dell": a measure
            if isinstance(start, int) and any(m.start() <= start < m.end() for m in AGE_PATTERN.finditer(text.lower())):
                return False  # "she's 14 and says black is boring": an age
            end = entity.get("end")
            if isinstance(end, int) and CAP_AFTER_AMOUNT.match(text.lower()[end:]):
                role = "max"  # "for 500 bucks tops": at most 500, whatever role the NLU gave it
            if role == "min":
                out.price_min = amount
            else:
                out.price_max = amount
        elif kind == "price_level":
            rule = self.words.price_level(value)  # a known one: the others never reach here (``read``)
            negated = role == "exclude" or (isinstance(start, int) and self._negated_before(self._unhedged(text.lower()), start))
            end = entity.get("end")
            if not negated and isinstance(start, int) and isinstance(end, int):  # "something more budget friendly"
                rule = self.words.compared(rule, text.lower()[:start], text.lower()[end:])
            out.price_words.append(_inverted(rule) if negated else rule)
        elif kind == "sort":
            order = self.words.sort_of(value)
            if order is None:
                return False  # "scent" the NLU took for a sort order: read with the rest of the words
            out.sort = order
        elif kind == "sale":
            said = text[start:entity.get("end") or start] if isinstance(start, int) else value
            if not re.search(self.sale_pattern, said.lower()):
                return False  # "heals" the NLU took for "deals": read with the rest of the words
            out.on_sale = True
        elif kind == "part":
            out.parts.append(value)
        elif kind == "group":
            out.groups |= groups_named(value)
        elif kind in CONCEPT_ENTITIES or kind in ("brand", "size"):
            if kind == "size" and isinstance(start, int) and 0 < start <= len(text) and text[start - 1] in "'’":
                return False  # the "m" of "i'm", the "s" of "it's": no size
            if kind == "category" and isinstance(start, int) and self._cap_not_product(text, start, entity.get("end")):
                return True  # "a saree for 500 bucks tops": the cap of the price, read with the amount
            if kind == "size" and isinstance(start, int) and self._size_word_describes(text, start, entity.get("end")):
                return False  # "something to keep small stuff": the word describes the stuff, no size
            if kind == "brand" and isinstance(start, int) and " " not in value.strip() \
                    and self.brands.exact(value) is not None and not self._brand_meant(value.strip().lower(), text, start):
                return False  # "a few basics for the week": the word, not the brand Basics
            if kind != "size" and not self._entity_meant(value, text, start, category):
                return False  # an ordinary word the NLU took for a name: read with the rest of the words
            if kind == "brand" and isinstance(start, int) and _possessive(text[start:entity.get("end") or start]):
                return False  # "I'd like", "my bro's bday": a contraction or a possessive, no ID or Warner Bros
            if kind == "brand" and isinstance(start, int) and self._shade_not_brand(text, start, entity.get("end") or start):
                return False  # "indigo" of Indigo Nation, "coffee" of Black Coffee: a shade, read with the words
            known = self._lexicon_term(text[start:entity.get("end") or start] if isinstance(start, int) else value,
                                       text.lower(), start if isinstance(start, int) else 0, category) \
                if kind in CONCEPT_ENTITIES or (kind == "brand" and self.brands.exact(value) is None) else None
            if known is None and " " not in value.strip():  # "cardigans", "blazers": by the lemma
                known = next((t for t in (self._lexicon_term(lemma, text.lower(), start if isinstance(start, int) else 0,
                                                             category) for lemma in lemmas(value.lower())) if t), None)
            term = known or self.term(value, "concept" if kind in CONCEPT_ENTITIES else kind, category)
            if kind == "brand" and known is None and term.kind == "concept" and term.corrected_to:
                return False  # "laptop bagg": no brand, a misspelt name read with the words around it
            # the NLU's exclude role holds only where the words negate ("not sure, maybe tops" adds tops)
            term.exclude = role == "exclude" and not term.fixed and (
                not isinstance(start, int) or (self._negation_before(self._unhedged(text.lower()), start)
                                               and not self._wanted_after_no(text.lower(), start)))
            term.start = start if isinstance(start, int) else None
            term.end = entity.get("end") if isinstance(start, int) and isinstance(entity.get("end"), int) else None
            if isinstance(start, int) and isinstance(entity.get("end"), int) and 0 <= start < entity["end"] <= len(text) \
                    and not text.startswith("/"):  # a button payload's span is the payload
                term.text = text[start:entity["end"]]  # the words said ("for him"), not the NLU's id for them
            if term.kind == "unknown" and isinstance(start, int):
                term.text = text[start:entity.get("end") or start] or value
                if self._read_as_words(term.text):
                    return False
            spelt = self._word_term(lexicon_key(term.text), 1, text.lower(), term.start or 0, category) \
                if term.kind == "unknown" and lexicon_key(term.text) in self.lexicon.spellings else None
            if spelt is not None:  # "and blk ones?": the chat spelling the NLU tagged
                term = replace(spelt, start=term.start, end=term.end, exclude=term.exclude)
            joined = self._run_together(lexicon_key(term.text), category) if term.kind == "unknown" else None
            if joined is not None:  # "casualshirts": two names the NLU tagged as one word
                term = replace(joined, start=term.start, end=term.end, exclude=term.exclude)
            if term.kind == "unknown":  # asked about only when spelled close to a name ("pynk"), else read as words
                term.suggestions = self._close(term.text)
                if not term.suggestions:
                    return False
            out.terms.append(term)
        return True

    def _photo_negated(self, lowered: str) -> bool:
        """Whether the photo word is said with a negation ("forget the photo, i need socks",
        "never mind the pic": the words between them are skipped), or a few words after a word
        that leaves it ("ok leave the photo", "never mind the shoe in the pic")."""
        words, between = self.lexicon.photo_words, self.lexicon.photo_determiners
        for match in re.finditer(r"[a-z]+", lowered):
            if match.group() not in words:
                continue
            start = match.start()
            while (before := re.search(r"([a-z]+)\s*$", lowered[:start])) and before.group(1) in between:
                start = before.start()
            if self._negated_before(lowered, start):
                return True
            clause = re.split(r"[,.;!?]", lowered[:match.start()])[-1].split()[-PHOTO_REACH:]
            if says_any(" ".join(clause), self.lexicon.photo_leaving):  # "never mind the shoe in the pic"
                return True
        return False

    def _negation_outside(self, entity: dict, lowered: str) -> dict:
        """An NLU span that begins with a negation ("no heels") or a possessive ("my pants")
        starts after it: the negation is read as one, and the owner says the product is in hand."""
        start, end = entity.get("start"), entity.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(lowered)):
            return entity
        said = lowered[start:end]
        first = re.match(r"[a-z']+\s+", said)
        owners = {"my", "our", *self.lexicon.possessives}
        if first and (first.group().strip() in self.lexicon.negations or first.group().strip() in owners) \
                and said[first.end():].strip():
            return {**entity, "start": start + first.end()}
        return entity

    def _entity_meant(self, value: str, text: str, start, category: str | None) -> bool:
        """Whether a one-word name the NLU found is meant as a name: a word of ordinary English
        ("time", "pure", "wear") is a name only when the catalogue has it exactly (a concept, or a
        brand said with a cue or capitalised: "from guess", "Guess"); never a fuzzy correction."""
        word = value.strip().lower()
        if " " in word or not ordinary(word):
            return True
        if self.resolver.lookup(word, category) is not None or self._lexicon_term(word, text.lower(), 0, category):
            return True
        if any(self._lexicon_term(lemma, text.lower(), 0, category) or self.resolver.lookup(lemma, category)
               for lemma in lemmas(word)):
            return True
        brand = self.brands.exact(word)
        if brand is None:
            return False
        if brand != brand_key(word) and isinstance(start, int) and not (
                self._cued(text.lower(), start) or text[start:start + 1].isupper()):
            return False  # "pumpkin spice vibes": an everyday word that only begins a brand (Spice Art) needs a cue
        if brand != brand_key(word) and (word in self.lexicon.towns or isinstance(start, int) and _ends_in_phrase(
                text.lower()[:start], self.lexicon.town_cues)):
            return False  # "it rains in Mumbai", "survive Mumbai monsoon": a town, not Mumbai Slang
        return self._brand_meant(word, text, start)

    @staticmethod
    def _cap_not_product(text: str, start: int, end) -> bool:
        """Whether a product word is the cap word right after a bare amount ("500 bucks tops"), an
        amount no "under" or "over" bounds already ("under 500 tops" names tops)."""
        lowered = text.lower()
        before = re.search(rf"({_AMOUNT})\s*$", lowered[:start])
        return isinstance(end, int) and before is not None and bool(CAP_AFTER_AMOUNT.fullmatch(" " + lowered[start:end])) \
            and not BOUND_BEFORE_AMOUNT.search(lowered[:before.start()])

    def _size_word_describes(self, text: str, start: int, end) -> bool:
        """Whether a size said as a word ("small", "extra large") stands right before an ordinary
        word that is no catalogue name and none of ``size_word_followers`` ("keep small stuff", "a
        medium length kurta") or right after a vague word (``size_word_leaders``: "something small"): it
        describes that word; it is no size of the shopper's."""
        if not isinstance(end, int) or not SIZE_WORD.fullmatch(text[start:end].lower().strip()):
            return False
        before = re.findall(r"[a-z]+", text[:start].lower())[-1:]
        if before and before[0] in self.lexicon.size_word_leaders:  # "something small for an evening out"
            return True
        after = re.match(r" ([a-z]+)\b", text[end:].lower())
        word = after.group(1) if after else ""
        if not word or word in self.lexicon.size_word_followers or not ordinary(word):
            return False
        return self.resolver.lookup(word) is None and self._lexicon_term(word, text.lower(), end + 1, None) is None

    def _cued(self, lowered: str, start: int) -> bool:
        """Whether the words before ``start`` say a brand follows (``_brand_cue``, with the
        lexicon's amounts that make "of" no cue)."""
        return _brand_cue(lowered, start, amounts=self.lexicon.amount_words)

    def _brand_meant(self, word: str, text: str, start) -> bool:
        """Whether a brand that is also a frequent English word ("guess", "lee") is meant as the
        brand: a cue before it ("from", "by") or capitalised as typed; so is one the shop lists as
        a common word (``ambiguous_brands``: "a few basics for the week")."""
        if not frequent(word) and brand_key(word) not in self.brands.ambiguous:
            return True
        if not isinstance(start, int):
            found = _word(word).search(text.lower())
            if not found:
                return True  # a button payload
            start = found.start()
        return self._cued(text.lower(), start) or text[start:start + 1].isupper()

    def _unhedged(self, lowered: str) -> str:
        """The text with hedges blanked ("not sure", "no idea", "no. 2"): not negations."""
        for pattern in self.lexicon.hedges:
            lowered = re.sub(pattern, lambda m: " " * len(m.group()), lowered)
        return lowered

    def _widened_price(self, entity: dict, lowered: str) -> dict:
        """A price word the NLU tagged inside a longer price phrase of data/shopping.yaml ("cheap"
        of "these look too cheap"): the whole phrase, which may mean the other way."""
        start, end = entity.get("start"), entity.get("end")
        if entity.get("entity") != "price_level" or not isinstance(start, int) or not isinstance(end, int):
            return entity
        for phrase in self.price_phrases:  # the longest first
            for match in _word(phrase).finditer(lowered):  # as the price phrases are read (``_phrases``)
                if match.start() <= start and end <= match.end() and match.end() - match.start() > end - start:
                    return {**entity, "value": phrase, "start": match.start(), "end": match.end()}
        return entity

    def _said_of_shown(self, lowered: str, start: int) -> bool:
        """Whether a price word is said of the products shown ("these cost more than my phone",
        ``shown_subjects``): its clause opens with them, or the word itself does ("these cost")."""
        clause = re.split(r"[,.;:!?]", lowered[:start])[-1]
        return bool(self.shown_subject.match(clause)) and (
            clause.strip() != "" or self.shown_word.match(lowered, start) is not None)

    def _wanted_after_no(self, lowered: str, start: int) -> bool:
        """Whether a word that wants what follows stands right before it ("no prints, just solid
        colours": ``wanting_before``), after the negation of its clause."""
        return bool(_ends_in(re.findall(r"[a-z']+", lowered[:start])[-4:], self.lexicon.wanting_before, 4))

    def _read_as_words(self, words: str) -> bool:
        """Whether words the NLU took for a name are an amount, a size, a sort order, a price
        word or "on sale", which the reading of the text understands, or several words of which
        one is a known name."""
        lowered = words.lower()
        if any(ch.isdigit() for ch in lowered) or re.search(self.sale_pattern, lowered):
            return True
        said = re.findall(r"[a-z]+", lowered)
        parts = [" ".join(said[i:i + n]) for n in range(1, len(said)) for i in range(len(said) - n + 1)]
        if any(self.resolver.lookup(p) or self._lexicon_term(p, lowered, 0, None) for p in parts):
            return True  # "salwar suits", "flip flops hai": a name among its words
        phrases = [p for p, _ in self.sort_phrases] + self.price_phrases
        return any(_word(p).search(lowered) for p in phrases)

    # ------------------------------------------------------------------ what the entities left
    @staticmethod
    def _blank(text: str, start: int, end: int) -> str:
        return text[:start] + " " * (end - start) + text[end:]

    def _money(self, rest: str, out: Reading, lowered: str) -> str:
        for match in AGE_PATTERN.finditer(rest):  # "she's 10", "my 8 year old": an age, no price
            said = next(i for i, g in enumerate(match.groups(), 1) if g)
            rest = self._blank(rest, match.start(said), match.end())  # "my son is 9": the son is still said
        for match in POSITION_PATTERN.finditer(rest):  # "cheaper than no. 3": a product shown, no price
            rest = self._blank(rest, match.start(), match.end())
        for match in MEASURE_PATTERN.finditer(rest):
            rest = self._blank(rest, match.start(), match.end())
        for kind, pattern in MONEY_PATTERNS:
            for match in re.finditer(pattern, rest):
                amounts = [parse_amount(g) for g in match.groups()]
                if None in amounts:
                    continue
                bound = kind
                # "nothing over 2000": a cap; the words as said, not with names blanked ("without sleeves tops lower than")
                if kind != "range" and (self._negated_before(lowered, match.start()) or _ends_in_phrase(
                        lowered[:match.start()], self.lexicon.price_negations)):
                    bound = "min" if kind == "max" else "max"
                if bound == "range":
                    low, high = sorted(amounts)
                    if low == high or high < 10:  # "2-3" is not a price range
                        continue
                    out.price_min, out.price_max = low, high
                elif bound == "max":
                    out.price_max = amounts[0]
                else:
                    out.price_min = amounts[0]
                rest = self._blank(rest, match.start(), match.end())
        return rest

    def _phrases(self, rest: str, phrases: list[tuple[str, str]], found) -> str:
        for phrase, value in phrases:
            for match in _word(phrase).finditer(rest):
                found(value, match)
                rest = self._blank(rest, match.start(), match.end())
        return rest

    def _sizes(self, rest: str, lowered: str, out: Reading) -> str:
        for pattern in SIZE_PATTERNS:
            for match in re.finditer(pattern, rest):
                keys = parse_size(match.group())
                if keys:
                    out.terms.append(Term(match.group().strip(), "size", keys, start=match.start()))
                    rest = self._blank(rest, match.start(), match.end())
        return rest

    def _sale(self, rest: str, out: Reading) -> str:
        for match in re.finditer(self.sale_pattern, rest):
            out.on_sale = True
            rest = self._blank(rest, match.start(), match.end())
        return rest

    def _words(self, rest: str, lowered: str, category: str | None, out: Reading,
               max_words: int = MAX_PHRASE_WORDS) -> None:
        """Brands, everyday phrases and concept names among the remaining words (longest first)."""
        words = [(m.group(), m.start(), m.end()) for m in re.finditer(r"[a-z0-9&']+(?:(?:-|(?<=\d)/(?=\d))[a-z0-9]+)*", rest)]
        long_needs = {a: (b, need) for a, b, need in self._need_spans(rest, self.long_need_pattern)
                      if len(rest[a:b].split()) > max_words}
        i = 0
        while i < len(words):
            if words[i][1] in long_needs:  # "eyes and skin need protecting": a need longer than the words tried
                end, need = long_needs[words[i][1]]
                term = self._need_term(rest[words[i][1]:end], need)
                term.start = words[i][1]
                out.terms.append(term)
                while i < len(words) and words[i][1] < end:
                    i += 1
                continue
            for n in range(min(max_words, len(words) - i), 0, -1):
                chunk = words[i:i + n]
                if any(b[1] - a[2] > 2 and not re.fullmatch(r"'s\s", lowered[a[2]:b[1]])  # words must be adjacent
                       for a, b in zip(chunk, chunk[1:])):  # ("winter's coming" is too)
                    continue
                phrase, start = " ".join(w for w, _, _ in chunk), chunk[0][1]
                term = self._word_term(phrase, n, lowered, start, category,
                                       out.said if len(out.said) == len(lowered) else None)
                if term is not None:
                    term.start = start
                    out.terms.append(term)
                    i += n
                    break
            else:
                word = words[i][0]
                if len(word) >= 4 and word not in STOP_WORDS and word not in self.lexicon.negations and not word.isdigit():
                    # only a word barely English ("pynk") is asked about; an English word never blocks
                    out.leftovers.append(Term(word, "unknown", start=words[i][1],
                                              suggestions=self._close(word) if rare(word) else []))
                i += 1

    def _word_term(self, phrase: str, n: int, lowered: str, start: int, category: str | None,
                   said: str | None = None) -> Term | None:
        if n == 1 and (phrase in STOP_WORDS or phrase in self.lexicon.negations or phrase in FILLERS or phrase in self.lexicon.list_joiners
                       or phrase.isdigit()):
            return None
        spelt = self.lexicon.spellings.get(phrase)
        if spelt is None and n == 1:  # "toppp", "pinkkk": a letter held down
            spelt = _held_down(phrase)
        if spelt is not None and spelt != phrase:  # "wmn", "blk", "nite": the word a chat spelling stands for
            found = self._word_term(spelt, len(spelt.split()), lowered, start, category, said)
            if found is not None:
                found.text, found.corrected_to = phrase, found.corrected_to or spelt
                return found
        known = self._lexicon_term(phrase, lowered, start, category)
        if known is not None:
            return known
        reading = self.resolver.lookup(phrase, category)
        if reading is not None:
            return Term(phrase, "concept", reading.concepts)
        brand = self.brands.exact(phrase)
        common = n == 1 and ordinary(phrase)
        if brand and (brand not in self.brands.ambiguous or self._cued(lowered, start)) \
                and not (common and brand != brand_key(phrase) and not self._cued(lowered, start)) \
                and not (brand != brand_key(phrase) and phrase in self.lexicon.towns) \
                and (n > 1 or self._brand_meant(phrase, said or lowered, start)):
            return Term(phrase, "brand", [brand])
        if n == 2 and len(phrase) >= 7:  # a compound written apart: "hand bags", "sun glasses", "wrist watch"
            joined = phrase.replace(" ", "")
            for form in dict.fromkeys([joined, *lemmas(joined)]):
                found = self._lexicon_term(form, lowered, start, category)
                reading = self.resolver.lookup(form, category)
                if found is not None or reading is not None:
                    return found or Term(phrase, "concept", reading.concepts)
            first, second = phrase.split()
            first_typo = len(first) >= 3 and zipf(first) < FIRST_HALF_ZIPF and not self.resolver.lookup(first, category)
            fixed = self.resolver.one_edit(joined) if rare(joined) and (first_typo or rare(second)) else None
            if fixed is not None and (  # "hand bgas", "bak pack": handbags, backpack, both halves kept
                    (rare(second) and fixed.startswith(first + second[:1]))
                    or (first_typo and fixed.startswith(first[:1]) and fixed.endswith(second))):
                reading = self.resolver.lookup(fixed, category)
                if reading is not None:
                    return Term(phrase, "concept", reading.concepts, corrected_to=fixed)
        if n == 2:  # a known two-word name with one word misspelt ("nevy blue"): the name, whole
            words = phrase.split()
            for i, word in enumerate(words):
                fixed = self.lexicon.spellings.get(word) or (  # "trak pants": the chat spelling, then a sure fix
                    self._sure_correction(word) if rare(word) and len(word) >= 4 else None)
                if fixed is not None:
                    candidate = " ".join(words[:i] + [fixed] + words[i + 1:])
                    found = self._lexicon_term(candidate, lowered, start, category)
                    reading = self.resolver.lookup(candidate, category)
                    if found is not None or reading is not None:
                        term = found or Term(phrase, "concept", reading.concepts)
                        term.text, term.corrected_to = phrase, term.corrected_to or candidate
                        return term
        if n == 2 and any(rare(w) for w in phrase.split()):  # both words of a name misspelt ("sportz shoos", "flip flpos")
            fixed = " ".join((self._sure_correction(w) or w) if rare(w) else w for w in phrase.split())
            for candidate in dict.fromkeys([phrase, fixed]):
                corrected = self.resolver.correct(candidate)
                reading = self.resolver.lookup(corrected, category) if corrected else None
                if reading is not None:
                    return Term(phrase, "concept", reading.concepts, corrected_to=self.resolver.terms.get(corrected, corrected))
        if n == 1:
            for lemma in lemmas(phrase):  # "blazers", "hoodies": the lemma may be known
                found = self._lexicon_term(lemma, lowered, start, category)
                reading = self.resolver.lookup(lemma, category)
                if found is not None or reading is not None:
                    return found or Term(phrase, "concept", reading.concepts)
        need = self.lexicon.need_in_another_form(phrase)
        if need is not None:  # "my evening walks", "skiing": a need's words in another form
            return self._need_term(phrase, need)
        if n > 1 or len(phrase) < 4 or common:  # an ordinary word is never "corrected" into a name
            return None
        joined = self._run_together(phrase, category)
        if joined is not None:  # "bluejeans", "menswatch": two names without their space
            return joined
        corrected = self._sure_correction(phrase)
        if corrected is not None and not rare(phrase) and zipf(phrase) > zipf(corrected) - SLOT_ZIPF_MARGIN:
            corrected = None  # "the soles of my loafers": an English word commoner than the name (Stoles) stays
        if corrected is not None:
            return Term(phrase, "concept", self._corrected_concepts(corrected, category),
                        corrected_to=self.resolver.terms.get(corrected, corrected), guessed=True)
        match = self.brands.resolve(phrase)
        if match.key and match.corrected and brand_key(phrase) not in STOP_WORDS:
            return Term(phrase, "brand", [match.key], corrected_to=self.brands.name(match.key))
        return None

    def _run_together(self, phrase: str, category: str | None) -> Term | None:
        """A word that is two catalogue names written without the space between them ("bluejeans",
        "blackformal", "menswatch", "whiteshirt"), when it is no English word and only one split
        makes two names: both, read as said apart; a seldom English word too ("blacktop", below
        ``RUN_TOGETHER_ZIPF``), since a shopper means the two names, not the road surface."""
        if len(phrase) < 7 or not (rare(phrase) or zipf(phrase) < RUN_TOGETHER_ZIPF) or not phrase.isalpha():
            return None
        splits = []
        for cut in range(3, len(phrase) - 2):
            halves = [self._named(phrase[:cut], category), self._named(phrase[cut:], category)]
            if all(h is not None for h in halves):
                splits.append((cut, halves))
        if len(splits) != 1:
            return None
        cut, (first, second) = splits[0]
        said = f"{phrase[:cut]} {phrase[cut:]}"
        return Term(phrase, "concept", list(dict.fromkeys([*first.concepts, *second.concepts])), corrected_to=said)

    def _lexicon_term(self, phrase: str, lowered: str, start: int, category: str | None) -> Term | None:
        """A need, a garment word the catalogue lacks, a shade, or a negated group word
        ("without sleeves": Sleeveless), from the data files (``lexicon.Lexicon``)."""
        lex, phrase_key_ = self.lexicon, lexicon_key(phrase)
        need = lex.needs.get(phrase_key_) or (lex.need_with_degree(phrase_key_) if " " in phrase_key_ else None)
        if need is not None and not re.search(r"\blike\s+(?:an?\s+)?$", lowered[:start]):  # "looks like a funeral"
            return self._need_term(phrase, need)
        garment = lex.garment(phrase_key_)
        if garment:
            kinds = [c for c in garment if self.resolver.is_category(c)]  # "blouse": Tops or Shirts, Women
            said = " or ".join(dict.fromkeys(self.resolver.display(c) for c in kinds or garment))
            rest = ", ".join(dict.fromkeys(self.resolver.display(c) for c in garment if kinds and c not in kinds))
            return Term(phrase, "concept", list(garment), corrected_to=f"{said}, {rest}" if rest else said)
        shade = self._shade_term(phrase, phrase_key_, lowered, start)
        if shade is not None:
            return shade
        names = lex.features.get(phrase_key_)
        if names:  # "with a collar": any value that has one, under the category searched
            ids = [c for name in names for c in (self.resolver.lookup(name, category) or NO_READING).concepts
                   if category is None or self.resolver.fits(c, category)]
            if ids:  # one request: the values of the first group listed that the category has
                group = self.resolver.tree[ids[0]].group
                return Term(phrase, "concept", list(dict.fromkeys(c for c in ids if self.resolver.tree[c].group == group)))
        value = lex.negated_groups.get(phrase_key_)
        if value and self._negated_before(self._unhedged(lowered), start):
            reading = self.resolver.lookup(value, category)
            if reading is not None:
                return Term(phrase, "concept", reading.concepts, fixed=True)
        return None

    def _need_term(self, phrase: str, need: Need) -> Term:
        return self._restated(Term(phrase, "concept", list(need.requests), defaults=list(need.defaults), need=need))

    def _restated(self, term: Term) -> Term:
        """A need's term says what it is read as: its requests and first defaults."""
        said = ", ".join(dict.fromkeys(self.resolver.display(c) for c in term.values + term.defaults[:3]))
        term.corrected_to = said or None
        return term

    def _same_or_other(self, rest: str, lowered: str, out: Reading) -> str:
        """"the same colour", "in another colour": groups kept from or changed against the
        reference (the group word is then no "any colour")."""
        for cues, found in ((self.lexicon.same_as, out.same), (self.lexicon.other_than, out.other)):
            if not cues:
                continue
            cue = "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
            for match in _compiled(rf"(?<![\w'])(?:{cue})\s+([a-z]+)(?![\w'])(?:\s+([a-z]+)(?![\w']))?").finditer(lowered):
                groups = GROUP_WORDS.get(match.group(1), set()) & SAME_GROUPS
                end = match.end(1)
                if not groups and match.group(2):  # "same frame colour", "a different strap colour"
                    groups, end = GROUP_WORDS.get(match.group(2), set()) & SAME_GROUPS, match.end(2)
                said_cue = lowered[match.start():match.start(1)].strip()
                if not groups and said_cue in self.lexicon.matching_words and self._names_product(match.group(1)):
                    groups, end = {"colour"}, match.start(1)  # "a matching belt": in the reference's colour
                if groups:
                    if not (found is out.other and self._negated_before(lowered, match.start())):
                        found |= groups  # "no other colour on them": the colour said, nothing changed
                    out.groups -= groups
                    rest = self._blank(rest, match.start(), end)
        return rest

    def _relatives(self, rest: str, lowered: str, out: Reading) -> str:
        """Relative edits ("a shade darker", "much looser"): order, direction and steps; the
        words are blanked with their step words. One pass of one pattern (hundreds of phrases,
        longest first at each place); a hyphen counts as a space ("less in-your-face", "office-y")."""
        for match in self.relative_any.finditer(rest.replace("-", " ")):
            phrase = " ".join(match.group(2).split())
            move = self.lexicon.relative[phrase]
            rest = self._blank(rest, match.start(), match.end())
            if not move.softens and _ends_in_phrase(lowered[:match.start()], self.lexicon.bounds):
                continue  # "nothing shorter": no move ("nothing too stuffy" is one)
            out.relative.append({"order": move.order, "direction": move.direction, "said": move.say or phrase,
                                 "softens": move.softens,
                                 "steps": self.lexicon.steps.get(match.group(1) or "", move.steps),
                                 "fallback": move.fallback})
        return rest

    def _positions(self, rest: str, out: Reading, needs: list[tuple[int, int, Need]]) -> str:
        """A shown product named by where it is ("the top one", "second to last"): its position,
        and the words blanked (the top one is no top); not inside a need's phrase ("first date")."""
        found = [m for m in self.position_pattern.finditer(rest)  # one pass of the pattern made at start-up
                 if not any(a <= m.start() and m.end() <= b and b - a > m.end() - m.start()
                            for a, b, _ in needs)]  # "first date": a need's words, not the first product shown
        if found and out.ordinal is None:  # the longest phrase said names it, as the file's order did
            first = min(found, key=lambda m: (-len(m.group()), m.start()))
            out.ordinal = self.lexicon.positions[first.group()]
        for match in found:
            rest = self._blank(rest, match.start(), match.end())
        return rest

    def _need_spans(self, lowered: str, pattern: re.Pattern | None = None) -> list[tuple[int, int, Need]]:
        """Where the needs of several words are ("my trousers keep slipping"), whose words the NLU
        may also have tagged as names: the need is what the shopper means (``pattern``: only some
        needs' phrases)."""
        needs, out = self.lexicon.needs, []
        for match in (pattern or self.need_pattern).finditer(lowered):
            said = " ".join(match.group().split())
            need = needs.get(said) or needs.get(re.sub(r"'s\b", "", said))
            if need is not None:  # always, unless a data edit makes a phrase only its "'s" form matches
                out.append((match.start(), match.end(), need))
        if pattern is None:
            out += self._inflected_need_spans(lowered, out)
        return out

    def _inflected_need_spans(self, lowered: str, found: list[tuple[int, int, Need]]) -> list[tuple[int, int, Need]]:
        """Needs of several words said in another form than their file's ("he sweats a lot" for
        "sweat a lot"), outside the needs already found."""
        words = [(m.group(), m.start(), m.end()) for m in re.finditer(r"[a-z']+", lowered)]
        bases = [base_forms(w) for w, _, _ in words]
        out: list[tuple[int, int, Need]] = []
        for i in range(len(words)):
            if bases[i] not in self.need_form_starts:  # no need's phrase starts with this word's base form
                continue
            for n in range(min(MAX_PHRASE_WORDS, len(words) - i), 1, -1):
                start, end = words[i][1], words[i + n - 1][2]
                if any(a < end and start < b for a, b, _ in found + out):
                    continue
                need = self.lexicon.need_in_another_form(" ".join(w for w, _, _ in words[i:i + n]))
                if need is not None:
                    out.append((start, end, need))
                    break
        return out

    def _needs_over(self, entity: dict, needs: list[tuple[int, int, Need]], lowered: str) -> list[tuple[int, int]]:
        """The need spans an NLU name inside is left to its need: a product, a colour or another
        quality ("black tie event", "something to knot around my collar"), and a wearer when the
        need says who it is for ("mother's day")."""
        kind = entity.get("entity")
        start, end = entity.get("start"), entity.get("end")
        said = lexicon_key(lowered[start:end]) if isinstance(start, int) and isinstance(end, int) else ""
        return [(a, b) for a, b, need in needs  # or a need's word inside a longer need ("warm" in "too warm for")
                if kind in NEED_OWNED_ENTITIES or any(c.startswith(f"{kind}.") for c in need.requests)
                or (said in self.lexicon.needs and (b - a) > len(said))]

    def _relative_spans(self, lowered: str) -> list[tuple[int, int]]:
        """Where the relative words are ("less formal"), to keep the NLU's names inside them out."""
        return [(m.start(), m.end()) for m in self.relative_pattern.finditer(lowered)]

    def _close(self, word: str) -> list[str]:
        """Known names and brands a leftover word is close to."""
        names = self.resolver.close(word, LEFTOVER_SCORE)
        return list(dict.fromkeys(names + self.brands.resolve(word).suggestions))[:4]


def _held_down(word: str) -> str | None:
    """The English word a word with a letter held down stands for ("toppp": top, "dresssss":
    dress; a rare word with two letters doubled: "tieess", ties), else None."""
    doubled = len(re.findall(r"([a-z])\1", word)) > 1 and rare(word)
    if not re.search(r"([a-z])\1\1", word) and not doubled:
        return None
    forms = [re.sub(r"([a-z])\1{2,}", r"\1", word), re.sub(r"([a-z])\1{2,}", r"\1\1", word)]
    if doubled:
        forms.append(re.sub(r"([a-z])\1+", r"\1", word))
    return next((w for w in dict.fromkeys(forms) if not rare(w)), None)


def _one_price_direction(rules: list[dict]) -> list[dict]:
    """Price words that pull both ways ("whoa pricey, cheaper ones please"): the ones relative to
    what is shown ask, a price level beside them only comments."""
    down = [r for r in rules if any(k.startswith("below") for k in r)]
    up = [r for r in rules if any(k.startswith("above") for k in r)]
    if not (down and up):
        return rules
    relative = [r for r in rules if "below_shown" in r or "above_shown" in r]
    return relative or rules


def _ends_in_phrase(text: str, phrases: set[str]) -> bool:
    """Whether the text ends in one of the phrases, whole words, with only spaces after it."""
    return bool(text[-1:].isspace()) and bool(_ends_in(re.findall(r"[a-z']+", text[-40:]), phrases, 2)) \
        and not re.search(r"[^\w\s']\s*$", text)


def _one_move_per_order(moves: list[dict]) -> list[dict]:
    """The moves along each order that agree with the last one said there, furthest first ("simpler
    please, less busy": plain, else less busy); the editor takes the first that finds products."""
    last = {m["order"]: m["direction"] for m in moves}
    kept = [m for m in moves if m["direction"] == last[m["order"]]]
    orders = list(dict.fromkeys(m["order"] for m in kept))
    return [m for order in orders for m in sorted((k for k in kept if k["order"] == order),
                                                  key=lambda k: -k.get("steps", 1))]


def _inverted(rule: dict) -> dict:
    """The rule of a negated price word: "not expensive" is below what "expensive" is above."""
    if "negated" in rule:  # its own reading when negated ("not too expensive": not among the dearest)
        return dict(rule["negated"])
    flips = {"below_quantile": "above_quantile", "above_quantile": "below_quantile",
             "below_shown": "above_shown", "above_shown": "below_shown"}
    return {flips.get(key, key): value for key, value in rule.items()}


BRAND_CUES = {"from", "by", "brand", "brands"}  # words before a name that say it is a brand


def _brand_cue(lowered: str, start: int, cues: set[str] = BRAND_CUES | {"of"},
               amounts: frozenset[str] = frozenset()) -> bool:
    """Whether the words before a brand-like word say it is a brand ("from", "by", "brand"; "a
    pair of Nike"; not "a pack of basics", "lots of": ``amounts`` of something before "of")."""
    before = re.findall(r"[a-z']+", lowered[:start])[-2:]
    return bool(before) and before[-1] in cues and not (before[-1] == "of" and before[:-1] and before[0] in amounts)


def _ordinal_value(value: str) -> int | None:
    try:
        return int(float(value))
    except ValueError:
        return ORDINAL_WORDS.get(value.lower())


LAST_AS_POSITION = re.compile(r"\b(?:the|that|this|your)\s+(?:very\s+)?last\b|\blast\s+(?:one|ones|pair|item|product|option|piece)\b")


def ordinal_in(text: str, counted: frozenset[str] | set[str] = frozenset()) -> int | None:
    """An item position named in free text: "the 2nd", "second one", "#3", "number 4", "the last"
    ("last" only as a position: "i want them to last" names none; nor one that counts a noun of
    ``counted``: "his 7th birthday", "my first job")."""
    for word, value in ORDINAL_WORDS.items():
        if word == "last" and not LAST_AS_POSITION.search(text):
            continue
        if any(not counts_noun(text, m.end(), counted) for m in re.finditer(rf"\b{word}\b", text)):
            return value
    for match in [*re.finditer(r"(?:#|\bno\.?\s*|\bnumber\s+|\bitem\s+|\boption\s+)(\d{1,2})\b", text),
                  *re.finditer(r"\b(\d{1,2})(?:st|nd|rd|th)\b", text), *PICKED_POSITION.finditer(text)]:
        if not counts_noun(text, match.end(), counted):
            return int(next(g for g in match.groups() if g))
    return None


def counts_noun(text: str, end: int, counted: frozenset[str] | set[str]) -> bool:
    """Whether the number or ordinal ending at ``end`` counts a noun of ``counted`` (right after
    it or one word later: "7th birthday", "first real winter"), so names no position."""
    after = re.findall(r"[a-z]+", text[end:].lower())[:2]
    return bool(after) and (after[0] in counted or len(after) > 1 and after[1] in counted)


def groups_named(text: str) -> set[str]:
    """Concept groups or filters a message names as a whole ("any colour is fine", "any price")."""
    return {g for word in re.findall(r"[a-z]+", text.lower()) for g in GROUP_WORDS.get(word, ())}
