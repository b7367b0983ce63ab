"""Webflow as a copydesk plug-in: its settings, capabilities and connector, without the
Webflow SDK (a second to import), which `build` loads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal

from connectors.document import Document
from connectors.errors import ConfigError
from connectors.plugin import Capabilities, Plugin, SourceSettings
from connectors.protocol import Connector
from connectors.sandbox.webflow import (
    WEBFLOW_SANDBOX_TOKEN,
    WEBFLOW_SITE_ID,
    MinuteLimit,
    WebflowSandbox,
)


class WebflowSettings(SourceSettings):
    """One Webflow site (`site_id`), read with a site API token (from `token_env`)."""

    type: Literal["webflow"] = "webflow"
    token_env: str = "WEBFLOW_TOKEN"
    site_id: str = ""


def locale_language(document: Document) -> str | None:
    """The language a secondary-locale page declares ("fr" for its fr-FR tag): the normaliser
    keeps the page's locale in the document's `raw`."""
    locale = document.raw.get("locale")
    if isinstance(locale, dict) and locale.get("tag"):
        return str(locale["tag"]).split("-")[0].lower()
    return None


def build(name: str, settings: WebflowSettings, *, token: Callable[[], str], home: Path) -> Connector:
    from connectors.webflow.client import WEBFLOW_RATE
    from connectors.webflow.connector import WebflowConnector

    if not settings.site_id:
        raise ConfigError(f"Source {name!r} needs site_id = \"<Webflow site id>\" in copydesk.toml "
                          "(Site settings → General → Site ID).")
    return WebflowConnector(token(), source=name, base_url=settings.base_url, site_id=settings.site_id,
                            rate=settings.rate or WEBFLOW_RATE, timeout=settings.timeout)


def sandbox(seeds: Traversable, *, rate_limited: bool, rate: float | None) -> WebflowSandbox:
    """Webflow limits requests per minute (60), so `rate` does not apply."""
    return WebflowSandbox.from_seed_dir(seeds, rate_limit=MinuteLimit() if rate_limited else None)


def sandbox_settings(port: int) -> str:
    return f'''[sources.webflow]
type = "webflow"
base_url = "http://127.0.0.1:{port}/webflow"  # the sandbox's Data API v2
sandbox = true                               # uses the sandbox's public token
token_env = "WEBFLOW_TOKEN"
site_id = "{WEBFLOW_SITE_ID}"
rate = 1.0                                   # requests per second (Starter/Basic plans: 60 a minute)
'''


REAL_SETTINGS = '''[sources.webflow]
type = "webflow"
token_env = "WEBFLOW_TOKEN"   # export WEBFLOW_TOKEN=<site API token: CMS, pages, components read/write; sites publish>
site_id = "<site id>"         # Site settings → General
rate = 1.0                    # requests per second: 60 a minute (CMS/Business plans: 2.0)
'''

PLUGIN = Plugin(
    tool="webflow",
    label="Webflow",
    document_kinds={"item": "Webflow CMS item", "page": "Webflow static page", "component": "Webflow component"},
    settings=WebflowSettings,
    build=build,
    sandbox=sandbox,
    sandbox_token=WEBFLOW_SANDBOX_TOKEN,
    sandbox_settings=sandbox_settings,
    real_settings=REAL_SETTINGS,
    capabilities=Capabilities(
        alignment="id",
        edit_time_precision=timedelta(milliseconds=1),  # lastUpdated
        declared_language=locale_language,
        publishable=True,  # CMS items are written to their staged version
        hand_written=True,  # the Data API cannot write a primary-locale static page or component
    ),
)
