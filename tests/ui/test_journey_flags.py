"""Journey: flags must be resolved, and won't fix is remembered. In headless Chromium over
`copydesk ui` on the proposed sample queue: Approve is disabled until every flag of a
changeset is rewritten, dismissed with a reason or dropped; a dismissed edit does not come
back after `copydesk sweep`, and Undo on the Sweeps page brings it back at the next one.

Lean on purpose (it timed out at 120 s on a loaded machine when it dismissed Product
overview's five flags one by one): a small changeset, Sales FAQ (three edits, two flags), its
first flag dismissed with a reason, its second dropped: each settling is one rerun or two."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.ui.browsing import changeset_id, copydesk, screenshot, screenshot_on_failure, visitor, wait_until_idle

PAGE_TITLE = "Sales FAQ"  # three edits, two of them flagged


def test_flags_must_be_settled_and_a_dismissal_survives_a_sweep_until_undone(browser: Browser, review_app: str,
                                                                           proposed: Path):
    opened = changeset_id(proposed, PAGE_TITLE)
    edits = json.loads(copydesk(proposed, "changeset", "show", str(opened), "--json"))["edits"]
    flagged = [e for e in edits if e["flag"]]
    page = visitor(browser, {})
    with screenshot_on_failure(page, "journey-flags-failure.png"):
        page.goto(f"{review_app}/?changeset={opened}")
        approve = page.get_by_role("button", name="Approve", exact=True)
        expect(approve).to_be_disabled()
        expect(page.get_by_text(f"{len(flagged)} flag(s) left to settle")).to_be_visible()
        screenshot(page, "journey-flags-1-unsettled.png")
        assert len(flagged) >= 2, [e["flag"] for e in edits]
        dismissed_edit, *dropped_edits = flagged
        key = f"{opened}-{dismissed_edit['block']}"
        page.locator(f"[class*='st-key-choice-{key}']").get_by_text("Dismiss flag", exact=True).click()
        reason = page.locator(f"[class*='st-key-dismiss-{key}'] input")
        reason.fill("the claim is still true here")
        reason.press("Enter")
        wait_until_idle(page)
        expect(page.get_by_text(f"{len(dropped_edits)} flag(s) left to settle")).to_be_visible()
        expect(approve).to_be_disabled()  # one flag settled is not every flag
        for edit in dropped_edits:
            page.locator(f"[class*='st-key-choice-{opened}-{edit['block']}']").get_by_text("Drop", exact=True).click()
            wait_until_idle(page)
        expect(approve).to_be_enabled()
        screenshot(page, "journey-flags-2-dismissed.png")
        approve.click()
        expect(page.get_by_text(f"Approved #{opened}.")).to_be_visible()
        expect(page.get_by_text("settled: dismissed by").first).to_be_visible()
        screenshot(page, "journey-flags-3-approved.png")

    copydesk(proposed, "reject", str(opened), "--reason", "not this quarter", actor="sam")
    swept = json.loads(copydesk(proposed, "sweep", "--json"))
    document = json.loads(copydesk(proposed, "changeset", "show", str(opened), "--json"))["document"]
    assert document not in {row["document"] for row in swept["stale"]}
    assert PAGE_TITLE not in _titles(proposed, swept["staged"])
    dismissed = [d for d in json.loads(copydesk(proposed, "dismissals", "--json")) if d["document"] == document]
    assert dismissed

    with screenshot_on_failure(page, "journey-flags-failure.png"):
        page.goto(f"{review_app}/sweeps")
        expect(page.get_by_role("heading", name="Dismissed")).to_be_visible()
        expect(page.get_by_text("not this quarter").first).to_be_visible()
        screenshot(page, "journey-flags-4-dismissed-list.png")
        for row in dismissed:
            page.locator(f".st-key-undo-dismissal-{row['id']} button").click()
            expect(page.get_by_text("Undid the dismissal").first).to_be_visible()
            wait_until_idle(page)
        screenshot(page, "journey-flags-5-undone.png")
    back = json.loads(copydesk(proposed, "sweep", "--json"))
    assert PAGE_TITLE in _titles(proposed, back["staged"]), "undone, the page is proposed again"


def _titles(directory: Path, ids: list[int]) -> set[str]:
    """The documents of these changesets, by one `changesets --json` (not a command per changeset)."""
    return {c["document_title"] for c in json.loads(copydesk(directory, "changesets", "--json")) if c["id"] in ids}
