"""Applying and reverting changesets, with a journal, and recovery after a crash.

Each remote write is journalled before it is sent and after it is confirmed, together with
the blocks as they read just before it. If the process dies or the remote fails mid-way,
`reconcile` re-reads the remote and brings the changeset to a true state: finished when
every block reads the new text, otherwise the written blocks are put back exactly as they
were and the changeset says which blocks it could not restore. Never silently half-applied.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Callable, Sequence

from sqlmodel import col, select

from connectors.document import Block, Document, Edit
from connectors.errors import Conflict, CopydeskError, Forbidden, LossyEdit, ManualStep, RemoteError
from connectors.protocol import Connector
from connectors.text import normalise
from staging import changesets, identity, lifecycle, review
from staging import publish as publishing
from staging.changesets import this_process
from staging.lease import process_gone
from staging.lifecycle import Action, Status, transition
from staging.models import Changeset, ChangesetEdit, JournalEntry, TrackedDocument, as_utc, saved_id, utcnow
from staging.review import DEFAULT_POLICY, ReviewPolicy
from staging.store import Store, remote_ref

# A claim from another host is only taken over when it is this old (its process cannot be
# checked from here).
_FOREIGN_CLAIM_EXPIRY = timedelta(hours=1)

ConnectorFor = Callable[[str], Connector]


@dataclass
class Outcome:
    changeset: Changeset
    writes: list[dict[str, Any]] = field(default_factory=list)  # dry run: what would be sent
    revision_id: str | None = None
    recovery: dict[str, list[str]] | None = None
    manual: list[dict[str, Any]] = field(default_factory=list)  # what a person must paste, where
    document: Document | None = None  # dry run: the document as the tool has it now
    edits: list[Edit] = field(default_factory=list)  # dry run: what would be written to it
    # Tools with a publish step (Webflow): whether the text written is live now; None where
    # every write is live at once, and on a dry run.
    published: bool | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"changeset": self.changeset.id, "status": self.changeset.status, "writes": self.writes,
                "revision": self.revision_id, "recovery": self.recovery, "manual": self.manual,
                "published": self.published, "error": self.changeset.error or None}


class StoreJournal:
    """The journal in the store, one row per intent and per confirmation."""

    def __init__(self, store: Store, changeset_id: int, operation: str) -> None:
        self.store, self.changeset_id, self.operation = store, changeset_id, operation

    def intent(self, block_ids: Sequence[str], request: dict[str, Any], previous: Sequence[Block]) -> None:
        self._add("intent", block_ids, request, [b.model_dump(mode="json") for b in previous])

    def done(self, block_ids: Sequence[str]) -> None:
        self._add("done", block_ids, {}, [])

    def _add(self, phase: str, block_ids: Sequence[str], request: dict[str, Any], previous: list[dict[str, Any]]) -> None:
        with self.store.session() as session:
            session.add(JournalEntry(changeset_id=self.changeset_id, operation=self.operation, phase=phase,
                                     block_ids=list(block_ids), request=request, previous=previous))
            session.commit()


class PreviewJournal:
    """Collects the writes a dry run would send."""

    def __init__(self) -> None:
        self.writes: list[dict[str, Any]] = []

    def intent(self, block_ids: Sequence[str], request: dict[str, Any], previous: Sequence[Block]) -> None:
        self.writes.append({"blocks": list(block_ids), **request})

    def done(self, block_ids: Sequence[str]) -> None:
        """A dry run confirms nothing."""


# -- apply and revert -------------------------------------------------------------------------


def apply(store: Store, connector: Connector, changeset_id: int, *, actor: str, dry_run: bool = False,
          allow_lossy: bool = False, publish: bool = False, policy: ReviewPolicy = DEFAULT_POLICY) -> Outcome:
    """Write an approved changeset, and with `publish` put it live on a tool with drafts once
    (and only if) the apply succeeded. Its status is not trusted alone: the approvals stored
    must cover the content as it reads now (staging.review), and `actor` must be a publisher."""
    changeset = changesets.get(store, changeset_id)
    every = changesets.edits(store, changeset_id)
    if not dry_run:
        actor = identity.checked(actor)
        policy.require(actor, "apply")
        if lifecycle.can(Action.APPLY, changeset.status):
            _gate(store, changeset, every, actor, policy)
        if publish:
            publishing.publish_step(connector, changeset)  # refused before anything is written
    rows = [r for r in every if changesets.writes(r)]
    lossy_ok = allow_lossy or changeset.allow_lossy
    edits = [Edit(block_id=r.block_id, before=r.before, after=r.after, target=_target(r), allow_lossy=lossy_ok)
             for r in rows]
    outcome = _run(store, connector, changeset, edits, operation="apply", actor=actor, dry_run=dry_run)
    if dry_run:
        return outcome
    if publish and outcome.changeset.status == Status.APPLIED:
        outcome.changeset = publishing.publish(store, connector, changeset_id, actor=actor, policy=policy)
    return _with_publishing(outcome, connector)


def revert(store: Store, connector: Connector, changeset_id: int, *, actor: str, dry_run: bool = False,
           policy: ReviewPolicy = DEFAULT_POLICY) -> Outcome:
    """Write every block back as it read before the apply, run for run, and publish the
    restored text again where the changeset had been published, so the live site follows.
    One step for any reviewer: it restores content that was reviewed already, and is audited
    like the apply."""
    if not dry_run:
        actor = identity.checked(actor)
        policy.require(actor, "revert")
    changeset = changesets.get(store, changeset_id)
    rows = changesets.to_write(store, changeset_id)
    before_apply = _previous_blocks(store, changeset_id, "apply")
    base = store.load(changesets.revision_of(store, changeset.base_revision_id))
    edits = [Edit(block_id=r.block_id, before=r.after, after=r.before,
                  target=before_apply.get(r.block_id) or base.block(r.block_id)) for r in rows]
    outcome = _run(store, connector, changeset, edits, operation="revert", actor=actor, dry_run=dry_run)
    if dry_run:
        return outcome
    if outcome.changeset.status == Status.REVERTED:
        outcome.changeset = publishing.republish_after_revert(store, connector, changeset_id, actor=actor)
    return _with_publishing(outcome, connector)


def _with_publishing(outcome: Outcome, connector: Connector) -> Outcome:
    """Say whether the text written is live, on a tool where that is a separate step."""
    if publishing.can_publish(connector):
        outcome.published = outcome.changeset.published_at is not None
    return outcome


def _gate(store: Store, changeset: Changeset, rows: Sequence[ChangesetEdit], actor: str,
          policy: ReviewPolicy) -> None:
    """Refuse, and say so in the audit log, content the stored approvals do not cover."""
    try:
        review.require_approved(store, changeset, rows, policy)
    except Forbidden as refused:
        store.log_event(actor, "changeset.apply.refused", lifecycle.subject(saved_id(changeset)), {"reason": str(refused)})
        raise


def preview(connector: Connector, tracked: TrackedDocument, edits: Sequence[Edit]) -> list[dict[str, Any]]:
    """The requests writing `edits` would send (e.g. a restore not staged yet), sending none."""
    journal = PreviewJournal()
    connector.apply(remote_ref(tracked), edits, journal, dry_run=True)
    return journal.writes


_ACTION = {"apply": Action.APPLY, "revert": Action.REVERT}
_CLAIM = {"apply": Status.APPLYING, "revert": Status.REVERTING}
_MANUAL = {"apply": Status.AWAITING_MANUAL, "revert": Status.AWAITING_MANUAL_REVERT}
_SUCCESS = {"apply": Status.APPLIED, "revert": Status.REVERTED}
_CONFLICT = {"apply": Status.CONFLICT, "revert": Status.REVERT_CONFLICT}


def _run(store: Store, connector: Connector, changeset: Changeset, edits: list[Edit], *, operation: str,
         actor: str, dry_run: bool) -> Outcome:
    tracked = _document(store, changeset)
    action = _ACTION[operation]
    if dry_run:
        lifecycle.require(changeset, action)
        journal = PreviewJournal()
        current = connector.apply(remote_ref(tracked), edits, journal, dry_run=True)
        return Outcome(changeset, writes=journal.writes, document=current, edits=edits)
    changeset_id = saved_id(changeset)
    claimed = transition(store, changeset_id, action, _CLAIM[operation], actor=actor,
                         event=f"changeset.{operation}.started", claim=this_process(), claimed_at=utcnow(),
                         conflicts={}, error="")
    held = (Status(claimed.status),)
    try:
        document = connector.apply(remote_ref(tracked), edits, StoreJournal(store, changeset_id, operation))
    except Conflict as conflict:
        transition(store, changeset_id, Action.CONFLICT, _CONFLICT[operation], actor=actor,
                   event=f"changeset.{operation}.conflict", details={"remote": conflict.remote}, expected=held,
                   conflicts=conflict.remote, claim=None)
        raise
    except ManualStep as manual:
        waiting = transition(store, changeset_id, Action.AWAIT_MANUAL, _MANUAL[operation], actor=actor,
                             event=f"changeset.{operation}.manual", details={"steps": manual.steps}, expected=held,
                             manual_steps=manual.steps, claim=None)
        return Outcome(waiting, manual=manual.steps)
    except LossyEdit as lossy:
        transition(store, changeset_id, Action.RELEASE, Status(changeset.status), actor=actor,
                   event=f"changeset.{operation}.refused", details={"lossy": lossy.losses}, expected=held,
                   claim=None)
        raise
    except CopydeskError as error:
        raise _settle_after_failure(store, connector, changeset_id, actor, error) from error
    return _finish(store, claimed, document, operation, actor=actor, event=f"changeset.{operation}.done")


def _finish(store: Store, changeset: Changeset, document: Document, operation: str, *, actor: str, event: str,
            recovery: dict[str, list[str]] | None = None) -> Outcome:
    """Store the document as written and mark the claimed changeset applied or reverted."""
    revision_id = store.record(document, origin=operation, changeset_id=changeset.id).document.head_revision_id
    field_name = "applied_revision_id" if operation == "apply" else "reverted_revision_id"
    done = transition(store, saved_id(changeset), Action.FINISH, _SUCCESS[operation], actor=actor, event=event,
                      details={"revision": revision_id, **(recovery or {})}, expected=(Status(changeset.status),),
                      claim=None, **{field_name: revision_id})
    return Outcome(done, revision_id=revision_id, recovery=recovery)


def _settle_after_failure(store: Store, connector: Connector, changeset_id: int, actor: str,
                          error: CopydeskError) -> CopydeskError:
    """Some writes may have landed: reconcile now, or leave the claim for `copydesk recover`."""
    try:
        outcome = reconcile(store, connector, changesets.get(store, changeset_id), actor=actor)
    except CopydeskError as second:
        changesets.release(store, changeset_id)
        return RemoteError(f"{error} The remote could not be checked afterwards ({second}); changeset "
                           f"{changeset_id} stays claimed until `copydesk recover` can reach it.",
                           in_app=f"{error.in_app} The tool could not be checked afterwards ({second.in_app}); "
                                  f"changeset {changeset_id} stays claimed until the tool can be reached again.")
    return CopydeskError(f"{error} Changeset {changeset_id} is now {outcome.changeset.status}: "
                         f"{outcome.changeset.error or 'nothing of it remains on the remote.'}")


# -- recovery ---------------------------------------------------------------------------------


def recover(store: Store, connector_for: ConnectorFor, *, actor: str) -> tuple[list[Outcome], list[Changeset]]:
    """Reconcile every changeset whose applying or reverting process is gone.

    Returns the outcomes, and the claims left alone because their process may still run."""
    outcomes, busy = [], []
    for changeset in changesets.claimed(store):
        if not _claim_is_dead(changeset):
            busy.append(changeset)
            continue
        outcomes.append(reconcile(store, connector_for(changeset.source), changeset, actor=actor))
    return outcomes, busy


def reconcile(store: Store, connector: Connector, changeset: Changeset, *, actor: str) -> Outcome:
    """Bring a claimed changeset to the state the remote is really in."""
    operation = "apply" if changeset.status == Status.APPLYING else "revert"
    tracked = _document(store, changeset)
    rows = changesets.to_write(store, saved_id(changeset))
    wanted = {r.block_id: (r.after if operation == "apply" else r.before) for r in rows}
    original = {r.block_id: (r.before if operation == "apply" else r.after) for r in rows}
    current = connector.fetch(remote_ref(tracked))
    done, untouched, diverged = [], [], []
    for block_id in wanted:
        block = current.block(block_id)
        text = normalise(block.text) if block is not None else None
        if text == normalise(wanted[block_id]):
            done.append(block_id)
        elif text == normalise(original[block_id]):
            untouched.append(block_id)
        else:
            diverged.append(block_id)
    if not untouched and not diverged:
        return _finish(store, changeset, current, operation, actor=actor, event="changeset.recovered",
                       recovery={"finished": done})
    rolled_back, diverged = _roll_back(store, connector, changeset, tracked, done, wanted, original, operation,
                                       diverged)
    current = connector.fetch(remote_ref(tracked))
    recorded = store.record(current, origin="rollback", changeset_id=changeset.id)
    report = {"rolled_back": rolled_back, "untouched": untouched, "diverged": diverged}
    if diverged:
        error = (f"Blocks {', '.join(diverged)} read neither the old nor the new text; check them on "
                 f"{changeset.source}. " + (f"Blocks {', '.join(rolled_back)} were put back." if rolled_back else ""))
        to = Status.FAILED
    else:
        error = f"Interrupted during {operation}; " + (
            f"blocks {', '.join(rolled_back)} were put back as they were." if rolled_back else "no block had been written.")
        to = Status.FAILED if operation == "apply" else Status.APPLIED
    settled = transition(store, saved_id(changeset), Action.FAIL, to, actor=actor, event="changeset.recovered",
                         details=report, expected=(Status(changeset.status),), claim=None, error=error.strip())
    return Outcome(settled, revision_id=recorded.document.head_revision_id, recovery=report)


def _roll_back(store: Store, connector: Connector, changeset: Changeset, tracked: TrackedDocument,
               written: list[str], wanted: dict[str, str], original: dict[str, str], operation: str,
               diverged: list[str]) -> tuple[list[str], list[str]]:
    if not written:
        return [], diverged
    changeset_id = saved_id(changeset)
    previous = _previous_blocks(store, changeset_id, operation)
    edits = [Edit(block_id=b, before=wanted[b], after=original[b], target=previous.get(b)) for b in written]
    try:
        connector.apply(remote_ref(tracked), [e for e in edits if e.target is not None], StoreJournal(store, changeset_id, "rollback"))
    except Conflict as conflict:
        return [b for b in written if b not in conflict.remote], diverged + sorted(conflict.remote)
    missing = [e.block_id for e in edits if e.target is None]
    return [e.block_id for e in edits if e.target is not None], diverged + missing


def _claim_is_dead(changeset: Changeset) -> bool:
    if not changeset.claim:
        return True  # released by a process that gave up on it
    pid, _, host = changeset.claim.partition("@")
    if host == socket.gethostname() and pid.isdigit():
        return process_gone(changeset.claim)
    claimed_at = changeset.claimed_at
    return claimed_at is None or utcnow() - as_utc(claimed_at) > _FOREIGN_CLAIM_EXPIRY


# -- helpers ----------------------------------------------------------------------------------


def _previous_blocks(store: Store, changeset_id: int, operation: str) -> dict[str, Block]:
    """Each block as it read just before the latest journalled write of `operation` to it."""
    query = select(JournalEntry).where(JournalEntry.changeset_id == changeset_id, JournalEntry.operation == operation,
                                       JournalEntry.phase == "intent").order_by(col(JournalEntry.id))
    blocks: dict[str, Block] = {}
    with store.session() as session:
        for entry in session.exec(query):
            for raw in entry.previous:
                blocks[raw["id"]] = Block.model_validate(raw)
    return blocks


def _target(row: ChangesetEdit) -> Block | None:
    return Block.model_validate(row.target) if row.target else None


def _document(store: Store, changeset: Changeset) -> TrackedDocument:
    tracked = store.document(changeset.document_id)
    if tracked is None:
        raise CopydeskError(f"The store lost document {changeset.document_id} of changeset {changeset.id}.")
    return tracked

