"""Notion: the official notion-client SDK, normalised into copydesk's document model.

The names below load on first use, so that `connectors.notion.plugin` (what the registry
reads) does not import the SDK.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_HOMES = {"NOTION_API": "connector", "NOTION_RATE": "connector", "NotionConnector": "connector"}
__all__ = ["NOTION_API", "NOTION_RATE", "NotionConnector"]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
