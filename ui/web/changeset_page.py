"""One changeset opened from the queue: what it changes, where, and why, edit by edit, with
the reviewer's choice for each edit while it is proposed; the actions below it
(ui/web/changeset_actions.py)."""

from __future__ import annotations

import streamlit as st

from connectors.errors import CopydeskError, NotFound
from staging import activity, changesets, facts, literal, manual, review
from staging.agent import briefs
from staging.models import Changeset, ChangesetEdit
from ui.web import changeset_actions, diffs, manual_steps
from ui.web.changeset_actions import ACCEPT, DROP, EDIT
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
    mode = st.radio("Diff view", ["Inline", "Side by side"], horizontal=True, key="diff-mode")
    choices = {row.block_id: _edit(changeset, row, mode) for row in rows}
    st.divider()
    changeset_actions.render(ws, changeset, rows, choices)
    _audit_trail(ws, changeset_id)


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
    st.markdown(f"{where} · {tool(changeset.source)} · proposed on the text pulled "
                f"{ago(base.observed_at if base else None)}{brief}")
    approved = f" · approved by {changeset.approved_by} {ago(changeset.approved_at)}" if changeset.approved_by else ""
    st.caption(literal.markdown(f"Proposed by {changeset.proposed_by} {ago(changeset.created_at)}{approved}"))
    if changeset.status in ("proposed", "approved"):
        st.caption("Review: " + literal.markdown(review.standing(ws.store, changeset, changesets.edits(
            ws.store, changeset.id), ws.settings.review).summary()))
    if changeset.rationale:
        st.text(literal.visible(changeset.rationale))
    if changeset.error:
        st.error(literal.markdown(changeset.error))
    if changeset.status == "conflict":
        st.warning("Someone changed these blocks in the tool after this changeset was staged; nothing was written. "
                   "Compare below, then re-propose on the current text.")
    if changeset.status in ("proposed", "approved", "failed"):
        try:
            manual_steps.before_apply(changeset, manual.planned(ws.store, changeset, ws.settings.connector))
        except CopydeskError as error:
            st.error(literal.markdown(error.in_app))


def _audit_trail(ws: Workspace, changeset_id: int) -> None:
    """Everything that happened to this changeset, oldest first, as sentences."""
    rows, _ = activity.page(ws.store, activity.Filters(changeset_id=changeset_id), limit=100)
    with st.expander("Audit trail"):
        for row in reversed(rows):
            st.markdown(f"{when(row.at)} · {literal.markdown(activity.sentence(row))}")


def _edit(changeset: Changeset, row: ChangesetEdit, mode: str) -> tuple[str, str]:
    """One edit: its diff, and (while proposed) the reviewer's choice and text."""
    meta = [f"**{literal.markdown(row.block_kind)}** {literal.markdown(row.block_id[:8])}"]
    if row.reason:
        meta.append(literal.markdown(row.reason))
    if row.confidence is not None:
        meta.append(f"confidence {row.confidence:.0%}")
    st.markdown(" · ".join(meta))
    needs_text = changesets.unresolved(row)
    if needs_text:
        st.warning(f"Retired claim: {literal.markdown(row.flag)}. Rules never rewrite a claim: write the new text, "
                   "or drop this edit.")
    elif row.flag:
        st.warning(f"This block also makes the retired claim “{literal.markdown(row.flag)}”: rewrite it in the new "
                   "text if it must go.")
    if changeset.status == "conflict" and row.block_id in changeset.conflicts:
        diffs.three_way(row.before, row.after, changeset.conflicts[row.block_id])
    elif not (needs_text and changeset.status == "proposed"):  # else the edit box below shows the text
        (diffs.inline if mode == "Inline" else diffs.side_by_side)(row.before, row.after)
    st.text(literal.visible(f"What else changed: {facts.what_else_changed(row.before, row.after)}"))
    if row.dropped:
        st.caption("Dropped by the reviewer: not written.")
    if row.after != row.proposed_after:
        st.caption(f"Proposed text, changed by the reviewer: {literal.markdown(row.proposed_after)}")
    if changeset.status != "proposed":
        return ACCEPT, row.after
    choice = st.radio("This edit", [ACCEPT, DROP, EDIT], index=2 if needs_text else 0, horizontal=True,
                      key=f"choice-{changeset.id}-{row.block_id}", label_visibility="collapsed")
    text = row.after
    if choice == EDIT:
        text = st.text_area("New text", value=row.after, key=f"text-{changeset.id}-{row.block_id}")
    return choice, text


def _link(title: str, url: str) -> str:
    """The document's title, linked to it in its tool when its URL is a plain https address
    (as a `<…>` destination, where only a backslash needs escaping); the title escaped, so it
    cannot make a link or image of its own."""
    if not url.startswith("https://") or any(ch.isspace() or ch in "<>" for ch in url):
        return literal.markdown(title)
    return f"[{literal.markdown(title)}](<{url.replace(chr(92), chr(92) * 2)}>)"
