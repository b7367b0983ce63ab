"""A document's timeline for the History page: every revision and who or what made it.

Revisions say how copydesk came to see them (a pull, an apply, a revert, a rollback); the
audit log says who. Joined here, so the page only shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from staging.changesets import subject
from staging.models import Changeset, Event, Pull, Revision
from staging.store import Store

_DONE = {"apply": "changeset.apply.done", "revert": "changeset.revert.done"}


@dataclass(frozen=True)
class Entry:
    revision_id: str
    at: datetime
    origin: str  # pull | apply | revert | rollback
    actor: str  # the person who applied or reverted; "pull" for what a pull observed
    changeset_id: int | None
    changeset_title: str
    remote_version: str


def timeline(store: Store, document_id: str, *, limit: int = 200) -> list[Entry]:
    """Newest first."""
    revisions = store.revisions(document_id, limit=limit)
    changeset_ids = {r.changeset_id for r in revisions if r.changeset_id is not None}
    with store.session() as session:
        titles = dict(session.exec(select(Changeset.id, Changeset.title).where(col(Changeset.id).in_(changeset_ids))).all())
        events = list(session.exec(select(Event).where(
            col(Event.subject).in_([subject(i) for i in changeset_ids]), col(Event.action).in_(_DONE.values()))))
        pulls = {r.pull_id for r in revisions if r.pull_id is not None}
        pull_kind = dict(session.exec(select(Pull.id, Pull.full).where(col(Pull.id).in_(pulls))).all())
    actors = {(e.subject, e.details.get("revision")): e.actor for e in events}
    return [Entry(revision_id=r.id, at=r.observed_at, origin=r.origin,
                  actor=_actor(r, actors, pull_kind), changeset_id=r.changeset_id,
                  changeset_title=titles.get(r.changeset_id, "") if r.changeset_id else "",
                  remote_version=r.remote_version) for r in revisions]


def _actor(revision: Revision, actors: dict, pull_kind: dict) -> str:
    if revision.changeset_id is None:
        return "full pull" if pull_kind.get(revision.pull_id) else "pull"
    return actors.get((subject(revision.changeset_id), revision.id), "copydesk")
