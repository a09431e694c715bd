#!/usr/bin/env bash
# The last step of `make run`: engine, action server and Rasa under supervisord, in the foreground
# (bot/supervisord.conf). Ctrl-C stops all three. Needs the variables the Makefile exports.
#
# Rasa's HTTP API needs a token: FASHIONBOT_RASA_TOKEN, else the one in
# $FASHIONBOT_VAR/rasa/api-token, made on first use (mode 0600); Rasa reads it from there, never
# from its command line (bot/rasa_server.py). Rotate it: docs/operations.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { echo "run: $*"; }
die() { echo "run: error: $*" >&2; exit 1; }

: "${FASHIONBOT_VAR:?}" "${FASHIONBOT_BIND:?}" "${FASHIONBOT_PUBLIC_URL:?}" "${ENGINE_PORT:?}" "${RASA_PORT:?}"
mkdir -p "$FASHIONBOT_VAR/rasa" "$FASHIONBOT_VAR/run" "$FASHIONBOT_VAR/log"

token_file="$FASHIONBOT_VAR/rasa/api-token"
if [ -z "${FASHIONBOT_RASA_TOKEN:-}" ]; then
    if [ ! -s "$token_file" ]; then
        (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))' >"$token_file")
        say "made a token for Rasa's HTTP API: $token_file"
    fi
    chmod 600 "$token_file"
    token="$(tr -d '[:space:]' <"$token_file")"
    where="$token_file"
    # Rasa reads it from the file (bot/rasa_server.py): never on a command line, which every user reads
    export FASHIONBOT_RASA_TOKEN_FILE="$token_file"
else
    token="$FASHIONBOT_RASA_TOKEN"
    where="FASHIONBOT_RASA_TOKEN"
fi
[[ "$token" =~ ^[A-Za-z0-9_-]{16,}$ ]] \
    || die "the Rasa API token ($where) must be 16 or more characters A-Z a-z 0-9 _ -"
unset token
# The web chat's sessions are signed with this secret (bot/channels/webchat.py), kept across restarts.
secret_file="$FASHIONBOT_VAR/rasa/webchat-secret"
if [ -z "${FASHIONBOT_WEBCHAT_SECRET:-}" ] && [ ! -s "$secret_file" ]; then
    (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_hex(32))' >"$secret_file")
fi
[ -s "$secret_file" ] && chmod 600 "$secret_file" && export FASHIONBOT_WEBCHAT_SECRET_FILE="$secret_file"
# What a browser sends as Origin for the page the engine serves: scheme://host[:port].
FASHIONBOT_WEB_ORIGIN="$(.venv/bin/python -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(f"{p.scheme}://{p.netloc}")' "$FASHIONBOT_PUBLIC_URL")"
export FASHIONBOT_WEB_ORIGIN

say "web chat: $FASHIONBOT_PUBLIC_URL/   terminal: make shell (another terminal)"
say "REST: POST http://localhost:$RASA_PORT/webhooks/rest/webhook {\"sender\": \"me\", \"message\": \"show me navy blue shirts for men\"}"
say "Rasa's HTTP API: ?token=<$where>; engine and Rasa listen on $FASHIONBOT_BIND, the action server on 127.0.0.1"
say "logs: $FASHIONBOT_VAR/log/{engine,actions,rasa}.log; a process that exits is restarted; Ctrl-C stops all three"
exec .venv/bin/supervisord -n -c bot/supervisord.conf
