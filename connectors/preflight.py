"""The checks every connector's `apply` makes before its first write.

Optimistic concurrency: each edited block must still read the edit's `before` text on the
remote (normalised), and every edit must keep its block's formatting unless it was allowed
not to. Either failure is raised before anything is written, for all blocks at once, so the
reviewer sees the whole picture.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from connectors.document import Block, Document, Edit
from connectors.errors import ConfigError, Conflict, LossyEdit
from connectors.text import Rewrite, normalise, rewrite


@dataclass(frozen=True)
class PlannedEdit:
    edit: Edit
    block: Block  # as the remote has it now
    rewrite: Rewrite | None  # None: `edit.target` gives the exact runs to write


def preflight(current: Document, edits: Sequence[Edit]) -> list[PlannedEdit]:
    title = current.ref.title or current.ref.remote_id
    mismatched: dict[str, str | None] = {}
    for edit in edits:
        block = current.block(edit.block_id)
        if block is None or normalise(block.text) != normalise(edit.before):
            mismatched[edit.block_id] = None if block is None else block.text
    if mismatched:
        raise Conflict(
            f"{len(mismatched)} block(s) of {title!r} no longer read what the changeset expects "
            f"({', '.join(sorted(mismatched))}); nothing was written. Pull, then compare base, proposed "
            "and remote text with `copydesk changeset show`.",
            remote=mismatched,
            in_app=f"{len(mismatched)} {'text' if len(mismatched) == 1 else 'texts'} of {title!r} changed in the tool "
            "since this changeset was staged; nothing was written. Compare the proposed text with the tool's below.",
        )
    planned: list[PlannedEdit] = []
    losses: dict[str, list[str]] = {}
    for edit in edits:
        block = current.block(edit.block_id)
        assert block is not None  # every id was found above
        if not block.editable:
            why = f" ({block.readonly_reason}); nothing was written" if block.readonly_reason else ""
            raise ConfigError(f"Block {edit.block_id} of {title!r} is a {block.kind}, which copydesk does not write{why}.")
        carried = None if edit.target is not None else rewrite(block.spans, edit.after)
        if carried is not None and carried.lossy and not edit.allow_lossy:
            losses[edit.block_id] = list(carried.lossy)
        planned.append(PlannedEdit(edit, block, carried))
    if losses:
        details = "; ".join(f"{block_id}: {', '.join(reasons)}" for block_id, reasons in losses.items())
        raise LossyEdit(
            f"Applying would lose formatting in {title!r} ({details}). Nothing was written; edit the text, "
            "or apply with --allow-lossy to accept it.",
            losses=losses,
            in_app=f"Applying would lose formatting in {title!r} ({details}). Nothing was written; edit the text, "
                   "or tick “Write even where formatting cannot be kept exactly” and apply again.",
        )
    return planned
