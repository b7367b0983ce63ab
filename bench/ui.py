"""Review-app benchmark (not a test): the queue page over a store holding 1,000 changesets.

Seeds a fresh SQLite store in a temporary directory (500 documents × 2 changesets, 1–5 edits
each of paragraph length, some paragraphs ~400 words so the diff folding runs; most changesets
proposed, some approved or rejected), writes a sandbox copydesk.toml next to it, then drives
`ui/web/queue_page.py` with Streamlit's `AppTest`, a fresh AppTest (a new browser session) for
every measured run. Reports, as the median of several runs:

1. the queue page, list view (25 rows, counts, filters)                target < 2 s
   (the first, cold run, which also imports the pages and opens the store, is reported apart)
2. one changeset opened (`?changeset=N`, 5 edits including a ~400-word paragraph)
3. the rerun after choosing a status filter, and after moving to a later page (page 20)

AppTest times the server-side script run and the parsing of the elements it sends: what a
user waits for before the browser starts drawing, not the browser's own drawing. Two figures
per line: the AppTest run (target checked on this one), and the page script alone, timed
inside the run (imports included). A new AppTest session also scans the installed packages
for Streamlit components, which a real server does once, at start: an empty script's new
session is reported as that cost. Each run checks what it rendered (no exception, 25 "Open"
buttons, the opened changeset's number in the title, a folded diff...), so a render that
failed early cannot pass for a fast one.

    .venv/bin/python bench/ui.py
    .venv/bin/python bench/ui.py --changesets 5000 --runs 9
    .venv/bin/python bench/ui.py --long-words 1500     # one long block per document in ten
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.builders, run from anywhere

import streamlit
from streamlit.testing.v1 import AppTest

from staging import changesets, queue
from staging.changesets import ProposedEdit
from staging.config import CONFIG_NAME, STATE_DIR, config_text
from staging.workspace import Workspace
from tests.builders import make_document

# The queue page as a script of its own, plus the time the script itself took (imports included), kept
# in the session so the harness's own cost can be told apart.
SCRIPT = """
import time
started = time.perf_counter()
import streamlit as st
from ui.web import queue_page
try:
    queue_page.render()
finally:
    st.session_state["bench.script_seconds"] = time.perf_counter() - started
"""
BASELINE = "import streamlit as st\nst.write('ok')"
ACTOR = "Bench Reviewer"
PAGE_SIZE = 25
TARGET_LIST_S = 2.0
TIMEOUT_S = 120.0

WORDS = (
    "our team support answers docs help center customers tickets faster setup minutes chatbot assistant "
    "integration pricing plan starter pro enterprise security uptime onboarding guide widget script knowledge "
    "base articles search accurate replies agents escalate handoff analytics dashboard weekly report trial "
    "seats billing invoice annual monthly discount migrate import export workflow automation inbox channels "
    "email chat voice routing priority tags macros surveys satisfaction languages translation compliance"
).split()
GLUE = "the a your with and for in to of every on from more less".split()


def sentence(rng: random.Random, words: int) -> str:
    picked = [rng.choice(WORDS if rng.random() < 0.7 else GLUE) for _ in range(words)]
    return " ".join(picked).capitalize() + "."


def paragraph(rng: random.Random, words: int) -> str:
    out: list[str] = []
    while words > 0:
        n = min(words, rng.randint(8, 22))
        out.append(sentence(rng, n))
        words -= n
    return " ".join(out)


def copy_edit(text: str, rng: random.Random, changes: int) -> str:
    """`changes` word replacements, insertions or deletions, as a copy editor makes them."""
    words = text.split(" ")
    for _ in range(changes):
        at = rng.randrange(len(words))
        action = rng.choice(("replace", "replace", "insert", "delete"))
        if action == "replace":
            words[at] = rng.choice(WORDS)
        elif action == "insert":
            words.insert(at, rng.choice(WORDS))
        elif len(words) > 1:
            del words[at]
    edited = " ".join(words)
    return edited if edited != text else text + " Now faster."


def seed(home: Path, total: int, long_words: int, rng: random.Random) -> dict[str, object]:
    """A store in `home` with `total` changesets; returns what the measurements need."""
    (home / STATE_DIR).mkdir(parents=True, exist_ok=True)
    (home / CONFIG_NAME).write_text(config_text(sandbox=True, port=8799))
    workspace = Workspace.open(home / CONFIG_NAME)  # the store as the app opens it
    store = workspace.store
    documents = -(-total // 2)
    detail_id = None
    made = 0
    for d in range(documents):
        long_block = d % 10 == 0  # one document in ten has a long (~400-word) paragraph, b3
        texts = [paragraph(rng, long_words if long_block and n == 3 else rng.randint(30, 90)) for n in range(1, 7)]
        recorded = store.record(make_document(*texts, remote_id=f"page-{d:05d}", title=f"Landing page {d:04d}"))
        tracked = recorded.document
        for c in range(2 if made + 2 <= total else total - made):
            count = 5 if d == 0 and c == 0 else rng.randint(1, 5)
            blocks = sorted(rng.sample(range(1, 7), count))
            if long_block and 3 not in blocks:
                blocks[0] = 3
                blocks = sorted(set(blocks))
            proposals = [ProposedEdit(f"b{n}", copy_edit(texts[n - 1], rng, 2 if n == 3 and long_block else rng.randint(2, 8)),
                                      reason=rng.choice(("tone", "brief: new pricing", "clarity", "shorter")),
                                      confidence=round(rng.uniform(0.5, 0.99), 2)) for n in blocks]
            changeset = changesets.stage(store, tracked, proposals, actor="agent", title=f"Align {tracked.title} with the brief",
                                         rationale="Bench changeset: copy edits in line with the positioning brief.")
            made += 1
            if d == 0 and c == 0:
                detail_id = changeset.id  # proposed, 5 edits, one of them the long paragraph
                continue
            roll = rng.random()
            if roll < 0.10:
                changesets.approve(store, changeset.id, actor=ACTOR)
            elif roll < 0.18:
                changesets.reject(store, changeset.id, actor=ACTOR, reason="off brief")
    counts = queue.counts(store)
    workspace.close()
    return {"documents": documents, "changesets": made, "detail_id": detail_id, "counts": counts}


# -- one measured run each: a fresh AppTest (a new session), timed, then checked ---------------

Timing = tuple[float, float]  # (AppTest run, the page script alone), seconds


def timed(at: AppTest) -> Timing:
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    check("bench.script_seconds" in at.session_state, "the page script did not finish")
    return elapsed, at.session_state["bench.script_seconds"]


def check(ok: object, what: str) -> None:
    if not ok:
        raise SystemExit(f"bench/ui.py: the render did not happen as expected: {what}")


def no_exception(at: AppTest) -> None:
    check(not at.exception, f"exception in the page: {[e.value for e in at.exception][:1]}")
    check(not at.error, f"error shown: {[e.value for e in at.error][:1]}")


def open_buttons(at: AppTest) -> int:
    return sum(1 for b in at.button if b.label == "Open")


def queue_caption(at: AppTest) -> str:
    return next((c.value for c in at.caption if "changeset(s); showing" in c.value), "")


def run_baseline() -> Timing:
    at = AppTest.from_string(BASELINE, default_timeout=TIMEOUT_S)
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    check(not at.exception and at.markdown and at.markdown[0].value == "ok", "baseline script")
    return elapsed, 0.0


def run_list(total: int) -> Timing:
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT_S)
    seconds = timed(at)
    no_exception(at)
    check(at.title and at.title[0].value == "Review queue", "the queue's title")
    check(open_buttons(at) == min(PAGE_SIZE, total), f"{open_buttons(at)} Open buttons, not {min(PAGE_SIZE, total)}")
    check(queue_caption(at).startswith(f"{total} changeset(s); showing 1–"), f"caption {queue_caption(at)!r}")
    return seconds


def run_detail(changeset_id: int, edits: int) -> Timing:
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT_S)
    at.query_params["changeset"] = str(changeset_id)
    seconds = timed(at)
    no_exception(at)
    check(at.title and at.title[0].value.startswith(f"#{changeset_id} "), "the changeset's number in the title")
    choices = [r for r in at.radio if r.key and r.key.startswith(f"choice-{changeset_id}-")]
    check(len(choices) == edits, f"{len(choices)} edit choices, not {edits}")
    check(any(b.label == "Approve" for b in at.button), "the Approve button")
    check(any("<details" in str(h.proto) for h in at.get("html")), "a folded diff (the long paragraph)")
    return seconds


def run_status(status: str, expected: int) -> Timing:
    """The rerun after the reviewer picks a status in a new session: that rerun is what is timed."""
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT_S)
    at.run()
    no_exception(at)
    at.selectbox(key="queue.status").set_value(status)
    seconds = timed(at)
    no_exception(at)
    badges = [m.value for m in at.markdown if m.value.endswith(f"-badge[{status}]")]
    check(open_buttons(at) == min(PAGE_SIZE, expected), f"{open_buttons(at)} Open buttons for {status}")
    check(len(badges) == open_buttons(at), f"rows not all {status}")
    check(queue_caption(at).startswith(f"{expected} changeset(s); showing 1–"), f"caption {queue_caption(at)!r}")
    return seconds


def run_page(number: int, total: int) -> Timing:
    """The rerun after the reviewer moves to page `number` in a new session."""
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT_S)
    at.run()
    no_exception(at)
    at.number_input[0].set_value(number)
    seconds = timed(at)
    no_exception(at)
    first = (number - 1) * PAGE_SIZE + 1
    shown = min(PAGE_SIZE, total - first + 1)
    check(open_buttons(at) == shown, f"{open_buttons(at)} Open buttons on page {number}")
    check(queue_caption(at).startswith(f"{total} changeset(s); showing {first}–{first + shown - 1}"),
          f"caption {queue_caption(at)!r}")
    return seconds


def medians(fn: Callable[[], Timing], runs: int) -> tuple[float, float, list[float]]:
    """Median AppTest time, median script time, and every AppTest time."""
    timings = [fn() for _ in range(runs)]
    return (statistics.median(t for t, _ in timings), statistics.median(s for _, s in timings),
            [t for t, _ in timings])


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changesets", type=int, default=1000, help="changesets to seed (default 1000)")
    parser.add_argument("--runs", type=int, default=7, help="runs per measurement; the median is reported (default 7)")
    parser.add_argument("--long-words", type=int, default=400,
                        help="words in the long paragraph of one document in ten (default 400)")
    args = parser.parse_args()
    if args.changesets < 2 or args.runs < 1 or args.long_words < 1:
        parser.error("--changesets needs at least 2, --runs and --long-words at least 1")
    # AppTest's "missing ScriptRunContext" warning, once per session: noise here (a filter, as
    # Streamlit resets its loggers' levels whenever its config is patched)
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage())

    with tempfile.TemporaryDirectory(prefix="copydesk-bench-ui-") as tmp:
        home = Path(tmp)
        print(f"seeding {args.changesets} changesets ...", flush=True)
        started = time.perf_counter()
        seeded = seed(home, args.changesets, args.long_words, random.Random(11))
        seed_s = time.perf_counter() - started
        os.environ["COPYDESK_CONFIG"] = str(home / CONFIG_NAME)
        os.environ["COPYDESK_ACTOR"] = ACTOR
        total = int(seeded["changesets"])  # type: ignore[call-overload]
        counts: dict[str, int] = seeded["counts"]  # type: ignore[assignment]
        detail_id: int = seeded["detail_id"]  # type: ignore[assignment]
        later = min(20, -(-total // PAGE_SIZE))
        status = "approved" if counts.get("approved") else "proposed"

        print("rendering ...", flush=True)
        cold, cold_script = run_list(total)  # imports ui.web, opens the store (cached for every later session)
        baseline, _, _ = medians(run_baseline, args.runs)
        list_s, list_script, list_runs = medians(lambda: run_list(total), args.runs)
        detail_s, detail_script, detail_runs = medians(lambda: run_detail(detail_id, 5), args.runs)
        status_s, status_script, _ = medians(lambda: run_status(status, counts[status]), args.runs)
        page_s, page_script, _ = medians(lambda: run_page(later, total), args.runs)

    results = {
        "changesets": total,
        "documents": seeded["documents"],
        "by_status": counts,
        "long_paragraph_words": args.long_words,
        "seed_seconds": round(seed_s, 2),
        "list_cold_ms": ms(cold),
        "list_cold_script_ms": ms(cold_script),
        "list_ms": ms(list_s),
        "list_script_ms": ms(list_script),
        "list_runs_ms": [ms(t) for t in list_runs],
        "detail_ms": ms(detail_s),
        "detail_script_ms": ms(detail_script),
        "detail_runs_ms": [ms(t) for t in detail_runs],
        "status_filter": status,
        "status_rerun_ms": ms(status_s),
        "status_rerun_script_ms": ms(status_script),
        "later_page": later,
        "page_rerun_ms": ms(page_s),
        "page_rerun_script_ms": ms(page_script),
        "apptest_empty_session_ms": ms(baseline),
        "target_list_ms": TARGET_LIST_S * 1000,
        "runs": args.runs,
        "python": platform.python_version(),
        "streamlit": streamlit.__version__,
        "sqlite": sqlite3.sqlite_version,
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }
    results["list_within_target"] = results["list_ms"] < results["target_list_ms"]
    results["list_cold_within_target"] = results["list_cold_ms"] < results["target_list_ms"]

    print(f"\nqueue page over {total:,} changesets on {seeded['documents']} documents "
          f"(seeded in {seed_s:.1f} s: {', '.join(f'{n} {s}' for s, n in counts.items())}):")
    print(f"  {'':<40} {'AppTest run':>12} {'page script':>12}")
    verdict = f"target < {TARGET_LIST_S * 1000:.0f} ms: {'PASS' if results['list_within_target'] else 'FAIL'}"
    rows = [
        ("list view, cold (first session)", cold, cold_script, ""),
        ("list view, new session", list_s, list_script, verdict),
        (f"changeset #{detail_id} (5 edits), new session", detail_s, detail_script, ""),
        (f"rerun after status = {status}", status_s, status_script, ""),
        (f"rerun after page {later}", page_s, page_script, ""),
        ("empty script, new session", baseline, None, "AppTest's own cost"),
    ]
    for label, run, script, note in rows:
        shown = f"{ms(script):9.1f} ms" if script is not None else f"{'':>12}"
        print(f"  {label:<40} {ms(run):9.1f} ms {shown}   {note}")
    print(f"(median of {args.runs} runs, each a new AppTest session, the cold one run once; AppTest run = what "
          f"a user waits for before the browser draws. Python {results['python']}, Streamlit "
          f"{results['streamlit']}, SQLite {results['sqlite']}, {results['machine']}, {results['cpus']} CPUs)")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
