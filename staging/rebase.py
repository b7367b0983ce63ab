"""Re-proposing a conflicted changeset on the document's current text.

A conflict means someone changed an edited block in the tool after the changeset was staged.
Often they changed other words of it than the edit did: then the edit still applies, and a
word-level three-way merge (base → proposed, base → remote now) carries it over. Blocks
where both changed the same words are left out for a person, and said so.
"""

from __future__ import annotations

from dataclasses import dataclass

import merge3

from connectors.errors import ConfigError
from connectors.protocol import Connector
from connectors.text import tokenize
from staging import changesets
from staging.apply import remote_ref
from staging.changesets import ProposedEdit
from staging.models import Changeset, ChangesetEdit
from staging.store import Store


@dataclass(frozen=True)
class Reproposal:
    changeset: Changeset  # the new one, proposed against the current text
    left_out: dict[str, str]  # block id → why it could not be carried over


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
    old = changesets.get(store, changeset_id)
    if old.status != "conflict":
        raise ConfigError(f"Changeset {changeset_id} is {old.status}; only a changeset in conflict is re-proposed.")
    tracked = store.document(old.document_id)
    if tracked is None:
        raise ConfigError(f"The store lost document {old.document_id}; pull again.")
    current = connector.fetch(remote_ref(tracked))
    tracked = store.record(current, origin="pull").document
    proposals: list[ProposedEdit] = []
    left_out: dict[str, str] = {}
    carried = changesets.to_write(store, changeset_id)
    for row in carried:
        now = current.block(row.block_id)
        if now is None:
            left_out[row.block_id] = "the block was deleted in the tool"
        elif now.text == row.after:
            left_out[row.block_id] = "the tool already reads the proposed text"
        elif (merged := merge_words(row.before, row.after, now.text)) is None:
            left_out[row.block_id] = "someone changed the same words in the tool; edit it by hand"
        elif merged != now.text:
            proposals.append(ProposedEdit(row.block_id, merged, reason=row.reason, confidence=row.confidence))
    if not proposals:
        reasons = "; ".join(f"{block[:8]}: {why}" for block, why in left_out.items())
        raise ConfigError(f"Nothing of changeset {changeset_id} carries over to the current text ({reasons}). "
                          "Reject it, or stage a new edit by hand.")
    rationale = f"Re-proposed from changeset {changeset_id} on the text as it is now."
    if left_out:
        rationale += " Left out: " + "; ".join(f"block {b[:8]} ({why})" for b, why in left_out.items()) + "."
    new = changesets.stage(store, tracked, proposals, actor=actor, title=old.title,
                           rationale=f"{old.rationale}\n\n{rationale}".strip(), brief_id=old.brief_id,
                           agent_run_id=old.agent_run_id)
    _keep_authors(store, new.id, carried)
    changesets.transition(store, changeset_id, ("conflict",), "superseded", actor=actor,
                          action="changeset.superseded", details={"by": new.id, "left_out": left_out})
    return Reproposal(new, left_out)


def _keep_authors(store: Store, changeset_id: int, carried: list[ChangesetEdit]) -> None:
    """The carried-over text is still its writers' words: whoever proposed or rewrote an edit of
    the conflicted changeset stays an author of the new one, so re-proposing (by anyone) never
    frees them to approve their own text."""
    by_block = {row.block_id: row for row in carried}
    with store.session() as session:
        for row in changesets.edits(store, changeset_id):
            old = by_block[row.block_id]
            row.proposed_by, row.revised_by = old.proposed_by, old.revised_by
            session.add(row)
        session.commit()
