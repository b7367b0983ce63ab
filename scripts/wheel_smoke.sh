#!/usr/bin/env bash
# copydesk installed from its wheel, far from the repository: build the wheel, install it (not
# editable) into a fresh virtualenv, and in an empty directory run the README's first steps:
# init --sandbox, sandbox, pull, log, status; then the review app (its health check, its page,
# the queue rendered) and a plain `copydesk init`. Anything the installed package cannot find
# (seeds, migrations, the app's pages) fails here, loudly. Run by .ci/run after `make test`.
# PYTHON picks the interpreter (default: python3.11, else python3); the timings go to stderr.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$(command -v python3.11 || command -v python3)}
work=$(mktemp -d /tmp/copydesk-wheel.XXXXXX)
servers=()
set -m  # each server in its own process group, so stopping it stops what it started (Streamlit under `copydesk ui`)

cleanup() {
  for pid in "${servers[@]}"; do
    kill -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

started=$(date +%s)
say() { echo "wheel smoke [$(($(date +%s) - started)) s]: $*" >&2; }
fail() { echo "wheel smoke FAILED: $*" >&2; exit 1; }
free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Wait until URL answers 200 (60 s at most) while the server PID runs, or fail showing its log.
wait_for() {
  local url=$1 pid=$2 log=$3
  for _ in $(seq 120); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  cat "$log" >&2
  fail "$url did not answer (the server's log is above)"
}

# The working tree's files (tracked, and new ones not ignored), so a stale build/ or a file
# left out of git cannot hide a gap in the package data.
say "copying the source tree"
mkdir "$work/src"
git -C "$repo" ls-files -z --cached --others --exclude-standard \
  | (cd "$repo" && xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' _) \
  | tar -C "$repo" --null -T - -cf - | tar -C "$work/src" -xf -

say "building the wheel"
"$python" -m pip wheel -q --no-deps --wheel-dir "$work/dist" "$work/src" >/dev/null
wheel=$(ls "$work"/dist/copydesk-*.whl)

say "installing $(basename "$wheel") into a fresh virtualenv"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q "$wheel"
copydesk="$work/venv/bin/copydesk"

mkdir "$work/project"
cd "$work/project"
installed=$("$work/venv/bin/python" -c 'import connectors; print(connectors.__file__)')
case "$installed" in
  "$work"/venv/*) ;;
  *) fail "copydesk was imported from $installed, not from the virtualenv" ;;
esac
sandbox_port=$(free_port)
say "copydesk init --sandbox, then copydesk sandbox on port $sandbox_port"
"$copydesk" init --sandbox --port "$sandbox_port"
"$copydesk" sandbox --port "$sandbox_port" >"$work/sandbox.log" 2>&1 &
servers+=($!)
wait_for "http://127.0.0.1:$sandbox_port/notion/_sandbox/stats" $! "$work/sandbox.log"

say "copydesk pull"
"$copydesk" pull
"$copydesk" log >"$work/log.txt"
grep -q "Product overview" "$work/log.txt" || fail "copydesk log does not list the seed's 'Product overview' page"
"$copydesk" status

ui_port=$(free_port)
say "copydesk ui on port $ui_port"
"$copydesk" ui --port "$ui_port" >"$work/ui.log" 2>&1 &
servers+=($!)
wait_for "http://127.0.0.1:$ui_port/_stcore/health" $! "$work/ui.log"
curl -fsS "http://127.0.0.1:$ui_port/" | grep -qi "<html" || fail "the review app's / is not its page"
# The server only proves the app file was found; rendering the queue proves its pages and the store load.
COPYDESK_CONFIG="$work/project/copydesk.toml" COPYDESK_ACTOR=smoke "$work/venv/bin/python" - <<'PY'
from importlib import resources

from streamlit.testing.v1 import AppTest

app = AppTest.from_file(str(resources.files("ui") / "app.py"), default_timeout=60).run()
if app.exception:
    raise SystemExit(f"the review app failed: {app.exception[0].message}")
if "Review queue" not in [title.value for title in app.title]:
    raise SystemExit("the review app did not render its queue page")
PY

say "copydesk init (no sandbox) in another empty directory"
"$copydesk" init --dir "$work/plain" >/dev/null
grep -q "^\[sources" "$work/plain/copydesk.toml" || fail "copydesk init wrote no sources"

say "passed"
