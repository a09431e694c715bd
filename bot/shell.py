"""``rasa shell`` that prints only readable text, image links and buttons (``make shell``;
run from bot/ with ``PYTHONPATH=.``): see ``channels/console.py``."""
import sys

from channels.console import install

if __name__ == "__main__":
    install()
    from rasa.__main__ import main

    sys.argv = ["rasa", "shell", *sys.argv[1:]]
    main()
