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
from pathlib import Path

import httpx

from connectors.gdocs import GDOCS_RATE, GDocsConnector, credentials_from
from connectors.notion import NotionConnector
from connectors.sandbox.gdocs import GDOCS_ROOT_FOLDER_ID
from connectors.sandbox.webflow import WEBFLOW_SITE_ID
from connectors.webflow import WebflowConnector
from connectors.sandbox.server import SandboxServer
from staging.pull import pull
from staging.store import Store


def store_bytes(db: Path) -> int:
    """Bytes the SQLite store occupies once its WAL is checkpointed."""
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages, size = connection.execute("PRAGMA page_count").fetchone()[0], connection.execute("PRAGMA page_size").fetchone()[0]
    return pages * size


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
    if args.source == "gdocs":
        gdocs(args)
        return
    if args.source == "webflow":
        webflow(args)
        return
    args.rate = 3.0 if args.rate is None else args.rate

    with SandboxServer(0, notion_rate=args.rate) as server, tempfile.TemporaryDirectory() as tmp:
        endpoint = server.endpoints()[0]
        admin = f"{endpoint.base_url}/_sandbox"
        httpx.post(f"{admin}/generate", json={"pages": args.pages}, timeout=120).raise_for_status()
        db = Path(tmp) / "bench.db"
        store = Store(f"sqlite:///{db}")

        def connector() -> NotionConnector:
            return NotionConnector(endpoint.token, base_url=endpoint.base_url, rate=args.rate)

        print(f"full pull of {args.pages} pages at {args.rate} requests/s ...", file=sys.stderr, flush=True)
        started = time.monotonic()
        full = pull(store, connector())
        elapsed = time.monotonic() - started
        stats = httpx.get(f"{admin}/stats").json()
        throughput = full.requests / elapsed

        pages = [d.remote_id for d in store.documents("notion")]
        edited = random.Random(1).sample(pages, args.changed)
        for page_id in edited:
            httpx.post(f"{admin}/edit", json={"id": page_id, "find": " ", "replace": "  "}).raise_for_status()
        before_routes = httpx.get(f"{admin}/stats").json()["routes"]
        repull = pull(store, connector())
        after_routes = httpx.get(f"{admin}/stats").json()["routes"]
        calls = {route: after_routes.get(route, 0) - before_routes.get(route, 0) for route in after_routes}
        searches = calls.get("POST /v1/search", 0)
        budget = args.changed + args.changed + searches

        size_before, blobs_before = store_bytes(db), store.blob_stats()
        for _ in range(args.repulls):
            pull(store, connector())
        size_after, blobs_after = store_bytes(db), store.blob_stats()
        growth = (size_after - size_before) / size_before

        results = {
            "pages": args.pages,
            "rate_allowed": args.rate,
            "full_pull": {
                "requests": full.requests,
                "seconds": round(elapsed, 1),
                "requests_per_second": round(throughput, 3),
                "ratio_of_allowed_rate": round(throughput / args.rate, 3),
                "failed_requests": stats["rate_limited"] + stats["faults_served"],
            },
            "repull_after_changes": {
                "changed_pages": args.changed,
                "requests": repull.requests,
                "by_route": calls,
                "fetched": repull.fetched,
                "changed": repull.changed,
                "budget": budget,
                "within_budget": repull.requests <= budget,
            },
            "store_growth": {
                "repulls": args.repulls,
                "bytes_before": size_before,
                "bytes_after": size_after,
                "growth_percent": round(100 * growth, 3),
                "blobs_before": blobs_before["blobs"],
                "blobs_after": blobs_after["blobs"],
                "revisions_before": blobs_before["revisions"],
                "revisions_after": blobs_after["revisions"],
            },
        }
        store.close()
    print(json.dumps(results, indent=2))


def routes_delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """Requests per route between two `/_sandbox/stats` readings (routes that moved only)."""
    return {route: n - before.get(route, 0) for route, n in sorted(after.items()) if n != before.get(route, 0)}


def gdocs(args: argparse.Namespace) -> None:
    """The benchmark on a synthetic Drive: Google's per-user limits on the server, GDOCS_RATE on the client."""
    rate = GDOCS_RATE if args.rate is None else args.rate
    with SandboxServer(0) as server, tempfile.TemporaryDirectory() as tmp:
        endpoint = next(e for e in server.endpoints() if e.tool == "gdocs")
        admin = f"{endpoint.base_url}/_sandbox"
        http = httpx.Client(timeout=120)
        # Google's Docs budget is 300 reads/min per user, i.e. GDOCS_RATE; a --rate beyond it moves the budget along.
        limits = http.post(f"{admin}/rate_limit", json={"enabled": True, "reads_per_minute": max(300.0, rate * 60)})
        limits.raise_for_status()
        http.post(f"{admin}/generate", json={"docs": args.docs, "seed": 7}).raise_for_status()
        db = Path(tmp) / "bench.db"
        store = Store(f"sqlite:///{db}")
        credentials = credentials_from(token=endpoint.token)

        def connector() -> GDocsConnector:
            return GDocsConnector(credentials, base_url=endpoint.base_url, folders=[GDOCS_ROOT_FOLDER_ID], rate=rate)

        def stats() -> dict:
            return http.get(f"{admin}/stats").json()

        print(f"full pull of {args.docs} Google Docs at {rate:g} requests/s ...", file=sys.stderr, flush=True)
        started = time.monotonic()
        full = pull(store, connector())
        elapsed = time.monotonic() - started
        after_full = stats()
        throughput = full.requests / elapsed

        docs = [d.remote_id for d in store.documents("gdocs")]
        edited = random.Random(1).sample(docs, args.changed)
        for document_id in edited:
            http.post(f"{admin}/edit", json={"id": document_id, "find": " ", "replace": "  "}).raise_for_status()
        before_routes = stats()["routes"]
        repull = pull(store, connector())
        calls = routes_delta(before_routes, stats()["routes"])
        fetches = calls.get("GET /v1/documents/{id}", 0)
        change_lists = calls.get("GET /drive/v3/changes", 0)

        size_before, blobs_before = store_bytes(db), store.blob_stats()
        before_routes = stats()["routes"]
        quiet = [pull(store, connector()).requests for _ in range(args.repulls)]
        quiet_calls = routes_delta(before_routes, stats()["routes"])
        size_after, blobs_after = store_bytes(db), store.blob_stats()
        growth = (size_after - size_before) / size_before
        final = stats()

        results = {
            "source": "gdocs",
            "docs": args.docs,
            "rate_allowed": rate,
            "server_rate_limit": after_full["rate_limit"],
            "full_pull": {
                "requests": full.requests,
                "by_route": after_full["routes"],
                "fetched": full.fetched,
                "seconds": round(elapsed, 1),
                "requests_per_second": round(throughput, 3),
                "ratio_of_allowed_rate": round(throughput / rate, 3),
                "failed_requests": after_full["rate_limited"] + after_full["faults_served"],
            },
            "repull_after_changes": {
                "changed_docs": args.changed,
                "requests": repull.requests,
                "by_route": calls,
                "fetches": fetches,
                "change_list_calls": change_lists,
                "fetched": repull.fetched,
                "changed": repull.changed,
                "target": f"<= {args.changed} fetches + 2 change-list calls",
                "within_target": fetches <= args.changed and change_lists <= 2,
            },
            "store_growth": {
                "repulls": args.repulls,
                "requests_per_repull": quiet,
                "by_route": quiet_calls,
                "bytes_before": size_before,
                "bytes_after": size_after,
                "growth_percent": round(100 * growth, 3),
                "blobs_before": blobs_before["blobs"],
                "blobs_after": blobs_after["blobs"],
                "revisions_before": blobs_before["revisions"],
                "revisions_after": blobs_after["revisions"],
            },
            "failed_requests_total": final["rate_limited"] + final["faults_served"],
        }
        store.close()
        http.close()
    print(json.dumps(results, indent=2))


# Reads beyond the listing calls: an item read, a page's metadata or DOM.
WEBFLOW_FETCH_ROUTES = ("GET /v2/collections/{id}/items/{id}", "GET /v2/pages/{id}", "GET /v2/pages/{id}/dom")
WEBFLOW_LIST_ROUTES = ("GET /v2/sites/{id}", "GET /v2/sites/{id}/collections", "GET /v2/collections/{id}/items",
                       "GET /v2/sites/{id}/pages")


def webflow(args: argparse.Namespace) -> None:
    """The benchmark on the Webflow sandbox: the plan's per-minute budget on the server and the client."""
    per_minute = args.per_minute
    rate = per_minute / 60 if args.rate is None else args.rate
    with SandboxServer(0) as server, tempfile.TemporaryDirectory() as tmp:
        endpoint = next(e for e in server.endpoints() if e.tool == "webflow")
        admin = f"{endpoint.base_url}/_sandbox"
        http = httpx.Client(timeout=120)
        http.post(f"{admin}/reset").raise_for_status()
        http.post(f"{admin}/rate_limit", json={"enabled": True, "per_minute": per_minute}).raise_for_status()
        generated = http.post(f"{admin}/generate", json={"items": args.items, "seed": 7})
        generated.raise_for_status()
        collection_id = generated.json()["collection_id"]
        db = Path(tmp) / "bench.db"
        store = Store(f"sqlite:///{db}")

        def connector() -> WebflowConnector:
            return WebflowConnector(endpoint.token, base_url=endpoint.base_url, site_id=WEBFLOW_SITE_ID, rate=rate)

        def stats() -> dict:
            return http.get(f"{admin}/stats").json()

        def split(calls: dict[str, int]) -> tuple[int, int]:
            fetches = sum(n for route, n in calls.items() if route in WEBFLOW_FETCH_ROUTES)
            listing = sum(n for route, n in calls.items() if route in WEBFLOW_LIST_ROUTES)
            return fetches, listing

        print(f"full pull of the site + {args.items} items at {per_minute}/min (client {rate:g} requests/s) ...",
              file=sys.stderr, flush=True)
        started = time.monotonic()
        full = pull(store, connector())
        elapsed = time.monotonic() - started
        after_full = stats()
        throughput = full.requests / elapsed

        items = sorted(d.remote_id for d in store.documents("webflow") if d.remote_id.startswith(f"item:{collection_id}:"))
        edited = random.Random(1).sample(items, args.changed)
        for remote_id in edited:
            http.post(f"{admin}/edit", json={"item": remote_id.rsplit(":", 1)[1], "field": "summary",
                                             "find": "HelpHive", "replace": "HelpHive AI"}).raise_for_status()
        print(f"re-pull after {args.changed} item edits ...", file=sys.stderr, flush=True)
        before_routes = stats()["routes"]
        started = time.monotonic()
        repull = pull(store, connector())
        repull_seconds = time.monotonic() - started
        calls = routes_delta(before_routes, stats()["routes"])
        fetches, listing_calls = split(calls)

        print(f"{args.repulls} unchanged re-pulls ...", file=sys.stderr, flush=True)
        size_before, blobs_before = store_bytes(db), store.blob_stats()
        before_routes = stats()["routes"]
        quiet = [pull(store, connector()) for _ in range(args.repulls)]
        quiet_calls = routes_delta(before_routes, stats()["routes"])
        size_after, blobs_after = store_bytes(db), store.blob_stats()
        growth = (size_after - size_before) / size_before
        final = stats()

        results = {
            "source": "webflow",
            "items": args.items,
            "documents_listed": full.listed,
            "rate_allowed_per_minute": per_minute,
            "client_rate_per_second": rate,
            "server_rate_limit": after_full["rate_limit"],
            "full_pull": {
                "requests": full.requests,
                "by_route": after_full["routes"],
                "fetched": full.fetched,
                "seconds": round(elapsed, 1),
                "requests_per_second": round(throughput, 3),
                "ratio_of_allowed_rate": round(throughput / (per_minute / 60), 3),
                "documents_per_second": round(full.listed / elapsed, 1),
                "failed_requests": after_full["rate_limited"] + after_full["faults_served"],
            },
            "repull_after_changes": {
                "changed_items": args.changed,
                "requests": repull.requests,
                "seconds": round(repull_seconds, 1),
                "by_route": calls,
                "listing_calls": listing_calls,
                "fetches_beyond_listing": fetches,
                "other_requests": repull.requests - listing_calls - fetches,
                "fetched": repull.fetched,
                "changed": repull.changed,
                "target": f"<= {args.changed} fetches beyond the listing calls",
                "within_target": fetches <= args.changed and repull.changed == args.changed,
            },
            "store_growth": {
                "repulls": args.repulls,
                "requests_per_repull": [r.requests for r in quiet],
                "fetched_per_repull": [r.fetched for r in quiet],
                "by_route": quiet_calls,
                "bytes_before": size_before,
                "bytes_after": size_after,
                "growth_percent": round(100 * growth, 3),
                "blobs_before": blobs_before["blobs"],
                "blobs_after": blobs_after["blobs"],
                "revisions_before": blobs_before["revisions"],
                "revisions_after": blobs_after["revisions"],
            },
            "failed_requests_total": final["rate_limited"] + final["faults_served"],
        }
        store.close()
        http.close()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
