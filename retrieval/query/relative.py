"""Relative edits along ordered groups ("darker", "a bit less formal", "shorter", "looser").

A move starts from the reference product's value ("like the 3rd but darker"), else the most
common value among the products shown, else the value the query already asks for, and goes
one step or more along an order: colour lightness and chroma from CIELAB
(``colours.ColourSpace``), the others from ``data/orders.yaml`` (``lexicon.Lexicon.orders``).
Only values the category being searched has (with products) are stepped on, so "longer" on
dresses skips the sleeve lengths dresses never have; a category that sits on one value of the
order (formal shoes) moves along its parent's (shoes), and the editor then takes the sibling
type that has the new value (``edits.QueryEditor._sibling_type``). The result is the new value(s)
of the group, and a note naming the direction ("darker than Navy Blue: Black").
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .lexicon import Lexicon
from .state import merge_same_values

MAX_STAND_IN = 2  # ranks a stand-in may lie from the missing value (long sleeves: three-quarter or short, never sleeveless)


@dataclass
class Move:
    """A relative edit resolved: the concept ids to set ("any of") and the note for the reply."""

    concepts: list[str]
    note: dict


class RelativeEdits:
    """Resolves relative words against a state, over the tree's resolver and the catalogue."""

    def __init__(self, lexicon: Lexicon, resolver, catalogue):
        self.lexicon, self.resolver, self.catalogue = lexicon, resolver, catalogue

    def resolve(self, move: dict, include: list[str], shown: list[int], reference: int | None) -> Move | None:
        """The concepts one move sets, or None when nothing lies that way (a note says so)."""
        order = move["order"]
        if order in ("lightness", "chroma"):
            return self._colour(move, include, shown, reference)
        category = self.resolver.category_of(include)
        ranks = self._ranks(order, category)
        if len([r for r in ranks if r]) < 2 and move.get("fallback"):
            order, ranks = move["fallback"], self._ranks(move["fallback"], category)
        narrow = None
        if len([r for r in ranks if r]) < 2 and category is not None:
            narrow, category = category, self.resolver.tree[category].parent  # formal shoes: the shoes' order
            ranks = self._ranks(order, category if category and self.resolver.is_category(category) else None)
        if len([r for r in ranks if r]) < 2:
            return None
        ids = [c for rank in ranks for c in rank]
        current = self.current(ids, include, shown, reference)
        if current is None:
            return None
        at = next(i for i, rank in enumerate(ranks) if current in rank)
        # a rank the rest of the request lacks is passed over ("shorter" than men's long-sleeved
        # shirts: short sleeves when no men's shirt has three-quarter ones)
        moving = set(ids)
        others = merge_same_values(self.resolver.tree, [c for c in include if c not in moving and c != narrow]
                                   + ([category] if narrow and category else []))  # as the ranker counts
        tree = self.resolver.tree
        core = [o for o in others if all(tree[c].kind == "category" or tree[c].group == "gender" for c in o)]
        for within in (others, core):  # all the request, else its product and wearer ("shorter" than men's
            stocked = [rank if i == at else [c for c in rank if self.catalogue.count_all([*within, [c]])]
                       for i, rank in enumerate(ranks)]  # long-sleeved winter shirts: their short sleeves)
            if any(rank for i, rank in enumerate(stocked) if (i - at) * move["direction"] > 0):
                ranks = stocked  # else the category's own ranks: the reply's dead end says what is missing
                break
        step = move["direction"]
        target, moved, reached = at, 0, at
        while 0 <= target + step < len(ranks) and moved < move["steps"]:
            target += step
            if ranks[target]:
                moved, reached = moved + 1, target
        target = reached  # "a lot less formal" than formal shirts: casual, the furthest rank they have
        if target == at:
            return Move([], {"kind": "relative", "said": move["said"], "from": self.resolver.display(current),
                             "to": [], "text": f"nothing {move['said']} than {self.resolver.display(current)} here"})
        names = list(dict.fromkeys(self.resolver.display(c) for c in ranks[target]))
        return Move(ranks[target], {"kind": "relative", "said": move["said"], "from": self.resolver.display(current),
                                    "to": names, "text": f"{move['said']} than {self.resolver.display(current)}: "
                                                         f"{', '.join(names)}"})

    def nearest(self, cid: str, include: list[str]) -> list[list[str]]:
        """The values of ``cid``'s ordered group near it under the query's category, nearest first
        and at most ``MAX_STAND_IN`` ranks away ("Long Sleeves": Three-Quarter, then Short
        Sleeves); the catalogue colours nearest in CIELAB for a colour; [] outside any order."""
        node = self.resolver.tree[cid]
        category = self.resolver.category_of(include)
        colours = self.lexicon.colours
        if node.group == "colour" and colours is not None and self.resolver.display(cid) in colours.catalogue:
            wanted = [self.resolver.display(c) for c in include if self.resolver.tree[c].group == "colour"]
            near = [n for n in colours.stand_ins(self.resolver.display(cid)) if n not in wanted]
            ids = [self.resolver.lookup(n).concepts for n in near if self.resolver.lookup(n)]
            return [i for i in ids if self.catalogue.count_with(category, i[0])]
        for name, (group, ranks) in self.lexicon.orders.items():
            names = [n.lower() for rank in ranks for n in rank]
            if group != node.group or self.resolver.display(cid).lower() not in names or name not in self.lexicon.stand_ins:
                continue
            at = next(i for i, rank in enumerate(ranks) if self.resolver.display(cid).lower() in map(str.lower, rank))
            scoped = self._ranks(name, category)
            by_distance = sorted((i for i in range(len(ranks)) if i != at and scoped[i] and abs(i - at) <= MAX_STAND_IN),
                                 key=lambda i: (abs(i - at), -i))
            return [scoped[i] for i in by_distance]
        return []

    def _ranks(self, order: str, category: str | None) -> list[list[str]]:
        """The order's values as concept ids under the category, rank by rank ([] for a rank the
        category lacks)."""
        group, ranks = self.lexicon.orders.get(order, ("", []))
        out = []
        for names in ranks:
            ids = []
            for name in names:
                reading = self.resolver.lookup(name, category)
                ids += [c for c in (reading.concepts if reading else []) if self.resolver.tree[c].group == group
                        and (category is None or self.resolver.fits(c, category))]
            out.append([c for c in sorted(set(ids)) if self.catalogue.count_with(category, c)])  # with products
        return out

    def current(self, ids: list[str], include: list[str], shown: list[int], reference: int | None) -> str | None:
        """The value among ``ids`` a turn starts from: the reference's, else the commonest among the
        products shown (of values shown equally often, the one the query asks for: black heels
        shown beside cheaper orange ones are still black), else the one the query asks for."""
        if reference is not None:
            met = self.catalogue.item_meets(reference, ids)
            if met:
                return met[0]
        asked = [c for c in include if c in ids]
        counts = Counter(c for pid in shown for c in self.catalogue.item_meets(pid, ids))
        if counts:
            most = max(counts.values())
            return next((c for c in asked if counts.get(c) == most), counts.most_common(1)[0][0])
        return asked[0] if asked else None

    def _colour(self, move: dict, include: list[str], shown: list[int], reference: int | None) -> Move | None:
        colours = self.lexicon.colours
        if colours is None:
            return None
        ids = [c for c in self.resolver.tree.nodes if self.resolver.tree[c].group == "colour"
               and self.resolver.tree[c].kind == "value" and self.resolver.display(c) in colours.catalogue]
        current = self.current(ids, include, shown, reference)
        if current is None:
            return None
        name = self.resolver.display(current)
        category = self.resolver.category_of(include)

        def stocked(colour: str) -> bool:  # a colour the category has products in
            reading = self.resolver.lookup(colour)
            return bool(reading) and self.catalogue.count_with(category, reading.concepts[0]) > 0

        targets = colours.moved(name, move["order"], move["direction"], move["steps"], stocked)
        concepts = [c for t in targets for c in (self.resolver.lookup(t).concepts if self.resolver.lookup(t) else [])]
        return Move(concepts, {"kind": "relative", "said": move["said"], "from": name, "to": targets,
                               "text": f"{move['said']} than {name}: {', '.join(targets)}" if targets
                               else f"nothing {move['said']} than {name} here"})
