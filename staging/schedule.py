"""Scheduled sweeps: a cron expression from the settings, run by APScheduler.

Several schedulers may run at once (two hosts, a restart while the old process drains):
each fire takes the `sweep` lease in the database first, and a fire whose slot already has
a sweep (one started at or after the slot's time) is skipped, so a restart never runs the
same slot twice and two schedulers never sweep at once.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Callable

from apscheduler.triggers.cron import CronTrigger
from sqlmodel import col, select

from connectors.errors import ConfigError
from staging.lease import acquire, holder, release
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
    parts = []
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
    who = holder()
    if not acquire(store, SWEEP_LEASE, who):
        return None
    try:
        with store.session() as session:
            done = session.exec(select(SweepRun).where(col(SweepRun.started_at) >= slot)).first()
        return None if done is not None else sweep_now()
    finally:
        release(store, SWEEP_LEASE, who)
