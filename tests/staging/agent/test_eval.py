"""The rules engine on the hand-labelled evaluation sets (fixtures/eval/): recall and scope on
the seed workspace, and no wrong substitution on the hard cases.

bench/agent.py reports the same figures; this test keeps them from regressing."""

from __future__ import annotations

import json

import pytest

from staging import changesets
from staging.agent import briefs, evaluation
from staging.agent.brief import read_brief_file
from staging.agent.propose import propose
from staging.pull import pull
from tests.conftest import REPO

EVAL = REPO / "fixtures" / "eval"


def _block(store, label: dict) -> tuple[str, str]:
    [tracked] = [d for d in store.documents() if d.title == label["page"]]
    doc = store.load(store.revision(tracked.head_revision_id))
    [block] = [b for b in doc.blocks if label["contains"] in b.text and b.kind == label.get("kind", b.kind)]
    return tracked.id, block.id


def test_the_rules_engine_finds_every_labelled_block_and_nothing_out_of_scope(store, sandbox):
    labels = json.loads((EVAL / "tagline.json").read_text(encoding="utf-8"))
    pull(store, sandbox.connector())
    brief, _ = briefs.add(store, read_brief_file(EVAL / labels["brief"]), source="eval", actor="test")
    run = propose(store, brief, actor="test")
    edited = {(changesets.get(store, c).document_id, e.block_id) for c in run.staged for e in changesets.to_write(store, c)}
    must = {_block(store, label) for label in labels["must_change"]}
    must_not = {_block(store, label) for label in labels["must_not_change"]}

    assert len(edited & must) / len(must) >= 0.95
    assert edited & must_not == set()
    assert edited <= must, "every edit of this brief is one a person labelled"


HARD_BRIEF, HARD_CASES = evaluation.load(EVAL / "hard-cases.json")


@pytest.mark.parametrize("case", HARD_CASES, ids=[c["name"] for c in HARD_CASES])
def test_no_hard_case_is_rewritten_wrong_and_labelled_flags_are_raised(case):
    """Other languages, modifiers, compounds, headings, quotes, a/an: a flag where a
    substitution was expected is safe (a person looks), a wrong substitution never is."""
    scored = evaluation.score(HARD_BRIEF, case)
    assert scored.outcome != "wrong", f"{case['text']!r} became {scored.after!r}"
    if case["expect"] != "substitute":
        assert scored.outcome == "right", f"{case['text']!r}: expected {case['expect']}, got {scored}"


def test_the_hard_cases_are_thirty_or_more_and_mostly_substituted_right():
    summary = evaluation.report([evaluation.score(HARD_BRIEF, case) for case in HARD_CASES])
    assert summary["cases"] >= 30 and summary["wrong"] == 0 and summary["missed"] == 0
    assert summary["precision"] == 1.0 and summary["right"] >= 0.9 * summary["cases"]
