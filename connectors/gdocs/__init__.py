"""Google Docs: Drive (listing, changes) and Docs (read, batchUpdate) through google-api-python-client."""

from connectors.gdocs.client import SCOPES, RemoteNotFound, credentials_from
from connectors.gdocs.connector import GDOCS_RATE, GDocsConnector

__all__ = ["GDOCS_RATE", "SCOPES", "GDocsConnector", "RemoteNotFound", "credentials_from"]
