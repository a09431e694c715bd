"""What the shopper already has, said with a need ("my leather shoes keep getting soaked"): the
product in hand is what the need is about, unless the need's qualities belong to it ("my tummy
shows in fitted tops": tops, not fitted), and what it is said to be goes with it ("my shoes are
sports ones only"). A mixin of ``understand.TurnReader``, which owns the lexicon and the resolver.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable

from .lexicon import says_any
from .reading import Reading, Term
from .situation import _clause, _next_clause, colours_only

if TYPE_CHECKING:
    from .concepts import ConceptResolver
    from .lexicon import Lexicon


OBJECT_DETERMINERS = {"some", "a", "an", "few", "any", "something"}  # after "her", "him": to whom ("get him a watch")


class InHandReading:
    """The in-hand steps of the turn reader (see the module docstring); the reader supplies
    ``lexicon``, ``resolver``, ``_restated``, ``_is_wearer`` and ``_blank``."""

    lexicon: Lexicon
    resolver: ConceptResolver
    _restated: Callable[[Term], Term]
    _is_wearer: Callable[[Term], bool]
    _blank: Callable[[str, int, int], str]
    _fit_complained: Callable[[str, int], bool]  # the polarity steps': "too tight", "look baggy on me"

    def _in_hand(self, lowered: str, out: Reading) -> None:
        """A product the shopper has, said with a need that names other products ("my leather
        shoes keep getting soaked": sandals, not shoes; "trousers are falling down": a belt) is
        what the need is about when the need names another thing of its kind (footwear for shoes):
        it and the words before it are left out, and the need keeps the products of that kind.
        A product no need offers a rival for is still wanted ("board meeting, my tie collection is
        sad": ties) unless a need says where the thing is worn ("my plain saree ... for my ears":
        earrings), and a body part is no product ("my lips are dry")."""
        needs = [t for t in out.terms if t.need is not None and not t.exclude]
        is_cat = self.resolver.is_category
        fitted = self._fitted_by_need(lowered, out, needs)
        wanted = {c for t in needs for c in [*t.values, *t.defaults] if is_cat(c)}
        if not wanted or not (self.lexicon.in_hand_before or self.lexicon.in_hand_links):
            return
        tree = self.resolver.tree
        paths = {c: {n.id for n in tree.path(c)} for c in wanted}
        for term in [t for t in out.terms if t.need is None and not t.exclude and t.kind == "concept" and t.values
                     and isinstance(t.start, int) and all(is_cat(c) for c in t.values) and t not in fitted]:
            before = self._said_before(lowered, term, out)
            said = re.findall(r"[a-z']+", _clause(before))[-5:]  # not "keep" of "i keep running out of socks"
            carried = any(w in self.lexicon.contents_cues and not (said[i + 1:i + 2] and said[i + 1].endswith("ing"))
                          for i, w in enumerate(said)) or self._listed_after_cue(before)
            if carried:  # "something small to carry my phone and lipstick": what is carried, not asked for
                out.terms.remove(term)
                continue
            own = {c: {n.id for n in tree.path(c)} for c in term.values}
            owner = self._owner_before(lowered, term.start)
            if any(c in paths[w] or w in own[c] for c in term.values for w in wanted):
                if owner is not None:
                    self._said_of(lowered, term, out)  # "my shoes are sports ones": what they have
                continue  # the need asks for its kind too ("my belt snapped"): it is wanted
            end = term.stop
            after = re.findall(r"[a-z']+", lowered[end:min((t.start for t in needs if isinstance(t.start, int)
                                                              and t.start >= end), default=end)])
            linked = any(isinstance(t.start, int) and t.start >= end for t in needs) \
                and all(w in self.lexicon.in_hand_links for w in after) and 0 < len(after) <= 3
            if owner is None and not linked:
                continue
            if self._fit_complained(lowered, term.stop):
                continue  # "finds her nightwear too tight now": the same product, in a looser fit
            if says_any(_next_clause(lowered[term.stop:]), self.lexicon.worn_out) and not any(
                    is_cat(c) for t in needs if not t.need.gives_way for c in t.values):
                continue  # "formal dinner tonight and his belt just cracked": a new belt, the need its reason
                # (and a setting's: "travels every week and his wallet is falling apart")
            kinds = {n for c in term.values for n in own[c] if tree[n].level == 1}
            placed = any(t.need.place for t in needs if any(is_cat(c) for c in [*t.values, *t.defaults]))
            if self._names_body_part(lowered, term):  # "my skin gets tanned, what can protect it": the body the
                level = max(tree[c].level for c in term.values)  # need's sunscreen is for, not Skin products
                if owner is not None and re.search(r"\bfor\s*$", lowered[:owner]):
                    continue  # "a little something for my lips": what it is for, asked
                if owner is not None and all(tree[w].level > level for w in wanted):
                    out.terms.remove(term)  # ("my lips are dry": the lips narrow the dry skin's care)
                continue
            if not (placed or any(kinds & paths[w] for w in wanted)):
                continue  # no other thing of its kind is needed ("my tie collection is sad")
            start = owner if owner is not None else term.start
            out.terms = [t for t in out.terms if t is term or t.need is not None or not isinstance(t.start, int)
                         or not start <= t.start < term.start  # "my leather shoes": the leather goes too,
                         or self._is_wearer(t)]  # not the wearer ("my daughter wears kurtas")
            self._said_of(lowered, term, out)
            out.terms.remove(term)
            for need in [n for n in needs if not n.need.holds]:  # a belt for the trousers: not narrowed to them
                near = [c for c in need.values if not is_cat(c) or kinds & paths.get(c, set())]
                if any(is_cat(c) for c in near) or any(kinds & paths.get(c, set()) for c in need.defaults):
                    need.values = near
                    need.defaults = [c for c in need.defaults if not is_cat(c) or kinds & paths.get(c, set())]
                    self._restated(need)

    def _names_body_part(self, lowered: str, term: Term) -> bool:
        """Whether a term's words end in a part of the body (``body_parts``: "my lips", "for my feet")."""
        said = lowered[term.start:term.stop].split()
        return bool(said) and said[-1] in self.lexicon.body_parts

    def _listed_after_cue(self, before: str) -> bool:
        """Whether a product ends a list the cue of carrying began ("carry water, snacks and a
        jacket"): what is carried, as one said right after the cue."""
        sentence = re.split(r"[.!?;]", before)[-1]
        words = re.findall(r"[a-z']+", sentence)[-8:]
        at = max((i for i, w in enumerate(words) if w in self.lexicon.contents_cues), default=None)
        return at is not None and "," in sentence and "and" in words[at + 1:]

    def _owned_beside_another(self, lowered: str, out: Reading) -> None:
        """A product said right after whose it is ("my sandals broke"), beside another product
        named as asked for ("need flip flops") or a complaint of the body naming others ("i sweat a lot
        and my shirts smell": deodorant), or beside a shown product or photo the turn asks
        like ("a brown one just like it for my brown shoes"), is the reason for the request, not
        the request: it and its describing words are left out, and so is one said beside a shown product
        picked by its place ("number 2 in brown, so it matches his belt"). Beside needs only ("trekking, my
        sneakers won't survive") it still says the kind wanted."""
        tree, is_cat = self.resolver.tree, self.resolver.is_category
        products = [t for t in out.terms if t.kind == "concept" and not t.exclude and t.values
                    and isinstance(t.start, int) and any(is_cat(c) for c in [*t.values, *t.defaults])]
        owned = {id(t): self._owned_at(lowered, t, out) for t in products if t.need is None}
        for term in [t for t in products if owned.get(id(t)) is not None
                     and not self._names_body_part(lowered, t)]:  # "something for my lips": where it goes, asked
            own = {n.id for c in term.values for n in tree.path(c)}
            others = [t for t in products if t is not term and (t.need is None or t.need.ails)
                      and owned.get(id(t)) is None
                      and not any(c in own or any(a.id in term.values for a in tree.path(c))
                                  for c in [*t.values, *t.defaults] if is_cat(c))]  # (a complaint's own: "i sweat
            # a lot and my shirts smell": deodorant, not shirts)
            shown = (out.about_item or out.photo) and re.search(r"\bfor\s*$", lowered[:owned[id(term)]]) \
                or out.ordinal is not None  # "number 1 but in brown, my shoes are all brown": it goes with them
            if (others or shown) and term in out.terms:  # "a brown one like it for my brown shoes": for the shoes
                out.terms = [t for t in out.terms if t is term or not isinstance(t.start, int) or t.need is not None
                             or not owned[id(term)] <= t.start < term.start or self._is_wearer(t)]
                out.terms.remove(term)

    def _owned_at(self, lowered: str, term: Term, out: Reading) -> int | None:
        """Where the owner word right before a product starts ("my old black sandals": the words of
        other names between them skipped), if one does."""
        words = list(re.finditer(r"[a-z']+", self._said_before(lowered, term, out)))
        while words and self._describing(words[-1].group()):  # "my brown shoes", "my lovely blazer"
            words.pop()
        words = words[-2:]
        for i in range(len(words)):
            if " ".join(w.group() for w in words[i:]) in self.lexicon.in_hand_owners:
                return words[i].start()
        return None

    def _describing(self, word: str) -> bool:
        """A plain describing word or a colour name, which may stand between an owner and its product."""
        if word in self.lexicon.describing_words:
            return True
        reading = self.resolver.lookup(word)
        return reading is not None and colours_only(self.resolver.tree, reading.concepts)

    def _said_before(self, lowered: str, term: Term, out: Reading) -> str:
        """The text before a product with the words of the other names in it blanked (not the
        "fit" of "slim fit", not the "black" of "my black sandals")."""
        before = lowered[:term.start]
        for t in out.terms:
            if t is not term and t.need is None and isinstance(t.start, int) and t.stop is not None \
                    and t.start < term.start:
                before = self._blank(before, t.start, min(t.stop, term.start))
        return before

    def _fitted_by_need(self, lowered: str, out: Reading, needs: list[Term]) -> list[Term]:
        """Products a need's qualities apply to ("my tummy shows in fitted tops": tops of a looser
        fit; "thick thighs, skinny jeans never work on me": jeans, not skinny). The complaint is
        about the product's quality, not the product: it stays wanted, and the qualities said with
        it in the need's groups are excluded in its place."""
        tree, is_cat = self.resolver.tree, self.resolver.is_category
        qualities = [c for t in needs for c in t.values if not is_cat(c) and c in tree.nodes]
        owners = {c: tree.owner_category(c) for c in qualities}  # the loose fit's: sub.bottomwear
        kept = []
        for term in [t for t in out.terms if t.need is None and t.kind == "concept" and t.values
                     and isinstance(t.start, int) and all(is_cat(c) for c in t.values)]:
            kinds = {n.id for c in term.values for n in tree.path(c)}
            groups = {tree[c].group for c, owner in owners.items() if owner is not None and owner.id in kinds}
            if not groups:
                continue
            clause_start = term.start - len(_clause(lowered[:term.start]))
            said = [t for t in out.terms if t.need is None and t.kind == "concept" and isinstance(t.start, int)
                    and clause_start <= t.start < term.start and not set(t.values) & set(qualities)  # "slim fit, body hugging"
                    and any(c in tree.nodes and not is_cat(c) and tree[c].group in groups for c in t.values)]
            if term.exclude and not any(t.stop == term.start - 1 for t in said):
                continue  # "no jeans": the product itself is not wanted
            term.exclude = False
            for t in said:
                t.exclude = True
            kept.append(term)
        return kept

    def _said_of(self, lowered: str, term: Term, out: Reading) -> None:
        """The qualities said of a product in hand after it ("my shoes are sports ones only"): they
        describe what the shopper has, and go with it."""
        end = term.stop
        for later in sorted((t for t in out.terms if t.need is None and isinstance(t.start, int) and t.start >= end),
                            key=lambda t: t.start):
            between = re.findall(r"[a-z']+", lowered[end:later.start])
            if re.search(r"[,.;:!?]", lowered[end:later.start]) or not between \
                    or any(w not in self.lexicon.in_hand_links for w in between) \
                    or any(self.resolver.is_category(c) for c in later.values):
                return
            out.terms.remove(later)
            end = later.stop

    def _owner_before(self, lowered: str, start: int) -> int | None:
        """Where "my"/"this"/"my old" stands within the three words before a product, if it does
        ("show her some handbags": "her" is who they are shown to, not whose they are), and not
        after a dress code ("we're all wearing sarees": wanted)."""
        if says_any(" ".join(re.findall(r"[a-z']+", _clause(lowered[:start]))[-5:]), self.lexicon.dress_codes):
            return None
        words = list(re.finditer(r"[a-z']+", lowered[:start]))[-3:]
        for i in range(len(words)):
            for j in range(len(words), i, -1):
                said = " ".join(w.group() for w in words[i:j])
                between = [w.group() for w in words[j:]]
                if said in self.lexicon.in_hand_before and all(w not in self.lexicon.in_hand_links for w in between) \
                        and not set(between) & set(self.lexicon.request_cues) \
                        and not set(between[:1]) & OBJECT_DETERMINERS \
                        and not set(between[:1]) & self.lexicon.in_hand_wished \
                        and not says_any(" ".join(between), self.lexicon.in_hand_tastes):  # "my husband needs smart shoes", "in a saree", "my wife loves makeup"
                    return words[i].start()
        return None

    def _paired_with_had(self, lowered: str, out: Reading, named: list[Term]) -> None:
        """A product the shopper has, named before words that ask for what goes with it
        (``pair_cues`` and a pronoun: "bought a white kurta, need something to wear under it";
        "matching": "my white kurta needs a matching bottom") is had, not asked: it and its
        describing words are left out, and what is wanted is what goes with it, of the kind asked
        when one is said ("footwear that goes with them"): what is worn under it (``worn_under``)
        for "under", below it for "below" (``worn_below``, else what is worn under it), else the
        catalogue's styling advice (``pairs``), its most named partners."""
        lex, tree, is_cat = self.lexicon, self.resolver.tree, self.resolver.is_category
        cue = lex.pair_cue.search(lowered) if lex.pair_cue is not None else None
        if cue is None or not lex.pairs or any(  # "my white shirts show sweat patches, ... under them": the need's
                t.need is not None and not t.exclude and any(is_cat(c) for c in t.values) for t in out.terms):
            return
        products = [t for t in [*named, *(t for t in out.terms if t not in named and t.need is None and not t.exclude)]
                    if isinstance(t.start, int) and t.values and all(is_cat(c) for c in t.values)]
        had = next((t for t in products if t.start < cue.start() and t.values[0] in lex.pairs
                    and self._said_had_before(lowered, t)), None)
        if had is None:
            return
        kind = had.values[0]
        own = {n.id for n in tree.path(kind)}
        asked = [t for t in products if t is not had and not any(  # neither it nor a kind of it ("kurtas ... kurtis")
            c in own or kind in {n.id for n in tree.path(c)} for c in t.values)]
        scope = {c for t in asked for c in t.values}
        within = lambda c: not scope or any(a.id in scope for a in tree.path(c))  # noqa: E731
        said = set(cue.group(0).split())
        under = bool(said & lex.under_words)
        worn = lex.worn_below.get(kind) if said & lex.below_words and kind in lex.worn_below else lex.worn_under.get(kind, [])
        partners = [c for c in worn if within(c)] if under or scope else []
        if not partners:
            counted = [(c, n) for c, n in lex.pairs[kind] if within(c) and c not in own]
            top = max((n for _, n in counted), default=0)
            partners = [c for c, n in counted if n * 6 >= top][:6]
        if not partners:
            return
        describing = [t for t in out.terms if t.need is None and isinstance(t.start, int) and t.stop is not None
                      and t.stop <= had.start and t.values and not any(is_cat(c) for c in t.values)
                      and not re.search(r"[,.;!?]", lowered[t.stop:had.start])]  # "a plain white kurta"
        out.terms = [t for t in out.terms if t is not had and t not in describing and t not in asked]
        said = asked[0] if asked else had
        out.terms.append(Term(said.text, "concept", partners, start=said.start, end=said.end))

    def _said_had_before(self, lowered: str, term: Term) -> bool:
        """Whether the clause before a product says the shopper has or wears it (``had_cues``: "bought
        a", "i have a pile of"), not that they must get it ("i have to buy a kurta")."""
        clause = re.sub(r"\b(?:have|has|had|got)\s+to\b", " ", _clause(lowered[:term.start]))
        return bool(set(re.findall(r"[a-z']+", clause)) & self.lexicon.had_cues) or says_any(
            clause, [c for c in self.lexicon.had_cues if " " in c])
