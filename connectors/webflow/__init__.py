"""Webflow: CMS items and static pages of one site through the official `webflow` SDK.

The names below load on first use, so that `connectors.webflow.plugin` (what the registry
reads) does not import the Webflow SDK.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_HOMES = {"WEBFLOW_RATE": "client", "RemoteNotFound": "client", "WebflowConnector": "connector"}
__all__ = ["WEBFLOW_RATE", "RemoteNotFound", "WebflowConnector"]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
