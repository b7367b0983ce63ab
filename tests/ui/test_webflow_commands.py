"""Webflow from the command line: a CMS item through apply (staged) → publish → revert
(published again), and a primary-locale page through the manual path, checked in the
sandbox over HTTP rather than in the store."""

from __future__ import annotations

import json
import os

import httpx
import pytest

from staging.config import load_settings
from staging.store import Store
from tests.conftest import REPO
from tests.ui.conftest import cli, cli_as

BRIEF = REPO / "fixtures" / "briefs" / "ai-support-engineer.md"


class Site:
    """The Webflow sandbox's items as its API serves them, staged and live."""

    def __init__(self, workdir) -> None:
        settings = load_settings(workdir / "copydesk.toml")
        source = settings.source("webflow")
        self.base, self.token = f"{source.base_url}/v2", settings.token("webflow")
        self.admin = f"{source.base_url}/_sandbox"
        self.store = Store(settings.store_url)

    def item(self, remote_id: str, *, live: bool = False) -> dict:
        _, collection, item = remote_id.split(":")
        response = httpx.get(f"{self.base}/collections/{collection}/items/{item}" + ("/live" if live else ""),
                             headers={"Authorization": f"Bearer {self.token}"})
        response.raise_for_status()
        return response.json()["fieldData"]


@pytest.fixture
def proposed(workdir, sandbox) -> Site:
    assert cli("pull", "--source", "webflow").exit_code == 0
    assert cli("brief", "add", str(BRIEF)).exit_code == 0
    assert cli("propose", "--source", "webflow").exit_code == 0
    site = Site(workdir)
    yield site
    site.store.close()


def _changeset(site: Site, wanted) -> dict:
    """The first proposed changeset whose document passes `wanted` and that has an edit
    rules could make (not only flagged claims)."""
    for row in json.loads(cli("changesets", "--source", "webflow", "--status", "proposed", "--json").stdout):
        shown = json.loads(cli("changeset", "show", str(row["id"]), "--json").stdout)
        tracked = site.store.document(row["document"])
        if wanted(tracked) and any(e["after"] != e["before"] for e in shown["edits"]):
            return shown | {"tracked": tracked}
    raise AssertionError("no such proposed changeset")


def _dismissing(changeset: dict) -> list[str]:
    """`--dismiss BLOCK=REASON` for each of the changeset's flags nobody settled yet (approval
    needs every flag settled)."""
    return [arg for e in changeset["edits"] if e["flag"] and not e["flag_settled"]
            for arg in ("--dismiss", f"{e['block']}=the claim is still true here")]


def _published_item(site: Site):
    def wanted(tracked) -> bool:
        if tracked.kind != "item":
            return False
        _, collection, item = tracked.remote_id.split(":")
        return httpx.get(f"{site.base}/collections/{collection}/items/{item}/live",
                         headers={"Authorization": f"Bearer {site.token}"}).status_code == 200
    return wanted


def test_a_cms_item_is_applied_staged_published_and_reverted(proposed):
    changeset = _changeset(proposed, _published_item(proposed))
    remote_id = changeset["tracked"].remote_id
    staged_before, live_before = proposed.item(remote_id), proposed.item(remote_id, live=True)
    number = str(changeset["id"])

    assert cli_as("priya", "approve", number, *_dismissing(changeset)).exit_code == 0
    applied = cli("apply", number)
    assert applied.exit_code == 0 and "Staged in the tool, not yet published." in applied.stdout
    assert proposed.item(remote_id) != staged_before
    assert proposed.item(remote_id, live=True) == live_before  # the site shows the old text until published

    assert cli("publish", number).exit_code == 0
    assert proposed.item(remote_id, live=True) == proposed.item(remote_id) != live_before

    assert cli("revert", number).exit_code == 0
    assert proposed.item(remote_id) == staged_before  # byte for byte, every field
    assert proposed.item(remote_id, live=True) == staged_before  # and published again
    actions = [e["action"] for e in json.loads(cli("events", "--changeset", number, "--json").stdout)]
    assert actions[:2] == ["changeset.republished", "changeset.revert.done"] and "changeset.published" in actions


def test_a_primary_locale_page_goes_through_a_person_and_the_next_pull(proposed):
    changeset = _changeset(proposed, lambda d: d.kind == "page" and "@" not in d.remote_id)  # primary locale
    tracked = changeset["tracked"]
    number = str(changeset["id"])
    assert cli_as("priya", "approve", number, *_dismissing(changeset)).exit_code == 0
    shown = cli("apply", number)
    assert shown.exit_code == 0 and "needs a person" in shown.stdout and "paste:" in shown.stdout
    assert not any(route.startswith("POST") for route in httpx.get(f"{proposed.admin}/stats").json()["routes"])
    steps = json.loads(cli("changeset", "show", number, "--json").stdout)["manual_steps"]
    assert steps and json.loads(cli("changeset", "show", number, "--json").stdout)["status"] == "awaiting_manual"
    said = " ".join(shown.stdout.split())
    assert all(step["section"] in said for step in steps)  # where in the Designer, by heading: no node id alone

    assert cli("pull", "--source", "webflow").exit_code == 0  # nobody pasted anything yet
    assert json.loads(cli("changeset", "show", number, "--json").stdout)["status"] == "awaiting_manual"
    page_id = tracked.remote_id.split(":", 1)[1]
    for step in steps:  # a person pastes each text in the Designer
        find, replace = _changed_part(step["before"], step["after"])
        httpx.post(f"{proposed.admin}/edit", json={"page": page_id, "node": step["block_id"].removeprefix("node:"),
                                                   "find": find, "replace": replace}).raise_for_status()
    assert cli("pull", "--source", "webflow").exit_code == 0
    assert json.loads(cli("changeset", "show", number, "--json").stdout)["status"] == "applied"
    assert "changeset.apply.verified" in [e["action"] for e in json.loads(
        cli("events", "--changeset", number, "--json").stdout)]


def _changed_part(before: str, after: str) -> tuple[str, str]:
    start = len(os.path.commonprefix([before, after]))
    end = len(os.path.commonprefix([before[start:][::-1], after[start:][::-1]]))
    return before[start:len(before) - end], after[start:len(after) - end]
