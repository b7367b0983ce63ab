"""Pull: bring the store up to date with one source.

Incremental by default: the connector lists what may have changed since the stored cursor,
the store skips refs whose version it already holds, and only the rest are fetched. A full
pull lists everything and marks stored documents that are gone as deleted: where the tool's
listing is complete (`Capabilities.complete_listing`), those it left out; elsewhere only those
the tool confirms gone when asked (`fetch` says archived, or not found), never one a listing
merely missed or one the tool could not read this time. A failed pull
keeps what it stored and does not move the cursor, so the next pull picks up from the same
place.

One unreadable document does not stop a pull. A fetch or normalisation that fails for that
document alone (a bug-shaped exception, or a 4xx the tool answers about it) is reported as
"not captured", with its title and a one-line reason, and the pull carries on. The pull then
keeps the cursor it started from, so the next pull lists the document again and retries it
(what was stored meanwhile is skipped by version). Whatever concerns every document stops
the pull as before: rejected credentials, rate limits, the tool being down or unreachable,
missing settings.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any, Callable, TypedDict

from connectors.document import Document, DocumentRef
from connectors.errors import AuthError, Busy, ConfigError, RemoteError, RemoteNotFound
from connectors.protocol import Connector
from connectors.registry import capabilities
from staging import coverage, lease, manual
from staging.models import saved_id
from staging.store import Store, remote_ref


@dataclass
class PullReport:
    source: str
    full: bool
    requests: int = 0
    listed: int = 0
    fetched: int = 0
    changed: int = 0
    new: int = 0
    deleted: int = 0
    seconds: float = 0.0
    pull_id: int | None = None
    changed_titles: list[str] = field(default_factory=list)
    not_captured: list[dict[str, str]] = field(default_factory=list)  # {remote_id, title, reason}
    # Coverage of the documents this pull fetched (staging.coverage): characters of all their
    # text, of their blocks, and how many elements they list as not captured. Not to be
    # confused with `not_captured` above, whole documents the tool refused.
    chars_total: int = 0
    chars_tracked: int = 0
    elements_not_captured: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_REASON_LENGTH = 200


Progress = Callable[[PullReport], None]
_PULL_LEASE = timedelta(minutes=30)  # longer than a pull of 1,000 pages at Notion's rate


def pull(
    store: Store,
    connector: Connector,
    *,
    full: bool = False,
    actor: str = "copydesk",
    progress: Progress | None = None,
) -> PullReport:
    source = connector.source
    who = lease.holder()
    if not lease.acquire(store, f"pull:{source}", who, ttl=_PULL_LEASE):
        raise Busy(f"Another process is pulling {source} right now; wait for it to finish (pulls of one "
                   f"source never interleave; if that process died, its turn lapses within "
                   f"{_PULL_LEASE.seconds // 60} minutes).")
    try:
        return _pull(store, connector, full=full, actor=actor, progress=progress)
    finally:
        lease.release(store, f"pull:{source}", who)


def _pull(store: Store, connector: Connector, *, full: bool, actor: str, progress: Progress | None) -> PullReport:
    source = connector.source
    previous = store.last_pull(source)
    resume = store.cursor(previous)
    cursor = None if full else resume
    full = full or cursor is None
    record = store.start_pull(source, full=full)
    report = PullReport(source=source, full=full, pull_id=record.id)
    started, requests_before = time.monotonic(), connector.requests_made
    try:
        listing = connector.list_changed(cursor)
        seen: set[str] = set()
        for ref in listing:
            report.listed += 1
            seen.add(ref.remote_id)
            if not store.is_current(ref):
                _fetch_and_record(store, connector, ref, saved_id(record), report)
            _tick(report, connector, requests_before, started, progress)
        if full:
            _settle_unlisted(store, connector, seen, saved_id(record), report)
        _tick(report, connector, requests_before, started, progress)
    except BaseException as error:
        store.finish_pull(record, status="failed", error=str(error)[:500], **_counts(report))
        raise
    # A document not captured must be listed again: keep the cursor the last pull left.
    store.finish_pull(record, status="ok", cursor=resume if report.not_captured else listing.cursor,
                      error=_not_captured_note(report), **_counts(report))
    store.log_event(actor, "pull", source, _counts(report) | {"pull_id": record.id, "full": full, "tool": connector.tool}
                    | ({"not_captured": report.not_captured} if report.not_captured else {})
                    | ({"coverage": coverage_totals(report)} if report.elements_not_captured else {}))
    return report


def _settle_unlisted(store: Store, connector: Connector, seen: set[str], pull_id: int, report: PullReport) -> None:
    """The stored documents a full listing left out: deleted at once where the listing is
    complete, otherwise each asked about (one fetch), and deleted only on the tool's word."""
    unlisted = [d for d in store.documents(connector.source) if d.status != "deleted" and d.remote_id not in seen]
    if capabilities(connector.tool).complete_listing:
        store.set_status([d.id for d in unlisted], "deleted")
        report.deleted += len(unlisted)
        return
    for tracked in unlisted:
        _fetch_and_record(store, connector, remote_ref(tracked), pull_id, report, confirming=True)


def _fetch_and_record(store: Store, connector: Connector, ref: DocumentRef, pull_id: int,
                      report: PullReport, *, confirming: bool = False) -> None:
    """`confirming`: `ref` was left out of a listing, so an archived answer means deleted."""
    try:
        doc = connector.fetch(ref)
    except RemoteError as error:
        if isinstance(error, RemoteNotFound):
            _mark_deleted(store, ref, report)
            return
        if not _only_this_document(error):
            raise
        _not_captured(report, ref, error)
        return
    except ConfigError:
        raise
    except Exception as error:  # noqa: BLE001 - a document the normaliser cannot read: skipped, named, retried
        _not_captured(report, ref, error)
        return
    report.fetched += 1
    if confirming and doc.ref.archived:
        _mark_deleted(store, ref, report)
        return
    _measure(report, doc)
    recorded = store.record(doc, tool=connector.tool, origin="pull", pull_id=pull_id)
    manual.verify(store, recorded.document, doc)
    if recorded.revision is not None:
        report.new += recorded.is_new
        report.changed += not recorded.is_new
        if not recorded.is_new:
            report.changed_titles.append(doc.ref.title)


def _mark_deleted(store: Store, ref: DocumentRef, report: PullReport) -> None:
    stored = store.document_by_remote(ref.source, ref.remote_id)
    if stored is not None:
        store.set_status([stored.id], "deleted")
        report.deleted += 1


def _measure(report: PullReport, doc: Document) -> None:
    tally = coverage.Tally()
    tally.add(doc)
    report.chars_total += tally.chars_total
    report.chars_tracked += tally.chars_tracked
    report.elements_not_captured += tally.elements_missed


def coverage_note(report: PullReport) -> str:
    """One line when the fetched documents left text out ("" when they left nothing out)."""
    if not report.elements_not_captured:
        return ""
    return coverage.pull_note(report.source, report.chars_tracked, report.chars_total, report.elements_not_captured)


def _only_this_document(error: RemoteError) -> bool:
    """A refusal about this one document (400, 409, 422, an unreadable body…), not one that
    every request would meet: rejected credentials, rate limits, 5xx, timeouts, no answer."""
    return (not isinstance(error, AuthError) and not error.retryable and error.status is not None
            and error.status not in (401, 403, 407, 408, 429) and error.status < 500)


def _not_captured(report: PullReport, ref: DocumentRef, error: Exception) -> None:
    lines = str(error).strip().splitlines()
    reason = f"{type(error).__name__}: {lines[0] if lines else 'no message'}"
    if len(reason) > _REASON_LENGTH:
        reason = reason[:_REASON_LENGTH - 1] + "…"
    report.not_captured.append({"remote_id": ref.remote_id, "title": ref.title, "reason": reason})


def _not_captured_note(report: PullReport) -> str:
    """One line on the Pull row naming what this pull could not read (the event has them all)."""
    if not report.not_captured:
        return ""
    names = "; ".join(f"{row['title'] or row['remote_id']} ({row['reason']})" for row in report.not_captured)
    return f"{len(report.not_captured)} document(s) not captured, retried next pull: {names}"[:500]


def _tick(report: PullReport, connector: Connector, before: int, started: float, progress: Progress | None) -> None:
    report.requests = connector.requests_made - before
    report.seconds = round(time.monotonic() - started, 3)
    if progress is not None:
        progress(report)


def coverage_totals(report: PullReport) -> dict[str, int]:
    return {k: getattr(report, k) for k in ("chars_total", "chars_tracked", "elements_not_captured")}


def _counts(report: PullReport) -> dict[str, int]:
    return {k: getattr(report, k) for k in ("requests", "listed", "fetched", "changed", "new", "deleted")}


class RemoteStatus(TypedDict):
    """What `remote_status` finds: titles of documents new, changed and deleted remotely."""

    source: str
    last_pull: str | None  # when the last successful pull finished (ISO 8601)
    new: list[str]
    changed: list[str]
    deleted: list[str]
    requests: int
    note: str


def remote_status(store: Store, connector: Connector, *, full: bool = False) -> RemoteStatus:
    """What changed remotely since the last pull, from listings alone: writes nothing."""
    requests_before = connector.requests_made  # a workspace's connector may have served earlier calls
    previous = store.last_pull(connector.source)
    cursor = None if full else store.cursor(previous)
    new: list[str] = []
    changed: list[str] = []
    deleted: list[str] = []
    seen: set[str] = set()
    for ref in connector.list_changed(cursor):
        seen.add(ref.remote_id)
        stored = store.document_by_remote(ref.source, ref.remote_id)
        if stored is None:
            if not ref.archived:  # a file that left the scope before copydesk ever saw it is nothing new
                new.append(ref.title)
        elif ref.archived and stored.status == "live":
            deleted.append(stored.title)
        elif stored.remote_version != ref.remote_version:
            changed.append(ref.title)
    if cursor is None and previous is not None:
        deleted += [d.title for d in store.documents(connector.source) if d.status == "live" and d.remote_id not in seen]
    return {
        "source": connector.source,
        "last_pull": previous.finished_at.isoformat() if previous and previous.finished_at else None,
        "new": new,
        "changed": changed,
        "deleted": deleted,
        "requests": connector.requests_made - requests_before,
        "note": "never pulled: run `copydesk pull`" if previous is None else "",
    }
