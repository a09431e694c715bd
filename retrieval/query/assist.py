"""Turns that read shown products without editing the search: compare two or three of them,
complete the look of one, or show one's details. The query state is kept; the products the
answer shows become the ones "the 2nd" names (a look), and the product it was about becomes
the state's ``focus``, what "it" names next ("what goes with it?").
"""
from __future__ import annotations

from .references import named_positions
from .state import QueryState

ASSIST_OPS = ("compare", "complete", "details")


def shown_at(state: QueryState, position: int) -> int | None:
    """The id of the shown product at a rank as shown (1-based, from the page's offset), or
    counted from the end when negative."""
    if not state.shown:
        return None
    if position < 0:
        return state.shown[position] if -position <= len(state.shown) else None
    index = position - state.offset - 1 if position > state.offset else position - 1
    return state.shown[index] if 0 <= index < len(state.shown) else None


def rank_of(state: QueryState, pid: int) -> int | None:
    return next((state.offset + i + 1 for i, shown in enumerate(state.shown) if shown == pid), None)


def assist(engine, state: QueryState, op: str, edit: dict, page_size: int) -> dict:
    """The engine's answer to a compare, complete or details turn (``POST /query``)."""
    positions = named_positions(edit.get("text") or "", edit.get("entities") or [])
    if edit.get("ordinal") is not None and edit["ordinal"] not in positions:
        positions.insert(0, edit["ordinal"])
    out = {"state": None, "query": engine.describe(state), "items": [], "total": None, "has_more": False,
           "summary": None, "question": None, "notes": [], "reference": None}
    if not state.shown:
        out["question"] = {"kind": "need_results"}
    elif op == "compare":
        ids = _compared(state, positions)
        if ids is None:
            out["question"] = {"kind": "no_such_item", "count": len(state.shown)}
        else:
            ranks = [rank_of(state, pid) for pid in ids]
            out["comparison"] = engine.compare_items(ids, ranks, edit.get("text") or "")
    else:
        pid = shown_at(state, positions[0]) if positions else (state.focus if state.focus is not None
                                                               else state.shown[0])
        if pid is None:
            out["question"] = {"kind": "no_such_item", "count": len(state.shown)}
        elif op == "details":
            out["details"] = {**engine.item_details(pid), "rank": rank_of(state, pid)}
            state = state.edited(focus=pid)
        else:
            look = engine.complete_look(pid, page_size)
            look["reference"]["rank"] = rank_of(state, pid)
            out["outfit"] = look
            if look["items"]:
                state = state.edited(shown=[item["id"] for item in look["items"]], offset=0, focus=pid)
    out["state"] = state.to_dict()
    return out


def _compared(state: QueryState, positions: list[int]) -> list[int] | None:
    """Two or three shown ids to compare: those named, else the first two (with one named, it
    and the first other one)."""
    if not positions:
        positions = [1, 2]
    ids = [shown_at(state, p) for p in positions]
    if any(pid is None for pid in ids):
        return None
    ids = list(dict.fromkeys(ids))
    if len(ids) == 1:
        ids += [pid for pid in state.shown if pid != ids[0]][:1]
    return ids if len(ids) >= 2 else None
