"""One long token is no time bomb for the validator: each hostile 100,000-character shape is
checked in one pass, and the linear patterns find exactly what the old ones found."""

from __future__ import annotations

import random
import re

import phonenumbers
import pytest

from connectors.document import Block, Document, DocumentRef, Span
from staging import facts
from staging.agent.brief import CompiledBrief, TermChange
from staging.agent.validate import _REPEATED, _REPEATED_WORDS, rejection

BRIEF = CompiledBrief(terms=[TermChange(retire="chatbot", use="AI support engineer")])
SIZE = 100_000
SHAPES = {
    "a-a-a-…": ("a-" * SIZE)[:SIZE],
    "aaaa…@": "a" * (SIZE - 1) + "@",
    "x.x.x.…": ("x." * SIZE)[:SIZE],
    "one word": "x" * SIZE,
    "digits with commas": ("1" + ",000" * SIZE)[:SIZE],
    "dotted digits": ("1." * SIZE)[:SIZE],
    "years": ("2024 " * SIZE)[:SIZE],
    "distinct words": " ".join(f"w{n:x}" for n in range(SIZE // 5))[:SIZE],
}


@pytest.mark.timeout(60)  # a safety net, not a speed test (bench/limits.py measures it): main took minutes
@pytest.mark.parametrize("shape", SHAPES)
def test_an_honest_edit_of_a_100000_character_token_is_checked_and_accepted(shape):
    before = SHAPES[shape] + " the chatbot for your docs"
    after = SHAPES[shape] + " the AI support engineer for your docs"
    doc = Document(ref=DocumentRef(source="notion", remote_id="p", kind="page", title="Page"),
                   blocks=(Block(id="b1", kind="paragraph", text=before, spans=(Span(text=before),)),))
    assert rejection(doc, "b1", after, BRIEF, {"b1"}) is None
    assert facts.what_else_changed(before, after) == "names +AI"  # the brief's new term, and nothing else


@pytest.mark.timeout(60)
@pytest.mark.parametrize("shape", ["aaaa…@", "x.x.x.…", "a-a-a-…"])
def test_an_e_mail_address_glued_to_a_100000_character_token_is_still_found(shape):
    text = SHAPES[shape][:-1] + "b@partner-offers.example"
    assert ("e-mail address", (SHAPES[shape][:-1] + "b@partner-offers.example").lower()) in facts.targets(text)


_OLD_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_OLD_REPEATED = re.compile(r"\b(\w+(?:\s+\w+)*)\s+\1\b", re.IGNORECASE)


def _random_texts(alphabet: str, count: int = 3000, longest: int = 24) -> list[str]:
    rng = random.Random(14)
    return [''.join(rng.choice(alphabet) for _ in range(rng.randint(0, longest))) for _ in range(count)]


def test_the_linear_e_mail_search_finds_what_the_backtracking_pattern_found():
    for text in _random_texts("ab1_.+-@ ") + ["a@b.com+x@y.org", "a@b.com..x@y.org", "mail a@b.co. Next", "a@b@c.d"]:
        assert [(m.start(), m.group(0)) for m in facts._emails(text)] == [
            (m.start(), m.group(0)) for m in _OLD_EMAIL.finditer(text)], text


def test_the_bounded_repeat_finds_what_the_unbounded_pattern_found_on_phrases_up_to_its_length():
    for text in _random_texts("aAb  c,", longest=40) + ["AI support AI support engineer", "the The end"]:
        assert [m.group(0) for m in _REPEATED.finditer(text)] == [m.group(0) for m in _OLD_REPEATED.finditer(text)], text
    phrase = " ".join(f"w{n}" for n in range(_REPEATED_WORDS))
    assert _REPEATED.search(f"{phrase} {phrase}").group(0) == f"{phrase} {phrase}"


def test_sentence_starts_are_told_as_before():
    def old(text: str, start: int) -> bool:
        before = text[:start].rstrip().rstrip("\"'“‘«([{*_#>").rstrip()
        return not before or before[-1] in ".!?:|…—–-•"

    for text in _random_texts("aA .(\"\n—", longest=16):
        for start in range(len(text) + 1):
            assert facts._starts_sentence(text, start) == old(text, start), (text, start)


def test_no_valid_phone_number_is_written_shorter_than_the_candidates_skipped():
    """The skipped candidates cannot hold one: "+", the country code and the shortest
    national number of any region (or non-geographic code) need _SHORTEST_PHONE characters."""
    metadata = [phonenumbers.PhoneMetadata.metadata_for_region(r) for r in phonenumbers.SUPPORTED_REGIONS]
    metadata += [phonenumbers.PhoneMetadata.metadata_for_nongeo_region(c)
                 for c in phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS]
    shortest = min(1 + len(str(m.country_code)) + min(m.general_desc.possible_length) for m in metadata)
    assert facts._SHORTEST_PHONE <= shortest
    assert facts.targets("Call +49 30 1234 or 1,000,000 times.") == [("phone number", "+49301234")]
