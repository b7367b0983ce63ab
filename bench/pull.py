"""Pull benchmark (not a test): a synthetic workspace behind the rate-limited sandbox.

Reports as JSON on stdout (progress goes to stderr):
1. full-pull throughput as a ratio of the allowed rate (target ≥ 0.9) and failed requests (target 0);
2. requests made by a re-pull after N pages changed (target ≤ N page fetches + the block-list
   calls of those pages + the search calls needed to reach the cursor);
3. store growth after 10 re-pulls of the unchanged workspace (target < 1 %).

`--source gdocs` runs the same on a synthetic Google Drive (one folder of N Google Docs) with
the sandbox limiting at Google's per-user budgets (Docs: 300 reads/min; Drive: see
connectors/sandbox/gdocs.py) and the connector at its client rate GDOCS_RATE (5 requests/s).
Its re-pull target is N documents.get + at most 2 changes.list calls; the requests of each
pull are also reported by route (the sandbox's `/_sandbox/stats`).

    .venv/bin/python bench/pull.py                 # 1,000 pages at Notion's 3 requests/s (~12 min)
    .venv/bin/python bench/pull.py --pages 200 --rate 10
    .venv/bin/python bench/pull.py --source gdocs  # 1,000 Google Docs at 5 requests/s (~3.5 min)
    .venv/bin/python bench/pull.py --source gdocs --docs 200

`--source webflow` runs it on the Webflow sandbox's site plus a synthetic "Benchmark Posts"
collection of N items (`_sandbox/generate`), the sandbox limiting at the plan's budget
(`--per-minute`, 60 for Starter/Basic, 120 for CMS/Business) and the connector at the same rate.
Items come 100 per list call and carry their fieldData, so the re-pull target is ≤ N fetches
(item or page reads, `GET …/items/{id}` and `GET /v2/pages/{id}/dom`) beyond the listing calls.

    .venv/bin/python bench/pull.py --source webflow                    # 1,000 items at 60 requests/min
    .venv/bin/python bench/pull.py --source webflow --per-minute 120   # the CMS/Business plan
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import Any, Callable

from connectors.gdocs import GDOCS_RATE, GDocsConnector, credentials_from
from connectors.notion import NotionConnector
from connectors.protocol import Connector
from connectors.sandbox.admin import SandboxAdminClient
from connectors.sandbox.gdocs import GDOCS_ROOT_FOLDER_ID
from connectors.sandbox.server import SandboxServer
from connectors.sandbox.webflow import WEBFLOW_SITE_ID
from connectors.webflow import WebflowConnector
from staging.pull import PullReport, pull
from staging.store import Store

# Reads beyond the listing calls: an item read, a page's metadata or DOM.
WEBFLOW_FETCH_ROUTES = ("GET /v2/collections/{id}/items/{id}", "GET /v2/pages/{id}", "GET /v2/pages/{id}/dom")
WEBFLOW_LIST_ROUTES = ("GET /v2/sites/{id}", "GET /v2/sites/{id}/collections", "GET /v2/collections/{id}/items",
                       "GET /v2/sites/{id}/pages")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", choices=("notion", "gdocs", "webflow"), default="notion", help="the tool (default notion)")
    parser.add_argument("--pages", type=int, default=1000, help="synthetic Notion pages (default 1000)")
    parser.add_argument("--docs", type=int, default=1000, help="synthetic Google Docs (--source gdocs; default 1000)")
    parser.add_argument("--items", type=int, default=1000, help="synthetic CMS items (--source webflow; default 1000)")
    parser.add_argument("--per-minute", type=int, default=60,
                        help="Webflow's budget, server and client (--source webflow; 60 or 120 by plan)")
    parser.add_argument("--rate", type=float, default=None,
                        help=f"allowed requests/s, server and client (default 3 for notion, {GDOCS_RATE:g} for gdocs)")
    parser.add_argument("--changed", type=int, default=10, help="pages edited before the re-pull (default 10)")
    parser.add_argument("--repulls", type=int, default=10, help="unchanged re-pulls for the growth figure")
    args = parser.parse_args()
    print(json.dumps({"notion": notion, "gdocs": gdocs, "webflow": webflow}[args.source](args), indent=2))


class Bench:
    """One tool's run: its sandbox's admin, a fresh SQLite store, and new connectors at the
    client rate. The three measurements every tool shares are its methods."""

    def __init__(self, admin: SandboxAdminClient, db: Path, connector: Callable[[], Connector], rate: float) -> None:
        self.admin, self.db, self.connector, self.rate = admin, db, connector, rate
        self.store = Store(f"sqlite:///{db}")

    def full_pull(self, what: str) -> tuple[PullReport, dict[str, Any]]:
        """The first pull and its throughput against the allowed rate (target ≥ 0.9)."""
        say(f"full pull of {what} ...")
        started = time.monotonic()
        report = self.pull()
        seconds = time.monotonic() - started
        stats = self.admin.stats()
        return report, {"requests": report.requests, "by_route": stats["routes"], "fetched": report.fetched,
                        "seconds": round(seconds, 1), "requests_per_second": round(report.requests / seconds, 3),
                        "ratio_of_allowed_rate": round(report.requests / seconds / self.rate, 3),
                        "documents_per_second": round(report.listed / seconds, 1),
                        "failed_requests": stats["rate_limited"] + stats["faults_served"]}

    def repull(self, changed: int) -> tuple[PullReport, dict[str, int], float]:
        """A pull after `changed` documents were edited: its report, requests by route, seconds."""
        say(f"re-pull after {changed} edits ...")
        with self.calls() as calls:
            started = time.monotonic()
            report = self.pull()
            seconds = time.monotonic() - started
        return report, calls, seconds

    def growth(self, repulls: int) -> dict[str, Any]:
        """What `repulls` pulls of an unchanged workspace cost and add to the store (target < 1 %)."""
        say(f"{repulls} unchanged re-pulls ...")
        size_before, blobs_before = store_bytes(self.db), self.store.blob_stats()
        with self.calls() as calls:
            quiet = [self.pull() for _ in range(repulls)]
        size_after, blobs_after = store_bytes(self.db), self.store.blob_stats()
        return {"repulls": repulls, "requests_per_repull": [r.requests for r in quiet],
                "fetched_per_repull": [r.fetched for r in quiet], "by_route": calls,
                "bytes_before": size_before, "bytes_after": size_after,
                "growth_percent": round(100 * (size_after - size_before) / size_before, 3),
                "blobs_before": blobs_before["blobs"], "blobs_after": blobs_after["blobs"],
                "revisions_before": blobs_before["revisions"], "revisions_after": blobs_after["revisions"]}

    def pull(self) -> PullReport:
        """One pull on a new connector (its own pacing and counts), closed afterwards."""
        with closing(self.connector()) as connector:
            return pull(self.store, connector)

    def failed_requests(self) -> int:
        stats = self.admin.stats()
        return stats["rate_limited"] + stats["faults_served"]

    def calls(self) -> RouteCounter:
        return RouteCounter(self.admin)

    def close(self) -> None:
        self.store.close()
        self.admin.close()


class RouteCounter(dict):
    """Within a `with`, fills itself with the requests the sandbox served by route (the
    routes that moved only)."""

    def __init__(self, admin: SandboxAdminClient) -> None:
        super().__init__()
        self.admin = admin

    def __enter__(self) -> RouteCounter:
        self.before = self.admin.routes()
        return self

    def __exit__(self, *_: object) -> None:
        after = self.admin.routes()
        self.update({route: n - self.before.get(route, 0) for route, n in sorted(after.items())
                     if n != self.before.get(route, 0)})


def notion(args: argparse.Namespace) -> dict[str, Any]:
    rate = 3.0 if args.rate is None else args.rate
    with SandboxServer(0, rates={"notion": rate}) as server, tempfile.TemporaryDirectory() as tmp:
        endpoint = server.endpoints()[0]
        admin = SandboxAdminClient(endpoint.base_url, endpoint.token, timeout=120)
        admin.post("generate", {"pages": args.pages})
        bench = Bench(admin, Path(tmp) / "bench.db", rate=rate,
                      connector=lambda: NotionConnector(endpoint.token, base_url=endpoint.base_url, rate=rate))
        _, full = bench.full_pull(f"{args.pages} pages at {rate:g} requests/s")
        for page_id in random.Random(1).sample([d.remote_id for d in bench.store.documents("notion")], args.changed):
            admin.post("edit", {"id": page_id, "find": " ", "replace": "  "})
        repull, calls, seconds = bench.repull(args.changed)
        budget = args.changed + args.changed + calls.get("POST /v1/search", 0)
        results = {
            "pages": args.pages,
            "rate_allowed": rate,
            "full_pull": full,
            "repull_after_changes": {"changed_pages": args.changed, "requests": repull.requests,
                                     "seconds": round(seconds, 1), "by_route": calls, "fetched": repull.fetched,
                                     "changed": repull.changed, "budget": budget,
                                     "within_budget": repull.requests <= budget},
            "store_growth": bench.growth(args.repulls),
            "failed_requests_total": bench.failed_requests(),
        }
        bench.close()
    return results


def gdocs(args: argparse.Namespace) -> dict[str, Any]:
    """The benchmark on a synthetic Drive: Google's per-user limits on the server, GDOCS_RATE on the client."""
    rate = GDOCS_RATE if args.rate is None else args.rate
    with SandboxServer(0) as server, tempfile.TemporaryDirectory() as tmp:
        endpoint = next(e for e in server.endpoints() if e.tool == "gdocs")
        admin = SandboxAdminClient(endpoint.base_url, endpoint.token, timeout=120)
        # Google's Docs budget is 300 reads/min per user, i.e. GDOCS_RATE; a --rate beyond it moves the budget along.
        admin.post("rate_limit", {"enabled": True, "reads_per_minute": max(300.0, rate * 60)})
        admin.post("generate", {"docs": args.docs, "seed": 7})
        credentials = credentials_from(token=endpoint.token)
        bench = Bench(admin, Path(tmp) / "bench.db", rate=rate,
                      connector=lambda: GDocsConnector(credentials, base_url=endpoint.base_url,
                                                       folders=[GDOCS_ROOT_FOLDER_ID], rate=rate))
        _, full = bench.full_pull(f"{args.docs} Google Docs at {rate:g} requests/s")
        for document_id in random.Random(1).sample([d.remote_id for d in bench.store.documents("gdocs")],
                                                   args.changed):
            admin.post("edit", {"id": document_id, "find": " ", "replace": "  "})
        repull, calls, seconds = bench.repull(args.changed)
        fetches, change_lists = calls.get("GET /v1/documents/{id}", 0), calls.get("GET /drive/v3/changes", 0)
        results = {
            "source": "gdocs",
            "docs": args.docs,
            "rate_allowed": rate,
            "server_rate_limit": admin.stats()["rate_limit"],
            "full_pull": full,
            "repull_after_changes": {"changed_docs": args.changed, "requests": repull.requests,
                                     "seconds": round(seconds, 1), "by_route": calls, "fetches": fetches,
                                     "change_list_calls": change_lists, "fetched": repull.fetched,
                                     "changed": repull.changed,
                                     "target": f"<= {args.changed} fetches + 2 change-list calls",
                                     "within_target": fetches <= args.changed and change_lists <= 2},
            "store_growth": bench.growth(args.repulls),
            "failed_requests_total": bench.failed_requests(),
        }
        bench.close()
    return results


def webflow(args: argparse.Namespace) -> dict[str, Any]:
    """The benchmark on the Webflow sandbox: the plan's per-minute budget on the server and the client."""
    per_minute = args.per_minute
    rate = per_minute / 60 if args.rate is None else args.rate
    with SandboxServer(0) as server, tempfile.TemporaryDirectory() as tmp:
        endpoint = next(e for e in server.endpoints() if e.tool == "webflow")
        admin = SandboxAdminClient(endpoint.base_url, endpoint.token, timeout=120)
        admin.post("reset")
        admin.post("rate_limit", {"enabled": True, "per_minute": per_minute})
        collection_id = admin.post("generate", {"items": args.items, "seed": 7})["collection_id"]
        bench = Bench(admin, Path(tmp) / "bench.db", rate=per_minute / 60,
                      connector=lambda: WebflowConnector(endpoint.token, base_url=endpoint.base_url,
                                                         site_id=WEBFLOW_SITE_ID, rate=rate))
        full_report, full = bench.full_pull(f"the site + {args.items} items at {per_minute}/min "
                                            f"(client {rate:g} requests/s)")
        items = sorted(d.remote_id for d in bench.store.documents("webflow")
                       if d.remote_id.startswith(f"item:{collection_id}:"))
        for remote_id in random.Random(1).sample(items, args.changed):
            admin.post("edit", {"item": remote_id.rsplit(":", 1)[1], "field": "summary",
                                "find": "HelpHive", "replace": "HelpHive AI"})
        repull, calls, seconds = bench.repull(args.changed)
        fetches = sum(n for route, n in calls.items() if route in WEBFLOW_FETCH_ROUTES)
        listing = sum(n for route, n in calls.items() if route in WEBFLOW_LIST_ROUTES)
        results = {
            "source": "webflow",
            "items": args.items,
            "documents_listed": full_report.listed,
            "rate_allowed_per_minute": per_minute,
            "client_rate_per_second": rate,
            "server_rate_limit": admin.stats()["rate_limit"],
            "full_pull": full,
            "repull_after_changes": {"changed_items": args.changed, "requests": repull.requests,
                                     "seconds": round(seconds, 1), "by_route": calls, "listing_calls": listing,
                                     "fetches_beyond_listing": fetches,
                                     "other_requests": repull.requests - listing - fetches,
                                     "fetched": repull.fetched, "changed": repull.changed,
                                     "target": f"<= {args.changed} fetches beyond the listing calls",
                                     "within_target": fetches <= args.changed and repull.changed == args.changed},
            "store_growth": bench.growth(args.repulls),
            "failed_requests_total": bench.failed_requests(),
        }
        bench.close()
    return results


def store_bytes(db: Path) -> int:
    """Bytes the SQLite store occupies once its WAL is checkpointed."""
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages, size = connection.execute("PRAGMA page_count").fetchone()[0], connection.execute("PRAGMA page_size").fetchone()[0]
    return pages * size


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
