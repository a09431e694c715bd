"""The NLU backstop of bot/components/shopping_intent.py, run with Rasa's own message class in
.venv-rasa: a greeting or a goodbye naming a product the exact-name extractor found is a search;
small talk without one, or with a name only DIET guessed, stays small talk."""
from __future__ import annotations

import json
import subprocess

import pytest

from tests import support as procs

SCRIPT = r"""
import json, sys
sys.path.insert(0, ".")
from rasa.shared.nlu.training_data.message import Message
from components.shopping_intent import ShoppingIntentGuard

cases = json.loads(sys.argv[1])
messages = [Message(data=case) for case in cases]
ShoppingIntentGuard().process(messages)
print(json.dumps([m.get("intent")["name"] for m in messages]))
"""


def _entity(text: str, words: str, value: str, extractor: str) -> dict:
    start = text.index(words)
    return {"entity": "category", "value": value, "start": start, "end": start + len(words), "extractor": extractor}


def test_small_talk_naming_a_product_is_a_search():
    if not procs.RASA.exists():
        pytest.skip(f"{procs.RASA} is missing: run `make setup`")
    cases = [
        {"text": "lilac nighty", "intent": {"name": "goodbye", "confidence": 0.6},
         "entities": [_entity("lilac nighty", "nighty", "type.nightdress", "RegexEntityExtractor")]},
        {"text": "mujhe dhoop ke liye goggles chahiye", "intent": {"name": "greet", "confidence": 0.5},
         "entities": [_entity("mujhe dhoop ke liye goggles chahiye", "goggles", "sub.eyewear", "RegexEntityExtractor")]},
        {"text": "ok bye", "intent": {"name": "goodbye", "confidence": 0.9}, "entities": []},
        {"text": "bye for now", "intent": {"name": "goodbye", "confidence": 0.8},
         "entities": [_entity("bye for now", "now", "now", "DIETClassifier")]},
        {"text": "blue shirts", "intent": {"name": "search", "confidence": 0.9},
         "entities": [_entity("blue shirts", "shirts", "type.shirts", "RegexEntityExtractor")]},
    ]
    python = procs.RASA.parent / "python"
    result = subprocess.run([str(python), "-c", SCRIPT, json.dumps(cases)], cwd=procs.BOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == ["search", "search", "goodbye", "goodbye", "search"]
