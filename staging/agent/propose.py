"""From the active brief to staged changesets: retrieve, propose, validate, stage.

Retrieval first: the full-text index picks the blocks that mention a brief's terms or
claims, and of those only the matching sentences (staging.agent.passages) go to an
engine, one in-scope document per call; `candidate_tokens` counts them. Model calls run
concurrently, after a first call alone that writes the prompt cache, and stop cleanly at
the engine's token budget. Validation and staging happen here, in one thread, for every
engine alike. Each run is an `AgentRun`; a re-run does not duplicate an open changeset, and
a document already answered at its current revision under the same compiled brief is not
sent again (`Answered`): an unchanged sweep costs no tokens.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict, deque
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from connectors.document import Block, Document
from connectors.errors import AuthError, CopydeskError
from staging import by_rule, changesets, dismissals, lifecycle
from staging.agent import briefs, rules
from staging.agent.brief import CompiledBrief, Scope, TermChange
from staging.agent.checks import Checks
from staging.agent.engine import Answer, Engine, Flag, Proposal, Usage, estimate_tokens, tokens_for_length
from staging.agent.passages import Passage, passages
from staging.agent.validate import rejection
from staging.changesets import ProposedEdit
from staging.lifecycle import Action, Status
from staging.models import AgentRun, Answered, Brief, Changeset, TrackedDocument, saved_id
from staging.store import Store

Progress = Callable[[int, int, str], None]


@dataclass
class Work:
    """One in-scope document and the passages of it an engine is given."""

    tracked: TrackedDocument
    doc: Document
    passages: list[Passage]


@dataclass(frozen=True)
class ReadOnlyStale:
    """A stale block copydesk cannot write (its `readonly_reason` says why and where to fix
    it): never sent to an engine, reported for a person to fix by hand. A copy of another block
    of its document (`attrs["copy_of"]`) is left out: fixing that block fixes it."""

    tracked: TrackedDocument
    block: Block
    reasons: list[str]  # the retired terms and claims it uses (Checks.reasons)


@dataclass
class Candidates:
    work: list[Work]
    skipped: list[dict[str, str]]  # out-of-scope documents, with the reason
    blocks: int  # candidate blocks found in the index, in scope or not
    dismissed: list[dict[str, object]] = field(default_factory=list)  # blocks a reviewer said won't fix
    readonly: list[ReadOnlyStale] = field(default_factory=list)  # stale read-only blocks, in document order


def candidates(store: Store, compiled: CompiledBrief, *, source: str | None = None,
               brief: Brief | None = None) -> Candidates:
    """What the brief's checks find, by document in title order, scope applied; with `brief`,
    less the blocks its dismissals cover (staging.dismissals): neither sent nor stale. Stale
    read-only blocks are kept apart (`readonly`): no engine may edit them, a person can."""
    checks = Checks(compiled)
    hits: dict[str, set[str]] = defaultdict(set)
    for document_id, block_id in checks.blocks(store):
        hits[document_id].add(block_id)
    found = Candidates(work=[], skipped=[], blocks=sum(len(b) for b in hits.values()))
    waived = dismissals.in_force(store, brief) if brief is not None else None
    for document_id in sorted(hits, key=lambda d: store.known_document(d).title):
        tracked = store.known_document(document_id)
        if source and tracked.source != source:
            continue
        doc = store.load(changesets.revision_of(store, tracked.head_revision_id or ""))
        reason = rules.out_of_scope(tracked, compiled.scope, edited=tracked.edited_at)
        if reason:
            found.skipped.append(_skip(tracked, reason))
            continue
        if waived is not None:
            left = [(b.id, d) for b in doc.blocks if b.id in hits[document_id]
                    and (d := waived.holding(document_id, b.id, b.text)) is not None]
            found.dismissed.extend(dismissals.left_alone((document_id, tracked.title, d) for _, d in left))
            hits[document_id] -= {block_id for block_id, _ in left}
        sent = [p for p in passages(doc, hits[document_id], checks.stale)
                if not (compiled.scope.skip_quotes and p.kind == "quote")]
        found.readonly.extend(ReadOnlyStale(tracked, b, why) for b in doc.blocks
                              if b.id in hits[document_id] and not b.editable and not b.attrs.get("copy_of")
                              and not (compiled.scope.skip_quotes and b.kind == "quote")
                              and (why := checks.reasons(b.text)))
        if sent:
            found.work.append(Work(tracked, doc, sent))
    return found


def propose(store: Store, brief: Brief, *, actor: str, engine: Engine | None = None, source: str | None = None,
            dry_run: bool = False, progress: Progress | None = None, house: Scope | None = None,
            again: bool = False, found: Candidates | None = None) -> AgentRun:
    """Proposals for every in-scope document the brief's checks find; `house` is the
    workspace's own scope (copydesk.toml's [scope]), applied with the brief's; `again` asks
    the engine about documents it already answered at their current revision too; `found`
    is what `candidates` just returned for the same brief and scope (a sweep has it). `actor`
    is who asked (a scheduled sweep's is the scheduler's): recorded on the run, they are an
    author of what it stages, like the brief's writer (staging.review)."""
    engine = engine or rules.RulesEngine()
    started = time.monotonic()
    compiled = briefs.compiled(brief, house)
    found = found if found is not None else candidates(store, compiled, source=source, brief=brief)
    brief_id = saved_id(brief)
    open_for = _open_changesets(store, brief_id)
    fingerprint = hashlib.sha256(compiled.model_dump_json().encode()).hexdigest()
    answered = {} if again else _answered(store, brief_id, engine.name, fingerprint)
    held = {w.tracked.id: why for w in found.work
            if (why := _held_back(w, open_for.get(w.tracked.id), answered.get(w.tracked.id)))}
    work = [w for w in found.work if w.tracked.id not in held]
    run = AgentRun(brief_id=brief_id, engine=engine.name, model=engine.model, requested_by=actor, dry_run=dry_run,
                   corpus_blocks=store.indexed_blocks(), candidate_blocks=found.blocks, skipped=found.skipped,
                   candidate_tokens=sum(estimate_tokens(p.text) for w in work for p in w.passages),
                   dismissed=list(found.dismissed))
    run.corpus_tokens = _corpus_tokens(store)
    run.skipped.extend(_skip(w.tracked, held[w.tracked.id]) for w in found.work if w.tracked.id in held)
    if not dry_run:
        run = _save(store, run)
    if dry_run and not engine.offline:
        run.skipped.extend(_skip(w.tracked, f"dry run: {len(w.passages)} passage(s) would be sent to {engine.model}")
                           for w in work)
        run.seconds = round(time.monotonic() - started, 3)
        return run
    usage = Usage()
    try:
        answers = _answers(engine, work, compiled, run, usage, progress)
    finally:
        run.tokens_in = usage.sent
        run.tokens_out, run.cost_usd = usage.output, round(usage.cost_usd, 6)
        run.seconds = round(time.monotonic() - started, 3)
        if run.stopped and not dry_run:
            run = _save(store, run)  # a run cut short by a refused key is on record too
    for item in work:
        answer = answers.get(item.tracked.id)
        if answer is not None:
            _stage(store, run, brief, compiled, engine, item, answer, open_for, dry_run)
            if not dry_run:
                _remember(store, brief_id, engine.name, fingerprint, item.tracked)
    run.seconds = round(time.monotonic() - started, 3)
    return run if dry_run else _save(store, run)


def _answers(engine: Engine, work: list[Work], compiled: CompiledBrief, run: AgentRun, usage: Usage,
             progress: Progress | None) -> dict[str, Answer]:
    """Each document's answer, at most `concurrency` calls at once, within the token budget."""
    answers: dict[str, Answer] = {}
    queue = deque(work)
    running: dict[Future[Answer], tuple[Work, int]] = {}
    reserved, settled = 0, 0
    with ThreadPoolExecutor(max_workers=engine.concurrency) as pool:
        while queue or running:
            limit = engine.concurrency if settled else 1  # the first call alone writes the prompt cache
            while queue and len(running) < limit and not run.stopped:
                need = engine.estimate(queue[0].doc, queue[0].passages, compiled)
                if engine.token_budget is not None and usage.total + reserved + need > engine.token_budget:
                    run.stopped = (f"Token budget of {engine.token_budget:,} reached after {len(answers) + len(running)} "
                                   f"of {len(work)} documents; the other {len(queue)} were not sent. Raise "
                                   "agent.token_budget in copydesk.toml, or narrow the run with --source.")
                    run.skipped.extend(_skip(w.tracked, "token budget reached: not sent") for w in queue)
                    queue.clear()
                    break
                item = queue.popleft()
                running[pool.submit(engine.answer, item.doc, item.passages, compiled)] = (item, need)
                reserved += need
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                item, need = running.pop(future)
                reserved -= need
                settled += 1
                try:
                    answer = future.result()
                except AuthError as error:
                    run.stopped = str(error)
                    for pending in running:
                        pending.cancel()
                    raise
                except CopydeskError as error:
                    run.skipped.append(_skip(item.tracked, f"{engine.name} failed: {error}"))
                    continue
                usage.add(answer.usage)
                answers[item.tracked.id] = answer
                if progress:
                    progress(settled, len(work), item.tracked.title)
    return answers


def _stage(store: Store, run: AgentRun, brief: Brief, compiled: CompiledBrief, engine: Engine, item: Work,
           answer: Answer, open_for: dict[str, Changeset], dry_run: bool) -> None:
    tracked, doc = item.tracked, item.doc
    shown = {p.block_id for p in item.passages}
    for problem in answer.malformed:
        run.rejected.append({"document": tracked.id, "title": tracked.title, "block": "", "after": "", "reason": problem})
    accepted = {}
    for proposal in answer.proposals:
        why = rejection(doc, proposal.block_id, proposal.after, compiled, shown)
        if why is None and proposal.block_id in accepted:
            why = "a second edit for the same block"
        if why:
            run.rejected.append({"document": tracked.id, "title": tracked.title, "block": proposal.block_id,
                                 "after": proposal.after, "reason": why})
        else:
            accepted[proposal.block_id] = proposal
    flags: dict[str, list[Flag]] = defaultdict(list)
    for flag in answer.flags:
        flags[flag.block_id].append(flag)
        run.flagged.append({"document": tracked.id, "title": tracked.title, "block": flag.block_id, "claim": flag.claim,
                            "kind": flag.kind})
    edits = [_edit(doc, block_id, accepted.get(block_id), flags.get(block_id, []), compiled.terms)
             for block_id in [b.id for b in doc.blocks] if block_id in accepted or block_id in flags]
    if not edits:
        return
    if dry_run:
        run.skipped.append(_skip(tracked, f"dry run: {len(accepted)} edit(s) and {len(flags)} flag(s) would be staged"))
        return
    rationale = _rationale(compiled, flags)
    if tracked.id in open_for:
        if not _supersede(store, open_for[tracked.id], engine):
            run.skipped.append(_skip(tracked, _left_alone(changesets.get(store, saved_id(open_for[tracked.id])))))
            return
        rationale += f" Supersedes changeset {open_for[tracked.id].id}, proposed on an older text of the page."
    changeset = changesets.stage(store, tracked, edits, actor=f"agent:{engine.name}",
                                 title=f"{brief.title}: {tracked.title}", rationale=rationale.strip(),
                                 brief_id=brief.id, agent_run_id=run.id)
    run.staged.append(saved_id(changeset))


def _edit(doc: Document, block_id: str, proposal: Proposal | None, flags: list[Flag],
          terms: list[TermChange]) -> ProposedEdit:
    """A proposed rewrite, something only a person can rewrite (the text unchanged), or both;
    with its rule: the engine's, or the brief terms the edit applies exactly (staging.by_rule).
    A retired claim's `flag` is the claim itself; other kinds' is their label, and `reason`
    says what the person must do."""
    flag = "; ".join(f.claim for f in flags)
    claims = "; ".join(f.claim for f in flags if f.kind == "claim")
    others = " ".join(f.reason for f in flags if f.kind != "claim")
    block = doc.block(block_id)
    assert block is not None
    if proposal is None:
        reason = " ".join(filter(None, [f"retired claim: {claims} (needs a person's rewrite)" if claims else "",
                                        others]))
        rule = by_rule.CLAIM + claims if claims else by_rule.PERSON + flag
        return ProposedEdit(block_id, block.text, reason=reason, confidence=None, flag=flag, rule=rule)
    reason = (proposal.reason + (f"; still makes the retired claim: {claims}" if claims else "")
              + (f". Still to do: {others}" if others else ""))
    rule = proposal.rule or by_rule.matching_terms(block.text, proposal.after, terms)
    return ProposedEdit(block_id, proposal.after, reason=reason, confidence=proposal.confidence, flag=flag, rule=rule)


def _rationale(compiled: CompiledBrief, flags: dict[str, list[Flag]]) -> str:
    text = compiled.summary
    claims = sorted({f.claim for found in flags.values() for f in found if f.kind == "claim"})
    if claims:
        text += (" Retired claims on this page are flagged for a person to rewrite when approving: "
                 + "; ".join(claims) + ".")
    held = sorted({f.claim for found in flags.values() for f in found if f.kind != "claim"})
    if held:
        text += (" Left for a person, where the brief's wording would not read right: " + "; ".join(held) + ".")
    return text.strip()


def _skip(tracked: TrackedDocument, reason: str) -> dict[str, str]:
    return {"document": tracked.id, "title": tracked.title, "reason": reason}


def _corpus_tokens(store: Store) -> int:
    """Estimated tokens of every live document's text: what sending everything would cost."""
    return sum(tokens_for_length(n) for n in store.live_block_lengths())


def _open_changesets(store: Store, brief_id: int) -> dict[str, Changeset]:
    with store.session() as session:
        rows = session.exec(select(Changeset).where(Changeset.brief_id == brief_id,
                                                    col(Changeset.status).in_(lifecycle.UNWRITTEN)))
        return {c.document_id: c for c in rows}


def _held_back(item: Work, changeset: Changeset | None, answered_at: str | None) -> str | None:
    """Why a document is not sent to the engine, or None to send it. Not sent: one whose
    open changeset from this brief still stands (approved, or proposed on the page as it
    reads now), or one answered at this revision already; a re-run or an unchanged sweep
    costs no tokens. A proposal on an older text is sent again, and superseded."""
    if changeset is not None and (changeset.status != Status.PROPOSED
                                  or changeset.base_revision_id == item.tracked.head_revision_id):
        return _left_alone(changeset)
    if answered_at is not None and answered_at == item.tracked.head_revision_id:
        return "answered at this revision of the page already; not sent again (propose --again to ask anew)"
    return None


def _left_alone(changeset: Changeset) -> str:
    if changeset.status == Status.PROPOSED:
        return f"changeset {changeset.id} from this brief is open and the page has not changed since"
    return f"changeset {changeset.id} from this brief is {changeset.status}: left for its reviewer"


def _answered(store: Store, brief_id: int, engine: str, fingerprint: str) -> dict[str, str]:
    """The revision at which each document was answered under this very compiled brief."""
    with store.session() as session:
        rows = session.exec(select(Answered).where(Answered.brief_id == brief_id, Answered.engine == engine,
                                                   Answered.compiled_sha == fingerprint))
        return {row.document_id: row.revision_id for row in rows}


def _remember(store: Store, brief_id: int, engine: str, fingerprint: str, tracked: TrackedDocument) -> None:
    row = Answered(brief_id=brief_id, document_id=tracked.id, engine=engine, revision_id=tracked.head_revision_id or "",
                   compiled_sha=fingerprint)
    with store.session() as session:
        session.merge(row)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()  # another process recorded the same answer at the same moment


def _supersede(store: Store, changeset: Changeset, engine: Engine) -> bool:
    """Retire an open proposal made on an older text, unless a reviewer took it up meanwhile
    (compare-and-swap: an approval in between wins)."""
    try:
        lifecycle.transition(store, saved_id(changeset), Action.SUPERSEDE, Status.SUPERSEDED, actor=f"agent:{engine.name}",
                             event="changeset.superseded", expected=(Status.PROPOSED,),
                             details={"reason": "the page changed since it was proposed; proposed again"})
    except CopydeskError:
        return False
    return True


def _save(store: Store, run: AgentRun) -> AgentRun:
    with store.session() as session:
        stored = session.get(AgentRun, run.id) if run.id else None
        if stored is None:
            session.add(run)
            session.commit()
            return run
        for name in ("seconds", "candidate_tokens", "tokens_in", "tokens_out", "cost_usd", "stopped"):
            setattr(stored, name, getattr(run, name))
        for name in ("staged", "rejected", "flagged", "skipped", "dismissed"):
            setattr(stored, name, list(getattr(run, name)))  # new lists, so the JSON columns are written
        session.add(stored)
        session.commit()
        return stored
