"""Review-app benchmark in a real browser (not a test): headless Chromium against `copydesk ui`
over a store holding 1,000 changesets.

Seeds the store as bench/ui.py does (500 documents × 2 changesets, most proposed), serves it
with `copydesk ui` on loopback, and drives Debian's /usr/bin/chromium through Playwright, as
tests/ui/browsing.py does. Reports the median, over several runs, of the time from a click to
the element it should bring:

    cold load   a new browser profile opens the queue → the first row's Open button   target ≤ 1.5 s
    open        a row's Open → the changeset's "← Back to the queue"                   target ≤ 300 ms
    back        "← Back to the queue" → the rows again                                 target ≤ 300 ms
    filter      Status "approved" → the approved rows' page caption                    target ≤ 300 ms
    next page   the next page → its caption ("26–50")                                   target ≤ 300 ms
    select      a row's tick box → "Approve selected (1)"                               target ≤ 300 ms
    approve     a changeset's Approve → "Approved #N"                                   target ≤ 300 ms

`--repo DIR` serves another checkout's code over the same kind of store (e.g. an export of
main, to compare before and after a change); the page's controls are found either way.

    .venv/bin/python bench/ui_browser.py
    .venv/bin/python bench/ui_browser.py --runs 9 --repo /tmp/copydesk-main
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]
TARGETS_MS = {"cold load": 1500, "open": 300, "back": 300, "filter": 300, "next page": 300, "select": 300,
              "approve": 300}
TIMEOUT_MS = 60_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changesets", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repo", type=Path, default=HERE, help="the checkout whose app is served (default: this one)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    repo = args.repo.resolve()
    sys.path.insert(0, str(repo))  # its staging package seeds the store, so the schema is its own
    seeding = _module(repo / "bench" / "ui.py")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with tempfile.TemporaryDirectory(prefix="copydesk-ui-browser-") as tmp:
        home = Path(tmp)
        started = time.perf_counter()
        seeded = seeding.seed(home, args.changesets, 400, random.Random(7))
        print(f"seeded {seeded['changesets']} changesets in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        with _served(home, repo) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            figures = _measure(browser, url, _proposed_ids(home), args.runs, expect)
            browser.close()
    _report(figures, args, repo)


def _module(path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_ui_seed", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _served:
    """`copydesk ui` from `repo`, in `home`, until the block ends."""

    def __init__(self, home: Path, repo: Path) -> None:
        self.home, self.repo = home, repo

    def __enter__(self) -> str:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = os.environ | {"PYTHONPATH": str(self.repo), "COPYDESK_ACTOR": "Bench Reviewer"}
        self.log = (self.home / "ui.log").open("w")
        self.server = subprocess.Popen([sys.executable, "-c", "from ui.cli import app; app()", "ui", "--port", str(port)],
                                       cwd=self.home, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        import httpx

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=1).status_code == 200:
                    return url
            except httpx.HTTPError:
                time.sleep(0.2)
        raise SystemExit(f"`copydesk ui` did not start: {(self.home / 'ui.log').read_text()}")

    def __exit__(self, *_: object) -> None:
        os.killpg(self.server.pid, 15)
        self.server.wait(timeout=30)
        self.log.close()


def _timed(action: Callable[[], None], arrived: Callable[[], None]) -> float:
    started = time.perf_counter()
    action()
    arrived()
    return (time.perf_counter() - started) * 1000


def _measure(browser, url: str, proposed: list[int], runs: int, expect) -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
    figures: dict[str, list[float]] = {name: [] for name in TARGETS_MS}
    for run in range(runs):
        _measure_once(browser, url, proposed[run], expect, figures)
    return figures


def _measure_once(browser, url: str, changeset_id: int, expect, figures: dict[str, list[float]]) -> None:  # type: ignore[no-untyped-def]
    """One run of every step in a fresh browser context, each step's time appended to `figures`."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    rows = page.locator("[class*='st-key-open-'] button")

    def idle() -> None:
        expect(page.get_by_test_id("stStatusWidgetRunningIcon")).to_have_count(0)
        expect(page.locator("[data-stale='true']")).to_have_count(0)

    figures["cold load"].append(_timed(lambda: page.goto(url), lambda: expect(rows.first).to_be_visible()))
    idle()
    figures["open"].append(_timed(lambda: rows.first.click(), lambda: expect(
        page.get_by_role("button", name="← Back to the queue")).to_be_visible()))
    idle()
    figures["back"].append(_timed(lambda: page.get_by_role("button", name="← Back to the queue").click(),
                                  lambda: expect(rows.first).to_be_visible()))
    idle()
    figures["next page"].append(_timed(lambda: _next_page(page), lambda: expect(
        page.get_by_text(re.compile("26–50")).first).to_be_visible()))
    idle()
    figures["select"].append(_timed(lambda: page.locator("[class*='st-key-pick-'] label").first.click(),
                                    lambda: expect(page.get_by_role("button", name="Approve selected (1)"))
                                    .to_be_visible()))
    idle()

    def approved_filter() -> None:
        page.get_by_role("combobox", name="Status").click()
        page.get_by_role("option", name="approved", exact=True).click()

    figures["filter"].append(_timed(approved_filter, lambda: expect(
        page.get_by_text(re.compile(r"(showing|changesets) 1–25")).first).to_be_visible()))
    idle()
    page.goto(f"{url}/?changeset={changeset_id}")
    approve = page.get_by_role("button", name="Approve", exact=True)
    expect(approve).to_be_enabled()
    idle()
    figures["approve"].append(_timed(lambda: approve.click(), lambda: expect(
        page.get_by_text(f"Approved #{changeset_id}").first).to_be_visible()))
    context.close()


def _next_page(page) -> None:  # type: ignore[no-untyped-def]
    """This app's "Next →", or the older number input's increment."""
    forward = page.get_by_role("button", name="Next →")
    if forward.count():
        forward.click()
    else:
        page.get_by_test_id("stNumberInputStepUp").first.click()


def _proposed_ids(home: Path) -> list[int]:
    """Changesets to approve, one per run: proposed ones from the middle of the store."""
    from staging import changesets
    from staging.config import CONFIG_NAME
    from staging.workspace import Workspace

    with Workspace.open(home / CONFIG_NAME) as workspace:
        return [c.id for c in changesets.listing(workspace.store, status="proposed")][100:200]


def _report(figures: dict[str, list[float]], args: argparse.Namespace, repo: Path) -> None:
    medians = {name: round(statistics.median(values), 1) for name, values in figures.items() if values}
    if args.json:
        print(json.dumps({"repo": str(repo), "changesets": args.changesets, "runs": args.runs, "median_ms": medians,
                          "all_ms": figures}))
        return
    print(f"copydesk ui in Chromium, {args.changesets} changesets, {args.runs} runs, code from {repo}")
    for name, value in medians.items():
        verdict = "ok" if value <= TARGETS_MS[name] else f"over the {TARGETS_MS[name]} ms target"
        print(f"  {name:<10} {value:8.1f} ms   ({verdict}; runs: {', '.join(f'{v:.0f}' for v in figures[name])})")


if __name__ == "__main__":
    main()
