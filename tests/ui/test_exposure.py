"""Where `copydesk ui` may listen: never beyond loopback without authentication, and only
for known host names (a DNS-rebinding page cannot open the app's WebSocket)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Iterator

import pytest

from tests.ui.conftest import cli
from tests.ui.served import free_port, serving


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_a_network_address_without_authentication_refuses_to_start_in_one_line(workdir, host):
    result = cli("ui", "--host", host)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and 'auth = "oidc"' in result.stderr and 'auth = "header"' in result.stderr
    assert "Traceback" not in result.stderr


def test_header_authentication_without_a_pinned_proxy_refuses_too(workdir, monkeypatch):
    monkeypatch.setenv("COPYDESK_APP__AUTH", "header")
    result = cli("ui", "--host", "0.0.0.0")
    assert result.exit_code == 1 and "COPYDESK_PROXY_SECRET" in result.stderr


@pytest.fixture
def served(workdir: Path) -> Iterator[int]:
    """`copydesk ui` on loopback, as a user starts it; yields its port."""
    port = free_port()
    with serving(workdir, "ui-exposure.log", port=port):
        yield port


def _handshake(port: int, host: str) -> str:
    """The status line the app answers a WebSocket upgrade with, sent with this Host header."""
    request = (f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
               "Sec-WebSocket-Protocol: streamlit\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request.encode())
        return connection.recv(4096).decode("latin-1").split("\r\n", 1)[0]


def test_a_foreign_host_header_cannot_open_the_apps_websocket(served):
    assert " 101 " in _handshake(served, f"127.0.0.1:{served}")
    assert " 101 " in _handshake(served, f"localhost:{served}")
    refused = _handshake(served, f"attacker.example:{served}")
    assert refused.startswith("HTTP/1.1 4"), refused
