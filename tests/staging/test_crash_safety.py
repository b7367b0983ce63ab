"""Crash safety and exclusivity of apply, with real processes against every tool's sandbox over HTTP.

A worker process applies a changeset; the sandbox holds one of its requests (a hanging fault)
and the test SIGKILLs the worker right then. Recovery must bring the changeset to a true
state: applied when every block was written, otherwise failed with the written blocks put
back exactly. Two workers applying the same changeset at once: exactly one writes.

Notion writes block by block, so a worker can die after any of its writes; Google Docs and
Webflow write a document in one request, so theirs dies before that write or after it.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Callable, Iterator

import pytest

from staging import changesets
from staging.apply import apply, recover, remote_ref, revert
from staging.changesets import ProposedEdit
from staging.pull import pull
from tests.conftest import REPO
from tests.staging.tools import SANDBOXES

WORKER = """
import sys
from connectors.errors import CopydeskError
from staging.apply import apply
from staging.store import Store
from tests.staging.tools import build_connector

url, tool, token, base_url, changeset = sys.argv[1:6]
try:
    apply(Store(url), build_connector(tool, base_url, token), int(changeset), actor="worker")
except CopydeskError as error:
    print(error, file=sys.stderr)
    sys.exit(1)
"""

EDITS = 3
# (tool, writes landed when the worker dies): every write an apply of EDITS blocks sends but the last
CRASH_POINTS = [(tool, written) for tool, sandbox in SANDBOXES.items() for written in range(sandbox.writes_for(EDITS))]


@pytest.fixture
def start_worker(store, tool) -> Iterator[Callable[[int], subprocess.Popen]]:
    """Starts a worker process applying a changeset on the tool's sandbox; when the test ends,
    a worker still running is killed, and every worker's pipes are closed."""
    started: list[subprocess.Popen] = []

    def start(changeset_id: int) -> subprocess.Popen:
        started.append(subprocess.Popen(
            [sys.executable, "-c", WORKER, store.url, tool.tool, tool.token, tool.base_url, str(changeset_id)],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        return started[-1]

    yield start
    for worker in started:
        with worker:  # closes its pipes and waits for it
            if worker.poll() is None:
                worker.kill()


def _wait_for(condition, what: str, worker: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if worker.poll() is not None:
            pytest.fail(f"the worker exited before {what}: {worker.stderr.read()}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.fixture
def approved(store, tool):
    """An approved changeset of three paragraph edits on the tool's document, and the
    document as the remote had it before."""
    connector = tool.connector()
    pull(store, connector)
    tracked = store.find_documents(title=tool.document)[0]
    ref = remote_ref(tracked)
    original = connector.fetch(ref)
    paragraphs = [b for b in original.blocks if b.kind == "paragraph" and len(b.text) > 20][:EDITS]
    assert len(paragraphs) == EDITS
    proposals = [ProposedEdit(b.id, b.text + f" Revised {n}.") for n, b in enumerate(paragraphs)]
    changeset = changesets.stage(store, tracked, proposals, actor="test")
    changesets.approve(store, changeset.id, actor="reviewer")
    yield changeset.id, ref, original, paragraphs, connector
    connector.close()


def _reads_as(connector, ref, blocks) -> list[bool]:
    now = connector.fetch(ref)
    return [now.block(b.id) == b for b in blocks]


@pytest.mark.parametrize("tool, written", CRASH_POINTS, indirect=["tool"])
def test_killed_mid_apply_recovers_to_failed_with_written_blocks_put_back(store, tool, approved, written, start_worker):
    changeset_id, ref, original, paragraphs, connector = approved
    writes_before = tool.writes()
    tool.post("faults", {"status": 503, "hang": 30, "match": tool.write_match, "skip": written})
    worker = start_worker(changeset_id)
    _wait_for(lambda: tool.writes() - writes_before == written + 1, f"write {written + 1}", worker)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    tool.post("faults", {"clear": True})
    assert changesets.get(store, changeset_id).status == "applying", "the kill left the claim behind"
    now = connector.fetch(ref)
    assert sum(now.block(b.id).text != b.text for b in paragraphs) == written, "k writes had landed"

    outcomes, busy = recover(store, lambda source: connector, actor="test")

    assert busy == [] and [o.changeset.id for o in outcomes] == [changeset_id]
    settled = changesets.get(store, changeset_id)
    assert settled.status == "failed" and settled.claim is None
    assert outcomes[0].recovery["rolled_back"] == [b.id for b in paragraphs[:written]]
    assert _reads_as(connector, ref, paragraphs) == [True] * EDITS, "every block reads exactly as before"
    actions = [e.action for e in store.events(subject=changesets.subject(changeset_id))]
    assert actions[0] == "changeset.recovered"

    retried = apply(store, connector, changeset_id, actor="test")
    assert retried.changeset.status == "applied", "a failed changeset can be applied again"
    assert revert(store, connector, changeset_id, actor="test").changeset.status == "reverted"
    assert connector.fetch(ref).blocks == original.blocks


def test_killed_after_every_write_recovers_to_applied_and_reverts(store, tool, approved, start_worker):
    changeset_id, ref, original, paragraphs, connector = approved
    reads_before = tool.reads()
    # the worker reads the document once to check, writes, then reads it again: hold that re-read
    tool.post("faults", {"status": 503, "hang": 30, "match": tool.read_route, "skip": 1})
    worker = start_worker(changeset_id)
    _wait_for(lambda: tool.reads() - reads_before == 2, "the re-read after the writes", worker)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    tool.post("faults", {"clear": True})
    assert tool.writes() == tool.writes_for(EDITS)

    outcomes, _ = recover(store, lambda source: connector, actor="test")

    assert outcomes[0].changeset.status == "applied"
    assert outcomes[0].recovery == {"finished": [b.id for b in paragraphs]}
    assert store.revision(outcomes[0].revision_id).origin == "apply"
    assert revert(store, connector, changeset_id, actor="test").changeset.status == "reverted"
    assert connector.fetch(ref).blocks == original.blocks


def test_a_live_claim_is_left_alone(store, tool, approved, start_worker):
    changeset_id, _, _, _, connector = approved
    tool.post("faults", {"status": 503, "hang": 30, "match": tool.write_match})
    worker = start_worker(changeset_id)
    try:
        _wait_for(lambda: tool.writes() == 1, "the first write", worker)
        outcomes, busy = recover(store, lambda source: connector, actor="test")
        assert outcomes == [] and [b.id for b in busy] == [changeset_id]
        assert changesets.get(store, changeset_id).status == "applying"
    finally:
        worker.kill()
        worker.wait(timeout=10)


def test_two_processes_applying_at_once_write_exactly_once(store, tool, approved, start_worker):
    changeset_id, ref, _, paragraphs, connector = approved
    # slow writes, so the first worker still holds the changeset when the second one starts
    tool.post("faults", {"status": 0, "hang": 0.3, "match": tool.write_match, "count": tool.writes_for(EDITS)})
    workers = [start_worker(changeset_id) for _ in range(2)]
    results = [(w.wait(timeout=60), w.stderr.read()) for w in workers]

    assert sorted(code for code, _ in results) == [0, 1]
    refused = next(message for code, message in results if code == 1)
    assert "being applied" in refused or "is applied" in refused
    assert tool.writes() == tool.writes_for(EDITS)
    assert changesets.get(store, changeset_id).status == "applied"
    started = [e for e in store.events(subject=changesets.subject(changeset_id)) if e.action == "changeset.apply.started"]
    assert len(started) == 1
    assert all(connector.fetch(ref).block(b.id).text.endswith(f"Revised {n}.") for n, b in enumerate(paragraphs))
