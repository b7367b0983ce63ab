"""The review app end to end in a real browser: the `copydesk ui` server as a user starts it,
behind a signing-in proxy's trusted header (the identity in X-Forwarded-Email, the proxy
pinned by its shared secret, as the browser contexts' extra headers here), driven by
Playwright through headless Chromium, with every write checked in the Notion sandbox over
HTTP rather than in the store, so a UI that only claims success fails. One person proposes
and rewrites, another approves and applies; a request without the proxy's secret is refused.

Needs Debian's /usr/bin/chromium (`.ci/run` installs it); `playwright install` is never used.
Screenshots of the queue and of a diff (and of the page when a step fails) and the server's
output are saved in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from connectors.document import Document, DocumentRef
from tests.conftest import REPO, SandboxAdmin
from tests.ui.browsing import screenshot, screenshot_on_failure, visitor, wait_until_idle
from tests.ui.served import COPYDESK, serving

SAMPLE_BRIEF = REPO / "fixtures" / "briefs" / "ai-support-engineer.md"
WRITER, APPROVER = "priya@example.com", "sam@example.com"
PROXY_SECRET = "browser-test-proxy-secret"
PAGE_TITLE = "Product overview"
TAGLINE = "the AI support engineer for your team"
RETIRED_CLAIM = "cuts support tickets by 40%"
REWRITTEN_CLAIM = "HelpHive resolves tickets end to end"


@pytest.fixture
def pulled(workdir: Path) -> Path:
    """The working directory after a first `copydesk pull`, done by the real command."""
    result = subprocess.run([str(COPYDESK), "pull"], cwd=workdir, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return workdir


@pytest.fixture
def app_url(pulled: Path) -> Iterator[str]:
    """`copydesk ui` behind the trusted-header sign-in, as a proxy would front it."""
    with (pulled / "copydesk.toml").open("a") as config:
        config.write('\n[app]\nauth = "header"\n')
    with serving(pulled, "ui-server.log", env={"COPYDESK_PROXY_SECRET": PROXY_SECRET}) as url:
        yield url




def _signed_in(browser: Browser, email: str) -> Page:
    return visitor(browser, {"X-Forwarded-Email": email, "X-Copydesk-Proxy-Secret": PROXY_SECRET})


def test_a_request_without_the_proxys_secret_is_refused(browser: Browser, app_url: str):
    for headers in ({}, {"X-Forwarded-Email": APPROVER}, {"X-Forwarded-Email": APPROVER,
                                                           "X-Copydesk-Proxy-Secret": "guessed"}):
        page = visitor(browser, headers)
        with screenshot_on_failure(page):
            page.goto(app_url)
            expect(page.get_by_text("answers only through its sign-in proxy")).to_be_visible()
            expect(page.get_by_role("heading", name="Review queue")).to_have_count(0)
            expect(page.get_by_role("button", name="Approve")).to_have_count(0)


def test_brief_to_queue_to_revert_to_history_without_a_terminal(browser: Browser, app_url: str,
                                                                 sandbox: SandboxAdmin):
    before = _notion_page(sandbox, PAGE_TITLE)
    page = _signed_in(browser, WRITER)
    with screenshot_on_failure(page):
        page.goto(app_url)
        expect(page.get_by_text("The queue is empty")).to_be_visible()
        expect(page.get_by_text(f"{WRITER} (publisher)")).to_be_visible()
        expect(page.get_by_role("textbox", name="Your name")).to_have_count(0)

        page.get_by_role("link", name="Brief").click()
        expect(page.get_by_role("heading", name="Brief")).to_be_visible()
        page.locator("input[type=file]").set_input_files(SAMPLE_BRIEF)
        expect(page.get_by_text(SAMPLE_BRIEF.name)).to_be_visible()
        page.get_by_role("button", name="Add brief").click()
        expect(page.get_by_text("Added brief #1")).to_be_visible()

        expect(page.get_by_role("radiogroup", name="Engine").get_by_role("radio").first).to_be_checked()
        page.get_by_role("button", name="Propose changes").click()
        expect(page.get_by_text("Changesets staged")).to_be_visible()
        page.get_by_role("button", name=f"· Positioning brief: HelpHive becomes the AI support engineer: "
                                        f"{PAGE_TITLE}").click()

        expect(page.get_by_role("heading", name=PAGE_TITLE)).to_be_visible()
        expect(page.locator(".cd-diff ins").first).to_be_visible()
        screenshot(page, "changeset-diff.png")
        page.get_by_text("Side by side", exact=True).click()
        expect(page.get_by_text("before", exact=True).first).to_be_visible()
        screenshot(page, "changeset-diff-side-by-side.png")
        _settle_flagged_edits(page)
        screenshot(page, "changeset-flags-settled.png")
        page.get_by_role("button", name="Submit rewrite", exact=True).click()
        expect(page.get_by_text("awaits approval by someone other than you")).to_be_visible()
        expect(page.get_by_role("button", name="Approve", exact=True)).to_be_disabled()
        changeset_url = page.url
        assert "changeset=" in changeset_url

    second = _signed_in(browser, APPROVER)
    with screenshot_on_failure(second):
        second.goto(changeset_url)
        awaiting = re.escape(f"awaiting approval by someone other than agent:rules, {WRITER}")
        expect(second.get_by_text(re.compile(awaiting.replace("@", "\u2060?@")))).to_be_visible()  # no mailto: link
        expect(second.get_by_text("Proposed text, changed by the reviewer")).to_be_visible()
        second.get_by_role("button", name="Approve", exact=True).click()
        expect(second.get_by_text(re.compile(r"^Approved #\d+\."))).to_be_visible()  # not the activity line
        second.get_by_role("button", name="Apply", exact=True).click()
        second.get_by_role("dialog").get_by_role("button", name="Apply", exact=True).click()
        expect(second.get_by_text("is now applied")).to_be_visible()
        applied = _notion_page(sandbox, PAGE_TITLE).text
        assert TAGLINE in applied and REWRITTEN_CLAIM in applied
        assert applied.count(RETIRED_CLAIM) == before.text.count(RETIRED_CLAIM) - 1, "dropped edits were written"

    with screenshot_on_failure(page):
        page.reload()
        page.get_by_role("button", name="Revert", exact=True).click()
        page.get_by_role("dialog").get_by_role("button", name="Revert", exact=True).click()
        expect(page.get_by_text("is now reverted")).to_be_visible()
        assert _readings(_notion_page(sandbox, PAGE_TITLE)) == _readings(before)

        page.get_by_role("button", name="← Back to the queue").click()
        expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
        expect(page.get_by_text("reverted").first).to_be_visible()
        screenshot(page, "queue.png")

        page.get_by_role("link", name="History").click()
        expect(page.get_by_role("heading", name="History")).to_be_visible()
        expect(page.get_by_role("combobox", name="Document")).to_have_value(PAGE_TITLE)  # the last one changed
        expect(page.get_by_text("Compare two revisions")).to_be_visible()
        expect(page.get_by_text("changed, 0 added, 0 removed blocks")).to_be_visible()
        expect(page.locator(".cd-diff del").first).to_be_visible()
        screenshot(page, "history.png")


def _settle_flagged_edits(page: Page) -> None:
    """Flagged edits offer Rewrite / Dismiss flag / Drop with nothing chosen: the callout gets
    a rewrite, as a reviewer would type it; the block that also gets the new tagline has its
    flag dismissed with a reason; the table cells and the paragraph using a term as a modifier
    are dropped."""
    flagged = [group for group in _edit_choices(page) if group.get_by_label("Rewrite").count()]
    assert len(flagged) == 5, ("the rules flag four blocks with retired claims on Product overview, and one "
                               "using a term as a modifier (“six-month chatbot project”)")
    for suffix in [_key_suffix(group) for group in flagged]:
        group = page.locator(f".st-key-choice-{suffix}")  # by its key: a position can shift during a run
        group.get_by_text("Rewrite", exact=True).click()
        wait_until_idle(page)
        expect(group.get_by_label("Rewrite")).to_be_checked()
        new_text = page.locator(f".st-key-text-{suffix} textarea")
        expect(new_text).to_be_visible()
        wording = new_text.input_value()
        if wording.startswith("The short version"):
            rewritten = wording.replace(f"HelpHive {RETIRED_CLAIM}", REWRITTEN_CLAIM)
            assert rewritten != wording, wording
            new_text.fill(rewritten)
            new_text.press("Control+Enter")
            # the rewrite is registered before the next flag's click can start another run
            expect(page.get_by_role("button", name="Submit rewrite", exact=True)).to_be_visible()
        elif TAGLINE in wording:
            group.get_by_text("Dismiss flag", exact=True).click()
            reason = page.locator(f".st-key-dismiss-{suffix} input")
            reason.fill("the setup claim is rewritten on the pricing page")
            reason.press("Enter")
            expect(group.get_by_label("Dismiss flag")).to_be_checked()
        else:
            group.get_by_text("Drop", exact=True).click()
            expect(group.get_by_label("Drop")).to_be_checked()
            expect(new_text).to_have_count(0)
        wait_until_idle(page)


def _edit_choices(page: Page) -> list[Locator]:
    """Each edit's Accept / Drop / Edit text radio, found by its widget key (choice-ID-BLOCK)."""
    wait_until_idle(page)
    return page.locator("[class*='st-key-choice-']").all()


def _key_suffix(group: Locator) -> str:
    key_class = next(c for c in (group.get_attribute("class") or "").split() if c.startswith("st-key-choice-"))
    return key_class.removeprefix("st-key-choice-")


def _notion_page(sandbox: SandboxAdmin, title: str) -> Document:
    """The page as Notion serves it now, read by the connector over the sandbox's HTTP API."""
    connector = sandbox.connector()
    try:
        ref: DocumentRef = next(r for r in connector.list_changed(None) if r.title == title)
        return connector.fetch(ref)
    finally:
        connector.close()


def _readings(document: Document) -> list[tuple]:
    """What a reader sees, block by block: text with its formatting, not edit timestamps."""
    return [(block.id, block.kind, block.text, block.spans, block.attrs) for block in document.blocks]
