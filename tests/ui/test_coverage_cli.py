"""`copydesk coverage`: per source, the text tracked and what is not captured, as JSON and as
tables; one document by the usual addressing; and `copydesk pull` carrying the figures."""

from __future__ import annotations

import json

import pytest

from connectors.document import Block, Document, DocumentRef, NotCaptured
from connectors.memory import MemoryConnector, MemoryWorkspace
from staging.config import load_settings
from staging.pull import pull
from staging.store import Store
from tests.conftest import REPO
from tests.ui.conftest import cli

HOSTILE = "[bold red]drawing[/bold red] 'Flow'"
SYNCED = "A synced copy: edit the original on 'Company home'"


def _documents() -> list[Document]:
    def ref(remote_id: str, title: str) -> DocumentRef:
        return DocumentRef(source="notion", remote_id=remote_id, kind="page", title=title,
                           url=f"https://tool.example/{remote_id}")

    return [
        Document(ref=ref("pricing", "Pricing"), blocks=(
            Block(id="t", kind="title", text="Pricing"),
            Block(id="p", kind="paragraph", text="Plans for every team."),
        ), not_captured=(NotCaptured(element=HOSTILE, reason="drawings hold no text copydesk can read", chars=30),)),
        Document(ref=ref("home", "Company home"), blocks=(
            Block(id="t", kind="title", text="Company home"),
            Block(id="s", kind="paragraph", text="Answers in seconds.", editable=False, readonly_reason=SYNCED),
        )),
    ]


@pytest.fixture
def stored(workdir):
    """The working directory's store holding the documents above, as a pull left them."""
    store = Store(load_settings(workdir / "copydesk.toml").store_url)
    pull(store, MemoryConnector(MemoryWorkspace.of(_documents()), source="notion"))
    store.close()
    return workdir


def test_json_is_one_object_per_source_with_the_figures_and_every_element_not_captured(stored):
    result = cli("coverage", "--json")
    assert result.exit_code == 0, result.stderr
    tracked = len("Pricing") + len("Plans for every team.") + len("Company home") + len("Answers in seconds.")
    assert json.loads(result.stdout) == [{
        "source": "notion", "documents": 2, "chars_total": tracked + 30, "chars_tracked": tracked,
        "chars_readonly": len("Answers in seconds."),
        "not_captured": [{"document": "Pricing", "element": HOSTILE, "reason": "drawings hold no text copydesk can read",
                          "chars": 30}],
        "readonly_reasons": [{"reason": SYNCED, "blocks": 1, "chars": len("Answers in seconds.")}],
    }]


def test_one_document_by_title_or_id_prefix(stored):
    [home] = json.loads(cli("coverage", "Company home", "--json").stdout)
    assert (home["documents"], home["not_captured"], home["chars_readonly"]) == (1, [], len("Answers in seconds."))
    listed = json.loads(cli("log", "--json").stdout)
    pricing_id = next(r["document"] for r in listed if r["title"] == "Pricing")
    [pricing] = json.loads(cli("coverage", pricing_id[:8], "--json").stdout)
    assert pricing["documents"] == 1 and [r["element"] for r in pricing["not_captured"]] == [HOSTILE]


def test_an_unknown_document_is_one_clear_line(stored):
    result = cli("coverage", "No such page")
    assert result.exit_code == 1 and "Traceback" not in result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [
        "error: No document matches 'No such page'. `copydesk log` lists what is tracked; `copydesk pull` fetches "
        "new ones."]


def test_the_tables_show_the_share_tracked_and_remote_text_as_written(stored):
    result = cli("coverage")
    assert result.exit_code == 0, result.stderr
    shown = result.stdout
    tracked = len("Pricing") + len("Plans for every team.") + len("Company home") + len("Answers in seconds.")
    assert f"{round(100 * tracked / (tracked + 30), 1)} %" in shown
    assert (f"  not captured: Pricing: {HOSTILE} (30 characters): drawings hold no text copydesk can read"
            in shown.splitlines())
    assert f"  read-only, fix by hand: 1 block(s), 19 characters: {SYNCED}" in shown.splitlines()


def test_pull_json_carries_the_coverage_of_what_it_fetched(workdir):
    [report] = json.loads(cli("pull", "--source", "notion", "--json").stdout)
    assert report["fetched"] > 0 and report["chars_tracked"] > 0
    assert report["chars_total"] >= report["chars_tracked"] and "elements_not_captured" in report
    [figures] = json.loads(cli("coverage", "--json").stdout)
    assert figures["chars_total"] == report["chars_total"] and figures["chars_tracked"] == report["chars_tracked"]


def test_sweep_lists_stale_read_only_text_to_fix_by_hand(workdir):
    """The seeds hold retired wording copydesk cannot write (a code sample, say): each such
    block is a line naming the page, the words, why it is read-only and where to fix it."""
    assert cli("brief", "add", str(REPO / "fixtures/briefs/ai-support-engineer.md")).exit_code == 0
    result = cli("sweep")
    assert result.exit_code == 0, result.stderr
    hand = [line for line in result.stdout.splitlines() if line.startswith("fix by hand: ")]
    assert hand and all("; read-only (" in line and "fix it by hand" in line for line in hand)
    assert f"{len(hand)} read-only block(s) to fix by hand" in result.stdout
