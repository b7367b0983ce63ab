"""History: who made each revision, the page as it read at any revision, two revisions side by
side, the state in the URL, and a restore staged from an old revision."""

from __future__ import annotations

import re

from staging import changesets
from staging.apply import apply
from staging.pull import pull
from tests.ui.web.conftest import REVIEWER, no_traceback, page, still_true, texts

OLD, NEW = "trust what the bot says", "rely on every answer"


def _history(workspace) -> tuple[str, int]:
    """Product overview: pulled, a changeset applied by the reviewer, then Jordan Lee's edit pulled."""
    changeset = workspace.changeset_for("Product overview")
    changesets.approve(workspace.store, changeset.id, actor=REVIEWER,
                       dismissed=still_true(workspace.store, changeset.id))
    apply(workspace.store, workspace.connector("notion"), changeset.id, actor=REVIEWER)
    document = workspace.store.document(changeset.document_id)
    workspace.sandbox.post("edit", {"id": document.remote_id, "find": OLD, "replace": NEW})
    pull(workspace.store, workspace.connector("notion"))
    return document.id, changeset.id


def _shown_page(app) -> str:
    return "".join(e.proto.body for e in app.get("html") if e.proto.body.startswith('<div class="cd-page">'))


def _timeline(app) -> list[str]:
    return [b.label for b in app.button if b.key.startswith("history.open.")]


def test_the_timeline_says_who_and_opens_the_page_as_it_read(proposed):
    document_id, changeset_id = _history(proposed)
    revisions = proposed.store.revisions(document_id)
    app = no_traceback(page("history_page", document=document_id))
    rows = _timeline(app)
    assert len(rows) == 3
    assert rows[0].endswith("edited in Notion by Jordan Lee")
    assert rows[1].endswith(f"applied \\#{changeset_id} by {REVIEWER}")
    assert "last edited in Notion by Priya Raman" in rows[2]
    assert not any(r.id[:12] in label for r in revisions for label in rows + texts(app, "markdown"))
    assert NEW in _shown_page(app) and "<strong>" in _shown_page(app), "the page now, formatted"
    assert [b for b in app.button if b.key == f"history.changeset.{revisions[1].id}"]

    first = revisions[-1].id
    app.button(key=f"history.open.{first}").click().run()
    no_traceback(app)
    assert app.query_params["revision"] == [first] or app.query_params["revision"] == first
    shown = _shown_page(app)
    assert OLD in shown and NEW not in shown and "AI support engineer" not in shown, "the page as first pulled"
    assert any("as it read then" in s for s in texts(app, "subheader"))


def test_a_shared_link_opens_the_revision_and_compares_any_two(proposed):
    document_id, changeset_id = _history(proposed)
    revisions = proposed.store.revisions(document_id)
    app = no_traceback(page("history_page", document=document_id, revision=revisions[0].id))
    diff = "".join(e.proto.body for e in app.get("html") if "cd-diff" in e.proto.body)
    assert "<ins>" in diff and "<del>" in diff
    assert app.selectbox(key="history.compare").value == revisions[1].id, "the change that made it, by default"
    assert any("Changed paragraph" in m for m in texts(app, "markdown"))

    app.selectbox(key="history.compare").set_value(revisions[2].id).run()
    no_traceback(app)
    assert app.query_params["compare"] in (revisions[2].id, [revisions[2].id])
    captions = texts(app, "caption")
    assert any("changed" in c and "words" in c for c in captions)
    diff = "".join(e.proto.body for e in app.get("html") if "cd-diff" in e.proto.body)
    assert "AI support engineer" in diff and "<del>" in diff, "the rules' edit and the colleague's, together"

    again = no_traceback(page("history_page", document=document_id, revision=revisions[2].id,
                              compare=revisions[0].id))
    assert again.selectbox(key="history.compare").value == revisions[0].id
    assert OLD in _shown_page(again)


def test_restoring_an_old_revision_stages_a_changeset(proposed):
    document_id, changeset_id = _history(proposed)
    first = proposed.store.revisions(document_id)[-1].id
    app = no_traceback(page("history_page", document=document_id, revision=first))
    app.button(key="history.stage_restore").click().run()
    restore = changesets.listing(proposed.store, status="proposed")[0]
    assert restore.document_id == document_id and restore.title.startswith("Restore")
    assert restore.id != changeset_id


def test_a_page_seen_once_shows_the_page_and_needs_a_second_revision_to_compare(workspace):
    app = no_traceback(page("history_page"))
    assert any("One revision so far" in i for i in texts(app, "info"))
    assert re.search("<h[1-6]>", _shown_page(app)) and "<p>" in _shown_page(app) and len(_timeline(app)) == 1
    assert "history.stage_restore" not in [b.key for b in app.button]
