"""Which shown products a turn names, when it may name several: "compare 1 and 2", "the first
two", "1 or 3?", "the 2nd and the last one", "these". Positions are 1-based ranks as shown
("the 2nd"), -1 for the last; the editor's ``shown_item`` turns each into a product id.
"""
from __future__ import annotations

import re

from .understand import LAST_AS_POSITION, ORDINAL_WORDS

COUNT_WORDS = {"two": 2, "three": 3, "both": 2}
MAX_NAMED = 3
_POSITION = re.compile(r"#\s*(\d{1,2})\b|\b(\d{1,2})(?:st|nd|rd|th)?\b(?!\s*(?:k\b|%|rs|inr|₹))")


def named_positions(text: str, entities: list[dict] | None = None, limit: int = MAX_NAMED) -> list[int]:
    """The positions a turn names, in the order said, each once (at most ``limit``): the NLU's
    ``ordinal`` entities, ordinal words and numbers; "the first two" / "the last two" name a
    run; "both" and "these two" the first two. Empty when it names none."""
    lowered = str(text or "").lower()
    run = re.search(r"\b(first|top|last)\s+(two|three|2|3)\b", lowered)
    if run:
        count = COUNT_WORDS.get(run.group(2)) or int(run.group(2))
        return list(range(1, count + 1)) if run.group(1) != "last" else [-(i + 1) for i in range(count)][::-1]
    found: list[tuple[int, int]] = []  # (where said, position)
    for entity in entities or []:
        if entity.get("entity") == "ordinal":
            value = _value(entity.get("value"))
            if value is not None:
                found.append((int(entity.get("start") or 0), value))
    for word, value in ORDINAL_WORDS.items():
        if word != "last" or LAST_AS_POSITION.search(lowered):  # "i want them to last" names no position
            found += [(m.start(), value) for m in re.finditer(rf"\b{word}\b", lowered)]
    found += [(m.start(), int(m.group(1) or m.group(2))) for m in _POSITION.finditer(lowered)]
    positions: list[int] = []
    for _, value in sorted(found):
        if value not in positions and (value == -1 or 1 <= value <= 1000):
            positions.append(value)
    if not positions and re.search(r"\b(both|these two|those two|the two|them)\b", lowered):
        positions = [1, 2]
    return positions[:limit]


def _value(value) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return ORDINAL_WORDS.get(str(value).lower())
