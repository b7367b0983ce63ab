"""The audit log as the Activity page shows it: filterable, one page at a time, each event
with the changeset, document, brief and engine it concerns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select

from staging.models import AgentRun, Brief, Changeset, Event, TrackedDocument
from staging.store import Store


@dataclass(frozen=True)
class Filters:
    actor: str | None = None
    action: str = ""  # prefix: "changeset.apply" matches started, done, conflict
    changeset_id: int | None = None


@dataclass(frozen=True)
class Row:
    at: datetime
    actor: str
    action: str
    subject: str
    document: str
    brief: str
    engine: str  # "rules", or "claude (model)" for changesets a model proposed
    cost_usd: float | None  # the whole agent run's cost, on the changeset it staged
    details: dict


def page(store: Store, filters: Filters = Filters(), *, offset: int = 0, limit: int = 50) -> tuple[list[Row], int]:
    """One page of events, newest first, and how many match the filters."""
    with store.session() as session:
        total = session.exec(_where(select(func.count()).select_from(Event), filters)).one()
        events = list(session.exec(_where(select(Event), filters).order_by(col(Event.id).desc())
                                   .offset(offset).limit(limit)))
        ids = {_changeset_id(e.subject) for e in events} - {None}
        found = {c.id: c for c in session.exec(select(Changeset).where(col(Changeset.id).in_(ids)))}
        titles = dict(session.exec(select(TrackedDocument.id, TrackedDocument.title).where(
            col(TrackedDocument.id).in_({c.document_id for c in found.values()}))).all())
        brief_titles = dict(session.exec(select(Brief.id, Brief.title).where(
            col(Brief.id).in_({c.brief_id for c in found.values()} | _brief_ids(events)))).all())
        runs = {r.id: r for r in session.exec(select(AgentRun).where(
            col(AgentRun.id).in_({c.agent_run_id for c in found.values()})))}
    rows = []
    for event in events:
        changeset = found.get(_changeset_id(event.subject))
        run = runs.get(changeset.agent_run_id) if changeset else None
        brief_id = changeset.brief_id if changeset else _brief_id(event.subject)
        rows.append(Row(at=event.at, actor=event.actor, action=event.action, subject=event.subject,
                        document=titles.get(changeset.document_id, "") if changeset else "",
                        brief=brief_titles.get(brief_id, "") if brief_id else "",
                        engine=(f"{run.engine} ({run.model})" if run.model else run.engine) if run else "",
                        cost_usd=run.cost_usd if run else None, details=event.details))
    return rows, total


def actors(store: Store) -> list[str]:
    with store.session() as session:
        return sorted(session.exec(select(Event.actor).distinct()))


def _where(query, filters: Filters):  # type: ignore[no-untyped-def]
    if filters.actor:
        query = query.where(Event.actor == filters.actor)
    if filters.action:
        query = query.where(col(Event.action).startswith(filters.action, autoescape=True))
    if filters.changeset_id is not None:
        query = query.where(Event.subject == f"changeset/{filters.changeset_id}")
    return query


def _changeset_id(subject: str) -> int | None:
    kind, _, number = subject.partition("/")
    return int(number) if kind == "changeset" and number.isdigit() else None


def _brief_id(subject: str) -> int | None:
    kind, _, number = subject.partition("/")
    return int(number) if kind == "brief" and number.isdigit() else None


def _brief_ids(events: list[Event]) -> set[int]:
    return {i for i in (_brief_id(e.subject) for e in events) if i is not None}
