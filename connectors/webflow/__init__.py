"""Webflow: CMS items and static pages of one site through the official `webflow` SDK."""

from connectors.webflow.client import WEBFLOW_RATE, RemoteNotFound
from connectors.webflow.connector import WebflowConnector

__all__ = ["WEBFLOW_RATE", "RemoteNotFound", "WebflowConnector"]
