"""Notion: the official notion-client SDK, normalised into copydesk's document model."""

from connectors.notion.connector import NOTION_API, NOTION_RATE, NotionConnector

__all__ = ["NOTION_API", "NOTION_RATE", "NotionConnector"]
