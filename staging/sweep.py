"""Sweeps: find stale content on every source and file fixes for review, unasked.

A sweep pulls every source incrementally, runs the active brief's checks over all in-scope
content (no model needed: retired terms and claims, claims restated in other words —
staging.agent.checks), hands only the flagged documents to the engine, and keeps a report:
what is stale, where and why, what was staged, and what changed since the previous sweep.
It also lists, for a person to re-read, in-scope pages that discuss the brief's topics and
nobody has edited since the brief was added (no edit to propose there, so no engine call).
Stale text in read-only blocks (a synced copy, alt text, a suggestion pending in the tool)
is reported too, with its manual step (why copydesk cannot write it, and the page's URL),
and never proposed on. Blocks a reviewer dismissed as won't fix (staging.dismissals) are neither listed nor proposed
again, only counted, until their text or the brief changes. A document fixed by hand since
then has its open changesets closed as `resolved_upstream`;
open changesets are never duplicated (staging.agent.propose leaves one that still stands
alone and supersedes a proposal made on an older text).
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import datetime
from typing import Any, Callable, Mapping

from sqlmodel import col, select

from connectors.errors import CopydeskError
from connectors.protocol import Connector
from connectors.registry import capabilities
from staging import changesets, coverage, lifecycle, literal
from staging.agent import briefs, rules
from staging.agent.brief import CompiledBrief, Scope
from staging.agent.checks import Checks
from staging.agent.engine import Engine
from staging.agent.passages import phrase_matcher
from staging.agent.propose import Candidates, candidates, propose
from staging.lifecycle import Action, Status
from staging.models import Brief, Changeset, SweepRun, TrackedDocument, as_utc, saved_id
from staging.pull import coverage_totals, pull
from staging.store import Store

_UNTOUCHED_EXAMPLES = 3  # blocks quoted per untouched document in the report

Progress = Callable[[str], None]


def sweep(store: Store, connectors: Mapping[str, Connector], *, actor: str, engine: Engine | None = None,
          brief: Brief | None = None, progress: Progress | None = None, house: Scope | None = None) -> SweepRun:
    """One sweep; `house` is the workspace's own scope (copydesk.toml's [scope])."""
    started = time.monotonic()
    brief = brief or briefs.get(store)
    compiled = briefs.compiled(brief, house)
    run = SweepRun(brief_id=saved_id(brief))
    for name, connector in sorted(connectors.items()):
        _say(progress, f"pulling {name}")
        report = pull(store, connector, actor=actor)
        run.pulls.append({"source": name, "requests": report.requests, "fetched": report.fetched,
                          "changed": report.changed, "new": report.new, "deleted": report.deleted,
                          "not_captured": report.not_captured} | coverage_totals(report))
    _say(progress, "checking every in-scope document against the brief")
    checks = Checks(compiled)
    found = candidates(store, compiled, brief=brief)
    run.dismissed = list(found.dismissed)
    run.stale = _retired(found, checks)
    stale_ids = {row["document"] for row in run.stale}
    waived = {row["document"] for row in run.dismissed}  # still reads the wording, by a reviewer's choice
    run.stale += _untouched(store, compiled, since=brief.added_at, besides=stale_ids | waived)
    out_of_scope = {row["document"] for row in found.skipped}  # not read now: not known to be fixed either
    run.resolved = _close_fixed(store, saved_id(brief), stale_ids | out_of_scope | waived, actor)
    _say(progress, f"{len(run.stale)} stale document(s); proposing fixes")
    agent_run = propose(store, brief, actor=actor, engine=engine, house=house, found=found)
    run.agent_run_id, run.staged = agent_run.id, list(agent_run.staged)
    previous = last(store, brief.id)
    before = {row["document"] for row in previous.stale} if previous else set()
    listed = {row["document"] for row in run.stale}
    run.new_stale = sorted(listed - before) if previous else []
    run.fixed = sorted(before - listed)
    run.seconds = round(time.monotonic() - started, 3)
    with store.session() as session:
        session.add(run)
        session.commit()
        session.refresh(run)
    store.log_event(actor, "sweep", f"sweep/{run.id}", {"stale": len(run.stale), "staged": run.staged,
                                                         "resolved": run.resolved, "dismissed": len(run.dismissed)})
    return run


def last(store: Store, brief_id: int | None = None) -> SweepRun | None:
    query = select(SweepRun).order_by(col(SweepRun.id).desc()).limit(1)
    if brief_id is not None:
        query = query.where(SweepRun.brief_id == brief_id)
    with store.session() as session:
        return session.exec(query).first()


def _row(tracked: TrackedDocument, kind: str, why: list[dict[str, Any]]) -> dict[str, Any]:
    """One stale document in the report; `kind` is "retired" (the brief's checks matched, fixes
    are proposed) or "untouched" (discusses a topic, not edited since the brief: re-read it)."""
    return {"document": tracked.id, "title": tracked.title, "source": tracked.source, "url": tracked.url,
            "kind": kind, "why": why}


def _retired(found: Candidates, checks: Checks) -> list[dict[str, Any]]:
    """The documents using retired wording, in title order: the passages an engine is shown,
    and the read-only blocks a person must fix by hand, each with its manual step."""
    rows: dict[str, dict[str, Any]] = {}
    for w in found.work:
        rows[w.tracked.id] = _row(w.tracked, "retired", [{"block": p.block_id, "matched": checks.reasons(p.text),
                                                          "text": p.text[:300]} for p in w.passages])
    for hit in found.readonly:
        row = rows.setdefault(hit.tracked.id, _row(hit.tracked, "retired", []))
        row["why"].append({"block": hit.block.id, "matched": hit.reasons, "text": hit.block.text[:300],
                           "manual": {"reason": hit.block.readonly_reason or coverage.NO_REASON,
                                      "url": hit.tracked.url}})
    return sorted(rows.values(), key=lambda row: row["title"])


def _untouched(store: Store, compiled: CompiledBrief, *, since: datetime, besides: set[str]) -> list[dict[str, Any]]:
    """In-scope live documents that discuss one of the brief's topics and were last edited
    before the brief was added (other than those already found stale)."""
    since = as_utc(since)
    topics = [(t, m) for t in compiled.topics if (m := phrase_matcher(t)) is not None]
    hits: dict[str, list[str]] = defaultdict(list)
    for document_id, block_id in store.search_blocks(t for t, _ in topics):
        hits[document_id].append(block_id)
    rows = []
    for document_id in sorted(set(hits) - besides):
        tracked = store.known_document(document_id)
        edited = as_utc(tracked.edited_at) if tracked.edited_at else None
        # Edit times are stamped to the tool's precision: an edit in the brief's own minute (say)
        # counts as after it.
        if tracked.status != "live" or edited is None or edited >= capabilities(tracked.tool).edit_time_floor(since):
            continue
        if rules.out_of_scope(tracked, compiled.scope, edited=edited):
            continue
        doc = store.load(changesets.revision_of(store, tracked.head_revision_id or ""))
        blocks = [b for b in doc.blocks if b.id in hits[document_id]][:_UNTOUCHED_EXAMPLES]
        note = f"untouched since {edited:%Y-%m-%d}, before the brief"
        rows.append(_row(tracked, "untouched", [
            {"block": b.id, "matched": [f"topic: {t}" for t, m in topics if m.search(b.text)] + [note],
             "text": b.text[:300]} for b in blocks]))
    return rows


def _close_fixed(store: Store, brief_id: int, still: set[str], actor: str) -> list[int]:
    """Open changesets of this brief on documents that no longer read stale (other than those
    in `still`): someone fixed them in the tool."""
    with store.session() as session:
        open_ones = list(session.exec(select(Changeset).where(Changeset.brief_id == brief_id,
                                                              col(Changeset.status).in_(lifecycle.UNWRITTEN))))
    closed = []
    for changeset in open_ones:
        if changeset.document_id in still:
            continue
        try:
            lifecycle.transition(store, saved_id(changeset), Action.RESOLVE_UPSTREAM, Status.RESOLVED_UPSTREAM, actor=actor,
                                 event="changeset.resolved_upstream",
                                 details={"reason": "the document no longer reads any retired term or claim"})
        except CopydeskError:
            continue  # a reviewer moved it on meanwhile (applying it, say): theirs to settle
        closed.append(saved_id(changeset))
    return closed


def retired(run: SweepRun) -> list[dict[str, Any]]:
    """The report's documents that use retired wording (fixes are proposed for these)."""
    return [row for row in run.stale if row.get("kind", "retired") == "retired"]


def untouched(run: SweepRun) -> list[dict[str, Any]]:
    """The report's documents to re-read: on the brief's topics, not edited since it."""
    return [row for row in run.stale if row.get("kind") == "untouched"]


def not_captured(run: SweepRun) -> list[dict[str, str]]:
    """Documents the sweep's pulls could not read (each with its source and a one-line
    reason): not checked this time, retried by the next pull."""
    return [{"source": p["source"], **row} for p in run.pulls for row in p.get("not_captured") or []]


def by_hand(run: SweepRun) -> list[dict[str, Any]]:
    """Stale read-only blocks (copydesk cannot write them), each with its document, what it
    matched, why it is read-only and where to fix it."""
    return [{"document": row["document"], "title": row["title"], "source": row["source"], **why}
            for row in retired(run) for why in row["why"] if why.get("manual")]


def coverage_notes(run: SweepRun) -> list[str]:
    """One line per source whose fetched documents left text out (staging.coverage)."""
    return [coverage.pull_note(p["source"], p["chars_tracked"], p["chars_total"], p["elements_not_captured"])
            for p in run.pulls if p.get("elements_not_captured")]


def manual_step(why: Mapping[str, Any]) -> str:
    """What a person does about a stale read-only block: the reason it is read-only, and the page."""
    manual = why["manual"]
    return f"read-only ({manual['reason']}); fix it by hand" + (f" at {manual['url']}" if manual["url"] else "")


def summary(run: SweepRun) -> str:
    missed = len(not_captured(run))
    hand = len(by_hand(run))
    return (f"Sweep {run.id}: {len(retired(run))} stale document(s), {len(untouched(run))} to re-read, "
            + (f"{hand} read-only block(s) to fix by hand, " if hand else "") +
            f"{len(run.dismissed)} block(s) dismissed as won't fix, "
            f"{len(run.staged)} changeset(s) staged, {len(run.resolved)} closed as resolved upstream, "
            + (f"{missed} document(s) not captured, " if missed else "") + f"{run.seconds:.1f} s.")


def to_markdown(run: SweepRun, titles: Mapping[int, str]) -> str:
    """The sweep report for people: what is stale and why, what was staged or closed.

    People mail it around and open it in Markdown viewers, so every title, URL and quote from
    the tools is escaped (`literal.markdown`): shown as written, never an image, link or HTML."""
    md = literal.markdown
    lines = ["# " + summary(run), ""]
    lines += [f"- {md(p['source'])}: {p['requests']} requests, {p['fetched']} fetched, {p['changed']} changed, "
              f"{p['new']} new, {p['deleted']} deleted" for p in run.pulls]
    if run.new_stale or run.fixed:
        lines += ["", f"Since the previous sweep: {len(run.new_stale)} newly stale, {len(run.fixed)} fixed."]
    if notes := coverage_notes(run):
        lines += [""] + [f"- {md(note)}" for note in notes]
    if missed := not_captured(run):
        lines += ["", "## Not captured (not checked; the next pull retries them)", ""]
        lines += [f"- {md(row['title'] or row['remote_id'])} ({md(row['source'])} {md(row['remote_id'])}): "
                  f"{md(row['reason'])}" for row in missed]
    for heading, rows in (("Stale content", retired(run)), ("Not edited since the brief: re-read", untouched(run))):
        if rows:
            lines += ["", f"## {heading}"]
        for row in rows:
            lines += ["", f"### {md(row['title'])} ({md(row['source'])})", md(row["url"])]
            lines += [f"- {md(', '.join(w['matched'])) or 'retired wording'}: “{md(w['text'])}”"
                      + (f" ({md(manual_step(w))})" if w.get("manual") else "") for w in row["why"]]
    if run.staged:
        lines += ["", "## Staged for review"] + [f"- #{i} {md(titles.get(i, ''))}" for i in run.staged]
    return "\n".join(lines) + "\n"


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)
