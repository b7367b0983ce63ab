"""`make demo`: the whole foundation flow on the local sandbox, with no accounts or keys.

1. `copydesk init --sandbox` in .demo/, 2. `copydesk sandbox` in the background,
3. `copydesk pull` (snapshot) and `copydesk log`, 4. someone edits a page in "Notion"
behind copydesk's back (the sandbox admin API), 5. `copydesk status`, `copydesk pull` again
and `copydesk diff` of the page, 6. a changeset: staged by hand, reviewed, approved, applied
(a dry run first), then reverted, with the audit log, 7. a positioning brief added and
turned into proposed changesets by the offline rules engine, 8. the review app opened on
that queue (brief → queue → approve → apply → revert → history, no terminal needed) until
Ctrl-C. `--no-ui` (or no terminal on stdin) skips step 8. The sandbox is stopped at the end;
.demo/ is kept so you can go on with `cd .demo && ../.venv/bin/copydesk log`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from connectors.sandbox.notion import SANDBOX_TOKEN

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / ".demo"
COPYDESK = str(Path(sys.executable).with_name("copydesk"))
PAGE = "Product overview"
FIND, REPLACE = "Setup in 5 minutes", "Setup in one afternoon"
STAGED = "Setup in under an hour"


def free_port(preferred: int = 8700) -> int:
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
                return probe.getsockname()[1]
            except OSError:
                continue
    raise SystemExit("no free port on 127.0.0.1")


def step(title: str) -> None:
    print(f"\n\033[1;36m== {title}\033[0m", flush=True)


def run(*args: str) -> None:
    print(f"\033[2m$ copydesk {' '.join(args)}\033[0m", flush=True)
    subprocess.run([COPYDESK, *args], cwd=DEMO, check=True)


def wait_until_up(base_url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the sandbox exited early; see the output above")
        try:
            httpx.get(f"{base_url}/_sandbox/stats", timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("the sandbox did not come up within 20 s")


def block_reading(text: str) -> tuple[str, str]:
    """The id and full text of the page's first block containing `text`, via `show --json`."""
    shown = subprocess.run([COPYDESK, "show", PAGE, "--json"], cwd=DEMO, check=True, capture_output=True, text=True)
    blocks = json.loads(shown.stdout)["content"]["blocks"]
    block = next(b for b in blocks if text in b.get("text", "") and b.get("kind") == "paragraph")
    return block["id"], block["text"]


def edit_behind_copydesks_back(base_url: str, token: str) -> None:
    found = httpx.post(
        f"{base_url}/v1/search",
        json={"query": PAGE, "filter": {"property": "object", "value": "page"}},
        headers={"Authorization": f"Bearer {token}", "Notion-Version": "2025-09-03"},
        timeout=10,
    ).json()["results"]
    edited = httpx.post(f"{base_url}/_sandbox/edit", json={"id": found[0]["id"], "find": FIND, "replace": REPLACE},
                        timeout=10)
    edited.raise_for_status()
    print(f"A colleague changed {FIND!r} to {REPLACE!r} on {PAGE!r} directly in Notion.")


def review_app(port: int) -> None:
    """Serve the review app on the demo's store until Ctrl-C, opening the browser if there is one."""
    print(f"The review app opens at http://127.0.0.1:{port} with the proposed changesets in its queue: open one, "
          "approve, apply and revert it with a click. Ctrl-C stops the app and the sandbox.", flush=True)
    try:
        subprocess.run([COPYDESK, "ui", "--port", str(port), "--open"], cwd=DEMO)
    except KeyboardInterrupt:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-ui", action="store_true", help="Stop after proposing; do not open the review app.")
    open_app = not parser.parse_args().no_ui and sys.stdin.isatty()
    shutil.rmtree(DEMO, ignore_errors=True)
    DEMO.mkdir()
    port = free_port()
    step("1. Configure copydesk for the local sandbox")
    run("init", "--sandbox", "--port", str(port))
    step("2. Start the local Notion sandbox")
    server = subprocess.Popen([COPYDESK, "sandbox", "--port", str(port)], cwd=DEMO,
                              env=os.environ | {"PYTHONUNBUFFERED": "1"})
    base_url = f"http://127.0.0.1:{port}/notion"
    try:
        wait_until_up(base_url, server)
        step("3. Snapshot the workspace (rate-limited like Notion: about 3 requests a second)")
        run("pull")
        step("4. History, like git log")
        run("log", "--limit", "12")
        run("show", PAGE)
        step("5. Someone edits a page behind copydesk's back")
        edit_behind_copydesks_back(base_url, SANDBOX_TOKEN)
        run("status")
        step("6. Pull again: only what changed is fetched")
        run("pull")
        step("7. Word-level diff of the page's last two revisions")
        run("diff", PAGE)
        run("log", PAGE)
        step("8. Stage a change as a changeset, like a pull request")
        block_id, text = block_reading(REPLACE)
        run("stage", PAGE, "--block", block_id[:8], "--text", text.replace(REPLACE, STAGED),
            "--reason", "the brief promises an hour, not an afternoon")
        run("changeset", "show", "1")
        step("9. Review and approve, then apply (a dry run first prints exactly what would be sent)")
        run("approve", "1", "--as", "demo-reviewer")
        run("apply", "1", "--dry-run")
        run("apply", "1")
        run("diff", PAGE)
        step("10. Revert it with one command: the block comes back exactly as it was")
        run("revert", "1")
        run("changesets")
        run("events", "--changeset", "1")
        run("log", PAGE)
        step("11. A positioning brief becomes changesets (offline rules engine: no model, no API key)")
        run("brief", "add", str(ROOT / "fixtures" / "briefs" / "ai-support-engineer.md"))
        run("brief", "show")
        run("propose")
        run("changesets", "--status", "proposed")
        if open_app:
            step("12. The review app: the same queue, for people who do not live in a terminal")
            review_app(free_port(8501))
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"\nDone. The store is in {DEMO / '.copydesk'}; try: cd .demo && ../.venv/bin/copydesk log "
          f"(and `copydesk sandbox --port {port}` beside `copydesk ui` to apply from the app)")


if __name__ == "__main__":
    main()
