"""Issue 15, plain words, in a real browser whose clock says Paris: the queue, a Webflow static
page before and after apply, Activity and Sources name the tools ("Google Docs", never
"gdocs"), say statuses and events in words (never `awaiting_manual` or
`changeset.apply.done`), show times in the reader's zone, and give the static page's Designer
checklist (section by heading, text before and after) before anything is applied."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.ui.browsing import (
    STEP_TIMEOUT_MS,
    changeset_id,
    copydesk,
    screenshot,
    screenshot_on_failure,
    still_true,
    wait_until_idle,
)

_RAW = re.compile(r"(?<![/\w])gdocs\b|awaiting_manual|changeset\.[a-z_]+\.[a-z]+|revert_conflict")
APPROVER = "lee"  # wrote nothing in the queue, so may approve; sam, the visitor, only looks


def _in_paris(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, timezone_id="Europe/Paris")
    context.set_default_timeout(STEP_TIMEOUT_MS)
    expect.set_options(timeout=STEP_TIMEOUT_MS)
    return context.new_page()


def _no_tool_language(page: Page) -> None:
    wait_until_idle(page)
    shown = page.get_by_test_id("stMain").inner_text()
    assert not _RAW.search(shown), _RAW.search(shown)


@pytest.mark.timeout(300)  # five pages and two commands: past the default 120 s on a loaded 2-core machine
def test_plain_words_and_the_static_page_checklist_before_apply(browser: Browser, proposed: Path, review_app: str):
    home = changeset_id(proposed, "Home")
    page = _in_paris(browser)
    with screenshot_on_failure(page, "journey-words-failure.png"):
        page.goto(review_app)
        expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
        expect(page.get_by_text("Google Doc ·").first).to_be_visible()  # the document kind, in words
        _no_tool_language(page)
        screenshot(page, "journey-words-1-queue.png")

        page.goto(f"{review_app}/?changeset={home}")
        expect(page.get_by_text("This is a static page")).to_be_visible()
        expect(page.get_by_text("under the heading “Why support teams choose HelpHive”").first).to_be_visible()
        steps = page.get_by_text(re.compile(r"^Step \d+: "))
        expect(steps.first).to_be_visible()
        assert not any("node" in step for step in steps.all_inner_texts())  # sections by heading, not node ids
        _no_tool_language(page)
        screenshot(page, "journey-words-2-static-page-before-apply.png")

        copydesk(proposed, "approve", str(home), *still_true(proposed, home), actor=APPROVER)
        copydesk(proposed, "apply", str(home), actor=APPROVER)
        page.reload()
        expect(page.get_by_text("Waiting for someone to paste the new text in the Webflow Designer")).to_be_visible()
        expect(page.get_by_text("awaiting a manual step in the tool").first).to_be_visible()
        page.get_by_text("Audit trail").click()
        expect(page.get_by_text(re.compile(rf"{APPROVER} asked to apply #{home}; the Webflow API cannot write it")))\
            .to_be_visible()
        expect(page.get_by_text(re.compile(r"\d{1,2} \w{3} \d{4}, \d\d:\d\d CET")).first).to_be_visible()
        _no_tool_language(page)
        screenshot(page, "journey-words-3-static-page-awaiting.png")

        page.goto(f"{review_app}/activity")
        expect(page.get_by_role("heading", name="Activity")).to_be_visible()
        _no_tool_language(page)
        screenshot(page, "journey-words-4-activity.png")

        page.goto(f"{review_app}/sources")
        expect(page.get_by_role("heading", name="Google Docs")).to_be_visible()
        expect(page.get_by_text(re.compile(r"Last pull .*\(\d{1,2} \w{3} \d{4}, \d\d:\d\d CET\)")).first).to_be_visible()
        _no_tool_language(page)
        screenshot(page, "journey-words-5-sources.png")
