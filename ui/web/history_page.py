"""The History page: one document's timeline, the page as it read at any revision, any two
revisions compared side by side, and restoring a revision (which stages a changeset for review).

The document, the opened revision and the one it is compared with live in the URL
(`?document=…&revision=…&compare=…`), so Back and a shared link open the same view. Each
timeline row says when and who ("edited in Notion by Jordan Lee", "applied #12 by sam"); a
revision's short id is only in its tooltip.
"""

from __future__ import annotations

import streamlit as st

from staging import changesets, literal
from staging.diff import BlockDiff, alignment, diff_documents, summary
from staging.history import Entry, timeline, tool_name
from staging.models import TrackedDocument
from ui.web import diffs, reading_view
from ui.web.formatting import ago, when
from ui.web.navigation import open_changeset
from ui.web.session import Workspace, flash, reported, require_reviewer, reviewer_box, show_flashes, workspace

_KIND_WORDS = {"title": "title", "heading": "heading", "list_item": "list item", "to_do": "to-do", "cell": "table cell",
               "callout": "callout", "quote": "quote", "field": "field", "paragraph": "paragraph"}


def render() -> None:
    ws = workspace()
    reviewer_box()
    diffs.style()
    st.html(reading_view.STYLE)
    show_flashes()
    st.title("History")
    documents = {d.id: d for d in ws.store.documents()}
    if not documents:
        st.info("Nothing tracked yet: pull a source on the Sources page.")
        return
    tracked = documents[_choose_document(ws, documents)]
    st.caption(literal.markdown(f"{tool_name(tracked.tool)} · {tracked.url}"))
    entries = timeline(ws.store, tracked.id)
    if not entries:
        st.info("No revision of this document is stored yet: pull its source again.")
        return
    by_id = {e.revision_id: e for e in entries}
    opened = by_id.get(st.query_params.get("revision", ""), entries[0])
    left, right = st.columns([2, 3], gap="large")
    with left:
        _timeline(entries, opened)
    with right:
        _page_at(ws, tracked, opened, is_head=opened is entries[0])
    _compare(ws, tracked, entries, opened)


def _choose_document(ws: Workspace, documents: dict[str, TrackedDocument]) -> str:
    """The document in the URL, else the last one that changed; the picker writes the URL."""
    order = sorted(documents, key=lambda d: documents[d].title.lower())
    wanted = st.query_params.get("document", "")
    if wanted not in documents:
        latest = ws.store.revisions(limit=1)
        wanted = latest[0].document_id if latest else order[0]
    st.session_state["history.document"] = wanted
    st.selectbox("Document", order, key="history.document", on_change=_document_chosen,
                 help="Opens on the last document that changed.",
                 format_func=lambda d: literal.visible(documents[d].title) + (
                     "" if documents[d].status == "live" else f" ({documents[d].status})"))
    return wanted


def _document_chosen() -> None:
    st.query_params.from_dict({"document": st.session_state["history.document"]})


def _open(revision_id: str) -> None:
    st.query_params["revision"] = revision_id
    if "compare" in st.query_params:
        del st.query_params["compare"]


def _timeline(entries: list[Entry], opened: Entry) -> None:
    st.subheader("Timeline")
    st.caption("Newest first. Click a revision to read the page as it was then.")
    for entry in entries:
        with st.container(border=entry is opened):
            st.button(f"**{when(entry.at)}** · {literal.markdown(entry.summary)}", key=f"history.open.{entry.revision_id}",
                      help=f"Revision {entry.revision_id[:12]}, {ago(entry.at)}", width="stretch",
                      icon=":material/visibility:" if entry is opened else None, on_click=_open,
                      args=(entry.revision_id,))
            if entry.changeset_id is not None:
                if st.button(f"Open #{entry.changeset_id}: {literal.markdown(entry.changeset_title)}", type="tertiary",
                             key=f"history.changeset.{entry.revision_id}", icon=":material/open_in_new:"):
                    open_changeset(entry.changeset_id)


def _page_at(ws: Workspace, tracked: TrackedDocument, opened: Entry, *, is_head: bool) -> None:
    st.subheader("The page now" if is_head else "The page as it read then")
    st.markdown(f"{when(opened.at)} · {literal.markdown(opened.summary)}")
    doc = ws.store.load(changesets.revision_of(ws.store, opened.revision_id))
    st.html(reading_view.page_html(doc))
    if not is_head:
        _restore(ws, tracked, opened)


def _restore(ws: Workspace, tracked: TrackedDocument, opened: Entry) -> None:
    st.caption("Bringing the page back stages a changeset with the edits that restore this text and formatting; "
               "it is reviewed, approved and applied like any other.")
    if st.button("Bring the page back to this version", key="history.stage_restore", icon=":material/history:"):
        actor = require_reviewer()
        if not actor:
            return
        staged = None
        with reported():
            staged = changesets.stage_restore(ws.store, tracked, changesets.revision_of(ws.store, opened.revision_id),
                                              actor=actor)
            flash("success", f"Staged #{staged.id}: {staged.title}. Review it here.")
        if staged is not None:
            open_changeset(staged.id)
        st.rerun()


def _compare(ws: Workspace, tracked: TrackedDocument, entries: list[Entry], opened: Entry) -> None:
    st.subheader("Compare two revisions")
    others = [e for e in entries if e is not opened]
    if not others:
        st.info("One revision so far: a comparison needs two. Pull again after the page changes.")
        return
    by_id = {e.revision_id: e for e in others}
    position = entries.index(opened)
    default = entries[position + 1] if position + 1 < len(entries) else others[0]
    chosen = by_id.get(st.query_params.get("compare", ""), default)
    st.session_state["history.compare"] = chosen.revision_id
    st.selectbox("Compare the opened revision with", list(by_id), key="history.compare", on_change=_compare_chosen,
                 format_func=lambda r: f"{when(by_id[r].at)} · {literal.visible(by_id[r].summary)}",
                 help="Opens on the change that made the opened revision. Open another revision in the timeline "
                      "to compare from there.")
    older, newer = sorted((chosen, opened), key=lambda e: e.at)
    blocks = diff_documents(ws.store.load(changesets.revision_of(ws.store, older.revision_id)),
                            ws.store.load(changesets.revision_of(ws.store, newer.revision_id)),
                            by=alignment(tracked.tool))
    counts = summary(blocks)
    st.caption(f"From {when(older.at)} to {when(newer.at)}: {counts['changed']} changed, {counts['added']} added, "
               f"{counts['removed']} removed blocks; +{counts['words_inserted']} −{counts['words_deleted']} words")
    changed = [b for b in blocks if b.status != "equal"]
    if not changed:
        st.info("The two revisions read the same.")
        return
    head_left, head_right = st.columns(2)
    head_left.markdown(f"**{when(older.at)}** · {literal.markdown(older.summary)}")
    head_right.markdown(f"**{when(newer.at)}** · {literal.markdown(newer.summary)}")
    headings = _headings(blocks)
    for block in changed:
        st.markdown(literal.markdown(_where(block, headings.get(block.block_id, ""))))
        diffs.side_by_side(block.before, block.after)


def _compare_chosen() -> None:
    st.query_params["compare"] = st.session_state["history.compare"]


def _headings(blocks: list[BlockDiff]) -> dict[str, str]:
    """Each block's nearest heading above it (in the newer revision, else the older)."""
    under, found = "", {}
    for block in blocks:
        if block.kind.startswith("heading") or block.kind == "title":
            under = block.after or block.before
        found[block.block_id] = under
    return found


def _where(block: BlockDiff, heading: str) -> str:
    kind = _KIND_WORDS.get(block.kind, block.kind.replace("_", " "))
    place = f" under “{heading}”" if heading and heading not in (block.before, block.after) else ""
    return f"{block.status.capitalize()} {kind}{place}"
