"""One shopper's turn through the engine (``POST /query``): the state as the engine last returned
it plus this turn's edit in; the new state, the page, its explanations and any question out.

The bot's actions only translate: intent to ``op``, entities and text as said. Here the turn
is read (``understand.TurnReader``), applied (``edits.Editor``), searched and explained
(``results.ResultBuilder``); questions (an unknown word, a constraint that empties the
results) are kept in the state so that the shopper's answer ("yes", "the first one") is
another edit.
"""
from __future__ import annotations

from dataclasses import replace

from .assist import ASSIST_OPS, assist
from .edits import Outcome
from .lexicon import says_any
from .references import named_positions
from .state import QueryState, apply_edit
from .understand import Reading, Term


# Requests the limits of data/words.yaml name that the assistant's own ops serve: whatever intent
# the NLU gave them, they go to those ops once products are shown.
LIMITS_SERVED = {"compare": "compare", "outfit": "complete"}


def run_turn(engine, state: QueryState, edit: dict, page_size: int = 5) -> dict:
    """The engine's answer to one turn (see ``contract.QueryResponse`` for its fields)."""
    op = edit.get("op", "search")
    category = engine.resolver.category_of(state.include)
    said = _said(engine, edit, category) if op in ASSIST_OPS else None  # read once for the checks below
    if op == "compare" and _asks_for_more(engine, said, edit):
        op, edit = "refine", {**edit, "op": "refine"}
    if op in ("complete", "details") and _edits_an_item(engine, state, said, edit, outfit=op == "complete"):
        op, edit = "more_like", {**edit, "op": "more_like"}
    if op in ASSIST_OPS and not state.shown and said is not None \
            and any(t.kind in ("concept", "brand") and not t.exclude for t in said.terms):
        op, edit = "search", {**edit, "op": "search"}  # "sangeet is this saturday, help": nothing shown to ask about
    if op in ASSIST_OPS:
        return assist(engine, state, op, edit, page_size)
    outcome = _replayed(engine, state, op, edit, category)
    if outcome is None:
        reading = said or engine.reader.read(edit.get("text") or "", edit.get("entities") or [], category)
        reading.image_id = edit.get("image_id") or reading.image_id
        if edit.get("ordinal") is not None:
            reading.ordinal = edit["ordinal"]
        outcome = engine.editor.apply(state, op, reading, edit, page_size)
        limit = outcome.question or {}
        served = LIMITS_SERVED.get(limit.get("topic")) if limit.get("kind") == "cannot" else None
        if served and state.shown:  # "compare 1 and 2" read as a refinement: the editor's limit, served
            return assist(engine, state, served, edit, page_size)
        if op == "explain" and outcome.notes and outcome.notes[-1].get("kind") == "explain":
            return _explanation(engine, outcome, reading)
    moved = not state.is_empty() and _bounds(outcome.state) != _bounds(state)  # "cheaper please": a price move
    return _answer(engine, outcome, page_size, state.shown, state.pending, had=list(state.include) if moved else None,
                   before=list(state.include))


def _bounds(state: QueryState) -> tuple:
    return state.filters.price_min, state.filters.price_max


def _said(engine, edit: dict, category: str | None) -> Reading | None:
    """The turn's reading, or None for a button payload or no text (its entities are all it says)."""
    text = str(edit.get("text") or "")
    if not text or text.startswith("/"):
        return None
    return engine.reader.read(text, edit.get("entities") or [], category)


def _asks_for_more(engine, said: Reading | None, edit: dict) -> bool:
    """A turn read as a comparison that names at most one product, asks no "which", and moves
    the price or another order from it ("and cheaper than the first one", "and darker than the
    2nd"), or asks for another value of a group ("anything in a different colour?"): a search for
    those products."""
    text, entities = edit.get("text") or "", edit.get("entities") or []
    if said is None or engine.comparer.words.asks(text) or len(named_positions(text, entities)) > 1:
        return False
    return bool(said.relative) or said.moves_from_shown() or (bool(said.other) and said.ordinal is None)


def _edits_an_item(engine, state: QueryState, said: Reading | None, edit: dict, outfit: bool = True) -> bool:
    """A turn read as "what goes with #N" (``outfit``) or "tell me about #N" that says no such
    thing (no outfit words of data/words.yaml's limits) but names a change to the product or
    refers to it as a model ("the third pair in red", "the fourth one, in silver?", "5th pair is
    cool, what else is like it"): more like that product."""
    if said is None or not state.shown:
        return False
    limit = engine.reader.lexicon.limit(str(edit.get("text")).lower())
    if limit and limit[0] == "outfit":
        return False
    asks_similar = says_any(str(edit.get("text") or "").lower(), engine.reader.lexicon.similar_asks)
    return bool(said.concepts() or said.concepts(exclude=True) or said.price_words or said.relative
                or said.has_price() or said.same or said.other or (outfit and said.about_item) or asks_similar)


def _replayed(engine, state: QueryState, op: str, edit: dict, category) -> Outcome | None:
    """The answer to "which did you mean?": the interrupted turn again, with the choice in place
    of the unknown word. None when the turn answers no such question."""
    pending = state.pending or {}
    if pending.get("kind") != "unknown" or op not in ("answer", "affirm"):
        return None
    if op == "affirm":
        if len(pending.get("suggestions") or []) != 1:
            return None
        choice = engine.reader.term(pending["suggestions"][0], None, category)
    else:
        reading = engine.reader.read(edit.get("text") or "", edit.get("entities") or [], category)
        choice = next((t for t in reading.terms if t.kind != "unknown"), None)
        if choice is None:
            return Outcome(state, {"kind": "unknown", "term": pending.get("term"),
                                   "suggestions": pending.get("suggestions") or []}, search=False)
    turn = pending.get("turn") or {}
    reading = engine.reader.read(turn.get("text") or "", turn.get("entities") or [], category)
    reading.image_id = turn.get("image_id") or reading.image_id
    _substitute(reading, pending.get("term"), choice)
    return engine.editor.apply(state.edited(pending=None), pending.get("op") or "refine", reading, turn)


def _substitute(reading: Reading, term: str | None, choice: Term) -> None:
    """Replace the unknown term (by its words) with the chosen reading, keeping its polarity."""
    for i, old in enumerate(reading.terms):
        if old.kind == "unknown" and (term is None or old.text.lower() == str(term).lower()):
            reading.terms[i] = Term(old.text, choice.kind, list(choice.values), exclude=old.exclude, start=old.start)
            return
    reading.terms.append(choice)


MAX_STAND_INS = 3  # nearest values tried in turn for a missing one, kept while they fill a page


def _unimplied(engine, state: QueryState, page, page_size: int, notes: list[dict]):
    """When nothing meets every request and a quality only a need implied empties the list
    ("charcoal trousers for work": Formal), it gives way before anything said, with a note."""
    said = [c for c in state.include if c not in state.implied and engine.resolver.is_category(c)]
    narrower = lambda c: any(a.id in said for a in engine.tree.path(c) if a.id != c)  # noqa: E731
    implied = [b["concept"] for b in page.blocking if b.get("kind") == "include" and b.get("concept") in state.implied
               and (not engine.resolver.is_category(b["concept"]) or narrower(b["concept"]))]
    # the product a need names stays ("on my ears"), unless it only narrows the one said ("shoes" for sports day)
    if not implied:
        return state, page
    cid = implied[0]
    group = engine.tree[cid].group  # "engagement": Ethnic or Party, left out together
    gone = [c for c in state.implied if c in state.include and engine.tree[c].group == group] or [cid]
    return _left_out_if_found(engine, state, page, gone, page_size, notes)


def _priced_over_looks(engine, state: QueryState, page, page_size: int, notes: list[dict], had: list[str]):
    """When a price move ("cheaper", "something pricier") finds nothing, the product, the wearer
    and the occasion stay and the looks said before give way ("grey t-shirts ... darker ...
    cheaper": cheaper t-shirts for men in other colours), with a note; else as before (nothing
    cheaper at all: the nearest to the budget)."""
    tree = engine.tree
    looks = [c for c in state.include if c in had and not engine.resolver.is_category(c)
             and tree[c].group not in KEPT_GROUPS]  # not one said with the move ("a bit cheaper, and in black")
    if not looks:
        return state, page
    return _left_out_if_found(engine, state, page, looks, page_size, notes)


def _undetailed(engine, state: QueryState, page, page_size: int, notes: list[dict]):
    """When nothing meets every request and a detail without an order blocks ("snow white canvas
    sneakers": Canvas, a material), the detail gives way before the colour, the wearer or the
    product is moved to a nearest stand-in, with a note. Ordered details (sleeve length) have
    their nearest value instead (``_nearest``)."""
    tree = engine.tree
    if not any(tree[c].group == "colour" for c in state.include):
        return state, page  # "any fun printed ones then": the detail asked for stays, the cards say what they miss
    details = [b["concept"] for b in page.blocking if b.get("kind") == "include" and b.get("concept")
               and tree[b["concept"]].kind == "value" and tree[b["concept"]].group not in PROFILE_GROUPS
               and not engine.editor.relative.nearest(b["concept"], state.include)]
    if not details:
        return state, page
    gone = [c for c in state.include if tree[c].kind == "value" and tree[c].name == tree[details[0]].name]
    return _left_out_if_found(engine, state, page, gone, page_size, notes)


def _left_out_if_found(engine, state: QueryState, page, gone: list[str], page_size: int, notes: list[dict]):
    """The state without ``gone`` and its page, with the note, when that finds products; else as before."""
    trial_state, trial, note = _left_out(engine, state, gone, page_size)
    if not trial.total:
        return state, page
    notes.append(note)
    return trial_state, trial


def _left_out(engine, state: QueryState, gone: list[str], page_size: int):
    """(the state without ``gone``, its first page, the note saying they were left out)."""
    trial_state = apply_edit(state, "remove", gone, engine.tree)
    trial_state = trial_state.edited(implied=[c for c in state.implied if c in trial_state.include])
    name = " or ".join(engine.resolver.display(c) for c in gone)
    note = {"kind": "unimplied", "dropped": name, "text": f"none of them is also {name}, so I left {name} out"}
    return trial_state, engine.find(trial_state, page_size), note


def _unseasoned(engine, state: QueryState, page, page_size: int, notes: list[dict]):
    """When nothing meets every request and a season label is one of them ("lilac tops for a
    spring picnic", "a lighter colour for the summer"), the season gives way before anything
    else, with a note: the catalogue's season is the collection a product came in, not what it
    can be worn in. The other steps go on from there when that is not enough."""
    seasons = [c for c in state.include if engine.tree[c].group == WEAK_GROUP]
    if not seasons:
        return state, page
    trial_state, trial, note = _left_out(engine, state, seasons, page_size)
    notes.append(note)
    return trial_state, trial


def _unmet_usage(engine, state: QueryState, page, page_size: int, notes: list[dict], before: list[str]):
    """When nothing meets every request and no product of the kind asked, for the wearer asked,
    carries the occasion asked on an earlier turn ("watches for daily office use": no watch is
    labelled Formal; "earrings for an engagement party"), the occasion gives way to the newer
    request ("a bit cheaper", "in gold") before the colour, the price or the product, with a note.
    On the turn that asks for it, it stays (each card says it misses it)."""
    tree = engine.tree
    usages = [c for c in state.include if tree[c].group == "usage" and c in before]
    if not usages or not any(b.get("concept") in usages for b in page.blocking):
        return state, page
    kind = [c for c in state.include if engine.resolver.is_category(c) or tree[c].group == "gender"]
    if not any(engine.resolver.is_category(c) for c in kind) or engine.find(QueryState(include=kind + usages), 1).total:
        return state, page
    return _left_out_if_found(engine, state, page, usages, page_size, notes)


WEAK_GROUP = "season"  # the catalogue's season labels: a page short only for them goes on ("sweatshirts for winter")
PROFILE_GROUPS = {"colour", "gender", "usage", WEAK_GROUP}  # who a product is for and how it looks: no mere detail
KEPT_GROUPS = {"gender", "usage"}  # who a product is for and what for: kept over the looks when a price moves


def _filled(engine, state: QueryState, page, page_size: int, notes: list[dict]):
    """A first page of full matches that is short only because of a quality a need implied
    ("kurtas for women, daily wear": two casual kurtas) or a season ("sweatshirts for men for
    winter": one) goes on with the products that meet everything else, with a note; the state
    keeps the quality, which still ranks them."""
    loose = [c for c in state.include if not engine.resolver.is_category(c)
             and (c in state.implied or engine.tree[c].group == WEAK_GROUP)]  # a season label is a loose one
    if not loose:
        return page
    trial = engine.find(apply_edit(state, "remove", loose, engine.tree).edited(implied=[]), 2 * page_size)
    shown = {item["id"] for item in page.items}
    more = [item for item in trial.items if item["id"] not in shown][:page_size - len(page.items)]
    if not more:
        return page
    for rank, item in enumerate(more, start=len(page.items) + 1):
        item["rank"] = rank
    name = " or ".join(dict.fromkeys(engine.resolver.display(c) for c in loose))
    notes.append({"kind": "filled", "text": f"only {len(page.items)} of them {'is' if len(page.items) == 1 else 'are'} "
                                            f"also {name}; more beside them"})
    items = page.items + more
    return replace(page, items=items, has_more=page.has_more or trial.has_more,
                   summary=engine.results.summary(state, items))


def _nearest(engine, state: QueryState, page, page_size: int, notes: list[dict]):
    """When nothing meets every request: a blocking request of an ordered group (long sleeves)
    moved to the nearest value that has results (three-quarter sleeves), with a note."""
    for block in page.blocking:
        cid = block.get("concept")
        if not cid or block.get("kind") != "include":
            continue
        node = engine.tree[cid]
        if node.group != "colour" and any(engine.tree[c].group == node.group and engine.tree[c].name != node.name
                                          and engine.tree[c].kind == "value" for c in state.include):
            continue  # the shopper gave alternatives ("loose or regular fit"): no stand-in for them
        rivals = [c for c in state.include if engine.tree[c].group == node.group and engine.tree[c].kind == "value"]
        best, taken = None, []
        refused = set(state.exclude) | _moved_from(engine, notes)  # "ones that aren't silver", "lighter than
        # black": never the stand-in
        for candidate in [c for c in engine.editor.relative.nearest(cid, state.include)
                          if not refused & set(c)][:MAX_STAND_INS]:
            trial_state = apply_edit(apply_edit(state, "remove", rivals, engine.tree), "any", taken + candidate, engine.tree)
            trial = engine.find(trial_state, page_size)
            if trial.total:  # the nearest values, as many as fill a page (Olive, then Teal jackets)
                taken, best = taken + candidate, (trial_state, trial)
                if trial.total >= page_size or node.group != "colour":  # an ordered group: its nearest rank
                    break
        if best is not None:
            _nearest_first(best[1], taken)
            showing = " or ".join(dict.fromkeys(engine.resolver.display(c) for c in taken))
            notes.append({"kind": "nearest", "wanted": block["name"], "showing": showing,
                          "text": f"no {block['name']} here; the nearest: {showing}"})
            return best
    return state, page


def _moved_from(engine, notes: list[dict]) -> set[str]:
    """The values a relative move of the turn left ("lighter than Black": Black)."""
    found = [engine.resolver.lookup(n["from"]) for n in notes if n.get("kind") == "relative" and n.get("from")]
    return {c for reading in found if reading is not None for c in reading.concepts}


def _nearest_first(page, taken: list[str]) -> None:
    """A page of several stand-ins shows the nearest one's products first ("bordeaux": the red
    tops before the brown ones), each keeping its rank's number in the order shown."""
    if len(taken) < 2 or not page.items:
        return
    order = {cid: i for i, cid in enumerate(taken)}
    at = lambda item: min((order[m["concept"]] for m in item.get("matched", []) if m.get("concept") in order),  # noqa: E731
                          default=len(taken))
    ranks = [item["rank"] for item in page.items]
    page.items.sort(key=at)
    for item, rank in zip(page.items, ranks):
        item["rank"] = rank


def _answer(engine, outcome: Outcome, page_size: int, shown: list[int], previous: dict | None = None,
            had: list[str] | None = None, before: list[str] | None = None) -> dict:
    """The reply's fields for an outcome (``had``: what the query asked before a price move of this
    turn; ``before``: what it asked before this turn)."""
    state, question = outcome.state, outcome.question
    out = {"state": None, "query": engine.describe(state), "items": [], "total": None, "has_more": False,
           "summary": None, "question": question, "notes": outcome.notes, "reference": None}
    if outcome.search:
        page = engine.find(state, page_size)
        asked = state.include or state.exclude or not state.filters.is_empty()
        if page.total == 0 and asked:  # a season label, the loosest of the catalogue's, gives way first
            state, page = _unseasoned(engine, state, page, page_size, out["notes"])
        if page.total == 0 and asked and page.blocking:  # an occasion the product never has ("formal watches") next
            state, page = _unmet_usage(engine, state, page, page_size, out["notes"], before or [])
        if page.total == 0 and had is not None:  # a price move is the newest request: the looks said before give way
            state, page = _priced_over_looks(engine, state, page, page_size, out["notes"], had)
        if page.total == 0 and asked and page.blocking:  # what a need only implied gives way next
            state, page = _unimplied(engine, state, page, page_size, out["notes"])
        if page.total == 0 and asked and page.blocking:  # then a detail without an order (a material)
            state, page = _undetailed(engine, state, page, page_size, out["notes"])
        if page.total == 0 and asked and page.blocking:  # never a dead end: the closest products
            state, page = _nearest(engine, state, page, page_size, out["notes"])
        if 0 < page.total < page_size and not state.offset:  # never a page of one or two
            page = _filled(engine, state, page, page_size, out["notes"])
        if page.total == 0 and asked and page.blocking:  # ... each card saying what it misses
            top = page.blocking[0]
            target = {"concept": top["concept"]} if top.get("concept") else {"filter": top.get("filter")}
            asked_before = (previous or {}).get("kind") == "drop" and (previous or {}).get("target") == target
            state.pending = {"kind": "drop", "target": target, "name": top["name"]}
            if not asked_before and out["question"] is None:  # the same question never twice in a row
                out["question"] = {"kind": "blocking", "blocking": page.blocking[:3]}
        out.update(items=page.items, total=page.total, has_more=page.has_more, summary=page.summary)
        state.shown = [item["id"] for item in page.items] or list(shown)  # "the 2nd one" means what was seen
        if page.items:
            state.focus = None  # "it" names a product of the new page from now on
        if not page.items and out["question"] is None:
            out["question"] = {"kind": "no_more" if state.offset else "nothing_found"}
        if state.like is not None:
            out["reference"] = engine.item_brief(state.like)
    out["state"] = state.to_dict()
    out["query"] = engine.describe(state)
    return out


def _explanation(engine, outcome: Outcome, reading: Reading) -> dict:
    """"Why this one?" / "where is the collar?": the shown item explained under the current query,
    with the heatmap of the part the shopper named."""
    state, pid = outcome.state, outcome.notes[-1]["id"]
    item = engine.explain_item(state, pid)
    rank = next((state.offset + i + 1 for i, shown in enumerate(state.shown) if shown == pid), None)
    item["rank"] = rank
    words = [t.text for t in reading.terms] + reading.parts + [t.text for t in reading.leftovers]
    heatmap = unknown_part = None
    if words:
        concept = engine.part_concept(pid, words[0])
        if concept is None:
            unknown_part = words[0]
        else:
            heatmap = {"concept": concept, "name": engine.resolver.display(concept),
                       "url": engine.heatmap_url(pid, concept)}
    asked = {m["concept"] for m in item["matched"] + item["missed"]}
    sees = [c for c in item["top_concepts"] if c["concept"] not in asked]
    return {"state": state.to_dict(), "query": engine.describe(state), "items": [], "total": None, "has_more": False,
            "summary": None, "question": None, "notes": outcome.notes[:-1], "reference": None,
            "explanation": {"item": item, "sees": sees, "heatmap": heatmap, "unknown_part": unknown_part}}
