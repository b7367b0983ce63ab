"""Whether a connector's HTTP client let its connections go: each tool's SDK keeps its client
in its own place, so the tests that check closing ask here."""

from __future__ import annotations

from connectors.gdocs import GDocsConnector
from connectors.notion import NotionConnector
from connectors.protocol import Connector
from connectors.webflow import WebflowConnector


def is_closed(connector: Connector) -> bool:
    if isinstance(connector, NotionConnector):
        return connector._client.client.is_closed  # the httpx client under notion-client
    if isinstance(connector, WebflowConnector):
        return connector._api._http.is_closed  # the httpx client under the Webflow SDK
    if isinstance(connector, GDocsConnector):
        return not connector._api._http.http.connections  # httplib2 keeps a connection per host once used
    raise TypeError(f"no closing check for {type(connector).__name__}")
