"""Who is using the review app: decided by the server, never typed in by the visitor.

- `local` (the default): the app is served on loopback only (`copydesk ui` refuses any other
  address), so the visitor is the person who started it, with the command line's identity
  (COPYDESK_ACTOR, the config's `actor`, else the OS user). A connection from another
  address is refused.
- `oidc`: Streamlit's own login (`st.login`, an [auth] section in .streamlit/secrets.toml);
  the visitor is the signed-in e-mail.
- `header`: a reverse proxy signs people in and passes the identity in `identity_header`. The
  header is believed only from that proxy: the request must carry the proxy's shared secret
  (`X-Copydesk-Proxy-Secret`) or come from one of `proxy_addresses`; anything else is refused,
  since anyone who reaches the app directly could set the header themselves.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

import streamlit as st

from connectors.errors import ConfigError
from staging import identity
from staging.config import AppSettings, Settings

SECRET_HEADER = "X-Copydesk-Proxy-Secret"


@dataclass(frozen=True)
class Visitor:
    """The identified person, or why nobody is (`refused`: the page shows that and stops)."""

    name: str = ""
    refused: str = ""
    login: bool = False  # OIDC: not signed in yet, offer the login button


def visitor(settings: Settings) -> Visitor:
    app = settings.app
    try:
        if app.auth == "oidc":
            return _signed_in()
        if app.auth == "header":
            return _from_proxy(app)
        if _remote_address() is not None:
            return Visitor(refused="This app serves only its own machine; ask for the team's address (see the "
                                   "README: The review app).")
        return Visitor(name=settings.actor_name)
    except ConfigError as error:
        return Visitor(refused=str(error))


def _signed_in() -> Visitor:
    if not st.user.is_logged_in:
        return Visitor(refused="Sign in to review changesets.", login=True)
    name = str(st.user.get("email") or "")
    return Visitor(name=identity.checked(name, where="your account's e-mail at the sign-in provider"))


def _from_proxy(app: AppSettings) -> Visitor:
    headers = st.context.headers
    secret = app.proxy_secret()
    sent = headers.get(SECRET_HEADER) or ""
    pinned = (bool(secret) and hmac.compare_digest(sent.encode(), secret.encode())) or (
        (_remote_address() or "127.0.0.1") in app.proxy_addresses)
    if not pinned:
        return Visitor(refused="This app answers only through its sign-in proxy; open it at the team's address.")
    name = headers.get(app.identity_header) or ""
    return Visitor(name=identity.checked(name, where=f"the proxy's {app.identity_header} header"))


def _remote_address() -> str | None:
    """The connection's peer address; None for loopback (Streamlit's way of saying so) and in
    AppTest, which has no connection."""
    address = st.context.ip_address
    return address if isinstance(address, str) else None
