"""A document's timeline for the History page and `copydesk log`: every revision and who made it.

Revisions say how copydesk came to see them (a pull, an apply, a revert, a rollback) and,
for what a pull saw, whom the tool names as the last editor; the audit log says who applied
or reverted. Joined here into one sentence per revision ("edited in Notion by Jordan Lee",
"applied #12 by sam"), so the page and the terminal say the same thing and only show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from connectors import registry
from staging.lifecycle import subject
from staging.models import Changeset, Event, Revision, TrackedDocument
from staging.store import Store

_DONE = {"apply": "changeset.apply.done", "revert": "changeset.revert.done"}
_VERBS = {"apply": "applied", "revert": "reverted", "rollback": "put back after an interrupted write:"}


@dataclass(frozen=True)
class Entry:
    revision_id: str
    at: datetime
    origin: str  # pull | apply | revert | rollback
    actor: str  # who applied or reverted; for a pull, the tool's last editor ('' when it does not say)
    changeset_id: int | None
    changeset_title: str
    remote_version: str
    source: str = ""  # the document's tool ("notion"), which names it in words
    first: bool = False  # the first revision copydesk has of the document

    @property
    def tool(self) -> str:
        return tool_name(self.source)

    @property
    def summary(self) -> str:
        """Who made this revision, in words."""
        if self.changeset_id is not None:
            return f"{_VERBS.get(self.origin, self.origin)} #{self.changeset_id} by {self.actor or 'copydesk'}"
        edited = f"in {self.tool} by {self.actor}" if self.actor else f"by someone in {self.tool}"
        return f"first pulled; last edited {edited}" if self.first else f"edited {edited}"


def tool_name(source: str) -> str:
    return registry.label(source)


def timeline(store: Store, document_id: str, *, limit: int = 200) -> list[Entry]:
    """Newest first."""
    return entries(store, store.revisions(document_id, limit=limit))


def entries(store: Store, revisions: list[Revision]) -> list[Entry]:
    """`revisions` (of any documents) as timeline entries, in the same order."""
    changeset_ids = {r.changeset_id for r in revisions if r.changeset_id is not None}
    with store.session() as session:
        sources = dict(session.exec(select(TrackedDocument.id, TrackedDocument.tool).where(
            col(TrackedDocument.id).in_({r.document_id for r in revisions}))).all())
        titles = dict(session.exec(select(Changeset.id, Changeset.title).where(col(Changeset.id).in_(changeset_ids))).all())
        events = list(session.exec(select(Event).where(
            col(Event.subject).in_([subject(i) for i in changeset_ids]), col(Event.action).in_(_DONE.values()))))
    actors: dict[tuple[str, str | None], str] = {(e.subject, e.details.get("revision")): e.actor for e in events}
    return [Entry(revision_id=r.id, at=r.observed_at, origin=r.origin,
                  actor=_actor(r, actors), changeset_id=r.changeset_id,
                  changeset_title=titles.get(r.changeset_id, "") if r.changeset_id else "",
                  remote_version=r.remote_version, source=sources.get(r.document_id, ""),
                  first=r.parent_id is None) for r in revisions]


def _actor(revision: Revision, actors: dict[tuple[str, str | None], str]) -> str:
    if revision.changeset_id is None:
        return revision.edited_by
    return actors.get((subject(revision.changeset_id), revision.id), "")
