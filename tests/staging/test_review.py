"""The review gate: nothing is written unless enough people other than its authors approved
exactly that content, whatever a changeset's status says."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from connectors.errors import ConfigError, Forbidden
from connectors.memory import MemoryPublisher, MemoryWorkspace
from staging import changesets, review
from staging.apply import apply, revert
from staging.changesets import ProposedEdit
from staging.publish import publish
from staging.pull import pull
from staging.review import ReviewPolicy
from tests.builders import make_document


@pytest.fixture
def tool() -> MemoryPublisher:
    """A tool with a publish step, held in memory: a test sees exactly what reached it
    (nothing, when the gate refuses)."""
    return MemoryPublisher(MemoryWorkspace.of([make_document("One.", "Two.", "$49 / month", source="memory")],
                                              drafts=True))


def texts(tool: MemoryPublisher) -> list[str]:
    """The paragraphs as the tool has them now."""
    return [b.text for b in tool.workspace.read("page-1").blocks[1:]]


@pytest.fixture
def staged(store, tool) -> int:
    pull(store, tool)
    tracked = store.document_by_remote("memory", "page-1")
    return changesets.stage(store, tracked, [ProposedEdit("b1", "Uno."), ProposedEdit("b3", "$0 / month")],
                            actor="mallory").id


def test_the_author_cannot_approve_and_nothing_reaches_the_tool(store, staged, tool):
    with pytest.raises(Forbidden, match="mallory wrote .* cannot approve it"):
        changesets.approve(store, staged, actor="mallory")
    with pytest.raises(Forbidden, match="cannot approve"):
        changesets.approve(store, staged, actor="  MALLORY ")  # the same person, however written
    with pytest.raises(Exception, match="only an approved"):
        apply(store, tool, staged, actor="mallory")
    assert changesets.get(store, staged).status == "proposed" and tool.workspace.writes == 0
    assert changesets.reject(store, staged, actor="mallory").status == "rejected"  # refusing one's own is fine


def test_a_second_person_approves_and_then_it_is_written(store, staged, tool):
    approved = changesets.approve(store, staged, actor="priya")
    assert approved.status == "approved" and approved.approved_by == "priya"
    assert apply(store, tool, staged, actor="mallory").changeset.status == "applied"
    assert texts(tool) == ["Uno.", "Two.", "$0 / month"] and tool.workspace.writes == 2


def test_two_approvals_need_two_distinct_people_other_than_the_author(store, staged, tool):
    policy = ReviewPolicy(approvals=2)
    assert changesets.approve(store, staged, actor="priya", policy=policy).status == "proposed"
    with pytest.raises(Forbidden, match="already approved"):
        changesets.approve(store, staged, actor="Priya", policy=policy)
    with pytest.raises(Forbidden, match="cannot approve"):
        changesets.approve(store, staged, actor="mallory", policy=policy)
    with store.engine.begin() as connection:  # even with its status forced, one approval of two writes nothing
        connection.execute(sa.text("UPDATE changeset SET status = 'approved'"))
    with pytest.raises(Forbidden, match=r"1 of 2"):
        apply(store, tool, staged, actor="priya", policy=policy)
    with store.engine.begin() as connection:
        connection.execute(sa.text("UPDATE changeset SET status = 'proposed'"))
    done = changesets.approve(store, staged, actor="sam", policy=policy)
    assert done.status == "approved" and done.approved_by == "priya, sam"
    actions = [e.action for e in store.events(5, subject=changesets.subject(staged))]
    assert actions[:3] == ["changeset.approved", "changeset.apply.refused", "changeset.approval.recorded"]


def test_a_rewrite_dismisses_approvals_and_needs_someone_other_than_its_writer(store, staged):
    policy = ReviewPolicy(approvals=2)
    changesets.approve(store, staged, actor="priya", policy=policy)
    rewritten = changesets.rewrite(store, staged, actor="sam", changes={"b3": "$39 / month"}, policy=policy)
    assert rewritten.status == "proposed"
    rows = changesets.edits(store, staged)
    now = review.standing(store, rewritten, rows, policy)
    assert now.approvers == [] and now.dismissed == ["priya"] and "sam" in now.authors
    assert "someone other than mallory, sam (0 of 2)" in now.summary()
    with pytest.raises(Forbidden, match="sam wrote"):
        changesets.approve(store, staged, actor="sam", policy=policy)
    changesets.approve(store, staged, actor="priya", policy=policy)
    assert changesets.approve(store, staged, actor="lee", policy=policy).status == "approved"
    event = store.events(10, subject=changesets.subject(staged))
    edited = next(e for e in event if e.action == "changeset.rewritten").details
    assert edited["edited"]["b3"] == {"proposed": "$0 / month", "rewritten": "$39 / month"}
    assert edited["dismissed"] == ["priya"]


def test_a_rewrite_after_approval_sends_it_back_to_proposed(store, staged, tool):
    changesets.approve(store, staged, actor="priya")
    assert changesets.rewrite(store, staged, actor="priya", changes={"b1": "Eins."}).status == "proposed"
    with pytest.raises(Exception, match="only an approved"):
        apply(store, tool, staged, actor="priya")
    with pytest.raises(Forbidden, match="priya wrote"):
        changesets.approve(store, staged, actor="priya")


@pytest.mark.parametrize("tamper", [
    "UPDATE changeset SET status = 'approved'",  # no approval at all
    "UPDATE edit SET after = '$0.01 / month' WHERE block_id = 'b3'",  # content changed after approval
])
def test_apply_and_publish_refuse_content_the_approvals_do_not_cover(store, staged, tool, tamper):
    if "edit" in tamper:
        changesets.approve(store, staged, actor="priya")
    with store.engine.begin() as connection:
        connection.execute(sa.text(tamper))
    with pytest.raises(Forbidden, match="not approved as it reads now"):
        apply(store, tool, staged, actor="priya")
    assert tool.workspace.writes == 0 and changesets.get(store, staged).status == "approved"
    assert store.events(1, subject=changesets.subject(staged))[0].action == "changeset.apply.refused"
    with store.engine.begin() as connection:
        connection.execute(sa.text("UPDATE changeset SET status = 'applied'"))
    with pytest.raises(Forbidden, match="not approved as it reads now"):
        publish(store, tool, staged, actor="priya")
    assert tool.workspace.requests["publish"] == 0


def test_roles_keep_viewers_out_and_reserve_apply_for_publishers(store, staged, tool):
    policy = ReviewPolicy.model_validate({"roles": {"reviewer": ["priya"], "publisher": ["sam"]}})
    assert policy.role_of("stranger") == "viewer" and ReviewPolicy().role_of("stranger") == "publisher"
    with pytest.raises(Forbidden, match="stranger is a viewer"):
        changesets.approve(store, staged, actor="stranger", policy=policy)
    with pytest.raises(Forbidden, match="viewer"):
        changesets.reject(store, staged, actor="stranger", policy=policy)
    changesets.approve(store, staged, actor="priya", policy=policy)
    with pytest.raises(Forbidden, match="priya is a reviewer .* the publisher role"):
        apply(store, tool, staged, actor="priya", policy=policy)
    assert apply(store, tool, staged, actor="sam", policy=policy).changeset.status == "applied"
    assert revert(store, tool, staged, actor="priya", policy=policy).changeset.status == "reverted"
    assert texts(tool) == ["One.", "Two.", "$49 / month"]


def test_an_approval_by_someone_no_longer_a_reviewer_does_not_count(store, staged, tool):
    changesets.approve(store, staged, actor="priya")
    demoted = ReviewPolicy.model_validate({"roles": {"viewer": ["priya"], "publisher": ["sam"]}})
    with pytest.raises(Forbidden, match="0 of 1"):
        apply(store, tool, staged, actor="sam", policy=demoted)


def test_self_approval_can_be_switched_on(store, staged):
    assert changesets.approve(store, staged, actor="mallory", policy=ReviewPolicy(self_approval=True)).status == "approved"


@pytest.mark.parametrize("name, message", [
    ("   ", "blank"), ("", "blank"), ("mal\u202elory", "U+202E"), ("pri\u200bya", "U+200B"),
    ("sam\x1b[2J", "U+001B"), ("a\nb", "U+000A"), ("x" * 101, "at most 100"),
])
def test_unusable_names_are_refused_in_one_line(store, staged, name, message):
    with pytest.raises(ConfigError, match=re.escape(message)) as refused:
        changesets.approve(store, staged, actor=name)
    assert "\n" not in str(refused.value)
    assert changesets.get(store, staged).status == "proposed"
