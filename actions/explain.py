""""Why this one?" and "where is the v-neck?": the engine's explanation of a shown item."""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from . import formatting
from .engine_client import EngineError, get_client
from .search import load_concepts, shown_item, utter
from .state import read_request


class ActionExplain(Action):
    """Explain a shown item from the search's answer (kept in the ``results`` slot) plus the
    item's top concepts; with a named concept, add its heatmap. If the engine is down the
    stored explanation is still given."""

    def name(self) -> str:
        return "action_explain"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        request = read_request(tracker.latest_message)
        item = shown_item(dispatcher, tracker, request.ordinal)
        if item is None:
            return []
        client = get_client()
        concept = request.mentions[0].value if request.mentions else None
        try:
            details = await client.item(item["id"])
            concepts = await load_concepts()
        except EngineError:
            details = concepts = None
        label = heatmap = None
        if concept and concepts is not None:
            concept, label = self.named_part(concept, concepts, details)
            if concept is None:
                utter(dispatcher, formatting.explain_messages(item, details, None, None))
                dispatcher.utter_message(response="utter_unknown_concept_explain", term=request.mentions[0].value)
                return []
            heatmap = client.heatmap_url(item["id"], concept)
        utter(dispatcher, formatting.explain_messages(item, details, label, heatmap))
        return []

    @staticmethod
    def named_part(term: str, concepts, details: dict) -> tuple[str | None, str | None]:
        """The concept a shopper named (id or name), or one whose name contains the word, preferring
        those the item has (its top concepts, its catalogue attributes): "collar" -> its Spread
        Collar. (None, None) when nothing fits."""
        if concepts.lookup(term):
            cid = concepts.lookup(term)[0]
            return term, concepts.name(cid).split(" (")[0]
        shown = [c["concept"] for c in details.get("top_concepts", [])]
        shown += [cid for value in (details.get("attributes") or {}).values() for cid in concepts.lookup(str(value))]
        hits = concepts.containing(term, shown)
        if not hits:
            return None, None
        return hits[0], concepts.name(hits[0]).split(" (")[0]
