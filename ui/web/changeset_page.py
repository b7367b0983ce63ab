"""One changeset opened from the queue: what it changes, where, and why, edit by edit, with
the reviewer's choice for each edit while it is proposed; the actions below it
(ui/web/changeset_actions.py)."""

from __future__ import annotations

import streamlit as st

from connectors.document import Block, Document
from connectors.errors import CopydeskError, NotFound
from staging import activity, changesets, context, facts, lifecycle, literal, manual, marked, review
from staging.agent import briefs
from staging.agent.checks import Checks
from staging.lifecycle import Status
from staging.models import Changeset, ChangesetEdit
from staging.sources import tool_of
from ui.web import changeset_actions, diffs, manual_steps
from ui.web.changeset_actions import ACCEPT, DISMISS, DROP, EDIT, REWRITE
from ui.web.formatting import ago, badge, tool, when
from ui.web.session import Workspace, reported


def render(ws: Workspace, changeset_id: int) -> None:
    if st.button("← Back to the queue", key="back"):
        del st.query_params["changeset"]
        st.rerun()
    try:
        changeset = changesets.get(ws.store, changeset_id)
    except NotFound as error:
        st.error(literal.markdown(error.in_app))
        return
    rows = changesets.edits(ws.store, changeset_id)
    _header(ws, changeset)
    try:
        base = ws.store.load(changesets.revision_of(ws.store, changeset.base_revision_id))
    except CopydeskError as error:
        st.error(literal.markdown(str(error)))
        return
    mode = st.radio("Diff view", ["Inline", "Side by side"], horizontal=True, key="diff-mode")
    checks = _checks(ws, changeset)
    choices = {row.block_id: _edit(changeset, row, mode, base, checks) for row in rows}
    st.divider()
    changeset_actions.render(ws, changeset, rows, choices)
    _audit_trail(ws, changeset_id)


def _checks(ws: Workspace, changeset: Changeset) -> Checks | None:
    """The brief's checks, to warn about retired wording in the reviewer's own text."""
    if changeset.brief_id is None or changeset.status != Status.PROPOSED:
        return None
    try:
        return Checks(briefs.compiled(briefs.get(ws.store, changeset.brief_id)))
    except NotFound:
        return None


def _header(ws: Workspace, changeset: Changeset) -> None:
    tracked = ws.store.document(changeset.document_id)
    base = ws.store.revision(changeset.base_revision_id)
    st.title(f"#{changeset.id} {literal.markdown(changeset.title)}")
    st.markdown(badge(changeset.status))
    where = _link(tracked.title, tracked.url) if tracked else ""
    brief = ""
    if changeset.brief_id:
        with reported():
            title = briefs.get(ws.store, changeset.brief_id).title
            brief = f" · brief #{changeset.brief_id} {literal.markdown(title)}"
    st.markdown(f"{where} · {tool(tracked.tool if tracked else '')} · "
                f"the text as read {ago(base.observed_at if base else None)}{brief}")
    approved = f" · approved by {changeset.approved_by} {ago(changeset.approved_at)}" if changeset.approved_by else ""
    st.caption(literal.markdown(f"Proposed by {changeset.proposed_by} {ago(changeset.created_at)}{approved}"))
    if changeset.status in lifecycle.UNWRITTEN:
        st.caption("Review: " + literal.markdown(review.standing(ws.store, changeset, changesets.edits(
            ws.store, changeset.id), ws.settings.review).summary()))
    if changeset.rationale:
        st.text(literal.visible(changeset.rationale))
    if changeset.error:
        st.error(literal.markdown(changeset.error))
    if changeset.status == Status.CONFLICT:
        st.warning("Someone changed these blocks in the tool after this changeset was staged; nothing was written. "
                   "Compare below, then settle it: write the text against the tool's, re-propose, or reject.")
    if changeset.status in (*lifecycle.UNWRITTEN, Status.FAILED):
        try:
            manual_steps.before_apply(changeset, manual.planned(ws.store, changeset, ws.connector),
                                      tool_of(ws.store, changeset))
        except CopydeskError as error:
            st.error(literal.markdown(error.in_app))


def _audit_trail(ws: Workspace, changeset_id: int) -> None:
    """Everything that happened to this changeset, oldest first, as sentences."""
    rows, _ = activity.page(ws.store, activity.Filters(changeset_id=changeset_id), limit=100)
    with st.expander("Audit trail"):
        for row in reversed(rows):
            st.markdown(f"{when(row.at)} · {literal.markdown(activity.sentence(row))}")


def _edit(changeset: Changeset, row: ChangesetEdit, mode: str, base: Document,
          checks: Checks | None) -> tuple[str | None, str]:
    """One edit in its place (what the block is, the headings above it, a cell's row and
    column, the blocks around it dimmed), its formatted diff, and (while proposed) the
    reviewer's choice and text. No block id: it means nothing to a reader. A flagged edit
    is settled by a person: rewritten, its flag dismissed with a reason, or dropped."""
    where = context.place(base, row.block_id, row.block_kind)
    block = base.block(row.block_id)
    before = marked.spans_of(block, row.before)
    after = marked.new_spans(block, row.after, Block.model_validate(row.target) if row.target else None)
    meta = [f"**{literal.markdown(where.label)}**"]
    meta.extend(literal.markdown(part) for part in (where.section, where.path, where.cell) if part)
    if row.reason:
        meta.append(literal.markdown(row.reason))
    if row.confidence is not None:
        meta.append(f"confidence {row.confidence:.0%}")
    st.markdown(" · ".join(meta))
    open_flag = changesets.unresolved(row)
    if open_flag:
        st.warning(f"Needs a person: {literal.markdown(row.flag)}. Rules never rewrite this: rewrite the text, "
                   "dismiss the flag with a reason, or drop this edit.")
    elif row.flag:
        st.info(f"Flag: {literal.markdown(row.flag)} · settled: {literal.markdown(changesets.settled(row))}")
    diffs.near(where.previous, before=True)
    if changeset.status == Status.CONFLICT and row.block_id in changeset.conflicts:
        diffs.three_way(before, after, changeset.conflicts[row.block_id])
    else:
        (diffs.inline if mode == "Inline" else diffs.side_by_side)(before, after)
    diffs.near(where.next, before=False)
    st.text(literal.visible(f"What else changed: {facts.what_else_changed(row.before, row.after)}"))
    if row.dropped:
        st.caption("Dropped by the reviewer: not written.")
    if row.after != row.proposed_after:
        st.caption(f"Proposed text, changed by the reviewer: {literal.markdown(row.proposed_after)}")
    if changeset.status != Status.PROPOSED or row.dropped:
        return ACCEPT, row.after
    if open_flag:
        return _settle(changeset, row, checks)
    choice = st.radio("This edit", [ACCEPT, DROP, EDIT], index=0, horizontal=True,
                      key=f"choice-{changeset.id}-{row.block_id}", label_visibility="collapsed")
    text = row.after
    if choice == EDIT:
        text = st.text_area("New text", value=row.after, key=f"text-{changeset.id}-{row.block_id}")
        _still_stale(checks, text)
    return choice, text


def _settle(changeset: Changeset, row: ChangesetEdit, checks: Checks | None) -> tuple[str | None, str]:
    """The reviewer's way of settling a flag; nothing is chosen for them."""
    choice = st.radio("Settle this flag", [REWRITE, DISMISS, DROP], index=None, horizontal=True,
                      key=f"choice-{changeset.id}-{row.block_id}")
    if choice == REWRITE:
        text = st.text_area("New text", value=row.after, key=f"text-{changeset.id}-{row.block_id}")
        if text == row.after:
            st.caption("Change the text to rewrite it.")
        _still_stale(checks, text)
        return choice, text
    if choice == DISMISS:
        why = st.text_input("Why the flagged text can stay", key=f"dismiss-{changeset.id}-{row.block_id}",
                            placeholder="e.g. the claim is still true here")
        return choice, why
    return choice, row.after


def _still_stale(checks: Checks | None, text: str) -> None:
    """Warn, as the reviewer types, when their text still uses the brief's retired wording."""
    uses = checks.reasons(text) if checks is not None else []
    if uses:
        st.warning("This text still uses retired wording: " + literal.markdown("; ".join(uses)))


def _link(title: str, url: str) -> str:
    """The document's title, linked to it in its tool when its URL is a plain https address
    (as a `<…>` destination, where only a backslash needs escaping); the title escaped, so it
    cannot make a link or image of its own."""
    if not url.startswith("https://") or any(ch.isspace() or ch in "<>" for ch in url):
        return literal.markdown(title)
    return f"[{literal.markdown(title)}](<{url.replace(chr(92), chr(92) * 2)}>)"
