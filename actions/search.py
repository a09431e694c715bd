"""Actions that run a search: a new query, a photo, the next page."""
from __future__ import annotations

from .turn import EngineTurn


class ActionSearch(EngineTurn):
    """A new search (while one is on, a turn naming no category refines it: the engine decides)."""

    action_name, op = "action_search", "search"


class ActionImageSearch(EngineTurn):
    """A search by an uploaded photo (the client posts it to the engine and sends its image_id)."""

    action_name, op = "action_image_search", "photo"


class ActionShowMore(EngineTurn):
    """The next page of the current search."""

    action_name, op = "action_show_more", "page"


class ActionFallback(EngineTurn):
    """A turn the NLU could not place (low confidence, out of scope) or read as thanks: the engine
    searches when its words name a request ("what should i wear to play football", "gold ones
    would be perfect, thank you"); otherwise the intent's own reply ("you're welcome"), and the
    search on stays as it was."""

    action_name, op = "action_fallback", "fallback"
    replies = {"out_of_scope": "utter_out_of_scope", "thank": "utter_youre_welcome"}  # else utter_fallback

    def not_understood(self, tracker) -> list[dict]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        return [{"response": self.replies.get(intent, "utter_fallback")}]
