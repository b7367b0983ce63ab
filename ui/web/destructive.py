"""Buttons that undo or turn down work (Revert, Reject) look unlike those that write or
publish it: outlined in red, where Apply and Publish are the theme's filled primary. The
styling hangs on the class Streamlit gives a keyed container (`st-key-<key>`); this is the
app's only CSS for buttons."""

from __future__ import annotations

from typing import Any

import streamlit as st

_PREFIX = "destructive-"
STYLE = f"""<style>
[class*="st-key-{_PREFIX}"] button {{ background: #fff; color: #b42318; border: 1px solid #b42318; }}
[class*="st-key-{_PREFIX}"] button:hover:enabled {{ background: #fef3f2; color: #912018; border-color: #912018; }}
[class*="st-key-{_PREFIX}"] button:disabled {{ color: #d0a19c; border-color: #e6c2be; }}
</style>"""


def style() -> None:
    st.html(STYLE)


def button(label: str, *, key: str, **options: Any) -> bool:
    """A destructive button in the current container; `key` stays the button's own key."""
    with st.container(key=f"{_PREFIX}{key}"):
        return st.button(label, key=key, **options)
