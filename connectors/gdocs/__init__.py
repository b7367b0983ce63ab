"""Google Docs: Drive (listing, changes) and Docs (read, batchUpdate) through google-api-python-client.

The names below load on first use, so that `connectors.gdocs.plugin` (what the registry
reads) does not import the Google SDK.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_HOMES = {"SCOPES": "client", "RemoteNotFound": "client", "credentials_from": "client",
          "GDOCS_RATE": "connector", "GDocsConnector": "connector"}
__all__ = ["GDOCS_RATE", "SCOPES", "GDocsConnector", "RemoteNotFound", "credentials_from"]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
