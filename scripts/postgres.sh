#!/usr/bin/env bash
# Throwaway PostgreSQL server for the test suite.
#
#   scripts/postgres.sh start    init (first time) and start; creates the test database
#   scripts/postgres.sh stop     stop the server (no-op when not running)
#   scripts/postgres.sh status   exit 0 when running
#   scripts/postgres.sh url      print the SQLAlchemy URL tests should use
#
# The cluster lives in var/pg/data, listens on 127.0.0.1:55432 only, trusts
# every local connection and is safe to delete (stop it first).  When `start`
# fails, the reason goes to stderr and to var/pg.unavailable, which the
# postgres-marked tests show as their skip reason.  FASHIONBOT_PG_BASE,
# FASHIONBOT_PG_PORT and FASHIONBOT_PG_DB run another such cluster (make
# scale-check keeps its own in var/scale-check/pg).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${FASHIONBOT_PG_PORT:-55432}"
HOST=127.0.0.1
DB="${FASHIONBOT_PG_DB:-fashionbot_test}"
PG_USER=postgres
URL="postgresql+psycopg://${PG_USER}@${HOST}:${PORT}/${DB}"
BASE="${FASHIONBOT_PG_BASE:-$ROOT/var/pg}"
UNAVAILABLE="${FASHIONBOT_PG_BASE:-$ROOT/var}/pg.unavailable"

is_root() { [ "$(id -u)" = 0 ]; }

# Run a server-side command as the cluster owner (initdb refuses root).
as_owner() {
    if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

unavailable() {
    mkdir -p "$(dirname "$UNAVAILABLE")"
    printf '%s\n' "$*" >"$UNAVAILABLE"
    echo "postgres.sh: PostgreSQL unavailable: $*" >&2
    exit 1
}

# Newest /usr/lib/postgresql/<v>/bin holding initdb and pg_ctl, else PATH.
find_pg_bin() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -n -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
    done
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        dirname "$(readlink -f "$(command -v pg_ctl)")"
        return 0
    fi
    return 1
}

ensure_pg_bin() {
    PG_BIN="$(find_pg_bin)" && return 0
    is_root || unavailable "initdb/pg_ctl not found and not root; install the Debian package 'postgresql'"
    command -v apt-get >/dev/null || unavailable "initdb/pg_ctl not found and apt-get is missing"
    echo "postgres.sh: installing PostgreSQL with apt-get ..." >&2
    local log="$ROOT/var/pg-apt.log"
    mkdir -p "$(dirname "$UNAVAILABLE")"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >"$log" 2>&1; then
        unavailable "apt-get install postgresql failed: $(tail -n 3 "$log" | tr '\n' ' ')"
    fi
    PG_BIN="$(find_pg_bin)" || unavailable "postgresql installed but initdb/pg_ctl still not found"
}

# var/pg/data when the postgres user can reach it, else a private dir in /tmp
# (a repo under /root is not traversable by postgres).
choose_datadir() {
    mkdir -p "$BASE"
    if is_root; then
        id -u postgres >/dev/null 2>&1 || unavailable "no 'postgres' system user to own the cluster"
        chown postgres: "$BASE"
        if ! runuser -u postgres -- test -w "$BASE"; then
            BASE="${TMPDIR:-/tmp}/fashionbot-pg-$(printf '%s' "$ROOT${FASHIONBOT_PG_BASE:+:$PORT}" | cksum | cut -d' ' -f1)"
            mkdir -p "$BASE"
            chown postgres: "$BASE"
            chmod 700 "$BASE"
        fi
    fi
    DATA="$BASE/data"
    LOG="$BASE/server.log"
}

pg_ctl() { as_owner "$PG_BIN/pg_ctl" -D "$DATA" "$@"; }

is_running() { [ -f "$DATA/PG_VERSION" ] && pg_ctl status >/dev/null 2>&1; }

init_cluster() {
    [ -f "$DATA/PG_VERSION" ] && return 0
    rm -rf "$DATA"
    local out
    if ! out="$(as_owner "$PG_BIN/initdb" -D "$DATA" -U "$PG_USER" --auth=trust \
            --encoding=UTF8 --no-locale 2>&1)"; then
        unavailable "initdb failed: $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"
    fi
    # Throwaway data: trade durability for speed; no unix socket, TCP on loopback only.
    as_owner tee -a "$DATA/postgresql.conf" >/dev/null <<EOF

# --- fashionbot test cluster (scripts/postgres.sh) ---
listen_addresses = '$HOST'
port = $PORT
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
EOF
}

psql_q() {
    "$PG_BIN/psql" -X -q -h "$HOST" -p "$PORT" -U "$PG_USER" -d postgres -tA "$@"
}

ensure_database() {
    local found
    found="$(psql_q -c "SELECT 1 FROM pg_database WHERE datname = '$DB'" 2>&1)" \
        || unavailable "server up but not reachable on $HOST:$PORT: $found"
    if [ "$found" != 1 ]; then
        psql_q -c "CREATE DATABASE $DB" >/dev/null 2>&1 || unavailable "CREATE DATABASE $DB failed"
    fi
}

cmd_start() {
    ensure_pg_bin
    choose_datadir
    init_cluster
    if ! is_running; then
        if ! pg_ctl start -w -t 30 -l "$LOG" -o "-p $PORT" >/dev/null 2>&1; then
            unavailable "server did not start (port $PORT busy?): $(tail -n 3 "$LOG" 2>/dev/null | tr '\n' ' ')"
        fi
    fi
    ensure_database
    rm -f "$UNAVAILABLE"
    echo "postgres.sh: running on $HOST:$PORT (data: $DATA)" >&2
}

cmd_stop() {
    PG_BIN="$(find_pg_bin)" || return 0
    choose_datadir
    if is_running; then pg_ctl stop -m fast -w >/dev/null; fi
    echo "postgres.sh: stopped" >&2
}

cmd_status() {
    PG_BIN="$(find_pg_bin)" || return 1
    choose_datadir
    is_running
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    url) echo "$URL" ;;
    *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
