#!/usr/bin/env bash
# Fetch the web chat widget and the browser its test drives (what `make webchat` runs).
#
#   scripts/webchat.sh            the widget bundle, then Debian's chromium when it is missing
#   scripts/webchat.sh bundle     only the widget bundle
#   scripts/webchat.sh browser    only chromium
#
# The widget is the npm package rasa-webchat@1.0.1. Its lib/index.js is a self-contained UMD
# bundle (window.WebChat); `npm pack` downloads the package tarball (npm checks its integrity),
# and the bundle is kept as var/webchat/rasa-webchat-1.0.1.js, checked against the sha256 below.
# The engine serves it at /webchat/rasa-webchat.js (retrieval/serving/webchat.py). It is never committed.
# A re-run with the bundle in place does nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION=1.0.1
SHA256=bfedd788e4bd7df12f64b5bf2963e634f84bac1cb176b6cede60c507d3553f1e  # package/lib/index.js
DEST="${FASHIONBOT_WEBCHAT_DIR:-$ROOT/var/webchat}"
BUNDLE="$DEST/rasa-webchat-$VERSION.js"
CHROMIUM=/usr/bin/chromium

log() { echo "webchat: $*" >&2; }
die() { echo "webchat: error: $*" >&2; exit 1; }

apt_install() {
    [ "$(id -u)" = 0 ] || die "$* missing and not root: install it with 'sudo apt-get install -y $*'"
    command -v apt-get >/dev/null || die "$* missing and no apt-get: install it by hand"
    log "installing $* (apt-get)"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

fetch_bundle() (  # a subshell: its EXIT trap removes the temporary folder
    if [ -s "$BUNDLE" ] && echo "$SHA256  $BUNDLE" | sha256sum -c --status; then
        return 0
    fi
    command -v npm >/dev/null || apt_install npm
    local tmp
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    log "npm pack rasa-webchat@$VERSION"
    (cd "$tmp" && npm pack --silent "rasa-webchat@$VERSION" >/dev/null) \
        || die "npm pack rasa-webchat@$VERSION failed (is the npm registry reachable?)"
    tar -xzf "$tmp/rasa-webchat-$VERSION.tgz" -C "$tmp" package/lib/index.js package/LICENSE
    echo "$SHA256  $tmp/package/lib/index.js" | sha256sum -c --status \
        || die "rasa-webchat@$VERSION lib/index.js does not have the expected sha256"
    mkdir -p "$DEST"
    cp "$tmp/package/LICENSE" "$DEST/rasa-webchat-LICENSE"
    cp "$tmp/package/lib/index.js" "$BUNDLE.tmp"
    mv "$BUNDLE.tmp" "$BUNDLE"
    log "widget bundle: ${BUNDLE#"$ROOT"/}"
)

fetch_browser() {
    # Playwright's own browser download cannot work here; the tests drive Debian's chromium.
    [ -x "$CHROMIUM" ] || apt_install chromium
    [ -x "$CHROMIUM" ] || die "$CHROMIUM is still missing after installing chromium"
}

case "${1:-all}" in
    bundle) fetch_bundle ;;
    browser) fetch_browser ;;
    all) fetch_bundle; fetch_browser ;;
    *) die "usage: scripts/webchat.sh [bundle|browser|all]" ;;
esac
