"""Actions that edit the current search: refine/exclude, "more like the N-th", drop a constraint,
answer a question the bot asked (which concept, drop it?), start over."""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from .search import concepts_or_none, run_query, shown_item
from .state import QueryState, clear_events, drop, groups_named, more_like, read_request, refine


class ActionRefine(Action):
    """Edit the current query: one or several concepts, included or excluded."""

    def name(self) -> str:
        return "action_refine"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        request = read_request(tracker.latest_message)
        if not request.mentions:
            dispatcher.utter_message(response="utter_ask_refine")
            return []
        state = QueryState.from_slots(tracker.current_slot_values())
        state = refine(state, request, await concepts_or_none())
        return await run_query(dispatcher, tracker, state, request)


class ActionMoreLike(Action):
    """"More like the N-th (but red)": the item becomes the reference, edits apply on top."""

    def name(self) -> str:
        return "action_more_like"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        request = read_request(tracker.latest_message)
        item = shown_item(dispatcher, tracker, request.ordinal)
        if item is None:
            return []
        state = more_like(QueryState.from_slots(tracker.current_slot_values()), item, request,
                          await concepts_or_none())
        return await run_query(dispatcher, tracker, state, request, reference=item)


class ActionDrop(Action):
    """Remove constraints ("forget the colour", or the "Drop X" button)."""

    def name(self) -> str:
        return "action_drop"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        request = read_request(tracker.latest_message)
        pending = tracker.get_slot("pending") or {}
        terms = request.include + request.exclude
        groups = set() if terms else groups_named(request.text)
        if not terms and not groups and pending.get("kind") == "drop":
            terms = [pending["concept"]]
        return await drop_and_search(dispatcher, tracker, terms, groups)


async def drop_and_search(dispatcher: CollectingDispatcher, tracker: Tracker, terms: list[str],
                          groups: set[str] = frozenset()) -> list[EventType]:
    state = QueryState.from_slots(tracker.current_slot_values())
    concepts = await concepts_or_none()
    state, removed = drop(state, terms, concepts, groups)
    if not removed:
        dispatcher.utter_message(response="utter_nothing_to_drop")
        return [SlotSet("pending", None)]
    names = sorted({concepts.name(c).split(" (")[0] if concepts else c for c in removed})
    dispatcher.utter_message(response="utter_dropped", concepts=", ".join(names))
    if state.is_empty():
        dispatcher.utter_message(response="utter_ask_what")
        return clear_events()
    return await run_query(dispatcher, tracker, state, read_request(tracker.latest_message))


class ActionChoose(Action):
    """The shopper picked one of the concepts the bot suggested for an unknown word."""

    def name(self) -> str:
        return "action_choose"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        request = read_request(tracker.latest_message)
        pending = tracker.get_slot("pending") or {}
        if not request.mentions:
            dispatcher.utter_message(response="utter_ask_refine")
            return []
        if pending.get("kind") != "unknown":
            state = refine(QueryState.from_slots(tracker.current_slot_values()), request, await concepts_or_none())
            return await run_query(dispatcher, tracker, state, request)
        return await answer_unknown(dispatcher, tracker, request.mentions[0].value, pending, request)


async def answer_unknown(dispatcher, tracker: Tracker, choice: str, pending: dict, request) -> list[EventType]:
    """Re-run the search the unknown word interrupted, with the chosen concept in its place."""
    saved = dict(pending["state"])
    term = pending["term"]
    saved["include"] = [choice if c == term else c for c in saved.get("include", [])]
    saved["exclude"] = [choice if c == term else c for c in saved.get("exclude", [])]
    state = QueryState(**saved)
    return await run_query(dispatcher, tracker, state, request, reference=pending.get("reference"),
                           image_search=bool(pending.get("image_search")))


class ActionAffirm(Action):
    """"Yes": answers the open question (drop the blocking constraint, take the only suggestion)."""

    def name(self) -> str:
        return "action_affirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        pending = tracker.get_slot("pending") or {}
        if pending.get("kind") == "drop":
            return await drop_and_search(dispatcher, tracker, [pending["concept"]])
        if pending.get("kind") == "unknown" and len(pending.get("suggestions", [])) == 1:
            return await answer_unknown(dispatcher, tracker, pending["suggestions"][0], pending,
                                        read_request(tracker.latest_message))
        dispatcher.utter_message(response="utter_affirm_nothing")
        return []


class ActionDeny(Action):
    """"No": closes the open question and keeps the search as it is."""

    def name(self) -> str:
        return "action_deny"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        dispatcher.utter_message(response="utter_deny")
        return [SlotSet("pending", None)]


class ActionStartOver(Action):
    """Clear the whole query state."""

    def name(self) -> str:
        return "action_start_over"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        dispatcher.utter_message(response="utter_started_over")
        return clear_events()
