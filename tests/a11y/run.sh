#!/usr/bin/env bash
# The accessibility and validity check as CI runs it (`step "a11y"` in .ci/run):
# installs what it needs on a clean machine, builds the release binary once, and runs
# check.mjs over content-example/ (and offline.mjs, search.mjs, the search evaluation
# tests/search-eval/run.mjs, and xss.mjs over tests/fixtures/xss). Exits non-zero on
# any violation.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

apt_updated=
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "missing $*: install it (apt-get install -y $*) or run as root" >&2
    exit 1
  fi
  if [ -z "$apt_updated" ]; then
    apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# Debian's Chromium: no test tool downloads a browser of its own.
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || apt_install chromium
command -v java >/dev/null || apt_install default-jre-headless
command -v npm >/dev/null || apt_install nodejs npm

cd "$here"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

cd "$repo"
cargo build --release --locked
WEGWEISER_BIN="${CARGO_TARGET_DIR:-$repo/target}/release/wegweiser" node "$here/check.mjs"
WEGWEISER_BIN="${CARGO_TARGET_DIR:-$repo/target}/release/wegweiser" node "$here/offline.mjs"
WEGWEISER_BIN="${CARGO_TARGET_DIR:-$repo/target}/release/wegweiser" node "$here/search.mjs"
# Issue 24: the question set, then every question through the search page (and
# MiniSearch as Integreat's app has it); fails below tests/search-eval/thresholds.json.
node "$repo/tests/search-eval/check-questions.mjs" >/dev/null
WEGWEISER_BIN="${CARGO_TARGET_DIR:-$repo/target}/release/wegweiser" node "$repo/tests/search-eval/run.mjs"
# The XSS fixture without the CSP: the sanitiser alone keeps scripts out.
WEGWEISER_BIN="${CARGO_TARGET_DIR:-$repo/target}/release/wegweiser" node "$here/xss.mjs"
