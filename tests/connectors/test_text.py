"""Tokens, normalised comparison, and formatting carried across a text edit."""

from __future__ import annotations

import random

import pytest

from connectors.document import Mention, Span
from connectors.text import char_opcodes, normalise, rewrite, tokenize

BOLD = Span(text="5 minutes", bold=True)
SPANS = (Span(text="Setup in "), BOLD, Span(text=": see "),
         Span(text="Docs", mention=Mention(type="page", target="p1")), Span(text=". "),
         Span(text="Read more", href="https://example.com"), Span(text="."))
BEFORE = "".join(s.text for s in SPANS)


def test_tokenize_splits_words_spaces_and_punctuation():
    assert tokenize("It's 5 minutes, really!") == ["It's", " ", "5", " ", "minutes", ",", " ", "really", "!"]
    for text in ("  a\tb\n", "naïve café — “quoted”", "", "l’équipe d’accueil"):
        assert "".join(tokenize(text)) == text


def test_normalise_ignores_whitespace_and_composition_the_tools_change_on_their_own():
    assert normalise("  Setup\u00a0in\n5   minutes ") == "Setup in 5 minutes"
    assert normalise("cafe\u0301") == normalise("café")
    assert normalise("Setup in 5 minutes") != normalise("Setup in 6 minutes")


def test_char_opcodes_rebuild_the_new_text():
    rng = random.Random(11)
    words = ["help", "docs", " ", ", ", "answers", "fast", "."]
    for _ in range(200):
        before = "".join(rng.choice(words) for _ in range(rng.randint(0, 30)))
        after = "".join(rng.choice(words) for _ in range(rng.randint(0, 30)))
        rebuilt = "".join(after[j1:j2] if tag != "equal" else before[i1:i2]
                          for tag, i1, i2, j1, j2 in char_opcodes(before, after))
        assert rebuilt == after


def test_an_unchanged_text_keeps_every_run_as_it_was():
    result = rewrite(SPANS, BEFORE)
    assert result.spans == SPANS and result.lossy == ()
    assert [p.origin for p in result.pieces] == list(range(len(SPANS)))


def test_a_replaced_word_takes_the_formatting_of_the_text_it_replaces():
    result = rewrite(SPANS, BEFORE.replace("5 minutes", "one hour"))
    assert Span(text="one hour", bold=True) in result.spans
    assert result.lossy == ()
    untouched = [s for s in SPANS if s is not BOLD]
    assert all(s in result.spans for s in untouched), "links and mentions are untouched"


def test_an_inserted_word_takes_the_formatting_of_the_run_before_it_or_after_it_at_the_start():
    inserted = rewrite(SPANS, BEFORE.replace("Read more", "Read more now"))
    assert Span(text="Read more now", href="https://example.com") in inserted.spans
    at_start = rewrite((BOLD, Span(text=" tops")), "Only 5 minutes tops")
    assert at_start.spans[0] == Span(text="Only 5 minutes", bold=True)


def test_text_right_after_a_mention_is_plain_text_and_the_mention_is_kept():
    result = rewrite(SPANS, BEFORE.replace("Docs.", "Docs page."))
    mention = next(p for p in result.pieces if p.span.mention)
    assert mention.span == SPANS[3] and mention.origin == 3
    assert all(p.span.mention is None for p in result.pieces if "page" in p.span.text)
    assert result.lossy == ()


def test_deleting_a_whole_mention_is_not_lossy():
    result = rewrite(SPANS, BEFORE.replace(": see Docs", ""))
    assert all(s.mention is None for s in result.spans) and result.lossy == ()


@pytest.mark.parametrize("after, reason", [
    (BEFORE.replace("Docs", "Guides"), "mention 'Docs' would be replaced"),
    (BEFORE.replace("5 minutes: see", "an hour, see"), "mixed formats"),
])
def test_edits_that_cannot_keep_formatting_are_lossy(after, reason):
    result = rewrite(SPANS, after)
    assert any(reason in loss for loss in result.lossy)
    assert "".join(s.text for s in result.spans) == after


def test_the_runs_always_spell_the_new_text():
    rng = random.Random(3)
    for _ in range(300):
        words = BEFORE.split(" ")
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(words))
            words[at] = rng.choice(["new", "", "Docs", "minutes", "faster."])
        after = " ".join(words)
        result = rewrite(SPANS, after)
        assert "".join(s.text for s in result.spans) == after
        for piece in result.pieces:
            if piece.span.mention is not None:
                assert piece.span == SPANS[piece.origin], "a mention is only ever kept whole"


def test_empty_blocks_and_empty_texts():
    assert rewrite((), "Fresh text").spans == (Span(text="Fresh text"),)
    assert rewrite(SPANS, "").pieces == ()
