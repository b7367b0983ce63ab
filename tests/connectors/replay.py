"""Replaying vcrpy cassettes of a tool's response shapes through its connector, shared by
the Notion, Google Docs and Webflow cassette tests.

Requests match on method, URL and JSON body (key order ignored); the authorization header is
never stored; each interaction plays once, so a connector that sends more than it should
fails."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import vcr
from vcr.request import Request as VcrRequest

CASSETTES = Path(__file__).resolve().parents[2] / "fixtures" / "cassettes"


def _json_or_none(body: bytes | str | None) -> object:
    if body is None or body in (b"", ""):
        return None
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    try:
        return json.loads(text)
    except ValueError:
        raise AssertionError(f"request body is not JSON: {text[:80]!r}") from None


def json_body(r1: VcrRequest, r2: VcrRequest) -> None:
    """vcr matcher: both bodies empty, or both the same JSON value whatever the key order."""
    first, second = _json_or_none(r1.body), _json_or_none(r2.body)
    assert first == second, f"JSON bodies differ: {first!r} != {second!r}"


class Replayer:
    """Cassettes of one tool, `fixtures/cassettes/<tool>/<name>.yaml`."""

    def __init__(self, tool: str) -> None:
        self.directory = CASSETTES / tool
        self._vcr = vcr.VCR(cassette_library_dir=str(self.directory), record_mode="none",
                            filter_headers=["authorization"],
                            match_on=["method", "scheme", "host", "port", "path", "query", "json_body"])
        self._vcr.register_matcher("json_body", json_body)

    @contextmanager
    def replay(self, name: str) -> Iterator[Any]:
        path = self.directory / f"{name}.yaml"
        assert path.is_file(), f"missing cassette {path}"
        with self._vcr.use_cassette(path.name) as cassette:
            yield cassette
