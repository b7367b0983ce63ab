"""Tokens, normalised comparison, and formatting carried across a text edit."""

from __future__ import annotations

import random
import re

import pytest

from connectors.document import Mention, Span
from connectors.text import Piece, char_opcodes, normalise, rewrite, tokenize

# Notion gives a page mention the page's URL as its href; a user mention has none.
PAGE = Mention(type="page", target="p1")
BOLD = Span(text="5 minutes", bold=True)
SPANS = (Span(text="Setup in "), BOLD, Span(text=": see "),
         Span(text="Docs", mention=PAGE, href="https://www.notion.so/p1"), Span(text=". "),
         Span(text="Read more", href="https://example.com"), Span(text="."))
BEFORE = "".join(s.text for s in SPANS)

# One run per mark, a multi-word mention, and two neighbouring runs with the same marks (Notion
# splits runs on its own; each is still its own native run).
RICH = (Span(text="Fast ", italic=True), Span(text="answers", code=True), Span(text=" for ", color="red"),
        Span(text="every team", bold=True, underline=True), Span(text=", "),
        Span(text="says Priya Nair", mention=Mention(type="user", target="u1")), Span(text=" and "),
        Span(text="her", strikethrough=True), Span(text=" colleagues "), Span(text="today."))

UNICODE = "aZé\u0301ßжß漢😀 \t\n\r\u00a0\u202f'’-—.,!?“”()_0123456789"


def _text(spans) -> str:
    return "".join(s.text for s in spans)


def _marks(span: Span) -> Span:
    return span.model_copy(update={"text": ""})


def _random_edit(text: str, rng: random.Random) -> str:
    tokens = tokenize(text)
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(tokens) + 1)
        action = rng.choice(("replace", "insert", "delete"))
        word = rng.choice(["new", "Docs", "minutes", "faster.", "Priya", " ", ", "])
        if action == "insert" or at == len(tokens):
            tokens.insert(at, word)
        elif action == "replace":
            tokens[at] = word
        else:
            del tokens[at]
    return "".join(tokens)


def test_tokenize_splits_words_spaces_and_punctuation():
    assert tokenize("It's 5 minutes, really!") == ["It's", " ", "5", " ", "minutes", ",", " ", "really", "!"]
    for text in ("  a\tb\n", "naïve café — “quoted”", "", "l’équipe d’accueil"):
        assert "".join(tokenize(text)) == text


def test_joined_tokens_always_give_the_text_back():
    rng = random.Random(17)
    for _ in range(500):
        text = "".join(rng.choice(UNICODE) for _ in range(rng.randint(0, 40)))
        assert "".join(tokenize(text)) == text


def test_an_apostrophe_inside_a_word_stays_in_it_and_quotes_around_it_do_not():
    assert tokenize("don’t") == ["don’t"]
    assert tokenize("'quoted'") == ["'", "quoted", "'"]
    assert tokenize("line\n\n\tnext") == ["line", "\n\n\t", "next"]


@pytest.mark.parametrize("text, expected", [
    ("cafe\u0301", "caf\u00e9"),
    ("Setup\u00a0in\u202f5", "Setup in 5"),
    ("Setup \t\n  in\r\n5", "Setup in 5"),
    ("\n  Setup in 5 \u00a0\n", "Setup in 5"),
])
def test_normalise_ignores_what_the_tools_change_on_their_own(text, expected):
    assert normalise(text) == expected


def test_normalise_keeps_real_changes_and_is_stable():
    assert normalise("Setup in 5 minutes") != normalise("Setup in 6 minutes")
    assert normalise("Setup in 5 minutes") != normalise("Setupin 5 minutes")
    rng = random.Random(23)
    for _ in range(200):
        text = "".join(rng.choice(UNICODE) for _ in range(rng.randint(0, 30)))
        assert normalise(normalise(text)) == normalise(text)


def test_char_opcodes_count_characters_not_tokens():
    assert char_opcodes("Setup in 5 minutes", "Setup in one hour") == [
        ("equal", 0, 9, 0, 9), ("replace", 9, 10, 9, 12), ("equal", 10, 11, 12, 13), ("replace", 11, 18, 13, 17)]


def test_char_opcodes_rebuild_the_new_text():
    rng = random.Random(11)
    words = ["help", "docs", " ", ", ", "answers", "fast", ".", "équipe", "l’aide", "\n", "😀"]
    for _ in range(300):
        before = "".join(rng.choice(words) for _ in range(rng.randint(0, 30)))
        after = "".join(rng.choice(words) for _ in range(rng.randint(0, 30)))
        opcodes = char_opcodes(before, after)
        rebuilt = "".join(after[j1:j2] if tag != "equal" else before[i1:i2] for tag, i1, i2, j1, j2 in opcodes)
        assert rebuilt == after
        assert "".join(before[i1:i2] for _, i1, i2, _, _ in opcodes) == before
        assert all(before[i1:i2] == after[j1:j2] for tag, i1, i2, j1, j2 in opcodes if tag == "equal")


@pytest.mark.parametrize("spans", [SPANS, RICH, (Span(text="Same "), Span(text="marks"))], ids=["spans", "rich", "split"])
def test_an_unchanged_text_keeps_every_run_as_it_was(spans):
    result = rewrite(spans, _text(spans))
    assert result.pieces == tuple(Piece(span, index) for index, span in enumerate(spans))
    assert result.lossy == ()


@pytest.mark.parametrize("index", [i for i, s in enumerate(RICH) if s.mention is None and re.search(r"\w", s.text)])
def test_editing_one_run_keeps_every_other_run_and_its_own_marks(index):
    word = re.search(r"\w+", RICH[index].text)
    edited = RICH[index].text[:word.start()] + "zebra" + RICH[index].text[word.end():]
    result = rewrite(RICH, _text(RICH[:index]) + edited + _text(RICH[index + 1:]))
    expected = [Piece(span.model_copy(update={"text": edited}) if i == index else span, i) for i, span in enumerate(RICH)]
    assert list(result.pieces) == expected
    assert result.lossy == ()


def test_a_replaced_word_takes_the_formatting_of_the_text_it_replaces():
    result = rewrite(SPANS, BEFORE.replace("5 minutes", "one hour"))
    assert Span(text="one hour", bold=True) in result.spans
    assert result.lossy == ()
    untouched = [s for s in SPANS if s is not BOLD]
    assert all(s in result.spans for s in untouched), "links and mentions are untouched"


def test_an_inserted_word_takes_the_formatting_of_the_run_before_it_or_after_it_at_the_start():
    inserted = rewrite(SPANS, BEFORE.replace("Read more", "Read more now"))
    assert Span(text="Read more now", href="https://example.com") in inserted.spans
    after_bold = rewrite(RICH, _text(RICH).replace("every team", "every team today"))
    assert Piece(Span(text="every team today", bold=True, underline=True), 3) in after_bold.pieces
    at_start = rewrite((BOLD, Span(text=" tops")), "Only 5 minutes tops")
    assert at_start.pieces[0] == Piece(Span(text="Only 5 minutes", bold=True), 0)


def test_text_right_after_a_mention_is_plain_text_and_the_mention_is_kept():
    result = rewrite(SPANS, BEFORE.replace("Docs.", "Docs page."))
    mention = next(p for p in result.pieces if p.span.mention)
    assert mention.span == SPANS[3] and mention.origin == 3
    added = next(p for p in result.pieces if "page" in p.span.text)
    assert added.span.mention is None and added.span.href is None and added.origin != 3
    assert result.lossy == ()


def test_text_after_a_mention_that_ends_the_block_is_a_new_plain_run():
    spans = (Span(text="See "), SPANS[3])
    result = rewrite(spans, "See Docs today")
    assert result.pieces == (Piece(spans[0], 0), Piece(spans[1], 1), Piece(Span(text=" today"), None))
    assert result.lossy == ()


def test_deleting_a_whole_mention_is_not_lossy():
    result = rewrite(SPANS, BEFORE.replace(": see Docs", ""))
    assert all(s.mention is None for s in result.spans) and result.lossy == ()


def test_deleting_text_that_mixed_formats_is_not_lossy():
    result = rewrite(SPANS, BEFORE.replace("5 minutes: see ", ""))
    assert result.lossy == ()
    assert _text(result.spans) == BEFORE.replace("5 minutes: see ", "")


@pytest.mark.parametrize("spans, after, reason", [
    (SPANS, BEFORE.replace("Docs", "Guides"), "mention 'Docs' would be replaced"),
    (SPANS, BEFORE.replace("5 minutes: see", "an hour, see"), "mixed formats"),
    (RICH, _text(RICH).replace("Priya Nair", "Priya Smith"), "part of the user mention"),
    (RICH, _text(RICH).replace("says Priya", "says"), "part of the user mention"),
    (RICH, _text(RICH).replace("Priya Nair", "Priya J. Nair"), "part of the user mention"),
], ids=["mention replaced", "mixed formats", "part of a mention changed", "part of a mention deleted",
        "words inserted inside a mention"])
def test_edits_that_cannot_keep_formatting_are_lossy(spans, after, reason):
    result = rewrite(spans, after)
    assert any(reason in loss for loss in result.lossy), result.lossy
    assert _text(result.spans) == after
    assert all(p.span.mention is None or p.span == spans[p.origin] for p in result.pieces)


def test_a_mention_turned_into_text_loses_its_link_with_it():
    spans = (Span(text="See "), Span(text="Linked page", mention=PAGE, href="https://www.notion.so/p1"))
    for after in ("See Linked new page", "See Linked", "See Guides"):
        result = rewrite(spans, after)
        assert result.lossy and all(s.href is None and s.mention is None for s in result.spans)


def test_the_runs_always_spell_the_new_text():
    rng = random.Random(3)
    for spans in (SPANS, RICH):
        for _ in range(300):
            after = _random_edit(_text(spans), rng)
            result = rewrite(spans, after)
            assert _text(result.spans) == after
            for piece in result.pieces:
                if piece.origin is not None:
                    assert _marks(piece.span) == _marks(spans[piece.origin]), "a continued run keeps its marks"
                if piece.span.mention is not None:
                    assert piece.span == spans[piece.origin], "a mention is only ever kept whole"


def test_empty_blocks_and_empty_texts():
    assert rewrite((), "Fresh text").pieces == (Piece(Span(text="Fresh text"), None),)
    assert rewrite((), "").pieces == () and rewrite((), "").lossy == ()
    emptied = rewrite(SPANS, "")
    assert emptied.pieces == () and emptied.lossy == ()
