""""Compare 1 and 2", "what goes with the 2nd?", "tell me more about the 3rd": the engine reads
the shown products named and answers; the search itself is kept."""
from __future__ import annotations

from .turn import EngineTurn


class ActionCompare(EngineTurn):
    """Two or three shown products side by side, and the answer to "which is cheaper?"."""

    action_name, op = "action_compare", "compare"


class ActionCompleteLook(EngineTurn):
    """Products of the types the catalogue's styling advice pairs with a shown product."""

    action_name, op = "action_complete_look", "complete"


class ActionDetails(EngineTurn):
    """A shown product's full record: facts, attributes, description, concepts, a larger photo."""

    action_name, op = "action_details", "details"
