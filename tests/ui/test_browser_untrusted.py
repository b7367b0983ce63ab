"""The hostile page (fixtures/hostile/) in a real browser: its title, a Markdown image and a
phishing link among other things, must read as literal text in the changeset's heading,
with no <img> fetching the beacon and no <a> to the phishing site anywhere on the page.

Same server and browser as tests/ui/test_browser.py (Debian's /usr/bin/chromium); the
screenshot is saved as test-artifacts/hostile-changeset.png for a person to look at."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.ui.browsing import screenshot, screenshot_on_failure, visitor
from tests.ui.served import COPYDESK, serving
from tests.ui.test_untrusted_text import SAMPLE_BRIEF, load_hostile

BEACON = "http://host/pixel.png"
PHISHING = "https://evil.example"


def _copydesk(directory: Path, *args: str) -> str:
    result = subprocess.run([str(COPYDESK), *args], cwd=directory, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def hostile_changeset(workdir: Path, sandbox, sandbox_server) -> int:
    """The hostile page and item loaded into the sandboxes, pulled and proposed by the real
    commands; the id of the changeset on the hostile Notion page."""
    load_hostile(sandbox_server)
    _copydesk(workdir, "pull")
    _copydesk(workdir, "brief", "add", str(SAMPLE_BRIEF), "--activate")
    _copydesk(workdir, "propose")
    listed = json.loads(_copydesk(workdir, "changesets", "--json"))
    return next(c["id"] for c in listed if c["document_title"].startswith("Partner FAQ ![x]"))


@pytest.fixture
def hostile_app(workdir: Path, hostile_changeset: int) -> Iterator[str]:
    with serving(workdir, "ui-server-hostile.log") as url:
        yield url


def test_a_hostile_title_is_literal_text_in_the_browser(browser: Browser, hostile_app: str, hostile_changeset: int):
    page = visitor(browser, {})  # on loopback: the local identity, no sign-in
    with screenshot_on_failure(page):
        page.goto(f"{hostile_app}/?changeset={hostile_changeset}")
        heading = page.get_by_role("heading", level=1).filter(has_text=f"#{hostile_changeset}")
        expect(heading).to_be_visible()
        screenshot(page, "hostile-changeset.png")
        shown = heading.inner_text().replace("\u2060", "")  # the word joiners that stop autolinks are invisible
        assert f"![x]({BEACON}) [Re-login to approve]({PHISHING})" in shown
        assert "<img src=x onerror=alert(1)> [/bold] :red[x] :material/warning: $x$" in shown
        assert "\\x1b[8mhidden\\x1b[0m" in shown and "\\u202eevil" in shown
        assert page.locator("img[src*='host/pixel.png']").count() == 0
        assert page.locator(f"a[href^='{PHISHING}']").count() == 0
        assert page.locator("[class*='katex']").count() == 0, "no $…$ rendered as math"
        assert "\u202e" not in page.locator("body").inner_text()

        page.goto(hostile_app)
        expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
        expect(page.get_by_text("Partner FAQ ![x](http").first).to_be_visible()
        screenshot(page, "hostile-queue.png")
        assert page.locator("img[src*='host/pixel.png']").count() == 0
        assert page.locator(f"a[href^='{PHISHING}']").count() == 0
