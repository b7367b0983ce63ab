"""The queue through its widgets: where the reviewer is lives in the URL, rows say what and
where without repeating the brief, select-all, and a brief reviewed rule by rule."""

from __future__ import annotations

from staging import by_rule, changesets, queue
from tests.ui.web.conftest import no_traceback, page, texts

PAGE = "Product overview"


def _query(app) -> dict[str, str]:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in app.query_params.items()}


def test_filters_and_the_page_go_into_the_url_and_come_back_from_it(proposed):
    app = no_traceback(page("queue_page"))
    app.selectbox(key="queue.source").set_value("webflow").run()
    app.text_input(key="queue.document").set_value("a").run()
    assert _query(app) == {"source": "webflow", "document": "a"}
    app.selectbox(key="queue.source").set_value("All").run()
    assert "source" not in _query(app)

    shared = no_traceback(page("queue_page", source="notion", status="proposed", document="overv"))
    assert shared.selectbox(key="queue.source").value == "notion"
    assert shared.selectbox(key="queue.status").value == "proposed"
    assert shared.text_input(key="queue.document").value == "overv"
    assert [b.label for b in shared.button if b.label == "Open"] == ["Open"]


def test_open_and_back_keep_the_filters_and_the_page(proposed):
    total = queue.count(proposed.store)
    assert total > 25, "the sample brief fills more than one page"
    app = no_traceback(page("queue_page", status="proposed"))
    app.button(key="queue.next").click().run()
    assert _query(app) == {"status": "proposed", "page": "2"}
    assert any("Page 2 of" in c for c in texts(app, "caption"))
    second_page = [b.key for b in app.button if b.label == "Open"]
    app.button(key=second_page[0]).click().run()
    assert _query(app)["changeset"] == second_page[0].removeprefix("open-")
    app.button(key="back").click().run()
    assert _query(app) == {"status": "proposed", "page": "2"}
    assert [b.key for b in app.button if b.label == "Open"] == second_page
    assert app.selectbox(key="queue.status").value == "proposed"


def test_rows_name_the_tool_in_words_and_the_brief_once(proposed):
    app = no_traceback(page("queue_page"))
    brief_title = next(iter(queue.briefs(proposed.store).values()))
    markdown = texts(app, "markdown")
    assert sum(brief_title in t for t in markdown) == 1, "the brief is a group header, not repeated per row"
    rows = " ".join(markdown)
    assert "Webflow CMS item" in rows and "Webflow static page" in rows
    assert "edits" in rows or "1 edit" in rows
    filtered = no_traceback(page("queue_page", brief=str(next(iter(queue.briefs(proposed.store))))))
    assert not any(brief_title in t for t in texts(filtered, "markdown")), "the filter names it already"


def test_select_all_on_this_page_ticks_every_row_and_untick_clears_them(proposed):
    app = no_traceback(page("queue_page"))
    ids = [int(b.key.removeprefix("open-")) for b in app.button if b.label == "Open"]
    app.checkbox(key="queue.all.1").check().run()
    assert all(app.checkbox(key=f"pick-{i}").value for i in ids)
    assert app.button(key="bulk-approve").label == f"Approve selected ({len(ids)})"
    app.checkbox(key="queue.all.1").uncheck().run()
    assert not any(app.checkbox(key=f"pick-{i}").value for i in ids)


def test_by_rule_shows_each_rule_with_a_sample_and_accepting_one_approves_across_documents(proposed):
    brief_id = next(iter(queue.briefs(proposed.store)))
    app = no_traceback(page("queue_page", view="By rule"))
    groups = by_rule.groups(proposed.store, brief_id)
    biggest = groups[0]
    heading = f"**{biggest.rule}**: {biggest.edits} edits in {biggest.documents} documents"
    assert any(heading in t for t in texts(app, "markdown"))
    assert "<ins>" in "".join(str(e.proto) for e in app.get("html"))  # the sample is a real diff

    app.button(key=f"accept-rule-{brief_id}-{biggest.rule}").click().run()
    no_traceback(app)
    approved = [c for c in biggest.changesets if changesets.get(proposed.store, c).status == "approved"]
    only_this_rule = [c for c in biggest.changesets
                      if {r.rule for r in changesets.edits(proposed.store, c) if not r.dropped} == {biggest.rule}]
    # accepting a rule settles no flag: an edit of the rule that still makes a retired claim
    # keeps its changeset proposed until a person settles the claim (approval needs every flag settled)
    flagged = [c for c in only_this_rule if any(changesets.unresolved(r) for r in changesets.edits(proposed.store, c))]
    pure = [c for c in only_this_rule if c not in flagged]
    assert approved == pure and approved, "exactly the changesets holding nothing but this rule"
    errors = " ".join(texts(app, "error"))
    for c in flagged:
        assert changesets.get(proposed.store, c).status == "proposed"
        assert f"#{c} not changed" in errors and "unresolved flag" in errors
    success = " ".join(texts(app, "success"))
    assert f"approved {len(approved)} changeset(s)" in success
    assert f"{len(biggest.sample)} of the rule's {biggest.edits} edit(s) were shown to you here" in success
    assert _query(app) == {"view": "By rule"}


def test_dropping_a_retired_claim_rule_leaves_the_claims_and_never_approves(proposed):
    brief_id = next(iter(queue.briefs(proposed.store)))
    claim = next(g for g in by_rule.groups(proposed.store, brief_id) if g.claim)
    app = no_traceback(page("queue_page", view="By rule"))
    assert app.button(key=f"accept-rule-{brief_id}-{claim.rule}").disabled
    app.button(key=f"drop-rule-{brief_id}-{claim.rule}").click().run()
    no_traceback(app)
    assert claim.rule not in {g.rule for g in by_rule.groups(proposed.store, brief_id)}
    assert all(changesets.get(proposed.store, c).status in ("proposed", "rejected") for c in claim.changesets)
