"""From the active brief to staged changesets: retrieve, propose, validate, stage.

Retrieval first: the full-text index picks the blocks that mention a brief's terms or
claims, so an engine only ever sees candidates (and a model is only ever sent those: the
editable candidates of in-scope documents, counted as `candidate_tokens`). Each
run is recorded as an `AgentRun`, including what would have been sent to a model. A brief
re-run does not file a duplicate of a changeset that is still open.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Callable

from sqlmodel import select

from connectors.errors import ConfigError
from staging import changesets
from staging.agent import briefs, rules
from staging.agent.validate import rejection
from staging.changesets import ProposedEdit
from staging.models import AgentRun, Brief, Changeset
from staging.store import Store

ENGINES = ("rules",)
_OPEN = ("proposed", "approved")

Progress = Callable[[int, int, str], None]


def estimate_tokens(text: str) -> int:
    """About four characters a token for English prose: enough to compare budgets."""
    return (len(text) + 3) // 4


def propose(store: Store, brief: Brief, *, actor: str, engine: str = "rules", source: str | None = None,
            dry_run: bool = False, progress: Progress | None = None) -> AgentRun:
    if engine not in ENGINES:
        raise ConfigError(f"Unknown engine {engine!r}; this build has: {', '.join(ENGINES)} "
                          "(the claude engine is not built yet).")
    started = time.monotonic()
    compiled = briefs.compiled(brief)
    hits: dict[str, set[str]] = defaultdict(set)
    for document_id, block_id in store.search_blocks(rules.retrieval_phrases(compiled)):
        hits[document_id].add(block_id)
    run = AgentRun(brief_id=brief.id, engine=engine, dry_run=dry_run, corpus_blocks=store.indexed_blocks(),
                   candidate_blocks=sum(len(b) for b in hits.values()))
    run.corpus_tokens = _corpus_tokens(store)
    if not dry_run:
        run = _save(store, run)
    open_for = _open_changesets(store, brief.id)
    for done, document_id in enumerate(sorted(hits, key=lambda d: store.document(d).title), start=1):
        tracked = store.document(document_id)
        if progress:
            progress(done, len(hits), tracked.title)
        if source and tracked.source != source:
            continue
        reason = rules.out_of_scope(tracked, compiled.scope)
        if reason:
            run.skipped.append({"document": tracked.id, "title": tracked.title, "reason": reason})
            continue
        doc = store.load(changesets.revision_of(store, tracked.head_revision_id or ""))
        run.candidate_tokens += sum(estimate_tokens(b.text) for b in doc.blocks
                                    if b.id in hits[document_id] and b.editable)
        proposals, flags = rules.propose(doc, compiled, hits[document_id])
        run.flagged.extend({"document": tracked.id, "title": tracked.title, "block": f.block_id, "claim": f.claim}
                           for f in flags)
        accepted = []
        for proposal in proposals:
            why = rejection(doc, proposal.block_id, proposal.after, compiled)
            if why:
                run.rejected.append({"document": tracked.id, "title": tracked.title, "block": proposal.block_id,
                                     "after": proposal.after, "reason": why})
            else:
                accepted.append(proposal)
        if not accepted:
            continue
        if dry_run:
            run.skipped.append({"document": tracked.id, "title": tracked.title,
                                "reason": f"dry run: {len(accepted)} edit(s) would be staged"})
            continue
        if tracked.id in open_for:
            run.skipped.append({"document": tracked.id, "title": tracked.title,
                                "reason": f"changeset {open_for[tracked.id]} from this brief is still open"})
            continue
        flagged_here = [f.claim for f in flags]
        changeset = changesets.stage(
            store, tracked, [ProposedEdit(p.block_id, p.after, reason=p.reason, confidence=p.confidence) for p in accepted],
            actor=f"agent:{engine}", title=f"{brief.title}: {tracked.title}",
            rationale=_rationale(compiled.summary, flagged_here), brief_id=brief.id, agent_run_id=run.id)
        run.staged.append(changeset.id)
    run.seconds = round(time.monotonic() - started, 3)
    return run if dry_run else _save(store, run)


def _rationale(summary: str, flagged: list[str]) -> str:
    text = summary
    if flagged:
        text += (" This page also makes retired claims that rules do not rewrite; a person should: "
                 + "; ".join(sorted(set(flagged))) + ".")
    return text.strip()


def _corpus_tokens(store: Store) -> int:
    """Estimated tokens of every live document's text: what sending everything would cost."""
    total = 0
    for tracked in store.documents(status="live"):
        if tracked.head_revision_id is not None:
            doc = store.load(changesets.revision_of(store, tracked.head_revision_id))
            total += sum(estimate_tokens(b.text) for b in doc.blocks)
    return total


def _open_changesets(store: Store, brief_id: int | None) -> dict[str, int]:
    with store.session() as session:
        rows = session.exec(select(Changeset).where(Changeset.brief_id == brief_id,
                                                    Changeset.status.in_(_OPEN)))  # type: ignore[attr-defined]
        return {c.document_id: c.id for c in rows}


def _save(store: Store, run: AgentRun) -> AgentRun:
    with store.session() as session:
        stored = session.get(AgentRun, run.id) if run.id else None
        if stored is None:
            session.add(run)
            session.commit()
            return run
        for field in ("seconds", "candidate_tokens", "tokens_in", "tokens_out", "cost_usd"):
            setattr(stored, field, getattr(run, field))
        for field in ("staged", "rejected", "flagged", "skipped"):
            setattr(stored, field, list(getattr(run, field)))  # new lists, so the JSON columns are written
        session.add(stored)
        session.commit()
        return stored
