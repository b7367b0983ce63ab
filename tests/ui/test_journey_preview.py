"""The document in view, in a real browser: a Google Docs edit in a table cell says its row
and column, a Webflow edit its field's name; "Preview apply" shows the page as it will read,
and after a colleague's edit in the tool it says conflict on that same click.

Screenshots for a person to look at: journey-preview-gdoc-cell.png, journey-preview-webflow.png,
journey-preview-apply.png, journey-preview-conflict.png (test-artifacts/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import SandboxAdmin
from tests.ui.browsing import changeset_id, copydesk, screenshot, screenshot_on_failure, still_true, visitor

ONE_PAGER = "One-pager: HelpHive for support leaders"
WEBFLOW_POST = "HelpHive vs DocBot: answers, not intents"
NOTION_PAGE = "Product overview"


@pytest.mark.timeout(300)  # a safety net, not a speed test: four pages and a seeded queue took 168 s on a loaded 2-core box
def test_each_edit_in_its_place_and_a_preview_that_previews(browser: Browser, review_app: str, proposed: Path,
                                                              sandbox: SandboxAdmin):
    page = visitor(browser, {})
    with screenshot_on_failure(page, "journey-preview-failure.png"):
        page.goto(f"{review_app}/?changeset={changeset_id(proposed, ONE_PAGER)}")
        expect(page.get_by_text("row “Setup”, column “With HelpHive”").first).to_be_visible()
        expect(page.get_by_text("t0.r3.c2")).to_have_count(0)
        screenshot(page, "journey-preview-gdoc-cell.png")

        page.goto(f"{review_app}/?changeset={changeset_id(proposed, WEBFLOW_POST)}")
        expect(page.get_by_text("Post body, paragraph").first).to_be_visible()
        expect(page.get_by_text("field:")).to_have_count(0)
        screenshot(page, "journey-preview-webflow.png")

        notion = changeset_id(proposed, NOTION_PAGE)
        copydesk(proposed, "approve", str(notion), *still_true(proposed, notion), actor="maya")
        page.goto(f"{review_app}/?changeset={notion}")
        page.get_by_role("button", name="Preview apply (dry run)").click()
        expect(page.get_by_role("heading", name="As it will read after the apply")).to_be_visible()
        edit = json.loads(copydesk(proposed, "changeset", "show", str(notion), "--json"))["edits"][0]
        expect(page.locator(".cd-doc ins").first).to_be_visible()
        expect(page.get_by_text("Requests that will be sent")).to_be_visible()
        expect(page.get_by_text("PATCH /v1/blocks").first).to_be_hidden()  # folded away until asked for
        screenshot(page, "journey-preview-apply.png")

        last_word = edit["before"].rstrip(".").split()[-1]
        sandbox.post("edit", {"id": edit["block"], "find": last_word, "replace": f"{last_word} this quarter"})
        page.get_by_role("button", name="Preview apply (dry run)").click()
        expect(page.get_by_text("Conflict: 1 block(s) changed in the tool")).to_be_visible()
        expect(page.get_by_text("this quarter").first).to_be_visible()
        screenshot(page, "journey-preview-conflict.png")
