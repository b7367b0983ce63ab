"""Sources named apart from their tool, from the command line: `[sources.marketing]` (Notion)
and `[sources.site]` (Webflow) pull, apply, publish and revert by their names (before, apply
asked for a source named after the tool and failed), and a store pulled under the tools' ids
is adopted by the renamed sources when a command opens it."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from staging.config import load_settings
from staging.store import Store
from tests.conftest import REPO
from tests.ui.conftest import cli, cli_as

BRIEF = REPO / "fixtures" / "briefs" / "ai-support-engineer.md"


def _rename(workdir, **names: str) -> None:
    """Rename sections of copydesk.toml: notion="marketing" makes [sources.notion] [sources.marketing]."""
    config = workdir / "copydesk.toml"
    text = config.read_text()
    for old, new in names.items():
        text = text.replace(f"[sources.{old}]", f"[sources.{new}]")
    config.write_text(text)


def _proposed(source: str, wanted) -> dict:
    """The first proposed changeset of `source` whose document passes `wanted`, with an edit
    rules made (not only flagged claims)."""
    store = Store(load_settings(Path.cwd() / "copydesk.toml").store_url)
    try:
        for row in json.loads(cli("changesets", "--source", source, "--status", "proposed", "--json").stdout):
            shown = json.loads(cli("changeset", "show", str(row["id"]), "--json").stdout)
            tracked = store.document(row["document"])
            if wanted(tracked) and any(e["after"] != e["before"] for e in shown["edits"]):
                return shown | {"tracked": tracked}
    finally:
        store.close()
    raise AssertionError(f"no proposed changeset of {source}")


def _dismissing(changeset: dict) -> list[str]:
    return [arg for e in changeset["edits"] if e["flag"] and not e["flag_settled"]
            for arg in ("--dismiss", f"{e['block']}=the claim is still true here")]


def test_a_webflow_source_named_site_applies_publishes_and_reverts(workdir, sandbox):
    _rename(workdir, webflow="site", notion="marketing")
    assert cli("pull", "--source", "site").exit_code == 0
    assert cli("brief", "add", str(BRIEF)).exit_code == 0
    assert cli("propose", "--source", "site").exit_code == 0
    settings = load_settings(workdir / "copydesk.toml")
    base, token = f"{settings.source('site').base_url}/v2", settings.token("site")

    def item(remote_id: str, *, live: bool = False) -> httpx.Response:
        _, collection, item_id = remote_id.split(":")
        return httpx.get(f"{base}/collections/{collection}/items/{item_id}" + ("/live" if live else ""),
                         headers={"Authorization": f"Bearer {token}"})

    changeset = _proposed("site", lambda d: d.kind == "item" and item(d.remote_id, live=True).status_code == 200)
    assert changeset["source"] == "site" and changeset["tracked"].tool == "webflow"
    remote_id, number = changeset["tracked"].remote_id, str(changeset["id"])
    staged_before = item(remote_id).json()["fieldData"]

    assert cli_as("priya", "approve", number, *_dismissing(changeset)).exit_code == 0
    applied = cli("apply", number)
    assert applied.exit_code == 0, applied.stderr
    assert item(remote_id).json()["fieldData"] != staged_before
    published = cli("publish", number)
    assert published.exit_code == 0, published.stderr
    assert item(remote_id, live=True).json()["fieldData"] == item(remote_id).json()["fieldData"]
    reverted = cli("revert", number)
    assert reverted.exit_code == 0, reverted.stderr
    assert item(remote_id).json()["fieldData"] == staged_before


def test_a_notion_source_named_marketing_pulls_applies_and_reverts(workdir, sandbox):
    _rename(workdir, notion="marketing")
    pulled = cli("pull", "--source", "marketing")
    assert pulled.exit_code == 0 and "marketing" in pulled.stdout
    assert cli("brief", "add", str(BRIEF)).exit_code == 0
    assert cli("propose", "--source", "marketing").exit_code == 0
    changeset = _proposed("marketing", lambda d: True)
    number = str(changeset["id"])
    assert cli_as("priya", "approve", number, *_dismissing(changeset)).exit_code == 0
    applied = cli("apply", number)
    assert applied.exit_code == 0, applied.stderr
    reverted = cli("revert", number)
    assert reverted.exit_code == 0, reverted.stderr
    assert json.loads(cli("changeset", "show", number, "--json").stdout)["status"] == "reverted"


def test_a_store_pulled_under_the_tools_ids_is_adopted_by_the_renamed_sources(pulled_workdir):
    _rename(pulled_workdir, notion="marketing", webflow="site")

    status = cli("status")

    assert status.exit_code == 0, status.stderr
    assert "now belong to source 'marketing'" in status.stderr and "now belong to source 'site'" in status.stderr
    assert "not adopted" not in status.stdout
    again = json.loads(cli("pull", "--source", "marketing", "--full", "--json").stdout)
    assert (again[0]["new"], again[0]["changed"], again[0]["deleted"]) == (0, 0, 0)


def test_status_says_what_it_could_not_adopt_and_how_to_fix_it(pulled_workdir):
    _rename(pulled_workdir, notion="marketing")
    config = pulled_workdir / "copydesk.toml"
    marketing = config.read_text().split("[sources.marketing]")[1].split("\n\n")[0]
    config.write_text(config.read_text() + f"\n[sources.support]{marketing}\n")

    status = cli("status")

    assert status.exit_code == 0, status.stderr
    said = " ".join(status.stdout.split())
    assert "not adopted:" in said and "stored under 'notion'" in said and "[sources.notion]" in said
