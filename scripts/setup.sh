#!/usr/bin/env bash
# Create or update the two virtual environments (what `make setup` runs):
#
#   .venv       Python 3.11: engine, models, actions, tests
#               requirements/engine.txt + `pip install -e . --no-deps`
#   .venv-rasa  Python 3.10: Rasa 3.6.21 (does not support 3.11)
#               requirements/rasa.txt
#
# Each venv holds a stamp file with a hash of its inputs (lock file, Python
# version, and pyproject.toml for .venv); a venv whose stamp matches is left
# alone, so a re-run takes about a second. A changed lock is installed on top
# of the existing venv and packages that left the lock are uninstalled.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"
cd "$ROOT"

STAMP_NAME=".fashionbot-setup.stamp"
# Bump when the way venvs are built changes, to rebuild every venv once.
SETUP_VERSION=1
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

# Hash of everything a venv is built from.
inputs_hash() {
    local python="$1"; shift
    {
        echo "setup=$SETUP_VERSION"
        "$python" -c 'import platform; print(platform.python_version())'
        cat "$@"
    } | sha256sum | cut -d' ' -f1
}

# Make $venv a working venv of $python's version; recreate it if it is broken
# or was made by another Python.
ensure_venv() {
    local venv="$1" python="$2" want have
    want="$("$python" -c 'import platform; print(platform.python_version())')"
    if [ -x "$venv/bin/python" ]; then
        have="$("$venv/bin/python" -c 'import platform; print(platform.python_version())' 2>/dev/null || true)"
        [ "$have" = "$want" ] && return 0
        log "$venv was made by Python ${have:-?} (want $want); recreating it"
        rm -rf "$venv"
    fi
    "$python" -m venv "$venv" \
        || die "'$python -m venv' failed; on Debian/Ubuntu install the python3-venv package"
}

# Uninstall what is installed in $venv but not listed in lock file $lock.
remove_unlocked() {
    local venv="$1" lock="$2" extra
    extra="$(comm -13 \
        <(grep -v -E '^\s*(#|$)' "$lock" | sed -E 's/[=<>!~ ;[].*//' | normalize | sort -u) \
        <("$venv/bin/pip" freeze --exclude-editable | sed -E 's/[=<>!~ ;@[].*//' | normalize | sort -u))"
    if [ -n "$extra" ]; then
        log "removing packages no longer locked: ${extra//$'\n'/ }"
        # shellcheck disable=SC2086
        pip_quiet "$venv" uninstall -q -y $extra || die "pip uninstall failed in $venv"
    fi
}

# PEP 503 name normalisation: lower case, runs of -_. become one -.
normalize() { tr '[:upper:]' '[:lower:]' | sed -E 's/[-_.]+/-/g'; }

# build_venv VENV PYTHON LOCK DESCRIPTION EDITABLE(yes|no) [EXTRA_HASH_INPUT...]
build_venv() {
    local venv="$1" python="$2" lock="$3" what="$4" editable="$5"; shift 5
    local stamp="$venv/$STAMP_NAME" hash start
    [ -f "$lock" ] || die "$lock is missing"
    hash="$(inputs_hash "$python" "$lock" "$@")"
    if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$hash" ]; then
        log "$venv is up to date"
        return 0
    fi
    start=$SECONDS
    local fresh=no
    [ -x "$venv/bin/python" ] || fresh=yes
    ensure_venv "$venv" "$python"
    rm -f "$stamp"
    log "installing $lock into $venv ($what) ..."
    pip_quiet "$venv" install -q --use-pep517 -r "$lock" \
        || die "pip install -r $lock failed in $venv (see above); fix it and re-run 'make setup'"
    remove_unlocked "$venv" "$lock"
    if [ "$editable" = yes ]; then
        pip_quiet "$venv" install -q --no-deps -e . || die "pip install -e . failed in $venv"
    fi
    echo "$hash" >"$stamp"
    log "$venv ready in $((SECONDS - start)) s"
    if [ "$fresh" = yes ]; then  # a first install, for the cold-start report (bench/cold_start.py)
        mkdir -p var/timings
        printf '{"venv": "%s", "seconds": %d, "at": "%s"}\n' "$venv" "$((SECONDS - start))" "$(date +%FT%T)" \
            >"var/timings/setup${venv#.venv}.json"
    fi
}

main() {
    local py311 py310
    py311="$(find_python 3.11)" || die "Python 3.11 not found (needed for .venv). Install it, e.g. 'pyenv install 3.11.7'."
    py310="$(find_python 3.10)" || die "Python 3.10 not found (Rasa 3.6.21 needs it, for .venv-rasa). Install it, e.g. 'pyenv install 3.10.13'."

    mkdir -p var
    exec 9>var/setup.lock
    flock 9 2>/dev/null || true  # one setup at a time per checkout

    build_venv .venv "$py311" requirements/engine.txt "engine, first time ~2 min, 1.9 GB" yes pyproject.toml
    build_venv .venv-rasa "$py310" requirements/rasa.txt "Rasa, first time ~3 min, 2.7 GB" no
}

main "$@"
