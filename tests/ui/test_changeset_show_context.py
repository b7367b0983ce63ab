"""`copydesk changeset show` says where each edit is, as the review app does: the headings
above it, a table cell's row and column, a Webflow field by its display name."""

from __future__ import annotations

import json

from tests.conftest import REPO
from tests.ui.conftest import cli

BRIEF = REPO / "fixtures" / "briefs" / "ai-support-engineer.md"


def _proposed_id(title: str) -> int:
    listed = json.loads(cli("changesets", "--json").stdout)
    return next(c["id"] for c in listed if c["document_title"] == title)


def test_changeset_show_gives_each_edit_its_place(pulled_workdir):
    cli("brief", "add", str(BRIEF), "--activate")
    cli("propose")
    one_pager = _proposed_id("One-pager: HelpHive for support leaders")

    shown = cli("changeset", "show", str(one_pager)).stdout
    assert "@@ cell t0.r3.c2.p0 · Table cell · What changes for your team · row “Setup”, column “With HelpHive”" in shown

    edits = json.loads(cli("changeset", "show", str(one_pager), "--json").stdout)["edits"]
    cell = next(e for e in edits if e["block"].startswith("t0.r3.c2"))
    assert cell["context"]["label"] == "Table cell"
    assert cell["context"]["headings"] == ["What changes for your team"]
    assert cell["context"]["cell"] == "row “Setup”, column “With HelpHive”"

    webflow = json.loads(cli("changeset", "show", str(_proposed_id("HelpHive vs DocBot: answers, not intents")),
                             "--json").stdout)["edits"]
    assert {e["block"]: e["context"]["label"] for e in webflow} == {
        "field:summary": "Summary", "field:post-body:2": "Post body, paragraph", "field:post-body:4": "Post body, list item"}
    assert next(e for e in webflow if e["block"] == "field:post-body:4")["context"]["headings"] == ["At a glance"]
