"""`copydesk sweep` on the three sandboxes: JSON, Markdown, and the one-line refusal."""

from __future__ import annotations

import json

from tests.conftest import REPO
from tests.ui.conftest import cli


def test_sweep_reports_as_json_and_markdown_and_needs_a_brief(workdir, sandbox):
    refused = cli("sweep")
    assert refused.exit_code == 1 and "copydesk brief add" in refused.stderr
    assert cli("brief", "add", str(REPO / "fixtures/briefs/ai-support-engineer.md")).exit_code == 0
    first = json.loads(cli("sweep", "--json").stdout)
    assert {p["source"] for p in first["pulls"]} == {"gdocs", "notion", "webflow"}
    assert {row["source"] for row in first["stale"]} == {"gdocs", "notion", "webflow"} and first["staged"]
    again = cli("sweep", "--markdown")
    assert again.exit_code == 0 and again.stdout.startswith("# Sweep 2") and "0 changeset(s) staged" in again.stdout


def test_schedule_says_when_it_will_sweep_or_what_is_missing(workdir):
    refused = cli("schedule", "--next")
    assert refused.exit_code == 1 and "[schedule] cron" in refused.stderr
    config = workdir / "copydesk.toml"
    config.write_text(config.read_text() + '\n[schedule]\ncron = "0 6 * * 1-5"\ntimezone = "Europe/Paris"\n')
    shown = cli("schedule", "--next")
    assert shown.exit_code == 0
    runs = shown.stdout.split()
    assert len(runs) == 3 and all(r.endswith("T06:00:00+01:00") for r in runs)
