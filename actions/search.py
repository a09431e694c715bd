"""Actions that run a search: a new query, an image query, the next page."""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import formatting
from .concepts import ConceptIndex
from .engine_client import EngineDown, EngineRejected, UnknownConcept, get_client
from .state import (MAX_OFFSET, QueryState, Request, new_search, page_size, pick_item, read_request, refine, results_slot,
                    state_events)


_concepts: dict[int, ConceptIndex] = {}


async def load_concepts() -> ConceptIndex:
    """The engine's tree (fetched once per process); raises EngineDown like any engine call."""
    tree = await get_client().tree()
    if id(tree) not in _concepts:
        _concepts.clear()
        _concepts[id(tree)] = ConceptIndex(tree)
    return _concepts[id(tree)]


async def concepts_or_none() -> ConceptIndex | None:
    """The tree view, or None when the engine is down (the search call then reports it)."""
    try:
        return await load_concepts()
    except EngineDown:
        return None


def shown_item(dispatcher: CollectingDispatcher, tracker: Tracker, ordinal: int | None) -> dict | None:
    """The shown item an ordinal names; None after telling the shopper there is none."""
    results = tracker.get_slot("results") or []
    item = pick_item(results, ordinal)
    if item is None:
        dispatcher.utter_message(response="utter_no_such_item" if results else "utter_need_results",
                                 count=len(results))
    return item


def utter(dispatcher: CollectingDispatcher, messages: list[dict[str, Any]]) -> None:
    for message in messages:
        dispatcher.utter_message(**message)


async def run_query(dispatcher: CollectingDispatcher, tracker: Tracker, state: QueryState, request: Request,
                    reference: dict | None = None, image_search: bool = False) -> list[EventType]:
    """One engine search for ``state`` and the whole reply. On any engine failure the slots are
    left as they were: the shopper's previous search is kept."""
    slots = tracker.current_slot_values()
    shown = page_size()
    try:
        concepts = await load_concepts()
        body = await get_client().search(**state.search_args(k=2 * shown))
    except UnknownConcept as exc:
        utter(dispatcher, formatting.suggestion_messages(exc.term, exc.suggestions))
        pending = {"kind": "unknown", "term": exc.term, "suggestions": exc.suggestions, "state": asdict(state),
                   "reference": reference, "image_search": image_search}
        return [SlotSet("pending", pending)]
    except EngineDown:
        dispatcher.utter_message(response="utter_engine_down")
        return []
    except EngineRejected as exc:
        dispatcher.utter_message(response="utter_engine_error", error=str(exc))
        return []
    resolved = state.resolved(body.get("query", {}))
    if not body.get("items"):
        dispatcher.utter_message(response="utter_no_more" if state.offset else "utter_nothing_found",
                                 buttons=formatting.nav_buttons(False))
        return [] if state.offset else state_events(resolved, concepts, slots, results=[])
    if body.get("total", 0) == 0 and (resolved.include or resolved.exclude):
        messages, pending = formatting.no_results_messages(body)
        utter(dispatcher, messages)
        return state_events(resolved, concepts, slots, results=[], pending=pending)
    utter(dispatcher, formatting.results_messages(body, state.offset, shown, reference, image_search))
    return state_events(resolved, concepts, slots, results=results_slot(body["items"][:shown], state.offset, concepts))


class ActionSearch(Action):
    """A new search: the message's concepts replace the whole state. A message that names no
    category while a search is on refines it instead."""

    def name(self) -> str:
        return "action_search"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        request = read_request(tracker.latest_message)
        current = QueryState.from_slots(tracker.current_slot_values())
        if request.mentions and not current.is_empty() and not any(m.entity == "category" for m in request.mentions):
            # "for girls" or "in red" after a search edits it, whatever the intent said
            return await run_query(dispatcher, tracker, refine(current, request, await concepts_or_none()), request)
        state = new_search(request)
        if state.is_empty():
            dispatcher.utter_message(response="utter_ask_what")
            return []
        return await run_query(dispatcher, tracker, state, request)


class ActionImageSearch(Action):
    """A search by an uploaded photo (the client posts it to the engine and sends its image_id)."""

    def name(self) -> str:
        return "action_image_search"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        request = read_request(tracker.latest_message)
        if not request.image_id:
            dispatcher.utter_message(response="utter_ask_image")
            return []
        state = QueryState(include=request.include, exclude=request.exclude, image_id=request.image_id)
        return await run_query(dispatcher, tracker, state, request, image_search=True)


class ActionShowMore(Action):
    """The next page of the current search."""

    def name(self) -> str:
        return "action_show_more"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        state = QueryState.from_slots(tracker.current_slot_values())
        if state.is_empty():
            dispatcher.utter_message(response="utter_need_results")
            return []
        state.offset += page_size()
        if state.offset > MAX_OFFSET:
            dispatcher.utter_message(response="utter_no_more", buttons=formatting.nav_buttons(False))
            return []
        return await run_query(dispatcher, tracker, state, read_request(tracker.latest_message),
                               image_search=bool(state.image_id))
