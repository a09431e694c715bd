"""The shape of every search action: the latest message in, one engine call, the reply out.

The engine owns the query (``POST /query``): an action sends the state the engine returned last
(the ``query`` slot) plus this turn's edit (its ``op``, the text and the NLU's entities, as
parsed), utters the reply ``formatting`` builds from the answer and stores the new state.
"""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import formatting
from .engine_client import EngineDown, EngineRejected, get_client
from .settings import get_settings

MAX_TEXT = 1000  # the engine's bound on a turn's text
MAX_ENTITIES = 60
ENTITY_KEYS = ("entity", "value", "role", "start", "end", "extractor")


def edit_from(message: dict, op: str) -> dict:
    """This turn's edit: the op, the words as said and the entities as the NLU found them."""
    entities = []
    for entity in message.get("entities") or []:
        kept = {key: entity[key] for key in ENTITY_KEYS if entity.get(key) is not None}
        if "entity" in kept and "value" in kept:
            entities.append(kept)
    return {"op": op, "text": str(message.get("text") or "")[:MAX_TEXT], "entities": entities[:MAX_ENTITIES]}


class EngineTurn(Action):
    """An action that is one engine turn; subclasses set ``action_name`` and ``op``."""

    action_name = ""
    op = "search"

    def name(self) -> str:
        return self.action_name

    def not_understood(self, tracker: Tracker) -> list[dict]:
        """The reply when the engine reads no request in the turn (only the fallback asks for that)."""
        return [{"response": "utter_fallback"}]

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        state = tracker.get_slot("query")
        state = state if isinstance(state, dict) else None
        edit = edit_from(tracker.latest_message, self.op)
        client, page_size = get_client(), get_settings().page_size
        try:
            try:
                answer = await client.query(state, edit, page_size)
            except EngineRejected as exc:
                if state is None or exc.status != 422:
                    raise
                answer = await client.query(None, edit, page_size)  # a state the engine no longer reads
        except EngineDown:
            dispatcher.utter_message(response="utter_engine_down")
            return []
        except EngineRejected as exc:
            dispatcher.utter_message(response="utter_engine_error", error=str(exc))
            return []
        question = answer.get("question") or {}
        messages = self.not_understood(tracker) if question.get("kind") == "not_understood" \
            else formatting.reply(answer, self.op)
        for message in messages:
            dispatcher.utter_message(**message)
        new_state = answer.get("state")
        return [SlotSet("query", new_state)] if new_state != state else []
