"""How the parts of a turn bear on each other once its words are read (``understand.TurnReader``
inherits these): which of several needs asks for the product (the product the shopper has is
``in_hand.InHandReading``'s), a value said over one a need implies, a product name said as a
verb or describing the next one, who it is for (an age, company, a wearer said once), and a shade
word that is a place. The words they use are in ``data/words.yaml`` (``request_cues``,
``verb_names``, ``modifier_names``, ``company_words``, ``place_cues``, ``ages``), read by
``lexicon.Lexicon``."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable

from .lexicon import key as lexicon_key, rare, says_any

OCCASIONS = {"usage.party", "usage.formal", "usage.ethnic"}  # what an event's dress is, not an interest's
ALTERNATION_WORDS = {"in", "a", "the", "maybe", "even", "also", "like", "colour", "color", "shade"}  # "red or even maroon"
from .reading import Reading, Term

if TYPE_CHECKING:
    from .concepts import ConceptResolver
    from .lexicon import Lexicon


class SituationReading:
    """Rules over a turn's terms; the reader supplies ``lexicon``, ``resolver`` and ``_restated``."""

    lexicon: Lexicon
    resolver: ConceptResolver
    _restated: Callable[[Term], Term]  # the reader's: a need's term says what it is read as
    _describing: Callable[[str], bool]  # the in-hand steps': a describing word or a colour name
    colour_names: set[str]  # the reader's: the catalogue's colour names, as phrase keys

    def _need_of_had(self, out: Reading, named: list[Term]) -> None:
        """A need whose products are what the shopper says they have, beside another need naming
        products ("back to office after years of work from home, only have pyjamas"): it is the
        life being left, so it gives way to the other. A place of the body ("what do i wear on my
        legs", when the shopper only owns jeans) is where the wanted thing goes, never left."""
        is_cat, tree = self.resolver.is_category, self.resolver.tree
        had = {a.id for t in named if t not in out.terms for c in t.values if is_cat(c) for a in tree.path(c)}
        naming = [t for t in out.terms if t.need is not None and not t.exclude
                  and any(is_cat(c) for c in [*t.values, *t.defaults])]
        if not had or len(naming) < 2:
            return
        kinds = lambda t: [c for c in t.values if is_cat(c)] or [c for c in t.defaults if is_cat(c)]  # noqa: E731
        left = [t for t in naming if not t.need.place and all(c in had for c in kinds(t))]  # (not "my legs")
        if left and len(left) < len(naming):
            out.terms = [t for t in out.terms if t not in left]

    def _asked_need(self, lowered: str, out: Reading) -> None:
        """Of several needs naming products, the ones said after a request cue ("need something to
        wear underneath") give the product; the others keep only their qualities (the reason)."""
        is_cat = self.resolver.is_category
        naming = [t for t in out.terms if t.need is not None and not t.exclude and isinstance(t.start, int)
                  and any(is_cat(c) for c in [*t.values, *t.defaults])]
        if len(naming) < 2 or not self.lexicon.request_cues:
            return
        asked = [t for t in naming if self._asked_for(lowered, t.start)]
        if not asked or len(asked) == len(naming):
            return
        last = max(t.stop or t.start for t in asked)
        places = [t for t in naming if t not in asked and t.need.place and t.start >= last
                  and any(is_cat(c) for c in t.values) and not re.search(r"[.;!?]", lowered[last:t.start])]
        if places:  # "need to keep my phone, wallet and lunch together on my back": where it goes decides
            for term in asked:
                term.drop_kinds(is_cat)
                self._restated(term)
            return
        strong = any(is_cat(c) for t in asked for c in t.values)  # asked for by name, not only by default
        if not strong and any(is_cat(c) for t in naming if t not in asked for c in t.values) \
                and all(self._asked_right_before(lowered, t) for t in asked):
            for term in asked:  # "sweat buckets, need workout clothes": the clothes asked, not a deodorant
                term.values = [*term.values, *(c for c in term.defaults if is_cat(c))]
                term.defaults = [c for c in term.defaults if not is_cat(c)]
                self._restated(term)
            strong = True
        others = {c for t in naming if t not in asked for c in [*t.values, *t.defaults] if is_cat(c)}
        for term in asked:  # "trekking ..., need something to carry my stuff": what both name (backpacks)
            both = [c for c in [*term.values, *term.defaults] if is_cat(c) and c in others]
            if both:
                term.values = [c for c in term.values if not is_cat(c) or c in both]
                term.defaults = [c for c in term.defaults if not is_cat(c) or c in both]
                self._restated(term)
        asked_kinds = {c for t in asked for c in [*t.values, *t.defaults] if is_cat(c)}
        for term in naming:
            if term not in asked and not self._place_within(term, asked_kinds):  # "my ears ... something sparkly"
                if strong:
                    term.values = [c for c in term.values if not is_cat(c)]
                term.defaults = [c for c in term.defaults if not is_cat(c)]
                self._restated(term)

    def _products_said(self, out: Reading, styled: bool = False) -> list[Term]:
        """The turn's wanted product words (not a need's), in the order said; ``styled``: with
        those that name a style of the product too ("sling bag": Handbags, Sling Bag)."""
        is_cat = self.resolver.is_category
        return sorted((t for t in out.terms if t.need is None and not t.exclude and isinstance(t.start, int)
                       and t.values and (any if styled else all)(is_cat(c) for c in t.values)), key=lambda t: t.start)

    def _products_either(self, lowered: str, out: Reading) -> None:
        """Two products offered as alternatives (``alternative_joiners``: "a maroon top or shirt,
        doesn't matter which") are one request, any of them, when neither lies within the other."""
        tree = self.resolver.tree
        named = self._products_said(out)
        for first, later in zip(named, named[1:]):
            if first not in out.terms or first.stop is None:
                continue
            gap = " ".join(lowered[first.stop:later.start].replace("/", " / ").split())
            within = any(a.id in first.values or a.id in later.values
                         for c in [*first.values, *later.values] for a in tree.path(c) if a.id != c)
            if gap in self.lexicon.alternative_joiners and not within:
                later.values = list(dict.fromkeys([*first.values, *later.values]))
                later.start = first.start
                out.terms.remove(first)

    def _reasons_give_way(self, lowered: str, out: Reading) -> None:
        """A need that is a reason to buy or a setting (``gives_way``: a gift, a bike ride, frequent
        trips) names products only when no other need of the turn does ("want to surprise my
        brother, he just got into running": running things, not watches and perfumes; "my skin
        gets tanned on the scooter": sunscreen, not riding gloves)."""
        is_cat = self.resolver.is_category
        needs = [t for t in out.terms if t.need is not None and not t.exclude]
        asked = [t for t in needs if t.need.gives_way and isinstance(t.start, int) and self._asked_right_before(lowered, t)]
        occasions = [t for t in needs if not t.need.gives_way and not any(is_cat(c) for c in t.values)
                     and any(c in OCCASIONS for c in t.values)]
        if asked and occasions and all(t in occasions for t in needs if not t.need.gives_way):
            for term in occasions:  # "boss's farewell tomorrow, need a gift for him": the farewell is its occasion
                term.defaults = [c for c in term.defaults if not is_cat(c)]
                self._restated(term)
            return
        if not any(t.need.gives_way for t in needs) or not any(
                not t.need.gives_way and any(is_cat(c) for c in [*t.values, *t.defaults]) for t in needs):
            return
        wanted = any(not t.need.gives_way and any(is_cat(c) for c in t.values) for t in needs)
        for term in [t for t in needs if t.need.gives_way]:
            term.defaults = [c for c in term.defaults if not is_cat(c)]
            if wanted:  # its own products give way only to products another need asks for, not suggests
                term.values = [c for c in term.values if not is_cat(c)]  # ("for work" suggests shirts)
            self._restated(term)

    def _seasons_give_way(self, out: Reading) -> None:
        """A weather or season said with a complaint of the body (``season`` and ``ails`` needs:
        "my face goes dry and flaky in winters", "feet sweat all summer") is when it ails: the
        complaint names the products, the season none. Clothes asked for beside them are for the
        weather ("i sweat a lot ..., need clothes that keep me cool": summer clothes)."""
        needs = [t for t in out.terms if t.need is not None and not t.exclude]
        if not any(t.need.ails for t in needs) or self._clothes_asked(out):
            return
        for term in [t for t in needs if t.need.season]:
            term.values, term.defaults = [], []
            self._restated(term)

    def _clothes_asked(self, out: Reading) -> bool:
        """Whether the turn asks for clothes by a product word ("clothes", "shirts"), not by a need."""
        tree, is_cat = self.resolver.tree, self.resolver.is_category
        return any(t.kind == "concept" and t.need is None and not t.exclude and t.values
                   and all(is_cat(c) and any(a.id == "master.apparel" for a in tree.path(c)) for c in t.values)
                   for t in out.terms)

    def _asked_product(self, lowered: str, out: Reading) -> None:
        """Of products of different kinds, the ones said right after a request cue are asked for;
        one said in an earlier clause without one is the situation ("my feet get sweaty in shoes,
        need good socks": socks)."""
        tree = self.resolver.tree
        named = self._products_said(out)
        asked = [t for t in named if self._asked_for(lowered, t.start)]
        if not asked or len(asked) == len(named):
            return
        kinds = {a.id for t in asked for c in t.values for a in tree.path(c) if a.level > 0}  # not the root
        first = min(t.start for t in asked)
        for term in named:
            apart = not any(c in kinds or any(k in {a.id for a in tree.path(c)} for k in kinds) for c in term.values)
            if term not in asked and term.start < first and apart and re.search(r"[,.;!?]", lowered[term.start:first]):
                out.terms.remove(term)

    def _places_joined(self, out: Reading) -> None:
        """A place said with another need that names what the two mean together (``with`` in
        data/needs.yaml: ears and the cold are mufflers and caps, not earrings): the place gives
        those products, the other need keeps only its qualities."""
        needs = [t for t in out.terms if t.need is not None and not t.exclude]
        tree, is_cat = self.resolver.tree, self.resolver.is_category
        for place in [t for t in needs if t.need.place and t.need.joined]:
            other = next((t for t in needs if t is not place and t.need.name in place.need.joined), None)
            worn = {c for c in place.values if is_cat(c)}
            together = place.need.joined[other.need.name] if other is not None else []
            if other is None or any(  # "trekking in manali, what do i wear on my feet": the trek's shoes
                    t is not place and t is not other and any(  # (unless they are what the two mean together)
                        is_cat(c) and c not in together and any(a.id in worn for a in tree.path(c))
                        for c in [*t.values, *t.defaults]) for t in needs):
                continue
            place.values, place.defaults = list(together), []
            other.drop_kinds(self.resolver.is_category)
            self._restated(place)
            self._restated(other)

    def _place_within(self, term: Term, kinds: set[str]) -> bool:
        """Whether a place's products are of the kinds asked for (earrings of jewellery): the
        place then narrows them rather than giving way."""
        tree, is_cat = self.resolver.tree, self.resolver.is_category
        own = [c for c in [*term.values, *term.defaults] if is_cat(c)]
        return term.need.place and bool(own) and all(any(a.id in kinds for a in tree.path(c)) for c in own)

    def _wearer_marked(self, lowered: str, out: Reading) -> None:
        """A gender marked in brackets ("denims for me (f)", ``wearer_marks``) says who it is for,
        unless the turn names someone already."""
        if any(self._is_wearer(t) for t in out.terms if not t.exclude):
            return
        for match in re.finditer(r"(?<!size)\s\(\s*([a-z]+)\s*\)", lowered):  # "size (m)" is a size
            name = self.lexicon.wearer_marks.get(match.group(1))
            found = self.resolver.lookup(name) if name else None
            if found is not None:
                out.terms = [t for t in out.terms if not (t.kind == "size" and isinstance(t.start, int)
                                                          and match.start() <= t.start < match.end())]  # "(m)" is no size M
                out.terms.append(Term(match.group(), "concept", list(found.concepts), start=match.start(),
                                      end=match.end()))
                return

    def _asked_right_before(self, lowered: str, term: Term) -> bool:
        """Whether a request cue stands right before a term, an article between ("need a gift"; not
        "want to surprise my brother")."""
        if lowered.startswith("to ", term.start):  # "want to surprise": a verb, not the thing asked
            return False
        words = re.findall(r"[a-z']+", _clause(lowered[:term.start]))[-4:]
        while words and words[-1] in ("a", "an", "some"):
            words.pop()
        return any(" ".join(words[-n:]) in self.lexicon.request_cues for n in (1, 2) if len(words) >= n)

    def _asked_for(self, lowered: str, start: int) -> bool:
        """Whether a request cue stands within the four words before ``start``, in its clause."""
        return says_any(" ".join(re.findall(r"[a-z']+", _clause(lowered[:start]))[-4:]), self.lexicon.request_cues)

    def _kind_of_product(self, lowered: str, out: Reading) -> None:
        """A product word right before ``kind_words`` after another product ("a gold watch ..., the
        full gold bracelet kind") says the style of the first, not a second product."""
        for term in self._products_said(out)[1:]:
            after = re.findall(r"[a-z]+", lowered[term.stop:])[:1]
            if after and after[0] in self.lexicon.kind_words:
                out.terms.remove(term)

    def _named_exactly(self, lowered: str, out: Reading) -> None:
        """A product of the same kind as the one before it, said as "the ... thing" ("denim-look
        leggings, the jegging thing": ``thing_words``), names the first exactly: it alone is asked."""
        tree = self.resolver.tree
        products = self._products_said(out)
        for first, later in zip(products, products[1:]):
            after = re.findall(r"[a-z]+", lowered[later.stop:])[:1]
            parents = lambda t: {tree[c].parent for c in t.values}  # noqa: E731
            if after and after[0] in self.lexicon.thing_words and first in out.terms \
                    and re.search(r"\bthe\s*$", lowered[:later.start]) and parents(first) == parents(later):
                out.terms.remove(first)

    def _shop_name_over_word(self, lowered: str, out: Reading) -> None:
        """A shoppers' word for a product followed by the shop's own name of a sibling ("white
        sneakers... you call them sports shoes?", "sneakers style sports shoes"): the shop's name
        is what the shopper settles on, the word (``garments``) gives way; not a name the word is to
        go with ("chunni ..., plain, i can pair with many kurtas": ``pair_cues``)."""
        tree, paired = self.resolver.tree, self.lexicon.pair_phrases
        products = self._products_said(out)
        parents = lambda t: {tree[c].parent for c in t.values}  # noqa: E731
        words = [t for t in products if self.lexicon.garment(lowered[t.start:t.stop])]
        named = [t for t in products if t not in words and not says_any(_clause(lowered[:t.start]), paired)]
        for word in words:
            if any(parents(n) == parents(word) and not set(n.values) & set(word.values) and n.start > word.start
                   and not {"or", "and", "either", "nor", "vs", "versus"} & set(re.findall(
                       r"[a-z]+", lowered[min(n.stop, word.stop):max(n.start, word.start)]))  # "sneakers or sports shoes"
                   for n in named) and word in out.terms:
                out.terms.remove(word)

    def _loose_names_had(self, lowered: str, out: Reading) -> None:
        """A word for clothes in general after "my", "the", "this" ... (``loose_names``: "a lighter
        colour would suit the outfit better", "a belt to match my outfit"), also with one word between
        ("my summer clothes", which goes with it), is no request."""
        owners = (self.lexicon.photo_determiners | set(self.lexicon.possessives)) - {"a", "an"}
        for term in [t for t in out.terms if t.kind == "concept" and t.need is None and isinstance(t.start, int)
                     and lowered[t.start:t.stop].strip() in self.lexicon.loose_names]:
            before = list(re.finditer(r"[a-z']+", lowered[:term.start]))[-2:]
            if before and before[-1].group() in owners:
                out.terms.remove(term)
            elif len(before) == 2 and before[0].group() in owners:  # "my summer clothes": the summer's too
                out.terms[:] = [t for t in out.terms if t is not term and not (
                    t.need is None and t.start == before[1].start() and t.stop == before[1].end())]
        products = self._products_said(out)  # "i walk to work in formal clothes and want shoes": the shoes
        loose = [t for t in products if lowered[t.start:t.stop].strip() in self.lexicon.loose_names]
        if loose and any(self._asked_for(lowered, t.start) for t in products if t not in loose):
            for term in loose:
                if not self._asked_for(lowered, term.start):
                    out.terms.remove(term)

    def _likened_not_asked(self, lowered: str, out: Reading) -> None:
        """A product the shown products are likened to ("plainer please, these look like pyjamas":
        ``shown_subjects`` then ``likened_cues``) is a comparison, not a request."""
        likened = self.lexicon.likened
        if likened is None:
            return
        for term in [t for t in out.terms if t.kind == "concept" and t.need is None and isinstance(t.start, int)
                     and t.values and all(self.resolver.is_category(c) for c in t.values)]:
            if likened.search(_clause(lowered[:term.start]) + " "):
                out.terms.remove(term)

    def _verbs_not_names(self, lowered: str, out: Reading) -> None:
        """A product name said as a verb ("i want to dress traditional", "dress up") is no request,
        nor "work" after a modal ("what shoes would work") (``verb_names``)."""
        verbs = self.lexicon.verb_names
        names, modal_names = verbs.get("words", set()), verbs.get("modal_words", set())
        for term in [t for t in out.terms if t.kind == "concept" and t.need is None and isinstance(t.start, int)
                     and lowered[t.start:t.stop].strip() in names | modal_names]:
            said = lowered[term.start:term.stop].strip()
            before = (re.findall(r"[a-z']+", lowered[:term.start])[-1:] or [""])[0]
            after = (re.findall(r"[a-z']+", lowered[term.stop:])[:1] or [""])[0]
            if said in names and (before in verbs["before"] or after in verbs["after"]) \
                    or said in modal_names and before in verbs["modals"]:  # "what shoes would work": no office
                out.terms.remove(term)

    def _homes_not_names(self, lowered: str, out: Reading) -> None:
        """A product name said of a home ("housewarming at a friend's flat": ``home_names``) is no request."""
        homes = self.lexicon.home_names
        for term in [t for t in out.terms if t.kind == "concept" and t.need is None and isinstance(t.start, int)
                     and lowered[t.start:t.stop].strip() in homes.get("words", ())]:
            if set(re.findall(r"[a-z']+", _clause(lowered[:term.start]))[-3:]) & homes["cues"]:
                out.terms.remove(term)

    def _company_not_setting(self, lowered: str, out: Reading) -> None:
        """A setting's word said of who comes along ("football with the office gang": a
        ``company_words`` word before it, ``company_nouns`` after) asks for no dress of its own."""
        for term in [t for t in out.terms if t.need is None and not t.exclude and isinstance(t.start, int)
                     and self._is_setting(t)]:
            after = re.findall(r"[a-z']+", lowered[term.stop:])[:1]
            if after and after[0] in self.lexicon.company_nouns and self._in_company(lowered, term.start):
                out.terms.remove(term)

    def _hosts_of_events(self, lowered: str, out: Reading) -> None:
        """A setting's word that names who holds the event said right after it (``event_hosts``:
        "office cricket match", with ``host_verbs`` between: "my office has casual fridays") asks
        for no dress of its own: the event's need decides."""
        needs = [t for t in out.terms if t.need is not None and not t.exclude and isinstance(t.start, int)]
        hosted = lambda gap: " ".join(gap) in self.lexicon.host_verbs or set(gap) <= self.lexicon.host_verbs  # noqa: E731
        for term in [t for t in out.terms if t.need is None and not t.exclude and isinstance(t.start, int)
                     and lowered[t.start:t.stop].strip() in self.lexicon.event_hosts and self._is_setting(t)]:
            if any(n.start >= term.stop and hosted(re.findall(r"[a-z']+", lowered[term.stop:n.start])) for n in needs):
                out.terms.remove(term)

    def _brands_as_looks(self, lowered: str, out: Reading) -> None:
        """A brand's name followed by ``look_words`` ("pink aviators, barbie vibe"), or by a colour
        that ends its clause beside a product named elsewhere ("pink jeans, like proper barbie
        pink"), names a look or a shade: the products need not be the brand's."""
        products = self._products_said(out)
        for term in [t for t in out.terms if t.kind == "brand" and not t.exclude and isinstance(t.start, int)]:
            rest = _next_clause(lowered[term.stop:])
            after = re.findall(r"[a-z]+", rest)
            shade = len(after) == 1 and after[0] in self.colour_names \
                and any(not (p.start <= term.start < p.stop) for p in products)
            if after and (after[0] in self.lexicon.look_words or shade):
                out.terms.remove(term)

    def _guesses_give_way(self, out: Reading) -> None:
        """A product guessed from an English word the engine does not know ("college skit":
        Skirts) gives way to a product of another kind named as written ("a saree for a guy,
        college skit where he plays the mother": the saree); a word barely English ("shrit") is
        still the shopper's typo."""
        tree = self.resolver.tree
        products = self._products_said(out)
        path = lambda t: {a.id for c in t.values for a in tree.path(c)}  # noqa: E731
        written = [t for t in products if not t.guessed]
        for term in [t for t in products if t.guessed and not rare(t.text)]:
            if any(not set(term.values) & path(t) and not set(t.values) & path(term) for t in written):
                out.terms.remove(term)

    def _modifiers_not_names(self, lowered: str, out: Reading) -> None:
        """A product name said in the singular right before another product describes it ("short
        kurtis", "jean jacket": ``modifier_names``): only the product after it is asked for."""
        products = sorted((t for t in out.terms if t.kind == "concept" and t.need is None and isinstance(t.start, int)
                           and t.values and all(self.resolver.is_category(c) for c in t.values)), key=lambda t: t.start)
        for term, following in zip(products, products[1:]):
            if lowered[term.start:term.stop].strip() in self.lexicon.modifier_names \
                    and not lowered[term.stop:following.start].strip() and term in out.terms:
                out.terms.remove(term)
        for term in products:  # "i want some sleeves, even short ones": a value with a noun of the turn
            said = lowered[term.start:term.stop].strip()
            if " " in said or not re.match(r"\s*ones?\b", lowered[term.stop:]) or term not in out.terms:
                continue
            for noun in dict.fromkeys(re.findall(r"[a-z]+", lowered)):
                found = self.resolver.lookup(f"{said} {noun}") if noun != said else None
                if found is not None and not any(self.resolver.is_category(c) for c in found.concepts):
                    term.values = list(found.concepts)
                    break
        products = [t for t in products if all(self.resolver.is_category(c) for c in t.values)]
        for term in products:  # "brown wallets, compact ones": a product's name said of another one describes it
            said = lowered[term.start:term.stop].strip()
            if " " not in said and re.match(r"\s*ones?\b", lowered[term.stop:]) and term in out.terms \
                    and any(o is not term and o.start < term.start and not set(o.values) & set(term.values) for o in products):
                out.terms.remove(term)

    def _worn_with(self, lowered: str, out: Reading) -> None:
        """A product after another one and a cue of going with it ("belts for wearing with jeans"),
        or before a part of it ("wallets thin enough for a front jeans pocket"), is what the first
        goes with: left out, with its colour said after the cue ("a little black dress"). A colour
        of a part after "with" ("brown belts with a silver buckle") is the part's: left out too."""
        tree, parts = self.resolver.tree, self.lexicon.part_nouns
        products = self._products_said(out)
        for first, later in [(a, b) for i, a in enumerate(products) for b in products[i + 1:]]:
            words = re.findall(r"[a-z']+", lowered[first.stop:later.start])
            while words and (words[-1] in LEAD_INS or self._describing(words[-1])):  # "to go with a little black"
                words.pop()
            before = " ".join(words)
            after = re.findall(r"[a-z']+", lowered[later.stop:])[:1]
            if later in out.terms and not set(first.values) & set(later.values) and (
                    any(before.endswith(cue) or f"{cue} my" in before or f"{cue} his" in before
                        or f"{cue} her" in before for cue in self.lexicon.worn_with)
                    or (after and after[0] in parts)):
                cues = [m.end() for cue in self.lexicon.worn_with
                        for m in re.finditer(rf"\b{re.escape(cue)}\b", lowered[:later.start]) if m.start() >= first.stop]
                since = max(cues, default=later.start)
                out.terms = [t for t in out.terms if t is not later and not (
                    t.need is None and isinstance(t.start, int) and since <= t.start < later.start
                    and colours_only(tree, t.values))]
        for term in [t for t in out.terms if t.kind == "concept" and t.need is None and isinstance(t.start, int)
                     and colours_only(tree, t.values)]:
            after = re.findall(r"[a-z']+", lowered[term.stop:])[:1]
            if after and after[0] in parts and re.search(r"\bwith\s+(?:a\s+|an\s+|the\s+)?$", lowered[:term.start]):
                out.terms.remove(term)

    def _suffered_in(self, lowered: str, out: Reading) -> None:
        """A product right after words of discomfort (``suffered_in``: "my feet are killing me in
        heels", "sick of wearing kurtas") is what the shopper suffers in, not asked for, when the
        turn names another product or a need, and refused when it names none. A product that a
        clause then faults ("tired of tops that cling") is still asked: the fault is what to avoid."""
        products = self._products_said(out, styled=True)  # "hurts from my sling bag"
        for term in products:
            if not self._after_suffering(lowered, term.start, SUFFERED_LEAD_INS):
                continue
            if FAULT_CLAUSE.match(lowered[term.stop:]):
                continue  # "tired of tops that cling": the fault is the clause's, the kind is still asked
            if any(t is not term and t in out.terms for t in products + [n for n in out.terms if n.need is not None]):
                out.terms.remove(term)
            else:  # "sick of wearing kurtas, want something western": anything but kurtas
                term.exclude = True

    def _after_suffering(self, lowered: str, start: int, lead_ins: re.Pattern) -> bool:
        """Whether words of discomfort (``suffered_in``: "killing me in", "tired of") end the
        clause before ``start``, past the words ``lead_ins`` strips ("my", "these")."""
        before = lead_ins.sub("", " ".join(re.findall(r"[a-z']+", _clause(lowered[:start]))[-5:]))
        return any(before.endswith(cue) for cue in self.lexicon.suffered_in)

    def _colour_matched(self, lowered: str, out: Reading, named: list[Term]) -> None:
        """A turn that asks for a match (``colour_matches``: "own black formal shoes, need a belt
        to match") with no colour of its own: the colours left out with what it goes with are the
        ones wanted. Else they are what the shopper has, where a colour move starts ("my wardrobe
        is all black, want to add some colour"), and in a turn that names no product, what they
        have is the kind the move is about ("i have so many black tops, want to add some colour":
        tops)."""
        tree, is_cat = self.resolver.tree, self.resolver.is_category
        left = [t for t in named if t not in out.terms and colours_only(tree, t.values)]
        kinds = [t for t in named if t not in out.terms and t not in left]
        if not says_any(lowered, self.lexicon.colour_matches) or any(
                t.kind == "concept" and not t.exclude and t.values and colours_only(tree, t.values)
                for t in out.terms):
            out.colours_had = list(dict.fromkeys(c for t in left for c in t.values))
            if out.colours_had and any(m["order"] in ("lightness", "chroma") for m in out.relative) and not any(
                    not t.exclude and any(is_cat(c) for c in [*t.values, *t.defaults]) for t in out.terms) \
                    and not says_any(lowered, self.lexicon.shown_pointers):  # "a darker shade of this ... with my
                out.terms += kinds[:1]  # black jeans": the shown product's move, the jeans are what it goes with
            return
        for term in left:
            term.exclude = False
            out.terms.append(term)

    def _worn_by_had(self, out: Reading, named: list[Term]) -> None:
        """A product the shopper has, left out, that one gender alone wears (``worn_by``: "I have a
        black dress already, need shoes that go with it") says who the turn is for when it names no one."""
        if any(self._is_wearer(t) for t in out.terms) or not self.lexicon.worn_by:
            return
        genders = {self.lexicon.worn_by.get(c) for t in named if t not in out.terms for c in t.values}
        genders.discard(None)
        if len(genders) == 1 and out.terms:
            name = genders.pop()
            found = self.resolver.lookup(name)
            if found is not None:
                out.terms.append(Term(name, "concept", list(found.concepts)))

    def _needs_agree(self, out: Reading) -> None:
        """Two needs of a turn that name products, sharing some ("I'm bald and the afternoon sun
        is killing me": headwear, of the sun's headwear, eyewear and sunscreen): the shared ones."""
        is_cat, tree = self.resolver.is_category, self.resolver.tree
        needs = [t for t in out.terms if t.need is not None and not t.exclude and any(is_cat(c) for c in t.values)]
        if len(needs) == 1:  # "weekend trek ..., what do i carry my stuff in": what the trek suggests too
            self._need_agrees_with_defaults(needs[0], out)
        if len(needs) < 2:
            return
        kinds = [list(dict.fromkeys(c for c in t.values if is_cat(c))) for t in needs]  # in the order said
        within = lambda c, other: any(a.id in other for a in tree.path(c))  # noqa: E731  (or a narrower one)
        shared = [c for c in kinds[0] if all(within(c, k) for k in kinds[1:])] + [
            c for k in kinds[1:] for c in k if within(c, kinds[0]) and all(within(c, o) for o in kinds[1:])]
        if not shared:
            self._needs_suggest(needs)
            return
        for term in needs:
            term.values = [c for c in term.values if not is_cat(c)] + list(dict.fromkeys(shared))
            self._restated(term)

    def _needs_suggest(self, needs: list[Term]) -> None:
        """Two needs naming products none of which they share, where one only suggests the other's
        ("barish ... my feet get soaked": the rain names jackets and suggests flip flops; the wet
        feet name flip flops and sandals): the need that suggests them gives its products way."""
        is_cat, tree = self.resolver.is_category, self.resolver.tree
        for term in needs:
            suggested = {c for c in term.defaults if is_cat(c)}
            others = [t for t in needs if t is not term and t.values != term.values]
            if suggested and any(any(a.id in suggested for c in t.values if is_cat(c) for a in tree.path(c))
                                 for t in others):
                term.drop_kinds(is_cat)
                self._restated(term)
                return

    def _need_agrees_with_defaults(self, asked: Term, out: Reading) -> None:
        """A need naming products beside another that only suggests some ("weekend trek" suggests
        backpacks, jackets and shoes; "what do i carry my stuff in" names bags): the products both
        name, when there are some; the suggesting need then suggests no others."""
        is_cat, tree = self.resolver.is_category, self.resolver.tree
        for other in [t for t in out.terms if t.need is not None and t is not asked and not t.exclude
                      and not any(is_cat(c) for c in t.values) and any(is_cat(c) for c in t.defaults)]:
            suggested = {c for c in other.defaults if is_cat(c)}
            shared = [c for c in dict.fromkeys([*asked.values, *asked.defaults])  # (its own suggestions too)
                      if is_cat(c) and any(a.id in suggested for a in tree.path(c))]
            if shared:
                asked.values = [c for c in asked.values if not is_cat(c)] + shared
                asked.defaults = [c for c in asked.defaults if not is_cat(c)]
                other.defaults = [c for c in other.defaults if not is_cat(c)]
                self._restated(asked)
                self._restated(other)
                return

    def _ones_of_refused(self, lowered: str, out: Reading) -> None:
        """A refused product, then a quality "ones" with no other product ("not sports shoes, i want
        casual ones"): the ones are that kind of product, the quality's own name when the
        catalogue has it ("casual shoes"), else the refused product's wider kind with the quality."""
        is_cat = self.resolver.is_category
        products = [t for t in out.terms if t.kind == "concept" and t.need is None and t.values
                    and all(is_cat(c) for c in t.values)]
        refused = [t for t in products if t.exclude and isinstance(t.start, int)]
        if len(refused) != 1 or any(not t.exclude for t in products):
            return
        head = refused[0].text.lower().split()[-1]
        for term in [t for t in out.terms if t.kind == "concept" and not t.exclude and t.need is None
                     and isinstance(t.start, int) and t.start > refused[0].start and t.values
                     and not any(is_cat(c) for c in t.values)]:
            if not re.match(r"\s*ones\b", lowered[term.stop:]):
                continue
            named = self.resolver.lookup(f"{term.text.lower()} {head}")
            if named is not None and all(is_cat(c) for c in named.concepts):
                out.terms.append(Term(f"{term.text} {head}", "concept", list(named.concepts), start=term.start))
                out.terms.remove(term)
            else:
                wider = [self.resolver.tree[c].parent for c in refused[0].values if self.resolver.tree[c].parent]
                if wider and all(is_cat(c) for c in wider):
                    out.terms.append(Term(head, "concept", wider))
            return

    def _said_over_implied(self, out: Reading) -> None:
        """A value said outright replaces what a need implies in its group ("casual day at the
        office": casual, not formal; "formal shirts for a party": formal)."""
        tree, is_cat = self.resolver.tree, self.resolver.is_category
        said = {tree[c].group for t in out.terms if t.need is None and not t.exclude and t.kind == "concept"
                for c in t.values if c in tree.nodes and not is_cat(c) and tree[c].group}
        for term in out.terms:
            if term.need is not None and said:
                term.values = [c for c in term.values if is_cat(c) or c not in tree.nodes or tree[c].group not in said]
                term.defaults = [c for c in term.defaults
                                 if is_cat(c) or c not in tree.nodes or tree[c].group not in said]
                self._restated(term)

    def _one_colour(self, lowered: str, out: Reading) -> None:
        """Values of one group said together are one request: joined by "or", "and" or a comma list,
        any of them ("red or maroon kurtas", "slim or regular fit"); two colour words said without a
        joiner in one clause, the colours they agree on ("cherry red"); a kind of colour beside a
        colour said gives way to it ("forest green ..., something earthy")."""
        tree = self.resolver.tree
        group = lambda t: {tree[c].group for c in t.values if c in tree.nodes}  # noqa: E731
        values = sorted((t for t in out.terms if t.kind == "concept" and not t.exclude and t.need is None
                         and isinstance(t.start, int) and t.values and len(group(t)) == 1
                         and all(c in tree.nodes and tree[c].kind == "value" for c in t.values)
                         and group(t) != {"gender"}), key=lambda t: t.start)
        for i, later in enumerate(values[1:], 1):  # each beside the last one still read ("mint green ..., pastel")
            first = next((t for t in reversed(values[:i]) if t in out.terms), None)
            if first is None or first.stop is None or group(first) != group(later):
                continue
            between = re.findall(r"[a-z]+", lowered[min(first.stop, later.start):later.start])
            if between and set(between) <= {"or", "and", "either"} | ALTERNATION_WORDS or (
                    not between and "," in lowered[first.stop:later.start]):
                later.values = list(dict.fromkeys(first.values + later.values))  # "red or maroon": any of
                out.terms.remove(first)
                continue
            if group(first) != {"colour"} or set(between) & {"or", "and", "nor", "neither", "not", "but"}:
                continue
            finish = [t for t in (first, later) if lexicon_key(t.text) in self.lexicon.colour_finishes]
            if len(finish) == 1 and not re.search(r"[,.;:!?]", lowered[min(first.stop, later.start):later.start]):
                out.terms.remove(finish[0])  # "silver metallic": the silver, with a sheen
                continue
            agreed = [c for c in first.values if c in later.values]
            families = [t for t in (first, later) if self.lexicon.colours and (  # "earthy", "dark (denim)"
                lexicon_key(t.text) in self.lexicon.colours.families or lexicon_key(t.text) in self.lexicon.colours.before_product)]
            if re.search(r"[,.;:!?]", lowered[min(first.stop, later.start):later.start]) and len(families) != 1:
                continue  # another clause: "navy tee, the deep blue kind" is not read as one colour
            if agreed and not families:
                first.values = agreed
                out.terms.remove(later)
            elif len(families) == 1:  # "forest green casual shoes, something earthy": the colour said, not the kind
                if lexicon_key(families[0].text) not in self.lexicon.colours.families:  # "dark (denim)" narrows:
                    named = later if families[0] is first else first  # "indigo jeans, proper dark denim": dark indigos
                    named.values = agreed or named.values
                out.terms.remove(families[0])
        self._shades_refused_around(out)

    def _shades_refused_around(self, out: Reading) -> None:
        """A kind of colour or a shade refused keeps the colours asked for ("lemon yellow, pastel
        not neon": no other bright colour, and still yellow; "baby pink, not hot pink": pink). The
        very colour refused and then said again is the reason, still refused ("anything but black,
        i own too many black ones")."""
        tree = self.resolver.tree
        refused = [t for t in out.terms if t.exclude and t.kind == "concept" and colours_only(tree, t.values)]
        asked = [t for t in out.terms if t.kind == "concept" and not t.exclude and t.need is None
                 and colours_only(tree, t.values)]
        again = [t for t in asked if any(set(t.values) == set(r.values) for r in refused)]
        out.terms = [t for t in out.terms if t not in again]
        wanted = {c for t in asked if t not in again for c in t.values}
        for term in refused:
            term.values = [c for c in term.values if c not in wanted]
            if not term.values:
                out.terms.remove(term)

    def _one_wearer(self, lowered: str, out: Reading) -> None:
        """Who it is for, read once: several gender words keep what they agree on ("for a girl,
        my daughter": girls), and an age said picks the children's or the grown-ups' ("my 8 year
        old niece": girls; "my 25 year old son": men), as ``data/words.yaml`` ``ages`` says. When
        they disagree, the gender said by its own name wins over a relative's ("shirts for men, my
        wife hates purple": men; ``gender_names``)."""
        wearers = [t for t in out.terms if t.kind == "concept" and not t.exclude and self._is_wearer(t)]
        company = [t for t in wearers if isinstance(t.start, int) and (
            self._in_company(lowered, t.start) or self._advising(lowered, t, len(wearers) > 1))]
        for term in company:  # "a dinner date with the wife": not for her; "my wife insists i need one": for me
            out.terms.remove(term)
            wearers.remove(term)
        if not wearers:
            self._child_of_age(lowered, out)  # "my 9 year old has outgrown every pair of shoes": a child's
            return
        self._grown_self(lowered, wearers)
        pronouns = {" ".join(str(p).lower().split()) for p in (self.lexicon.ages or {}).get("pronouns", [])}
        named = [t for t in wearers if t.text.lower().strip() not in pronouns] or wearers  # "my daughter ... for her"
        agreed = [c for c in named[0].values if all(c in t.values for t in named[1:])]
        if not agreed:  # "shirts for men, no purple, my wife hates it": the gender said itself, not the wife's
            plain = [t for t in named if re.sub(r"'s?$", "", t.text.lower().strip()) in self.lexicon.gender_names]
            if plain and len(plain) < len(named) and all(set(t.values) == set(plain[0].values) for t in plain):
                out.terms = [t for t in out.terms if t not in named or t in plain]
                wearers = [t for t in wearers if t not in named or t in plain]
                named, agreed = plain, list(plain[0].values)
        age = _age(lowered)
        grown_named = any(set(re.findall(r"[a-z]+", t.text.lower())) & self.lexicon.grown_words
                          for t in named)  # "shirts for men, for a school reunion"
        if age is None and says_any(f" {lowered} ", self.lexicon.child_words) and not grown_named \
                and not says_any(f" {lowered} ", self.lexicon.adult_words) \
                and not all(self._of_self(lowered, t) for t in wearers):  # "i do the school run, i'm a woman"
            age = self.lexicon.ages.get("child_until", 13)  # "my daughter's school picnic": a child
        elif (age is None or TEEN.search(lowered)) and says_any(f" {lowered} ", self.lexicon.adult_words):
            age = self.lexicon.ages.get("adult_from", 18)  # "my son, he's in college", "my teenage son's college fest"
        if age is not None and self.lexicon.ages:
            kids = age <= self.lexicon.ages.get("child_until", 13)
            grown = age >= self.lexicon.ages.get("adult_from", 18)
            keep = set(self.lexicon.ages.get("children", [])) if kids else set(self.lexicon.ages.get("adults", [])) if grown else None
            if keep is not None:  # the age decides among all the words said ("my 8 year old niece ... for her": girls)
                said = list(dict.fromkeys(c for t in wearers for c in t.values))
                agreed = [c for c in agreed if self.resolver.tree[c].name in keep] \
                    or [c for c in said if self.resolver.tree[c].name in keep] or self._of_age(agreed, keep) or agreed
        if agreed:
            for term in wearers:
                term.values = list(agreed)
            self._gift_for_a_child(out, agreed)

    def _gift_for_a_child(self, out: Reading, wearers: list[str]) -> None:
        """A present or another reason to buy for a child (``gives_way`` needs, for Boys or Girls
        alone): what it suggests is children's clothes (``child_gifts`` of ``ages``), not the
        grown-ups' watches and perfumes."""
        children = set(self.lexicon.ages.get("children", []))
        kinds = [c for c in self.lexicon.ages.get("child_gifts", []) if c in self.resolver.tree.nodes]
        if not kinds or not all(self.resolver.tree[c].name in children for c in wearers):
            return
        is_cat = self.resolver.is_category
        for term in [t for t in out.terms if t.need is not None and t.need.gives_way and not t.exclude
                     and any(is_cat(c) for c in t.defaults)]:
            term.defaults = [c for c in term.defaults if not is_cat(c)] + kinds
            self._restated(term)

    def _reference_noun(self, lowered: str, out: Reading) -> None:
        """A product word right after a position ("the 2nd wallet", "number 3 tee") names the
        product shown there, not a request, when the turn names another product ("same colour as
        the 2nd wallet, but a belt")."""
        products = [t for t in out.terms if t.kind == "concept" and t.need is None and not t.exclude
                    and isinstance(t.start, int) and any(self.resolver.is_category(c) for c in t.values)]
        named = [t for t in products if POSITION_BEFORE.search(lowered[:t.start])]
        if named and len(products) > len(named):
            out.terms[:] = [t for t in out.terms if t not in named]
        if products and "colour" in out.groups and POSITION_COLOUR.search(lowered):
            out.same.add("colour")  # "the 2nd watch colour but in sunglasses": that one's colour kept
            out.groups.discard("colour")

    def _shades_as_nouns(self, lowered: str, out: Reading) -> None:
        """A shade word that is also a thing ("coffee", "wine") said after a catalogue colour and
        away from any product or colour word is the thing, not a second colour ("white shirts for a
        guy who spills coffee a lot": white)."""
        names = self.colour_names
        if not names:
            return
        said = [t for t in out.terms if t.kind == "concept" and t.need is None and not t.exclude
                and isinstance(t.start, int) and t.values and all(self.resolver.tree[c].group == "colour" for c in t.values)]
        named = [t for t in said if lexicon_key(t.text) in names]
        others = [t for t in out.terms if t not in said and isinstance(t.start, int) and t.stop is not None]
        for term in [t for t in said if lexicon_key(t.text) not in names and named and t.start > named[0].start]:
            near = [o for o in others + named if o is not term and (0 <= term.start - o.stop <= 2 or 0 <= o.start - term.stop <= 2)]
            if not near and not re.match(r"\s*(?:colou?r|shade|tone|coloured|colored)\b", lowered[term.stop:]):
                out.terms.remove(term)

    def _colours_owned(self, lowered: str, out: Reading) -> None:
        """A colour said in the plural after "my" ("the laundry ruins my whites", "his blacks have
        faded") is clothes the shopper has, not a request."""
        owners = {"my", "our", *self.lexicon.possessives}
        tree = self.resolver.tree
        for term in [t for t in out.terms if t.kind == "concept" and t.need is None and isinstance(t.start, int)]:
            plural = term.text.lower().endswith("s") and term.text.lower()[:-1] in {
                self.resolver.display(c).lower() for c in term.values}
            before = re.findall(r"[a-z']+", lowered[:term.start])[-1:]
            if plural and before and before[0] in owners and all(tree[c].group == "colour" for c in term.values):
                out.terms.remove(term)

    def _child_of_age(self, lowered: str, out: Reading) -> None:
        """An age that says a child, with no word for who it is: the children's genders."""
        age = _age(lowered)
        if age is None or not self.lexicon.ages or age > self.lexicon.ages.get("child_until", 13):
            return
        kids = [r.concepts[0] for r in map(self.resolver.lookup, self.lexicon.ages.get("children", [])) if r]
        if kids:
            out.terms.append(Term(f"{age} years old", "concept", kids))

    def _of_age(self, genders: list[str], keep: set[str]) -> list[str]:
        """The genders of the other age group that stand beside these (``ages``: a nephew of 8 is a
        boy, a niece of 25 a woman), by place in the adults' and children's lists."""
        pairs = {**self.lexicon.child_of, **self.lexicon.grown_of}
        found = [self.resolver.lookup(pairs[n]) for n in map(self.resolver.display, genders) if n in pairs]
        return [r.concepts[0] for r in found if r and self.resolver.display(r.concepts[0]) in keep]

    def _grown_self(self, lowered: str, wearers: list[Term]) -> None:
        """A shopper calling themself a girl or a boy ("i'm a girl", "for myself, a girl"), or someone
        described as one ("she's an accessories girl"), is a grown-up chatting, not a child: the adult
        gender (``ages``: ``self``; an age said still decides)."""
        grown = self.lexicon.grown_of
        for term in wearers:
            names = [self.resolver.display(c) for c in term.values]
            if not isinstance(term.start, int) or not names or not all(n in grown for n in names):
                continue
            adults = [self.resolver.lookup(grown[n]) for n in names]
            described = re.search(r"\b(?:she|he|i|im)(?:'s|'m|\s+is|\s+am)?\s+(?:a|an)\s+(?:[a-z]+\s+)?$", lowered[:term.start])
            if (self._of_self(lowered, term) or described) and all(adults):  # "she's an accessories girl"
                term.values = [a.concepts[0] for a in adults]

    def _of_self(self, lowered: str, term: Term) -> bool:
        """Whether a wearer's word is the shopper saying who they are ("i'm a woman", "am a boy"),
        by the ``self`` cues of ``ages`` before it or opening it."""
        if not isinstance(term.start, int):
            return False
        cues = self.lexicon.self_cues
        before = re.findall(r"[a-z']+", lowered[:term.start])[-3:]
        own = re.findall(r"[a-z']+", term.text.lower())[:-1]
        return any(" ".join(before[i:]) in cues for i in range(len(before))) \
            or any(" ".join(own[:i]) in cues for i in range(1, len(own) + 1))

    def _is_setting(self, term: Term) -> bool:
        """Whether a term only says where or for what it is worn ("office": Formal)."""
        tree = self.resolver.tree
        return term.kind == "concept" and bool(term.values) \
            and all(c in tree.nodes and tree[c].group == "usage" for c in term.values)

    def _is_wearer(self, term: Term) -> bool:
        """Whether a term only says who it is for ("my daughter")."""
        tree = self.resolver.tree
        return bool(term.values) and all(c in tree.nodes and tree[c].group == "gender" for c in term.values)

    def _after_place_cue(self, lowered: str, start: int) -> bool:
        """Whether a word follows "on the"/"in the" ... (``place_cues``): a place, not a shade."""
        before = " ".join(re.findall(r"[a-z']+", lowered[:start])[-2:])
        return before in self.lexicon.place_cues

    def _advising(self, lowered: str, term: Term, others: bool) -> bool:
        """Whether a wearer word gives advice to the shopper (``advice_words`` right after it, then
        "i", "me" or "my" in its clause: "my wife insists i need one"; or nothing more when another
        wearer is said: "purple shirts for men, my wife insists")."""
        if term.stop is None or not self.lexicon.advice_words:
            return False
        after = " ".join(re.findall(r"[a-z']+", _next_clause(lowered[term.stop:])))
        said = next((w for w in self.lexicon.advice_words if f"{after} ".startswith(f"{w} ")), None)
        return said is not None and ((others and not after[len(said):].strip()) or bool(re.search(
            r"\b(?:i|me|my|i'm|im|i'd|i'll|myself|mujhe|mera|meri)\b", after[len(said):])))

    def _in_company(self, lowered: str, start: int) -> bool:
        """Whether a wearer word follows "with" ("with the wife", "with my kids"), in its own clause
        ("let's get this over with. men's trousers": no company)."""
        words = re.findall(r"[a-z']+", re.split(r"[.;!?,]", lowered[:start])[-1])[-3:]
        while words and words[-1] in self.lexicon.photo_determiners:
            words.pop()
        return bool(words) and words[-1] in self.lexicon.company_words


POSITION_BEFORE = re.compile(  # text ending in a shown product's position: "the 2nd ", "number 3 ", "#4 "
    r"(?:\b(?:\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last)"
    r"|(?:\b(?:no|number|num|item|option)\.?\s*|#\s*)\d{1,2})\s+$")


POSITION_COLOUR = re.compile(  # a shown product's colour: "the 2nd watch colour", "number 3's color"
    r"\b(?:\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|last|(?:no|number|#)\.?\s*\d{1,2})"
    r"(?:'s)?\s+(?:[a-z]+(?:'s)?\s+)?colou?r\b")


SUFFERED_LEAD_INS = re.compile(r"(?:\s+(?:my|these|those|the|this|that|his|her|a|an|high|pointy|tight|old|current|usual))+$")  # "in my heels", "for my old bag"
# A clause right after a product that says what is wrong with it ("tops that cling", "shoes which
# pinch"): what the shopper is tired of is that kind of the product, not the product.
FAULT_CLAUSE = re.compile(r"\s+(?:that|which)\s+(?!'s\b|is\b|are\b|i\b|we\b|you\b|go\b|goes\b|match)[a-z]")


def _clause(before: str) -> str:
    """The last clause of a text: what follows its last comma, full stop, colon or question mark."""
    return re.split(r"[,.;:!?]", before)[-1]


def _next_clause(after: str) -> str:
    """The first clause of a text: what comes before its first comma, full stop, colon or question mark."""
    return re.split(r"[,.;:!?]", after, maxsplit=1)[0]


WEARER_WORDS = r"(?:boy|girl|man|woman|son|daughter|kid|child|nephew|niece|grandson|granddaughter|brother|sister|cousin|he|she|who)"
GROWN_WEARERS = r"(?:dad|father|papa|mom|mum|mother|husband|wife|grandpa|grandma|grandfather|grandmother|uncle|aunt|aunty|boss|boyfriend|girlfriend|fiance|fiancee)"
AGE_PATTERN = re.compile(r"\b(\d{1,2})\s*-?\s*(?:years?|yrs?|yr)\s*-?\s*old\b|\b(\d{1,2})\s*(?:yo|y/o|saal (?:ka|ki|ke)|sal (?:ka|ki|ke))\b"
                         r"|\b(?:boy|girl|man|woman|son|daughter|kid|guy|lady|gal|dude) of (\d{1,2})\b"
                         rf"|\b{WEARER_WORDS}(?:'s| is| turns| turned| just turned| aged| age|'s turning| is turning| turning) (\d{{1,2}})\b(?!\s*(?:am|pm|k|%|foot|feet|ft|inch|inches|in|cm|kg|kgs|lbs?|stone|st|size|uk|us|eu|o'clock)\b)(?!\s*%)"
                         r"|\b(?:i'm|i am|im|iam) (\d{2})\b(?!\s*(?:am|pm|k|%|foot|feet|ft|inch|inches|in|cm|kg|kgs|lbs?|stone|st|size|uk|us|eu|waist|chest|bust|hips?|inseam|rs|inr|rupees|bucks|o'clock)\b)(?!\s*['\"%+])"
                         rf"|\b{GROWN_WEARERS}(?:'s| is| turns| turned| just turned|'s turning| is turning| turning) ([2-9]\d)\b(?!\s*(?:k|%|inch|inches|in|cm|kg|kgs|lbs?|waist|chest|bust|hips?|size|rs|inr|rupees|bucks)\b)(?!\s*%)"  # "my dad is turning 65"
                         r"|\b(\d{1,2})(?:st|nd|rd|th) (?:birthday|bday|b'day)\b"  # "her 5th birthday party"
                         r"|\b(teen(?:age|ager)?)\b|\bin (?:my|her|his|their|our) (\d)0s\b")
TEEN = re.compile(r"\bteen(?:age|ager|agers|s)?\b")  # an age said vaguely, that a college or a job makes grown
SCHOOL_YEAR = re.compile(r"\b(?:year|grade|class|std)\s*(\d{1,2})\b")  # "starts year 3": about 8 years old


NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
DECADE_WORDS = {"twenties": "20s", "thirties": "30s", "forties": "40s", "fifties": "50s", "sixties": "60s"}
_NUMBER_WORD = re.compile(rf"\b({'|'.join([*NUMBER_WORDS, *DECADE_WORDS])})\b")
TENS_WORDS = {w: i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
_TENS_WORD = re.compile(rf"\b({'|'.join(TENS_WORDS)})(?:[\s-]+({'|'.join(list(NUMBER_WORDS)[1:10])}))?\b")


def _tens(match: re.Match) -> str:
    """A number said in words from twenty on ("twenty two", "thirty-five") as digits."""
    return str(TENS_WORDS[match.group(1)] * 10 + (int(NUMBER_WORDS[match.group(2)]) if match.group(2) else 0))


def _age(lowered: str) -> int | None:
    """The age a turn states ("my 8 year old niece", "a boy of 20", "she's 12", "my son is 9", "my
    teenage son", "she's turning ten", "a twenty two year old", "in my twenties", "her 5th birthday"), or a school year gives ("my daughter
    starts year 3"), else None."""
    lowered = _TENS_WORD.sub(_tens, lowered)  # "a twenty two year old guy"
    lowered = _NUMBER_WORD.sub(lambda m: NUMBER_WORDS.get(m.group(1)) or DECADE_WORDS[m.group(1)], lowered)
    match = AGE_PATTERN.search(lowered)
    if not match:
        school = SCHOOL_YEAR.search(lowered)
        return int(school.group(1)) + 5 if school and 0 < int(school.group(1)) <= 12 else None
    said = next(g for g in match.groups() if g)
    if match.lastindex == len(match.groups()):  # "in my 20s": the middle of the decade
        return int(said) * 10 + 5
    return 15 if said.startswith("teen") else int(said)


LEAD_INS = {"a", "an", "the", "my", "his", "her", "their", "our", "some", "these", "those", "this", "that"}



def colours_only(tree, ids) -> bool:
    """Whether concept ids name colours only (and at least one)."""
    return bool(ids) and all(c in tree.nodes and tree[c].group == "colour" for c in ids)

