"""Changes a person makes by hand, verified by the next pull.

Where a tool's API cannot write (Webflow's primary-locale static pages), apply leaves the
changeset `awaiting_manual` with the copy-ready text. Each pull that fetches the document
checks it: every block now reads the new text → applied (verified); some block still reads
the old text → still waiting; a block reads something else → conflict, with the remote text
kept for the three-way view. Reverts go the same way (`awaiting_manual_revert`).

The same steps are known before apply (`planned`): a reviewer approving a static page's change
sees what someone will have to paste, where, instead of learning it after clicking Apply.
"""

from __future__ import annotations

from typing import Callable

from sqlmodel import col, select

from connectors.document import Document, Edit
from connectors.protocol import Connector, HandWritten
from connectors.text import normalise
from staging import changesets, lifecycle
from staging.lifecycle import Action, Status, transition
from staging.models import Changeset, TrackedDocument, saved_id
from staging.store import Store


def verify(store: Store, tracked: TrackedDocument, doc: Document, *, actor: str = "pull") -> list[Changeset]:
    """Settle the changesets on `doc` that wait for a person; returns those settled."""
    with store.session() as session:
        waiting = list(session.exec(select(Changeset).where(Changeset.document_id == tracked.id,
                                                            col(Changeset.status).in_(lifecycle.BY_HAND))))
    return [settled for changeset in waiting if (settled := _settle(store, tracked, doc, changeset, actor))]


def planned(store: Store, changeset: Changeset, connector: Callable[[str], Connector]) -> list[dict[str, str]]:
    """The steps a person will take once this changeset is applied, worked out from the stored
    text without a request; empty when the tool's API writes every edit. `connector` (by source
    name) is only called for a document with blocks the API cannot write."""
    rows = changesets.to_write(store, saved_id(changeset))
    base = store.load(changesets.revision_of(store, changeset.base_revision_id))
    if not any((block := base.block(r.block_id)) is not None and block.attrs.get("manual") for r in rows):
        return []
    tool = connector(changeset.source)
    if not isinstance(tool, HandWritten):
        return []
    return tool.manual_steps(base, [Edit(block_id=r.block_id, before=r.before, after=r.after) for r in rows])


def _settle(store: Store, tracked: TrackedDocument, doc: Document, changeset: Changeset,
            actor: str) -> Changeset | None:
    reverting = changeset.status == Status.AWAITING_MANUAL_REVERT
    waiting = (Status(changeset.status),)
    now = {step["block_id"]: _text(doc, step["block_id"]) for step in changeset.manual_steps}
    wanted = {s["block_id"]: normalise(s["after"]) for s in changeset.manual_steps}
    old = {s["block_id"]: normalise(s["before"]) for s in changeset.manual_steps}
    if all(now[b] == wanted[b] for b in now):
        done, field = ((Status.REVERTED, "reverted_revision_id") if reverting
                       else (Status.APPLIED, "applied_revision_id"))
        return transition(store, saved_id(changeset), Action.FINISH, done, actor=actor,
                          event=f"changeset.{'revert' if reverting else 'apply'}.verified",
                          details={"revision": tracked.head_revision_id}, expected=waiting, manual_steps=[],
                          **{field: tracked.head_revision_id})
    strangers = {b: text for b, text in now.items() if text not in (wanted[b], old[b])}
    if not strangers:
        return None  # not done yet: the person has not pasted every block
    to = Status.REVERT_CONFLICT if reverting else Status.CONFLICT
    return transition(store, saved_id(changeset), Action.CONFLICT, to, actor=actor,
                      event=f"changeset.{'revert' if reverting else 'apply'}.conflict",
                      details={"remote": strangers}, expected=waiting, conflicts=strangers)


def _text(doc: Document, block_id: str) -> str | None:
    block = doc.block(block_id)
    return None if block is None else normalise(block.text)
