"""The Google Docs connector, through google-api-python-client against the gdocs sandbox over
HTTP, held to the connector contract (tests/connectors/conformance.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connectors.document import DocumentRef
from connectors.gdocs import GDocsConnector
from tests.conftest import GdocsSandbox
from tests.connectors.conformance import ConnectorContract, Sample, ToolUnderTest


class GdocsTool(ToolUnderTest):
    # "HelpHive one-pager": "HelpHive is … with a citation on every answer. **Setup in 5 minutes**, … [works with …]"
    sample = Sample("1amzOtvyoGlOcS84YPosVnZC17rI90DNOTHR8C7dB3HC", "p0002", "with a citation on every answer",
                    "with a source on every answer")
    other = Sample("1sdPtUTLuDfUCi2APX7owXIeqvvbUdwnDWJvGmIaBFCB", "p0001", "Story first", "Story up front")  # "Pitch narrative"

    def __init__(self, admin: GdocsSandbox) -> None:
        super().__init__()
        self.admin = admin

    def make_connector(self, *, token: str | None = None) -> GDocsConnector:
        return self.admin.connector(**({} if token is None else {"token": token}))

    def edit_behind(self, remote_id: str, find: str, replace: str) -> None:
        self.admin.post("edit", {"id": remote_id, "find": find, "replace": replace})

    def vanish(self, ref: DocumentRef) -> DocumentRef:
        self.admin.post("delete", {"id": ref.remote_id})
        return ref

    def writes(self) -> int:
        return self.admin.writes()

    def fail_requests(self, status: int, count: int) -> None:
        self.admin.post("faults", {"status": status, "count": count, "retry_after": 0})


class TestGdocsContract(ConnectorContract):
    @pytest.fixture
    def tool(self, gdocs: GdocsSandbox) -> Iterator[GdocsTool]:
        tool = GdocsTool(gdocs)
        yield tool
        tool.close()
