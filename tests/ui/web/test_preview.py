""""Preview apply" and "Preview revert" show the document as it will read, formatted and with
the changes marked, the raw requests in an expander; a conflict found by the dry run shows on
the same click, and nothing is written."""

from __future__ import annotations

from staging import apply as applying
from staging import changesets
from tests.ui.web.conftest import approve_settled, no_traceback, page, texts

PAGE = "Product overview"
ONE_PAGER = "HelpHive one-pager"


def _html(app) -> str:
    return "".join(str(element.proto) for element in app.get("html"))


def _approved(workspace, title: str):
    """The changeset approved by someone, each flag (which needs a person) dismissed as still true."""
    changeset = workspace.changeset_for(title)
    approve_settled(workspace.store, changeset.id)
    return changesets.get(workspace.store, changeset.id)


def test_preview_apply_shows_the_final_text_formatted_and_the_requests_folded(proposed):
    changeset = _approved(proposed, ONE_PAGER)
    original = proposed.remote(changeset)
    app = no_traceback(page("queue_page", changeset=str(changeset.id)))
    app.button(key="preview").click().run()
    no_traceback(app)
    assert "As it will read after the apply" in [s.value for s in app.subheader]
    preview = next(h for h in _html(app).split("body: ") if "cd-doc" in h)
    assert "AI support engineer" in preview and "<ins>" in preview and "<del>" in preview
    assert "<strong>" in preview and "cd-link" in preview  # the block's bold and its link, as the tool will show
    assert "cd-changed" in preview and "cd-where" in preview
    assert "deleteContentRange" not in preview
    expander = next(e for e in app.expander if e.label.startswith("Requests that will be sent"))
    assert any("batchUpdate" in c for c in texts(expander, "caption"))
    assert "deleteContentRange" in str(expander.get("json")[0].proto)
    assert proposed.remote(changeset) == original  # a dry run writes nothing


def test_a_remote_edit_shows_as_a_conflict_on_the_preview_click(proposed):
    changeset = _approved(proposed, PAGE)
    row = changesets.edits(proposed.store, changeset.id)[0]
    last_word = row.before.rstrip(".").split()[-1]
    proposed.sandbox.post("edit", {"id": row.block_id, "find": last_word, "replace": last_word + " today"})

    app = no_traceback(page("queue_page", changeset=str(changeset.id)))
    app.button(key="preview").click().run()
    no_traceback(app)
    errors = texts(app, "error")
    assert any(e.startswith("Conflict: 1 block(s) changed in the tool") for e in errors), errors
    assert "today" in _html(app)
    assert row.block_id[:8] not in "\n".join(texts(app, "markdown") + errors)
    assert changesets.get(proposed.store, changeset.id).status == "approved"  # a preview settles nothing


def test_preview_revert_shows_the_text_coming_back(proposed):
    changeset = _approved(proposed, PAGE)
    applying.apply(proposed.store, proposed.connector("notion"), changeset.id, actor="priya")
    row = changesets.edits(proposed.store, changeset.id)[0]
    app = no_traceback(page("queue_page", changeset=str(changeset.id)))
    app.button(key="preview").click().run()
    no_traceback(app)
    assert "As it will read after the revert" in [s.value for s in app.subheader]
    preview = next(h for h in _html(app).split("body: ") if "cd-doc" in h)
    assert "<ins>" in preview and row.before.split()[0] in preview
