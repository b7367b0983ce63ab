"""Settling a changeset that cannot be written as it is: carried over to the document's
current text as a new proposal.

A conflict means someone changed an edited block in the tool after the changeset was staged.
Often they changed other words of it than the edit did: then the edit still applies, and a
word-level three-way merge (base → proposed, base → remote now) carries it over
(`repropose`). Blocks where both changed the same words are left out for a person, who can
instead write the text against the tool's current wording (`drafts`, then `restage`): that
text is theirs, so someone else approves it. A reverted changeset can be applied again the
same way (`apply_again`): its edits carried to the current text, reviewed like any other.

Each of these stages a new changeset on the current revision; the conflicted one becomes
`superseded` (the reverted one stays reverted, it is history) and its audit log names the
successor (`successor`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import merge3

from connectors.document import Block, Document
from connectors.errors import ConfigError, Conflict, NotFound
from connectors.protocol import Connector
from connectors.text import tokenize
from staging import block_ids, changesets, identity, lifecycle
from staging.changesets import ProposedEdit
from staging.lifecycle import Action, Status
from staging.models import Changeset, ChangesetEdit, TrackedDocument, saved_id
from staging.review import DEFAULT_POLICY, ReviewPolicy
from staging.store import Store, remote_ref

# The audit-log actions that name a changeset's successor, and the detail that holds it.
_SUCCESSION = {"changeset.superseded": "by", "changeset.applied_again": "as"}


@dataclass(frozen=True)
class Reproposal:
    changeset: Changeset  # the new one, proposed against the current text
    left_out: dict[str, str]  # block id → why it could not be carried over


@dataclass(frozen=True)
class Draft:
    """A conflicting block as a reviewer starts writing it against the tool's text."""

    block_id: str
    kind: str
    before: str  # the text the changeset was staged against
    proposed: str  # the changeset's text for it
    now: str  # the tool's text when the apply met it
    text: str  # where the editor starts: the proposal made to `now` where it fits, else `now`

    @property
    def merged(self) -> bool:
        return self.text != self.now


def merge_words(base: str, proposed: str, remote: str) -> str | None:
    """`proposed`'s changes made to `remote` instead of `base`, or None where both changed the
    same words."""
    merged: list[str] = []
    for group in merge3.Merge3(tokenize(base), tokenize(proposed), tokenize(remote)).merge_groups():
        if group[0] == "conflict":
            return None
        merged.extend(group[1])
    return "".join(merged)


def repropose(store: Store, connector: Connector, changeset_id: int, *, actor: str) -> Reproposal:
    """Fetch the document as it is now, carry the conflicted changeset's edits over to it and
    stage them as a new changeset; the old one becomes `superseded`."""
    old = _in(store, changeset_id, Status.CONFLICT, "re-proposed")
    tracked, current = _current(store, connector, old)
    carried = changesets.to_write(store, changeset_id)
    proposals, left_out = _carry(carried, current)
    if not proposals:
        reasons = _left_out_reasons(left_out, carried)
        raise ConfigError(f"Nothing of changeset {changeset_id} carries over to the current text ({reasons}). "
                          "Reject it, or write the text against the tool's current wording "
                          f"(`copydesk rewrite {changeset_id} --edit BLOCK=TEXT`).")
    new = _stage(store, tracked, old, proposals, actor=actor, note="Re-proposed", left_out=left_out,
                 carried=carried)
    _keep_authors(store, saved_id(new), carried)
    lifecycle.transition(store, changeset_id, Action.SUPERSEDE, Status.SUPERSEDED, actor=actor,
                         event="changeset.superseded", details={"by": new.id, "left_out": left_out},
                         expected=(Status.CONFLICT,))
    return Reproposal(new, left_out)


def drafts(store: Store, changeset_id: int) -> list[Draft]:
    """Each block of a conflicted changeset that someone changed in the tool (and did not
    delete), with the text a reviewer starts from: the tool's current text with the proposal's
    change made to it where it still fits."""
    changeset = _in(store, changeset_id, Status.CONFLICT, "edited against the tool's text")
    found = []
    for row in changesets.to_write(store, changeset_id):
        now = changeset.conflicts.get(row.block_id)
        if now is None:  # not in conflict, or deleted in the tool
            continue
        found.append(Draft(row.block_id, row.block_kind, row.before, row.after, now,
                           merge_words(row.before, row.after, now) or now))
    return found


def restage(store: Store, connector: Connector, changeset_id: int, *, actor: str, texts: Mapping[str, str],
            policy: ReviewPolicy = DEFAULT_POLICY) -> Reproposal:
    """Settle a conflict with the reviewer's own text for its conflicting blocks (block id or
    prefix → text; a block not given keeps its draft's text): a new changeset on the current
    revision, whose edits the reviewer wrote, so someone else approves it. Edits the outside
    change did not touch are carried over as `repropose` does; the old changeset is superseded.

    The drafts were written against the tool's text when the apply met it: a block changed
    again since is refused (and the conflict view shows its newest text), never overwritten."""
    actor = identity.checked(actor)
    policy.require(actor, "rewrite")
    old = _in(store, changeset_id, Status.CONFLICT, "edited against the tool's text")
    by_block = {d.block_id: d for d in drafts(store, changeset_id)}
    wanted = {_draft_for(by_block, key).block_id: text for key, text in texts.items()}
    tracked, current = _current(store, connector, old)
    rows = changesets.to_write(store, changeset_id)
    moved: dict[str, str | None] = {}
    for block_id, draft in by_block.items():
        now = current.block(block_id)
        if now is None or now.text != draft.now:
            moved[block_id] = now.text if now else None
    if moved:
        lifecycle.transition(store, changeset_id, Action.REFRESH, Status.CONFLICT, actor=actor,
                             event="changeset.conflict.refreshed", conflicts={**old.conflicts, **moved})
        short = block_ids.short_ids([row.block_id for row in rows])
        moved_ids = ", ".join(short[block_id] for block_id in moved)
        raise Conflict(f"Someone changed block {moved_ids} in the tool again while you wrote; "
                       "the conflict view now shows its newest text: write yours against that.", remote=moved)
    untouched = [r for r in rows if r.block_id not in old.conflicts]
    proposals, left_out = _carry(untouched, current)
    edited: dict[str, str] = {}
    for row in rows:
        row_draft = by_block.get(row.block_id)
        if row_draft is None:
            if row.block_id in old.conflicts:
                left_out[row.block_id] = "the block was deleted in the tool"
            continue
        text = wanted.get(row.block_id, row_draft.text)
        if text == row_draft.now:
            left_out[row.block_id] = "your text reads as the tool does already"
        else:
            edited[row.block_id] = text
            proposals.append(ProposedEdit(row.block_id, text, reason=row.reason))
    if not edited and not proposals:
        raise ConfigError(f"Your text changes nothing the tool does not read already; if changeset {changeset_id} "
                          "is no longer wanted, reject it.")
    new = _stage(store, tracked, old, proposals, actor=actor, note="Rewritten by hand from", left_out=left_out,
                 carried=rows)
    _keep_authors(store, saved_id(new), rows, revised_by={b: actor for b in edited})
    lifecycle.transition(store, changeset_id, Action.SUPERSEDE, Status.SUPERSEDED, actor=actor,
                         event="changeset.superseded", details={"by": new.id, "edited": edited, "left_out": left_out},
                         expected=(Status.CONFLICT,))
    return Reproposal(new, left_out)


def apply_again(store: Store, connector: Connector, changeset_id: int, *, actor: str,
                policy: ReviewPolicy = DEFAULT_POLICY) -> Reproposal:
    """A reverted changeset's edits proposed again as a new changeset on the document as it is
    now, reviewed like any other; whoever asks for it is its author. The reverted one stays as
    it is (its audit log names the new one)."""
    actor = identity.checked(actor)
    policy.require(actor, "repropose")
    old = _in(store, changeset_id, Status.REVERTED, "applied again")
    tracked, current = _current(store, connector, old)
    carried = changesets.to_write(store, changeset_id)
    proposals, left_out = _carry(carried, current)
    if not proposals:
        reasons = _left_out_reasons(left_out, carried)
        raise ConfigError(f"Nothing of changeset {changeset_id} can be applied again to the current text ({reasons}).")
    new = _stage(store, tracked, old, proposals, actor=actor, note="Applied again from", left_out=left_out,
                 carried=carried)
    store.log_event(actor, "changeset.applied_again", lifecycle.subject(changeset_id),
                    {"as": new.id, "left_out": left_out})
    return Reproposal(new, left_out)


def successor(store: Store, changeset_id: int) -> int | None:
    """The changeset that took this one's place (re-proposed, rewritten against the tool's
    text, or applied again), as its audit log says; None when none was named."""
    for event in store.events(100, subject=lifecycle.subject(changeset_id)):
        if (key := _SUCCESSION.get(event.action)) and isinstance(event.details.get(key), int):
            return int(event.details[key])
    return None


def _in(store: Store, changeset_id: int, status: Status, done: str) -> Changeset:
    changeset = changesets.get(store, changeset_id)
    if changeset.status != status:
        raise lifecycle.refused(f"Changeset {changeset_id} is {changeset.status}; only a changeset in {status} "
                                f"is {done}.")
    return changeset


def _current(store: Store, connector: Connector, old: Changeset) -> tuple[TrackedDocument, Document]:
    """The document as its tool serves it now, recorded as its newest revision."""
    tracked = store.document(old.document_id)
    if tracked is None:
        raise ConfigError(f"The store lost document {old.document_id}; pull again.")
    current = connector.fetch(remote_ref(tracked))
    return store.record(current, origin="pull").document, current


def _carry(rows: list[ChangesetEdit], current: Document) -> tuple[list[ProposedEdit], dict[str, str]]:
    """Each edit made to its block as the tool reads it now, or why it cannot be."""
    proposals: list[ProposedEdit] = []
    left_out: dict[str, str] = {}
    for row in rows:
        now = current.block(row.block_id)
        target = Block.model_validate(row.target) if row.target else None
        if now is None:
            left_out[row.block_id] = "the block was deleted in the tool"
        elif target is not None and now.text == row.before:
            proposals.append(ProposedEdit(row.block_id, row.after, reason=row.reason, confidence=row.confidence,
                                          target=target))
        elif now.text == row.after:
            left_out[row.block_id] = "the tool already reads the proposed text"
        elif (merged := merge_words(row.before, row.after, now.text)) is None:
            left_out[row.block_id] = "someone changed the same words in the tool; edit it by hand"
        elif merged != now.text:
            proposals.append(ProposedEdit(row.block_id, merged, reason=row.reason, confidence=row.confidence))
    return proposals, left_out


def _left_out_reasons(left_out: Mapping[str, str], carried: Sequence[ChangesetEdit]) -> str:
    short = block_ids.short_ids([row.block_id for row in carried])
    return "; ".join(f"{short.get(block, block)}: {why}" for block, why in left_out.items())


def _stage(store: Store, tracked: TrackedDocument, old: Changeset, proposals: list[ProposedEdit], *, actor: str,
           note: str, left_out: dict[str, str], carried: Sequence[ChangesetEdit]) -> Changeset:
    rationale = f"{note} changeset {old.id} on the text as it is now."
    if left_out:
        short = block_ids.short_ids([row.block_id for row in carried])
        rationale += " Left out: " + "; ".join(f"block {short.get(b, b)} ({why})" for b, why in left_out.items()) + "."
    return changesets.stage(store, tracked, proposals, actor=actor, title=old.title,
                            rationale=f"{old.rationale}\n\n{rationale}".strip(), brief_id=old.brief_id,
                            agent_run_id=old.agent_run_id)


def _draft_for(drafts_by_block: dict[str, Draft], key: str) -> Draft:
    found = [drafts_by_block[block_id] for block_id in block_ids.matching(key, drafts_by_block)]
    if len(found) != 1:
        blocks = ", ".join(drafts_by_block) or "none"
        raise NotFound(f"Block {key!r} is {'not' if not found else 'ambiguous among'} the blocks in conflict; "
                       f"they are: {blocks}.")
    return found[0]


def _keep_authors(store: Store, changeset_id: int, carried: list[ChangesetEdit],
                  revised_by: Mapping[str, str] | None = None) -> None:
    """The carried-over text is still its writers' words: whoever proposed or rewrote an edit of
    the old changeset stays an author of the new one, so re-proposing (by anyone) never frees
    them to approve their own text; a reviewer who wrote a block's text is its rewriter."""
    by_block = {row.block_id: row for row in carried}
    with store.session() as session:
        for row in changesets.edits(store, changeset_id):
            old = by_block[row.block_id]
            row.proposed_by = old.proposed_by
            row.revised_by = (revised_by or {}).get(row.block_id, old.revised_by)
            session.add(row)
        session.commit()
