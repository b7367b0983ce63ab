"""Replaying the Claude engine's cassettes (fixtures/cassettes/anthropic/) with vcrpy.

Requests are matched on the call they make, not on their bytes: the document a propose
call is about (or the brief a compile call reads), so rewording the instructions does not
orphan a cassette. With COPYDESK_RECORD_ANTHROPIC=1 and a real ANTHROPIC_API_KEY the tests
record the real API instead (the key header is filtered out of what is written).
"""

from __future__ import annotations

import hashlib
import json
import os
import re

import vcr

from staging.agent.claude import EDIT_TOOL, ClaudeEngine
from staging.config import AgentSettings
from tests.conftest import REPO

CASSETTES = REPO / "fixtures" / "cassettes" / "anthropic"
RECORD = os.environ.get("COPYDESK_RECORD_ANTHROPIC") == "1"
MODEL = "claude-sonnet-5-5"
FAKE_KEY = "sk-ant-test-0000-not-a-key"
_DOC_ID = re.compile(r'<document title=.*? id="([^"]+)">')


def call_key(body: bytes | str) -> str:
    """What a Messages API request is for: `propose_edits:<document id>` or `record_brief:<sha of the brief>`."""
    request = json.loads(body)
    tool, content = request["tools"][0]["name"], request["messages"][0]["content"]
    if tool == EDIT_TOOL:
        found = _DOC_ID.search(content)
        return f"{tool}:{found.group(1) if found else '?'}"
    return f"{tool}:{hashlib.sha256(content.encode()).hexdigest()[:16]}"


def _same_call(r1, r2) -> None:
    assert call_key(r1.body) == call_key(r2.body)


def cassette(name: str):
    recorder = vcr.VCR(cassette_library_dir=str(CASSETTES), record_mode="all" if RECORD else "none",
                       match_on=["method", "scheme", "host", "path", "copydesk_call"],
                       filter_headers=["authorization", "x-api-key"])
    recorder.register_matcher("copydesk_call", _same_call)
    return recorder.use_cassette(name, allow_playback_repeats=False)


def engine(**options) -> ClaudeEngine:
    key = os.environ["ANTHROPIC_API_KEY"] if RECORD else FAKE_KEY
    return ClaudeEngine(AgentSettings(**{"model": MODEL, "max_retries": 2, **options}), api_key=key)
