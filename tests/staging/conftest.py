"""The `tool` fixture: each test that takes it runs once per tool, on that tool's sandbox."""

from __future__ import annotations

from typing import Iterator

import pytest

from connectors.sandbox.server import SandboxServer
from tests.staging.tools import TOOLS, ToolSandbox, open_sandbox


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
