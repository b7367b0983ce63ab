"""The app's pages, by name, so one page can send the reviewer to another."""

from __future__ import annotations

from typing import Any

import streamlit as st


def pages() -> dict[str, Any]:
    """Built on each call (cheap): page modules import this one, so it imports them late."""
    from ui.web import activity_page, brief_page, history_page, queue_page, sources_page, sweeps_page

    return {
        "queue": st.Page(queue_page.render, title="Queue", icon=":material/inbox:", url_path="queue", default=True),
        "brief": st.Page(brief_page.render, title="Brief", icon=":material/description:", url_path="brief"),
        "history": st.Page(history_page.render, title="History", icon=":material/history:", url_path="history"),
        "activity": st.Page(activity_page.render, title="Activity", icon=":material/list_alt:", url_path="activity"),
        "sweeps": st.Page(sweeps_page.render, title="Sweeps", icon=":material/cleaning_services:", url_path="sweeps"),
        "sources": st.Page(sources_page.render, title="Sources", icon=":material/cloud_sync:", url_path="sources"),
    }


def open_changeset(changeset_id: int) -> None:
    """Go to the queue with one changeset opened."""
    st.switch_page(pages()["queue"], query_params={"changeset": str(changeset_id)})
