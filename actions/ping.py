""""ping": a custom action that does nothing but answer (the benchmark's baseline turn)."""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher


class ActionPing(Action):
    """Answers without calling the engine: what a turn costs without the search."""

    def name(self) -> str:
        return "action_ping"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        dispatcher.utter_message(response="utter_pong")
        return []
