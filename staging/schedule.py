"""Scheduled sweeps: a cron expression from the settings, run by APScheduler.

Several schedulers may run at once (two hosts, a restart while the old process drains):
each fire takes the `sweep` lease in the database first, and a fire whose slot already has
a sweep (one started at or after the slot's time) is skipped, so a restart never runs the
same slot twice and two schedulers never sweep at once. A sweep asked for by a person
(`copydesk sweep`, the app's Sweep now) takes the same lease, or is refused while it is held.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Callable, Iterator

from apscheduler.triggers.cron import CronTrigger
from sqlmodel import col, select

from connectors.errors import Busy, ConfigError
from staging.lease import LEASE_TTL, acquire, holder, release
from staging.models import SweepRun, utcnow
from staging.store import Store

SWEEP_LEASE = "sweep"


def trigger(cron: str, timezone: str = "UTC") -> CronTrigger:
    if not cron.strip():
        raise ConfigError("No schedule: set [schedule] cron = \"0 6 * * 1-5\" (minute hour day month weekday) in "
                          "copydesk.toml, or run `copydesk sweep` from your own cron.")
    try:
        return CronTrigger.from_crontab(_named_weekdays(cron), timezone=timezone)
    except (ValueError, LookupError) as error:
        raise ConfigError(f"[schedule] cron = {cron!r} (timezone {timezone!r}) is not valid: {error}. Use five "
                          "fields: minute hour day month weekday, e.g. \"0 6 * * 1-5\".") from error


_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _named_weekdays(cron: str) -> str:
    """Cron's weekday numbers (0 or 7 = Sunday) as names: APScheduler 3 numbers them from
    Monday, so "1-5" would otherwise run Tuesday to Saturday."""
    fields = cron.split()
    if len(fields) != 5:
        return cron  # from_crontab says what is wrong
    parts: list[str] = []
    for part in fields[4].split(","):
        span = re.fullmatch(r"(\d)-(\d)(?:/(\d+))?", part)
        if span:
            start, end, step = int(span[1]), int(span[2]), int(span[3] or 1)
            parts.extend(_DAYS[day % 7] for day in range(start, end + 1, step))
        elif part.isdigit():
            parts.append(_DAYS[int(part) % 7])
        else:
            parts.append(part)
    return " ".join([*fields[:4], ",".join(parts)])


def next_runs(cron: str, timezone: str = "UTC", *, count: int = 3, now: datetime | None = None) -> list[datetime]:
    cron_trigger, moment, runs = trigger(cron, timezone), now or utcnow(), []
    previous = None
    for _ in range(count):
        moment = cron_trigger.get_next_fire_time(previous, moment)
        if moment is None:
            break
        runs.append(moment)
        previous, moment = moment, moment + timedelta(seconds=1)
    return runs


def run_slot(store: Store, slot: datetime, sweep_now: Callable[[], SweepRun]) -> SweepRun | None:
    """One scheduled fire: the sweep for `slot`, unless another process holds the lease or
    the slot already has its sweep. Returns the sweep run, or None when skipped."""
    with _sweep_lease(store) as ours:
        if not ours:
            return None
        with store.session() as session:
            done = session.exec(select(SweepRun).where(col(SweepRun.started_at) >= slot)).first()
        return None if done is not None else sweep_now()


def sweep_alone(store: Store, sweep_now: Callable[[], SweepRun]) -> SweepRun:
    """A sweep asked for now, refused while another process sweeps: two sweeps at once would
    race for the sources' pull leases (one failing half-way) and propose fixes for the same
    documents at the same time."""
    with _sweep_lease(store) as ours:
        if not ours:
            raise Busy("Another process is sweeping right now (`copydesk schedule`, the app's Sweep now or "
                       "another `copydesk sweep`); wait for it to finish and read its report. If that "
                       f"process died, its turn lapses within {LEASE_TTL.seconds // 3600} hours.")
        return sweep_now()


@contextmanager
def _sweep_lease(store: Store) -> Iterator[bool]:
    """Whether this thread holds the `sweep` lease for the block (released after it)."""
    who = holder()
    if not acquire(store, SWEEP_LEASE, who):
        yield False
        return
    try:
        yield True
    finally:
        release(store, SWEEP_LEASE, who)
