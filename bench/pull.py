"""Pull benchmark (not a test): a synthetic Notion workspace behind the rate-limited sandbox.

Reports, as JSON and as a table:
1. full-pull throughput as a ratio of the allowed rate (target ≥ 0.9) and failed requests (target 0);
2. requests made by a re-pull after N pages changed (target ≤ N page fetches + the block-list
   calls of those pages + the search calls needed to reach the cursor);
3. store growth after 10 re-pulls of the unchanged workspace (target < 1 %).

    .venv/bin/python bench/pull.py                 # 1,000 pages at Notion's 3 requests/s (~12 min)
    .venv/bin/python bench/pull.py --pages 200 --rate 10
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import tempfile
import time
from pathlib import Path

import httpx

from connectors.notion import NotionConnector
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
    parser.add_argument("--pages", type=int, default=1000, help="synthetic pages (default 1000)")
    parser.add_argument("--rate", type=float, default=3.0, help="allowed requests/s, server and client (default 3)")
    parser.add_argument("--changed", type=int, default=10, help="pages edited before the re-pull (default 10)")
    parser.add_argument("--repulls", type=int, default=10, help="unchanged re-pulls for the growth figure")
    args = parser.parse_args()

    with SandboxServer(0, notion_rate=args.rate) as server, tempfile.TemporaryDirectory() as tmp:
        endpoint = server.endpoints()[0]
        admin = f"{endpoint.base_url}/_sandbox"
        httpx.post(f"{admin}/generate", json={"pages": args.pages}, timeout=120).raise_for_status()
        db = Path(tmp) / "bench.db"
        store = Store(f"sqlite:///{db}")

        def connector() -> NotionConnector:
            return NotionConnector(endpoint.token, base_url=endpoint.base_url, rate=args.rate)

        print(f"full pull of {args.pages} pages at {args.rate} requests/s ...", flush=True)
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


if __name__ == "__main__":
    main()
