"""Fuzz benchmark (not a test): thousands of generated hostile inputs, each under a watchdog.

Four families of inputs, all generated from one `--seed` (the same seed, the same inputs):
1. cli: `copydesk` command lines, in process through Typer's runner, against a project
   pulled from the seed sandboxes: ids, prefixes, counts, ports, paths, titles and texts
   holding markup, LIKE wildcards, control and bidi characters, lone surrogates, huge
   numbers and odd Unicode, with and without --json;
2. brief: brief files made on the fly (.md/.txt in odd encodings, malformed and bomb
   .docx and .pdf) read by `read_brief_bytes` and compiled by `compile_markdown`;
3. notion, gdocs, webflow: a hostile page, document or CMS item (deep nesting, huge text,
   malformed rich text and HTML, markup, odd Unicode, and lone surrogates put in through
   the admin API's `edit`) loaded into the tool's sandbox (`_sandbox/reset` on a seed
   directory this script writes), then pulled twice through `staging.pull` with the real
   connector into a fresh SQLite store and rendered as Markdown.

Each input runs in a worker process under a watchdog (`--hang-seconds`, 5): one that takes
longer is a hang, and the worker is replaced. A worker's address space is capped
(`--memory-cap-mb`) so a bomb cannot take the machine down, and each input's peak resident
memory is measured (VmHWM, reset before each input through /proc/self/clear_refs). An
outcome is `ok`, `error` (a CopydeskError, or a usage error: one line, exit 1 or 2),
`traceback` (any other exception), `hang`, or `refused` (the sandbox would not load the
input: not a copydesk finding). Targets: 0 tracebacks, 0 hangs, peak < 500 MB.

Prints a table and the distinct tracebacks (grouped by exception and innermost copydesk
frame, with the area that owns it) on stderr, writes every figure to `--out`
(bench/results/fuzz.json), and with `--json` prints the same JSON on stdout.

    .venv/bin/python bench/fuzz.py              # 1,840 inputs (~10 min on 2 cores; no new input after 540 s)
    .venv/bin/python bench/fuzz.py --quick      # 184 inputs (~1 min)
    .venv/bin/python bench/fuzz.py --case webflow#90 --case notion#107   # replay what a report names
    .venv/bin/python bench/fuzz.py --family webflow --count 200 --seed 3
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import multiprocessing
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
import traceback
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable, Iterator

REPO = Path(__file__).resolve().parents[1]
# Run as a script, bench/ comes first on sys.path, and bench/ui.py would shadow the `ui` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
FAMILIES = ("cli", "brief", "notion", "gdocs", "webflow")
FULL_COUNTS = {"cli": 1100, "brief": 500, "notion": 80, "gdocs": 80, "webflow": 80}
QUICK_COUNTS = {"cli": 110, "brief": 50, "notion": 8, "gdocs": 8, "webflow": 8}
PEAK_TARGET_MB = 500

# Where a traceback's innermost copydesk frame lies → who owns the fix (issue 14).
OWNERS = (
    ("staging/agent/brief", "brief files: bombs, malformed .docx/.pdf (issue 14 §3)"),
    ("staging/agent/passages", "passage search time (issue 14 §5)"),
    ("staging/agent/validate", "validation (issue 14 §2)"),
    ("connectors/webflow/html", "Webflow HTML walking (issue 14 §6)"),
    ("staging/store", "odd Unicode in the store (issue 14 §6)"),
    ("ui/terminal", "terminal escaping (issue 14 §4)"),
    ("rich/", "terminal escaping (issue 14 §4)"),
    ("connectors/sandbox", "the sandbox itself"),
    ("connectors/", "connectors (this fuzzer's part)"),
    ("ui/", "CLI argument handling (this fuzzer's part)"),
)

# -- hostile material ------------------------------------------------------------------------------

PIECES: dict[str, list[str]] = {
    "markup": ["[/bold]", "[bold red]loud", "[link=https://evil.example]click[/link]", "<img src=x onerror=alert(1)>",
               "![x](http://host.example/pixel.png)", "[Re-login to approve](https://evil.example)",
               "<script>alert(1)</script>", "</p></div>", "<!--", "]]>", "&amp;&#0;&#x110000;&#xD800;&bogus;",
               "{{ template }}", "${jndi:ldap://x}", "%s%n%x", "`code", "***", "| a | b |", "\\", "[", "]", "=",
               "# heading", "- item", "1. one", "> quote", "~ sub", "**bold**", "__u__", "[text](javascript:alert(1))"],
    "wildcard": ["%", "_", "\\", "/", "%_%", "100%", "_%", "\\%", "//", "*", "?"],
    "control": ["\x00", "\x1b[31m", "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07", "\x1b[2J", "\r", "\b",
                "\x7f", "\x85", "\u2028", "\u2029", "\t", "\x0b", "\x0c", "\r\n", "\x1b[8m", "\x9b31m"],
    "bidi": ["\u202e", "\u2066", "\u2067", "\u2069", "\u200f", "\u061c", "\u202a"],
    "zero-width": ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u180e"],
    "surrogate": ["\ud800", "\udfff", "\udcff", "\udc80", "\ud83d"],
    "unicode": ["𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "👩‍👩‍👧‍👦", "e\u0301\u0301\u0301", "Z̸̢̛̤̩̣͇̪͚͂̿̽̓̉̕͝a̸l̷g̶o̶", "\U0010ffff", "\ufffd", "\uffff",
                "İı", "ß", "ﬁ", "Ⅻ", "٣٤٥", "１２３", "שלום", "مرحبا", "日本語", "\U0001f600", "ǅ", "Å"],
    "number": ["99999999999999999999", "-1", "0", "1e309", "NaN", "inf", "0x10", "9223372036854775808",
               "9223372036854775807", "-9223372036854775809", "٣", "１", "1_000", " 7 ", "+5", "-0", "007",
               "4294967296", "65536", "99999", "1.5", "", "1" * 400],
}
WORDS = ("HelpHive", "chatbot", "docs", "Pricing", "Setup", "in", "5", "minutes", "the", "$49/mo", "Acme", "46%",
         "Zendesk", "Intercom", "support", "answers", "uptime", "99.9%")


def hostile_text(rng: random.Random, *, longest: int = 20_000, surrogates: bool = True) -> str:
    """A few hostile pieces among ordinary words; now and then very long."""
    categories = [c for c in PIECES if surrogates or c != "surrogate"]
    parts = []
    for _ in range(rng.randint(1, 8)):
        if rng.random() < 0.6:
            parts.append(rng.choice(PIECES[rng.choice(categories)]))
        else:
            parts.append(rng.choice(WORDS))
    text = rng.choice(("", " ", "")).join(parts)
    roll = rng.random()
    if roll < 0.05:
        text += rng.choice(("A", "word ", "(", "<b>", "\u0301", "😀", "%")) * rng.randint(longest // 10, longest)
    elif roll < 0.1:
        text = text * rng.randint(10, 200)
    return text


def hostile_number(rng: random.Random) -> str:
    return rng.choice(PIECES["number"]) if rng.random() < 0.8 else str(rng.randint(-5, 8))


def _without_newlines(text: str) -> str:
    return re.sub(r"[\r\n\x0b\x0c\x85\u2028\u2029]", " ", text)


# -- outcomes ----------------------------------------------------------------------------------------


@dataclass
class Outcome:
    family: str
    index: int
    label: str
    outcome: str  # ok | error | traceback | hang | refused
    seconds: float = 0.0
    peak_mb: float = 0.0  # the worker's peak resident memory during the input
    grew_mb: float = 0.0  # that peak above what the worker held when the input started
    exception: str = ""
    where: str = ""
    detail: str = ""


def _where(tb: Any) -> str:
    """The innermost frame in copydesk's own code (or rich's, for markup), as path:line."""
    frames = traceback.extract_tb(tb)
    for frame in reversed(frames):
        path = Path(frame.filename)
        if "site-packages/rich/" in frame.filename:
            continue
        try:
            relative = path.resolve().relative_to(REPO)
        except ValueError:
            continue
        if relative.parts[0] in ("connectors", "staging", "ui"):
            return f"{relative}:{frame.lineno}"
    for frame in reversed(frames):
        if "site-packages/rich/" in frame.filename:
            return "rich/" + frame.filename.split("site-packages/rich/")[1] + f":{frame.lineno}"
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"


def owner(exception: str, where: str) -> str:
    if exception.startswith("MarkupError"):  # rich markup in data, wherever it was printed
        return "terminal escaping (issue 14 §4)"
    return next((who for prefix, who in OWNERS if where.startswith(prefix)), "elsewhere")


# -- the worker ------------------------------------------------------------------------------------


class Memory:
    """Peak resident memory of this process since the last reset (Linux VmHWM)."""

    def reset(self) -> None:
        try:
            Path("/proc/self/clear_refs").write_text("5")
        except OSError:
            pass

    def peak_mb(self) -> float:
        try:
            found = re.search(r"VmHWM:\s+(\d+) kB", Path("/proc/self/status").read_text())
            if found:
                return int(found.group(1)) / 1024
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_main(conn: Connection, setup: dict[str, Any], memory_cap_mb: int) -> None:
    """Runs inputs sent by the parent, one at a time, and answers with their outcomes."""
    if memory_cap_mb:
        cap = memory_cap_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    logging.disable(logging.WARNING)  # pypdf and friends log what they tolerate; outcomes are what counts
    runners = Runners(setup)
    memory = Memory()
    conn.send("ready")
    while True:
        message = conn.recv()
        if message is None:
            return
        family, index, spec = message
        memory.reset()
        before = memory.peak_mb()
        started = time.monotonic()
        result = Outcome(family, index, spec["label"], "ok")
        try:
            result.outcome, result.detail = getattr(runners, family)(spec)
        except BaseException as error:  # noqa: BLE001 - the point is to see every one
            result.outcome = "traceback"
            result.exception = f"{type(error).__name__}: {str(error)[:200]}"
            result.where = _where(error.__traceback__)
        result.seconds = round(time.monotonic() - started, 3)
        result.peak_mb = round(memory.peak_mb(), 1)
        result.grew_mb = round(result.peak_mb - before, 1)
        conn.send(result)


class Runners:
    """One method per family; each returns (outcome, detail) or raises what it found."""

    def __init__(self, setup: dict[str, Any]) -> None:
        from typer.testing import CliRunner

        import staging.pull  # noqa: F401 - imported before the first input, so no input pays for it
        import ui.cli  # noqa: F401

        self.setup = setup
        self.cli_runner = CliRunner()
        self.scratch = Path(tempfile.mkdtemp(prefix="fuzz-worker-"))
        os.chdir(setup["project"])

    # cli ----------------------------------------------------------------------------------------

    def cli(self, spec: dict[str, Any]) -> tuple[str, str]:
        from ui.cli import app

        result = self.cli_runner.invoke(app, spec["args"], env=spec["env"] or None, catch_exceptions=True)
        error = result.exception
        if error is None or isinstance(error, SystemExit):
            code = result.exit_code
            if code in (0, 1, 2):
                return ("ok" if code == 0 else "error"), f"exit {code}"
            raise AssertionError(f"exit code {code}")
        raise error.with_traceback(result.exc_info[2] if result.exc_info else None)

    # brief --------------------------------------------------------------------------------------

    def brief(self, spec: dict[str, Any]) -> tuple[str, str]:
        from connectors.errors import CopydeskError
        from staging.agent.brief import compile_markdown, read_brief_bytes

        data = brief_bytes(spec)
        try:
            compile_markdown(read_brief_bytes(spec["name"], data))
        except CopydeskError as error:
            return "error", str(error)[:120]
        return "ok", f"{len(data)} bytes"

    # connectors ---------------------------------------------------------------------------------

    def notion(self, spec: dict[str, Any]) -> tuple[str, str]:
        seed = Path(self.setup["seed"]) / "notion" / "pages" / "01-fuzz.json"
        seed.write_text(spec["page"], encoding="utf-8")
        return self._pull("notion", spec)

    def gdocs(self, spec: dict[str, Any]) -> tuple[str, str]:
        (Path(self.setup["seed"]) / "gdocs" / "docs" / "01-fuzz.md").write_text(spec["doc"], encoding="utf-8")
        return self._pull("gdocs", spec)

    def webflow(self, spec: dict[str, Any]) -> tuple[str, str]:
        folder = Path(self.setup["seed"]) / "webflow"
        (folder / "pages" / "01-fuzz.md").write_text(spec["page"], encoding="utf-8")
        (folder / "items" / "01-blog-post.md").write_text(spec["items"], encoding="utf-8")
        return self._pull("webflow", spec)

    def _pull(self, tool: str, spec: dict[str, Any]) -> tuple[str, str]:
        import httpx

        from connectors.errors import CopydeskError
        from connectors.sandbox.admin import SandboxAdminClient
        from staging.pull import pull
        from staging.render import to_markdown
        from staging.store import Store

        endpoint = self.setup["endpoints"][tool]
        admin = SandboxAdminClient(endpoint["base_url"], endpoint["token"])
        try:
            try:
                admin.post("reset")
                for edit in spec.get("edits", []):  # ASCII JSON: httpx's own encoder refuses lone surrogates
                    answer = admin.http.post(f"{admin.base_url}/_sandbox/edit", content=json.dumps(edit),
                                             headers={"Content-Type": "application/json"})
                    if answer.is_error:
                        return "refused", f"edit: {answer.status_code} {answer.text[:200]}"
            except httpx.HTTPError as error:
                return "refused", " ".join(str(error).split())[:300]
        finally:
            admin.close()
        database = self.scratch / "case.db"
        shutil.copyfile(self.setup["store_template"], database)
        store = Store(f"sqlite:///{database}")
        connector = make_connector(tool, endpoint)
        try:
            first = pull(store, connector, full=True)
            for tracked in store.documents(tool):
                revisions = store.revisions(tracked.id, limit=1)
                if revisions:
                    to_markdown(store.load(revisions[0]))
            pull(store, connector)  # the source must stay pullable after a hostile value
        except CopydeskError as error:
            return "error", f"{type(error).__name__}: {str(error)[:120]}"
        finally:
            connector.close()
            store.close()
        return "ok", f"{first.fetched} fetched"


def make_connector(tool: str, endpoint: dict[str, str]) -> Any:
    """The real connector at the sandbox, unpaced and without retries (a retry would read as a hang)."""
    from connectors.pacing import RetryPolicy

    once = RetryPolicy(attempts=1)
    if tool == "notion":
        from connectors.notion import NotionConnector

        return NotionConnector(endpoint["token"], base_url=endpoint["base_url"], rate=None, retry=once)
    if tool == "gdocs":
        from connectors.gdocs import GDocsConnector, credentials_from
        from connectors.sandbox.gdocs import GDOCS_ROOT_FOLDER_ID

        return GDocsConnector(credentials_from(token=endpoint["token"]), base_url=endpoint["base_url"],
                              folders=[GDOCS_ROOT_FOLDER_ID], rate=None, retry=once)
    from connectors.sandbox.webflow import WEBFLOW_SITE_ID
    from connectors.webflow import WebflowConnector

    return WebflowConnector(endpoint["token"], base_url=endpoint["base_url"], site_id=WEBFLOW_SITE_ID, rate=None,
                            retry=once)


# -- inputs: specs are small and made in the parent; big payloads are materialised by the worker -----


def cli_spec(rng: random.Random, context: dict[str, Any]) -> dict[str, Any]:
    def doc() -> str:
        roll = rng.random()
        if roll < 0.3:
            return rng.choice(context["titles"])
        if roll < 0.45:
            return rng.choice(context["ids"])[: rng.randint(1, 32)]
        if roll < 0.55:
            return "".join(rng.choice("0123456789abcdef") for _ in range(rng.randint(1, 40)))
        return hostile_text(rng, longest=3000)

    def rev() -> str:
        return rng.choice(("HEAD", "HEAD~1", f"HEAD~{hostile_number(rng)}", f"~{rng.randint(0, 9)}", "head~0",
                           hostile_number(rng), hostile_text(rng, longest=200), "abcd", "0000"))

    def marked() -> str:
        """Hostile text sure to hold terminal or Markdown markup (names, titles, reasons)."""
        return hostile_text(rng, longest=200, surrogates=False) + rng.choice(PIECES["markup"][:8])

    def ident() -> str:
        return hostile_number(rng) if rng.random() < 0.5 else str(rng.randint(1, 40))

    def path() -> str:
        name = rng.choice(("brief.md", "b.docx", "x.pdf", "dir/", "", "nul\x00.md", "../escape.md", "é.md",
                           hostile_text(rng, longest=300, surrogates=True)[:200] + rng.choice((".md", ".txt", ""))))
        return str(context["scratch"] / name) if rng.random() < 0.8 else name

    commands: list[Callable[[], list[str]]] = [
        lambda: ["log", *([doc()] if rng.random() < 0.6 else []), *(["-n", hostile_number(rng)] if rng.random() < 0.6 else [])],
        lambda: ["show", doc() + (f"@{rev()}" if rng.random() < 0.5 else ""), *(["--blocks"] if rng.random() < 0.3 else [])],
        lambda: ["diff", doc(), *([rev()] if rng.random() < 0.6 else []), *([rev()] if rng.random() < 0.4 else [])],
        lambda: ["changeset", "show", ident()],
        lambda: ["changesets", *(["--status", rng.choice(("proposed", "superseded", hostile_text(rng)))] if rng.random() < 0.5 else []),
                 *(["--source", rng.choice(("notion", "gdocs", hostile_text(rng)))] if rng.random() < 0.5 else [])],
        lambda: ["approve", ident(), *(["--as", marked()] if rng.random() < 0.5 else []),
                 *(["--edit", f"{hostile_text(rng)}={hostile_text(rng)}"] if rng.random() < 0.4 else [])],
        lambda: ["reject", ident(), "--reason", marked()],
        lambda: ["apply", ident(), "--dry-run"],
        lambda: ["publish", ident()],
        lambda: ["revert", ident(), "--dry-run"],
        lambda: ["restore", doc(), rev(), "--dry-run"],
        lambda: ["events", *(["--changeset", ident()] if rng.random() < 0.5 else []), "-n", hostile_number(rng)],
        lambda: ["brief", "show", ident()],
        lambda: ["brief", "list"],
        lambda: ["brief", "add", path(), *(["--compile", hostile_text(rng)] if rng.random() < 0.2 else [])],
        lambda: ["brief", "add", "--document", doc()],
        lambda: ["propose", "--dry-run", *(["--brief", ident()] if rng.random() < 0.7 else []),
                 "--source", rng.choice(("notion", "webflow", hostile_text(rng)))],
        lambda: ["stage", rng.choice(context["notion_titles"]) if rng.random() < 0.8 else doc(),
                 "--block", "title" if rng.random() < 0.8 else hostile_text(rng),
                 "--text", hostile_text(rng, surrogates=rng.random() < 0.1),
                 *(["--title", marked()] if rng.random() < 0.7 else [])],
        lambda: ["status", "--source", rng.choice(("notion", "gdocs", "webflow", hostile_text(rng)))],
        lambda: ["pull", "--source", rng.choice(("nope", hostile_text(rng)))],
        lambda: ["init", "--sandbox", "--port", hostile_number(rng), "--dir", str(context["scratch"] / path()),
                 "--force"],
        lambda: ["sandbox", "--port", _unservable_port(rng)],
        lambda: ["-c", path(), rng.choice(("log", "changesets", "events"))],
    ]
    args = rng.choice(commands)()
    if rng.random() < 0.3:
        args.append("--json")
    env = {"COPYDESK_ACTOR": _environment_value(marked())} if rng.random() < 0.2 else {}
    label = "".join(f"{k}={v!r} " for k, v in env.items())[:80] + "copydesk " + " ".join(repr(a)[:60] for a in args)
    return {"label": label, "args": args, "env": env}


def _environment_value(text: str) -> str:
    """What an environment variable can hold: no NUL, and only the surrogates Python makes
    of undecodable bytes (U+DC80..U+DCFF)."""
    return re.sub(r"[\ud800-\udc7f\udd00-\udfff]", "\udcff", text.replace("\x00", ""))


def _unservable_port(rng: random.Random) -> str:
    """A --port value that cannot start a server (a valid one would serve until killed)."""
    while True:
        value = hostile_number(rng)
        try:
            if 0 <= int(value) <= 65535:
                continue
        except ValueError:
            pass
        return value


def brief_spec(rng: random.Random, context: dict[str, Any]) -> dict[str, Any]:
    kind = rng.choice(("md", "md", "txt", "docx", "docx", "pdf", "pdf"))
    spec: dict[str, Any] = {"kind": kind, "seed": rng.randrange(2**32)}
    if kind in ("md", "txt"):
        spec["encoding"] = rng.choice(("utf-8", "utf-8", "utf-16", "latin-1-bytes", "nul-bytes", "bom"))
        spec["variant"] = rng.choice(("sections", "sections", "noise", "long-line", "many-lines"))
    elif kind == "docx":
        spec["variant"] = rng.choice(("valid", "valid", "malformed-xml", "deep-xml", "entities", "bomb", "not-zip",
                                      "no-document", "huge-declared", "many-runs"))
    else:
        spec["variant"] = rng.choice(("valid", "valid", "truncated", "garbage", "deep-arrays", "flate-bomb",
                                      "circular", "huge-xref"))
    spec["name"] = "brief." + ("md" if kind == "md" else kind)
    spec["label"] = f"{spec['name']} {spec.get('variant')} {spec.get('encoding', '')}".strip()
    return spec


def brief_bytes(spec: dict[str, Any]) -> bytes:
    rng = random.Random(spec["seed"])
    kind, variant = spec["kind"], spec["variant"]
    if kind in ("md", "txt"):
        text = _brief_text(rng, variant)
        encoding = spec["encoding"]
        if encoding == "utf-16":
            return text.encode("utf-16", "surrogatepass")
        if encoding == "latin-1-bytes":
            return text.encode("utf-8", "surrogatepass") + bytes(rng.randrange(128, 256) for _ in range(50))
        if encoding == "nul-bytes":
            return text.encode("utf-8", "surrogatepass").replace(b" ", b"\x00")
        if encoding == "bom":
            return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
        return text.encode("utf-8", "surrogatepass")
    if kind == "docx":
        return _docx(rng, variant)
    return _pdf(rng, variant)


def _brief_text(rng: random.Random, variant: str) -> str:
    if variant == "noise":
        return hostile_text(rng, longest=100_000)
    if variant == "long-line":
        return "# Brief\n## Terms\n- " + "chatbot " * rng.randint(1000, 30_000) + "→ x\n"
    if variant == "many-lines":
        return "\n".join(f"- {hostile_text(rng, longest=50)} → {hostile_text(rng, longest=50)}"
                         for _ in range(rng.randint(100, 5000)))
    sections = ["# " + hostile_text(rng, longest=200)]
    for title in rng.sample(["Terms", "Retired claims", "Key messages", "Names", "Scope", "Topics", "Summary",
                             hostile_text(rng, longest=50)], rng.randint(1, 6)):
        sections.append(f"## {title}")
        for _ in range(rng.randint(0, 12)):
            sections.append(rng.choice(("- ", "* ", "1. ", "", "  - ")) + hostile_text(rng, longest=500)
                            + rng.choice(("", " → " + hostile_text(rng), " -> ", " => ", ": ")))
    return "\n".join(sections)


_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                  'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                  'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
                  '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
                  'document.main+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
         'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _xml_text(text: str) -> str:
    """Text as XML character data: escaped, and without what XML 1.0 cannot hold."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", text)


def _docx(rng: random.Random, variant: str) -> bytes:
    if variant == "not-zip":
        return b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(rng.randint(10, 5000)))
    paragraphs = "".join(f"<w:p><w:r><w:t>{_xml_text(hostile_text(rng, longest=5000))}</w:t></w:r></w:p>"
                         for _ in range(rng.randint(1, 30)))
    body = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>{paragraphs}</w:body></w:document>'
    if variant == "malformed-xml":
        cut = rng.randint(1, len(body) - 1)
        body = body[:cut] + rng.choice(("<", "&", "</w:x>", "\x00", "<w:p", "]]>")) + body[cut:]
    elif variant == "deep-xml":
        depth = rng.randint(2000, 200_000)
        body = (f'<?xml version="1.0"?><w:document xmlns:w="{_W}"><w:body>' + "<w:p>" * depth + "x"
                + "</w:p>" * depth + "</w:body></w:document>")
    elif variant == "entities":
        body = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
                + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
                + f']><w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p></w:body></w:document>')
    elif variant == "many-runs":
        runs = "".join(f"<w:r><w:t>{rng.choice(WORDS)} </w:t></w:r>" for _ in range(rng.randint(10_000, 100_000)))
        body = f'<?xml version="1.0"?><w:document xmlns:w="{_W}"><w:body><w:p>{runs}</w:p></w:body></w:document>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        if variant == "bomb":
            inflated = rng.randint(20, 120) * 1024 * 1024
            head = f'<?xml version="1.0"?><w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>'
            tail = "</w:t></w:r></w:p></w:body></w:document>"
            with archive.open("word/document.xml", "w") as part:
                part.write(head.encode())
                chunk = b"A" * (1024 * 1024)
                for _ in range(inflated // len(chunk)):
                    part.write(chunk)
                part.write(tail.encode())
        elif variant != "no-document":
            archive.writestr("word/document.xml", body)
    data = buffer.getvalue()
    if variant == "huge-declared":  # a central directory that claims a 4 GB member
        data = data.replace(len(body.encode()).to_bytes(4, "little"), (2**32 - 1).to_bytes(4, "little"))
    return data


def _pdf(rng: random.Random, variant: str) -> bytes:
    text = re.sub(r"[()\\\r\n]", " ", hostile_text(rng, longest=2000, surrogates=False))
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    if variant == "deep-arrays":
        depth = rng.randint(1000, 100_000)
        objects[2] = b"<< /Type /Page /Parent 2 0 R /MediaBox " + b"[" * depth + b"0" + b"]" * depth + b" /Contents 4 0 R >>"
    elif variant == "flate-bomb":
        inflated = zlib.compress(b"BT (A) Tj ET " * (rng.randint(2, 12) * 1024 * 1024), 9)
        objects[3] = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(inflated) + inflated + b"\nendstream"
    elif variant == "circular":
        objects[1] = b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 /Parent 2 0 R >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    count = len(objects) + 1 if variant != "huge-xref" else 2**31
    out += b"xref\n0 %d\n0000000000 65535 f \n" % count + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, xref)
    if variant == "truncated":
        return bytes(out[: rng.randint(10, len(out) - 1)])
    if variant == "garbage":
        return b"%PDF-1.7\n" + bytes(rng.randrange(256) for _ in range(rng.randint(10, 20_000)))
    return bytes(out)


NOTION_PAGE_ID = "8f1c6a52-4a3e-4d2b-9c55-0f6e2b7d1a90"


def notion_spec(rng: random.Random, context: dict[str, Any]) -> dict[str, Any]:
    lone = rng.random() < 0.15  # lone surrogates in some inputs only, or they would mask everything else

    def hostile(longest: int = 20_000) -> str:
        return hostile_text(rng, longest=longest, surrogates=lone)

    def rich_text() -> list[dict[str, Any]]:
        items = []
        for _ in range(rng.randint(0, 6)):
            roll = rng.random()
            annotations = rng.choice(({}, {"bold": True, "color": rng.choice(("red", "default", "", "💥", "x" * 500))},
                                      {"code": True, "italic": True, "underline": True, "strikethrough": True}))
            if roll < 0.7:
                text = hostile(longest=1990)
                for start in range(0, max(len(text), 1), 2000):  # Notion's 2,000-character limit per run
                    link = {"url": hostile(longest=100)} if rng.random() < 0.15 else None
                    items.append({"type": "text", "text": {"content": text[start:start + 2000], "link": link},
                                  "annotations": annotations})
            elif roll < 0.8:
                items.append({"type": "equation", "equation": {"expression": hostile(longest=500)}})
            else:
                kind = rng.choice(("page", "user", "date", "link_preview", "template_mention"))
                body = {"page": {"id": rng.choice((NOTION_PAGE_ID, hostile()))}, "user": {"id": hostile()},
                        "date": {"start": hostile()}, "link_preview": {"url": hostile()},
                        "template_mention": {"type": "template_mention_date", "template_mention_date": "today"}}[kind]
                items.append({"type": "mention", "mention": {"type": kind, kind: body},
                              "plain_text": hostile(longest=300), "href": rng.choice((None, hostile()))})
        return items

    def block(depth: int) -> dict[str, Any]:
        kind = rng.choice(("paragraph", "heading_1", "heading_3", "bulleted_list_item", "numbered_list_item", "to_do",
                           "toggle", "quote", "callout", "code", "divider", "table", "image", "bookmark",
                           "synced_block", "column_list", "unsupported", "child_database", "ai_block"))
        body: dict[str, Any] = {}
        if kind == "table":
            width = rng.randint(0, 6)
            body = {"table_width": width, "has_column_header": rng.random() < 0.5,
                    "children": [{"type": "table_row", "table_row": {"cells": [rich_text() for _ in range(rng.randint(0, width + 2))]}}
                                 for _ in range(rng.randint(0, 6))]}
        elif kind in ("image", "bookmark"):
            body = rng.choice(({"type": "external", "external": {"url": hostile()}}, {"url": hostile()},
                               {"type": hostile()}, {}))
        elif kind == "to_do":
            body = {"rich_text": rich_text(), "checked": rng.choice((True, False, None, "yes", 3))}
        elif kind == "code":
            body = {"rich_text": rich_text(), "language": hostile(longest=100)}
        elif kind == "child_database":
            body = {"title": hostile()}
        elif kind != "divider":
            body = {"rich_text": rich_text()}
        spec: dict[str, Any] = {"type": kind, kind: body}
        if depth > 0 and kind not in ("table", "divider") and rng.random() < 0.7:
            spec["children"] = [block(depth - 1) for _ in range(rng.randint(1, 2))]
        return spec

    shape = rng.choice(("flat", "flat", "nested", "deep-chain", "many-blocks", "huge-block"))
    if shape == "deep-chain":  # one nested block per level, as deep as a colleague's indenting goes
        children: list[dict[str, Any]] = [{"type": "paragraph", "paragraph": {"rich_text": rich_text()}}]
        depth = rng.randint(50, 250)  # JSON deeper than ~300 such levels is more than the sandbox's json.loads takes
        for _ in range(depth):
            children = [{"type": "bulleted_list_item", "bulleted_list_item": {"rich_text": rich_text()}, "children": children}]
        label = f"deep chain of {depth} nested blocks"
    elif shape == "many-blocks":
        count = rng.randint(200, 1000)
        children = [{"type": "paragraph", "paragraph": {"rich_text": rich_text()}} for _ in range(count)]
        label = f"{count} blocks"
    elif shape == "huge-block":
        runs = rng.randint(10, 100)
        children = [{"type": "paragraph", "paragraph": {"rich_text": [
            {"type": "text", "text": {"content": hostile(longest=1990)[:2000] or "x"}} for _ in range(runs)]}}]
        label = f"one block of {runs} runs"
    else:
        children = [block(rng.randint(0, 4) if shape == "nested" else 0) for _ in range(rng.randint(1, 25))]
        label = f"{shape}: {len(children)} top-level blocks"
    title = [i for i in rich_text() if i["type"] == "text"] or [{"type": "text", "text": {"content": hostile(longest=1990)[:2000]}}]
    page = {"id": NOTION_PAGE_ID, "parent": {"type": "workspace", "workspace": True},
            "icon": rng.choice((None, {"type": "emoji", "emoji": hostile()})),
            "properties": {"title": {"title": title}}, "created_time": "2025-01-01T00:00:00.000Z",
            "last_edited_time": "2026-01-01T00:00:00.000Z", "in_trash": False, "children": children}
    return {"label": label + (" + lone surrogates" if lone else ""), "page": json.dumps(page)}  # a string: a deep dict would overflow pickle's recursion


GDOCS_DOC_ID = "1fuzzFuzzFuzzFuzzFuzzFuzzFuzzFuzzFuzzFuzz01"
SURROGATE_MARK = "QQSURROGATEQQ"


def _surrogate_edits(text: str) -> tuple[str, str | None]:
    """Lone surrogates cannot sit in a UTF-8 seed file: the first becomes a marker that the
    admin API's `edit` (JSON, where "\\ud800" is fine) swaps back after the reset; the rest go."""
    found = re.search(r"[\ud800-\udfff]", text)
    if found is None:
        return text, None
    marked = text[:found.start()] + SURROGATE_MARK + text[found.end():]
    return re.sub(r"[\ud800-\udfff]", "", marked), found.group()


def gdocs_spec(rng: random.Random, context: dict[str, Any]) -> dict[str, Any]:
    lone = rng.random() < 0.15  # lone surrogates in some inputs only, or they would mask everything else

    def hostile(longest: int = 20_000) -> str:
        return hostile_text(rng, longest=longest, surrogates=lone)

    def text(longest: int) -> str:
        """One paragraph's hostile text with the seed format's own marks escaped (`\\*`)."""
        return re.sub(r"([\\*_\[\]|()])", r"\\\1", _without_newlines(hostile(longest=longest)))

    def row(width: int) -> str:
        return "| " + " | ".join(text(100) or "x" for _ in range(width)) + " |"

    def line() -> str:
        prefix = rng.choice(("", "", "# ", "## ", "### ", "- ", "  - ", "    - ", "1. ", "= ", "~ ", "| ",
                             "  " * rng.randint(0, 12) + "- "))
        if prefix == "| ":
            return "\n" + row(rng.randint(1, 8)) + "\n"  # a table of its own, between blank lines
        return prefix + text(30_000)

    shape = rng.choice(("mixed", "mixed", "many", "table", "marks"))
    if shape == "many":  # the sandbox takes seconds to build a longer Doc; that is its time, not copydesk's
        lines = [prefix + text(2000) for prefix in rng.choices(("", "# ", "- ", "  - ", "1. "), k=rng.randint(100, 600))]
    elif shape == "table":
        width = rng.randint(1, 20)
        lines = [row(width) for _ in range(rng.randint(1, 60))]
    elif shape == "marks":
        depth = rng.randint(2, 60)
        lines = ["**__*" * depth + "[" + text(200) + "](" + text(200) + ")" + "*__**" * depth]
    else:
        lines = [line() for _ in range(rng.randint(1, 40))]
    title = _without_newlines(hostile(longest=500)).strip() or "Untitled"
    body = "\n".join(lines)
    body, surrogate = _surrogate_edits(body)
    doc = (f"---\nid: {GDOCS_DOC_ID}\ntitle: {title.replace(chr(0), '')}\nfolder: collateral\n"
           f"created: 2025-01-01T00:00:00.000Z\nmodified: 2026-01-01T00:00:00.000Z\n---\n{body}\n")
    doc = re.sub(r"[\ud800-\udfff]", "", doc)
    edits = [{"id": GDOCS_DOC_ID, "find": SURROGATE_MARK, "replace": surrogate}] if surrogate else []
    return {"label": f"{shape}: {len(lines)} lines" + (" + a lone surrogate" if surrogate else ""), "doc": doc,
            "edits": edits}


WEBFLOW_PAGE_ID = "63e0430000000000000f0220"
WEBFLOW_ITEM_ID = "642b6880d1e01f50575f0220"


def hostile_html(rng: random.Random) -> str:
    shape = rng.choice(("prose", "prose", "nested", "malformed", "entities", "many", "huge"))
    if shape == "nested":
        depth = rng.randint(5, 60) if rng.random() < 0.8 else rng.randint(100, 3000)
        opening, closing = rng.choice((("<span>", "</span>"), ("<strong>", "</strong>"), ("<em>", "</em>"),
                                       ("<a href='x'>", "</a>"), ("<ul><li>", "</li></ul>"), ("<div>", "</div>")))
        return "<p>" + opening * depth + _html_text(rng) + closing * depth + "</p>"
    if shape == "malformed":
        return rng.choice(("<p><b>unclosed", "</div></div>text", "<p", "<!-- never closed", "<![CDATA[x]]>", "<p>a</b></i>",
                           "<<p>>", "<p attr='\x00'>x</p>", "<ul><li>a<li>b</ul></ol>", "<table><tr><td>x")) + _html_text(rng)
    if shape == "entities":
        return "<p>" + "".join(rng.choice(("&#0;", "&#xD800;", "&#1114112;", "&#x110000;", "&bogus;", "&amp", "&#;",
                                           "&#99999999999999999999;", "&nbsp;", "&lt;script&gt;")) for _ in range(rng.randint(1, 50))) + "</p>"
    if shape == "many":
        return "".join(f"<p>{_html_text(rng)}</p>" for _ in range(rng.randint(100, 1500)))
    if shape == "huge":
        return "<p>" + (_html_text(rng) or "x")[:1000] * rng.randint(100, 2000) + "</p>"  # up to 2 MB
    return "".join(f"<{t}>{_html_text(rng)}</{t}>" for t in rng.choices(("p", "h2", "h3", "blockquote", "li"), k=rng.randint(1, 12)))


def _html_text(rng: random.Random) -> str:
    """Hostile text for inside HTML; half the time escaped, so that unclosed tags in it (a
    Webflow nesting finding of its own) do not mask every other finding."""
    text = _without_newlines(hostile_text(rng, longest=5000, surrogates=False))
    return text.replace("&", "&amp;").replace("<", "&lt;") if rng.random() < 0.5 else text


def webflow_spec(rng: random.Random, context: dict[str, Any]) -> dict[str, Any]:
    lone = rng.random() < 0.15  # lone surrogates in some inputs only, or they would mask everything else

    def hostile(longest: int = 20_000) -> str:
        return hostile_text(rng, longest=longest, surrogates=lone)

    plain = [_without_newlines(hostile(longest=5000)) for _ in range(4)]
    name = plain[0].strip() or "Untitled"
    body = hostile_html(rng)
    items = (f"Blog Posts, fuzzed.\n\n# item {WEBFLOW_ITEM_ID}\nname: {name}\nslug: fuzzed\n"
             f"created: 2025-01-01T00:00:00.000Z\nupdated: 2026-01-01T00:00:00.000Z\n"
             f"published: 2026-01-01T00:00:01.000Z\nstate: {rng.choice(('published', 'draft'))}\n"
             f"## summary\n{plain[1]}\n## author\n{plain[2]}\n## post-body\n{body}\n")
    nodes = "\n".join(f"node-{n}: {hostile_html(rng) if rng.random() < 0.7 else _html_text(rng)}"
                      for n in range(rng.randint(1, 12)))
    title = _without_newlines(hostile_text(rng, longest=300, surrogates=False)).strip() or "Untitled"
    page = (f"---\nid: {WEBFLOW_PAGE_ID}\ntitle: {title}\nslug: fuzz\npath: /fuzz\n"
            f"created: 2025-01-01T00:00:00.000Z\nupdated: 2026-01-01T00:00:00.000Z\n"
            f"seo.title: {title}\nseo.description: {_html_text(rng)[:500]}\n---\n{nodes}\n")
    items, surrogate = _surrogate_edits(items)
    items = re.sub(r"[\ud800-\udfff]", "", items)
    page = re.sub(r"[\ud800-\udfff]", "", page)
    edits = []
    if surrogate and SURROGATE_MARK in items.split("## summary\n", 1)[-1].split("\n## author", 1)[0]:
        edits = [{"item": WEBFLOW_ITEM_ID, "field": "summary", "find": SURROGATE_MARK, "replace": surrogate}]
    return {"label": f"item body {len(body)} chars, page of {nodes.count(chr(10)) + 1} nodes"
                     + (" + a lone surrogate" if edits else ""), "items": items, "page": page, "edits": edits}


SPECS: dict[str, Callable[[random.Random, dict[str, Any]], dict[str, Any]]] = {
    "cli": cli_spec, "brief": brief_spec, "notion": notion_spec, "gdocs": gdocs_spec, "webflow": webflow_spec,
}


def iter_cases(families: list[str], counts: dict[str, int], seed: int, context: dict[str, Any]
               ) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """Every family's inputs, each from its own seeded generator (deterministic), interleaved
    in proportion to the counts: a run stopped by the time budget has a share of each."""
    generators = {f: random.Random(f"{seed}:{f}") for f in families}
    made = Counter[str]()
    while True:
        waiting = [f for f in families if made[f] < counts[f]]
        if not waiting:
            return
        family = min(waiting, key=lambda f: (made[f] / counts[f], families.index(f)))
        yield family, made[family], SPECS[family](generators[family], context)
        made[family] += 1


def iter_chosen(chosen: list[str], seed: int, context: dict[str, Any]) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """Only the inputs named FAMILY#INDEX (as the report names them), made exactly as a full run makes them."""
    for name in chosen:
        family, _, number = name.partition("#")
        if family not in SPECS or not number.isdigit():
            raise SystemExit(f"--case takes FAMILY#INDEX (e.g. webflow#90), not {name!r}")
        generator = random.Random(f"{seed}:{family}")
        for _ in range(int(number) + 1):
            spec = SPECS[family](generator, context)
        yield family, int(number), spec


# -- the parent: sandboxes, project, watchdog, report -------------------------------------------------


class Watchdog:
    """A worker process that runs one input at a time; one that overruns is killed and replaced."""

    def __init__(self, setup: dict[str, Any], hang_seconds: float, memory_cap_mb: int) -> None:
        self.setup, self.hang_seconds, self.memory_cap_mb = setup, hang_seconds, memory_cap_mb
        self.context = multiprocessing.get_context("spawn")
        self.restarts = 0
        self.served = 0
        self._start()

    def _start(self) -> None:
        self.conn, child = self.context.Pipe()
        self.process = self.context.Process(target=worker_main, args=(child, self.setup, self.memory_cap_mb),
                                            daemon=True)
        self.process.start()
        if not self.conn.poll(120) or self.conn.recv() != "ready":
            raise SystemExit(f"the fuzz worker did not start (exit code {self.process.exitcode})")

    def run(self, family: str, index: int, spec: dict[str, Any]) -> Outcome:
        self.served += 1
        started = time.monotonic()
        try:
            self.conn.send((family, index, spec))
            if self.conn.poll(self.hang_seconds):
                result: Outcome = self.conn.recv()
                if result.seconds > self.hang_seconds:
                    result.outcome, result.detail = "hang", f"finished after {result.seconds:.1f} s"
                return result
            outcome = Outcome(family, index, spec["label"], "hang", seconds=round(time.monotonic() - started, 1),
                              detail=f"killed after {self.hang_seconds:g} s")
        except (EOFError, BrokenPipeError, ConnectionResetError):
            outcome = Outcome(family, index, spec["label"], "traceback", seconds=round(time.monotonic() - started, 1),
                              exception=f"worker died (exit code {self.process.exitcode})", where="?")
        self._replace()
        return outcome

    def _replace(self) -> None:
        self.process.kill()
        self.process.join(10)
        self.restarts += 1
        self._start()

    def renew(self) -> None:
        """A fresh worker: a long-lived one's resident memory creeps up, and with it every peak."""
        self.close()
        self.served = 0
        self._start()

    def close(self) -> None:
        try:
            self.conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()


def prepare(tmp: Path) -> tuple[dict[str, Any], dict[str, Any], list[Any]]:
    """Two sandboxes (the seed workspace for the CLI's project; a fuzz workspace whose seed
    files the worker rewrites), a pulled project, and an empty migrated store to copy."""
    from typer.testing import CliRunner

    from connectors.sandbox.server import SandboxServer
    from staging.config import config_text
    from staging.store import Store
    from ui.cli import app

    seed = tmp / "seed"
    shutil.copytree(REPO / "connectors" / "sandbox" / "seeds", seed)
    for folder, keep in (("notion/pages", "01-company-home.json"), ("gdocs/docs", "01-helphive-one-pager.md"),
                         ("webflow/pages", "01-home.md"), ("webflow/items", "01-blog-post.md")):
        for path in (seed / folder).iterdir():
            if path.name != keep:
                path.unlink()
    fuzz_server = SandboxServer(0, workspace=seed, rate_limited=False).start()
    project_server = SandboxServer(0, rate_limited=False).start()
    project = tmp / "project"
    project.mkdir()
    (project / "copydesk.toml").write_text(re.sub(r"^rate = [0-9.]+", "rate = 1000.0",
                                                  config_text(sandbox=True, port=project_server.port),
                                                  flags=re.MULTILINE))
    scratch = tmp / "scratch"
    scratch.mkdir()
    (scratch / "brief.md").write_text((REPO / "fixtures/briefs/ai-support-engineer.md").read_text(encoding="utf-8"))
    (scratch / "dir").mkdir()
    here = Path.cwd()
    os.chdir(project)
    try:
        runner = CliRunner()
        for args in (["pull"], ["brief", "add", str(scratch / "brief.md"), "--activate"], ["propose"]):
            result = runner.invoke(app, args, catch_exceptions=False)
            if result.exit_code != 0:
                raise SystemExit(f"setup `copydesk {' '.join(args)}` failed: {result.output}")
        listed = json.loads(runner.invoke(app, ["log", "--json", "-n", "500"], catch_exceptions=False).stdout)
    finally:
        os.chdir(here)
    template = tmp / "template.db"
    Store(f"sqlite:///{template}").close()
    endpoints = {e.tool: {"base_url": e.base_url, "token": e.token} for e in fuzz_server.endpoints()}
    setup = {"seed": str(seed), "project": str(project), "store_template": str(template), "endpoints": endpoints}
    context = {"titles": sorted({e["title"] for e in listed}), "ids": sorted({e["document"] for e in listed}),
               "notion_titles": sorted({e["title"] for e in listed if e["source"] == "notion" and e["status"] == "live"}),
               "scratch": scratch}
    return setup, context, [fuzz_server, project_server]


def summarise(results: list[Outcome], seconds: float, args: argparse.Namespace, restarts: int) -> dict[str, Any]:
    families: dict[str, dict[str, Any]] = {}
    for family in dict.fromkeys(r.family for r in results):
        rows = [r for r in results if r.family == family]
        counts = Counter(r.outcome for r in rows)
        families[family] = {"inputs": len(rows), **{k: counts.get(k, 0) for k in ("ok", "error", "traceback", "hang", "refused")},
                            "mean_seconds": round(sum(r.seconds for r in rows) / len(rows), 3),
                            "slowest_seconds": max(r.seconds for r in rows),
                            "refused_because": dict(Counter(r.detail[:160] for r in rows
                                                            if r.outcome == "refused").most_common(5)),
                            "peak_mb": max(r.peak_mb for r in rows), "grew_mb": max(r.grew_mb for r in rows)}
    groups: dict[tuple[str, str], list[Outcome]] = {}
    for r in results:
        if r.outcome == "traceback":
            groups.setdefault((r.exception.split(":")[0], r.where), []).append(r)
    findings = [{"exception": rows[0].exception, "where": where, "owner": owner(rows[0].exception, where), "count": len(rows),
                 "families": sorted({r.family for r in rows}), "example": rows[0].label[:300],
                 "example_index": rows[0].index}
                for (_, where), rows in sorted(groups.items(), key=lambda kv: -len(kv[1]))]
    hangs = [{"family": r.family, "index": r.index, "label": r.label[:300], "detail": r.detail}
             for r in results if r.outcome == "hang"]
    peak = max((r.peak_mb for r in results), default=0.0)
    heaviest = sorted(results, key=lambda r: -r.peak_mb)[:5]
    return {
        "seed": args.seed, "quick": args.quick, "hang_seconds": args.hang_seconds,
        "memory_cap_mb": args.memory_cap_mb, "seconds": round(seconds, 1), "worker_restarts": restarts,
        "inputs": len(results),
        "tracebacks": sum(1 for r in results if r.outcome == "traceback"),
        "hangs": len(hangs), "peak_mb": peak,
        "targets": {"tracebacks": 0, "hangs": 0, "peak_mb": f"< {PEAK_TARGET_MB}"},
        "met": {"tracebacks": not groups, "hangs": not hangs, "peak_mb": peak < PEAK_TARGET_MB},
        "families": families, "findings": findings, "hang_inputs": hangs,
        "heaviest": [{"family": r.family, "index": r.index, "label": r.label[:200], "peak_mb": r.peak_mb,
                      "grew_mb": r.grew_mb} for r in heaviest],
        "stopped_early": len(results) < args.planned,
    }


def print_report(summary: dict[str, Any]) -> None:
    say(f"\nfuzz: {summary['inputs']} inputs, seed {summary['seed']}, {summary['seconds']} s, "
        f"{summary['worker_restarts']} worker restart(s)" + (" (stopped at the time budget)" if summary["stopped_early"] else ""))
    header = (f"{'family':8} {'inputs':>6} {'ok':>5} {'error':>5} {'trace':>5} {'hang':>4} {'refused':>7} "
              f"{'mean s':>6} {'slowest s':>9} {'peak MB':>8} {'grew MB':>8}")
    say(header)
    say("-" * len(header))
    for family, row in summary["families"].items():
        say(f"{family:8} {row['inputs']:>6} {row['ok']:>5} {row['error']:>5} {row['traceback']:>5} {row['hang']:>4} "
            f"{row['refused']:>7} {row['mean_seconds']:>6.2f} {row['slowest_seconds']:>9.2f} {row['peak_mb']:>8.0f} "
            f"{row['grew_mb']:>8.0f}")
    met = summary["met"]
    say(f"tracebacks {summary['tracebacks']} (target 0: {'met' if met['tracebacks'] else 'NOT met'}), "
        f"hangs {summary['hangs']} (target 0: {'met' if met['hangs'] else 'NOT met'}), "
        f"peak {summary['peak_mb']:.0f} MB (target < {PEAK_TARGET_MB}: {'met' if met['peak_mb'] else 'NOT met'})")
    if summary["findings"]:
        say("\ndistinct tracebacks (exception · innermost copydesk frame · owner · count · first input):")
        for f in summary["findings"]:
            say(f"  {f['exception'][:90]!s}\n      at {f['where']} · {f['owner']} · {f['count']}× · "
                f"{f['families']} · {f['example'][:140]!r}")
    if summary["hang_inputs"]:
        say("\nhangs:")
        for h in summary["hang_inputs"][:20]:
            say(f"  {h['family']}#{h['index']} {h['detail']}: {h['label'][:140]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=14, help="the generators' seed (default 14)")
    parser.add_argument("--quick", action="store_true", help="a tenth of the inputs (~1 minute)")
    parser.add_argument("--family", choices=FAMILIES, action="append", help="only this family (repeatable)")
    parser.add_argument("--count", type=int, help="inputs per family (overrides the defaults)")
    parser.add_argument("--case", action="append", metavar="FAMILY#INDEX",
                        help="run just this input, as the report names it (repeatable), e.g. --case webflow#90")
    parser.add_argument("--recycle", type=int, default=200, help="a fresh worker after this many inputs (default 200)")
    parser.add_argument("--hang-seconds", type=float, default=5.0, help="an input running longer is a hang (default 5)")
    parser.add_argument("--memory-cap-mb", type=int, default=3072,
                        help="the worker's address-space cap, so a bomb cannot take the machine (default 3072)")
    parser.add_argument("--time-budget", type=float, default=None,
                        help="stop starting new inputs this many seconds after the setup (default 540, --quick 60)")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "fuzz.json",
                        help="where the JSON figures go (default bench/results/fuzz.json)")
    parser.add_argument("--json", action="store_true", help="also print the JSON figures on stdout")
    args = parser.parse_args()
    families = args.family or list(FAMILIES)
    counts = {f: args.count if args.count is not None else (QUICK_COUNTS if args.quick else FULL_COUNTS)[f]
              for f in families}
    args.planned = len(args.case) if args.case else sum(counts.values())
    budget = args.time_budget if args.time_budget is not None else (60.0 if args.quick else 540.0)

    started = time.monotonic()
    results: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="copydesk-fuzz-") as tmp:
        say("preparing the sandboxes and a pulled project ...")
        setup, context, servers = prepare(Path(tmp))
        watchdog = Watchdog(setup, args.hang_seconds, args.memory_cap_mb)
        fuzzing_since = time.monotonic()
        try:
            cases = iter_chosen(args.case, args.seed, context) if args.case else iter_cases(families, counts, args.seed, context)
            for family, index, spec in cases:
                if watchdog.served >= args.recycle:
                    watchdog.renew()
                if time.monotonic() - fuzzing_since > budget:
                    say(f"time budget of {budget:g} s reached; reporting what ran")
                    break
                result = watchdog.run(family, index, spec)
                results.append(result)
                if result.outcome in ("traceback", "hang"):
                    say(f"  {result.outcome}: {family}#{index} {result.exception or result.detail} "
                        f"at {result.where or '-'}")
                if len(results) % 100 == 0:
                    say(f"  {len(results)}/{args.planned} inputs, {time.monotonic() - started:.0f} s")
        finally:
            watchdog.close()
            for server in servers:
                server.stop()
        restarts = watchdog.restarts
    summary = summarise(results, time.monotonic() - started, args, restarts)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2, ensure_ascii=True) + "\n", encoding="utf-8")
    print_report(summary)
    say(f"\nfigures written to {args.out}")
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=True))


def say(message: str) -> None:
    print(message.encode("utf-8", "backslashreplace").decode("utf-8"), file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
