"""Sweep benchmark (not a test): what a sweep costs when nothing changed since the last one.

Three synthetic workspaces behind one sandbox server (N Notion pages, N Google Docs, N Webflow
CMS items next to the seed site), the sample brief (fixtures/briefs/ai-support-engineer.md)
added, and a first sweep with the rules engine so everything stale is already staged. That
setup is not measured and runs with the sandbox limits off and unpaced connectors.

Measured: a second sweep with nothing changed, at each tool's real rate (Notion 3 requests/s,
Google Docs GDOCS_RATE, Webflow 1 request/s with the sandbox at 60 a minute), with the claude
engine on an Anthropic client that reaches nothing (a dummy key, a closed loopback port, no
retries). Reported as JSON on stdout (progress on stderr):
1. requests per source, by route (each sandbox's `/_sandbox/stats`), fetched and changed:
   an incremental pull should cost its listing calls only;
2. wall time, in total and per step of the sweep;
3. stale documents (by kind), changesets staged (expected 0: open from the first sweep);
4. model requests the engine tried to make, the documents handed to it, their tokens by
   the engine's own estimate, and the tokens the agent run recorded (0: nothing answered).
   A sweep that flags nothing new should make no model request at all.

`--changed N` edits N documents per tool (adds the retired term "chatbot") before the
measured sweep, to show what the sweep then fetches and hands to the engine.

    .venv/bin/python bench/sweep.py                # 3 × 1,000 documents (~4.5 min: ~3 setting up, ~1.2 measured)
    .venv/bin/python bench/sweep.py --docs 50      # a quick check that it works (~20 s)
    .venv/bin/python bench/sweep.py --changed 10   # 10 edited per tool: what is fetched and sent to the engine
"""

from __future__ import annotations

import argparse
import json
import random
import re
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Iterator

import anthropic
import httpx

from connectors.document import Document
from connectors.gdocs import GDOCS_RATE, GDocsConnector, credentials_from
from connectors.notion import NOTION_RATE, NotionConnector
from connectors.protocol import Connector
from connectors.sandbox.gdocs import GDOCS_ROOT_FOLDER_ID
from connectors.sandbox.server import Endpoint, SandboxServer
from connectors.sandbox.webflow import WEBFLOW_SITE_ID
from connectors.webflow import WEBFLOW_RATE, WebflowConnector
from staging.agent import briefs
from staging.agent.brief import CompiledBrief, read_brief_file
from staging.agent.claude import ClaudeEngine
from staging.agent.engine import Answer
from staging.agent.passages import Passage
from staging.agent.rules import RulesEngine
from staging.config import AgentSettings
from staging.models import AgentRun, SweepRun
from staging.store import Store
from staging.sweep import sweep

ROOT = Path(__file__).resolve().parents[1]
BRIEF = ROOT / "fixtures" / "briefs" / "ai-support-engineer.md"
ACTOR = "bench"
RETIRED_TERM = "chatbot"  # a retired term of the sample brief, for --changed
WEBFLOW_PER_MINUTE = 60  # the sandbox's budget for the Starter/Basic plans, matching WEBFLOW_RATE
# The server's limits for the measured sweep, as each tool's vendor sets them.
SERVER_LIMITS = {"notion": {"enabled": True, "rate": NOTION_RATE},
                 "gdocs": {"enabled": True},
                 "webflow": {"enabled": True, "per_minute": WEBFLOW_PER_MINUTE}}
SHOWN_TITLES = 20  # of the documents handed to the engine, enough to tell which ones
CLIENT_RATES = {"notion": NOTION_RATE, "gdocs": GDOCS_RATE, "webflow": WEBFLOW_RATE}


class RequestCounter:
    """An HTTP client's request hook: counts what the Anthropic SDK sends (retries included);
    every request then fails, as nothing listens."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests = 0

    def __call__(self, request: Any) -> None:
        with self._lock:
            self.requests += 1


class TallyingClaude(ClaudeEngine):
    """The claude engine, keeping count of the documents `propose` hands it and of their
    tokens by the engine's own estimate: the calls fail here, so usage cannot say."""

    def __init__(self, settings: AgentSettings, *, api_key: str, http_client: Any) -> None:
        super().__init__(settings, api_key=api_key, http_client=http_client)
        self._lock = threading.Lock()
        self.titles: list[str] = []
        self.estimated_tokens = 0

    def answer(self, doc: Document, passages: list[Passage], brief: CompiledBrief) -> Answer:
        with self._lock:
            self.titles.append(doc.ref.title)
            self.estimated_tokens += self.estimate(doc, passages, brief)
        return super().answer(doc, passages, brief)


class Steps:
    """Timestamps of the sweep's progress messages, so its wall time splits into steps."""

    def __init__(self) -> None:
        self.marks: list[tuple[float, str]] = []

    def __call__(self, message: str) -> None:
        self.marks.append((time.monotonic(), message))
        say(f"  sweep: {message}")

    def durations(self, ended: float) -> list[dict[str, Any]]:
        ends = [t for t, _ in self.marks[1:]] + [ended]
        return [{"step": message, "seconds": round(end - start, 2)} for (start, message), end in zip(self.marks, ends)]


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def admin(endpoint: Endpoint) -> str:
    return f"{endpoint.base_url}/_sandbox"


def generate(http: httpx.Client, endpoints: dict[str, Endpoint], docs: int) -> str:
    """The three synthetic workspaces, as bench/pull.py makes them; returns the Webflow
    collection's id, as its items sit next to the seed site's pages and collections."""
    http.post(f"{admin(endpoints['notion'])}/generate", json={"pages": docs}).raise_for_status()
    http.post(f"{admin(endpoints['gdocs'])}/generate", json={"docs": docs, "seed": 7}).raise_for_status()
    made = http.post(f"{admin(endpoints['webflow'])}/generate", json={"items": docs, "seed": 7})
    made.raise_for_status()
    return made.json()["collection_id"]


@contextmanager
def connectors(endpoints: dict[str, Endpoint], *, paced: bool) -> Iterator[dict[str, Connector]]:
    """The real connectors, at each tool's client rate when `paced`, else unlimited; closed
    when the block ends."""
    def rate(tool: str) -> float | None:
        return CLIENT_RATES[tool] if paced else None

    notion, gdocs, webflow = endpoints["notion"], endpoints["gdocs"], endpoints["webflow"]
    with ExitStack() as closing:
        built: dict[str, Connector] = {
            "notion": NotionConnector(notion.token, base_url=notion.base_url, rate=rate("notion")),
            "gdocs": GDocsConnector(credentials_from(token=gdocs.token), base_url=gdocs.base_url,
                                    folders=[GDOCS_ROOT_FOLDER_ID], rate=rate("gdocs")),
            "webflow": WebflowConnector(webflow.token, base_url=webflow.base_url, site_id=WEBFLOW_SITE_ID,
                                        rate=rate("webflow")),
        }
        for connector in built.values():
            closing.callback(connector.close)
        yield built


def limit(http: httpx.Client, endpoints: dict[str, Endpoint]) -> dict[str, Any]:
    """Turn every sandbox's vendor limits on; returns them as the sandboxes report them."""
    for tool, body in SERVER_LIMITS.items():
        http.post(f"{admin(endpoints[tool])}/rate_limit", json=body).raise_for_status()
    return {tool: stats(http, endpoint)["rate_limit"] for tool, endpoint in endpoints.items()}


def stats(http: httpx.Client, endpoint: Endpoint) -> dict[str, Any]:
    return http.get(f"{admin(endpoint)}/stats").json()


def delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """What one sandbox served between two `/_sandbox/stats` readings."""
    routes = {route: n - before["routes"].get(route, 0) for route, n in after["routes"].items()
              if n != before["routes"].get(route, 0)}
    return {"requests": after["total"] - before["total"], "by_route": routes,
            "failed": (after["rate_limited"] + after["faults_served"])
            - (before["rate_limited"] + before["faults_served"])}


def edit(http: httpx.Client, endpoints: dict[str, Endpoint], store: Store, collection_id: str, count: int) -> None:
    """Add the retired term to `count` documents of each tool, behind copydesk's back."""
    rng = random.Random(1)
    notion = [d.remote_id for d in store.documents("notion")]
    gdocs = [d.remote_id for d in store.documents("gdocs")]
    items = [d.remote_id.rsplit(":", 1)[1] for d in store.documents("webflow")
             if d.remote_id.startswith(f"item:{collection_id}:")]
    for page_id in rng.sample(notion, count):
        http.post(f"{admin(endpoints['notion'])}/edit",
                  json={"id": page_id, "find": " ", "replace": f" {RETIRED_TERM} "}).raise_for_status()
    for document_id in rng.sample(gdocs, count):
        http.post(f"{admin(endpoints['gdocs'])}/edit",
                  json={"id": document_id, "find": " ", "replace": f" {RETIRED_TERM} "}).raise_for_status()
    for item_id in rng.sample(items, count):
        http.post(f"{admin(endpoints['webflow'])}/edit",
                  json={"item": item_id, "field": "summary", "find": "HelpHive",
                        "replace": f"HelpHive, the {RETIRED_TERM},"}).raise_for_status()


def closed_port() -> int:
    """A loopback port nothing listens on: the OS hands it out, we let it go at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def offline_claude() -> tuple[TallyingClaude, RequestCounter]:
    """The claude engine as `Settings.engine` builds it, on a client that reaches nothing:
    every call it makes is counted and fails at once (no retries)."""
    counter = RequestCounter()
    settings = AgentSettings(engine="claude", base_url=f"http://127.0.0.1:{closed_port()}", max_retries=0)
    client = anthropic.DefaultHttpxClient(event_hooks={"request": [counter]})
    return TallyingClaude(settings, api_key="sk-ant-bench-offline", http_client=client), counter


def agent_run(store: Store, run: SweepRun) -> AgentRun:
    with store.session() as session:
        found = session.get(AgentRun, run.agent_run_id)
    assert found is not None, f"sweep {run.id} recorded no agent run"
    return found


def reasons(skipped: list[dict[str, str]]) -> dict[str, int]:
    """Why `propose` set documents aside, counted (ids and numbers folded away)."""
    return dict(Counter(re.sub(r"\d+", "N", row["reason"])[:120] for row in skipped).most_common())


def sources(run: SweepRun, served: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Per source: the connector's own counts next to what its sandbox served."""
    return {pull["source"]: {"requests": pull["requests"], "sandbox_requests": served[pull["source"]]["requests"],
                             "by_route": served[pull["source"]]["by_route"],
                             "failed_requests": served[pull["source"]]["failed"],
                             "fetched": pull["fetched"], "changed": pull["changed"], "new": pull["new"],
                             "deleted": pull["deleted"]}
            for pull in run.pulls}


def model(engine: TallyingClaude, counter: RequestCounter, recorded: AgentRun) -> dict[str, Any]:
    return {"engine": recorded.engine, "model": recorded.model,
            "client": "Anthropic SDK with a dummy key on a closed loopback port, max_retries=0",
            "requests": counter.requests, "documents_sent": len(engine.titles),
            "sent_titles": sorted(engine.titles)[:SHOWN_TITLES],
            "estimated_tokens": engine.estimated_tokens, "token_budget": engine.token_budget,
            "tokens_in": recorded.tokens_in, "tokens_out": recorded.tokens_out, "cost_usd": recorded.cost_usd,
            "candidate_blocks": recorded.candidate_blocks, "candidate_tokens": recorded.candidate_tokens,
            "stopped": recorded.stopped, "skipped": reasons(recorded.skipped)}


def first_sweep(store: Store, endpoints: dict[str, Endpoint]) -> dict[str, Any]:
    """Full pulls, unpaced, and the rules engine's fixes staged: the state a nightly sweep finds."""
    say("first sweep (full pulls, limits off, rules engine) ...")
    with connectors(endpoints, paced=False) as unpaced:
        run = sweep(store, unpaced, actor=ACTOR, engine=RulesEngine(), progress=lambda message: say(f"  sweep: {message}"))
    return {"seconds": run.seconds, "requests": {p["source"]: p["requests"] for p in run.pulls},
            "documents": {p["source"]: p["new"] for p in run.pulls}, "stale": len(run.stale),
            "staged": len(run.staged)}


def measured_sweep(http: httpx.Client, store: Store, endpoints: dict[str, Endpoint]) -> dict[str, Any]:
    """The sweep under test, at the tools' real rates, with the unreachable claude engine."""
    engine, counter = offline_claude()
    steps = Steps()
    before = {tool: stats(http, endpoint) for tool, endpoint in endpoints.items()}
    say("measured sweep (real rates, claude engine offline) ...")
    started = time.monotonic()
    with connectors(endpoints, paced=True) as paced:
        run = sweep(store, paced, actor=ACTOR, engine=engine, progress=steps)
        ended = time.monotonic()
    served = {tool: delta(before[tool], stats(http, endpoint)) for tool, endpoint in endpoints.items()}
    return {"seconds": round(ended - started, 2), "steps": steps.durations(ended),
            "requests": sum(p["requests"] for p in run.pulls), "sources": sources(run, served),
            "stale": len(run.stale), "stale_by_kind": dict(Counter(row.get("kind", "retired") for row in run.stale)),
            "new_stale": len(run.new_stale), "fixed": len(run.fixed),
            "staged": len(run.staged), "resolved": len(run.resolved),
            "model": model(engine, counter, agent_run(store, run))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1000, help="synthetic documents per tool (default 1000)")
    parser.add_argument("--changed", type=int, default=0,
                        help=f"documents per tool given the retired term {RETIRED_TERM!r} before the measured sweep")
    args = parser.parse_args()
    with SandboxServer(0, rate_limited=False) as server, tempfile.TemporaryDirectory() as tmp, \
            httpx.Client(timeout=120) as http:
        endpoints = {e.tool: e for e in server.endpoints()}
        say(f"generating {args.docs} Notion pages, Google Docs and Webflow items ...")
        collection_id = generate(http, endpoints, args.docs)
        store = Store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        brief, _ = briefs.add(store, read_brief_file(BRIEF), source=BRIEF.name, actor=ACTOR)
        setup = first_sweep(store, endpoints)
        if args.changed:
            edit(http, endpoints, store, collection_id, args.changed)
        limits = limit(http, endpoints)
        measured = measured_sweep(http, store, endpoints)
        store.close()
    results = {"docs_per_tool": args.docs, "changed_per_tool": args.changed, "brief": brief.title,
               "client_rates": CLIENT_RATES, "server_limits": limits, "setup_sweep": setup, "sweep": measured}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
