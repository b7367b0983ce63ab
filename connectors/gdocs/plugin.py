"""Google Docs as a copydesk plug-in: its settings, capabilities and connector, without the
Google SDK (a second to import), which `build` loads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal

from pydantic import Field

from connectors.errors import ConfigError
from connectors.plugin import Capabilities, PagedSourceSettings, Plugin
from connectors.protocol import Connector
from connectors.sandbox.gdocs import (
    GDOCS_ROOT_FOLDER_ID,
    GDOCS_SANDBOX_TOKEN,
    GdocsSandbox,
    google_rate_limits,
)


class GDocsSettings(PagedSourceSettings):
    """Google Docs in Drive `folders` (read recursively) or one shared drive (`drive_id`), read
    with a credentials file: a service-account key or an OAuth authorized-user token file (the
    file is yours to keep safe; copydesk stores only its path)."""

    type: Literal["gdocs"] = "gdocs"
    folders: list[str] = Field(default_factory=list)
    drive_id: str = ""
    credentials_file: str = ""


def build(name: str, settings: GDocsSettings, *, token: Callable[[], str], home: Path) -> Connector:
    from connectors.gdocs.client import credentials_from
    from connectors.gdocs.connector import GDOCS_RATE, GDocsConnector

    if not (settings.folders or settings.drive_id):
        raise ConfigError(f"Source {name!r} needs folders = [\"<Drive folder id>\", …] or drive_id = \"<shared "
                          "drive id>\" in copydesk.toml: copydesk only reads what you point it at.")
    if settings.sandbox:  # never a real credentials file: the sandbox gets its own static token
        credentials = credentials_from(token=token())
    elif settings.credentials_file:
        path = Path(settings.credentials_file).expanduser()
        credentials = credentials_from(file=path if path.is_absolute() else home / path)
    else:
        raise ConfigError(f"Source {name!r} needs credentials_file = \"<service-account key or OAuth token "
                          "file>\" in copydesk.toml (see the README: Google Docs).")
    return GDocsConnector(credentials, source=name, base_url=settings.base_url, folders=settings.folders,
                          drive_id=settings.drive_id, rate=settings.rate or GDOCS_RATE, page_size=settings.page_size,
                          timeout=settings.timeout)


def sandbox(seeds: Traversable, *, rate_limited: bool, rate: float | None) -> GdocsSandbox:
    """Google limits reads and writes per minute apart, so `rate` does not apply."""
    return GdocsSandbox.from_seed_dir(seeds, rate_limits=google_rate_limits() if rate_limited else None)


def sandbox_settings(port: int) -> str:
    return f'''[sources.gdocs]
type = "gdocs"
base_url = "http://127.0.0.1:{port}/gdocs"    # the sandbox's Drive v3 and Docs v1
sandbox = true                               # uses the sandbox's static token
folders = ["{GDOCS_ROOT_FOLDER_ID}"]  # "Sales collateral", read recursively
rate = 5.0                                   # requests per second (Docs: 300 reads a minute per user)
'''


REAL_SETTINGS = '''[sources.gdocs]
type = "gdocs"
credentials_file = "google-service-account.json"   # or an OAuth authorized-user token file
folders = ["<Drive folder id>"]                     # read recursively; or drive_id = "<shared drive id>"
rate = 5.0                                          # Docs: 300 reads a minute per user
'''

PLUGIN = Plugin(
    tool="gdocs",
    label="Google Docs",
    document_kinds={"document": "Google Doc"},
    settings=GDocsSettings,
    build=build,
    sandbox=sandbox,
    sandbox_token=GDOCS_SANDBOX_TOKEN,
    sandbox_settings=sandbox_settings,
    real_settings=REAL_SETTINGS,
    capabilities=Capabilities(
        alignment="text",  # paragraphs have no ids: copydesk numbers them, so they pair by text
        edit_time_precision=timedelta(milliseconds=1),  # Drive's modifiedTime
    ),
)
