"""The project's own NLU graph components (config.yml names them as ``components.*``; ``bot/``
must be on Rasa's path, as for ``channels``)."""
