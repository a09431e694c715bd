# shellcheck shell=bash
# Helpers shared by scripts/setup.sh and scripts/lock.sh (sourced, not run).

log() { echo "setup: $*" >&2; }
die() { echo "setup: error: $*" >&2; exit 1; }

# Print the path of a working Python interpreter for version $1 (e.g. 3.10):
# `python3.10` on PATH (a pyenv shim counts only if it runs), else
# $(pyenv root)/versions/3.10.*/bin/python, newest patch first.
find_python() {
    local minor="$1" root cand
    local check="import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$minor'.split('.'))))"
    local candidates=("python$minor")
    root="$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")"
    for cand in $(ls -d "$root/versions/$minor".*/bin/python 2>/dev/null | sort -V -r); do
        candidates+=("$cand")
    done
    for cand in "${candidates[@]}"; do
        if "$cand" -c "$check" >/dev/null 2>&1; then
            "$cand" -c 'import sys; print(sys.executable)'
            return 0
        fi
    done
    return 1
}

# pip, minus the "Location 'file://...' is ignored" warnings that a pip config
# pointing at absent local index folders prints once per package.
pip_quiet() {
    local venv="$1"; shift
    "$venv/bin/pip" "$@" 2>&1 \
        | { grep -v -E "^WARNING: Location 'file://[^']*' is ignored: it is neither a file nor a directory\.?$" || true; }
}
