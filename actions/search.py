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
