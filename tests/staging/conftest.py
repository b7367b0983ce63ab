"""The `tool` fixture: each test that takes it runs once per tool, on that tool's sandbox; and
the Notion seed pages served from memory, for the tests where the tool does not matter."""

from __future__ import annotations

from contextlib import closing
from typing import Iterator

import pytest

from connectors.document import Document
from connectors.memory import MemoryConnector, MemoryWorkspace
from connectors.sandbox.server import SandboxServer
from tests.conftest import reset_sandboxes
from tests.staging.tools import TOOLS, ToolSandbox, build_connector, open_sandbox


@pytest.fixture(params=TOOLS)
def tool(request: pytest.FixtureRequest, sandbox_server: SandboxServer) -> Iterator[ToolSandbox]:
    """One tool's sandbox, reset to its seed with no rate limit; its faults cleared afterwards.
    A test the tool fails because of a known bug is marked a strict xfail, with the bug."""
    endpoint = next(e for e in sandbox_server.endpoints() if e.tool == request.param)
    sandbox = open_sandbox(endpoint.tool, endpoint.base_url, endpoint.token)
    bug = sandbox.known_bugs.get(request.function.__name__)
    if bug:
        request.applymarker(pytest.mark.xfail(strict=True, reason=bug))
    yield sandbox
    sandbox.post("faults", {"clear": True})
    sandbox.close()


@pytest.fixture(scope="session")
def notion_seed_pages(sandbox_server: SandboxServer) -> list[Document]:
    """The Notion sandbox's seed pages, read over HTTP once per test process: realistic copy in
    which the sample brief's terms and retired claims stand in every combination the review
    tests need."""
    reset_sandboxes(sandbox_server)
    endpoint = next(e for e in sandbox_server.endpoints() if e.tool == "notion")
    with closing(build_connector("notion", endpoint.base_url, endpoint.token)) as notion:
        return [notion.fetch(ref).model_copy(update={"ref": ref.model_copy(update={"source": "memory"})})
                for ref in notion.list_changed(None)]


@pytest.fixture
def notion_pages_in_memory(notion_seed_pages: list[Document]) -> MemoryConnector:
    """A fresh memory tool holding the Notion seed pages: a test pulls, applies and sweeps them
    in milliseconds, without the HTTP round trips the tool-specific tests exist for."""
    return MemoryConnector(MemoryWorkspace.of(notion_seed_pages))
