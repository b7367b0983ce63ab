"""Flags from the command line: `approve` refuses unresolved flags in one line, `--dismiss
BLOCK=REASON` and `--drop` settle them, `copydesk dismissals` lists what was said won't fix
and `copydesk dismissals undo ID` takes one back; `sweep --json` counts them."""

from __future__ import annotations

import json

from tests.conftest import REPO
from tests.ui.conftest import cli, cli_as

BRIEF = REPO / "fixtures" / "briefs" / "ai-support-engineer.md"


def _flagged_changeset() -> dict:
    """A proposed changeset from the brief with a term edit and a flag nobody settled."""
    for changeset_id in json.loads(cli("propose", "--source", "notion", "--json").stdout)["staged"]:
        shown = json.loads(cli("changeset", "show", str(changeset_id), "--json").stdout)
        edits = shown["edits"]
        if any(e["flag"] and e["after"] == e["before"] for e in edits) and any(e["after"] != e["before"] for e in edits):
            return shown
    raise AssertionError("the sample brief stages a changeset with a flag and a term edit")


def test_unresolved_flags_refuse_the_approval_until_dismissed_or_dropped(pulled_workdir):
    assert cli("brief", "add", str(BRIEF)).exit_code == 0
    changeset = _flagged_changeset()
    flagged = [e for e in changeset["edits"] if e["flag"]]
    assert all(e["flag_settled"] is None for e in flagged)

    refused = cli_as("sam", "approve", str(changeset["id"]))
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "unresolved flag" in refused.output and "--dismiss" in refused.output
    assert json.loads(cli("changeset", "show", str(changeset["id"]), "--json").stdout)["status"] == "proposed"

    first, *others = flagged
    args = ["approve", str(changeset["id"]), "--drop", first["block"][:8]]
    for edit in others:
        args += ["--dismiss", f"{edit['block'][:8]}=the claim is still true here"]
    approved = cli_as("sam", *args, "--json")
    assert approved.exit_code == 0, approved.output
    assert json.loads(approved.stdout)["status"] == "approved"
    settled = {e["block"]: e["flag_settled"] for e in json.loads(
        cli("changeset", "show", str(changeset["id"]), "--json").stdout)["edits"] if e["flag"]}
    assert settled[first["block"]] == "dropped: nothing written"
    assert all(settled[e["block"]] == "dismissed by sam: the claim is still true here" for e in others)

    listed = json.loads(cli("dismissals", "--json").stdout)
    assert {(d["block"], d["how"]) for d in listed} == {(first["block"], "dropped"),
                                                         *((e["block"], "flag dismissed") for e in others)}
    assert all(d["by"] == "sam" and d["first_words"] and d["rules"] for d in listed)
    assert "dropped" in cli("dismissals").stdout


def test_a_dismissal_needs_block_equals_reason(pulled_workdir):
    assert cli("brief", "add", str(BRIEF)).exit_code == 0
    changeset = _flagged_changeset()
    result = cli_as("sam", "approve", str(changeset["id"]), "--dismiss", "no-equals-sign")
    assert result.exit_code == 1 and "--dismiss takes BLOCK=REASON" in result.output


def test_a_rejection_is_listed_counted_by_the_sweep_and_undone(pulled_workdir):
    assert cli("brief", "add", str(BRIEF)).exit_code == 0
    first = json.loads(cli("sweep", "--json").stdout)
    rejected = first["staged"][0]
    assert cli_as("sam", "reject", str(rejected), "--reason", "not this quarter").exit_code == 0
    listed = json.loads(cli("dismissals", "--json").stdout)
    assert listed and {(d["how"], d["reason"], d["changeset"]) for d in listed} == {
        ("rejected", "not this quarter", rejected)}

    again = json.loads(cli("sweep", "--json").stdout)
    assert {d["dismissal"] for d in again["dismissed"]} == {d["id"] for d in listed}
    document = listed[0]["document"]
    assert document not in {row["document"] for row in again["stale"]}
    assert "dismissed as won't fix" in cli("sweep").stdout

    for row in listed:
        undone = cli_as("sam", "dismissals", "undo", str(row["id"]))
        assert undone.exit_code == 0 and "looks at" in undone.stdout
    assert json.loads(cli("dismissals", "--json").stdout) == []
    assert len(json.loads(cli("dismissals", "--all", "--json").stdout)) == len(listed)
    back = json.loads(cli("sweep", "--json").stdout)
    assert back["dismissed"] == [] and back["staged"], "undone, the page is proposed again"
    missing = cli("dismissals", "undo", "999")
    assert missing.exit_code == 1 and "No dismissal 999" in missing.output
