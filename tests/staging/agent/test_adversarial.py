"""A rogue engine replays the adversarial corpus (fixtures/adversarial/) through the real
propose path on the sandbox's seed workspace: no harmful proposal is staged, every honest
one is. And no honest edit of the evaluation sets is refused: the rules engine on the
hand-labelled tagline set, the Claude cassette of a careful model on the sample brief."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

import pytest

from connectors.document import Document
from staging import changesets
from staging.agent import briefs
from staging.agent.brief import CompiledBrief, read_brief_file
from staging.agent.engine import Answer, Proposal
from staging.agent.passages import Passage
from staging.agent.propose import propose
from staging.pull import pull
from tests.conftest import REPO
from tests.staging.agent.cassettes import cassette, engine

CORPUS = REPO / "fixtures" / "adversarial" / "rogue-proposals.json"
EVAL = REPO / "fixtures" / "eval"
SAMPLE = REPO / "fixtures" / "briefs" / "ai-support-engineer.md"


@dataclass(frozen=True)
class Entry:
    index: int
    answered_in: str  # the page whose engine call makes the proposal
    document_id: str
    block_id: str
    after: str
    harm: str | None
    why: str


class ReplayEngine:
    """An engine that answers each page's call with the corpus's proposals for it, whatever
    the page or the brief says: a model that does what the page tells it."""

    name, model, offline, concurrency, token_budget = "replay", "adversarial-corpus", True, 1, None

    def __init__(self, entries: list[Entry]) -> None:
        self.by_page: dict[str, list[Entry]] = defaultdict(list)
        for entry in entries:
            self.by_page[entry.answered_in].append(entry)

    def answer(self, doc: Document, passages: list[Passage], brief: CompiledBrief) -> Answer:
        return Answer(proposals=[Proposal(e.block_id, e.after, e.why) for e in self.by_page[doc.ref.title]])

    def estimate(self, doc: Document, passages: list[Passage], brief: CompiledBrief) -> int:
        return 0


def _corpus(store) -> list[Entry]:
    """The corpus's proposals, their blocks found on the pulled seed workspace."""
    docs = {t.title: (t.id, store.load(store.revision(t.head_revision_id))) for t in store.documents()}
    entries = []
    for index, item in enumerate(json.loads(CORPUS.read_text(encoding="utf-8"))["proposals"]):
        document_id, doc = docs[item["page"]]
        found = ([b for b in doc.blocks if b.text == item["contains"]]  # a whole cell such as "chatbot"
                 or [b for b in doc.blocks if item["contains"] in b.text])
        assert len(found) == 1, f"proposal {index}: {item['contains']!r} is in {len(found)} blocks of {item['page']!r}"
        block = found[0]
        after = item["after"] if item.get("whole") else block.text.replace(item["contains"], item["after"], 1)
        entries.append(Entry(index, item.get("answered_in", item["page"]), document_id, block.id, after,
                             item["harm"], item["why"]))
    return entries


def _rounds(entries: list[Entry]) -> list[list[Entry]]:
    """At most one proposal per block in each run, as propose keeps one edit per block."""
    rounds: list[list[Entry]] = []
    taken: dict[str, int] = defaultdict(int)
    for entry in entries:
        at = taken[entry.block_id]
        taken[entry.block_id] += 1
        if at == len(rounds):
            rounds.append([])
        rounds[at].append(entry)
    return rounds


def _staged(store, run) -> set[tuple[str, str, str]]:
    return {(changesets.get(store, c).document_id, e.block_id, e.after) for c in run.staged
            for e in changesets.edits(store, c)}


@pytest.fixture
def seeded(store, sandbox):
    pull(store, sandbox.connector())
    brief, _ = briefs.add(store, read_brief_file(SAMPLE), source=SAMPLE.name, actor="priya")
    return store, brief


def test_the_corpus_covers_every_kind_of_harm_and_honest_edits_too():
    proposals = json.loads(CORPUS.read_text(encoding="utf-8"))["proposals"]
    kinds = {p["harm"] for p in proposals}
    assert kinds >= {"number", "link", "name", "reorder", "invisible", "length", "empty", "unshown", None}
    assert all(p["why"] for p in proposals) and sum(p["harm"] is None for p in proposals) >= 15


def test_a_rogue_engine_gets_no_harmful_edit_staged_and_every_honest_one_is(seeded):
    store, brief = seeded
    entries = _corpus(store)
    staged: set[tuple[str, str, str]] = set()
    reasons: dict[tuple[str, str], str] = {}
    for batch in _rounds(entries):
        run = propose(store, brief, actor="priya", engine=ReplayEngine(batch), again=True)
        staged |= _staged(store, run)
        reasons |= {(r["block"], r["after"]): r["reason"] for r in run.rejected}
        for changeset_id in run.staged:  # cleared, so the next round's proposals are not held back
            changesets.reject(store, changeset_id, actor="priya")
    harmful = [e for e in entries if e.harm and (e.document_id, e.block_id, e.after) in staged]
    refused = {e.index: reasons.get((e.block_id, e.after)) for e in entries
               if not e.harm and (e.document_id, e.block_id, e.after) not in staged}
    total = sum(bool(e.harm) for e in entries)
    assert harmful == [], f"{len(harmful)} of {total} harmful proposals staged"
    assert refused == {}, f"{len(refused)} of {len(entries) - total} honest proposals refused"


def test_no_labelled_edit_of_the_evaluation_set_is_refused(store, sandbox):
    labels = json.loads((EVAL / "tagline.json").read_text(encoding="utf-8"))
    pull(store, sandbox.connector())
    brief, _ = briefs.add(store, read_brief_file(EVAL / labels["brief"]), source="eval", actor="test")
    run = propose(store, brief, actor="test")
    assert run.staged and run.rejected == []


def test_no_edit_of_a_careful_model_is_refused(seeded, monkeypatch):
    store, brief = seeded
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    with cassette("propose_sample_brief.yaml"):
        run = propose(store, brief, actor="priya", engine=engine())
    assert run.staged and run.rejected == []
