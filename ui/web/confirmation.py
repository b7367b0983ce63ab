"""A write to a tool is confirmed first: the button opens a dialog that says what will be
written where, with Confirm and Cancel, and only Confirm runs the write.

The dialog stays open across reruns while it is asked for (the session remembers which), so
Confirm works whether Streamlit reruns just the dialog (a browser) or the whole page (AppTest);
closing it any way forgets the question."""

from __future__ import annotations

from typing import Callable

import streamlit as st

from ui.web import destructive

_ASKED = "copydesk.confirm"


def ask(question: str) -> None:
    """Open the dialog for `question` (a button's on_click)."""
    st.session_state[_ASKED] = question


def asked(question: str) -> bool:
    return st.session_state.get(_ASKED) == question


def forget() -> None:
    st.session_state.pop(_ASKED, None)


def dialog(question: str, *, title: str, message: str, confirm: str, action: Callable[[], None],
           is_destructive: bool = False, key: str) -> None:
    """The confirmation for `question`, when it was asked: `message` (Markdown, already
    escaped) and a `confirm` button (key `confirm-<key>`) that runs `action`, then the page
    again."""
    if not asked(question):
        return

    @st.dialog(title, on_dismiss=forget)
    def confirmation() -> None:
        st.markdown(message)
        go, cancel = st.columns(2)
        with go:
            if is_destructive:
                pressed = destructive.button(confirm, key=f"confirm-{key}", width="stretch")
            else:
                pressed = st.button(confirm, key=f"confirm-{key}", type="primary", width="stretch")
        if pressed:
            forget()
            action()
            st.rerun()
        if cancel.button("Cancel", key=f"cancel-{key}", width="stretch"):
            forget()
            st.rerun()

    confirmation()
