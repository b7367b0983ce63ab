"""False-delete benchmark (not a test): full pulls of a generated Notion workspace whose search
leaves pages out and whose child listings fail, as the real API may.

Each of `--pulls` full pulls runs with the sandbox's `gaps`: search leaves out a random
`--omit` fraction of pages (drawn afresh for each listing) and each child listing fails with
probability `--fail` (404 and 503 in turn, pull by pull). Between pulls, `--deletes` stored
pages are really deleted (in turn trashed, and removed for good, which answers 404) and
`--edits` are edited. Counted after every pull:
- wrongly deleted: stored pages marked deleted that Notion still has (target 0);
- deletes detected: pages really deleted that the store marks deleted (target: all);
- what the old rule would have deleted: live stored pages the listing left out.

Reports JSON on stdout and in bench/results/false_deletes.json (progress on stderr). The
sandbox has no rate limit, the client no pacing: the figure is correctness, not speed.

    .venv/bin/python bench/false_deletes.py                       # 20 pulls of 1,000 pages
    .venv/bin/python bench/false_deletes.py --pages 200 --pulls 5
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import Any, Generator

import httpx

from connectors.document import DocumentRef
from connectors.notion import NotionConnector
from connectors.pacing import RetryPolicy
from connectors.protocol import Cursor, Listing
from connectors.sandbox.admin import SandboxAdminClient
from connectors.sandbox.server import SandboxServer
from staging.pull import pull
from staging.store import Store

RESULTS = Path(__file__).resolve().parent / "results" / "false_deletes.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1000, help="generated pages (default 1000)")
    parser.add_argument("--pulls", type=int, default=20, help="full pulls (default 20)")
    parser.add_argument("--omit", type=float, default=0.05, help="fraction search leaves out per listing (default 0.05)")
    parser.add_argument("--fail", type=float, default=0.05, help="chance a child listing fails (default 0.05)")
    parser.add_argument("--deletes", type=int, default=4, help="pages really deleted between pulls (default 4)")
    parser.add_argument("--edits", type=int, default=20, help="pages edited between pulls (default 20)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    results = run(args)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


def run(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(args.seed)
    started = time.monotonic()
    with SandboxServer(0, rate_limited=False) as server, tempfile.TemporaryDirectory() as tmp:
        endpoint = next(e for e in server.endpoints() if e.tool == "notion")
        admin = SandboxAdminClient(endpoint.base_url, endpoint.token, timeout=120)
        admin.post("generate", {"pages": args.pages, "seed": args.seed})
        store = Store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        deleted: set[str] = set()
        rounds = []
        for number in range(1, args.pulls + 1):
            if number > 1:
                live = sorted(d.remote_id for d in store.documents("notion") if d.status == "live")
                doomed = rng.sample([i for i in live if i not in deleted], args.deletes)
                for n, page_id in enumerate(doomed):
                    _trash(endpoint.base_url, endpoint.token, page_id) if n % 2 else admin.post("remove", {"id": page_id})
                deleted |= set(doomed)
                for page_id in rng.sample([i for i in live if i not in deleted], args.edits):
                    admin.post("edit", {"id": page_id, "find": " ", "replace": "  "})
            admin.post("gaps", {"search_omits": args.omit, "children_fail": args.fail, "seed": args.seed + number,
                                "children_status": 404 if number % 2 else 503})
            rounds.append(_one_pull(store, endpoint.base_url, endpoint.token, deleted, number))
        admin.close()
        store.close()
    wrongly = rounds[-1]["wrongly_deleted"]
    return {
        "pages": args.pages, "pulls": args.pulls, "search_omits": args.omit, "children_fail": args.fail,
        "really_deleted": len(deleted),
        "wrongly_deleted_at_end": wrongly,
        "wrongly_deleted_in_any_pull": max(r["wrongly_deleted"] for r in rounds),
        "deletes_detected_at_end": rounds[-1]["deletes_detected"],
        "old_rule_would_have_deleted": sum(r["left_out_by_search"] for r in rounds),
        "not_captured_total": sum(r["not_captured"] for r in rounds),
        "seconds": round(time.monotonic() - started, 1),
        "rounds": rounds,
    }


class RecordingNotion(NotionConnector):
    """The connector, noting which pages its listing named (to count what search left out)."""

    def __init__(self, token: str, **options: Any) -> None:
        super().__init__(token, **options)
        self.listed: set[str] = set()

    def list_changed(self, since: Cursor | None) -> Listing:
        inner = super().list_changed(since)
        self.listed = set()

        def recording() -> Generator[DocumentRef, None, Cursor | None]:
            for ref in inner:
                self.listed.add(ref.remote_id)
                yield ref
            return inner.cursor

        return Listing(recording())


def _one_pull(store: Store, base_url: str, token: str, deleted: set[str],
              number: int) -> dict[str, Any]:
    before = {d.remote_id for d in store.documents("notion") if d.status == "live"}
    retry = RetryPolicy(attempts=4, backoff=0.01, max_wait=0.1)
    with closing(RecordingNotion(token, base_url=base_url, rate=None, retry=retry)) as connector:
        report = pull(store, connector, full=True)
        left_out = (before - deleted) - connector.listed
    statuses = {d.remote_id: d.status for d in store.documents("notion")}
    wrongly = sorted(i for i, status in statuses.items() if status == "deleted" and i not in deleted)
    detected = sum(1 for i in deleted if statuses.get(i) == "deleted")
    row = {"pull": number, "listed": report.listed, "fetched": report.fetched, "requests": report.requests,
           "left_out_by_search": len(left_out),
           "not_captured": len(report.not_captured), "deleted": report.deleted, "wrongly_deleted": len(wrongly),
           "deletes_detected": detected, "really_deleted_so_far": len(deleted)}
    say(f"pull {number}: {json.dumps(row)}")
    return row


def _trash(base_url: str, token: str, page_id: str) -> None:
    httpx.patch(f"{base_url}/v1/pages/{page_id}", json={"in_trash": True}, timeout=30,
                headers={"Authorization": f"Bearer {token}", "Notion-Version": "2025-09-03"}).raise_for_status()


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
