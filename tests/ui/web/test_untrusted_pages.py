"""Every page of the app shows the hostile page, item and names (fixtures/hostile/) as text.

What Streamlit would turn into an image (a tracking pixel), a link (a phishing button), HTML,
a coloured directive or LaTeX must reach the browser escaped; ESC sequences and bidi
overrides must arrive as visible escapes. The checks read the Markdown each element hands
the browser and parse it with a CommonMark reader, as the browser's renderer would."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from connectors.sandbox.admin import SandboxAdminClient
from staging import apply as applying
from staging import changesets, literal
from staging.agent import briefs
from staging.agent.brief import read_brief_file
from staging.agent.propose import propose
from staging.changesets import ProposedEdit
from staging.pull import pull
from tests.ui.test_untrusted_text import load_hostile
from tests.ui.web.conftest import REVIEWER, SAMPLE_BRIEF, no_traceback, page, sources, still_true, texts

HOSTILE_NAME = "Mallory [/bold] ![x](http://host/pixel.png) [Re-login](https://evil.example) :red[x]"
WEBFLOW_NOW_READS = "The chatbot ![x](http://host/pixel.png) [Re-login](https://evil.example) :red[x] $x$ \x1b[8mhid"
# Element kinds whose text Streamlit renders as Markdown, and the attribute holding it.
_MARKDOWN_KINDS = {"markdown": "value", "caption": "value", "title": "value", "header": "value",
                   "subheader": "value", "info": "value", "error": "value", "warning": "value",
                   "success": "value", "expander": "label", "button": "label", "metric": "label"}
_READER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


@pytest.fixture
def hostile(workspace, sandbox_server):
    """The pulled workspace plus the hostile page and item, a Webflow page whose hero reads
    hostile text, the sample brief proposed, and a changeset staged by a hostile name."""
    load_hostile(sandbox_server)
    endpoint = next(e for e in sandbox_server.endpoints() if e.tool == "webflow")
    webflow = SandboxAdminClient(endpoint.base_url)
    try:
        webflow.post("edit", {"page": "63e043000f6cad4a26d3ac94", "find": "Answers from your docs in seconds",
                              "replace": WEBFLOW_NOW_READS})
    finally:
        webflow.close()
    for source in workspace.settings.sources:
        pull(workspace.store, workspace.connector(source), actor="test")
    brief, _ = briefs.add(workspace.store, read_brief_file(SAMPLE_BRIEF), source=SAMPLE_BRIEF.name, actor="test")
    propose(workspace.store, brief, actor="rules")
    notion_page = next(d for d in workspace.store.documents() if d.source == "notion" and "[/bold]" in d.title)
    block = next(b for b in workspace.store.load(workspace.store.revisions(notion_page.id, limit=1)[0]).blocks
                 if b.editable)
    workspace.by_hand = changesets.stage(workspace.store, notion_page, [ProposedEdit(block.id, "Plain [/bold] words")],
                                         actor=HOSTILE_NAME)
    workspace.notion_page = notion_page
    workspace.links = {d.url for d in workspace.store.documents()}  # the only links a page may draw
    return workspace


def assert_literal(app: AppTest, links: set[str]) -> AppTest:
    """No element forms an image, HTML, a directive, math or a link other than a tracked
    document's own URL (`links`) from data, and no raw ESC or bidi override reaches the browser."""
    no_traceback(app)
    for kind, attribute in _MARKDOWN_KINDS.items():
        for element in app.get(kind):
            source = str(getattr(element, attribute))
            tokens = [t for block in _READER.parse(source) for t in [block, *(block.children or [])]]
            assert not [t for t in tokens if t.type in ("image", "html_inline", "html_block")], source
            for link in (t for t in tokens if t.type == "link_open"):
                assert link.attrGet("href") in links, source
            assert not re.search(r"(?<!\\)(:red\[|\$x\$|:material/)", source), source
    for kind in (*_MARKDOWN_KINDS, "text", "code"):
        for element in app.get(kind):
            value = str(getattr(element, _MARKDOWN_KINDS.get(kind, "value")))
            assert "\x1b" not in value and "\u202e" not in value, value
    return app


def test_the_queue_shows_hostile_titles_and_names_as_text(hostile):
    app = assert_literal(page("queue_page"), hostile.links)
    row = next(m for m in texts(app, "markdown") if "Mallory" in m)
    assert HOSTILE_NAME in row and "Partner FAQ ![x](http://host/pixel.png)" in row
    assert any("Mallory \\[\\/bold\\] \\!\\[x\\]" in m for m in sources(app, "markdown"))


def test_a_hostile_changeset_reads_as_text(hostile):
    for changeset in changesets.listing(hostile.store):
        if changeset.document_id != hostile.notion_page.id:
            continue
        app = assert_literal(page("queue_page", changeset=str(changeset.id)), hostile.links)
        assert texts(app, "title")[0].startswith(f"#{changeset.id} ")
        assert "[Re-login to approve](https://evil.example)" in texts(app, "title")[0]
        assert "\\x1b[8mhidden" in texts(app, "title")[0] and "\\u202eevil" in texts(app, "title")[0]
    app = assert_literal(page("queue_page", changeset=str(hostile.by_hand.id)), hostile.links)
    assert any(HOSTILE_NAME in c for c in texts(app, "caption"))


def test_the_text_to_paste_and_now_reads_are_text(hostile):
    changeset = next(c for c in changesets.listing(hostile.store, source="webflow", status="proposed")
                     if any(WEBFLOW_NOW_READS[:20] in e.before for e in changesets.edits(hostile.store, c.id)))
    changesets.approve(hostile.store, changeset.id, actor=REVIEWER, dismissed=still_true(hostile.store, changeset.id))
    applying.apply(hostile.store, hostile.connector("webflow"), changeset.id, actor=REVIEWER)
    assert changesets.get(hostile.store, changeset.id).status == "awaiting_manual"
    app = assert_literal(page("queue_page", changeset=str(changeset.id)), hostile.links)
    assert "It reads now:" in texts(app, "caption")
    now_reads = [t for t in texts(app, "text") if "chatbot ![x]" in t]  # st.text: plain text, never Markdown
    assert now_reads and "\\x1b[8mhid" in now_reads[0]


def test_the_sweeps_page_shows_hostile_titles_as_text(hostile):
    app = page("sweeps_page")
    app.button(key="sweeps.now").click().run()
    assert_literal(app, hostile.links)
    labels = [e.label.replace("\u2060", "") for e in app.expander]
    assert any("Partner FAQ \\!\\[x\\]\\(http\\:\\/\\/host" in label for label in labels), labels
    assert any("Partner offers \\!\\[x\\]" in label for label in labels), labels


def test_history_activity_sources_and_brief_pages_show_hostile_text_as_text(hostile):
    app = page("history_page")
    app.selectbox(key="history.document").set_value(hostile.notion_page.id).run()
    assert_literal(app, hostile.links)
    assert any("\\x1b" in option for option in app.selectbox(key="history.document").options)
    app = assert_literal(page("activity_page"), hostile.links)
    assert any(literal.visible(HOSTILE_NAME) in t for t in texts(app, "markdown"))  # in its sentences, as text
    assert_literal(page("sources_page"), hostile.links)
    app = page("brief_page")
    app.button(key="brief.propose").click().run()
    assert_literal(app, hostile.links)


def test_flash_messages_and_errors_are_text(hostile):
    app = assert_literal(page("queue_page", changeset="![x](http://host/pixel.png)"), hostile.links)
    assert texts(app, "error") == ["'![x](http://host/pixel.png)' is not a changeset number."]
    app = page("activity_page")
    app.text_input(key="activity.changeset").set_value("[Re-login](https://evil.example)").run()
    assert_literal(app, hostile.links)
