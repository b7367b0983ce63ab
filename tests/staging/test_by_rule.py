"""Reviewing a brief's proposals rule by rule: each edit's rule as the agent stages it, the
groups, and accepting or dropping a rule across documents without touching the others."""

from __future__ import annotations

import pytest

from connectors.errors import CopydeskError
from staging import by_rule, changesets
from staging.agent import briefs
from staging.agent.brief import parse_term
from staging.agent.propose import propose
from staging.review import ReviewPolicy
from tests.builders import make_document

BRIEF = """# Positioning: the AI support engineer

## Terms
- chatbot -> AI support engineer
- help desk -> support inbox

## Retired claims
- resolves 90% of tickets
"""


@pytest.fixture
def proposed(store):
    """Three pages proposed by the rules engine: one only chatbot, one chatbot and help desk,
    one help desk and a retired claim. Every term stands where the rules replace it ("chatbot
    replies", not "chatbot answers", which reads as a modifier and is left for a person)."""
    for n, texts in enumerate((("Our chatbot replies.", "A chatbot for docs."),
                               ("The chatbot is fast.", "Route it to the help desk."),
                               ("The help desk is open.", "It resolves 90% of tickets."))):
        store.record(make_document(*texts, remote_id=f"p{n}", title=f"Page {n}"))
    brief, _ = briefs.add(store, BRIEF, source="brief.md", actor="lead")
    propose(store, brief, actor="lead")
    return brief


def _by_title(store, title):
    return next(c for c in changesets.listing(store) if c.title.endswith(title))


def test_the_rules_engine_names_each_edits_rule(store, proposed):
    rules = {r.before: r.rule for c in changesets.listing(store) for r in changesets.edits(store, c.id)}
    assert rules["Our chatbot replies."] == "chatbot → AI support engineer"
    assert rules["Route it to the help desk."] == "help desk → support inbox"
    assert rules["It resolves 90% of tickets."] == "retired claim: resolves 90% of tickets"


def test_another_engines_edit_gets_the_term_it_applies_exactly_or_other_edits():
    terms = [parse_term("chatbot -> AI support engineer"), parse_term("help desk -> support inbox")]
    assert by_rule.matching_terms("A chatbot for the help desk.", "An AI support engineer for the support inbox.",
                                  terms) == "chatbot → AI support engineer; help desk → support inbox"
    assert by_rule.matching_terms("Chatbot here.", "AI support engineer here.", terms) == "chatbot → AI support engineer"
    assert by_rule.matching_terms("A chatbot for docs.", "An AI support engineer for all your docs.", terms) == "other edits"
    assert by_rule.matching_terms("Plain words.", "Plainer words.", terms) == "other edits"


def test_groups_count_edits_and_documents_with_a_sample(store, proposed):
    groups = {g.rule: g for g in by_rule.groups(store, proposed.id, sample=1)}
    chatbot = groups["chatbot → AI support engineer"]
    assert (chatbot.edits, chatbot.documents, len(chatbot.sample)) == (3, 2, 1)
    assert chatbot.sample[0].document_title == "Page 0" and "AI support engineer" in chatbot.sample[0].after
    assert groups["help desk → support inbox"].documents == 2
    assert groups["retired claim: resolves 90% of tickets"].claim
    assert list(groups)[-1].startswith("retired claim")  # claims come last: they need a person


def test_accepting_a_rule_approves_only_changesets_whose_every_rule_is_accepted(store, proposed):
    only_chatbot, mixed = _by_title(store, "Page 0"), _by_title(store, "Page 1")
    first = by_rule.accept(store, proposed.id, "chatbot → AI support engineer", actor="sam")
    assert first.approved == [only_chatbot.id] and first.edits_approved == 2
    assert first.waiting == {mixed.id: ["help desk → support inbox"]}
    assert changesets.get(store, mixed.id).status == "proposed"
    assert not any(r.dropped for r in changesets.edits(store, mixed.id))

    second = by_rule.accept(store, proposed.id, "help desk → support inbox", actor="sam",
                            accepted={"chatbot → AI support engineer"})
    assert second.approved == [mixed.id]
    claim_page = _by_title(store, "Page 2")
    assert second.waiting == {claim_page.id: ["retired claim: resolves 90% of tickets"]}
    assert changesets.get(store, claim_page.id).status == "proposed"


def test_an_author_of_the_brief_cannot_accept_a_rule(store, proposed):
    outcome = by_rule.accept(store, proposed.id, "chatbot → AI support engineer", actor="lead")
    assert outcome.approved == [] and "lead" in next(iter(outcome.refused.values()))
    assert changesets.get(store, _by_title(store, "Page 0").id).status == "proposed"


def test_a_retired_claim_cannot_be_accepted(store, proposed):
    with pytest.raises(CopydeskError, match="Rules never write this one"):
        by_rule.accept(store, proposed.id, "retired claim: resolves 90% of tickets", actor="sam")


def test_dropping_a_rule_drops_its_edits_or_rejects_what_had_nothing_else(store, proposed):
    outcome = by_rule.drop(store, proposed.id, "chatbot → AI support engineer", actor="sam")
    only_chatbot, mixed = _by_title(store, "Page 0"), _by_title(store, "Page 1")
    assert outcome.rejected == [only_chatbot.id] and outcome.dropped == [mixed.id]
    assert changesets.get(store, only_chatbot.id).status == "rejected"
    kept = changesets.edits(store, mixed.id)
    assert [(r.rule, r.dropped) for r in kept] == [("chatbot → AI support engineer", True),
                                                  ("help desk → support inbox", False)]
    assert not any(r.revised_by for r in kept)  # dropping does not make the reviewer an author
    assert "chatbot → AI support engineer" not in {g.rule for g in by_rule.groups(store, proposed.id)}
    changesets.approve(store, mixed.id, actor="sam")  # so sam may still approve what is left
    assert changesets.get(store, mixed.id).status == "approved"


def test_a_viewer_cannot_drop_a_rule(store, proposed):
    policy = ReviewPolicy(roles={"reviewer": ["lee"]})  # sam is listed nowhere: a viewer
    outcome = by_rule.drop(store, proposed.id, "help desk → support inbox", actor="sam", policy=policy)
    assert outcome.dropped == [] and outcome.rejected == [] and len(outcome.refused) == 2
    assert all("viewer" in why for why in outcome.refused.values())


def test_an_edit_applying_two_terms_is_accepted_once_both_terms_are(store):
    store.record(make_document("A chatbot for the help desk.", remote_id="p9", title="Both"))
    brief, _ = briefs.add(store, BRIEF, source="brief.md", actor="lead")
    propose(store, brief, actor="lead")
    both = _by_title(store, "Both")
    assert [r.rule for r in changesets.edits(store, both.id)] == [
        "help desk → support inbox; chatbot → AI support engineer"]
    assert by_rule.accept(store, brief.id, "chatbot → AI support engineer", actor="sam").approved == []
    second = by_rule.accept(store, brief.id, "help desk → support inbox", actor="sam",
                            accepted={"chatbot → AI support engineer"})
    assert second.approved == [both.id]
