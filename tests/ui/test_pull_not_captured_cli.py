"""`copydesk pull` names the document it could not read, in its table output and --json, and
the next pull captures it."""

from __future__ import annotations

import json

from tests.ui.conftest import cli

REFUSE_ONE_PAGE = {"status": 400, "code": "validation_error", "match": "GET /v1/pages", "skip": 3}


def test_pull_json_lists_the_page_not_captured_and_the_next_pull_stores_it(workdir, sandbox):
    sandbox.post("faults", REFUSE_ONE_PAGE)
    first = cli("pull", "--source", "notion", "--json")
    assert first.exit_code == 0, first.stderr
    [report] = json.loads(first.stdout)
    [missed] = report["not_captured"]
    assert missed["remote_id"] and missed["title"] and "400 validation_error" in missed["reason"]

    [again] = json.loads(cli("pull", "--source", "notion", "--json").stdout)
    assert again["not_captured"] == [] and again["new"] == 1


def test_pull_prints_one_line_per_page_not_captured(workdir, sandbox):
    sandbox.post("faults", REFUSE_ONE_PAGE)
    result = cli("pull", "--source", "notion")
    assert result.exit_code == 0 and "Traceback" not in result.stdout + result.stderr
    [line] = [line for line in result.stdout.splitlines() if line.startswith("not captured: ")]
    assert "(notion " in line and "Notion said 400 validation_error" in line and "next pull" in result.stdout
