""""Why this one?" and "where is the collar on the 2nd?": the engine explains a shown product."""
from __future__ import annotations

from .turn import EngineTurn


class ActionExplain(EngineTurn):
    """The shown product's matched and missed requests, filters, score parts and what else the
    model sees; with a part named, the heatmap of that part."""

    action_name, op = "action_explain", "explain"
