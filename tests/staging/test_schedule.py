"""Scheduled sweeps: the cron expression, the database lease, and one sweep per slot even
with several schedulers firing at once."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from connectors.errors import ConfigError, CopydeskError
from staging.agent import briefs
from staging.lease import acquire, release
from staging.models import SweepRun, utcnow
from staging.schedule import next_runs, run_slot, sweep_alone


def test_next_runs_follow_the_cron_expression_and_bad_ones_are_refused():
    runs = next_runs("0 6 * * 1-5", now=datetime(2026, 11, 20, 12, tzinfo=UTC))  # a Friday
    assert [r.isoformat() for r in runs] == ["2026-11-23T06:00:00+00:00", "2026-11-24T06:00:00+00:00",
                                             "2026-11-25T06:00:00+00:00"]
    assert next_runs("30 7 * * 0", now=datetime(2026, 11, 20, tzinfo=UTC))[0].strftime("%a %H:%M") == \
        "Sun 07:30"
    for bad in ("", "every morning", "61 * * * *"):
        with pytest.raises(ConfigError):
            next_runs(bad)


def test_the_lease_is_held_by_one_holder_until_released_or_lapsed(store):
    assert acquire(store, "sweep", "a") and acquire(store, "sweep", "a")  # re-entrant for its holder
    assert not acquire(store, "sweep", "b")
    release(store, "sweep", "a")
    assert acquire(store, "sweep", "b", ttl=timedelta(seconds=-1))  # taken, but lapsed at once
    assert acquire(store, "sweep", "c")


def test_schedulers_firing_at_once_sweep_the_slot_exactly_once(store):
    brief, _ = briefs.add(store, "## Terms\n- chatbot -> AI support engineer\n", source="b.md", actor="lead")
    slot = utcnow().replace(microsecond=0) - timedelta(seconds=1)
    swept: list[int] = []

    def sweep_now() -> SweepRun:
        time.sleep(0.2)  # a sweep takes a while: the other scheduler fires meanwhile
        with store.session() as session:
            run = SweepRun(brief_id=brief.id)
            session.add(run)
            session.commit()
            session.refresh(run)
        swept.append(run.id)
        return run

    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(run_slot(store, slot, sweep_now))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(swept) == 1 and sum(r is not None for r in results) == 1
    assert run_slot(store, slot, sweep_now) is None  # a restart later in the same slot: skipped
    assert len(swept) == 1


def test_a_sweep_asked_for_while_another_runs_is_refused(store):
    assert acquire(store, "sweep", "a scheduler elsewhere")
    with pytest.raises(CopydeskError, match="Another process is sweeping right now"):
        sweep_alone(store, lambda: pytest.fail("swept while another process was sweeping"))
    release(store, "sweep", "a scheduler elsewhere")
    run = SweepRun(brief_id=1)
    assert sweep_alone(store, lambda: run) is run
    assert acquire(store, "sweep", "the next one"), "the lease is released after the sweep"


def test_a_lease_held_by_a_dead_process_of_this_host_is_taken_over(store):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    host = socket.gethostname()
    assert acquire(store, "sweep", f"{dead.stdout.strip()}.1@{host}")
    assert acquire(store, "sweep", "the next one"), "a killed sweeper does not block the next sweep"
    assert not acquire(store, "sweep", f"{os.getpid()}.2@{host}"), "a living holder keeps it"
    assert not acquire(store, "sweep", "99999999.1@another-host"), "another host's holder cannot be checked"
