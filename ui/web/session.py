"""What every page of the app shares: the workspace (settings, store, connectors), the acting person
(identified by the server, see ui/web/identity.py) and what their role lets them do, one-line
errors, and messages that survive the rerun after an action."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import streamlit as st

from connectors.errors import CopydeskError
from staging import literal
from staging.config import find_config
from staging.review import NEEDS
from staging.workspace import Workspace
from ui.web.identity import visitor

_FLASH = "copydesk.flash"


def workspace() -> Workspace:
    """The configured workspace, or a readable error and an end to this page's run. A visitor
    the server cannot identify sees nothing else: not the queue, not a document."""
    try:
        path = find_config(None)
        ws = _open(str(path.resolve()), path.stat().st_mtime_ns)
    except CopydeskError as error:
        st.error(literal.markdown(error.in_app))
        st.stop()
        raise  # st.stop() ends the run; this line only satisfies type checkers
    _admit(ws)
    return ws


def _admit(ws: Workspace) -> None:
    who = visitor(ws.settings)
    if who.name:
        return
    st.error(literal.markdown(who.refused))
    if who.login:
        st.button("Sign in", on_click=st.login, type="primary", key="sign-in")
    st.stop()


@st.cache_resource(show_spinner="Opening the store…", max_entries=4, on_release=Workspace.close)
def _open(config: str, _mtime: int) -> Workspace:
    """Opened once per config file and version, for every session of the server, and closed
    (its connectors and store) when a newer version pushes it out of the cache. Opening
    finishes or rolls back changesets whose applying process died, as the CLI does; a remote
    that is down leaves them claimed: the Queue shows them and `copydesk recover` settles them."""
    return Workspace.open(Path(config))


def reviewer() -> str:
    """The person acting, as the server identifies them (ui/web/identity.py); never typed in."""
    return visitor(workspace().settings).name


def reviewer_box() -> None:
    """The sidebar line saying who is acting, and as what."""
    ws = workspace()
    name = reviewer()
    st.sidebar.caption("Acting as")
    st.sidebar.text(f"{name} ({ws.settings.review.role_of(name)})")
    if ws.settings.app.auth == "oidc":
        st.sidebar.button("Sign out", on_click=st.logout, key="sign-out")


def require_reviewer(action: str = "approve") -> str:
    """The acting person's name when the policy lets them `action`, else a note saying why
    not (and an empty string, which keeps the page's action buttons disabled)."""
    name = reviewer()
    policy = workspace().settings.review
    if name and policy.may(name, action):
        return name
    st.info(f"You can look, but not {action}: your role is {policy.role_of(name)} in [review.roles] of copydesk.toml, "
            f"and to {action} needs the {NEEDS[action]} role.")
    return ""


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
        flash("error", error.in_app)
