"""Small display helpers the pages share: ages and times in the reader's own time zone,
statuses in words, tool names, money."""

from __future__ import annotations

from datetime import UTC, datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st

from connectors import registry
from staging.lifecycle import Status
from staging.models import as_utc

_STATUS_COLOR = {Status.PROPOSED: "blue", Status.APPROVED: "violet", Status.APPLIED: "green",
                 Status.REVERTED: "gray", Status.REJECTED: "gray", Status.SUPERSEDED: "gray",
                 Status.CONFLICT: "red", Status.REVERT_CONFLICT: "red", Status.FAILED: "red",
                 Status.APPLYING: "orange", Status.REVERTING: "orange", Status.AWAITING_MANUAL: "orange",
                 Status.AWAITING_MANUAL_REVERT: "orange"}
# What each changeset status means to a reviewer; the raw names stay in the CLI's --json.
_STATUS_WORDS = {Status.PROPOSED: "to review", Status.APPROVED: "approved, not yet applied",
                 Status.APPLIED: "applied", Status.REVERTED: "reverted", Status.REJECTED: "rejected",
                 Status.SUPERSEDED: "replaced by a newer proposal", Status.CONFLICT: "in conflict",
                 Status.REVERT_CONFLICT: "revert in conflict", Status.FAILED: "failed",
                 Status.APPLYING: "being applied", Status.REVERTING: "being reverted",
                 Status.AWAITING_MANUAL: "awaiting a manual step in the tool",
                 Status.AWAITING_MANUAL_REVERT: "awaiting a manual revert in the tool"}


def status_words(status: str) -> str:
    """A changeset status as a reviewer reads it ("awaiting a manual step in the tool")."""
    return _STATUS_WORDS.get(status, status.replace("_", " "))


def badge(status: str) -> str:
    """Markdown for a coloured status badge, in words."""
    return f":{_STATUS_COLOR.get(status, 'gray')}-badge[{status_words(status)}]"


def tool(tool_id: str) -> str:
    """The tool a document or changeset lives in, by its name ("Google Docs", not "gdocs"),
    from the tool's id the store keeps on the document (not the source's configured name)."""
    return registry.label(tool_id)


def ago(when: datetime | None, now: datetime | None = None) -> str:
    if when is None:
        return "never"
    seconds = max(0, int(((now or datetime.now(UTC)) - as_utc(when)).total_seconds()))
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def when(moment: datetime | None) -> str:
    """`moment` in the reader's time zone, the zone said ("3 Dec 2026, 14:05 CET"); in UTC,
    saying so, when the browser has not told the server its zone."""
    if moment is None:
        return "—"
    local = as_utc(moment).astimezone(reader_zone())
    return f"{local.day} {local:%b %Y, %H:%M} {local.tzname()}"


def reader_zone() -> ZoneInfo | timezone:
    """The browser's time zone (Streamlit reads it from the page), else UTC."""
    name = st.context.timezone  # None outside a page run, or before the browser has said
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def usd(amount: float | None) -> str:
    return "" if amount is None else f"${amount:,.4f}" if amount < 1 else f"${amount:,.2f}"
