"""Small display helpers the pages share: ages, status badges, money."""

from __future__ import annotations

from datetime import datetime, timezone

from staging.models import as_utc

_STATUS_COLOR = {"proposed": "blue", "approved": "violet", "applied": "green", "reverted": "gray",
                 "rejected": "gray", "superseded": "gray", "conflict": "red", "revert_conflict": "red",
                 "failed": "red", "applying": "orange", "reverting": "orange", "awaiting_manual": "orange",
                 "awaiting_manual_revert": "orange"}


def badge(status: str) -> str:
    """Markdown for a coloured status badge."""
    return f":{_STATUS_COLOR.get(status, 'gray')}-badge[{status}]"


def ago(when: datetime | None, now: datetime | None = None) -> str:
    if when is None:
        return "never"
    seconds = max(0, int(((now or datetime.now(timezone.utc)) - as_utc(when)).total_seconds()))
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def when(moment: datetime | None) -> str:
    return f"{as_utc(moment):%Y-%m-%d %H:%M} UTC" if moment else "—"


def usd(amount: float | None) -> str:
    return "" if amount is None else f"${amount:,.4f}" if amount < 1 else f"${amount:,.2f}"
