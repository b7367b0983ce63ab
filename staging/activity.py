"""The audit log as the Activity page and a changeset's audit trail show it: filterable, one
page at a time, each event with the changeset, document, tool, brief and engine it concerns,
and told as a sentence ("sam applied #12 to “Pricing” in Webflow"), not as its action name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func
from sqlmodel import col, select

from connectors.registry import source_label
from staging.models import AgentRun, Brief, Changeset, Event, TrackedDocument
from staging.store import Store

# Whatever a filter is added to (rows, a count): each filter keeps the query's own type.
_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])


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
    source: str  # the configured source the event's changeset or pull concerns ("marketing"), else ""
    tool: str  # that source's tool ("gdocs"), else ""
    brief: str
    engine: str  # "rules", or "claude (model)" for changesets a model proposed
    cost_usd: float | None  # the whole agent run's cost, on the changeset it staged
    details: dict[str, Any]


def page(store: Store, filters: Filters = Filters(), *, offset: int = 0, limit: int = 50) -> tuple[list[Row], int]:
    """One page of events, newest first, and how many match the filters."""
    with store.session() as session:
        total = session.exec(_where(select(func.count()).select_from(Event), filters)).one()
        events = list(session.exec(_where(select(Event), filters).order_by(col(Event.id).desc())
                                   .offset(offset).limit(limit)))
        ids = {_changeset_id(e.subject) for e in events} - {None}
        found = {c.id: c for c in session.exec(select(Changeset).where(col(Changeset.id).in_(ids)))}
        documents = {d.id: d for d in session.exec(select(TrackedDocument).where(
            col(TrackedDocument.id).in_({c.document_id for c in found.values()})))}
        brief_titles = dict(session.exec(select(Brief.id, Brief.title).where(
            col(Brief.id).in_({c.brief_id for c in found.values()} | _brief_ids(events)))).all())
        runs = {r.id: r for r in session.exec(select(AgentRun).where(
            col(AgentRun.id).in_({c.agent_run_id for c in found.values()})))}
    rows = []
    for event in events:
        changeset = found.get(_changeset_id(event.subject))
        run = runs.get(changeset.agent_run_id) if changeset else None
        brief_id = changeset.brief_id if changeset else _brief_id(event.subject)
        tracked = documents.get(changeset.document_id) if changeset else None
        source, tool = _source_and_tool(event, changeset, tracked)
        rows.append(Row(at=event.at, actor=event.actor, action=event.action, subject=event.subject,
                        document=tracked.title if tracked else "", source=source, tool=tool,
                        brief=brief_titles.get(brief_id, "") if brief_id else "",
                        engine=(f"{run.engine} ({run.model})" if run.model else run.engine) if run else "",
                        cost_usd=run.cost_usd if run else None, details=event.details))
    return rows, total


def _source_and_tool(event: Event, changeset: Changeset | None,
                     tracked: TrackedDocument | None) -> tuple[str, str]:
    """A pull names its source as the subject and its tool in the details; a pull logged before
    sources had names of their own named its tool as the subject."""
    if changeset is not None:
        return changeset.source, tracked.tool if tracked else ""
    if event.action == "pull":
        return event.subject, str(event.details.get("tool") or event.subject)
    return "", ""


def actors(store: Store) -> list[str]:
    with store.session() as session:
        return sorted(session.exec(select(Event.actor).distinct()))


def _where(query: _Query, filters: Filters) -> _Query:
    if filters.actor:
        query = query.where(col(Event.actor) == filters.actor)
    if filters.action:
        query = query.where(col(Event.action).startswith(filters.action, autoescape=True))
    if filters.changeset_id is not None:
        query = query.where(col(Event.subject) == f"changeset/{filters.changeset_id}")
    return query


def _changeset_id(subject: str) -> int | None:
    kind, _, number = subject.partition("/")
    return int(number) if kind == "changeset" and number.isdigit() else None


def _brief_id(subject: str) -> int | None:
    kind, _, number = subject.partition("/")
    return int(number) if kind == "brief" and number.isdigit() else None


def _brief_ids(events: list[Event]) -> set[int]:
    return {i for i in (_brief_id(e.subject) for e in events) if i is not None}


# -- events as sentences ---------------------------------------------------------------------

# What happened to a changeset, by the action's last part(s): "{who}", "{n}" (#12), "{where}"
# (“Pricing” in Webflow) and "{tool}" are filled in by `sentence`.
_CHANGESET_EVENTS = {
    "staged": "{who} proposed {n} for {where}",
    "approved": "{who} approved {n} ({where})",
    "approval.recorded": "{who} approved {n} ({where}); it needs another approval",
    "rewritten": "{who} rewrote the text of {n} ({where})",
    "reopened": "{n} went back to review after its text was rewritten",
    "rejected": "{who} rejected {n} ({where})",
    "superseded": "{who} re-proposed {n} on the current text of {where}",
    "apply.started": "{who} started applying {n} to {where}",
    "apply.done": "{who} applied {n} to {where}",
    "apply.conflict": "{who} could not apply {n}: someone had changed the same text in {where}",
    "apply.refused": "{who} could not apply {n} to {where}: formatting would have been lost",
    "apply.manual": "{who} asked to apply {n}; the {tool} API cannot write it, so a person pastes the new text in "
                    "{where}",
    "apply.verified": "{who} found {n}'s new text in {where}: applied",
    "revert.started": "{who} started reverting {n} in {where}",
    "revert.done": "{who} reverted {n} in {where}",
    "revert.conflict": "{who} could not revert {n}: someone had changed the same text in {where}",
    "revert.refused": "{who} could not revert {n} in {where}",
    "revert.manual": "{who} asked to revert {n}; the {tool} API cannot write it, so a person pastes the old text "
                     "in {where}",
    "revert.verified": "{who} found {n}'s old text back in {where}: reverted",
    "published": "{who} published {n} in {tool}",
    "republished": "{who} published the revert of {n} in {tool}",
    "recovered": "{who} settled {n} after an interrupted write to {where}",
    "resolved_upstream": "{who} found {n}'s change already made in {where}: nothing left to write",
}
_BRIEF_EVENTS = {"brief.added": "{who} added brief {n}", "brief.readded": "{who} added brief {n} again",
                 "brief.activated": "{who} made brief {n} the active one",
                 "brief.corrected": "{who} corrected brief {n}"}
_ACTORS = {"pull": "A pull", "sweep": "A sweep", "preview": "A preview"}  # the processes that act on their own


def sentence(row: Row) -> str:
    """What happened, as a person says it. Titles and names are quoted as they are: show the
    sentence through `staging.literal` like any remote text."""
    who = _ACTORS.get(row.actor, row.actor)
    kind, _, number = row.subject.partition("/")
    if kind == "changeset" and row.action.startswith("changeset."):
        template = _CHANGESET_EVENTS.get(row.action.removeprefix("changeset."))
        tool = _named(row)
        where = f"“{row.document}” in {tool}" if row.document else tool or "its document"
        said = (template or "{who}: {n}, " + _words(row.action.removeprefix("changeset."))).format(
            who=who, n=f"#{number}", where=where, tool=tool or "the tool")
        reason = row.details.get("reason")
        return f"{said}: {reason}" if row.action == "changeset.rejected" and reason else said
    if row.action in _BRIEF_EVENTS:
        said = _BRIEF_EVENTS[row.action].format(who=who, n=f"#{number}")
        return f"{said} (“{row.brief}”)" if row.brief else said
    if row.action == "pull":
        counts = ", ".join(f"{row.details[k]} {k}" for k in ("changed", "new", "deleted") if row.details.get(k))
        pulled = f"{_named(row)} pulled" if row.actor in _ACTORS else f"{who} pulled {_named(row)}"
        return pulled + (f": {counts}" if counts else ": nothing new")
    if row.action == "sweep":
        return f"{who} swept every source: {row.details.get('stale', 0)} stale document(s)"
    return f"{who}: {_words(row.action)}" + (f" ({row.subject})" if row.subject else "")


def _named(row: Row) -> str:
    """The row's source as people read it: "Webflow", or "Notion (support)" when the source's
    name says more than its tool's."""
    return source_label(row.source, row.tool) if row.source else ""


def _words(action: str) -> str:
    """An action name nobody wrote a sentence for yet, at least in words ("dismissal added")."""
    return action.replace(".", " ").replace("_", " ")
