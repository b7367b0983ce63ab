"""The Activity page: the audit log as sentences, newest first, one full page of events at a
time (a list as long as the page, not a scroll box), filterable by person, kind of event and
changeset."""

from __future__ import annotations

import streamlit as st

from staging import activity, literal
from ui.web.formatting import usd, when
from ui.web.session import reviewer_box, show_flashes, workspace

PAGE_SIZE = 50
_ALL = "Everyone"
_ACTIONS = {"": "Everything", "changeset.staged": "proposed", "changeset.approv": "approved",
            "changeset.rewritten": "rewritten", "changeset.rejected": "rejected",
            "changeset.apply": "applied (or tried to)", "changeset.revert": "reverted (or tried to)",
            "changeset.publish": "published", "changeset.superseded": "re-proposed", "brief": "briefs",
            "pull": "pulls", "sweep": "sweeps"}


def render() -> None:
    ws = workspace()
    reviewer_box()
    show_flashes()
    st.title("Activity")
    who, what, which = st.columns(3)
    actor = who.selectbox("Who", [_ALL, *activity.actors(ws.store)], key="activity.actor", format_func=literal.visible)
    action = what.selectbox("What", list(_ACTIONS), format_func=_ACTIONS.get, key="activity.action")
    changeset = which.text_input("Changeset number", key="activity.changeset", placeholder="e.g. 12")
    if changeset.strip() and not changeset.strip().lstrip("#").isdigit():
        st.error(literal.markdown(f"{changeset!r} is not a changeset number."))
        return
    filters = activity.Filters(actor=None if actor == _ALL else actor, action=action,
                               changeset_id=int(changeset.strip().lstrip("#")) if changeset.strip() else None)
    rows, total = activity.page(ws.store, filters, limit=PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    number = st.number_input("Page", min_value=1, max_value=pages, value=1, key=f"activity.page.{hash(filters)}",
                             help=f"{pages} page(s) of {PAGE_SIZE} events")
    if number > 1:
        rows, total = activity.page(ws.store, filters, offset=(int(number) - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    if not rows:
        st.info("Nothing recorded yet." if filters == activity.Filters() else "No events match.")
        return
    first = (int(number) - 1) * PAGE_SIZE + 1
    st.caption(f"{total} event{'s' if total != 1 else ''}, newest first; showing {first}–{first + len(rows) - 1}.")
    for row in rows:
        st.markdown(f"{when(row.at)} · {literal.markdown(activity.sentence(row))}" + _behind(row))


def _behind(row: activity.Row) -> str:
    """What stands behind a changeset's event, greyed: the brief, the engine and its run's cost."""
    parts = [literal.markdown(f"brief “{row.brief}”") if row.brief else "", literal.markdown(row.engine),
             literal.markdown(usd(row.cost_usd)) if row.cost_usd else ""]
    shown = " · ".join(p for p in parts if p)
    return f"  \n:gray[{shown}]" if shown else ""
