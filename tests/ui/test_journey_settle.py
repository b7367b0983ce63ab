"""Journey: a content lead settles what cannot be written as it is, in a real browser.

Two changesets of the sample brief are approved (by kim), then a
colleague changes, in Notion itself (the sandbox over HTTP), the very words each one edits.
sam opens the first, clicks Apply, reads in the confirmation what will be written where and
confirms: it is a conflict. sam writes the sentence against Notion's current text (the word
diff follows the box) and submits it as a new changeset. sam rejects the second, with a
reason. Each step's screen is saved in test-artifacts/journey-settle-*.png."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, expect

from staging import changesets
from staging.config import load_settings
from staging.diff import diff_words
from staging.models import Changeset
from staging.store import Store
from tests.conftest import SandboxAdmin
from tests.ui.browsing import REVIEWER, screenshot, screenshot_on_failure, visitor, wait_until_idle
from tests.ui.web.conftest import still_true


def _in_conflict_soon(store: Store, sandbox: SandboxAdmin, count: int) -> list[tuple[Changeset, str]]:
    """`count` Notion changesets of the queue, approved by kim (who dismisses their flags, with a
    reason, as approval requires); then someone changes in Notion the first word each one
    replaces. Each changeset and its edited block's id."""
    chosen = []
    for changeset in changesets.listing(store, status="proposed", source="notion"):
        for row in changesets.to_write(store, changeset.id):
            deleted = [op.text.strip() for op in diff_words(row.before, row.after) if op.kind == "delete"]
            if deleted and deleted[0]:
                changesets.approve(store, changeset.id, actor="kim", dismissed=still_true(store, changeset.id))
                sandbox.post("edit", {"id": row.block_id, "find": deleted[0], "replace": "assistant"})
                chosen.append((changeset, row.block_id))
                break
        if len(chosen) == count:
            return chosen
    raise AssertionError(f"fewer than {count} Notion changesets replace a word")


def test_conflicts_settled_by_edit_and_by_reject_after_a_confirmed_apply(browser: Browser, proposed: Path,
                                                                         review_app: str, sandbox: SandboxAdmin):
    store = Store(load_settings(proposed / "copydesk.toml").store_url)
    (first, block), (second, _) = _in_conflict_soon(store, sandbox, 2)
    word = "assistant"
    page = visitor(browser, {})
    with screenshot_on_failure(page, "journey-settle-failure.png"):
        page.goto(f"{review_app}/?changeset={first.id}")
        page.get_by_role("button", name="Apply", exact=True).click()
        dialog = page.get_by_role("dialog")
        expect(dialog.get_by_text("Write ")).to_contain_text(f"to the Notion page “{store.document(first.document_id).title}”")
        screenshot(page, "journey-settle-1-confirm-apply.png")
        dialog.get_by_role("button", name="Apply", exact=True).click()
        expect(page.get_by_role("heading", name="Edit against the tool's current text")).to_be_visible()
        expect(page.get_by_role("button", name="Reject", exact=True)).to_be_visible()
        screenshot(page, "journey-settle-2-conflict.png")

        box = page.get_by_role("textbox", name="Your text")
        current = box.input_value()
        assert word in current, "the editor starts from Notion's text"
        mine = current.replace(word, "AI teammate", 1)
        box.fill(mine)
        box.press("Control+Enter")
        wait_until_idle(page)
        expect(page.locator(".cd-diff ins", has_text="AI teammate").first).to_be_visible()
        screenshot(page, "journey-settle-3-typed.png")
        page.get_by_role("button", name="Submit as a new changeset").click()
        expect(page.get_by_text(re.compile(r"^Staged #\d+ on the current text with your words"))).to_be_visible()  # the flash, not the new changeset's note
        screenshot(page, "journey-settle-4-submitted.png")

    assert changesets.get(store, first.id).status == "superseded"
    new = changesets.listing(store)[0]
    assert new.proposed_by == REVIEWER and new.status == "proposed"
    assert {e.block_id: e.after for e in changesets.edits(store, new.id)}[block] == mine

    with screenshot_on_failure(page, "journey-settle-failure.png"):
        page.goto(f"{review_app}/?changeset={second.id}")
        page.get_by_role("button", name="Apply", exact=True).click()
        page.get_by_role("dialog").get_by_role("button", name="Apply", exact=True).click()
        expect(page.get_by_role("heading", name="Edit against the tool's current text")).to_be_visible()
        page.get_by_role("textbox", name="Reason for rejecting (optional)").fill("Notion's wording is better")
        page.get_by_role("textbox", name="Reason for rejecting (optional)").press("Enter")
        wait_until_idle(page)
        page.get_by_role("button", name="Reject", exact=True).click()
        expect(page.get_by_text("Notion's wording is better").first).to_be_visible()  # also in the audit trail
        screenshot(page, "journey-settle-5-rejected.png")
    assert changesets.get(store, second.id).status == "rejected"
    store.close()
