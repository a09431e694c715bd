"""NLU backstop: a greeting or a goodbye that names a product is a shopping request.

DIET now and then files a short request as small talk ("lilac nighty", "mujhe dhoop ke liye
goggles chahiye" read as goodbye), and the reply would end the conversation. Last in the
pipeline (config.yml), this component turns a ``greet`` or ``goodbye`` whose text holds a
product name the RegexEntityExtractor found (a ``category`` from the EI tree's lookup tables:
exact words, never a guess) into a ``search``; the engine reads the words as it reads any search.
"""
from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

SMALL_TALK = ("greet", "goodbye")
EXACT_EXTRACTOR = "RegexEntityExtractor"


def names_a_product(message: Message) -> bool:
    """Whether the exact-name extractor found a product in the message."""
    return any(e.get("entity") == "category" and e.get("extractor") == EXACT_EXTRACTOR
               for e in message.get(ENTITIES) or [])


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ShoppingIntentGuard(GraphComponent):
    """Re-files small talk that names a product as ``search``."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> ShoppingIntentGuard:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get("name") in SMALL_TALK and names_a_product(message):
                message.set(INTENT, {"name": "search", "confidence": intent.get("confidence", 1.0)}, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
