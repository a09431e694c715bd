"""Actions that edit the current search, answer the bot's questions or start over."""
from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from .turn import EngineTurn


class ActionRefine(EngineTurn):
    """Concepts, brands, sizes, prices or a sort order added or excluded, several at once."""

    action_name, op = "action_refine", "refine"


class ActionMoreLike(EngineTurn):
    """"More like the N-th (but red)": the item becomes the reference, edits apply on top."""

    action_name, op = "action_more_like", "more_like"


class ActionDrop(EngineTurn):
    """Remove constraints ("forget the colour", "any price", or a "Drop X" button)."""

    action_name, op = "action_drop", "drop"


class ActionChoose(EngineTurn):
    """The shopper picked a concept the bot suggested for an unknown word (or named one)."""

    action_name, op = "action_choose", "answer"


class ActionAffirm(EngineTurn):
    """"Yes" to the open question (drop what empties the results; the only suggestion)."""

    action_name, op = "action_affirm", "affirm"


class ActionDeny(EngineTurn):
    """"No": the open question is closed and the search kept."""

    action_name, op = "action_deny", "deny"


class ActionStartOver(EngineTurn):
    """Clear the whole query (no engine call: an empty state is the engine's fresh start); a
    start over that names something ("whte top" read as one) is the engine's turn: it searches
    a product named and starts over otherwise."""

    action_name, op = "action_start_over", "reset"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if any(e.get("entity") not in ("ordinal", None) for e in tracker.latest_message.get("entities") or []):
            return await super().run(dispatcher, tracker, domain)
        dispatcher.utter_message(response="utter_started_over")
        return [SlotSet("query", None)] if tracker.get_slot("query") is not None else []
