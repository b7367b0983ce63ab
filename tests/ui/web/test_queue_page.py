"""The review queue through its widgets: the list, and one changeset from proposed to
reverted, rejected, edited, in conflict, and failing to apply."""

from __future__ import annotations

import pytest
import streamlit as st

from staging import changesets, queue
from staging.changesets import ProposedEdit
from tests.ui.web.conftest import REVIEWER, no_traceback, page, settle_flags, still_true, texts

PAGE = "Product overview"


def _html(app) -> str:
    return "".join(str(element.proto) for element in app.get("html"))


def _confirmed(app, operation: str):
    """Click `operation` (Apply, Revert, Publish), which only opens its confirmation, then Confirm."""
    app.button(key=operation).click().run()
    assert app.button(key=f"confirm-{operation}"), f"{operation} asks first"
    return app.button(key=f"confirm-{operation}").click().run()


def _actors(workspace, changeset_id: int) -> dict[str, str]:
    return {e.action: e.actor for e in workspace.store.events(50, subject=changesets.subject(changeset_id))}


def test_the_queue_counts_per_status_and_filters(proposed):
    total = len(changesets.listing(proposed.store))
    app = no_traceback(page("queue_page"))
    assert any("blue-badge[to review]" in t for t in texts(app, "markdown"))
    assert any(f"**{total}**" in t for t in texts(app, "markdown"))
    opens = [b for b in app.button if b.label == "Open"]
    assert len(opens) == min(total, 25)
    app.selectbox(key="queue.status").set_value("applied").run()
    assert "No changesets match." in texts(app, "info")
    app.selectbox(key="queue.status").set_value("All").run()
    app.text_input(key="queue.document").set_value("product overv").run()
    assert [b.label for b in app.button if b.label == "Open"] == ["Open"]


@pytest.mark.parametrize("title", [PAGE, "Battlecard: HelpHive vs DocBot"], ids=["notion", "gdocs"])
def test_open_approve_apply_and_revert_through_the_widgets(proposed, title):
    changeset = proposed.changeset_for(title)
    original = proposed.remote(changeset)
    rows = changesets.edits(proposed.store, changeset.id)

    app = no_traceback(page("queue_page"))
    app.text_input(key="queue.document").set_value(title).run()
    app.button(key=f"open-{changeset.id}").click().run()
    assert app.query_params["changeset"] == [str(changeset.id)] or app.query_params["changeset"] == str(changeset.id)
    assert f"#{changeset.id}" in app.title[0].value
    assert "<ins>" in _html(app) and "<del>" in _html(app)

    settle_flags(app, proposed.store, changeset.id).button(key="approve").click().run()
    assert changesets.get(proposed.store, changeset.id).status == "approved"
    assert any("Approved" in s for s in texts(app, "success"))

    app.button(key="preview").click().run()
    assert any("Dry run" in c for c in texts(app, "caption"))
    assert proposed.remote(changeset) == original

    _confirmed(app, "apply")
    no_traceback(app)
    assert changesets.get(proposed.store, changeset.id).status == "applied"
    applied = {b.id: b.text for b in proposed.remote(changeset).blocks}
    assert all(applied[row.block_id] == row.after for row in rows)

    _confirmed(app, "revert")
    assert changesets.get(proposed.store, changeset.id).status == "reverted"
    assert proposed.remote(changeset).blocks == original.blocks  # text, runs and native styles
    assert {_actors(proposed, changeset.id)[a] for a in
            ("changeset.approved", "changeset.apply.done", "changeset.revert.done")} == {REVIEWER}


def test_reject_records_the_reason(proposed):
    changeset = proposed.changeset_for(PAGE)
    app = page("queue_page", changeset=str(changeset.id))
    app.text_input(key=f"reject-reason-{changeset.id}").set_value("off-brand")
    app.button(key="reject").click().run()
    assert changesets.get(proposed.store, changeset.id).status == "rejected"
    event = proposed.store.events(1, subject=changesets.subject(changeset.id))[0]
    assert (event.action, event.details["reason"], event.actor) == ("changeset.rejected", "off-brand", REVIEWER)
    assert any("nothing more to do" in i for i in texts(app, "info"))


def _as(monkeypatch, name: str, page_name: str, **query: str):
    """The page as another person on this machine sees it (the app's identity is the server's)."""
    monkeypatch.setenv("COPYDESK_ACTOR", name)
    st.cache_resource.clear()
    return page(page_name, **query)


def test_edit_one_edit_and_drop_another_then_someone_else_approves(proposed, monkeypatch):
    changeset = next(c for c in changesets.listing(proposed.store, status="proposed")
                     if len(rows := changesets.edits(proposed.store, c.id)) >= 2 and not (rows[0].flag or rows[1].flag))
    first, second = changesets.edits(proposed.store, changeset.id)[:2]
    app = page("queue_page", changeset=str(changeset.id))
    app.radio(key=f"choice-{changeset.id}-{first.block_id}").set_value("Edit text").run()
    app.text_area(key=f"text-{changeset.id}-{first.block_id}").set_value("A reviewer's own sentence.")
    app.radio(key=f"choice-{changeset.id}-{second.block_id}").set_value("Drop").run()
    assert app.button(key="approve").label == "Submit rewrite"
    app.button(key="approve").click().run()
    no_traceback(app)
    rows = {r.block_id: r for r in changesets.edits(proposed.store, changeset.id)}
    assert rows[first.block_id].after == "A reviewer's own sentence." and rows[first.block_id].revised_by == REVIEWER
    assert rows[first.block_id].proposed_after == first.proposed_after
    assert rows[second.block_id].dropped
    assert second.block_id not in {r.block_id for r in changesets.to_write(proposed.store, changeset.id)}
    assert changesets.get(proposed.store, changeset.id).status == "proposed"
    assert app.button(key="approve").disabled, "the rewrite's writer cannot approve it"
    assert any("awaiting approval by someone other than" in c and REVIEWER in c for c in texts(app, "caption"))

    second_reviewer = _as(monkeypatch, "sam", "queue_page", changeset=str(changeset.id))
    settle_flags(second_reviewer, proposed.store, changeset.id).button(key="approve").click().run()
    assert changesets.get(proposed.store, changeset.id).status == "approved"


def test_an_outside_edit_shows_the_three_way_view_and_re_proposes(proposed):
    changeset = proposed.changeset_for(PAGE)
    row = changesets.edits(proposed.store, changeset.id)[0]
    changesets.approve(proposed.store, changeset.id, actor="someone",
                       dismissed=still_true(proposed.store, changeset.id))
    last_word = row.before.rstrip(".").split()[-1]
    proposed.sandbox.post("edit", {"id": row.block_id, "find": last_word, "replace": last_word + " today"})

    app = page("queue_page", changeset=str(changeset.id))
    _confirmed(app, "apply")
    no_traceback(app)
    assert changesets.get(proposed.store, changeset.id).status == "conflict"
    assert any("changed in the tool since this changeset was staged" in e for e in texts(app, "error"))
    shown = _html(app)
    assert "in the tool now" in shown and "base (when staged)" in shown and "today" in shown

    app.button(key="repropose").click().run()
    no_traceback(app)
    assert changesets.get(proposed.store, changeset.id).status == "superseded"
    fresh = changesets.listing(proposed.store, status="proposed")[0]
    assert fresh.document_id == changeset.document_id
    carried = {r.block_id: r.after for r in changesets.edits(proposed.store, fresh.id)}
    assert "today" in carried[row.block_id] and carried[row.block_id] != row.after


def test_a_failing_apply_is_one_readable_error_and_the_changeset_says_failed(proposed):
    changeset = proposed.changeset_for(PAGE)
    changesets.approve(proposed.store, changeset.id, actor="someone",
                       dismissed=still_true(proposed.store, changeset.id))
    proposed.sandbox.post("faults", {"status": 400, "code": "validation_error", "match": "PATCH"})
    app = page("queue_page", changeset=str(changeset.id))
    _confirmed(app, "apply")
    no_traceback(app)
    assert changesets.get(proposed.store, changeset.id).status == "failed"
    assert app.error and all("Traceback" not in e for e in texts(app, "error"))
    proposed.sandbox.post("faults", {"clear": True})
    _confirmed(app, "apply")
    assert changesets.get(proposed.store, changeset.id).status == "applied"


def test_bulk_approve_then_apply_the_selected(proposed):
    chosen = [row.id for row in queue.page(proposed.store, queue.Filters(source="notion")).rows
              if not any(r.flag for r in changesets.edits(proposed.store, row.id))
              and row.document_title != "Press kit"][:2]  # its link preview makes an apply lossy: tests/staging/test_notion_synced_propose.py
    app = page("queue_page")
    app.selectbox(key="queue.source").set_value("notion").run()
    for changeset_id in chosen:
        app.checkbox(key=f"pick-{changeset_id}").check()
    app.run()
    assert len(chosen) == 2
    page("queue_page", changeset=str(chosen[0]))  # the reviewer reads one of the two
    app.button(key="bulk-approve").click().run()
    assert [changesets.get(proposed.store, i).status for i in chosen] == ["approved", "proposed"]
    assert any("Approved 1" in s for s in texts(app, "success"))
    assert f"1 not approved because you have not opened them: #{chosen[1]}" in " ".join(texts(app, "warning"))
    assert all(app.checkbox(key=f"pick-{i}").value for i in chosen)  # the selection survives the action
    page("queue_page", changeset=str(chosen[1]))
    app.button(key="bulk-approve").click().run()
    assert {changesets.get(proposed.store, i).status for i in chosen} == {"approved"}
    app.button(key="bulk-apply").click().run()
    no_traceback(app)
    assert {changesets.get(proposed.store, i).status for i in chosen} == {"applied"}
    assert any("Applied 2" in s for s in texts(app, "success"))


def test_the_app_acts_as_the_local_identity_and_asks_no_name(proposed, monkeypatch):
    changeset = proposed.changeset_for(PAGE)
    app = page("queue_page", changeset=str(changeset.id))
    assert not app.sidebar.text_input, "no free-text name box"
    assert f"{REVIEWER} (publisher)" in [t.value for t in app.sidebar.text]
    tracked = proposed.store.document(changeset.document_id)
    block = next(r for r in changesets.edits(proposed.store, changeset.id))
    own = changesets.stage(proposed.store, tracked, [ProposedEdit(block.block_id, "Mine.")], actor=REVIEWER)
    app = page("queue_page", changeset=str(own.id))
    assert app.button(key="approve").disabled
    assert any("someone else approves it" in c for c in texts(app, "caption"))


def test_a_viewer_sees_every_action_disabled_with_a_reason(proposed, monkeypatch):
    changeset = proposed.changeset_for(PAGE)
    monkeypatch.setenv("COPYDESK_REVIEW__DEFAULT_ROLE", "viewer")
    app = _as(monkeypatch, "intern", "queue_page", changeset=str(changeset.id))
    assert app.button(key="approve").disabled and app.button(key="reject").disabled
    assert any("You can look, but not approve" in i and "viewer" in i for i in texts(app, "info"))
    changesets.approve(proposed.store, changeset.id, actor="sam", dismissed=still_true(proposed.store, changeset.id))
    app = page("queue_page", changeset=str(changeset.id))
    assert app.button(key="apply").disabled
    queue = page("queue_page")
    queue.checkbox(key=f"pick-{changeset.id}").check().run()
    queue.button(key="bulk-apply").click().run()
    assert changesets.get(proposed.store, changeset.id).status == "approved"


def test_empty_queue_and_unknown_changeset(empty):
    assert any("queue is empty" in i for i in texts(no_traceback(page("queue_page")), "info"))
    assert any("There is no changeset #99" in e for e in texts(page("queue_page", changeset="99"), "error"))


def test_approve_stays_disabled_until_every_flag_is_rewritten_dismissed_or_dropped(proposed, monkeypatch):
    changeset = next(c for c in changesets.listing(proposed.store, status="proposed")
                     if sum(changesets.unresolved(r) for r in changesets.edits(proposed.store, c.id)) >= 2
                     and any(not r.flag for r in changesets.edits(proposed.store, c.id)))
    flagged = [r for r in changesets.edits(proposed.store, changeset.id) if changesets.unresolved(r)]
    rewritten, dismissed, *dropped = flagged
    app = page("queue_page", changeset=str(changeset.id))
    assert app.radio(key=f"choice-{changeset.id}-{rewritten.block_id}").value is None, "nothing chosen for the reviewer"
    assert app.button(key="approve").disabled
    assert any(f"{len(flagged)} flag(s) left to settle" in c for c in texts(app, "caption"))
    assert not any("Retired claim:" in w for w in texts(app, "warning")), "warnings say what the flag is, generically"
    assert any(f"Needs a person: {rewritten.flag}" in w for w in texts(app, "warning"))

    app.radio(key=f"choice-{changeset.id}-{dismissed.block_id}").set_value("Dismiss flag").run()
    assert app.button(key="approve").disabled, "a dismissal needs a reason"
    app.text_input(key=f"dismiss-{changeset.id}-{dismissed.block_id}").set_value("the claim is still true here").run()
    for row in dropped:
        app.radio(key=f"choice-{changeset.id}-{row.block_id}").set_value("Drop").run()
    app.radio(key=f"choice-{changeset.id}-{rewritten.block_id}").set_value("Rewrite").run()
    box = f"text-{changeset.id}-{rewritten.block_id}"
    app.text_area(key=box).set_value(rewritten.before + " Still the chatbot for your docs.").run()
    assert any("still uses retired wording" in w for w in texts(app, "warning")), "warnings follow the text typed"
    app.text_area(key=box).set_value("Live in an afternoon with our team.").run()
    assert not any("still uses retired wording" in w for w in texts(app, "warning"))
    assert app.button(key="approve").label == "Submit rewrite" and not app.button(key="approve").disabled
    app.button(key="approve").click().run()
    no_traceback(app)
    rows = {r.block_id: r for r in changesets.edits(proposed.store, changeset.id)}
    assert rows[rewritten.block_id].after == "Live in an afternoon with our team."
    assert rows[dismissed.block_id].flag_dismissed == "the claim is still true here"
    assert all(rows[r.block_id].dropped for r in dropped)

    other = _as(monkeypatch, "sam", "queue_page", changeset=str(changeset.id))
    assert not other.button(key="approve").disabled
    other.button(key="approve").click().run()
    assert changesets.get(proposed.store, changeset.id).status == "approved"
    settled = texts(other, "info")
    assert any(f"dismissed by {REVIEWER}: the claim is still true here" in i for i in settled)
    assert any(f"rewritten by {REVIEWER}" in i for i in settled)
    assert not [r for r in other.radio if r.key and r.key.startswith(f"choice-{changeset.id}-")], "no stale controls"


def test_a_changeset_of_dismissed_flags_only_is_closed_by_rejecting_it(proposed):
    changeset = next(c for c in changesets.listing(proposed.store, status="proposed")
                     if all(changesets.unresolved(r) and r.after == r.before
                            for r in changesets.edits(proposed.store, c.id)))
    app = settle_flags(page("queue_page", changeset=str(changeset.id)), proposed.store, changeset.id)
    assert app.button(key="approve").disabled
    assert any("Nothing would be written" in c for c in texts(app, "caption"))
    app.button(key="reject").click().run()
    assert changesets.get(proposed.store, changeset.id).status == "rejected"


def test_a_lossy_apply_is_refused_until_the_reviewer_accepts_the_loss(workspace):
    block, tracked = next((b, d) for d in workspace.store.documents("notion")
                          for b in workspace.store.load(changesets.revision_of(workspace.store, d.head_revision_id)).blocks
                          if b.editable and any(s.mention for s in b.spans))
    mention = next(s for s in block.spans if s.mention)
    lossy_text = block.text.replace(mention.text, "someone", 1)
    changeset = changesets.stage(workspace.store, tracked, [ProposedEdit(block.id, lossy_text)], actor="t")
    changesets.approve(workspace.store, changeset.id, actor=REVIEWER)
    app = page("queue_page", changeset=str(changeset.id))
    _confirmed(app, "apply")
    assert any("lose formatting" in e and "tick “Write even where formatting" in e for e in texts(app, "error"))
    assert changesets.get(workspace.store, changeset.id).status == "approved"
    app.checkbox(key=f"allow-lossy-{changeset.id}").check().run()
    _confirmed(app, "apply")
    assert changesets.get(workspace.store, changeset.id).status == "applied"
    assert workspace.remote(changeset).block(block.id).text == lossy_text


def _webflow_changeset(workspace, wanted) -> int:
    for row in queue.page(workspace.store, queue.Filters(source="webflow", status="proposed"), limit=100).rows:
        tracked = workspace.store.document(row.document_id)
        if wanted(tracked) and any(e.after != e.before for e in changesets.edits(workspace.store, row.id)):
            return row.id
    raise AssertionError("no such changeset")


def test_a_webflow_item_is_published_with_a_click_and_republished_on_revert(proposed):
    changeset_id = _webflow_changeset(proposed, lambda d: d.kind == "item")
    app = settle_flags(page("queue_page", changeset=str(changeset_id)), proposed.store, changeset_id)
    app.button(key="approve").click().run()
    _confirmed(app, "apply")
    assert any("not yet published" in i for i in texts(app, "info"))
    _confirmed(app, "publish")
    no_traceback(app)
    assert changesets.get(proposed.store, changeset_id).published_at is not None
    assert any(s.startswith("Published") for s in texts(app, "success"))
    events = [e.action for e in proposed.store.events(20, subject=changesets.subject(changeset_id))]
    assert events[0] == "changeset.published"
    _confirmed(app, "revert")
    assert changesets.get(proposed.store, changeset_id).status == "reverted"
    events = [e.action for e in proposed.store.events(20, subject=changesets.subject(changeset_id))]
    assert events[:2] == ["changeset.republished", "changeset.revert.done"]  # the live site follows the revert


def test_a_primary_locale_page_shows_the_text_to_paste(proposed):
    changeset_id = _webflow_changeset(proposed, lambda d: d.kind == "page" and "@" not in d.remote_id)
    app = settle_flags(page("queue_page", changeset=str(changeset_id)), proposed.store, changeset_id)
    app.button(key="approve").click().run()
    _confirmed(app, "apply")
    no_traceback(app)
    waiting = changesets.get(proposed.store, changeset_id)
    assert waiting.status == "awaiting_manual"
    assert any("Waiting for someone to paste the new text" in w for w in texts(app, "warning"))
    assert [c.value for c in app.code] == [step["after"] for step in waiting.manual_steps]


def test_each_edit_says_what_else_it_changes_as_plain_text(workspace):
    tracked = next(d for d in workspace.store.documents("notion") if d.title == PAGE)
    block = next(b for b in workspace.store.load(changesets.revision_of(workspace.store, tracked.head_revision_id)).blocks
                 if "Setup in 5 minutes" in b.text and b.kind == "paragraph")
    after = block.text.replace("Setup in 5 minutes", "Setup in 50 minutes, see [offers](https://x.example)")
    changeset = changesets.stage(workspace.store, tracked, [ProposedEdit(block.id, after)], actor="t")
    app = no_traceback(page("queue_page", changeset=str(changeset.id)))
    assert "What else changed: numbers -5 minutes +50 minutes; links +https://x.example" in texts(app, "text")
