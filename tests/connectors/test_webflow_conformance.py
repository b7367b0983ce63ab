"""The Webflow connector, through the official SDK against the Webflow sandbox over HTTP, held to
the connector contract (tests/connectors/conformance.py), its Publisher and HandWritten
capabilities included."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from connectors.document import DocumentRef
from connectors.sandbox.server import SandboxServer
from connectors.webflow import WebflowConnector
from tests.conftest import WebflowAdmin
from tests.connectors.conformance import ConnectorContract, Sample, ToolUnderTest

BLOG = "63fe95809593bd04cf658cda"
WRITES = ("PATCH ", "POST /v2/pages/{id}/dom")


class WebflowTool(ToolUnderTest):
    # CMS item "Uptime": "HelpHive keeps **99.9% uptime**. Check it any time on our [status page]."
    sample = Sample("item:63ffe7008e0becd7b0dbc496:64dc118017d70820fef1d69e", "field:description:0",
                    "Check it any time", "Check it anytime")
    other = Sample("item:63fe9580f90cb1e29c3898d1:6483bd00abe315128858d556", "field:story:1",
                   "was all they needed", "was enough")  # CMS item "Initech"
    # The Home page in the primary locale, which the Data API cannot write.
    hand_written = Sample("page:63e043000f6cad4a26d3ac94", "node:64a7b5d6-3edd-5590-9fb5-6c65eed108ea",
                          "out of the box", "from day one")

    def __init__(self, admin: WebflowAdmin) -> None:
        super().__init__()
        self.admin = admin

    def make_connector(self, *, token: str | None = None) -> WebflowConnector:
        return self.admin.connector(**({} if token is None else {"token": token}))

    def edit_behind(self, remote_id: str, find: str, replace: str) -> None:
        item = remote_id.split(":")[2]
        slug = next(b.id.split(":")[1] for b in self.connector().fetch(
            DocumentRef(source="webflow", remote_id=remote_id, kind="item")).blocks if find in b.text)
        self.admin.post("edit", {"item": item, "field": slug, "find": find, "replace": replace})

    def vanish(self, ref: DocumentRef) -> DocumentRef:
        """The sandbox cannot delete an item, so an item that is gone is one the collection
        does not have."""
        _, collection, _ = ref.remote_id.split(":")
        return ref.model_copy(update={"remote_id": f"item:{collection}:ffffffffffffffffffffffff"})

    def writes(self) -> int:
        return sum(n for route, n in self.admin.routes().items() if route.startswith(WRITES))

    def fail_requests(self, status: int, count: int) -> None:
        self.admin.post("faults", {"status": status, "count": count, "retry_after": 0})

    def is_live(self, ref: DocumentRef) -> bool:
        _, collection, item = ref.remote_id.split(":")
        staged = self.admin.get(f"/collections/{collection}/items/{item}")
        try:
            live = self.admin.get(f"/collections/{collection}/items/{item}/live")
        except httpx.HTTPStatusError as error:
            if error.response.status_code == 404:
                return False  # never published
            raise
        return live["fieldData"] == staged["fieldData"]


class TestWebflowContract(ConnectorContract):
    @pytest.fixture
    def tool(self, sandbox_server: SandboxServer) -> Iterator[WebflowTool]:
        endpoint = next(e for e in sandbox_server.endpoints() if e.tool == "webflow")
        admin = WebflowAdmin(endpoint.base_url, endpoint.token)
        admin.post("reset")
        admin.post("rate_limit", {"enabled": False})
        tool = WebflowTool(admin)
        yield tool
        tool.close()
        admin.post("faults", {"clear": True})
        admin.close()
