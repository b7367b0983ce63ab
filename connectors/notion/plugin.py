"""Notion as a copydesk plug-in: its settings, capabilities and connector, without its SDK."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal

from connectors.plugin import Capabilities, PagedSourceSettings, Plugin
from connectors.protocol import Connector
from connectors.sandbox.harness import RateLimit
from connectors.sandbox.notion import NOTION_RATE, SANDBOX_TOKEN, NotionSandbox


class NotionSettings(PagedSourceSettings):
    """A Notion workspace, read with an internal integration's token (from `token_env`)."""

    type: Literal["notion"] = "notion"
    token_env: str = "NOTION_TOKEN"


def dashed_id(text: str) -> str | None:
    """Notion shows its ids with or without dashes; the store keeps the dashed form."""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


def build(name: str, settings: NotionSettings, *, token: Callable[[], str], home: Path) -> Connector:
    from connectors.notion.connector import NOTION_API, NOTION_RATE, NotionConnector

    return NotionConnector(token(), source=name, base_url=settings.base_url or NOTION_API, rate=settings.rate or NOTION_RATE,
                           page_size=settings.page_size, timeout=settings.timeout)


def sandbox(seeds: Traversable, *, rate_limited: bool, rate: float | None) -> NotionSandbox:
    return NotionSandbox.from_seed_dir(seeds, rate_limit=RateLimit(rate or NOTION_RATE) if rate_limited else None)


def sandbox_settings(port: int) -> str:
    return f'''[sources.notion]
type = "notion"
base_url = "http://127.0.0.1:{port}/notion"   # the local sandbox: run `copydesk sandbox`
sandbox = true                               # uses the sandbox's public token
token_env = "NOTION_TOKEN"
rate = 3.0                                   # requests per second (Notion's documented average)
'''


REAL_SETTINGS = '''[sources.notion]
type = "notion"
token_env = "NOTION_TOKEN"   # export NOTION_TOKEN=<internal integration secret>
rate = 3.0                   # requests per second (Notion's documented average)
'''

PLUGIN = Plugin(
    tool="notion",
    label="Notion",
    document_kinds={"page": "Notion page"},
    settings=NotionSettings,
    build=build,
    sandbox=sandbox,
    sandbox_token=SANDBOX_TOKEN,
    sandbox_settings=sandbox_settings,
    real_settings=REAL_SETTINGS,
    capabilities=Capabilities(
        alignment="id",
        edit_time_precision=timedelta(minutes=1),  # last_edited_time is stamped to the minute
        remote_id_form=dashed_id,
        complete_listing=False,  # search "is not guaranteed to return everything" (reference/post-search)
    ),
)
