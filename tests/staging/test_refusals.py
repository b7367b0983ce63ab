"""Refusals carry their own class: a changeset in the wrong status is a StateError, a
changeset or source another run holds right now is Busy; neither is a configuration error."""

from __future__ import annotations

import pytest

from connectors.errors import Busy, ConfigError, StateError
from staging import changesets
from staging.apply import apply
from staging.changesets import ProposedEdit
from staging.lease import acquire, release
from staging.publish import publish
from staging.pull import pull
from staging.rebase import repropose
from staging.schedule import sweep_alone
from tests.builders import make_document

TEXTS = ("One.", "Two.", "$49 / month")


class Tool:
    """Takes every write and reads back what was written; `during_write` runs while the
    changeset is claimed, as a second process acting at that moment would."""

    source = "notion"
    requests_made = 0

    def __init__(self) -> None:
        self.written: list[tuple[str, str]] = []
        self.during_write: list[object] = []
        self._act: object = None

    def apply(self, ref, edits, journal, *, dry_run=False):
        if callable(self._act):
            act, self._act = self._act, None
            self.during_write.append(_outcome(act))
        self.written += [(e.block_id, e.after) for e in edits]
        texts = dict(self.written)
        return make_document(*(texts.get(f"b{n}", t) for n, t in enumerate(TEXTS, 1)))

    def publish(self, refs):
        return {"published": [r.remote_id for r in refs]}

    def while_writing(self, act) -> None:
        self._act = act


def _outcome(act) -> object:
    try:
        return act()
    except Exception as error:  # noqa: BLE001 - the test inspects what the second run met
        return error


@pytest.fixture
def approved(store) -> int:
    tracked = store.record(make_document(*TEXTS)).document
    staged = changesets.stage(store, tracked, [ProposedEdit("b1", "Uno.")], actor="mallory").id
    changesets.approve(store, staged, actor="priya")
    return staged


def test_approving_an_applied_changeset_is_a_state_refusal_not_a_config_error(store, approved):
    apply(store, Tool(), approved, actor="priya")
    with pytest.raises(StateError) as refused:
        changesets.approve(store, approved, actor="sam")
    assert not isinstance(refused.value, ConfigError)
    assert str(refused.value).startswith(f"Changeset {approved} is applied; only a proposed changeset can be approved.")
    assert "copydesk" not in refused.value.in_app
    assert changesets.get(store, approved).status == "applied"


def test_publishing_what_is_not_applied_is_a_state_refusal(store, approved):
    tool = Tool()
    with pytest.raises(StateError, match="only an applied changeset is published") as refused:
        publish(store, tool, approved, actor="priya")
    assert "copydesk apply" in str(refused.value) and "copydesk" not in refused.value.in_app


def test_reproposing_what_met_no_conflict_is_a_state_refusal(store, approved):
    with pytest.raises(StateError, match="only a changeset in conflict"):
        repropose(store, Tool(), approved, actor="priya")


def test_a_second_apply_while_the_first_holds_the_changeset_is_busy(store, approved):
    tool = Tool()
    tool.while_writing(lambda: apply(store, tool, approved, actor="sam"))
    assert apply(store, tool, approved, actor="priya").changeset.status == "applied"
    [second] = tool.during_write
    assert isinstance(second, Busy) and not isinstance(second, StateError)
    assert f"Changeset {approved} is being applied right now" in str(second)
    assert tool.written == [("b1", "Uno.")]  # the second run wrote nothing


def test_a_pull_while_another_process_pulls_that_source_is_busy(store, sandbox):
    assert acquire(store, "pull:notion", "someone-else")
    with pytest.raises(Busy, match="Another process is pulling notion"):
        pull(store, sandbox.connector())
    release(store, "pull:notion", "someone-else")


def test_a_sweep_while_another_process_sweeps_is_busy(store):
    assert acquire(store, "sweep", "a scheduler elsewhere")
    with pytest.raises(Busy, match="Another process is sweeping right now"):
        sweep_alone(store, lambda: pytest.fail("swept while another process was sweeping"))
    release(store, "sweep", "a scheduler elsewhere")
