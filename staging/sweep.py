"""Sweeps: find stale content on every source and file fixes for review, unasked.

A sweep pulls every source incrementally, runs the active brief's checks over all in-scope
content (no model needed: the full-text index finds retired terms and claims), hands only
the flagged documents to the engine, and keeps a report: what is stale, where and why,
what was staged, and what changed since the previous sweep. A document fixed by hand since
then has its open changesets closed as `resolved_upstream`; open changesets are never
duplicated (propose leaves a document with an open changeset alone).
"""

from __future__ import annotations

import time
from typing import Callable, Mapping

from sqlmodel import col, select

from connectors.protocol import Connector
from staging import changesets
from staging.agent import briefs, rules
from staging.agent.engine import Engine
from staging.agent.passages import matching
from staging.agent.propose import candidates, propose
from staging.models import Brief, Changeset, SweepRun
from staging.pull import pull
from staging.store import Store

_OPEN = ("proposed", "approved")

Progress = Callable[[str], None]


def sweep(store: Store, connectors: Mapping[str, Connector], *, actor: str, engine: Engine | None = None,
          brief: Brief | None = None, progress: Progress | None = None) -> SweepRun:
    started = time.monotonic()
    brief = brief or briefs.get(store)
    compiled = briefs.compiled(brief)
    run = SweepRun(brief_id=brief.id)
    for name, connector in sorted(connectors.items()):
        _say(progress, f"pulling {name}")
        report = pull(store, connector, actor=actor)
        run.pulls.append({"source": name, "requests": report.requests, "fetched": report.fetched,
                          "changed": report.changed, "new": report.new, "deleted": report.deleted})
    _say(progress, "checking every in-scope document against the brief")
    phrases = rules.retrieval_phrases(compiled)
    found = candidates(store, compiled)
    run.stale = [{"document": w.tracked.id, "title": w.tracked.title, "source": w.tracked.source,
                  "url": w.tracked.url, "why": [{"block": p.block_id, "matched": matching(p.text, phrases),
                                                 "text": p.text[:300]} for p in w.passages]}
                 for w in found.work]
    stale_ids = {row["document"] for row in run.stale}
    run.resolved = _close_fixed(store, brief.id, stale_ids, actor)
    _say(progress, f"{len(run.stale)} stale document(s); proposing fixes")
    agent_run = propose(store, brief, actor=actor, engine=engine)
    run.agent_run_id, run.staged = agent_run.id, list(agent_run.staged)
    previous = last(store, brief.id)
    before = {row["document"] for row in previous.stale} if previous else set()
    run.new_stale = sorted(stale_ids - before) if previous else []
    run.fixed = sorted(before - stale_ids)
    run.seconds = round(time.monotonic() - started, 3)
    with store.session() as session:
        session.add(run)
        session.commit()
        session.refresh(run)
    store.log_event(actor, "sweep", f"sweep/{run.id}", {"stale": len(run.stale), "staged": run.staged,
                                                         "resolved": run.resolved})
    return run


def last(store: Store, brief_id: int | None = None) -> SweepRun | None:
    query = select(SweepRun).order_by(col(SweepRun.id).desc()).limit(1)
    if brief_id is not None:
        query = query.where(SweepRun.brief_id == brief_id)
    with store.session() as session:
        return session.exec(query).first()


def _close_fixed(store: Store, brief_id: int, stale_ids: set[str], actor: str) -> list[int]:
    """Open changesets of this brief on documents that no longer read stale: someone fixed
    them in the tool."""
    with store.session() as session:
        open_ones = list(session.exec(select(Changeset).where(Changeset.brief_id == brief_id,
                                                              col(Changeset.status).in_(_OPEN))))
    closed = []
    for changeset in open_ones:
        if changeset.document_id not in stale_ids:
            changesets.transition(store, changeset.id, _OPEN, "resolved_upstream", actor=actor,
                                  action="changeset.resolved_upstream",
                                  details={"reason": "the document no longer reads any retired term or claim"})
            closed.append(changeset.id)
    return closed


def to_markdown(run: SweepRun, titles: Mapping[int, str]) -> str:
    """The sweep report for people: what is stale and why, what was staged or closed."""
    lines = [f"# Sweep {run.id}", "", f"{len(run.stale)} stale document(s), {len(run.staged)} changeset(s) staged, "
             f"{len(run.resolved)} closed as resolved upstream, {run.seconds:.1f} s.", ""]
    lines += [f"- {p['source']}: {p['requests']} requests, {p['fetched']} fetched, {p['changed']} changed, "
              f"{p['new']} new, {p['deleted']} deleted" for p in run.pulls]
    if run.new_stale or run.fixed:
        lines += ["", f"Since the previous sweep: {len(run.new_stale)} newly stale, {len(run.fixed)} fixed."]
    lines += ["", "## Stale content"]
    for row in run.stale:
        lines += ["", f"### {row['title']} ({row['source']})", row["url"]]
        lines += [f"- {', '.join(w['matched']) or 'retired wording'}: “{w['text']}”" for w in row["why"]]
    if run.staged:
        lines += ["", "## Staged for review"] + [f"- #{i} {titles.get(i, '')}" for i in run.staged]
    return "\n".join(lines) + "\n"


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)
