"""A brief is instructions to the engine, so whoever wrote it, corrected it or ran the propose
is an author of what it stages, and cannot approve it alone: on the sandbox over HTTP,
through Typer's runner."""

from __future__ import annotations

import json

import httpx
import pytest

from staging.agent import briefs
from staging.agent.brief import parse_term
from staging.config import load_settings
from staging.store import Store
from tests.ui.conftest import cli, cli_as

# Validation lets a brief's own term rewrite a number: this is the whole attack.
FREE = "# Pricing update\n\n## Terms\n- $49 / month -> $0 / month (new pricing)\n"


def _patches(sandbox) -> int:
    return sum(n for route, n in sandbox.stats()["routes"].items() if route.startswith("PATCH"))


def _remote(sandbox, changeset: str) -> str:
    """The blocks a changeset edits (a table cell's whole row), as the sandbox serves them now."""
    edits = json.loads(cli("changeset", "show", changeset, "--json").stdout)["edits"]
    return "".join(httpx.get(f"{sandbox.base_url}/v1/blocks/{edit['block'].split('/')[0]}",
                             headers={"Authorization": f"Bearer {sandbox.token}", "Notion-Version": "2025-09-03"}).text
                   for edit in edits)


def _propose(actor: str) -> int:
    run = cli_as(actor, "propose", "--json")
    assert run.exit_code == 0, run.stderr
    staged = json.loads(run.stdout)["staged"]
    assert len(staged) >= 1
    return next(i for i in staged if "$0 / month" in cli("changeset", "show", str(i), "--json").stdout)


@pytest.fixture
def free_brief(pulled_workdir):
    path = pulled_workdir / "pricing.md"
    path.write_text(FREE, encoding="utf-8")
    return path


def test_the_writer_of_a_brief_cannot_approve_or_apply_what_it_proposed(free_brief, sandbox):
    assert cli_as("mallory", "brief", "add", str(free_brief), "--activate").exit_code == 0
    changeset = str(_propose("mallory"))
    shown = json.loads(cli("changeset", "show", changeset, "--json").stdout)
    assert shown["proposed_by"] == "agent:rules" and "mallory" in shown["review"]["authors"]
    assert "mallory (who wrote the brief and ran propose)" in shown["review"]["summary"]

    refused = cli_as("Mallory", "approve", changeset)
    assert refused.exit_code == 1 and "Traceback" not in refused.stderr and refused.stderr.count("\n") == 1
    assert "wrote the brief behind" in refused.stderr and "ran the propose that staged" in refused.stderr
    assert cli_as("mallory", "apply", changeset).exit_code == 1
    assert json.loads(cli("changeset", "show", changeset, "--json").stdout)["status"] == "proposed"
    assert _patches(sandbox) == 0 and "$49 / month" in _remote(sandbox, changeset)
    assert "$0 / month" not in _remote(sandbox, changeset)


def test_a_corrector_of_the_brief_cannot_approve_and_someone_else_can(free_brief, sandbox):
    free_brief.write_text("# Pricing update\n\n## Terms\n- $49 / month -> $59 / month\n", encoding="utf-8")
    assert cli_as("priya", "brief", "add", str(free_brief), "--activate").exit_code == 0
    store = Store(load_settings(free_brief.parent / "copydesk.toml").store_url)
    brief = briefs.get(store)
    corrected = briefs.compiled(brief).model_copy(update={"terms": [parse_term("$49 / month -> $0 / month")]})
    briefs.correct(store, brief.id, corrected, actor="sam")  # what the app's brief page does
    store.close()
    changeset = str(_propose("lee"))

    for author, why in (("sam", "corrected the brief behind"), ("priya", "wrote the brief behind"),
                        ("lee", "ran the propose that staged")):
        refused = cli_as(author, "approve", changeset)
        assert refused.exit_code == 1 and why in refused.stderr, (author, refused.stderr)
    summary = json.loads(cli("changeset", "show", changeset, "--json").stdout)["review"]["summary"]
    assert "sam (who corrected the brief)" in summary and "priya (who wrote the brief)" in summary

    assert json.loads(cli_as("kim", "approve", changeset, "--json").stdout)["status"] == "approved"
    assert cli_as("lee", "apply", changeset).exit_code == 0
    assert "$0 / month" in _remote(sandbox, changeset)


def test_with_self_approval_on_the_writer_of_a_brief_approves_and_applies_alone(free_brief, sandbox):
    config = free_brief.parent / "copydesk.toml"
    config.write_text(config.read_text() + "\n[review]\nself_approval = true\n")
    assert cli_as("mallory", "brief", "add", str(free_brief), "--activate").exit_code == 0
    changeset = str(_propose("mallory"))
    assert json.loads(cli_as("mallory", "approve", changeset, "--json").stdout)["status"] == "approved"
    assert cli_as("mallory", "apply", changeset).exit_code == 0
    assert _patches(sandbox) >= 1
