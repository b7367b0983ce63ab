"""The lifecycle table, and that the staging API refuses a move the table does not hold and
leaves the store as it was."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import func, select

from connectors.errors import CopydeskError
from staging import changesets, lifecycle
from staging.apply import apply, revert
from staging.changesets import ProposedEdit
from staging.lifecycle import TRANSITIONS, Action, Status
from staging.models import Changeset, Event, JournalEntry
from staging.publish import publish
from staging.store import Store
from tests.builders import make_document


class Recording:
    """A tool with a publish step that keeps every write and publish it is sent, so a test
    sees that a refused action reached nothing."""

    source = "notion"
    requests_made = 0

    def __init__(self) -> None:
        self.sent: list[str] = []

    def apply(self, ref, edits, journal, *, dry_run=False):
        if not dry_run:
            self.sent += [e.block_id for e in edits]
        return make_document(*(e.after for e in edits))

    def publish(self, refs):
        self.sent += [f"publish {r.remote_id}" for r in refs]
        return {"published": [r.remote_id for r in refs]}


def test_every_status_is_reachable_from_proposed():
    reached, frontier = {Status.PROPOSED}, [Status.PROPOSED]
    while frontier:
        status = frontier.pop()
        for moves in TRANSITIONS.values():
            for to in moves.get(status, ()):
                if to not in reached:
                    reached.add(to)
                    frontier.append(to)
    assert reached == set(Status)


def test_only_the_final_statuses_have_no_way_out():
    final = {status for status in Status if lifecycle.final(status)}
    assert final == {Status.REJECTED, Status.SUPERSEDED, Status.RESOLVED_UPSTREAM, Status.REVERTED}
    assert set(lifecycle.CLOSED) < final  # reverted is final too, but offers "apply again": a new changeset
    assert Status.REVERTED not in lifecycle.sources(Action.APPLY)


def test_a_claim_can_end_every_way_a_write_can():
    """Whatever the tool answers, a claimed changeset has a move out of its claim."""
    for claim in lifecycle.CLAIMS:
        for action in (Action.FINISH, Action.CONFLICT, Action.AWAIT_MANUAL, Action.RELEASE, Action.FAIL):
            assert claim in TRANSITIONS[action], (claim, action)
    assert {to for moves in TRANSITIONS.values() for targets in moves.values() for to in targets} <= set(Status)


def test_statuses_are_stored_and_listed_as_the_same_words(store):
    changeset = _staged(store)
    stored = changesets.get(store, changeset)
    assert stored.status == Status.PROPOSED and type(stored.status) is str and stored.status == "proposed"
    assert [c.id for c in changesets.listing(store, status="proposed")] == [changeset]
    with pytest.raises(CopydeskError, match="Unknown status 'done'; use one of: proposed, approved"):
        changesets.listing(store, status="done")


def _staged(store: Store) -> int:
    tracked = store.record(make_document("One.", "Two.")).document
    return changesets.stage(store, tracked, [ProposedEdit("b1", "Uno.")], actor="agent").id


def _to(store: Store, status: Status) -> int:
    """A changeset brought to `status` through the public API."""
    changeset = _staged(store)
    if status in (Status.APPROVED, Status.APPLIED, Status.REVERTED):
        changesets.approve(store, changeset, actor="priya")
    if status in (Status.APPLIED, Status.REVERTED):
        apply(store, Recording(), changeset, actor="priya")
    if status == Status.REVERTED:
        revert(store, Recording(), changeset, actor="priya")
    if status == Status.REJECTED:
        changesets.reject(store, changeset, actor="priya")
    assert changesets.get(store, changeset).status == status
    return changeset


def _snapshot(store: Store, changeset_id: int) -> tuple[dict, int, int]:
    with store.session() as session:
        row = session.get(Changeset, changeset_id).model_dump()
        events = session.exec(select(func.count()).select_from(Event)).one()
        journal = session.exec(select(func.count()).select_from(JournalEntry)).one()
    return row, events, journal


def _approve(store: Store, changeset: int, tool: Recording) -> object:
    return changesets.approve(store, changeset, actor="sam")


def _reject(store: Store, changeset: int, tool: Recording) -> object:
    return changesets.reject(store, changeset, actor="sam")


def _rewrite(store: Store, changeset: int, tool: Recording) -> object:
    return changesets.rewrite(store, changeset, actor="sam", changes={"b1": "Eins."})


def _apply(store: Store, changeset: int, tool: Recording) -> object:
    return apply(store, tool, changeset, actor="priya")


def _apply_dry(store: Store, changeset: int, tool: Recording) -> object:
    return apply(store, tool, changeset, actor="priya", dry_run=True)


def _revert(store: Store, changeset: int, tool: Recording) -> object:
    return revert(store, tool, changeset, actor="priya")


def _publish(store: Store, changeset: int, tool: Recording) -> object:
    return publish(store, tool, changeset, actor="priya")


@pytest.mark.parametrize("status, ask, said", [
    (Status.APPLIED, _approve, "is applied; only a proposed changeset can be approved"),
    (Status.APPLIED, _reject, "is applied; only a proposed, approved, conflict or failed changeset can be rejected"),
    (Status.REJECTED, _rewrite, "is rejected; only a proposed or approved changeset can be rewritten"),
    (Status.PROPOSED, _apply, "only an approved (or failed) changeset can be applied. Approve it first"),
    (Status.APPLIED, _apply, "only an approved (or failed) changeset can be applied. Revert it with"),
    (Status.REVERTED, _apply, "`copydesk reapply"),  # applied again as a new changeset, never moved back
    (Status.REVERTED, _apply_dry, "`copydesk reapply"),
    (Status.APPROVED, _revert, "is approved; only an applied (or revert_conflict) changeset can be reverted"),
    (Status.REVERTED, _revert, "is reverted; only an applied (or revert_conflict)"),
    (Status.APPROVED, _publish, "is approved; only an applied changeset is published"),
])
def test_a_move_the_table_does_not_hold_is_refused_and_changes_nothing(store, status, ask: Callable, said):
    changeset = _to(store, status)
    tool = Recording()
    before = _snapshot(store, changeset)
    with pytest.raises(CopydeskError, match=said.replace("(", r"\(").replace(")", r"\)")):
        ask(store, changeset, tool)
    assert _snapshot(store, changeset) == before and tool.sent == []


def test_the_one_move_function_refuses_outside_the_table_and_outside_what_the_caller_holds(store):
    changeset = _to(store, Status.APPLIED)
    before = _snapshot(store, changeset)
    with pytest.raises(CopydeskError, match="is applied; only a proposed or conflict changeset can be superseded"):
        lifecycle.transition(store, changeset, Action.SUPERSEDE, Status.SUPERSEDED, actor="t", event="t")
    with pytest.raises(CopydeskError, match="is applied; only an applying, reverting, awaiting_manual or "
                                            "awaiting_manual_revert changeset can be moved by finish"):
        lifecycle.transition(store, changeset, Action.FINISH, Status.APPLIED, actor="t", event="t",
                             expected=(Status.AWAITING_MANUAL,))
    with pytest.raises(ValueError, match="approve never leads to applied"):
        lifecycle.transition(store, changeset, Action.APPROVE, Status.APPLIED, actor="t", event="t")
    assert _snapshot(store, changeset) == before


def test_a_move_in_the_table_is_recorded_with_where_it_came_from(store):
    changeset = _to(store, Status.APPROVED)
    moved = lifecycle.transition(store, changeset, Action.RESOLVE_UPSTREAM, Status.RESOLVED_UPSTREAM, actor="sweep",
                                 event="changeset.resolved_upstream")
    assert moved.status == Status.RESOLVED_UPSTREAM
    event = store.events(1, subject=lifecycle.subject(changeset))[0]
    assert (event.action, event.details) == ("changeset.resolved_upstream",
                                            {"from": ["proposed", "approved"], "to": "resolved_upstream"})
