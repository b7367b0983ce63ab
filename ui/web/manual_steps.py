"""The checklist a person follows in a tool whose API cannot write some text (Webflow's
primary-locale static pages): which page, which section (by its heading, as the tool's editor
shows it), the text there now and the text to paste, with a copy button. Shown while the
changeset is proposed, so the reviewer approves knowing the work it leaves, and again while it
waits for that work; the ticks are the reader's own (this session only)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from staging import literal
from staging.models import Changeset
from ui.web.formatting import tool


def before_apply(changeset: Changeset, steps: list[dict[str, Any]], tool_id: str) -> None:
    """On a changeset not applied yet: what approving it will ask of a person."""
    if not steps:
        return
    editor = steps[0].get("editor") or tool(tool_id)
    st.info(f"This is a static page: the {tool(tool_id)} API cannot write it. After approval and Apply, "
            f"someone pastes {_texts(len(steps))} in {literal.markdown(editor)}, as below; the next pull checks them "
            "and settles this changeset.")
    with st.expander(f"The {_steps(len(steps))} in {literal.markdown(editor)}", expanded=True):
        checklist(changeset, steps)


def checklist(changeset: Changeset, steps: list[dict[str, Any]]) -> None:
    wheres = list(dict.fromkeys(str(step.get("where", "")) for step in steps))
    if len(wheres) == 1 and wheres[0]:
        st.markdown(f"Open {literal.markdown(wheres[0])}.")
    for number, step in enumerate(steps, start=1):
        with st.container(border=True):
            section = step.get("section") or "on the page"
            place = "" if len(wheres) == 1 else f"{literal.markdown(str(step.get('where', '')))}, "
            st.checkbox(f"**Step {number}**: {place}{literal.markdown(section)}",
                        key=f"manual-{changeset.id}-{changeset.status}-{number}")
            st.caption("It reads now:")
            st.text(literal.visible(step["before"]))
            st.caption("Replace it with (the copy button is at the right):")
            st.code(literal.visible(step["after"]), language=None, wrap_lines=True)


def _texts(count: int) -> str:
    return "one text" if count == 1 else f"{count} texts"


def _steps(count: int) -> str:
    return "one step" if count == 1 else f"{count} steps"
