"""How a turn says yes or no to what it names: negation words before a term and lists that carry
them on ("no pink or red"), cues that exclude what their clause names first ("dont show me any
pink"), negations said after a word ("heels kill me"), a product that stays when only its modifier
is negated ("no sleeveless tops"), and products that are no request at all: what the wanted thing
goes with, what the shopper owns or the wearer wears (``context_cues``, ``owned``, ``worn_cues`` of
data/words.yaml). A mixin of ``understand.TurnReader``, which owns the lexicon and the resolver.
"""
from __future__ import annotations

import re

from .lexicon import says_any
from .reading import Reading, Term
from .situation import FAULT_CLAUSE, _clause, _next_clause, colours_only

FILLERS = {"a", "an", "the", "any", "more", "in", "with", "of", "from", "by", "made", "brand", "brands", "in a"}
DETERMINERS = {"this", "that", "these", "those", "one", "two", "some"}  # "i've got this lovely blazer"
COUNTS = {"three", "four", "five", "six", "seven", "eight", "nine", "ten", "twenty", "dozen", "dozens", "few",
          "many", "several", "multiple"}
ROUGHLY = {"like", "literally", "about", "around", "maybe", "almost", "easily", "probably", "basically"}  # before a count
OWN_COLOUR_LINK = re.compile(  # between the shopper's product and its colour: "are all", "i own is"
    r"\s+(?:(?:i|we|he|she)\s+(?:own|have|has|owns)\s+)?(?:is|are)\s+(?:all\s+|mostly\s+|only\s+|just\s+|either\s+)?")
SENTENCE_BREAK = re.compile(r"[.;:!?\u2013\u2014]|\s-\s")  # where a list stops ("over grey. sweatshirts")
CLAUSE_END = re.compile(r"[.;:!?]")  # where a list of what the shopper has stops
FAULTED_LEAD_INS = re.compile(r"\s+(?:my|these|those|the|all|a|an)$")  # "tired of all the tops that cling"
AFFIRMED_BEFORE = re.compile(r"\b(?:but|only|just)\s+(?:in\s+)?$")  # "but black, white gets dirty": no list
LISTED_GROUPS = {"colour"}  # groups whose values a refusal lists ("no pink, red"); "no print, solid" wants solid


class PolarityReading:
    """The polarity steps of the turn reader (see the module docstring)."""

    def _negated_before(self, text: str, start: int) -> bool:
        """Whether a negation word stands in the two words before ``start`` ("not over", "nothing
        too expensive")."""
        negations = self.lexicon.negations
        before = [w for w in re.findall(r"[a-z']+", _clause(text[:start].lower()))[-3:]  # in its clause
                  if w not in ("too", "so", "very")][-2:]
        return bool(before) and (before[-1] in negations or " ".join(before) in negations
                                 or (len(before) > 1 and before[0] in negations))

    def _negation_before(self, text: str, start: int) -> bool:
        """Whether a negation word or an exclusion cue ("dont show me X", "any brand but X") stands
        before ``start`` in the same clause of the turn."""
        cues = self.lexicon.negations | self.lexicon.exclusion_cues
        words = re.findall(r"[a-z']+", _clause(text[:start]))  # "my english is not good, want sandals": no negation
        return any(w in cues for w in words) or any(" ".join(p) in cues for p in zip(words, words[1:])) \
            or bool(words and words[-1] in self.lexicon.adjacent_cues) or self._any_but(words)

    def _any_but(self, words: list[str]) -> bool:
        """Whether words end in "but" within three words after an "any" word ("any colour but", "any
        other colour but", "everything but"; "anything like it but sleeveless" wants sleeveless)."""
        return bool(words) and words[-1] in self.lexicon.but_cues and bool(set(words[-4:-1]) & self.lexicon.any_words) \
            and not set(words[-4:-1]) & self.lexicon.alike_words  # "anything similar but in black"

    def _polarity(self, lowered: str, out: Reading, category: str | None = None) -> None:
        """Negation words just before a term exclude it, and carry on through "or"/"and" lists
        (hedges are no negation: "not sure, maybe tops", "similar to no. 2"), but not past two
        terms in a row that each had their own ("not a tshirt, not a shirt, a kurta")."""
        lowered = self._unhedged(lowered)
        joiners = self.lexicon.list_joiners
        previous_end, previous_negated, previous_kind = None, False, None  # a comma list goes on only in one kind
        own_negations = 0  # terms in a row each negated by words of their own ("not a tshirt, not a shirt")
        placed = sorted((t for t in out.terms if t.start is not None and not t.fixed), key=lambda t: t.start)
        for index, term in enumerate(placed):
            said = re.findall(r"[a-z']+", _clause(lowered[:term.start]))[-6:]  # its clause ("refuses to wear anything with")
            before = self._unfilled(said)  # "don't want anything sleeveless"
            gap = re.findall(r"[a-z']+", lowered[previous_end:term.start]) if previous_end is not None else None
            kind = self._kind_of(term)
            # not the need of "my toenails look boring", nor "she's"; nor the jeans that "look baggy on me"
            negated_after = term.need is None and not self._is_wearer(term) \
                and self._negated_after(lowered, term.stop) \
                and not (self._fit_complained(lowered, term.stop)
                         and all(self.resolver.is_category(c) for c in term.values))
            negated = self._ends_negated(said) or self._ends_negated(before) or self._any_but(before) or negated_after \
                or self._ends_negated(self._undescribed(said))  # "nothing shiny gold"
            if negated and not negated_after and self._faulted_kind(lowered, term):
                negated = False  # "tired of tops that cling": tops that do not
            if negated and not negated_after and term.need is not None and (
                    self._suffered_in_product(lowered, term, placed) or _ends_in(said, self.lexicon.complaint_framers, 5)):
                negated = False  # "tired of sleeping in my old tees": the tees tire; "hate how hot my legs get"
            if negated_after and not term.exclude:
                self._list_before_negated(lowered, placed[:index], term, kind)
            own = negated
            if not negated and previous_negated and gap is not None and own_negations < 2 \
                    and self._listed(lowered[previous_end:term.start]) \
                    and not _ends_in(gap, self.lexicon.wanting_before, 4) \
                    and not ("," in lowered[previous_end:term.start] and previous_kind != kind) \
                    and not self._is_wearer(term) \
                    and not ("," in lowered[previous_end:term.start] and not set(gap) & joiners
                             and self._rival(placed[index - 1], term, gap)
                             and not self._joined_to_next(lowered, placed, index, kind)) \
                    and not self._affirmed_after(lowered, term.stop, comma=not set(gap) & joiners
                                                 and "," in lowered[previous_end:term.start]):
                negated = True  # a list goes on ("no pink or red"); a new sentence does not ("over grey. sweatshirts")
            if not negated and not previous_negated and self._first_after_cue(lowered, term.start, previous_end):
                negated = True  # "dont show me any pink": what the cue's clause names first
            term.exclude = term.exclude or negated
            own_negations = own_negations + 1 if own else 0  # "..., a kurta is what i want": the list has ended
            previous_end, previous_negated, previous_kind = term.stop, term.exclude, kind
        for term in [t for t in out.terms if t.fixed and t.need is None and t.start is not None and not t.exclude]:
            term.exclude = self._negated_after(lowered, term.stop)  # "tops without sleeves are a no from me"
        self._products_stay(lowered, out)
        self._not_requested(lowered, out)
        self._kinds_kept(out, category)
        out.terms = [t for t in out.terms if not (t.exclude and t.need is not None and any(  # "i'm not a granny":
            c.startswith("gender.") for c in t.need.requests))]  # no one excluded for a wearer's word

    def _faulted_kind(self, lowered: str, term: Term) -> bool:
        """Whether a product said after words of discomfort (``suffered_in``: "tired of", "sick of")
        is followed by a clause that faults it ("tops that cling"): that kind is still wanted."""
        if term.need is not None or not term.values or not all(self.resolver.is_category(c) for c in term.values):
            return False
        return self._after_suffering(lowered, term.start, FAULTED_LEAD_INS) and bool(FAULT_CLAUSE.match(lowered[term.stop:]))

    def _suffered_in_product(self, lowered: str, need: Term, placed: list[Term]) -> bool:
        """Whether a need is followed by "in" and, in its clause, a product: what it is done in."""
        if not re.match(r"\s+in\b", lowered[need.stop:]):
            return False
        clause_end = need.stop + len(_clause_after(lowered, need.stop))
        return any(t.need is None and t.start is not None and need.stop < t.start < clause_end
                   and any(self.resolver.is_category(c) for c in t.values) for t in placed)

    def _joined_to_next(self, lowered: str, placed: list[Term], index: int, kind: str | None) -> bool:
        """Whether a term is joined to the next one of its kind by a list word ("none of those
        checks, stripes or prints": stripes, then "or" prints): a comma list, not a rival choice."""
        if index + 1 >= len(placed) or self._kind_of(placed[index + 1]) != kind or placed[index].stop is None:
            return False
        between = lowered[placed[index].stop:placed[index + 1].start]
        return bool(set(re.findall(r"[a-z']+", between)) & self.lexicon.list_joiners) and self._listed(between)

    def _rival(self, previous: Term, term: Term, gap: list[str]) -> bool:
        """Whether a term after a comma is the other choice to the one refused before it, not
        more of the list: another value of the same attribute ("without laces, slip on", "without
        any graphic print, solid colour"; colours still list: "no pink, red"), or another product
        with its own article ("not a handbag, a clutch")."""
        tree, is_cat = self.resolver.tree, self.resolver.is_category
        if not previous.values or not term.values or set(previous.values) & set(term.values):
            return False
        if all(is_cat(c) for c in previous.values + term.values):
            return bool(gap) and gap[-1] in ("a", "an")
        groups = {tree[c].group for c in previous.values + term.values if c in tree.nodes}
        return len(groups) == 1 and not groups & LISTED_GROUPS

    def _list_before_negated(self, lowered: str, before: list[Term], term: Term, kind: str | None) -> None:
        """A "no" said after a list reaches back through it ("blue ya white nahi", "red or pink
        are a no"): the terms of the same kind joined to the negated one by list words."""
        end = term.start
        for previous in reversed(before):
            if self._kind_of(previous) != kind or not self._listed(lowered[previous.stop:end]) \
                    or previous.need is not None:  # "a bit of a tummy, slim cuts cling on me": the need stays
                return
            if "," in lowered[previous.stop:end] and (
                    AFFIRMED_BEFORE.search(lowered[:previous.start])  # "similar flats but black, white gets dirty"
                    or not set(re.findall(r"[a-z']+", lowered[previous.start:term.start])) & self.lexicon.list_joiners):
                return  # black is asked; "these in black, white ones never survive": two clauses, no list
            previous.exclude, end = True, previous.start

    def _listed(self, between: str, words: set[str] | None = None, breaks: re.Pattern = SENTENCE_BREAK) -> bool:
        """Whether the text between two terms joins them in one list: list words and fillers
        only ("or", "ya", "and the"; ``words``: these only), no break (``breaks``)."""
        allowed = self.lexicon.list_joiners | FILLERS if words is None else words
        return not breaks.search(between) and all(w in allowed for w in re.findall(r"[a-z']+", between))

    def _kind_of(self, term: Term) -> str | None:
        """What a term names, for lists: "category", or the tree group of its values ("colour")."""
        tree = self.resolver.tree
        if term.values and all(self.resolver.is_category(c) for c in term.values):
            return "category"
        groups = {tree[c].group for c in term.values if c in tree.nodes}
        return groups.pop() if len(groups) == 1 else None

    def _affirmed_after(self, lowered: str, end: int, comma: bool = False) -> bool:
        """Whether the words after a term, in its clause, say it is wanted ("casual's out, formal
        shirts only"; after a comma with no "or", "no heels, flats please"): a negated list does
        not go on to it."""
        after = re.findall(r"[a-z']+", _next_clause(lowered[end:]))[:5]
        words = self.lexicon.affirmations_after | (self.lexicon.affirmations_after_comma if comma else set())
        return any(" ".join(after[i:j]) in words for i in range(len(after)) for j in range(i + 1, len(after) + 1))

    def _kinds_kept(self, out: Reading, category: str | None = None) -> None:
        """An excluded word that also names a product asked for excludes only the rest of what it
        means ("t shirts that aren't polos": no polo collar, still T-shirts). While a product is
        searched, a "no" to it said with what is wrong with it excludes only that ("looser
        please, i hate tight jeans" while jeans are shown: no slim fit, still jeans)."""
        wanted = {c for t in out.terms if not t.exclude for c in t.values if self.resolver.is_category(c)}
        for term in out.terms:
            if term.exclude and wanted & set(term.values) and set(term.values) - wanted:
                term.values = [c for c in term.values if c not in wanted]
        kinds = [t for t in out.terms if t.exclude and t.values and all(self.resolver.is_category(c) for c in t.values)]
        faults = any(t.exclude and t.values and not any(self.resolver.is_category(c) for c in t.values) for t in out.terms)
        if category is None or wanted or not faults:
            return
        searched = {n.id for n in self.resolver.tree.path(category)}  # the product and the kinds it is of
        for term in kinds:
            if searched & set(term.values):
                out.terms.remove(term)

    def _unfilled(self, words: list[str]) -> list[str]:
        """Words without the fillers and vague words at their end ("don't want anything")."""
        out = list(words)
        while out and (out[-1] in FILLERS or out[-1] in self.lexicon.vague_words):
            out.pop()
        return out

    def _describes(self, lowered: str, previous: Term, first: Term) -> bool:
        """Whether a term right before another describes the same product: next to it ("black
        jeans"), or in a list of values of its group ("black and grey trousers")."""
        if previous.stop is None:
            return False
        gap = re.findall(r"[a-z']+", lowered[previous.stop:first.start])
        if not gap:
            return not lowered[previous.stop:first.start].strip()
        if previous.need is not None or any(self.resolver.is_category(c) for c in previous.values):
            return False
        groups = lambda t: {self.resolver.tree[c].group for c in t.values if c in self.resolver.tree.nodes}  # noqa: E731
        return self._listed(lowered[previous.stop:first.start], self.lexicon.list_joiners, CLAUSE_END) \
            and bool(groups(previous)) and groups(previous) == groups(first)

    def _had_after(self, lowered: str, term: Term, out: Reading) -> bool:
        """Whether the words right after a product say the shopper has it (``owned_after``: "every
        pair of shoes i own ..., need something that can survive puddles"), not what they must wear
        ("shoes i have to wear"), when the turn asks for something else ("all the jeans i own are
        faded, need new ones" asks for jeans)."""
        if not any(t is not term and t.kind == "concept" and not t.exclude and (
                t.need is not None or any(self.resolver.is_category(c) for c in t.values)) for t in out.terms):
            return False
        if term.stop is None:
            return False
        rest = _next_clause(lowered[term.stop:])
        after = re.findall(r"[a-z']+", rest)[:5]
        said = next((n for n in range(min(len(after), 3), 0, -1) if " ".join(after[:n]) in self.lexicon.owned_after), 0)
        return bool(said) and after[said:said + 1] != ["to"] and not says_any(rest, self.lexicon.worn_out)

    def _undescribed(self, words: list[str]) -> list[str]:
        """Words without the plain describing words at their end (``describing_words``: "i have a
        little", "i've got this lovely"), and the fillers before them."""
        out = list(words)
        while out and out[-1] in self.lexicon.describing_words:
            out.pop()
        while len(out) < len(words) and out and (out[-1] in DETERMINERS | FILLERS | ROUGHLY | COUNTS or out[-1].isdigit()):
            out.pop()  # "i own like six pairs of"
        return out if len(out) < len(words) else words

    def _ends_negated(self, words: list[str]) -> bool:
        """Whether words end in a negation of data/words.yaml ("not", "done with", "not a fan of");
        a contraction the NLU cut before its "t" ("isn'" of "isn't digital") still negates."""
        return bool(_ends_in([w + "t" if w.endswith("n'") else w for w in words], self.lexicon.negations, 4))

    def _fit_complained(self, lowered: str, end: int) -> bool:
        """Whether the words after a term, in its clause, complain of how it fits ("looks baggy on me")."""
        words = re.findall(r"[a-z'-]+", _clause_after(lowered, end))
        return any(" ".join(words[i:i + n]) in self.lexicon.fit_complaints for i in range(min(len(words), 2))
                   for n in range(1, 6))

    def _negated_after(self, lowered: str, end: int) -> bool:
        """Whether the words after a term, in its clause, say it is not wanted ("short sleeves are a
        no", "black ones are boring": ``negations_after`` of data/words.yaml)."""
        after = _clause_after(lowered, end)
        words = ["is" if w == "'s" else w for w in re.findall(r"'s\b|[a-z'-]+", after)]  # "brown's not my thing"
        words = self._unfilled(words[::-1])[::-1]
        answered = re.match(r"[a-z' ]*?\?+\s*([a-z' -]+)", lowered[end:])  # "red ones? nah": the shopper's own answer
        if not words and answered:
            said_no = re.findall(r"[a-z'-]+", answered.group(1))
            return any(" ".join(said_no[:n]) in self.lexicon.answered_no for n in (1, 2))
        said = lambda ws: any(" ".join(ws[:n]) in self.lexicon.negations_after for n in range(1, min(len(ws), 5) + 1))  # noqa: E731
        return said(words) or (len(words) > 1 and said(words[1:]))  # one word between: "black frames are a no go"

    def _first_after_cue(self, lowered: str, start: int, previous_end: int | None) -> bool:
        """Whether a term is the first one after an "anywhere" exclusion cue of its clause ("dont
        show me any pink, just handbags")."""
        clause_start = start - len(_clause(lowered[:start]))
        words = list(re.finditer(r"[a-z']+", lowered[clause_start:start]))
        cue = max((i for i, w in enumerate(words) if w.group() in self.lexicon.exclusion_cues), default=None)
        if cue is None or previous_end is not None and previous_end > clause_start + words[cue].start():
            return False  # another name after the cue came first ("casual shoes i don't have to lace up": laces)
        return all(w.group() in self.lexicon.cue_verbs for w in words[cue + 1:])

    def _not_requested(self, lowered: str, out: Reading) -> None:
        """Products that are no request: one said as what the wanted thing goes with, over or under
        (``context_cues`` of data/words.yaml: "socks for my sneakers", "something warm to layer
        over my tops"), when the turn asks for something else, or as what the wearer wears (``worn_cues``:
        "he wears mostly blue shirts") when it asks for another product; and one the shopper says they
        have (``owned``: "i only own t shirts", "i'm wearing a saree"), with the words describing it."""
        products = sorted((t for t in out.terms if t.kind == "concept" and t.start is not None and not t.exclude
                           and t.need is None and any(self.resolver.is_category(c) for c in t.values)),
                          key=lambda t: t.start)
        placed = sorted((t for t in out.terms if t.start is not None), key=lambda t: t.start)
        owners = {"my", "our", *self.lexicon.possessives}  # whose, as ``_colours_owned`` reads it
        for first, later in zip(products, products[1:]):  # "men's belts for jeans": jeans are what they are for
            gap = lowered[first.stop:later.start]
            for other in placed:  # "belts for men, for jeans", "belts for formal trousers": other names are skipped
                if other.need is None and other.stop is not None and first.stop <= other.start and other.stop <= later.start:
                    start = other.start + (4 if lowered.startswith("for ", other.start) else 0)  # "for my dad's shirts"
                    gap = gap[:start - first.stop] + " " * (other.stop - start) + gap[other.stop - first.stop:]
            gap = gap.rsplit(",", 1)[-1] if re.search(r",\s*for\b", gap) else gap  # "belt, leather, brown or
            gap = " ".join(dict.fromkeys(w for w in re.findall(r"[a-z']+", gap)  # black, for formal trousers": the last
                                         if w not in FILLERS and w not in self.lexicon.vague_words  # clause; "belts,
                                         and w not in owners and w != "'s"))  # casual ones for jeans", "cuff links for my dad's shirts"
            narrows = any(a.id in first.values for c in later.values for a in self.resolver.tree.path(c))  # "a bag for carry on"
            if first in out.terms and later in out.terms and not narrows and (gap == "for" or gap in self.lexicon.context_cues):
                out.terms.remove(later)
        had_end = None  # where the last product the shopper has ends: a list goes on ("all tees and shorts")
        shades = {w for t in placed if t.values and colours_only(self.resolver.tree, t.values)
                  for w in re.findall(r"[a-z']+", t.text.lower())}  # colour words, skipped before a context cue
        for term in [t for t in products if t in out.terms]:
            between = [t for t in placed if t is not term and t.need is None and t.stop is not None and had_end is not None
                       and had_end <= t.start and t.stop <= term.start]  # "black trousers and white shirts": white too
            text = lowered[:term.start]
            for t in between:
                text = self._blank(text, t.start, t.stop)
            if had_end is not None and self._listed(text[had_end:], breaks=CLAUSE_END):
                out.terms[:] = [t for t in out.terms if t is not term and t not in between]
                had_end = term.stop
                continue
            said = [term]  # with the words just before it that describe it ("black jeans", "black and grey trousers")
            while placed.index(said[0]) > 0:
                previous = placed[placed.index(said[0]) - 1]
                if not self._describes(lowered, previous, said[0]):
                    break
                said.insert(0, previous)
            raw = re.findall(r"[a-z']+", _clause(lowered[:said[0].start]))[-6:]
            before = self._unfilled(raw)
            worn = says_any(re.split(r"[.;!?]", lowered[term.stop:])[0], self.lexicon.worn_out)  # "they're worn out"
            if not worn and (self._said_had(before) or self._said_had(raw) or self._said_had(self._undescribed(before))
                             or self._had_after(lowered, term, out)):  # (raw: "i've got loads of jeans")
                out.terms[:] = [t for t in out.terms if t not in said and not self._owned_with(lowered, term, t)]
                had_end = term.stop
                continue
            had_end = None
            bare = list(raw)
            while bare and (bare[-1] in self.lexicon.describing_words or bare[-1] in shades):  # "with a statement
                bare.pop()  # necklace", "going with a pastel outfit"
            context = _ends_in(bare, self.lexicon.context_cues, 5) \
                and not self._names_body_part(lowered, term)  # "for my lips": where it goes
            others = [t for t in out.terms if t not in said and t.kind == "concept" and not t.exclude
                      and (t.need is not None or any(self.resolver.is_category(c) for c in t.values))]
            if context and (others or out.relative or out.photo or out.about_item
                            or says_any(lowered, self.lexicon.shown_pointers)):  # "less sporty, to wear out with
                # chinos": the shoes move; "something like these in brown to go with my chinos": the shoes shown
                out.terms[:] = [t for t in out.terms if t not in said]
            elif _ends_in(raw, self.lexicon.worn_cues, 5) and any(  # "a tie ... he wears mostly blue shirts"
                    self._names_other(t, term) for t in others):
                out.terms[:] = [t for t in out.terms if t not in said]
        for term in [t for t in placed if t in out.terms and t.need is not None and not t.exclude
                     and any(self.resolver.is_category(c) for c in [*t.values, *t.defaults])]:
            said = re.findall(r"[a-z']+", lowered[term.start:term.stop])[-1:]  # clothes, not "back pain" or "cash"
            raw = re.findall(r"[a-z']+", _clause(lowered[:term.start]))[-6:]  # "i only own school uniforms": had
            if said and self._clothes_word(said[0]) and self._said_had(raw):  # (right after: "i'll be at a
                out.terms.remove(term)  # wedding" is where, not what is had)
        for term in [t for t in placed if t in out.terms and t.kind == "concept" and t.need is None and not t.exclude
                     and t.values and all(self.resolver.tree[c].group == "colour" for c in t.values)]:
            raw = re.findall(r"[a-z']+", _clause(lowered[:term.start]))[-6:]  # "to go with a navy suit": the suit's
            if _ends_in(raw, self.lexicon.context_cues, 5) and any(
                    t is not term and t.kind == "concept" and not t.exclude and t.start is not None
                    and t.start < term.start and any(self.resolver.is_category(c) for c in t.values) for t in out.terms):
                out.terms.remove(term)
        self._colours_had(lowered, out, placed)

    def _names_other(self, other: Term, worn: Term) -> bool:
        """Whether a term asks for products other than the one a wearer is said to wear: a product
        ("a tie ... he wears mostly blue shirts"), or a need whose products leave it out ("looks
        sloppy at parties because he wears tshirts": the party's shirts, not more tshirts), not a reason to
        buy ("his birthday ..., he wears a lot of black tshirts, show me some": tshirts)."""
        is_cat, tree = self.resolver.is_category, self.resolver.tree
        if other.need is None:
            return any(is_cat(c) for c in other.values)
        if other.need.gives_way:  # a reason to buy ("his birthday ..., he wears black tshirts, show me some")
            return False
        kinds = {c for c in [*other.values, *other.defaults] if is_cat(c)}
        wider = {a.id for c in kinds for a in tree.path(c)}  # (a need's shirts' topwear)
        return bool(kinds) and not any(c in wider or any(a.id in kinds for a in tree.path(c))
                                       for c in worn.values if is_cat(c))

    def _clothes_word(self, word: str) -> bool:
        """Whether a word names things worn ("clothes", "uniforms", "tees"), as a need's last word:
        clothes in general or a product word (``_names_product`` of the colour steps), not a part
        of the body (``body_parts``: "i have oily skin" is no skin care had)."""
        return word not in self.lexicon.body_parts and (word in self.lexicon.loose_names or self._names_product(word))

    def _owned_with(self, lowered: str, owned: Term, term: Term) -> bool:
        """Whether a need's clothes are listed right after a product the shopper has ("everything i
        own is jeans or office clothes"): had with it, not asked for."""
        return term.need is not None and isinstance(term.start, int) and owned.stop is not None \
            and owned.stop <= term.start and self._listed(lowered[owned.stop:term.start], breaks=CLAUSE_END)

    def _colours_had(self, lowered: str, out: Reading, placed: list[Term]) -> None:
        """A colour said alone after what the shopper has (``owned``: "white ones, i've got enough
        black", "i have lots of black") is what they have, not a request; a colour before a
        product is that product's, owned or not."""
        tree = self.resolver.tree
        for term in [t for t in placed if t in out.terms and t.kind == "concept" and t.need is None and not t.exclude
                     and t.values and all(tree[c].group == "colour" for c in t.values)]:
            after = placed[placed.index(term) + 1:placed.index(term) + 2]
            if after and after[0].start is not None and not lowered[term.stop:after[0].start].strip():
                continue  # "i have black jeans": the product's words
            if self._had_before(lowered, term.start):  # "i have lots of black"
                out.terms.remove(term)
            elif self._colour_of_own(lowered, term, placed, out):  # "all my shirts are black or white"
                out.terms.remove(term)
        self._usages_had(lowered, out, placed)

    def _usages_had(self, lowered: str, out: Reading, placed: list[Term]) -> None:
        """An occasion said of things the shopper has ("i only own formal stuff": ``owned``, then a
        usage and a word for things in general, ``loose_names`` or ``thing_words``) is what they
        have, not what they ask for ("casual fridays, i only own formal stuff": casual)."""
        tree, things = self.resolver.tree, self.lexicon.loose_names | self.lexicon.thing_words
        for term in [t for t in placed if t in out.terms and t.kind == "concept" and t.need is None and not t.exclude
                     and t.values and all(tree[c].group == "usage" for c in t.values)]:
            after = re.findall(r"[a-z']+", lowered[term.stop:])[:1]
            if after and after[0] in things and self._had_before(lowered, term.start):
                out.terms.remove(term)

    def _had_before(self, lowered: str, start: int) -> bool:
        """Whether the words of its clause before a value say the shopper has it (``_said_had``,
        also past the fillers: "i have lots of black", "i only own formal stuff")."""
        raw = re.findall(r"[a-z']+", _clause(lowered[:start]))[-6:]
        return self._said_had(raw) or self._said_had(self._unfilled(raw))

    def _colour_of_own(self, lowered: str, term: Term, placed: list[Term], out: Reading) -> bool:
        """Whether a colour is said of the shopper's own products ("all my shirts are black or
        white", "every tshirt I own is black"): the product said with "my" or "every" before it and
        "is"/"are" between, or another colour so said just before it in a list."""
        index = placed.index(term)
        if not index:
            return False
        previous = placed[index - 1]
        if previous.stop is None:
            return False
        between = lowered[previous.stop:term.start]
        if previous not in out.terms and colours_only(self.resolver.tree, previous.values) \
                and self._listed(between, self.lexicon.list_joiners):
            return True  # "... black or white": the list goes on
        if self._kind_of(previous) != "category":
            return False
        if previous not in out.terms and re.fullmatch(r"\s+in\s+(?:a\s+|an\s+)?", between):
            return True  # "i have a dress in cream": the colour of the one had
        owned = re.search(r"\b(?:my|every|each|all of my|all my)\s+(?:[a-z']+\s+)?$", _clause(lowered[:previous.start]))
        return bool(owned) and bool(OWN_COLOUR_LINK.fullmatch(between))

    def _said_had(self, before: list[str]) -> bool:
        """Whether the words before a term end in what the shopper has (``owned``: "i only own"),
        not after a word that wants it anew (``replacing``: "replace my sneakers"), nor after a dress
        code ("everyone's wearing a sari": wanted)."""
        if says_any(" ".join(before), self.lexicon.dress_codes):
            return False
        counted = list(before)
        while counted and (counted[-1] in COUNTS | ROUGHLY | {"so", "too"} or counted[-1].isdigit()):
            counted.pop()  # "i have so many", "i own like 6"
        before = counted if len(counted) < len(before) and _ends_in(counted, self.lexicon.owned, 5) else before
        owned = _ends_in(before, self.lexicon.owned, 5)
        return bool(owned) and not (set(before[:-owned][-2:]) & self.lexicon.replacing)

    def _products_stay(self, lowered: str, out: Reading) -> None:
        """A negation before a modifier scopes over the modifier, not the product word it modifies:
        "anything but black heels" and "no sleeveless tops" are heels and tops. A product word
        keeps its exclusion when a negation stands right before it or it follows another excluded
        product in a list ("no tops or dresses")."""
        terms = sorted((t for t in out.terms if t.start is not None and not t.fixed), key=lambda t: t.start)
        names_product = lambda t: any(self.resolver.is_category(c) for c in t.values)  # noqa: E731
        for previous, term in zip(terms, terms[1:]):
            if not (term.exclude and previous.exclude) or previous.kind != "concept" or term.kind != "concept":
                continue
            gap = lowered[previous.stop:term.start].strip()
            if names_product(term) and not names_product(previous) and not gap:
                term.exclude = False


def _ends_in(words: list[str], phrases: set[str], most: int) -> int:
    """How many of the last words (at most ``most``) form one of the phrases, shortest first; 0 when none do."""
    return next((n for n in range(1, min(len(words), most) + 1) if " ".join(words[-n:]) in phrases), 0)


def _clause_after(lowered: str, end: int) -> str:
    """The rest of the clause after a position (up to a punctuation mark or "but")."""
    return re.split(r"[,.;:!?]|\bbut\b", lowered[end:], maxsplit=1)[0]

