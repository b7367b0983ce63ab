"""`make demo`: the whole flow on the local sandboxes of Notion, Google Drive/Docs and
Webflow, with no accounts or keys.

1. `copydesk init --sandbox` in .demo/, 2. `copydesk sandbox` in the background,
3. `copydesk pull` (snapshot of both tools) and `copydesk log`, 4. someone edits a Notion
page and a Google Doc behind copydesk's back (the sandboxes' admin API), 5. `copydesk
status`, `copydesk pull` again and `copydesk diff` of both, 6. a changeset: staged by hand,
reviewed, approved, applied (a dry run first), then reverted, with the audit log, 7. a
positioning brief added and turned into proposed changesets by the offline rules engine,
8. one of them, on a Google Doc, approved, applied and reverted, 9. on Webflow, a CMS item
applied (staged), published and reverted, and a primary-locale page's manual step,
10. the review app opened on that queue (brief → queue → approve → apply → revert →
history, no terminal needed) until Ctrl-C. `--no-ui` (or no terminal on stdin) skips step 10. The sandbox is stopped at the end;
.demo/ is kept so you can go on with `cd .demo && ../.venv/bin/copydesk log`."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from connectors.sandbox.gdocs import GDOCS_SANDBOX_TOKEN
from connectors.sandbox.notion import SANDBOX_TOKEN

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / ".demo"
COPYDESK = str(Path(sys.executable).with_name("copydesk"))
PAGE = "Product overview"
FIND, REPLACE = "Setup in 5 minutes", "Setup in one afternoon"
STAGED = "Setup in under an hour"
DOC = "One-pager: HelpHive for support leaders"
DOC_FIND, DOC_REPLACE = "answers them first", "answers them before your agents wake up"
ITEM, STATIC_PAGE = "Citations on every answer", "Home"


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


WRITER, REVIEWER = "demo-writer", "demo-reviewer"  # two people: nobody approves their own change


def run(*args: str, actor: str = WRITER, check: bool = True) -> None:
    """A copydesk command as `actor` (copydesk knows who acts from COPYDESK_ACTOR)."""
    shown = "" if actor == WRITER else f"COPYDESK_ACTOR={actor} "
    print(f"\033[2m$ {shown}copydesk {' '.join(args)}\033[0m", flush=True)
    subprocess.run([COPYDESK, *args], cwd=DEMO, check=check, env=os.environ | {"COPYDESK_ACTOR": actor})


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


def edit_a_google_doc(base_url: str) -> None:
    """A salesperson fixes the one-pager's tagline in Google Docs, outside copydesk."""
    found = httpx.get(f"{base_url}/drive/v3/files", params={"q": f"name = '{DOC}' and trashed = false",
                                                            "fields": "files(id,name)"},
                      headers={"Authorization": f"Bearer {GDOCS_SANDBOX_TOKEN}"}, timeout=10).json()["files"]
    httpx.post(f"{base_url}/_sandbox/edit", json={"id": found[0]["id"], "find": DOC_FIND, "replace": DOC_REPLACE},
               timeout=10).raise_for_status()
    print(f"A salesperson changed {DOC_FIND!r} to {DOC_REPLACE!r} in the Google Doc {DOC!r}.")


def proposed_on(source: str, title: str) -> str:
    """The id of the proposed changeset on the document the demo follows in `source`."""
    listed = subprocess.run([COPYDESK, "changesets", "--source", source, "--status", "proposed", "--json"], cwd=DEMO,
                            check=True, capture_output=True, text=True)
    return str(next(c["id"] for c in json.loads(listed.stdout) if c["document_title"] == title))


def rewrite_flags(changeset: str) -> None:
    """The writer rewrites each retired claim the rules engine flagged (rules never rewrite a
    claim, and a flag left open blocks approval) along the brief's key messages."""
    shown = subprocess.run([COPYDESK, "changeset", "show", changeset, "--json"], cwd=DEMO, check=True,
                           capture_output=True, text=True)
    flagged = [edit for edit in json.loads(shown.stdout)["edits"] if edit["flag"]]
    if not flagged:
        return
    rewritten = {r"setup in 5 minutes": "live in an afternoon, with our team",
                 r"cut(s?) support tickets by 40%": r"resolve\1 tickets end to end",
                 r"the chatbot for your docs": "HelpHive"}  # flagged where the old tagline is a modifier
    args = []
    for edit in flagged:
        text = edit["after"]
        for said, meant in rewritten.items():
            text = re.sub(said, lambda m, meant=meant: _same_case(m.group(0), m.expand(meant)), text, flags=re.I)
        args += ["--edit", f"{edit['block']}={text}"]
    run("rewrite", changeset, *args)


def _same_case(said: str, meant: str) -> str:
    return meant[:1].upper() + meant[1:] if said[:1].isupper() else meant


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
    step("2. Start the local sandboxes: Notion, Google Drive + Docs, Webflow")
    server = subprocess.Popen([COPYDESK, "sandbox", "--port", str(port)], cwd=DEMO,
                              env=os.environ | {"PYTHONUNBUFFERED": "1"})
    base_url = f"http://127.0.0.1:{port}/notion"
    gdocs_url = f"http://127.0.0.1:{port}/gdocs"
    try:
        wait_until_up(base_url, server)
        step("3. Snapshot Notion, Google Drive and Webflow (rate-limited like the real APIs)")
        run("pull")
        step("4. History, like git log")
        run("log", "--limit", "12")
        run("show", PAGE)
        step("5. Someone edits a Notion page and a Google Doc behind copydesk's back")
        edit_behind_copydesks_back(base_url, SANDBOX_TOKEN)
        edit_a_google_doc(gdocs_url)
        run("status")
        step("6. Pull again: only what changed is fetched (Drive: one changes.list call)")
        run("pull")
        step("7. Word-level diffs of the last two revisions")
        run("diff", PAGE)
        run("diff", DOC)
        run("log", PAGE)
        step("8. Stage a change as a changeset, like a pull request")
        block_id, text = block_reading(REPLACE)
        run("stage", PAGE, "--block", block_id[:8], "--text", text.replace(REPLACE, STAGED),
            "--reason", "the brief promises an hour, not an afternoon")
        run("changeset", "show", "1")
        step("9. Its writer cannot approve it; a reviewer does, then it is applied (a dry run first prints "
             "exactly what would be sent)")
        run("approve", "1", check=False)
        run("approve", "1", actor=REVIEWER)
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
        step("12. On a Google Doc: approve, apply (one batchUpdate, styles kept), revert")
        doc_changeset = proposed_on("gdocs", DOC)
        run("changeset", "show", doc_changeset)
        rewrite_flags(doc_changeset)
        run("approve", doc_changeset, actor=REVIEWER)
        run("apply", doc_changeset)
        run("diff", DOC)
        run("revert", doc_changeset)
        step("13. On Webflow: a CMS item is written staged, published on purpose, then reverted")
        item_changeset = proposed_on("webflow", ITEM)
        rewrite_flags(item_changeset)
        run("approve", item_changeset, actor=REVIEWER)
        run("apply", item_changeset)
        run("publish", item_changeset)
        run("revert", item_changeset)
        step("14. A primary-locale Webflow page: its API cannot write it, so copydesk says exactly what to paste")
        page_changeset = proposed_on("webflow", STATIC_PAGE)
        rewrite_flags(page_changeset)
        run("approve", page_changeset, actor=REVIEWER)
        run("apply", page_changeset)
        print("The next `copydesk pull` checks the page: once it reads the new text, the changeset is applied.")
        if open_app:
            step("15. The review app: the same queue, for people who do not live in a terminal")
            review_app(free_port(8501))
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"\nDone. The store is in {DEMO / '.copydesk'}; try: cd .demo && ../.venv/bin/copydesk log "
          f"(and `copydesk sandbox --port {port}` beside `copydesk ui` to apply from the app)")


if __name__ == "__main__":
    main()
