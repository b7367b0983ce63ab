"""What every page of the app shares: the workspace (settings and store), the reviewer's
name, one-line errors, and messages that survive the rerun after an action."""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import streamlit as st

from connectors.errors import CopydeskError
from staging import literal
from staging.apply import recover
from staging.config import Settings, find_config, load_settings
from staging.store import Store

_FLASH = "copydesk.flash"
_REVIEWER = "copydesk.reviewer"
# Streamlit forgets a page's widget state when the reviewer switches pages, so the field has a
# key of its own and the name is kept under _REVIEWER, which is no widget's key.
_REVIEWER_FIELD = "copydesk.reviewer_field"


@dataclass(frozen=True)
class Workspace:
    settings: Settings
    store: Store
    config: Path


def workspace() -> Workspace:
    """The configured workspace, or a readable error and an end to this page's run."""
    try:
        path = find_config(None)
        return _open(str(path.resolve()), path.stat().st_mtime_ns)
    except CopydeskError as error:
        st.error(literal.markdown(str(error)))
        st.stop()
        raise  # st.stop() ends the run; this line only satisfies type checkers


@st.cache_resource(show_spinner="Opening the store…", max_entries=4)
def _open(config: str, _mtime: int) -> Workspace:
    """Opened once per config file and version, for every session of the server. Opening
    finishes or rolls back changesets whose applying process died, as the CLI does."""
    settings = load_settings(Path(config))
    store = Store(settings.store_url)
    try:
        recover(store, settings.connector, actor=settings.actor_name)
    except CopydeskError:
        pass  # the remote is down: the Queue shows the claimed changeset and `copydesk recover` settles it later
    return Workspace(settings, store, Path(config))


def reviewer() -> str:
    """The person acting: the signed-in user when the deployment has authentication, else the
    name given once in this browser session (empty until then)."""
    user = _signed_in_user()
    return user or st.session_state.get(_REVIEWER, "").strip()


def _signed_in_user() -> str:
    try:
        if st.user.is_logged_in:
            return str(st.user.get("email") or st.user.get("name") or "")
    except (AttributeError, KeyError, st.errors.StreamlitAPIException):
        pass  # no [auth] configured: ask for a name instead
    return ""


def reviewer_box() -> None:
    """The sidebar field that asks for the reviewer's name once per session."""
    if _signed_in_user():
        st.sidebar.caption(f"Signed in as **{_signed_in_user()}**")
        return
    st.session_state.setdefault(_REVIEWER, os.environ.get("COPYDESK_ACTOR", ""))
    st.session_state[_REVIEWER_FIELD] = st.session_state[_REVIEWER]
    st.sidebar.text_input("Your name", key=_REVIEWER_FIELD, on_change=_remember_reviewer,
                          help="Recorded on every approval, apply and revert.", placeholder="e.g. Priya")


def _remember_reviewer() -> None:
    st.session_state[_REVIEWER] = st.session_state[_REVIEWER_FIELD]


def require_reviewer() -> str:
    """The reviewer's name, or a note saying where to enter it (and an empty string)."""
    name = reviewer()
    if not name:
        st.info("Enter your name in the sidebar first: it is recorded on every approval, apply and revert.")
    return name


def flash(kind: str, message: str) -> None:
    """Show `message` after the rerun an action triggers. It is plain text (it quotes titles
    and error messages): `show_flashes` escapes it, so it never renders as Markdown."""
    st.session_state.setdefault(_FLASH, []).append((kind, message))


def show_flashes() -> None:
    for kind, message in st.session_state.pop(_FLASH, []):
        {"success": st.success, "error": st.error, "warning": st.warning}.get(kind, st.info)(literal.markdown(message))


@contextmanager
def reported() -> Iterator[None]:
    """Turn a CopydeskError into one readable message on the page, never a traceback."""
    try:
        yield
    except CopydeskError as error:
        flash("error", str(error))
