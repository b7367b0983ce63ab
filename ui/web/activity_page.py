"""The Activity page: the audit log, filterable by person, action and changeset."""

from __future__ import annotations

import streamlit as st

from staging import activity, literal
from ui.web.formatting import usd, when
from ui.web.session import reviewer_box, show_flashes, workspace

PAGE_SIZE = 50
_ALL = "Everyone"
_ACTIONS = {"": "Every action", "changeset.approved": "approved", "changeset.rejected": "rejected",
            "changeset.apply": "applied (started, done, conflict)", "changeset.revert": "reverted",
            "changeset.staged": "staged", "changeset.superseded": "re-proposed", "brief": "briefs", "pull": "pulls"}


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
    number = st.number_input("Page", min_value=1, max_value=pages, value=1, key=f"activity.page.{hash(filters)}")
    if number > 1:
        rows, total = activity.page(ws.store, filters, offset=(int(number) - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    if not rows:
        st.info("Nothing recorded yet." if filters == activity.Filters() else "No events match.")
        return
    st.caption(f"{total} event(s), newest first.")
    st.dataframe([{"when": when(r.at), "who": literal.visible(r.actor), "action": r.action,
                   "subject": literal.visible(r.subject), "document": literal.visible(r.document),
                   "brief": literal.visible(r.brief), "engine": r.engine, "run cost": usd(r.cost_usd),
                   "details": literal.visible(_details(r.details))} for r in rows], hide_index=True, width="stretch")


def _details(details: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in details.items() if k not in ("from", "to") and v not in ({}, [], ""))[:300]
