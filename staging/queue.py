"""The review queue as the app shows it: filtered, counted per status, one page at a time.

A team's queue can hold thousands of changesets, so every function here asks the database
for exactly what one screen shows (a page of rows, the counts) and nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, case, func
from sqlmodel import col, select

from connectors.errors import ConfigError
from connectors.registry import document_kind
from staging.lifecycle import Status
from staging.models import Brief, Changeset, ChangesetEdit, TrackedDocument, saved_id
from staging.store import Store

# Whatever a filter is added to (rows, a count): each filter keeps the query's own type.
_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True)
class Filters:
    source: str | None = None
    status: str | None = None
    brief_id: int | None = None
    document: str = ""  # part of the document's title, any case


@dataclass(frozen=True)
class Row:
    id: int
    status: str
    title: str
    document_id: str
    document_title: str
    source: str  # the configured source's name
    tool_id: str  # the document's tool ("webflow")
    kind: str  # the document's kind in its tool: Webflow's "item" (CMS) or "page" (static)
    edits: int
    flags: int  # edits that flag a retired claim for a person
    proposed_by: str
    approved_by: str | None
    brief_id: int | None
    updated_at: datetime

    @property
    def tool(self) -> str:
        """Where the document lives, in the words its tool uses."""
        return document_kind(self.tool_id, self.kind)

    @property
    def size(self) -> str:
        """What changes, in words: "2 edits · 1 flag"."""
        parts = [f"{self.edits} edit{'s' if self.edits != 1 else ''}"]
        if self.flags:
            parts.append(f"{self.flags} flag{'s' if self.flags != 1 else ''}")
        return " · ".join(parts)


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    total: int  # rows matching the filters, on every page
    offset: int
    limit: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))


def page(store: Store, filters: Filters = Filters(), *, offset: int = 0, limit: int = 25) -> Page:
    """One page of the queue, newest first."""
    if filters.status and filters.status not in set(Status):
        raise ConfigError(f"Unknown status {filters.status!r}; use one of: {', '.join(Status)}.")
    if limit < 1 or offset < 0:
        raise ConfigError("A queue page needs limit ≥ 1 and offset ≥ 0.")
    total = count(store, filters)
    with store.session() as session:
        query = _where(select(Changeset, TrackedDocument.title, TrackedDocument.kind, TrackedDocument.tool), filters)
        found = list(session.exec(query.order_by(col(Changeset.id).desc()).offset(offset).limit(limit)))
        ids = [c.id for c, _, _, _ in found]
        flagged = func.sum(case((col(ChangesetEdit.flag) != "", 1), else_=0))
        sizes = {cid: (n, f or 0) for cid, n, f in session.exec(
            select(ChangesetEdit.changeset_id, func.count(), flagged).where(col(ChangesetEdit.changeset_id).in_(ids))
            .group_by(col(ChangesetEdit.changeset_id))).all()} if ids else {}
    rows = [Row(id=saved_id(c), status=c.status, title=c.title, document_id=c.document_id, document_title=title,
                source=c.source, tool_id=tool, kind=kind, edits=sizes.get(saved_id(c), (0, 0))[0],
                flags=sizes.get(saved_id(c), (0, 0))[1],
                proposed_by=c.proposed_by, approved_by=c.approved_by, brief_id=c.brief_id, updated_at=c.updated_at)
            for c, title, kind, tool in found]
    return Page(rows=rows, total=total, offset=offset, limit=limit)


def count(store: Store, filters: Filters = Filters()) -> int:
    """How many changesets match the filters."""
    with store.session() as session:
        return session.exec(_where(select(func.count()).select_from(Changeset), filters)).one()


def counts(store: Store, filters: Filters = Filters()) -> dict[str, int]:
    """How many changesets are in each status, under every filter but the status one."""
    unfiltered_status = Filters(source=filters.source, brief_id=filters.brief_id, document=filters.document)
    query = _where(select(Changeset.status, func.count()).select_from(Changeset), unfiltered_status)
    with store.session() as session:
        found = dict(session.exec(query.group_by(col(Changeset.status))).all())
    return {status.value: found[status] for status in Status if found.get(status)}


def sources(store: Store) -> list[str]:
    with store.session() as session:
        return sorted(session.exec(select(Changeset.source).distinct()))


def briefs(store: Store) -> dict[int, str]:
    """The briefs that changesets came from, id → title."""
    with store.session() as session:
        used = select(Changeset.brief_id).where(col(Changeset.brief_id).is_not(None)).distinct()
        return {saved_id(b): b.title for b in session.exec(select(Brief).where(col(Brief.id).in_(used)))}


def _where(query: _Query, filters: Filters) -> _Query:
    query = query.join(TrackedDocument, col(TrackedDocument.id) == col(Changeset.document_id))
    if filters.source:
        query = query.where(col(Changeset.source) == filters.source)
    if filters.status:
        query = query.where(col(Changeset.status) == filters.status)
    if filters.brief_id is not None:
        query = query.where(col(Changeset.brief_id) == filters.brief_id)
    if filters.document.strip():
        wanted = filters.document.strip().lower()
        query = query.where(func.lower(TrackedDocument.title).contains(wanted, autoescape=True))
    return query
