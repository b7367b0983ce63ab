"""Only the sentences that matched go to a model, and its rewrite lands back in place."""

from __future__ import annotations

import pytest

from connectors.document import Block, Document, DocumentRef
from staging.agent.passages import passages, phrase_matcher

TEXT = "HelpHive is great. It is the chatbot for your docs! Pricing starts at $49.\nSee 99.9% uptime. Done"


def _any_of(*phrases: str):
    """The sentence test a brief's checks give passages(): any phrase, by the index's rule."""
    matchers = [phrase_matcher(p) for p in phrases]
    return lambda sentence: any(m.search(sentence) for m in matchers)


def _doc(*blocks: Block) -> Document:
    return Document(ref=DocumentRef(source="notion", remote_id="p", kind="page", title="Page"), blocks=blocks)


def test_the_matching_sentence_is_sent_and_spliced_back_with_its_neighbours_untouched():
    [passage] = passages(_doc(Block(id="b", kind="paragraph", text=TEXT)), {"b"}, _any_of("the chatbot for your docs"))
    assert passage.text == "It is the chatbot for your docs!" and not passage.whole
    assert passage.splice(TEXT, "It is the AI support engineer for your team!") == TEXT.replace(
        "the chatbot for your docs", "the AI support engineer for your team")


def test_several_matches_send_the_stretch_between_them():
    [passage] = passages(_doc(Block(id="b", kind="paragraph", text=TEXT)), {"b"}, _any_of("chatbot", "uptime"))
    assert passage.text.startswith("It is the chatbot") and passage.text.endswith("99.9% uptime.")
    assert passage.splice(TEXT, "Gone.") == "HelpHive is great. Gone. Done"


def test_a_one_sentence_block_or_a_match_across_sentences_is_sent_whole():
    short = Block(id="a", kind="paragraph", text="The chatbot for your docs")
    spread = Block(id="b", kind="paragraph", text="Setup is quick. It takes 5 minutes.")
    code = Block(id="c", kind="code", text="chatbot = 1", editable=False)
    found = passages(_doc(short, spread, code), {"a", "b", "c"}, _any_of("chatbot", "setup 5 minutes"))
    assert [(p.block_id, p.whole) for p in found] == [("a", True), ("b", True)]
    assert found[1].splice(spread.text, "Live in an afternoon.") == "Live in an afternoon."


def test_sentences_end_at_marks_with_closers_and_spaces_or_at_line_breaks():
    from staging.agent.passages import sentences

    assert sentences('Hi!! "Done." Next\n\nline... and more?) end') == [
        "Hi!! ", '"Done." ', "Next\n\n", "line... ", "and more?) ", "end"]
    assert sentences("a.b. c!!!") == ["a.b. ", "c!!!"]
    assert sentences("") == [] and sentences("\n") == ["\n"]


@pytest.mark.timeout(30)  # a safety net, not a speed test (bench/limits.py measures it): main took 375 s
@pytest.mark.parametrize("filler", ["our team answers every question ", "a-", "!", "x"])
def test_one_100000_character_block_without_a_sentence_end_is_read_in_one_pass(filler):
    text = (filler * (100_000 // len(filler)))[:100_000] + " the chatbot for your docs"
    [passage] = passages(_doc(Block(id="b", kind="paragraph", text=text)), {"b"},
                         _any_of("the chatbot for your docs", "setup in 5 minutes", "helphive"))
    assert passage.text == (text if passage.whole else "the chatbot for your docs")
