"""History in a real browser: a colleague's edit in Notion is named after them, a timeline row
opens the page as it read then (and the URL says which), and two revisions sit side by side."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.conftest import SandboxAdmin
from tests.ui.browsing import copydesk, screenshot, screenshot_on_failure, visitor, wait_until_idle
from tests.ui.test_cli import _page_id

OLD, NEW = "trust what the bot says", "rely on every answer"


def test_history_names_the_editor_opens_a_revision_and_compares(browser: Browser, review_app: str,
                                                                 proposed: Path, sandbox: SandboxAdmin):
    head = json.loads(copydesk(proposed, "log", "Product overview", "--json"))[0]
    sandbox.post("edit", {"id": _page_id(sandbox, "Product overview"), "find": OLD, "replace": NEW})
    copydesk(proposed, "pull")

    page = visitor(browser, {})
    with screenshot_on_failure(page, "journey-history-failure.png"):
        page.goto(f"{review_app}/history?document={head['document']}")
        wait_until_idle(page)
        rows = page.get_by_role("button", name="edited in Notion by Jordan Lee")
        expect(rows).to_have_count(1)
        expect(page.get_by_role("button", name="first pulled; last edited in Notion by Priya Raman")).to_have_count(1)
        expect(page.locator(".cd-page")).to_contain_text(NEW)
        screenshot(page, "journey-history-1-timeline.png")

        page.get_by_role("button", name="first pulled").click()
        wait_until_idle(page)
        expect(page.get_by_text("The page as it read then")).to_be_visible()
        expect(page.locator(".cd-page")).to_contain_text(OLD)
        expect(page.locator(".cd-page")).not_to_contain_text(NEW)
        assert f"revision={head['revision']}" in page.url
        screenshot(page, "journey-history-2-old-revision.png")

        expect(page.locator(".cd-diff del").first).to_be_visible()
        expect(page.locator(".cd-diff ins").first).to_be_visible()
        page.get_by_text("Compare two revisions").scroll_into_view_if_needed()
        screenshot(page, "journey-history-3-compare.png")

        page.go_back()
        wait_until_idle(page)
        expect(page.get_by_text("The page now")).to_be_visible()
        expect(page.locator(".cd-page")).to_contain_text(NEW)
