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
    parser.add_argument("--source", choices=("notion", "gdocs"), default="notion", help="the tool (default notion)")
    parser.add_argument("--pages", type=int, default=1000, help="synthetic Notion pages (default 1000)")
    parser.add_argument("--docs", type=int, default=1000, help="synthetic Google Docs (--source gdocs; default 1000)")
    parser.add_argument("--rate", type=float, default=None,
                        help=f"allowed requests/s, server and client (default 3 for notion, {GDOCS_RATE:g} for gdocs)")
    parser.add_argument("--changed", type=int, default=10, help="pages edited before the re-pull (default 10)")
    parser.add_argument("--repulls", type=int, default=10, help="unchanged re-pulls for the growth figure")
    args = parser.parse_args()
    if args.source == "gdocs":
        gdocs(args)
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


if __name__ == "__main__":
    main()
