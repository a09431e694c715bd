"""NLU backstop against over-long messages, first in the pipeline (config.yml).

The project's channels never pass a message over ``message_limit.max_chars()`` to Rasa; Rasa's
own ``rasa shell`` channel does. Such a text is replaced by ``/message_too_long`` before the
tokenizer, so the featurizers see a few characters instead of the whole message, and Rasa's
RegexMessageHandler (the last NLU node) parses it to the intent ``message_too_long`` with
confidence 1, which a rule answers with ``utter_message_too_long`` and no slot change.
"""
from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

import message_limit


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class MessageLengthGuard(GraphComponent):
    """Replaces a text over the limit by the payload of the ``message_too_long`` intent."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> MessageLengthGuard:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if message_limit.too_long(message.get(TEXT)):
                message.set(TEXT, f"/{message_limit.INTENT}")
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
