"""The review queue: changesets filtered and counted, one page at a time, with bulk approve
and apply; `?changeset=N` opens one changeset (ui/web/changeset_page.py)."""

from __future__ import annotations

import streamlit as st

from connectors.errors import Conflict, CopydeskError
from staging import apply as applying
from staging import changesets, literal, queue
from ui.web import changeset_page, diffs
from ui.web.formatting import ago, badge, status_words, tool
from ui.web.session import Workspace, flash, require_reviewer, reviewer_box, show_flashes, workspace

PAGE_SIZE = 25
_ALL = "All"


def render() -> None:
    ws = workspace()
    reviewer_box()
    diffs.style()
    show_flashes()
    opened = st.query_params.get("changeset")
    if opened:
        if opened.isdigit():
            changeset_page.render(ws, int(opened))
            return
        st.error(literal.markdown(f"{opened!r} is not a changeset number."))
    _queue(ws)


# -- the queue --------------------------------------------------------------------------------


def _queue(ws: Workspace) -> None:
    st.title("Review queue")
    filters = _filters(ws)
    counts = queue.counts(ws.store, filters)
    if counts:
        st.markdown("  ".join(f"{badge(status)} **{n}**" for status, n in counts.items()))
    total_pages = max(1, -(-queue.count(ws.store, filters) // PAGE_SIZE))
    page_number = st.columns([1, 5])[0].number_input(
        "Page", min_value=1, max_value=total_pages, value=1, step=1, key=f"queue.page.{hash(filters)}",
        help=f"{total_pages} page(s) of {PAGE_SIZE}")
    shown = queue.page(ws.store, filters, offset=(int(page_number) - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    if not shown.rows:
        st.info("No changesets match." if any(vars(filters).values()) else
                "The queue is empty. Add a brief and propose changes on the Brief page, "
                "or stage one with `copydesk stage`.")
        return
    st.caption(f"{shown.total} changeset(s); showing {shown.offset + 1}–{shown.offset + len(shown.rows)}, "
               "newest first.")
    picked = [row.id for row in shown.rows if _row(row)]
    _bulk(ws, picked)


def _filters(ws: Workspace) -> queue.Filters:
    columns = st.columns([1, 1, 2, 2])
    source = columns[0].selectbox("Tool", [_ALL, *queue.sources(ws.store)], key="queue.source",
                                  format_func=lambda s: s if s == _ALL else tool(s))
    status = columns[1].selectbox("Status", [_ALL, *changesets.STATUSES], key="queue.status",
                                  format_func=lambda s: s if s == _ALL else status_words(s))
    brief_titles = queue.briefs(ws.store)
    brief = columns[2].selectbox("Brief", [_ALL, *brief_titles], key="queue.brief",
                                 format_func=lambda b: b if b == _ALL else literal.visible(f"#{b} {brief_titles[b]}"))
    document = columns[3].text_input("Document title contains", key="queue.document")
    return queue.Filters(source=None if source == _ALL else source, status=None if status == _ALL else status,
                         brief_id=None if brief == _ALL else int(brief), document=document)


def _row(row: queue.Row) -> bool:
    """One queue line; returns whether it is selected for a bulk action."""
    pick, number, status, what, size, updated, action = st.columns([0.4, 0.6, 1.2, 5, 0.8, 1.6, 0.8],
                                                                  vertical_alignment="center")
    selected = pick.checkbox("select", key=f"pick-{row.id}", label_visibility="collapsed")
    number.markdown(f"**#{row.id}**")
    status.markdown(badge(row.status))
    title = row.title.removesuffix(f": {row.document_title}")
    what.markdown(f"**{literal.markdown(row.document_title)}** · {literal.markdown(title)}  \n"
                  f":gray[{tool(row.source)} · by {literal.markdown(row.proposed_by)}]")
    size.caption(f"{row.edits} edit{'s' if row.edits != 1 else ''}")
    updated.caption(ago(row.updated_at))
    if action.button("Open", key=f"open-{row.id}"):
        st.query_params["changeset"] = str(row.id)
        st.rerun()
    return selected


def _bulk(ws: Workspace, picked: list[int]) -> None:
    st.divider()
    st.caption(f"{len(picked)} selected on this page.")
    left, right, _ = st.columns([1, 1, 3])
    approve = left.button(f"Approve selected ({len(picked)})", disabled=not picked, key="bulk-approve")
    apply = right.button(f"Apply selected ({len(picked)})", disabled=not picked, key="bulk-apply")
    if not (approve or apply):
        return
    reviewer = require_reviewer("approve" if approve else "apply")
    if not reviewer:
        return
    bar = st.progress(0.0, text="starting…")
    results: dict[str, list[str]] = {}
    for done, changeset_id in enumerate(picked, start=1):
        bar.progress(done / len(picked), text=f"{'approving' if approve else 'applying'} #{changeset_id} "
                                               f"({done} of {len(picked)})")
        results.setdefault(_bulk_one(ws, changeset_id, reviewer, approve), []).append(f"#{changeset_id}")
    for outcome, ids in results.items():
        flash("success" if outcome in ("approved", "applied") else "error", f"{outcome}: {', '.join(ids)}")
    st.rerun()


def _bulk_one(ws: Workspace, changeset_id: int, reviewer: str, approve: bool) -> str:
    try:
        if approve:
            return changesets.approve(ws.store, changeset_id, actor=reviewer, policy=ws.settings.review).status
        changeset = changesets.get(ws.store, changeset_id)
        return applying.apply(ws.store, ws.settings.connector(changeset.source), changeset_id, actor=reviewer,
                              policy=ws.settings.review).changeset.status
    except Conflict:
        return "conflict"
    except CopydeskError as error:  # one changeset's refusal or failure must not stop the batch
        return f"not {'approved' if approve else 'applied'} ({error.in_app})"
