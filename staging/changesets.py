"""Changesets: staging and review.

How a changeset's status may move, and the one function that moves it, are in
staging.lifecycle; this module stages changesets and carries out the review actions.

`approve` moves a changeset to approved only once the `[review]` policy is satisfied (enough
approvers, none of them an author: staging.review); a reviewer's `rewrite` makes them an
author and sends an approved changeset back to proposed, its earlier approvals dismissed.

A proposed changeset whose page has changed since is superseded by a new proposal on the
current text when the brief is proposed again (a sweep does this); an approved one is left
for its reviewer (apply checks the page first).

`awaiting_manual` (and `_revert`): the tool's API cannot write these blocks, so a person
pastes the text; the next pull verifies it (staging.manual) and settles the changeset
applied (or reverted), or conflict when the block reads something else.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy import update
from sqlmodel import col, select

from connectors import text as runs
from connectors.document import Block, Document, Edit
from connectors.errors import ConfigError, CopydeskError, NotFound
from staging import block_ids, dismissals, identity, lifecycle, review
from staging.lifecycle import Action, Status, subject, transition
from staging.models import Changeset, ChangesetEdit, Revision, TrackedDocument, saved_id, utcnow
from staging.review import DEFAULT_POLICY, ReviewPolicy
from staging.store import Store


@dataclass(frozen=True)
class ProposedEdit:
    """What a person or the agent proposes for one block."""

    block_id: str
    after: str
    reason: str = ""
    confidence: float | None = None
    target: Block | None = None  # exact block to write back (restore)
    flag: str = ""  # a retired claim left for a person: `after` may equal the current text
    rule: str = ""  # what the edit does in the brief's words (staging.by_rule); agent edits only


def this_process() -> str:
    return f"{os.getpid()}@{socket.gethostname()}"


# -- reading ----------------------------------------------------------------------------------


def get(store: Store, changeset_id: int) -> Changeset:
    with store.session() as session:
        changeset = session.get(Changeset, changeset_id)
    if changeset is None:
        raise lifecycle.missing(changeset_id)
    return changeset


def edits(store: Store, changeset_id: int) -> list[ChangesetEdit]:
    with store.session() as session:
        query = select(ChangesetEdit).where(ChangesetEdit.changeset_id == changeset_id).order_by(col(ChangesetEdit.position))
        return list(session.exec(query))


def to_write(store: Store, changeset_id: int) -> list[ChangesetEdit]:
    """The edits that change text: dropped edits, and flags dismissed with no other change to
    their block, are left out."""
    return [r for r in edits(store, changeset_id) if writes(r)]


def writes(row: ChangesetEdit) -> bool:
    return not row.dropped and (row.target is not None or row.after != row.before)


def unresolved(row: ChangesetEdit) -> bool:
    """A flag (a retired claim, a term to translate…) nobody has settled yet: a person settles
    it by rewriting the block's text, dismissing the flag with a reason, or dropping the edit."""
    return bool(row.flag) and not (row.dropped or row.flag_dismissed or row.revised_by)


def settled(row: ChangesetEdit) -> str:
    """How a flag was settled, in words, for the record and the app ("" while unresolved)."""
    if not row.flag:
        return ""
    if row.dropped:
        return "dropped: nothing written"
    if row.revised_by:
        return f"rewritten by {row.revised_by}"
    if row.flag_dismissed:
        return f"dismissed by {row.flag_dismissed_by}: {row.flag_dismissed}"
    return ""


def listing(store: Store, *, status: str | None = None, source: str | None = None) -> list[Changeset]:
    if status and status not in set(Status):
        raise ConfigError(f"Unknown status {status!r}; use one of: {', '.join(Status)}.")
    query = select(Changeset).order_by(col(Changeset.id).desc())
    if status:
        query = query.where(Changeset.status == status)
    if source:
        query = query.where(Changeset.source == source)
    with store.session() as session:
        return list(session.exec(query))


def claimed(store: Store) -> list[Changeset]:
    """Changesets some process was applying or reverting (maybe this one, maybe a dead one)."""
    with store.session() as session:
        return list(session.exec(select(Changeset).where(col(Changeset.status).in_(lifecycle.CLAIMS))))


def lossy_report(base: Document, rows: Sequence[ChangesetEdit]) -> dict[str, list[str]]:
    """Formatting each edit would lose, judged on the base revision's runs (apply judges again
    on the remote's)."""
    report: dict[str, list[str]] = {}
    for row in rows:
        block = base.block(row.block_id)
        if block is not None and row.target is None:
            losses = runs.rewrite(block.spans, row.after).lossy
            if losses:
                report[row.block_id] = list(losses)
    return report


# -- staging ----------------------------------------------------------------------------------


def stage(store: Store, tracked: TrackedDocument, proposals: Sequence[ProposedEdit], *, actor: str,
          title: str = "", rationale: str = "", brief_id: int | None = None,
          agent_run_id: int | None = None) -> Changeset:
    """A new proposed changeset against the document's head revision."""
    if not proposals:
        raise ConfigError("A changeset needs at least one edit.")
    if tracked.head_revision_id is None:
        raise NotFound(f"{tracked.title!r} has no revision yet; run `copydesk pull` first.",
                       in_app=f"{tracked.title!r} has no revision yet: pull its source on the Sources page first.")
    head = store.revision(tracked.head_revision_id)
    assert head is not None
    base = store.load(head)
    seen: set[str] = set()
    rows: list[ChangesetEdit] = []
    for position, proposal in enumerate(proposals):
        block = _editable_block(base, tracked, proposal.block_id)
        if block.id in seen:
            raise ConfigError(f"Block {block.id} is edited twice; give one text per block.")
        seen.add(block.id)
        if proposal.target is None and proposal.after == block.text and not proposal.flag:
            raise ConfigError(f"The new text of block {block.id} is the same as the current text; nothing to change.")
        rows.append(ChangesetEdit(
            changeset_id=0, position=position, block_id=block.id, block_kind=block.kind, before=block.text,
            after=proposal.after, proposed_after=proposal.after, reason=proposal.reason,
            confidence=proposal.confidence, flag=proposal.flag, rule=proposal.rule, proposed_by=actor,
            target=proposal.target.model_dump(mode="json") if proposal.target else None,
        ))
    with store.session() as session:
        changeset = Changeset(
            document_id=tracked.id, base_revision_id=head.id, source=tracked.source,
            title=title or f"Edit {tracked.title}", rationale=rationale, proposed_by=actor,
            brief_id=brief_id, agent_run_id=agent_run_id,
        )
        session.add(changeset)
        session.flush()
        changeset_id = saved_id(changeset)
        for row in rows:
            row.changeset_id = changeset_id
            session.add(row)
        session.commit()
    store.log_event(actor, "changeset.staged", subject(changeset_id), {
        "document": tracked.id, "base_revision": head.id, "blocks": [r.block_id for r in rows]})
    return changeset


def restore_plan(store: Store, tracked: TrackedDocument, revision: Revision) -> tuple[list[Edit], list[str]]:
    """The edits that bring the head back to `revision`, and the blocks that cannot be."""
    head = revision_of(store, tracked.head_revision_id or "")
    if head.id == revision.id:
        raise ConfigError(f"{tracked.title!r} is already at revision {revision.id[:12]}; nothing to restore.")
    current = store.load(head)
    proposals, skipped = restore_proposals(current, store.load(revision))
    if not proposals:
        raise ConfigError(f"The text of {tracked.title!r} already matches revision {revision.id[:12]}"
                          + (f"; only blocks added or removed since differ ({', '.join(skipped)}), which "
                             "copydesk cannot restore by editing text." if skipped else "."))
    text_now = {b.id: b.text for b in current.blocks}  # restore_proposals only proposes blocks still there
    edits = [Edit(block_id=p.block_id, before=text_now[p.block_id], after=p.after, target=p.target)
             for p in proposals]
    return edits, skipped


def stage_restore(store: Store, tracked: TrackedDocument, revision: Revision, *, actor: str) -> Changeset:
    """A changeset that brings the document back to `revision`, reviewed like any other."""
    edits, skipped = restore_plan(store, tracked, revision)
    proposals = [ProposedEdit(e.block_id, e.after, reason="restore", target=e.target) for e in edits]
    rationale = f"Restore to revision {revision.id[:12]} ({revision.observed_at:%Y-%m-%d %H:%M})."
    if skipped:
        rationale += (f" Blocks added or removed since cannot be restored in place and are left as they are: "
                      f"{', '.join(skipped)}.")
    return stage(store, tracked, proposals, actor=actor, title=f"Restore {tracked.title} to {revision.id[:12]}",
                 rationale=rationale)


def restore_proposals(current: Document, past: Document) -> tuple[list[ProposedEdit], list[str]]:
    """Edits that bring `current` back to `past`, block by block, with the past formatting.

    Blocks added or removed since cannot be restored by editing text in place; their ids are
    returned so the changeset can say so."""
    proposals, skipped = [], []
    for old in past.blocks:
        now = current.block(old.id)
        if now is None:
            skipped.append(old.id)
            continue
        if now.editable and (now.text != old.text or now.spans != old.spans):
            proposals.append(ProposedEdit(old.id, old.text, reason="restore", target=old))
    skipped.extend(b.id for b in current.blocks if past.block(b.id) is None and b.editable)
    return proposals, skipped


def _editable_block(base: Document, tracked: TrackedDocument, block_id: str) -> Block:
    found = block_ids.matching(block_id, [b.id for b in base.blocks])
    matches = [b for b in base.blocks if b.id in found]
    if not matches:
        raise NotFound(f"{tracked.title!r} has no block {block_id!r}; `copydesk show {tracked.id[:8]} --json` "
                       "lists the block ids.")
    if len(matches) > 1:
        raise NotFound(f"Block prefix {block_id!r} matches {len(matches)} blocks of {tracked.title!r}; give more of the id.")
    if not matches[0].editable:
        raise ConfigError(f"Block {matches[0].id} is a {matches[0].kind}, which copydesk does not edit.")
    return matches[0]


# -- review -----------------------------------------------------------------------------------


def approve(store: Store, changeset_id: int, *, actor: str, dropped: Iterable[str] = (),
            dismissed: Mapping[str, str] | None = None, allow_lossy: bool = False,
            policy: ReviewPolicy = DEFAULT_POLICY) -> Changeset:
    """Record `actor`'s approval of the changeset exactly as it reads, after leaving out the
    `dropped` edits (block ids or prefixes) and dismissing the `dismissed` flags (block → why
    the flagged text may stay), as a reviewer does edit by edit.

    Every flag must be settled first (rewritten, dismissed or dropped): an approval never
    leaves one out quietly. Drops and dismissals are remembered (staging.dismissals), so the
    next propose or sweep does not stage them again. The changeset becomes `approved` once the
    policy's count of approvers other than its authors approved this content; until then it
    stays proposed, awaiting the others."""
    actor = identity.checked(actor)
    policy.require(actor, "approve")
    changeset = get(store, changeset_id)
    lifecycle.require(changeset, Action.APPROVE)
    rows = edits(store, changeset_id)
    left_out = {_row_for(rows, key).block_id for key in dropped} - {r.block_id for r in rows if r.dropped}
    waived = _waived(rows, dismissed or {}, left_out)
    kept = [r for r in rows if not (r.dropped or r.block_id in left_out)]
    if rows and not kept:
        raise ConfigError(f"Every edit of changeset {changeset_id} is dropped: reject it instead.")
    pending = [r for r in kept if unresolved(r) and r.block_id not in waived]
    if pending:
        raise ConfigError(_unresolved_message(changeset_id, pending, rows),
                          in_app=_unresolved_in_app(changeset_id, pending))
    if not any(writes(r) for r in kept):
        raise ConfigError(f"Changeset {changeset_id} would write nothing once its flags are dismissed: reject it "
                          f"(`copydesk reject {changeset_id} --reason WHY`); the rejection is remembered as won't fix.",
                          in_app=f"Changeset {changeset_id} would write nothing once its flags are dismissed: reject it "
                                 "instead (the rejection is remembered as won't fix).")
    review.refuse_author(store, changeset, rows, actor, policy)
    details: dict[str, Any] = {}
    if left_out:
        details["dropped"] = {r.block_id: r.proposed_after for r in rows if r.block_id in left_out}
    if waived:
        details["flags_dismissed"] = waived
    if left_out or waived:
        _save(store, rows, dropped=left_out, waived=waived, by=actor)
        rows = edits(store, changeset_id)
        _remember(store, changeset, rows, left_out, waived, actor)
    review.record(store, changeset, rows, actor)
    now = review.standing(store, changeset, rows, policy)
    details.update({"fingerprint": review.fingerprint(changeset, rows), "approvals": len(now.approvers),
                    "required": now.required})
    if not now.satisfied:
        store.log_event(actor, "changeset.approval.recorded", subject(changeset_id), details)
        return get(store, changeset_id)
    return transition(store, changeset_id, Action.APPROVE, Status.APPROVED, actor=actor, event="changeset.approved",
                      details=details, approved_by=", ".join(now.approvers), approved_at=utcnow(),
                      allow_lossy=allow_lossy)


def _waived(rows: Sequence[ChangesetEdit], dismissed: Mapping[str, str], left_out: set[str]) -> dict[str, str]:
    """The flags to dismiss now: block id → the reviewer's reason, each checked."""
    waived: dict[str, str] = {}
    short = block_ids.short_ids([r.block_id for r in rows])
    for key, why in dismissed.items():
        row = _row_for(rows, key)
        block = short[row.block_id]
        if not row.flag:
            raise ConfigError(f"Block {block} (“{dismissals.first_words(row.before)}”) has no flag to "
                              "dismiss; drop the edit instead if it must not be written.")
        if row.block_id in left_out:
            raise ConfigError(f"Block {block} is both dropped and its flag dismissed; choose one.")
        if not why.strip():
            raise ConfigError(f"Say why the flag of block {block} can stay: --dismiss "
                              f"{block}=\"the claim is still true here\".")
        if not row.flag_dismissed:
            waived[row.block_id] = why.strip()
    return waived


def _unresolved_message(changeset_id: int, pending: Sequence[ChangesetEdit], rows: Sequence[ChangesetEdit]) -> str:
    short = block_ids.short_ids([r.block_id for r in rows])
    where = "; ".join(f"“{dismissals.first_words(r.before)}” ({short[r.block_id]}: {r.flag})" for r in pending)
    block = short[pending[0].block_id]
    return (f"Changeset {changeset_id} has {len(pending)} unresolved flag(s): {where}. Settle each before approving: "
            f"rewrite it (`copydesk rewrite {changeset_id} --edit {block}=TEXT`), dismiss it with a reason "
            f"(`copydesk approve {changeset_id} --dismiss {block}=REASON`) or drop it (`--drop {block}`).")


def _unresolved_in_app(changeset_id: int, pending: Sequence[ChangesetEdit]) -> str:
    where = "; ".join(f"“{dismissals.first_words(r.before)}”" for r in pending)
    return (f"Changeset {changeset_id} has {len(pending)} unresolved flag(s): {where}. Settle each before approving: "
            "Rewrite it, Dismiss flag with a reason, or Drop it.")


def _remember(store: Store, changeset: Changeset, rows: Sequence[ChangesetEdit], left_out: set[str],
              waived: dict[str, str], actor: str) -> None:
    """Drops and dismissed flags as won't fix, so propose and sweeps leave those blocks alone."""
    dismissals.record(store, changeset, [r for r in rows if r.block_id in left_out], how=dismissals.DROPPED,
                      actor=actor)
    dismissals.record(store, changeset, [r for r in rows if r.block_id in waived], how=dismissals.FLAG_DISMISSED,
                      actor=actor, reasons=waived)


def rewrite(store: Store, changeset_id: int, *, actor: str, changes: dict[str, str], dropped: Iterable[str] = (),
            dismissed: Mapping[str, str] | None = None, policy: ReviewPolicy = DEFAULT_POLICY) -> Changeset:
    """A reviewer's own text for some edits (block id or prefix → new text), and maybe some
    edits left out. The reviewer becomes an author of the changeset, so it is (again) proposed
    and every earlier approval is dismissed: someone else approves the rewritten content. The
    audit log keeps the text replaced and the text written."""
    actor = identity.checked(actor)
    policy.require(actor, "rewrite")
    rows = edits(store, changeset_id)
    revised = _revise(rows, changes)
    left_out = {_row_for(rows, key).block_id for key in dropped} - {r.block_id for r in rows if r.dropped}
    if both := left_out & set(revised):
        raise ConfigError(f"Block {sorted(both)[0]} is both rewritten and dropped; choose one.")
    waived = {b: why for b, why in _waived(rows, dismissed or {}, left_out).items() if b not in revised}
    if rows and all(r.dropped or r.block_id in left_out for r in rows):
        raise ConfigError(f"Every edit of changeset {changeset_id} is dropped: reject it instead.")
    if not (revised or left_out):
        raise ConfigError(f"Nothing to rewrite: every new text given reads as changeset {changeset_id} does already.")
    changeset = get(store, changeset_id)
    approvals_dismissed = review.standing(store, changeset, rows, policy).approvers
    details: dict[str, Any] = {"edited": revised, "dismissed": approvals_dismissed}
    if left_out:
        details["dropped"] = {r.block_id: r.proposed_after for r in rows if r.block_id in left_out}
    if waived:
        details["flags_dismissed"] = waived
    lifecycle.require(changeset, Action.REWRITE)
    if changeset.status == Status.APPROVED:
        transition(store, changeset_id, Action.REWRITE, Status.PROPOSED, actor=actor, event="changeset.reopened",
                   details={"reason": "rewritten after approval"}, expected=(Status.APPROVED,), approved_by=None,
                   approved_at=None)
    _save(store, rows, dropped=left_out, revised={b: t["rewritten"] for b, t in revised.items()}, waived=waived,
          by=actor)
    _remember(store, changeset, edits(store, changeset_id), left_out, waived, actor)
    store.log_event(actor, "changeset.rewritten", subject(changeset_id), details)
    return get(store, changeset_id)


def _save(store: Store, rows: Sequence[ChangesetEdit], *, dropped: set[str], revised: dict[str, str] | None = None,
          waived: dict[str, str] | None = None, by: str = "") -> None:
    with store.session() as session:
        for row in rows:
            if row.block_id in (revised or {}):
                row.after, row.target, row.revised_by = (revised or {})[row.block_id], None, by
            if row.block_id in (waived or {}):
                row.flag_dismissed, row.flag_dismissed_by = (waived or {})[row.block_id], by
            row.dropped = row.dropped or row.block_id in dropped
            session.add(row)
        session.commit()


def _revise(rows: Sequence[ChangesetEdit], changes: dict[str, str]) -> dict[str, dict[str, str]]:
    """The rewrites that change something: block id → the text replaced and the new text."""
    revised: dict[str, dict[str, str]] = {}
    for key, text in changes.items():
        row = _row_for(rows, key)
        if text != row.after:
            revised[row.block_id] = {"proposed": row.after, "rewritten": text}
    return revised


def _row_for(rows: Sequence[ChangesetEdit], key: str) -> ChangesetEdit:
    found_ids = block_ids.matching(key, [r.block_id for r in rows])
    found = [r for r in rows if r.block_id in found_ids]
    if len(found) != 1:
        raise NotFound(f"The changeset has {'no' if not found else 'several'} edits for block {key!r}; "
                       f"its blocks are {', '.join(r.block_id for r in rows)}.")
    return found[0]


def reject(store: Store, changeset_id: int, *, actor: str, reason: str = "",
           policy: ReviewPolicy = DEFAULT_POLICY) -> Changeset:
    """Anyone who may review may reject, their own changeset included: refusing writes nothing.
    A changeset that met a conflict or failed wrote nothing either (or was rolled back), so it
    can be turned down too instead of re-proposed or retried. A rejected proposal from a brief
    is remembered as won't fix (staging.dismissals)."""
    actor = identity.checked(actor)
    policy.require(actor, "reject")
    changeset = transition(store, changeset_id, Action.REJECT, Status.REJECTED, actor=actor,
                           event="changeset.rejected", details={"reason": reason} if reason else {})
    dismissals.record(store, changeset, [r for r in edits(store, changeset_id) if not r.dropped],
                      how=dismissals.REJECTED, actor=actor, reason=reason)
    return changeset


# -- claims -------------------------------------------------------------------------------------


def release(store: Store, changeset_id: int) -> None:
    """Give up a claim without settling it (the remote could not be checked), so that
    `copydesk recover` from any process may settle it later."""
    with store.session() as session:
        session.exec(update(Changeset).where(col(Changeset.id) == changeset_id)
                     .values(claim=None, updated_at=utcnow()))
        session.commit()


def revision_of(store: Store, revision_id: str) -> Revision:
    revision = store.revision(revision_id)
    if revision is None:
        raise CopydeskError(f"The store is missing revision {revision_id[:12]}; restore it from a backup.")
    return revision
