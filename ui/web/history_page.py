"""The History page: one document's timeline across pulls, applies and reverts; a diff of any
two revisions; and restoring a revision, which stages a changeset for review."""

from __future__ import annotations

import streamlit as st

from staging import changesets, literal
from staging.diff import alignment, diff_documents, summary
from staging.history import timeline
from ui.web import diffs
from ui.web.formatting import ago, when
from ui.web.navigation import open_changeset
from ui.web.session import Workspace, flash, reported, require_reviewer, reviewer_box, show_flashes, workspace


def render() -> None:
    ws = workspace()
    reviewer_box()
    diffs.style()
    show_flashes()
    st.title("History")
    documents = {d.id: d for d in ws.store.documents()}
    if not documents:
        st.info("Nothing tracked yet: pull a source on the Sources page.")
        return
    order = sorted(documents, key=lambda d: documents[d].title.lower())
    latest = ws.store.revisions(limit=1)
    chosen = st.selectbox("Document", order, key="history.document", help="Opens on the last document that changed.",
                          index=order.index(latest[0].document_id) if latest else 0,
                          format_func=lambda d: literal.visible(documents[d].title) + (
                              "" if documents[d].status == "live" else f" ({documents[d].status})"))
    tracked = documents[chosen]
    st.caption(literal.markdown(f"{tracked.source} · {tracked.url}"))
    entries = timeline(ws.store, tracked.id)
    st.subheader("Timeline")
    st.dataframe([{"revision": e.revision_id[:12], "when": when(e.at), "what": e.origin,
                   "who": literal.visible(e.actor),
                   "changeset": literal.visible(f"#{e.changeset_id} {e.changeset_title}") if e.changeset_id else ""}
                  for e in entries], hide_index=True, width="stretch")
    if len(entries) < 2:
        st.info("One revision so far: a diff needs two. Pull again after the page changes.")
    else:
        _compare(ws, tracked, entries)
    _restore(ws, tracked, entries)


def _label(entries):  # type: ignore[no-untyped-def]
    by_id = {e.revision_id: e for e in entries}
    return lambda r: f"{r[:12]} · {by_id[r].origin} · {ago(by_id[r].at)}"


def _compare(ws: Workspace, tracked, entries) -> None:  # type: ignore[no-untyped-def]
    st.subheader("Compare two revisions")
    ids = [e.revision_id for e in entries]
    left, right = st.columns(2)
    older = left.selectbox("From", ids, index=1, key="history.from", format_func=_label(entries))
    newer = right.selectbox("To", ids, index=0, key="history.to", format_func=_label(entries))
    blocks = diff_documents(ws.store.load(changesets.revision_of(ws.store, older)),
                            ws.store.load(changesets.revision_of(ws.store, newer)), by=alignment(tracked.source))
    changed = [b for b in blocks if b.status != "equal"]
    counts = summary(blocks)
    st.caption(f"{counts['changed']} changed, {counts['added']} added, {counts['removed']} removed blocks; "
               f"+{counts['words_inserted']} −{counts['words_deleted']} words")
    if not changed:
        st.info("No differences.")
    for block in changed:
        st.markdown(f"**{block.status}** {literal.markdown(block.kind)} {literal.markdown(block.block_id[:8])}")
        diffs.inline(block.before, block.after)


def _restore(ws: Workspace, tracked, entries) -> None:  # type: ignore[no-untyped-def]
    if len(entries) < 2:
        return
    st.subheader("Restore")
    ids = [e.revision_id for e in entries[1:]]
    target = st.selectbox("Bring the page back to", ids, key="history.restore", format_func=_label(entries))
    st.caption("This stages a changeset with the edits that bring the text and formatting back; "
               "it is reviewed, approved and applied like any other.")
    if st.button("Stage a restore", key="history.stage_restore"):
        actor = require_reviewer()
        if not actor:
            return
        staged = None
        with reported():
            staged = changesets.stage_restore(ws.store, tracked, changesets.revision_of(ws.store, target), actor=actor)
            flash("success", f"Staged #{staged.id}: {staged.title}. Review it here.")
        if staged is not None:
            open_changeset(staged.id)
        st.rerun()
