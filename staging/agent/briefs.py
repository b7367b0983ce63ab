"""The briefs kept in the store: adding (once per distinct text), listing, activating."""

from __future__ import annotations

import hashlib
from typing import Any, Protocol

from sqlalchemy import update
from sqlmodel import col, select

from connectors.errors import BriefError, NotFound
from staging import identity
from staging.agent.brief import CompiledBrief, Scope, compile_markdown
from staging.models import Brief, saved_id
from staging.store import Store


class Compiler(Protocol):
    """Reads a brief written as prose (the claude engine)."""

    def compile_brief(self, text: str) -> tuple[CompiledBrief, Any]: ...


def add(store: Store, text: str, *, source: str, actor: str, activate: bool = False,
        compiler: Compiler | None = None) -> tuple[Brief, bool]:
    """Store a brief and its compiled form; returns it and whether it is new. The same text
    added twice is the same brief. The first brief becomes active by itself. Without a
    `compiler`, the brief's Markdown sections are read; a brief with neither terms nor
    retired claims is refused, since no engine could act on it."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with store.session() as session:
        brief = session.exec(select(Brief).where(Brief.sha256 == digest)).first()
    is_new, details = brief is None, {"source": source}
    if brief is None:
        compiled, usage = compiler.compile_brief(text) if compiler else (compile_markdown(text), None)
        if compiled.is_empty:
            said = "The brief names no term changes and no retired claims"
            raise BriefError(said + (": Claude found none in it either." if compiler else
                                     ": add `## Terms` / `## Retired claims` sections (see the README), or let "
                                     "Claude read the prose with `--compile claude`.") + " Nothing was stored.",
                             in_app=said + (": Claude found none in it either." if compiler else
                                            ": add `## Terms` / `## Retired claims` sections (see the README), or "
                                            "choose “Claude (prose)” to read it.") + " Nothing was stored.")
        if usage is not None:
            details.update(compiled_by="claude", tokens=usage.total, cost_usd=round(usage.cost_usd, 6))
        with store.session() as session:
            first = session.exec(select(Brief)).first() is None
            brief = Brief(title=compiled.title or source, source=source, text=text, sha256=digest,
                          compiled=compiled.model_dump(mode="json"), active=first, added_by=actor)
            session.add(brief)
            session.commit()
            session.refresh(brief)
    store.log_event(actor, "brief.added" if is_new else "brief.readded", f"brief/{brief.id}", details)
    if activate and not brief.active:
        brief = set_active(store, saved_id(brief), actor=actor)
    return brief, is_new


def set_active(store: Store, brief_id: int, *, actor: str) -> Brief:
    get(store, brief_id)
    with store.session() as session:
        session.exec(update(Brief).values(active=False))
        session.exec(update(Brief).where(col(Brief.id) == brief_id).values(active=True))
        session.commit()
    store.log_event(actor, "brief.activated", f"brief/{brief_id}")
    return get(store, brief_id)


def correct(store: Store, brief_id: int, compiled: CompiledBrief, *, actor: str) -> Brief:
    """Replace a brief's compiled form with a person's correction (the text stays as added);
    the audit log keeps the form before and after. The corrector is recorded on the brief: what
    the corrected form proposes is their work too, so they cannot approve it (staging.review)."""
    if compiled.is_empty:
        raise BriefError("The corrected brief names no term changes and no retired claims; keep at least one.")
    with store.session() as session:
        brief = session.get(Brief, brief_id)
        if brief is None:
            raise NotFound(f"No brief {brief_id}. List them with `copydesk brief list`.",
                           in_app=f"There is no brief #{brief_id}: the Brief page lists them.")
        previous, brief.compiled = brief.compiled, compiled.model_dump(mode="json")
        if not any(identity.same(actor, name) for name in brief.corrected_by):
            brief.corrected_by = [*brief.corrected_by, actor]
        session.add(brief)
        session.commit()
        session.refresh(brief)
    store.log_event(actor, "brief.corrected", f"brief/{brief_id}", {"before": previous, "after": brief.compiled})
    return brief


def get(store: Store, brief_id: int | None = None) -> Brief:
    """One brief by id, or the active one."""
    with store.session() as session:
        if brief_id is not None:
            brief = session.get(Brief, brief_id)
            if brief is None:
                raise NotFound(f"No brief {brief_id}. List them with `copydesk brief list`.",
                               in_app=f"There is no brief #{brief_id}: the Brief page lists them.")
            return brief
        active = session.exec(select(Brief).where(Brief.active == True)).first()  # noqa: E712
    if active is None:
        raise NotFound("No active brief yet: add one with `copydesk brief add FILE`.",
                       in_app="No active brief yet: add one on the Brief page.")
    return active


def listing(store: Store) -> list[Brief]:
    with store.session() as session:
        return list(session.exec(select(Brief).order_by(col(Brief.id).desc())))


def compiled(brief: Brief, house: Scope | None = None) -> CompiledBrief:
    """The brief's compiled form, its scope joined with the workspace's own (`house`)."""
    result = CompiledBrief.model_validate(brief.compiled)
    result.scope = result.scope.merged(house)
    return result
