"""Reliability benchmark (not a test): killed applies and faulted pulls, against the sandboxes.

Reports as JSON on stdout (progress goes to stderr):

1. `killed_applies`: `--kills` apply processes SIGKILLed at seeded random points,
   round-robin over Notion pages, Google Docs and Webflow CMS items of the seed workspaces
   (Webflow's primary-locale static pages are manual steps, never written by the API). Each
   changeset has 2-4 edits appending a marker to editable blocks; a worker process (this
   file run with `--worker`) applies it, is killed, and `staging.apply.recover` settles it.
   The final status is then checked against the remote: applied → every edited block reads
   the new text and no other block moved; failed, or approved (killed before it claimed) →
   the whole document reads exactly as before, blocks compared with their formatting and
   native payload. Targets, all 0: `lost` (missing, still claimed, or any other status),
   `partial` (the remote contradicts the status), `inexact` (right text, other formatting or
   payload), `store_disagrees` (the store's head is not what the remote reads) and
   `revert_failures` (an applied changeset that did not revert to the exact original,
   which the next changeset on that document relies on).
   Kill points (`by_mode`): `delay` kills after a random delay from the moment the worker
   starts applying, drawn up to just past its last write or, as often, up to past its exit
   (both calibrated per tool by unkilled applies, `calibrated_apply_seconds`);
   `write_lands` holds the j-th write request in the sandbox (a `hang` fault), kills the
   worker while it waits for the answer, then lets the write land after the process died;
   `write_refused` does the same but the held write never lands; `after_writes` holds the
   re-read that follows the last write. Recovery runs 0.2 s after a kill, once a request
   the worker had sent has landed. `written_at_kill` counts the changesets by how many of
   their blocks the remote read as written just before recovery.

2. `faulted_pulls`: a synthetic workspace per tool (`--docs` Notion pages, Google Docs and
   Webflow CMS items, the last beside the seed site) is pulled clean into store A. Then,
   for the three tools at once, from-scratch pulls into fresh stores B run while the
   sandbox injects 429 (Retry-After: 1), 500, 502, 503 and timeouts (a request held 1 s,
   longer than the connectors' 0.5 s read timeout, then answered), in bursts of 1-3 and
   now and then 4, one more than the retry policy's attempts, until `--faults` have been
   served across the tools. A pull that still fails is re-run, as a user would (`reruns`).
   Every B is compared with A: the cursor the next pull resumes from, then document by
   document status, kind, title, parent, url, remote version, sha256 of the head
   revision's canonical content and the number of revisions (revision ids and times differ
   by nature). `differences` targets 0.

    .venv/bin/python bench/reliability.py                          # 100 kills, 1,000 faults (~10 min)
    .venv/bin/python bench/reliability.py --kills 10 --faults 100  # quick check (~1.5 min)
    .venv/bin/python bench/reliability.py --part faults            # one part only (kills | faults)

Both parts run without rate limits, on the sandbox and in the client, with the tests'
short retry policy (4 attempts, Retry-After honoured up to 2 s).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from connectors.document import Block, Document
from connectors.errors import CopydeskError, RemoteError
from connectors.gdocs import GDocsConnector, credentials_from
from connectors.notion import NotionConnector
from connectors.pacing import RetryPolicy
from connectors.protocol import Connector
from connectors.sandbox.admin import SandboxAdminClient
from connectors.sandbox.gdocs import GDOCS_ROOT_FOLDER_ID
from connectors.sandbox.server import SandboxServer
from connectors.sandbox.webflow import WEBFLOW_SITE_ID
from connectors.text import rewrite
from connectors.webflow import WebflowConnector
from staging import changesets
from staging.apply import apply, recover, remote_ref, revert
from staging.changesets import ProposedEdit
from staging.models import TrackedDocument
from staging.pull import pull
from staging.store import Store

REPO = Path(__file__).resolve().parents[1]
SOURCES = ("notion", "gdocs", "webflow")

# -- shared: the sandboxes and connectors ----------------------------------------------------


def fast_retry() -> RetryPolicy:
    """The tests' policy: a few quick attempts, Retry-After honoured up to 2 s."""
    return RetryPolicy(attempts=4, backoff=0.05, max_wait=2.0)


def make_connector(source: str, base_url: str, token: str, *, timeout: float = 30.0) -> Connector:
    """A connector without a client rate limit, as the worker and the bench both build it."""
    if source == "notion":
        return NotionConnector(token, base_url=base_url, rate=None, timeout=timeout, retry=fast_retry())
    if source == "gdocs":
        return GDocsConnector(credentials_from(token=token), base_url=base_url, folders=[GDOCS_ROOT_FOLDER_ID],
                              rate=None, timeout=timeout, retry=fast_retry())
    return WebflowConnector(token, base_url=base_url, site_id=WEBFLOW_SITE_ID, rate=None, timeout=timeout,
                            retry=fast_retry())


class Sandbox(SandboxAdminClient):
    """One tool's sandbox: its admin routes, its request counters and fresh connectors."""

    def __init__(self, tool: str, base_url: str, token: str) -> None:
        super().__init__(base_url, token, timeout=120)
        self.tool = tool

    def hits(self, prefix: str) -> int:
        """Requests so far whose "METHOD route" label starts with `prefix` (as faults match)."""
        return sum(n for label, n in self.routes().items() if label.startswith(prefix))

    def connector(self, *, timeout: float = 30.0) -> Connector:
        """A new connector each time, as `copydesk recover` builds one: nothing cached from
        an earlier listing can stand in for what the remote reads now."""
        return make_connector(self.tool, self.base_url, self.token, timeout=timeout)

    def fetch(self, tracked: TrackedDocument) -> Document:
        """The document as the remote reads it now, through a connector closed afterwards."""
        with closing(self.connector()) as connector:
            return connector.fetch(remote_ref(tracked))


def sandboxes(server: SandboxServer) -> dict[str, Sandbox]:
    """Every tool's sandbox, without a rate limit."""
    tools = {e.tool: Sandbox(e.tool, e.base_url, e.token) for e in server.endpoints()}
    for sandbox in tools.values():
        sandbox.post("rate_limit", {"enabled": False})
    return tools


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- part 1: killed applies --------------------------------------------------------------------

HOLD = 1.0  # seconds the sandbox holds a request a kill is aimed at
# The request that writes, as the sandbox labels it, and the re-read after the last write
# (label prefix, matching requests of the apply before it).
WRITE_ROUTE = {"notion": "PATCH /v1/", "gdocs": "POST /v1/documents/{id}:batchUpdate",
               "webflow": "PATCH /v2/collections/{id}/items/{id}"}
REREAD = {"notion": ("GET /v1/pages/{id}", 1), "gdocs": ("GET /drive/v3/files/{id}", 0),
          "webflow": ("GET /v2/collections/{id}/items/{id}", 1)}
MODES = ("delay", "write_lands", "write_refused", "after_writes")
MODE_WEIGHTS = (4, 2, 2, 2)
DELAY_SPAN = 1.25  # delays run to this multiple of the calibrated apply time
SETTLE = 0.2  # seconds between a kill and recovery


def worker(argv: list[str]) -> None:
    """The applying process: says `ready` just before apply, so delays count from there."""
    url, source, base_url, token, changeset_id = argv
    store = Store(url)
    connector = make_connector(source, base_url, token)
    print("ready", flush=True)
    try:
        apply(store, connector, int(changeset_id), actor="worker")
    except CopydeskError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
    finally:
        connector.close()
        store.close()


def start_worker(store: Store, sandbox: Sandbox, changeset_id: int) -> subprocess.Popen:
    command = [sys.executable, __file__, "--worker", store.url, sandbox.tool, sandbox.base_url, sandbox.token,
               str(changeset_id)]
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def await_ready(process: subprocess.Popen) -> None:
    line = process.stdout.readline().strip()
    if line != "ready":
        raise RuntimeError(f"the worker did not start: {line!r} {process.stderr.read()}")


@dataclass
class Target:
    """A document the kills write to, and how it read when the bench began."""

    tracked: TrackedDocument
    baseline: Document


def targets(store: Store, tools: dict[str, Sandbox]) -> dict[str, list[Target]]:
    """Every pulled document of each tool, CMS items only for Webflow (its primary-locale
    static pages are manual steps, never written by the API)."""
    found: dict[str, list[Target]] = {}
    for source in SOURCES:
        docs = [d for d in store.documents(source) if source != "webflow" or d.remote_id.startswith("item:")]
        with closing(tools[source].connector()) as connector:
            found[source] = [Target(d, connector.fetch(remote_ref(d))) for d in docs]
    return found


def proposals(rng: random.Random, doc: Document, label: str) -> list[ProposedEdit]:
    """2-4 edits that append a unique marker to editable blocks; edits that would lose
    formatting are left out, since apply refuses them on purpose."""
    candidates = []
    for block in doc.blocks:
        after = f"{block.text} ({label})"
        if block.editable and len(block.text.strip()) >= 3 and not rewrite(block.spans, after).lossy:
            candidates.append(ProposedEdit(block.id, after))
    return rng.sample(candidates, min(len(candidates), rng.randint(2, 4)))


def write_requests(source: str, doc: Document, edits: list[ProposedEdit]) -> int:
    """How many write requests the apply sends: Notion one per block (a table row once),
    Google Docs one batchUpdate, Webflow one item PATCH."""
    if source != "notion":
        return 1
    blocks = [doc.block(e.block_id) for e in edits]
    return len({b.attrs["row"] if b.kind == "cell" else b.id for b in blocks})


def wait_for(condition: Callable[[], bool], process: subprocess.Popen, timeout: float = 30) -> bool:
    """True once `condition` holds; False when the worker exited first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            return False
        if time.monotonic() > deadline:
            raise RuntimeError("timed out waiting for the worker's request")
        time.sleep(0.01)
    return True


def kill(process: subprocess.Popen) -> None:
    """SIGKILL, then give a request the worker had sent time to land, as it would have long
    before a person runs `copydesk recover`."""
    process.kill()
    process.wait(timeout=10)
    time.sleep(SETTLE)


def kill_after_delay(process: subprocess.Popen, delay: float) -> dict[str, Any]:
    await_ready(process)
    time.sleep(delay)
    killed = process.poll() is None
    if killed:
        kill(process)
    return {"where": f"{delay * 1000:.0f} ms after ready", "killed": killed}


def kill_on_held_request(process: subprocess.Popen, sandbox: Sandbox, prefix: str, skip: int, status: int) -> dict:
    """Hold the (skip+1)-th request matching `prefix`, kill the worker while it waits for the
    answer, and (status 0) let the held request go through afterwards."""
    before = sandbox.hits(prefix)
    sandbox.post("faults", {"status": status, "hang": HOLD, "match": prefix, "skip": skip})
    arrived = wait_for(lambda: sandbox.hits(prefix) >= before + skip + 1, process)
    held_at = time.monotonic()
    killed = arrived and process.poll() is None
    if killed:
        kill(process)
    else:
        process.wait(timeout=30)
    sandbox.post("faults", {"clear": True})
    if killed and status == 0:
        time.sleep(max(0.0, held_at + HOLD + 0.3 - time.monotonic()))  # the held request lands
    return {"where": f"{prefix} #{skip + 1} held", "killed": killed}


def run_and_kill(rng: random.Random, mode: str, process: subprocess.Popen, sandbox: Sandbox, writes: int,
                 calibrated: dict[str, float]) -> dict[str, Any]:
    """Kill the worker at the point `mode` names. A delay is drawn up to just past the last
    write or, as often, up to past the exit, so the writes get their share of the kills."""
    if mode == "delay":
        span = calibrated["last_write"] if rng.random() < 0.5 else calibrated["exit"]
        return kill_after_delay(process, rng.uniform(0, DELAY_SPAN * span))
    if mode == "after_writes":
        prefix, skip = REREAD[sandbox.tool]
        return kill_on_held_request(process, sandbox, prefix, skip, 503)
    status = 0 if mode == "write_lands" else 503
    return kill_on_held_request(process, sandbox, WRITE_ROUTE[sandbox.tool], rng.randrange(writes), status)


def stage_approved(store: Store, tracked: TrackedDocument, edits: list[ProposedEdit]) -> int:
    changeset = changesets.stage(store, tracked, edits, actor="bench")
    changesets.approve(store, changeset.id, actor="bench-reviewer")
    return changeset.id


def same_text(a: Block | None, b: Block | None) -> bool:
    return a is not None and b is not None and (a.kind, a.text, a.spans) == (b.kind, b.text, b.spans)


def verdict(status: str, after: dict[str, str], baseline: Document, remote: Document) -> str:
    """ok, or how the remote contradicts what the status claims (see the module docstring)."""
    if status == "applied":
        edited_ok = all(remote.block(b) is not None and remote.block(b).text == text for b, text in after.items())
        others_ok = all(same_text(remote.block(b.id), b) for b in baseline.blocks if b.id not in after)
        return "ok" if edited_ok and others_ok and len(remote.blocks) == len(baseline.blocks) else "partial"
    if status in ("failed", "approved"):
        if remote.blocks == baseline.blocks:
            return "ok"
        texts_ok = len(remote.blocks) == len(baseline.blocks) and all(
            same_text(remote.block(b.id), b) for b in baseline.blocks)
        return "inexact" if texts_ok else "partial"
    return "lost"


def readings(after: dict[str, str], baseline: Document, remote: Document) -> dict[str, dict[str, str | None]]:
    """What each edited block read: before, staged after, and on the remote (for a report)."""
    return {b: {"before": baseline.block(b).text, "after": text,
                "remote": remote.block(b).text if remote.block(b) is not None else None}
            for b, text in after.items()}


def written(after: dict[str, str], remote: Document) -> int:
    return sum(remote.block(b) is not None and remote.block(b).text == text for b, text in after.items())


def written_share(landed: int, edits: int) -> str:
    return "none_written" if landed == 0 else "all_written" if landed == edits else "some_written"


def store_agrees(store: Store, tracked_id: str, remote: Document) -> bool:
    head = store.document(tracked_id).head_revision_id
    return store.load(changesets.revision_of(store, head)).blocks == remote.blocks


@dataclass
class Kill:
    """One changeset applied by a worker and killed: what it edits and where it died."""

    source: str
    changeset_id: int
    mode: str
    report: dict[str, Any]
    after: dict[str, str]
    landed: int
    worker_stderr: str


@dataclass
class KillTally:
    """What part 1 counts, and the iterations that went wrong, in full."""

    statuses: Counter = field(default_factory=Counter)
    by_source: dict[str, Counter] = field(default_factory=lambda: {s: Counter() for s in SOURCES})
    verdicts_by_source: dict[str, Counter] = field(default_factory=lambda: {s: Counter() for s in SOURCES})
    by_mode: dict[str, Counter] = field(default_factory=lambda: {m: Counter() for m in MODES})
    verdicts: Counter = field(default_factory=Counter)
    written_at_kill: Counter = field(default_factory=Counter)
    recovery: Counter = field(default_factory=Counter)
    store_disagrees: int = 0
    revert_failures: int = 0
    retired: int = 0
    skipped: Counter = field(default_factory=Counter)
    problems: list[dict[str, Any]] = field(default_factory=list)
    recover_seconds: list[float] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)

    def count(self, killed: Kill, status: str, result: str, recovered: str, agrees: bool) -> None:
        self.statuses[status] += 1
        self.by_source[killed.source][status] += 1
        self.verdicts_by_source[killed.source][result] += 1
        self.verdicts[result] += 1
        self.recovery[recovered] += 1
        self.written_at_kill[f"{killed.landed}/{len(killed.after)}"] += 1
        self.store_disagrees += not agrees
        if killed.report["killed"]:
            self.by_mode[killed.mode]["killed"] += 1
            self.by_mode[killed.mode][written_share(killed.landed, len(killed.after))] += 1
        else:
            self.by_mode[killed.mode]["finished_before_kill"] += 1


def recovery_kind(outcomes: list) -> str:
    """How recovery settled the changeset: finished, rolled back, nothing written, or not
    claimed at all (killed before the claim, or the apply had ended)."""
    if not outcomes:
        return "not_claimed"
    report = outcomes[0].recovery or {}
    if "finished" in report:
        return "finished"
    return "rolled_back" if report.get("rolled_back") else "nothing_written"


def kill_an_apply(i: int, rng: random.Random, store: Store, sandbox: Sandbox, target: Target,
                  calibrated: dict[str, float]) -> Kill:
    """Stage and approve edits, start a worker applying them, kill it where a seeded draw
    says, and read how many edited blocks the remote shows as written."""
    edits = proposals(rng, target.baseline, f"kill {i}")
    changeset_id = stage_approved(store, store.document(target.tracked.id), edits)
    mode = rng.choices(MODES, MODE_WEIGHTS)[0]
    process = start_worker(store, sandbox, changeset_id)
    report = run_and_kill(rng, mode, process, sandbox, write_requests(sandbox.tool, target.baseline, edits),
                          calibrated)
    stderr = process.stderr.read()[-500:]
    process.stderr.close()
    process.stdout.close()
    after = {r.block_id: r.after for r in changesets.to_write(store, changeset_id)}
    remote = sandbox.fetch(store.document(target.tracked.id))
    return Kill(sandbox.tool, changeset_id, mode, report, after, written(after, remote), stderr)


def one_kill(i: int, rng: random.Random, store: Store, tools: dict[str, Sandbox], target: Target,
             calibrated: dict[str, float], tally: KillTally) -> bool:
    """Kill an apply, recover, check the changeset against the remote, and revert it if it
    was applied. Returns False when the document is no longer at its baseline (it is then
    not used again)."""
    sandbox = tools[target.tracked.source]
    killed = kill_an_apply(i, rng, store, sandbox, target, calibrated)
    tally.ids.append(killed.changeset_id)
    started = time.monotonic()
    with ExitStack() as built:
        outcomes, busy = recover(store, lambda source: built.enter_context(closing(tools[source].connector())),
                                 actor="bench")
    tally.recover_seconds.append(time.monotonic() - started)
    status = "still claimed" if busy else changesets.get(store, killed.changeset_id).status
    tracked = store.document(target.tracked.id)
    remote = sandbox.fetch(tracked)
    result = verdict(status, killed.after, target.baseline, remote)
    agrees = store_agrees(store, tracked.id, remote)
    tally.count(killed, status, result, recovery_kind(outcomes), agrees)
    if result != "ok" or not agrees:
        tally.problems.append({"iteration": i, "changeset": killed.changeset_id, "source": killed.source,
                               "title": tracked.title, "mode": killed.mode, **killed.report, "status": status,
                               "verdict": result, "store_agrees": agrees,
                               "recovery": outcomes[0].recovery if outcomes else None,
                               "blocks": readings(killed.after, target.baseline, remote),
                               "worker_stderr": killed.worker_stderr})
        return False
    return status != "applied" or reverted_to_baseline(store, sandbox, target, killed.changeset_id, tally)


def reverted_to_baseline(store: Store, sandbox: Sandbox, target: Target, changeset_id: int,
                         tally: KillTally) -> bool:
    """Revert an applied changeset; the document must read exactly as at the start, which
    is what the next changeset on it is checked against."""
    try:
        with closing(sandbox.connector()) as connector:
            revert(store, connector, changeset_id, actor="bench")
    except CopydeskError as error:
        tally.revert_failures += 1
        tally.problems.append({"changeset": changeset_id, "revert_error": str(error)})
        return False
    remote = sandbox.fetch(store.document(target.tracked.id))
    if remote.blocks != target.baseline.blocks:
        tally.revert_failures += 1
        tally.problems.append({"changeset": changeset_id, "not_at_baseline_after_revert": [
            b.id for b in target.baseline.blocks if remote.block(b.id) != b]})
        return False
    return True


def calibrate(rng: random.Random, store: Store, tools: dict[str, Sandbox], pool: dict[str, list[Target]],
              runs: int = 2) -> dict[str, dict[str, float]]:
    """Seconds from `ready` to the first write, the last write and the worker's exit, in
    unkilled applies per tool (the longest of `runs`); each one is reverted. The last write
    and the exit set the spans of the random delays."""
    seconds: dict[str, dict[str, float]] = {}
    for source in SOURCES:
        sandbox, runs_seen = tools[source], []
        for n in range(runs):
            target = rng.choice(pool[source])
            edits = proposals(rng, target.baseline, f"calibration {n}")
            changeset_id = stage_approved(store, store.document(target.tracked.id), edits)
            process = start_worker(store, sandbox, changeset_id)
            runs_seen.append(watch_writes(process, sandbox, write_requests(source, target.baseline, edits)))
            if process.returncode != 0 or changesets.get(store, changeset_id).status != "applied":
                raise RuntimeError(f"calibration apply of {source} failed: {process.stderr.read()}")
            process.stdout.close()
            process.stderr.close()
            with closing(sandbox.connector()) as connector:
                revert(store, connector, changeset_id, actor="bench")
        seconds[source] = {k: round(max(r[k] for r in runs_seen), 3) for k in runs_seen[0]}
    return seconds


def watch_writes(process: subprocess.Popen, sandbox: Sandbox, writes: int) -> dict[str, float]:
    """Times from `ready` until the first and the last write reached the sandbox, and exit."""
    prefix = WRITE_ROUTE[sandbox.tool]
    before = sandbox.hits(prefix)
    await_ready(process)
    started, times = time.monotonic(), {}
    while process.poll() is None:
        landed = sandbox.hits(prefix) - before
        if landed >= 1:
            times.setdefault("first_write", time.monotonic() - started)
        if landed >= writes:
            times.setdefault("last_write", time.monotonic() - started)
        time.sleep(0.005)
    return {"first_write": times.get("first_write", 0.0), "last_write": times.get("last_write", 0.0),
            "exit": time.monotonic() - started}


def final_check(store: Store, ids: list[int]) -> dict[str, int]:
    """Every bench changeset still in the store and none left claimed."""
    present = {c.id: c.status for c in changesets.listing(store)}
    return {"missing": sum(i not in present for i in ids),
            "claimed": sum(present.get(i) in ("applying", "reverting") for i in ids)}


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def killed_applies(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(args.seed)
    started = time.monotonic()
    with SandboxServer(0, rate_limited=False) as server, tempfile.TemporaryDirectory() as tmp:
        tools = sandboxes(server)
        for sandbox in tools.values():
            sandbox.post("reset")
        db = Path(tmp) / "kills.db"
        store = Store(f"sqlite:///{db}")
        for source in SOURCES:
            with closing(tools[source].connector()) as connector:
                pull(store, connector)
        pool = targets(store, tools)
        say(f"calibrating apply times ({', '.join(f'{s}: {len(pool[s])} docs' for s in SOURCES)}) ...")
        calibrated = calibrate(rng, store, tools, pool)
        tally = KillTally()
        loop_started = time.monotonic()
        for i in range(args.kills):
            kill_round(i, rng, store, tools, pool, calibrated, tally)
            if (i + 1) % 10 == 0:
                say(f"  {i + 1}/{args.kills} kills: {dict(tally.verdicts)}")
        seconds_per_kill = (time.monotonic() - loop_started) / args.kills
        leftover = final_check(store, tally.ids)
        store.close()
        store_integrity = integrity(db)
    return {"kills": args.kills, "seed": args.seed, **kill_figures(tally, leftover),
            "store_integrity": store_integrity, "calibrated_apply_seconds": calibrated,
            "recover_seconds": {"mean": round(statistics.mean(tally.recover_seconds or [0]), 3),
                                "max": round(max(tally.recover_seconds or [0]), 3)},
            "seconds_per_kill": round(seconds_per_kill, 2), "seconds": round(time.monotonic() - started, 1),
            "problems": tally.problems}


def kill_round(i: int, rng: random.Random, store: Store, tools: dict[str, Sandbox], pool: dict[str, list[Target]],
               calibrated: dict[str, dict[str, float]], tally: KillTally) -> None:
    """Kill number `i`, on the tools in turn; a document that went wrong is not used again
    (and a tool left without documents is skipped, so the report still comes out)."""
    source = SOURCES[i % len(SOURCES)]
    if not pool[source]:
        tally.skipped[source] += 1
        return
    target = rng.choice(pool[source])
    if not one_kill(i, rng, store, tools, target, calibrated[source], tally):
        pool[source].remove(target)
        tally.retired += 1


def kill_figures(tally: KillTally, leftover: dict[str, int]) -> dict[str, Any]:
    return {
        "killed": sum(c["killed"] for c in tally.by_mode.values()),
        "finished_before_kill": sum(c["finished_before_kill"] for c in tally.by_mode.values()),
        "by_mode": {m: dict(c) for m, c in tally.by_mode.items()},
        "final_status": dict(tally.statuses),
        "by_source": {s: {"final_status": dict(tally.by_source[s]),
                          **{v: tally.verdicts_by_source[s][v] for v in ("ok", "lost", "partial", "inexact")}}
                      for s in SOURCES},
        "written_at_kill": dict(sorted(tally.written_at_kill.items())),
        "recovery": dict(tally.recovery),
        "lost": tally.verdicts["lost"] + leftover["missing"],
        "partial": tally.verdicts["partial"],
        "inexact": tally.verdicts["inexact"],
        "store_disagrees": tally.store_disagrees,
        "revert_failures": tally.revert_failures,
        "left_claimed_at_end": leftover["claimed"],
        "documents_retired": tally.retired,
        "kills_skipped_no_document": dict(tally.skipped),
    }


# -- part 2: faulted pulls ---------------------------------------------------------------------

READ_TIMEOUT = 0.5  # the faulted connectors' read timeout, seconds
TIMEOUT_HANG = 1.0  # how long a "timeout" fault holds the request (then answers it)
FAULT_KINDS = {
    "429": {"status": 429, "retry_after": 1},
    "500": {"status": 500},
    "502": {"status": 502},
    "503": {"status": 503},
    "timeout": {"status": 0, "hang": TIMEOUT_HANG},
}
# Consecutive failures of one request: up to the retry policy's 3 retries, and now and then
# one more, which makes the pull fail and be re-run.
BURSTS, BURST_WEIGHTS = (1, 2, 3, 4), (60, 25, 10, 5)
FAULT_DENSITY = 0.5  # faults queued per request of a clean pull, per round


@dataclass(frozen=True)
class Fault:
    kind: str
    count: int
    skip: int

    def body(self) -> dict[str, Any]:
        return {**FAULT_KINDS[self.kind], "count": self.count, "skip": self.skip}


def fault_plan(rng: random.Random, faults: int, requests: int) -> list[Fault]:
    """`faults` faults in bursts, each on a random one of the first 90 % of a pull's
    `requests` (a clean pull's count), so that the pull normally meets every one.

    Every fault matches any request of the tool, so the sandbox serves them in order: each
    one's `skip` lets through the successful retry of the request the previous one broke and
    the requests up to its own."""
    counts: list[int] = []
    while sum(counts) < faults:
        counts.append(min(rng.choices(BURSTS, BURST_WEIGHTS)[0], faults - sum(counts)))
    positions = sorted(rng.sample(range(max(len(counts), int(0.9 * requests))), len(counts)))
    skips = [positions[0]] + [b - a for a, b in zip(positions, positions[1:])]
    return [Fault(rng.choice(list(FAULT_KINDS)), count, skip) for count, skip in zip(counts, skips)]


def served_by_kind(plan: list[Fault], served: int) -> Counter:
    """The sandbox serves a plan front to back, so the first `served` faults are the ones
    that were served."""
    kinds: Counter = Counter()
    for fault in plan:
        taken = min(fault.count, served)
        kinds[fault.kind] += taken
        served -= taken
    return kinds


def pull_to_the_end(store: Store, sandbox: Sandbox, *, max_runs: int = 20) -> tuple[int, list[str]]:
    """Pull, and re-run the pull after a failure, as a user would; returns the re-runs and
    the errors that ended failed runs."""
    errors: list[str] = []
    for _ in range(max_runs):
        try:
            with closing(sandbox.connector(timeout=READ_TIMEOUT)) as connector:
                pull(store, connector)
            return len(errors), errors
        except RemoteError as error:
            errors.append(f"{'retryable' if error.retryable else 'NOT retryable'} {error.status} {error.code}")
    raise RuntimeError(f"{sandbox.tool}: the pull failed {max_runs} times in a row: {errors[-3:]}")


def snapshot(store: Store, source: str) -> dict[str, Any]:
    """What a pull decides, per remote id (never ids or times, which differ by nature), and
    the cursor the next pull resumes from."""
    docs = {}
    for d in store.documents(source):
        head = store.revision(d.head_revision_id) if d.head_revision_id else None
        docs[d.remote_id] = {"status": d.status, "kind": d.kind, "title": d.title, "parent": d.parent_remote_id,
                             "url": d.url, "remote_version": d.remote_version,
                             "content_sha256": head.blob_sha256 if head else None,
                             "revisions": len(store.revisions(d.id))}
    return {"cursor": store.cursor(store.last_pull(source)), "documents": docs}


def differences(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if a["cursor"] != b["cursor"]:
        found.append({"field": "cursor", "A": str(a["cursor"])[:200], "B": str(b["cursor"])[:200]})
    docs_a, docs_b = a["documents"], b["documents"]
    found += [{"remote_id": r, "only_in": "A" if r in docs_a else "B"} for r in sorted(set(docs_a) ^ set(docs_b))]
    for remote_id in sorted(set(docs_a) & set(docs_b)):
        found += [{"remote_id": remote_id, "field": k, "A": docs_a[remote_id][k], "B": docs_b[remote_id][k]}
                  for k in docs_a[remote_id] if docs_a[remote_id][k] != docs_b[remote_id][k]]
    return found


def generate(tools: dict[str, Sandbox], docs: int) -> None:
    """Synthetic workspaces: `docs` Notion pages, Google Docs and Webflow CMS items."""
    tools["notion"].post("generate", {"pages": docs, "seed": 7})
    tools["gdocs"].post("generate", {"docs": docs, "seed": 7})
    tools["webflow"].post("generate", {"items": docs, "seed": 7})


@dataclass
class ToolFaults:
    """Part 2's figures for one tool."""

    served: Counter = field(default_factory=Counter)
    queued: int = 0
    pulls: int = 0
    reruns: int = 0
    errors: Counter = field(default_factory=Counter)
    differences: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0


def faulted_round(rng: random.Random, tmp: Path, sandbox: Sandbox, clean: dict, requests: int, faults: int,
                  tally: ToolFaults) -> int:
    """One from-scratch pull into a fresh store with `faults` queued; returns those served."""
    plan = fault_plan(rng, faults, requests)
    served_before = sandbox.stats()["faults_served"]
    for fault in plan:
        sandbox.post("faults", fault.body())
    db = tmp / f"b-{sandbox.tool}-{tally.pulls}.db"
    store = Store(f"sqlite:///{db}")
    reruns, errors = pull_to_the_end(store, sandbox)
    sandbox.post("faults", {"clear": True})
    served = sandbox.stats()["faults_served"] - served_before
    tally.served.update(served_by_kind(plan, served))
    tally.queued += sum(f.count for f in plan)
    tally.pulls += 1
    tally.reruns += reruns
    tally.errors.update(errors)
    tally.differences += [{"source": sandbox.tool, "pull": tally.pulls, **d}
                          for d in differences(clean, snapshot(store, sandbox.tool))]
    store.close()
    db.unlink()
    return served


def fault_tool(seed: int, tmp: Path, sandbox: Sandbox, clean: dict, requests: int, share: int) -> ToolFaults:
    """From-scratch pulls of one tool under faults until `share` faults were served."""
    rng, tally, served = random.Random(seed), ToolFaults(), 0
    started = time.monotonic()
    while served < share:
        per_round = min(share - served, max(1, round(FAULT_DENSITY * requests)))
        served += faulted_round(rng, tmp, sandbox, clean, requests, per_round, tally)
    tally.seconds = round(time.monotonic() - started, 1)
    say(f"  {sandbox.tool}: {served} faults served in {tally.pulls} pulls, {tally.reruns} re-runs")
    return tally


def clean_pulls(store: Store, tools: dict[str, Sandbox]) -> tuple[dict, dict[str, dict[str, Any]]]:
    """Store A: one pull of each tool without faults; its snapshot, requests and seconds."""
    clean, figures = {}, {}
    for source in SOURCES:
        say(f"clean pull of {source} ...")
        before, started = tools[source].stats()["total"], time.monotonic()
        with closing(tools[source].connector(timeout=READ_TIMEOUT)) as connector:
            pull(store, connector)
        figures[source] = {"requests": tools[source].stats()["total"] - before,
                           "seconds": round(time.monotonic() - started, 2)}
        clean[source] = snapshot(store, source)
    return clean, figures


def faulted_pulls(args: argparse.Namespace) -> dict[str, Any]:
    """The three tools are faulted at once, each in its own thread with its own stores and
    seeded plan: the sandboxes keep separate faults and counters, and the waits overlap."""
    started = time.monotonic()
    with SandboxServer(0, rate_limited=False) as server, tempfile.TemporaryDirectory() as tmp:
        tools = sandboxes(server)
        generate(tools, args.docs)
        store_a = Store(f"sqlite:///{Path(tmp) / 'a.db'}")
        clean, clean_figures = clean_pulls(store_a, tools)
        store_a.close()
        shares = {s: args.faults // len(SOURCES) + (n < args.faults % len(SOURCES)) for n, s in enumerate(SOURCES)}
        with ThreadPoolExecutor(len(SOURCES)) as pool:
            running = {s: pool.submit(fault_tool, args.seed + n, Path(tmp), tools[s], clean[s],
                                      clean_figures[s]["requests"], shares[s]) for n, s in enumerate(SOURCES)}
            tallies = {s: future.result() for s, future in running.items()}
        faults_served = sum(tools[s].stats()["faults_served"] for s in SOURCES)
    found = [d for t in tallies.values() for d in t.differences]
    return {
        "faults_target": args.faults,
        "faults_served": faults_served,
        "injected_by_kind": dict(sorted(sum((t.served for t in tallies.values()), Counter()).items())),
        "queued_unserved": sum(t.queued - sum(t.served.values()) for t in tallies.values()),
        "documents": {s: len(clean[s]["documents"]) for s in SOURCES},
        "clean_pull": clean_figures,
        "by_source": {s: {"faults_served": sum(t.served.values()), "injected_by_kind": dict(sorted(t.served.items())),
                          "pulls_from_scratch": t.pulls, "reruns": t.reruns, "differences": len(t.differences),
                          "seconds": t.seconds} for s, t in tallies.items()},
        "reruns": sum(t.reruns for t in tallies.values()),
        "errors_that_ended_a_run": dict(sum((t.errors for t in tallies.values()), Counter())),
        "read_timeout_seconds": READ_TIMEOUT,
        "timeout_fault_hang_seconds": TIMEOUT_HANG,
        "differences": len(found),
        "difference_details": found[:20],
        "seconds": round(time.monotonic() - started, 1),
    }


def main() -> None:
    if sys.argv[1:2] == ["--worker"]:
        worker(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=100, help="apply processes to kill (default 100)")
    parser.add_argument("--faults", type=int, default=1000, help="faults to serve during pulls (default 1000)")
    parser.add_argument("--docs", type=int, default=150, help="synthetic documents per tool for part 2 (default 150)")
    parser.add_argument("--seed", type=int, default=1, help="seed of every random choice (default 1)")
    parser.add_argument("--part", choices=("both", "kills", "faults"), default="both")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    if args.part in ("both", "kills"):
        say(f"part 1: {args.kills} killed applies ...")
        results["killed_applies"] = killed_applies(args)
    if args.part in ("both", "faults"):
        say(f"part 2: {args.faults} faults during pulls of {args.docs} documents per tool ...")
        results["faulted_pulls"] = faulted_pulls(args)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
