"""Retired claims restated in other words are found without a model, and only those."""

from __future__ import annotations

import pytest

from staging.agent.brief import CompiledBrief
from staging.agent.checks import RESTATED, Checks
from staging.agent.claims import ClaimCheck

SETUP = ClaimCheck("Setup in 5 minutes")
TICKETS = ClaimCheck("cuts support tickets by 40%")


@pytest.mark.parametrize("text", [
    "Set up in five minutes, then forget about it.",
    "A 5-minute setup: paste one script tag.",
    "Setup takes 5 minutes, it works with Zendesk and Intercom.",
    "If setup takes longer than 5 minutes, that's a bug.",
])
def test_the_setup_claim_in_other_words(text):
    assert SETUP.restated(text) and not SETUP.stated(text)


@pytest.mark.parametrize("text", [
    "Customers like Acme use HelpHive to cut support tickets by 40 percent.",
    "Support tickets cut by 40 %, on average.",
    "It reduces support tickets by 40%.",
])
def test_the_tickets_claim_in_other_words(text):
    assert TICKETS.restated(text)


@pytest.mark.parametrize("claim, text", [
    (SETUP, "First answer in under 5 minutes."),  # the number, not the claim
    (SETUP, "Setup in 10 minutes."),  # another number is another claim
    (SETUP, "Setup is quick. It takes 5 minutes."),  # the words are split across sentences
    (TICKETS, "The widget loads 40% faster."),
    (TICKETS, "40% fewer tickets."),  # a synonym rewrite: the Claude engine's to judge
])
def test_near_misses_are_not_restatements(claim, text):
    assert not claim.restated(text)


def test_the_claim_word_for_word_is_stated_not_restated():
    assert SETUP.stated("HelpHive: setup in 5  minutes.") and not SETUP.restated("HelpHive: setup in 5  minutes.")


def test_a_claim_without_numbers_needs_most_of_its_words_and_one_word_claims_are_not_checked():
    claim = ClaimCheck("the only chatbot that never guesses")
    assert claim.restated("Our chatbot never guesses, ever.")
    assert not claim.restated("The chatbot answers.")
    assert not ClaimCheck("instant").checkable


def test_checks_name_a_restated_claim_apart_from_retired_wording():
    checks = Checks(CompiledBrief(retired_claims=["Setup in 5 minutes"]))
    assert checks.reasons("Setup in 5 minutes.") == ["Setup in 5 minutes"]
    assert checks.reasons("Set up in five minutes.") == [RESTATED + "Setup in 5 minutes"]
    assert checks.reasons("Nothing to see.") == [] and not checks.stale("Nothing to see.")
