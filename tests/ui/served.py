"""`copydesk ui` as a user starts it, for the tests that talk to the running app over HTTP
or drive it in a browser: a free port, its own process group (the command runs Streamlit as a
child, and stopping only the parent would leave that server running), output kept under
test-artifacts/ since the browser is shown no tracebacks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping

import httpx
import pytest

from tests.conftest import REPO

COPYDESK = Path(sys.executable).with_name("copydesk")
ARTIFACTS = REPO / "test-artifacts"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(workdir: Path, log_name: str, *, port: int | None = None,
            env: Mapping[str, str] | None = None) -> Iterator[str]:
    """`copydesk ui` in `workdir` until the block ends; yields its loopback URL once healthy."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = port or free_port()
    log_path = ARTIFACTS / log_name
    with log_path.open("w") as log:
        server = subprocess.Popen([str(COPYDESK), "ui", "--port", str(port)], cwd=workdir, stdout=log,
                                  stderr=subprocess.STDOUT, start_new_session=True, env=os.environ | dict(env or {}))
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_healthy(url, server, log_path)
            yield url
        finally:
            _stop_group(server)


def _wait_until_healthy(url: str, server: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"`copydesk ui` exited with {server.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/_stcore/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"`copydesk ui` was not healthy within {seconds:.0f} s:\n{log.read_text()}")


def _stop_group(server: subprocess.Popen, seconds: float = 10) -> None:
    """SIGTERM to the whole group, then SIGKILL to whatever is left after `seconds`."""
    os.killpg(server.pid, signal.SIGTERM)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        server.poll()
        try:
            os.killpg(server.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=seconds)
