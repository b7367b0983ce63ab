"""The changeset commands end to end: stage → approve → apply → revert → restore, on the
sandbox over HTTP, through Typer's runner."""

from __future__ import annotations

import json

import httpx
import pytest

from connectors.document import DocumentRef
from staging.config import load_settings
from staging.store import Store
from tests.conftest import REPO
from tests.ui.conftest import cli, cli_as

PAGE = "Product overview"
FIND = "Setup in 5 minutes"
BRIEF = REPO / "fixtures" / "briefs" / "ai-support-engineer.md"


def _blocks() -> list[dict]:
    return json.loads(cli("show", PAGE, "--json").stdout)["content"]["blocks"]


def _paragraph(text: str) -> dict:
    return next(b for b in _blocks() if text in b["text"] and b["kind"] == "paragraph")


def _remote_text(sandbox, block_id: str) -> str:
    block = httpx.get(f"{sandbox.base_url}/v1/blocks/{block_id}",
                      headers={"Authorization": f"Bearer {sandbox.token}", "Notion-Version": "2025-09-03"}).json()
    return "".join(item["plain_text"] for item in block["paragraph"]["rich_text"])


def _patches(sandbox) -> int:
    return sum(n for route, n in sandbox.stats()["routes"].items() if route.startswith("PATCH"))


@pytest.fixture
def staged(pulled_workdir, sandbox):
    block = _paragraph(FIND)
    new_text = block["text"].replace(FIND, "Setup in under an hour")
    result = cli("stage", PAGE, "--block", block["id"][:8], "--text", new_text, "--reason", "brief v2", "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["id"], block, new_text


def test_stage_approve_apply_revert_restore_end_to_end(staged, sandbox):
    changeset, block, new_text = staged
    shown = json.loads(cli("changeset", "show", str(changeset), "--json").stdout)
    assert shown["status"] == "proposed" and shown["edits"][0]["after"] == new_text
    assert {"op": "insert", "text": "under an hour"} in shown["edits"][0]["diff"]

    assert cli_as("priya", "approve", str(changeset)).exit_code == 0
    dry = json.loads(cli("apply", str(changeset), "--dry-run", "--json").stdout)
    assert dry["dry_run"] and dry["writes"][0]["path"] == f"/v1/blocks/{block['id']}"
    assert _patches(sandbox) == 0 and dry["status"] == "approved"

    applied = json.loads(cli("apply", str(changeset), "--json").stdout)
    assert applied["status"] == "applied" and _remote_text(sandbox, block["id"]) == new_text
    assert json.loads(cli("log", PAGE, "--json").stdout)[0]["origin"] == "apply"

    reverted = json.loads(cli("revert", str(changeset), "--json").stdout)
    assert reverted["status"] == "reverted" and _remote_text(sandbox, block["id"]) == block["text"]

    patches = _patches(sandbox)
    dry = json.loads(cli("restore", PAGE, "HEAD~1", "--dry-run", "--json").stdout)
    assert [w["path"] for w in dry["writes"]] == [f"/v1/blocks/{block['id']}"] and _patches(sandbox) == patches
    assert json.loads(cli("changesets", "--json").stdout)[0]["id"] == changeset, "a dry run stages nothing"
    restore = cli("restore", PAGE, "HEAD~1", "--json")
    assert restore.exit_code == 0, restore.stderr
    restored = json.loads(restore.stdout)["id"]
    assert cli_as("priya", "approve", str(restored)).exit_code == 0
    assert json.loads(cli("apply", str(restored), "--json").stdout)["status"] == "applied"
    assert _remote_text(sandbox, block["id"]) == new_text, "HEAD~1 was the applied revision"

    actions = [e["action"] for e in json.loads(cli("events", "--changeset", str(changeset), "--json").stdout)]
    assert actions[::-1] == ["changeset.staged", "changeset.approved", "changeset.apply.started",
                             "changeset.apply.done", "changeset.revert.started", "changeset.revert.done"]
    listed = json.loads(cli("changesets", "--json").stdout)
    assert [(c["id"], c["status"]) for c in listed] == [(restored, "applied"), (changeset, "reverted")]


def test_a_reviewers_rewrite_keeps_both_texts_and_waits_for_someone_else(staged, sandbox):
    changeset, block, new_text = staged
    result = cli_as("priya", "rewrite", str(changeset), "--edit", f"{block['id'][:8]}=Reviewed text.")
    assert result.exit_code == 0, result.stderr
    assert "awaiting approval by someone other than" in result.stdout and "priya" in result.stdout
    shown = json.loads(cli("changeset", "show", str(changeset), "--json").stdout)
    edit = shown["edits"][0]
    assert (edit["after"], edit["proposed_after"], edit["revised_by"]) == ("Reviewed text.", new_text, "priya")
    assert "priya" in shown["review"]["authors"] and shown["review"]["approvers"] == []
    rewritten = json.loads(cli("events", "--changeset", str(changeset), "--json").stdout)[0]
    assert rewritten["actor"] == "priya" and rewritten["action"] == "changeset.rewritten"
    assert rewritten["details"]["edited"][block["id"]] == {"proposed": new_text, "rewritten": "Reviewed text."}

    refused = cli_as("priya", "approve", str(changeset))
    assert refused.exit_code == 1 and "priya wrote" in refused.stderr and "Traceback" not in refused.stderr
    assert json.loads(cli_as("sam", "approve", str(changeset), "--json").stdout)["status"] == "approved"
    assert cli("apply", str(changeset)).exit_code == 0 and _remote_text(sandbox, block["id"]) == "Reviewed text."


def test_one_person_cannot_stage_approve_and_apply_their_own_change(pulled_workdir, sandbox):
    block = _paragraph(FIND)
    staged = cli_as("mallory", "stage", PAGE, "--block", block["id"][:8], "--text", "$0 / month", "--json")
    changeset = str(json.loads(staged.stdout)["id"])
    approved = cli_as("mallory", "approve", changeset)
    assert approved.exit_code == 1 and "mallory wrote" in approved.stderr
    assert approved.stderr.count("\n") == 1 and "Traceback" not in approved.stderr
    assert cli_as("Mallory", "approve", changeset).exit_code == 1
    assert cli_as("mallory", "apply", changeset).exit_code == 1
    forged = cli_as("mallory", "approve", changeset, "--as", "priya")
    assert forged.exit_code == 2 and "--as" in forged.stderr  # no flag records another person's name
    assert _patches(sandbox) == 0 and _remote_text(sandbox, block["id"]) == block["text"]


@pytest.mark.parametrize("name, message", [("   ", "blank"), ("pri\u202eya", "U+202E"), ("sam\x1b]8;;x\x07", "U+001B")])
def test_a_blank_or_disguised_name_is_refused_in_one_line(staged, sandbox, name, message):
    result = cli_as(name, "approve", str(staged[0]))
    assert result.exit_code == 1 and message in result.stderr and "Traceback" not in result.stderr
    assert json.loads(cli("changeset", "show", str(staged[0]), "--json").stdout)["status"] == "proposed"


def test_an_outside_edit_before_apply_is_a_conflict_with_the_remote_text(staged, sandbox):
    changeset, block, _ = staged
    sandbox.post("edit", {"id": block["id"], "find": "chatbot", "replace": "assistant"})
    cli_as("priya", "approve", str(changeset))
    result = cli("apply", str(changeset))
    assert result.exit_code == 1 and "no longer read" in result.stderr
    shown = json.loads(cli("changeset", "show", str(changeset), "--json").stdout)
    assert shown["status"] == "conflict"
    assert "assistant" in shown["edits"][0]["remote_now"]
    assert _patches(sandbox) == 0


@pytest.mark.parametrize("args, message", [
    (("approve", "999"), "No changeset 999"),
    (("apply", "1"), "only an approved"),
    (("stage", PAGE, "--block", "nosuchblock", "--text", "x"), "has no block"),
    (("stage", PAGE, "--block", "title"), "Give one --text per --block"),
    (("rewrite", "1", "--edit", "no-equals-sign"), "BLOCK=TEXT"),
])
def test_bad_input_is_one_clear_line_and_writes_nothing(staged, sandbox, args, message):
    result = cli(*args)
    assert result.exit_code != 0
    assert message in result.stderr or message in result.stdout
    assert "Traceback" not in result.stderr
    assert _patches(sandbox) == 0


def test_rejected_changesets_cannot_be_approved_or_applied(staged, sandbox):
    changeset = str(staged[0])
    assert cli("reject", changeset, "--reason", "off-brand").exit_code == 0
    for args in (("approve", changeset), ("apply", changeset), ("revert", changeset)):
        result = cli_as("priya", *args)
        assert result.exit_code == 1 and "is rejected" in result.stderr
    assert _patches(sandbox) == 0


def test_recover_with_nothing_interrupted(workdir):
    result = cli("recover", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"recovered": [], "in_progress": []}


def test_a_brief_on_a_google_doc_from_the_command_line(workdir, sandbox):
    """brief → propose → approve → apply → revert → restore on the Docs sandbox, each state of
    the document read back with documents.get (styles included), not from the store."""
    assert cli("pull", "--source", "gdocs").exit_code == 0
    assert cli("brief", "add", str(BRIEF)).exit_code == 0
    run = json.loads(cli("propose", "--source", "gdocs", "--json").stdout)
    assert len(run["staged"]) == 9  # one per Google Doc of the seed with stale copy
    settings = load_settings(workdir / "copydesk.toml")
    store = Store(settings.store_url)
    changeset = json.loads(cli("changeset", "show", str(run["staged"][0]), "--json").stdout)
    tracked = store.document(changeset["document"])
    connector = settings.connector("gdocs")
    ref = DocumentRef(source="gdocs", remote_id=tracked.remote_id, kind=tracked.kind, title=tracked.title)
    original = connector.fetch(ref)

    dismiss = [arg for e in changeset["edits"] if e["flag"] for arg in ("--dismiss", f"{e['block']}=still true")]
    assert cli_as("priya", "approve", str(changeset["id"]), *dismiss).exit_code == 0
    assert cli("apply", str(changeset["id"])).exit_code == 0
    applied = {b.id: b.text for b in connector.fetch(ref).blocks}
    assert all(applied[e["block"]] == e["after"] for e in changeset["edits"] if e["after"] != e["before"])
    assert "AI support engineer" in " ".join(applied.values())

    assert cli("revert", str(changeset["id"])).exit_code == 0
    assert connector.fetch(ref).blocks == original.blocks

    assert cli("pull", "--source", "gdocs").exit_code == 0
    restored = json.loads(cli("restore", tracked.id, "HEAD~1", "--json").stdout)
    assert cli_as("priya", "approve", str(restored["id"])).exit_code == 0
    assert cli("apply", str(restored["id"])).exit_code == 0
    assert {b.id: b.text for b in connector.fetch(ref).blocks} == applied
    connector.close()
    store.close()


def test_changeset_show_says_what_else_an_edit_changes(staged):
    changeset, _, _ = staged
    shown = cli("changeset", "show", str(changeset))
    assert "what else changed: numbers -5 minutes" in shown.stdout
    edit = json.loads(cli("changeset", "show", str(changeset), "--json").stdout)["edits"][0]
    assert edit["what_else_changed"] == "numbers -5 minutes"


def _conflict_on_the_edited_words(staged, sandbox) -> str:
    changeset, block, _ = staged
    sandbox.post("edit", {"id": block["id"], "find": FIND, "replace": "Setup in 10 minutes"})
    cli_as("priya", "approve", str(changeset))
    assert cli("apply", str(changeset)).exit_code == 1
    return str(changeset)


def test_a_conflict_is_settled_by_writing_against_the_tools_text(staged, sandbox):
    changeset = _conflict_on_the_edited_words(staged, sandbox)
    block = staged[1]
    assert "nothing" in cli("repropose", changeset).stderr.lower()  # the same words: no merge
    now = json.loads(cli("changeset", "show", changeset, "--json").stdout)["edits"][0]["remote_now"]
    mine = now.replace("Setup in 10 minutes", "Setup in an afternoon")
    result = cli_as("sam", "rewrite", changeset, "--edit", f"{block['id'][:8]}={mine}", "--json")
    assert result.exit_code == 0, result.stderr
    new = json.loads(result.stdout)
    assert new["replaces"] == int(changeset) and new["status"] == "proposed" and new["proposed_by"] == "sam"
    assert json.loads(cli("changeset", "show", changeset, "--json").stdout)["status"] == "superseded"
    edit = json.loads(cli("changeset", "show", str(new["id"]), "--json").stdout)["edits"][0]
    assert (edit["before"], edit["after"]) == (now, mine)
    assert "cannot approve" in cli_as("sam", "approve", str(new["id"])).stderr
    assert cli_as("priya", "approve", str(new["id"])).exit_code == 0
    assert json.loads(cli_as("priya", "apply", str(new["id"]), "--json").stdout)["status"] == "applied"
    assert _remote_text(sandbox, block["id"]) == mine


def test_a_conflict_can_be_rejected_from_the_command_line(staged, sandbox):
    changeset = _conflict_on_the_edited_words(staged, sandbox)
    assert "copydesk reject" in cli_as("priya", "approve", changeset).stderr  # the refusal names the ways out
    result = cli("reject", changeset, "--reason", "the tool's text is better", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["status"] == "rejected"
    assert _patches(sandbox) == 0


def test_a_reverted_changeset_is_applied_again_from_the_command_line(staged, sandbox):
    changeset, block, new_text = staged
    cli_as("priya", "approve", str(changeset))
    cli_as("priya", "apply", str(changeset))
    cli_as("priya", "revert", str(changeset))
    result = cli_as("sam", "reapply", str(changeset), "--json")
    assert result.exit_code == 0, result.stderr
    again = json.loads(result.stdout)
    assert again["status"] == "proposed" and again["proposed_by"] == "sam" and again["replaces"] == int(changeset)
    assert json.loads(cli("changeset", "show", str(changeset), "--json").stdout)["status"] == "reverted"
    assert cli_as("priya", "approve", str(again["id"])).exit_code == 0
    assert cli_as("priya", "apply", str(again["id"])).exit_code == 0
    assert _remote_text(sandbox, block["id"]) == new_text
