"""`rasa run` with its HTTP API token read from the environment or a file, never from argv.

Rasa's own ``--auth-token`` puts the token on the command line, which every local user reads in
the process list (``ps``, /proc/<pid>/cmdline). This launcher takes every other option of
``rasa run`` as given and hands Rasa the token inside this process:

    FASHIONBOT_RASA_TOKEN=... python bot/rasa_server.py run --enable-api --cors ... --port 5005
    FASHIONBOT_RASA_TOKEN_FILE=var/rasa/api-token python bot/rasa_server.py run --enable-api ...

The environment variable wins over the file. With ``--enable-api`` and no token at all, a random
one nobody knows is used: the API then answers 401 to everything (it is never open). A token
given on the command line is refused.
"""
from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path


def api_token() -> str | None:
    """The token from FASHIONBOT_RASA_TOKEN, else from the file FASHIONBOT_RASA_TOKEN_FILE."""
    token = os.environ.get("FASHIONBOT_RASA_TOKEN", "").strip()
    if not token and os.environ.get("FASHIONBOT_RASA_TOKEN_FILE"):
        token = Path(os.environ["FASHIONBOT_RASA_TOKEN_FILE"]).read_text().strip()
    return token or None


def main(argv: list[str]) -> int:
    if any(arg == "--auth-token" or arg.startswith("--auth-token=") for arg in argv):
        print("rasa_server: give the token in FASHIONBOT_RASA_TOKEN or FASHIONBOT_RASA_TOKEN_FILE, "
              "not on the command line", file=sys.stderr)
        return 2
    token = api_token()
    if token is None and "--enable-api" in argv:
        print("rasa_server: no FASHIONBOT_RASA_TOKEN(_FILE): the HTTP API answers 401 to everything", file=sys.stderr)
        token = secrets.token_urlsafe(32)
    # sys.argv is this interpreter's own copy: /proc/<pid>/cmdline keeps the arguments as started
    sys.argv = ["rasa", *argv, *([f"--auth-token={token}"] if token else [])]  # "=": a token may start with "-"
    from rasa.__main__ import main as rasa_main

    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
