"""The Notion connector, through the real SDK against the Notion sandbox over HTTP, held to the
connector contract (tests/connectors/conformance.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from connectors.document import DocumentRef
from connectors.notion import NotionConnector
from connectors.pacing import RetryPolicy
from connectors.sandbox.server import SandboxServer
from tests.conftest import SandboxAdmin
from tests.connectors.conformance import ConnectorContract, Sample, ToolUnderTest


class NotionTool(ToolUnderTest):
    # "Security & uptime": "We commit to **99.9% uptime**, measured monthly and published on [status…]"
    sample = Sample("5c2a3cbb-021a-4b08-ac92-b7a09c587b4b", "e8bf4f6d-b38d-5a27-8870-60336260afc9",
                    "measured monthly", "measured weekly")
    other = Sample("89abbaf4-bdd2-4740-98e9-6804f74373e7", "c2811291-8ed7-5ee5-862a-802583559f46",
                   "for most help centers", "for most help desks")  # "FAQ"

    def __init__(self, admin: SandboxAdmin) -> None:
        super().__init__()
        self.admin = admin

    def make_connector(self, *, token: str | None = None) -> NotionConnector:
        return NotionConnector(self.admin.token if token is None else token, base_url=self.admin.base_url, rate=None,
                               retry=RetryPolicy(attempts=3, backoff=0.01, max_wait=0.05))

    def edit_behind(self, remote_id: str, find: str, replace: str) -> None:
        self.admin.post("edit", {"id": remote_id, "find": find, "replace": replace})

    def vanish(self, ref: DocumentRef) -> DocumentRef:
        """The sandbox cannot delete a page (Notion trashes them, and a trashed page still
        reads), so a page that is gone is one the workspace does not have."""
        return ref.model_copy(update={"remote_id": str(uuid.uuid4())})

    def writes(self) -> int:
        return sum(n for route, n in self.admin.routes().items() if route.startswith("PATCH"))

    def fail_requests(self, status: int, count: int) -> None:
        self.admin.post("faults", {"status": status, "count": count, "retry_after": 0})


class TestNotionContract(ConnectorContract):
    @pytest.fixture
    def tool(self, sandbox_server: SandboxServer) -> Iterator[NotionTool]:
        """The Notion sandbox alone reset (the shared `sandbox` fixture resets every tool's)."""
        endpoint = next(e for e in sandbox_server.endpoints() if e.tool == "notion")
        admin = SandboxAdmin(endpoint.base_url, endpoint.token)
        admin.post("reset")
        admin.post("rate_limit", {"enabled": False})
        tool = NotionTool(admin)
        yield tool
        tool.close()
        admin.post("faults", {"clear": True})
        admin.close()

