"""The people behind an engine's changeset are its authors: the brief's writer, its
correctors and whoever ran the propose or sweep; on the sandbox over HTTP."""

from __future__ import annotations

import pytest

from connectors.errors import Conflict, Forbidden
from staging import changesets, review
from staging.agent import briefs
from staging.agent.brief import parse_term, read_brief_file
from staging.agent.propose import propose
from staging.apply import apply
from staging.models import AgentRun, Changeset
from staging.pull import pull
from staging.rebase import repropose
from staging.store import Store
from staging.sweep import sweep
from tests.conftest import REPO

SAMPLE = REPO / "fixtures/briefs/ai-support-engineer.md"


def _rewriting(store: Store, ids: list[int]) -> Changeset:
    """A staged changeset whose every edit rewrites its block (no flag for a person to settle)."""
    return next(changesets.get(store, i) for i in ids
                if not any(r.flag for r in changesets.edits(store, i)))


def test_a_scheduled_sweep_s_changesets_belong_to_the_brief_s_writer_and_the_scheduler(store, sandbox):
    briefs.add(store, read_brief_file(SAMPLE), source="b.md", actor="lead")
    run = sweep(store, {"notion": sandbox.connector()}, actor="scheduler")
    changeset = _rewriting(store, run.staged)
    with store.session() as session:
        assert session.get(AgentRun, changeset.agent_run_id).requested_by == "scheduler"
    deeds = review.authorship(store, changeset, changesets.edits(store, changeset.id))
    assert deeds["lead"] == ["wrote the brief"] and deeds["scheduler"] == ["ran propose"]
    with pytest.raises(Forbidden, match="LEAD wrote the brief behind changeset"):
        changesets.approve(store, changeset.id, actor="LEAD")
    assert changesets.approve(store, changeset.id, actor="sam").status == "approved"


def test_a_correction_makes_its_writer_an_author_once_whatever_the_case(store):
    brief, _ = briefs.add(store, read_brief_file(SAMPLE), source="b.md", actor="lead")
    corrected = briefs.compiled(brief).model_copy(update={"terms": [parse_term("widget -> gadget")]})
    for actor in ("sam", "Sam", "lee"):
        briefs.correct(store, brief.id, corrected, actor=actor)
    assert briefs.get(store, brief.id).corrected_by == ["sam", "lee"]


def test_a_reproposed_changeset_still_belongs_to_the_brief_s_writer(store, sandbox):
    connector = sandbox.connector()
    pull(store, connector)
    brief, _ = briefs.add(store, read_brief_file(SAMPLE), source="b.md", actor="mallory")
    changeset = _rewriting(store, propose(store, brief, actor="mallory").staged)
    rows = [r for r in changesets.edits(store, changeset.id) if not changesets.unresolved(r)]
    changesets.approve(store, changeset.id, actor="sam", dropped=[r.block_id for r in changesets.edits(store, changeset.id)
                                                                   if changesets.unresolved(r)])
    block = rows[0]
    last = block.before.rstrip(".").split()[-1]
    # a cell or caption is edited on its block, a database row's property on its page
    target = (store.document(changeset.document_id).remote_id if block.block_id.startswith("property:")
              else block.block_id.split("/")[0])
    sandbox.post("edit", {"id": target, "find": last, "replace": last + " today"})
    with pytest.raises(Conflict):
        apply(store, connector, changeset.id, actor="sam")

    new = repropose(store, connector, changeset.id, actor="sam").changeset
    assert new.proposed_by == "sam" and new.brief_id == brief.id
    with pytest.raises(Forbidden, match="mallory wrote the brief behind"):
        changesets.approve(store, new.id, actor="mallory")
    assert changesets.approve(store, new.id, actor="kim").status == "approved"
