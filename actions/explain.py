""""Why this one?" and "where is the v-neck?": the engine's explanation of a shown item."""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from . import formatting
from .engine_client import EngineError, get_client
from .search import load_concepts, utter
from .state import pick_item, read_request


class ActionExplain(Action):
    """Explain a shown item from the search's answer (kept in the ``results`` slot) plus the
    item's top concepts; with a named concept, add its heatmap. If the engine is down the
    stored explanation is still given."""

    def name(self) -> str:
        return "action_explain"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        request = read_request(tracker.latest_message)
        results = tracker.get_slot("results") or []
        item = pick_item(results, request.ordinal)
        if item is None:
            dispatcher.utter_message(response="utter_no_such_item" if results else "utter_need_results",
                                     count=len(results))
            return []
        client = get_client()
        concept = request.mentions[0].value if request.mentions else None
        try:
            details = await client.item(item["id"])
            concepts = await load_concepts()
        except EngineError:
            details = concepts = None
        label = None
        if concept:
            label = concepts.name(concept).split(" (")[0] if concepts and concept in concepts else concept.title()
        heatmap = client.heatmap_url(item["id"], concept) if concept and details is not None else None
        utter(dispatcher, formatting.explain_messages(item, details, label, heatmap))
        return []
