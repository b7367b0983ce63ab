"""The queue in a real browser, as a content lead works through it: a filtered view that
survives opening a changeset, the browser's Back, the app's Back and a reload (the reviewer
too); select-all; "Approve selected" refusing what nobody opened; and a rule accepted across
documents from the By rule view. Screenshots in test-artifacts/journey-queue-*.png."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect

from tests.ui.browsing import (
    REVIEWER,
    changeset_id,
    copydesk,
    screenshot,
    screenshot_on_failure,
    visitor,
    wait_until_idle,
)
from ui.web.formatting import status_words

RULE = "chatbot → AI support engineer"
PROPOSED = status_words("proposed")
UNFLAGGED = "Pricing & plans"  # a Notion page whose changeset has no flag


def _choose(page: Page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_until_idle(page)


def _open_buttons(page: Page) -> Locator:
    """The rows' Open buttons (a selectbox's toggle is labelled "Open" too)."""
    return page.locator("[class*='st-key-open-'] button")


def _filtered(page: Page) -> None:
    """The view the reviewer set up: Notion, proposed (the filters show tools and statuses in words)."""
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    expect(page.get_by_role("combobox", name="Tool")).to_have_value("Notion")
    expect(page.get_by_role("combobox", name="Status")).to_have_value(PROPOSED)
    expect(page.get_by_text("Notion page").first).to_be_visible()
    expect(page.get_by_text("Google Doc")).to_have_count(0)


def test_the_view_survives_open_back_and_reload(browser: Browser, review_app: str):
    page = visitor(browser, {})
    with screenshot_on_failure(page, "journey-queue-failure.png"):
        page.goto(review_app)
        expect(page.get_by_text(f"{REVIEWER} (publisher)")).to_be_visible()
        expect(page.get_by_text("Webflow CMS item").first).to_be_visible()
        expect(_open_buttons(page).first).to_be_visible()  # the widgets drawn, not their placeholders
        screenshot(page, "journey-queue-1-first-look.png")
        _choose(page, "Tool", "Notion")
        _choose(page, "Status", PROPOSED)
        expect(page).to_have_url(re.compile(r"source=notion.*status=proposed|status=proposed.*source=notion"))
        _filtered(page)
        screenshot(page, "journey-queue-2-filtered.png")

        _open_buttons(page).first.click()
        expect(page.get_by_role("button", name="← Back to the queue")).to_be_visible()
        expect(page).to_have_url(re.compile(r"changeset=\d+"))
        page.go_back()
        _filtered(page)
        expect(page).not_to_have_url(re.compile("changeset="))

        _open_buttons(page).first.click()
        page.get_by_role("button", name="← Back to the queue").click()
        _filtered(page)

        shared = page.url
        page.reload()
        _filtered(page)
        expect(page.get_by_text(f"{REVIEWER} (publisher)")).to_be_visible()  # the reviewer survives a reload
        other = visitor(browser, {})
        other.goto(shared)  # a link shared with a colleague opens the same view
        _filtered(other)


def test_select_all_and_approve_only_what_was_opened(browser: Browser, review_app: str, proposed: Path):
    page = visitor(browser, {})
    with screenshot_on_failure(page, "journey-queue-failure.png"):
        page.goto(f"{review_app}/?source=notion&status=proposed")
        _filtered(page)
        # the reviewer reads one changeset, one with no flag (a flag is settled on its page, never in bulk)
        page.locator(f".st-key-open-{changeset_id(proposed, UNFLAGGED)} button").click()
        expect(page.get_by_role("button", name="← Back to the queue")).to_be_visible()
        page.get_by_role("button", name="← Back to the queue").click()
        _filtered(page)
        page.get_by_text("Select all on this page").click()
        wait_until_idle(page)  # every row drawn before they are counted
        rows = _open_buttons(page).count()
        expect(page.get_by_text(f"Select all on this page ({rows})")).to_be_visible()
        approve = page.get_by_role("button", name=f"Approve selected ({rows})")
        expect(approve).to_be_enabled()
        screenshot(page, "journey-queue-3-all-selected.png")
        approve.click()
        expect(page.get_by_text(f"{rows - 1} not approved because you have not opened them")).to_be_visible()
        expect(page.get_by_text("Approved 1:")).to_be_visible()
        screenshot(page, "journey-queue-4-bulk-approve.png")
    statuses = [c["status"] for c in json.loads(copydesk(proposed, "changesets", "--json"))
                if c["source"] == "notion"]
    assert statuses.count("approved") == 1


def test_a_rule_accepted_across_documents(browser: Browser, review_app: str):
    page = visitor(browser, {})
    with screenshot_on_failure(page, "journey-queue-failure.png"):
        page.goto(review_app)
        expect(page.get_by_role("combobox", name="Tool")).to_be_visible()
        page.get_by_text("By rule", exact=True).click()
        expect(page).to_have_url(re.compile("view=By"))
        group = page.locator("[class*='st-key-rule-group-']").filter(has_text=f"{RULE}:").first
        expect(group).to_contain_text(re.compile(r"\d+ edits in \d+ documents"))
        expect(group.locator(".cd-diff ins").first).to_be_visible()
        screenshot(page, "journey-queue-5-by-rule.png")
        group.get_by_role("button", name="Accept rule").click()
        expect(page.get_by_text(f"Accepted “{RULE}”")).to_be_visible()
        expect(page.get_by_text("were shown to you here")).to_be_visible()
        screenshot(page, "journey-queue-6-rule-accepted.png")
