"""`make sweep-demo`: a sweep finds stale copy that came back behind copydesk's back.

1. the sandboxes and a fresh store in .demo-sweep/, the sample brief added, 2. a first sweep
(everything the brief retires, fixes staged), 3. the team handbook's fix approved (the reviewer
rewriting the retired claim the rules engine only flags) and applied,
4. a second sweep: the handbook is no longer stale, 5. a colleague pastes the old tagline
back in "Notion", 6. a third sweep finds it again, says why, and stages a fix. No keys.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import demo  # noqa: E402  (the demo's helpers: ports, steps, waiting for the sandbox)

ROOT = demo.ROOT
HERE = ROOT / ".demo-sweep"
PAGE = "HR: Team handbook"


def copydesk(*args: str, show: bool = True, actor: str = demo.WRITER) -> str:
    """A copydesk command as `actor` (COPYDESK_ACTOR), its output shown or returned."""
    if show:
        shown = "" if actor == demo.WRITER else f"COPYDESK_ACTOR={actor} "
        print(f"\033[2m$ {shown}copydesk {' '.join(args)}\033[0m", flush=True)
    done = subprocess.run([demo.COPYDESK, *args], cwd=HERE, check=True, capture_output=not show, text=True,
                          env=os.environ | {"COPYDESK_ACTOR": actor})
    return done.stdout or ""


def main() -> None:
    shutil.rmtree(HERE, ignore_errors=True)
    HERE.mkdir()
    port = demo.free_port()
    demo.step("1. Sandboxes, a fresh store and the sample brief")
    copydesk("init", "--sandbox", "--port", str(port))
    server = subprocess.Popen([demo.COPYDESK, "sandbox", "--port", str(port), "--no-rate-limit"], cwd=HERE)
    base_url = f"http://127.0.0.1:{port}/notion"
    try:
        demo.wait_until_up(base_url, server)
        copydesk("brief", "add", str(ROOT / "fixtures" / "briefs" / "ai-support-engineer.md"))
        demo.step("2. First sweep: pull everything, find what the brief makes stale, stage fixes")
        copydesk("sweep")
        demo.step(f"3. The {PAGE} fix is approved and applied")
        listed = json.loads(copydesk("changesets", "--status", "proposed", "--source", "notion", "--json", show=False))
        fix = str(next(c["id"] for c in listed if c["document_title"] == PAGE))
        edits = json.loads(copydesk("changeset", "show", fix, "--json", show=False))["edits"]
        rewrites = [f"{e['block']}={e['before'].replace('5 minutes', 'an afternoon')}" for e in edits
                    if e["reason"].startswith("retired claim")]  # the reviewer rewrites what rules only flag
        copydesk("rewrite", fix, *[arg for r in rewrites for arg in ("--edit", r)], actor="demo-reviewer")
        copydesk("approve", fix, actor="demo-lead")  # a rewrite is approved by someone other than its writer
        copydesk("apply", fix)
        demo.step(f"4. Second sweep: {PAGE!r} is no longer stale")
        copydesk("sweep")
        demo.step(f"5. A colleague pastes the old tagline back into {PAGE!r}, in Notion")
        shown = json.loads(copydesk("show", PAGE, "--json", show=False))
        block = next(b for b in shown["content"]["blocks"] if "AI support engineer" in b.get("text", ""))
        httpx.post(f"{base_url}/_sandbox/edit", json={"id": block["id"], "find": "AI support engineer",
                                                      "replace": "chatbot"}, timeout=10).raise_for_status()
        print(f"Someone changed 'AI support engineer' back to 'chatbot' on {PAGE!r}, outside copydesk.")
        demo.step("6. Third sweep: found again, with the rule that matched and the text")
        copydesk("sweep", "--markdown")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
