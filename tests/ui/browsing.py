"""A real browser for the app's tests: Debian's headless Chromium driven by Playwright
(`.ci/run` installs it; `playwright install` cannot download browsers here), a fresh profile
per visitor, bounded waits, screenshots in test-artifacts/ for a person to look at, and the
queue of the sample brief served for the review journeys."""

from __future__ import annotations

import json
import os
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import REPO
from tests.ui.served import ARTIFACTS, COPYDESK, serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]
STEP_TIMEOUT_MS = 30_000
SAMPLE_BRIEF = REPO / "fixtures" / "briefs" / "ai-support-engineer.md"
REVIEWER = "sam"


@pytest.fixture
def chromium_path() -> Path:
    """CI must run this test, so a missing browser there is an error; on a laptop it is a skip."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI=true but {CHROMIUM} is missing: .ci/run should have installed Debian's chromium.")
        pytest.skip(f"{CHROMIUM} not found (apt-get install chromium, or run .ci/run)")
    return CHROMIUM



@pytest.fixture
def browser(chromium_path: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()



def visitor(browser: Browser, headers: dict[str, str]) -> Page:
    """A new browser context (a fresh profile: no session, cookie or cache carries over) whose
    every request, the WebSocket included, carries `headers` as the proxy would add them;
    every wait is bounded by STEP_TIMEOUT_MS."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, extra_http_headers=headers)
    context.set_default_timeout(STEP_TIMEOUT_MS)
    expect.set_options(timeout=STEP_TIMEOUT_MS)
    return context.new_page()



def screenshot(page: Page, name: str) -> None:
    """The whole page once the run has finished. Streamlit scrolls its main block, not the
    document, so a full-page screenshot would stop at the viewport: the viewport is stretched
    to the content for the shot instead."""
    wait_until_idle(page)
    viewport = page.viewport_size or {"width": 1400, "height": 1000}
    content = page.get_by_test_id("stMainBlockContainer").evaluate("element => element.scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], content + 120)})
    try:
        wait_until_idle(page)
        page.screenshot(path=ARTIFACTS / name)
    finally:
        page.set_viewport_size(viewport)


def wait_until_idle(page: Page) -> None:
    """Until the script run has finished: while it runs, Streamlit keeps showing the previous
    run's elements (marked stale) where the new run has not drawn yet."""
    expect(page.get_by_test_id("stStatusWidgetRunningIcon")).to_have_count(0)
    expect(page.locator("[data-stale='true']")).to_have_count(0)


@contextmanager
def screenshot_on_failure(page: Page, name: str = "failure.png") -> Iterator[None]:
    try:
        yield
    except Exception:
        page.screenshot(path=ARTIFACTS / name, full_page=True)
        raise




def copydesk(directory: Path, *args: str, actor: str = "priya") -> str:
    """A command as its user types it, in `directory`, acting as `actor`; its standard output."""
    result = subprocess.run([str(COPYDESK), *args], cwd=directory, capture_output=True, text=True, timeout=120,
                            env=os.environ | {"COPYDESK_ACTOR": actor})
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def proposed(pulled_workdir: Path) -> Path:
    """The seed workspace, pulled, with the sample brief added by priya and proposed by the
    rules engine: the queue a content lead meets on the first morning."""
    copydesk(pulled_workdir, "brief", "add", str(SAMPLE_BRIEF), "--activate")
    copydesk(pulled_workdir, "propose")
    return pulled_workdir


@pytest.fixture
def review_app(proposed: Path) -> Iterator[str]:
    """`copydesk ui` on loopback over the proposed queue; the visitor is sam (a reviewer who
    wrote nothing in it, so may approve), the local identity of whoever started the app."""
    with serving(proposed, "ui-server-journey.log", env={"COPYDESK_ACTOR": REVIEWER}) as url:
        yield url


def changeset_id(directory: Path, document_title: str) -> int:
    """The open changeset on the document titled `document_title`, by the real `changesets --json`."""
    listed = json.loads(copydesk(directory, "changesets", "--json"))
    return next(c["id"] for c in listed if c["document_title"] == document_title)


def still_true(directory: Path, changeset: int) -> list[str]:
    """`copydesk approve`'s arguments dismissing, as still true, every flag of the changeset
    nobody settled yet (approval needs each flag settled)."""
    edits = json.loads(copydesk(directory, "changeset", "show", str(changeset), "--json"))["edits"]
    return [arg for e in edits if e["flag"] and not e["flag_settled"]
            for arg in ("--dismiss", f"{e['block']}=the claim is still true here")]
