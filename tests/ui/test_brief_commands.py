"""`copydesk brief add|list|show` through Typer's runner."""

from __future__ import annotations

import json

from tests.conftest import REPO
from tests.ui.conftest import cli

SAMPLE = REPO / "fixtures" / "briefs" / "ai-support-engineer.md"


def test_add_list_and_show_the_compiled_brief(workdir):
    added = json.loads(cli("brief", "add", str(SAMPLE), "--json").stdout)
    assert added["new"] and added["active"]
    shown = json.loads(cli("brief", "show", "--json").stdout)
    assert shown["id"] == added["id"]
    assert shown["compiled"]["retired_claims"] == ["Setup in 5 minutes", "cuts support tickets by 40%"]
    human = cli("brief", "show")
    assert "the chatbot for your docs → the AI support engineer for your team" in human.stdout
    assert "Legal:*" in human.stdout
    assert [b["id"] for b in json.loads(cli("brief", "list", "--json").stdout)] == [added["id"]]


def test_a_tracked_page_in_prose_needs_claude_to_compile(workdir):
    assert cli("pull").exit_code == 0
    result = cli("brief", "add", "--document", "Elevator pitch")
    assert result.exit_code == 1 and "--compile claude" in result.stderr
    assert json.loads(cli("brief", "list", "--json").stdout) == []


def test_bad_brief_input_is_one_line_and_stores_nothing(workdir):
    (workdir / "junk.md").write_bytes(b"\x00\x01\x02 binary")
    for args, message in ((("brief", "add", "junk.md"), "binary"),
                          (("brief", "add"), "Give a brief FILE or --document"),
                          (("brief", "show", "7"), "No brief 7")):
        result = cli(*args)
        assert result.exit_code == 1 and message in result.stderr and "Traceback" not in result.stderr
    assert json.loads(cli("brief", "list", "--json").stdout) == []


def test_propose_prints_per_document_counts_and_tokens(workdir):
    assert cli("pull").exit_code == 0
    cli("brief", "add", str(SAMPLE))
    dry = json.loads(cli("propose", "--dry-run", "--json").stdout)
    assert dry["dry_run"] and dry["staged"] == [] and dry["run"] is None
    result = cli("propose")
    assert result.exit_code == 0, result.stderr
    assert "Engine: rules" in result.stderr and "no API key needed" in result.stderr
    assert "changeset(s) staged" in result.stdout and "skipped Changelog" in result.stdout
    proposed = json.loads(cli("changesets", "--status", "proposed", "--json").stdout)
    assert proposed and all(c["title"].startswith("Positioning brief") for c in proposed)


def test_the_claude_engine_without_a_key_says_what_to_do(workdir, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    assert cli("pull").exit_code == 0
    assert cli("brief", "add", str(REPO / "fixtures" / "briefs" / "ai-support-engineer.md")).exit_code == 0
    for args in (("propose", "--engine", "claude"), ("brief", "add", "x.md", "--compile", "claude")):
        if args[0] == "brief":
            (workdir / "x.md").write_text("We are an AI support engineer now.\n", encoding="utf-8")
        result = cli(*args)
        assert result.exit_code == 1 and "export ANTHROPIC_API_KEY" in result.stderr and "Traceback" not in result.stderr
    assert json.loads(cli("changesets", "--json").stdout) == []


def test_brief_show_and_propose_apply_the_workspace_scope_too(workdir):
    config = workdir / "copydesk.toml"
    config.write_text(config.read_text() + '\n[scope]\nskip_titles = ["Product*"]\n')
    assert cli("pull").exit_code == 0
    assert cli("brief", "add", str(SAMPLE)).exit_code == 0
    assert "Product*" in cli("brief", "show").stdout and "Legal:*" in cli("brief", "show").stdout
    run = json.loads(cli("propose", "--json").stdout)
    assert {"title": "Product overview", "reason": "title matches 'Product*'"} in [
        {k: s[k] for k in ("title", "reason")} for s in run["skipped"]]
    assert cli("reject", str(run["staged"][0]), "--reason", "not now").exit_code == 0
    again = json.loads(cli("propose", "--json").stdout)
    assert again["staged"] == [] and again["tokens_in"] == 0, "a rejected proposal is not filed again"
    asked = json.loads(cli("propose", "--again", "--json").stdout)
    assert asked["staged"] == [] and asked["dismissed"], "a rejection is remembered as won't fix"
    for row in json.loads(cli("dismissals", "--json").stdout):
        assert cli("dismissals", "undo", str(row["id"])).exit_code == 0
    assert len(json.loads(cli("propose", "--json").stdout)["staged"]) == 1, "until it is undone"
