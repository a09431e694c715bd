"""Tests of the rounds of general rules (issue 17), one module per round."""
from __future__ import annotations


def nlu_entity(text: str, words: str, entity: str, value: str, extractor: str = "DIETClassifier") -> dict:
    """An entity as the bot's NLU sends it for ``words`` of ``text``: the value it read (often an
    id it normalised the words to) and the span of the words."""
    start = text.index(words)
    return {"entity": entity, "value": value, "start": start, "end": start + len(words), "extractor": extractor}
