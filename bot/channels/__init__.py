"""The project's Rasa input channels (credentials.yml): ``webchat.WebChatInput`` (socketio, product
cards) and ``telegram.TelegramInput``. Rasa imports them as ``channels.*``, so ``bot/`` must be on
its path: it is when Rasa runs from ``bot/`` (Rasa adds its working directory), and PYTHONPATH=bot
makes it explicit."""
