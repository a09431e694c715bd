"""The shopper's query: the HTTP contract (``contract``), one turn (``turn``), reading a turn's
words and entities (``understand``, ``concepts``, ``shopping_words``), the state (``state``),
every edit to it (``edits``), the shopping filters (``filters``) and the bot's generated
vocabulary (``bot_vocab``). Imports only the catalogue."""
