"""The Sweeps page's Dismissed section: what reviewers said won't fix, each with its page,
first words, rule, who, when and why, and an Undo button."""

from __future__ import annotations

from staging import changesets, dismissals
from tests.ui.web.conftest import no_traceback, page, texts


def test_a_rejection_is_listed_on_the_sweeps_page_and_undone_there(proposed):
    changeset = changesets.listing(proposed.store, status="proposed")[-1]
    changesets.reject(proposed.store, changeset.id, actor="sam", reason="not this quarter")
    recorded = dismissals.listing(proposed.store)
    title = proposed.store.document(changeset.document_id).title

    app = no_traceback(page("sweeps_page"))
    assert "#### Dismissed" in texts(app, "markdown")
    shown = texts(app, "markdown")
    captions = texts(app, "caption")
    for d in recorded:
        assert any(title in t and dismissals.first_words(d.text) in t for t in shown)
        assert any(", ".join(d.rules) in c and "rejected by sam" in c and "not this quarter" in c for c in captions)

    app.button(key=f"undo-dismissal-{recorded[0].id}").click().run()
    no_traceback(app)
    assert recorded[0].id not in {d.id for d in dismissals.listing(proposed.store)}
    assert any("Undid the dismissal" in s for s in texts(app, "success"))
    assert f"undo-dismissal-{recorded[0].id}" not in {b.key for b in app.button}
