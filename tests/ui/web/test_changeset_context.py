"""An opened changeset shows each edit in its place, formatted: what the block is, the
headings above it, a table cell's row and column, a Webflow field by its display name, the
blocks around it; never an internal block id."""

from __future__ import annotations

import re

from connectors.document import Span
from staging import changesets, marked
from tests.ui.web.conftest import no_traceback, page, texts
from ui.web import diffs

# What a block id looks like in each tool: Google Docs ordinals, Webflow field and node ids,
# Notion UUIDs (or their first 8 characters).
_BLOCK_ID = re.compile(r"\bp\d{4}\b|\bt\d+\.r\d+|field:|node:|\b[0-9a-f]{8}-[0-9a-f]{4}|`[0-9a-f]{8,}`")


def _html(app) -> str:
    return "".join(str(element.proto) for element in app.get("html"))


def _everything(app) -> str:
    return "\n".join(texts(app, "markdown") + texts(app, "caption") + texts(app, "text") + texts(app, "warning")
                     + [_html(app)])


def _opened(workspace, title: str):
    changeset = workspace.changeset_for(title)
    return changeset, no_traceback(page("queue_page", changeset=str(changeset.id)))


def test_a_google_docs_table_cell_shows_its_row_and_column_and_no_block_id(proposed):
    changeset, app = _opened(proposed, "One-pager: HelpHive for support leaders")
    assert any(row.block_id.startswith("t0.r3.c2") for row in changesets.edits(proposed.store, changeset.id))
    shown = _everything(app)
    assert "Table cell" in shown
    assert "row “Setup”, column “With HelpHive”" in shown
    assert "What changes for your team" in shown  # the heading above the table
    assert not _BLOCK_ID.search(shown), _BLOCK_ID.search(shown)


def test_webflow_fields_are_named_by_their_display_name(proposed):
    changeset, app = _opened(proposed, "HelpHive vs DocBot: answers, not intents")
    shown = _everything(app)
    assert "**Summary**" in texts(app, "markdown")[0] or any(t.startswith("**Summary**") for t in texts(app, "markdown"))
    assert any(t.startswith("**Post body, paragraph** · Intents versus your docs") for t in texts(app, "markdown"))
    assert any(t.startswith("**Post body, list item** · At a glance") for t in texts(app, "markdown"))
    assert not _BLOCK_ID.search(shown), _BLOCK_ID.search(shown)


def test_a_notion_edit_shows_its_heading_path_and_neighbours(proposed):
    changeset, app = _opened(proposed, "Marketing: Website copy")
    shown = _everything(app)
    assert any(t.startswith("**List item** · Marketing: Website copy › Footer › SEO") for t in texts(app, "markdown"))
    assert 'cd-near\\">Hero<' in _html(app)  # the blocks around an edit, dimmed
    assert not _BLOCK_ID.search(shown), _BLOCK_ID.search(shown)


def test_diffs_show_bold_italics_and_links_of_the_block(proposed):
    changeset, app = _opened(proposed, "HelpHive one-pager")
    shown = _html(app)
    assert "<strong>" in shown and "<em>" in shown
    assert 'class=\\"cd-link\\" title=\\"https://fernhill.example/integrations\\"' in shown
    assert "<ins>" in shown and "<del>" in shown
    app.radio(key="diff-mode").set_value("Side by side").run()
    assert "<strong>" in _html(app) and "cd-link" in _html(app)


def test_formatted_diffs_escape_remote_text_and_never_make_a_live_link():
    hostile = Span(text="<img src=x onerror=alert(1)>\u202e", bold=True,
                   href='javascript:alert(1)" onmouseover="alert(2)')
    drawn = diffs.runs_html(marked.runs((Span(text="Read "), hostile), (Span(text="Read "), Span(text="this"))))
    assert "<img" not in drawn and "&lt;img src=x onerror=alert(1)&gt;" in drawn
    assert "\\u202e" in drawn and "\u202e" not in drawn
    assert "<a " not in drawn and 'onmouseover="' not in drawn
    assert 'title="javascript:alert(1)&quot; onmouseover=&quot;alert(2)"' in drawn


def test_a_lossy_edit_is_named_by_its_place(proposed):
    changeset = proposed.changeset_for("HelpHive one-pager")
    changesets.rewrite(proposed.store, changeset.id, actor="maya", changes={"p0012": "Setup in an afternoon."})
    app = no_traceback(page("queue_page", changeset=str(changeset.id)))
    warning = next(w for w in texts(app, "warning") if w.startswith("Formatting some edits cannot keep exactly"))
    assert "List item · How it works: " in warning and "p0012" not in warning
