"""Remote text, names and messages are data in the terminal and in the sweep report.

The hostile page and item (fixtures/hostile/) are loaded into the running sandboxes through
their admin API and pulled over HTTP; then every command that prints them must neither
crash on their Rich markup nor pass their ESC sequences and bidi overrides to the terminal,
and the Markdown report must not turn them into images, links or HTML."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from connectors.sandbox.admin import SandboxAdminClient
from staging import changesets
from staging.config import load_settings
from staging.lifecycle import Status
from staging.store import Store
from tests.conftest import REPO
from tests.ui.conftest import cli
from ui import terminal
from ui.changeset_commands import _STATUS_STYLE

HOSTILE = REPO / "fixtures" / "hostile"
SAMPLE_BRIEF = REPO / "fixtures" / "briefs" / "ai-support-engineer.md"
HOSTILE_NAME = "Mallory [/bold] ![x](http://host/pixel.png) :red[x]"
# What the terminal must never receive from data: ESC (CSI, OSC-8), the bidi override, a zero-width space.
RAW = ("\x1b", "\u202e", "\u200b")


def load_hostile(sandbox_server) -> dict[str, str]:
    """The hostile Notion page and Webflow item, added to the running sandboxes over HTTP."""
    loaded = {}
    for tool, route, name in (("notion", "pages", "notion-page.json"), ("webflow", "items", "webflow-item.json")):
        endpoint = next(e for e in sandbox_server.endpoints() if e.tool == tool)
        admin = SandboxAdminClient(endpoint.base_url)
        try:
            loaded[tool] = admin.post(route, json.loads((HOSTILE / name).read_text(encoding="utf-8")))["id"]
        finally:
            admin.close()
    return loaded


@pytest.fixture
def hostile(pulled_workdir, sandbox, sandbox_server, monkeypatch):
    """The pulled sandbox workspace plus the hostile page and item, pulled, with the sample
    brief proposed by an actor whose name is markup."""
    loaded = load_hostile(sandbox_server)
    monkeypatch.setenv("COPYDESK_ACTOR", HOSTILE_NAME)
    for console in (terminal.out, terminal.err):
        monkeypatch.setattr(console, "width", 1000)  # table cells whole on one line, so the checks can find them
    assert cli("pull").exit_code == 0
    assert cli("brief", "add", str(SAMPLE_BRIEF), "--activate").exit_code == 0
    return loaded


def _store() -> Store:
    """The working directory's store (the tests run in it)."""
    return Store(load_settings(Path("copydesk.toml")).store_url)


def _hostile_documents() -> list[str]:
    store = _store()
    try:
        return [d.id for d in store.documents() if "[/bold]" in d.title]
    finally:
        store.close()


def _first_editable_block(document_id: str) -> str:
    store = _store()
    try:
        tracked = store.document(document_id)
        return next(b.id for b in store.load(store.revisions(tracked.id, limit=1)[0]).blocks if b.editable)
    finally:
        store.close()


def assert_shown_as_data(result, *must_show: str) -> None:
    """The command succeeded, printed none of the raw characters, and showed `must_show`."""
    assert result.exit_code == 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    for raw in RAW:
        assert raw not in output, f"raw {raw!r} reached the terminal"
    for text in must_show:
        assert text in output, f"{text!r} not shown"


def test_every_status_has_a_style():
    assert set(Status) <= set(_STATUS_STYLE)


def test_hostile_titles_and_names_print_as_data_in_every_command(hostile):
    proposed = cli("propose")
    assert_shown_as_data(proposed, "[/bold]", "\\x1b[8mhidden")
    documents = _hostile_documents()
    assert len(documents) == 2, "both the Notion page and the Webflow item were pulled"
    store = _store()
    try:
        staged = [c for c in changesets.listing(store) if c.document_id in documents]
    finally:
        store.close()
    assert staged, "the rules engine proposed an edit on the hostile page"
    block = _first_editable_block(documents[0])
    by_hand = json.loads(cli("stage", documents[0][:8], "--block", block, "--text", "Plain [/bold]", "--json").stdout)

    assert_shown_as_data(cli("log"), "[/bold]", "\\x1b[8mhidden", "\\u202eevil")
    assert_shown_as_data(cli("changesets"), "[/bold]", HOSTILE_NAME)
    for changeset in staged:
        assert_shown_as_data(cli("changeset", "show", str(changeset.id)), "[/bold]", "\\x1b[8mhidden")
    assert_shown_as_data(cli("changeset", "show", str(by_hand["id"])), HOSTILE_NAME, "[/bold]")
    assert_shown_as_data(cli("events"), HOSTILE_NAME)
    assert_shown_as_data(cli("brief", "list"))
    assert_shown_as_data(cli("status", "--full"))
    for document in documents:
        assert_shown_as_data(cli("log", document[:8]), "[/bold]")
        assert_shown_as_data(cli("show", document[:8]), "[/bold]", "\\x1b[8mhidden")
        assert_shown_as_data(cli("show", document[:8], "--blocks"), "[/bold]")


def test_json_output_escapes_hidden_characters_and_keeps_the_value(hostile):
    result = cli("log", "--json")
    assert_shown_as_data(result, "\\u202e")
    titles = {row["title"] for row in json.loads(result.stdout)}
    assert any(title.startswith("Partner FAQ ![x]") and "\x1b[8mhidden" in title and "\u202e" in title
               for title in titles)


def test_a_diff_and_a_superseded_changeset_print_as_data(hostile, sandbox):
    """The page changes behind copydesk's back: `diff` shows the change, and proposing again
    supersedes the open changeset, which `changesets` used to crash on (no style for it)."""
    assert cli("propose").exit_code == 0
    sandbox.post("edit", {"id": hostile["notion"], "find": "Our chatbot", "replace": "Our \x1b[31m[bold]chatbot"})
    assert cli("pull", "--source", "notion").exit_code == 0
    assert_shown_as_data(cli("diff", hostile["notion"]), "[/bold]", "\\x1b[31m", "[bold]")
    assert_shown_as_data(cli("propose"))
    listed = cli("changesets")
    assert_shown_as_data(listed, "superseded", "[/bold]")
    assert_shown_as_data(cli("changesets", "--status", "superseded"), "superseded")


def test_the_sweep_report_shows_remote_text_literally(hostile):
    result = cli("sweep", "--markdown")
    assert_shown_as_data(result)
    assert "\\[Re\\-login to approve\\]\\(https\u2060\\:\\/\\/evil\\.example\\)" in result.stdout
    tokens = [t for block in MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(result.stdout)
              for t in [block, *(block.children or [])]]
    kinds = {t.type for t in tokens}
    assert not kinds & {"image", "link_open", "html_inline", "html_block"}, kinds
    rendered = MarkdownIt("commonmark").render(result.stdout)
    assert "<img" not in rendered and "evil.example\"" not in rendered and "<a " not in rendered
    assert "https://evil" not in rendered, "no GFM autolink either"
    assert "![x](http://host/pixel.png)" in rendered.replace("\u2060", ""), "the text reads as it was written"
    assert not re.search(r"(?<!\\):red\[", result.stdout) and not re.search(r"(?<!\\)\$x", result.stdout)
    assert_shown_as_data(cli("sweep"))
