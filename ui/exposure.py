"""Where `copydesk ui` may serve the review app, and by which names browsers may reach it.

On loopback only the person at this machine can connect, so the app trusts the command line's
identity. On any other address a visitor must be authenticated ([app] auth = "oidc" or
"header", ui/web/identity.py), or the app does not start. Whatever the address, the
WebSocket handshake is accepted only for known host names (`server.allowedHosts`), so a page
on another site cannot reach a local app by pointing its own DNS name at 127.0.0.1 (DNS
rebinding).
"""

from __future__ import annotations

import ipaddress
import tomllib
from pathlib import Path

from connectors.errors import ConfigError
from staging.config import AppSettings

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
_WILDCARDS = ("0.0.0.0", "::", "")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, app: AppSettings) -> list[str]:
    """The host names the app answers to on `host`, or a one-line ConfigError saying what to
    configure before it may listen there."""
    if not is_loopback(host):
        _require_authentication(host, app)
    names = [*LOOPBACK_NAMES, *app.allowed_hosts]
    if host not in _WILDCARDS and host not in names:
        names.append(host)
    if host in _WILDCARDS and not app.allowed_hosts:
        raise ConfigError(f"`copydesk ui --host {host}` answers on every address: set [app] allowed_hosts = "
                          "[\"<the name people open it by>\"] in copydesk.toml so no other site's name reaches it.")
    return names


def _require_authentication(host: str, app: AppSettings) -> None:
    if app.auth == "local":
        raise ConfigError(f"`copydesk ui --host {host}` would let anyone on the network act as you: set [app] "
                          "auth = \"oidc\" (Streamlit login) or auth = \"header\" (a signing-in reverse proxy) in "
                          "copydesk.toml first, or serve on 127.0.0.1 (see the README: The review app).")
    if app.auth == "header" and not (app.proxy_secret() or app.proxy_addresses):
        raise ConfigError(f"[app] auth = \"header\" trusts only the proxy: export {app.proxy_secret_env}=<the secret "
                          "the proxy sends in X-Copydesk-Proxy-Secret> or list its address in [app] proxy_addresses.")
    if app.auth == "oidc" and not any(_has_auth_section(path) for path in _secrets_files()):
        raise ConfigError("[app] auth = \"oidc\" needs an [auth] section (redirect_uri, cookie_secret, client_id, "
                          "client_secret, server_metadata_url) in .streamlit/secrets.toml.")


def _secrets_files() -> list[Path]:
    """Where Streamlit reads secrets from by default: the user's, then the project's."""
    return [Path.home() / ".streamlit" / "secrets.toml", Path.cwd() / ".streamlit" / "secrets.toml"]


def _has_auth_section(path: Path) -> bool:
    try:
        return isinstance(tomllib.loads(path.read_text(encoding="utf-8")).get("auth"), dict)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
