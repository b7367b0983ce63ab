from __future__ import annotations

import html
import json
import random
import re

from connectors.document import Block, Document
from connectors.text import tokenize
from staging.diff import Op, diff_documents, diff_words, fold, ops_to_html, ops_to_json, summary
from tests.builders import make_document


def _replay(ops: tuple[Op, ...]) -> tuple[str, str]:
    before = "".join(op.text for op in ops if op.kind != "insert")
    after = "".join(op.text for op in ops if op.kind != "delete")
    return before, after


def test_word_diff_replays_to_both_texts():
    cases = [
        ("HelpHive is the chatbot for your docs.", "HelpHive is an AI support engineer."),
        ("", "new text"),
        ("old text", ""),
        ("same", "same"),
        ("Setup in 5 minutes.", "Setup in minutes."),
        ("Use <b> & \"quotes\"\n\tnext line", "Use <i> & 'quotes'\n\tnext  line"),
    ]
    for before, after in cases:
        assert _replay(diff_words(before, after)) == (before, after)


def test_changes_separated_only_by_spaces_read_as_one_replacement():
    ops = diff_words("HelpHive is the chatbot for your docs.", "HelpHive is an AI support engineer.")
    assert ops == (
        Op("equal", "HelpHive is "),
        Op("delete", "the chatbot for your docs"),
        Op("insert", "an AI support engineer"),
        Op("equal", "."),
    )


def test_unchanged_words_between_changes_stay_equal():
    ops = diff_words("the quick brown fox", "the slow brown dog")
    assert Op("equal", " brown ") in ops
    assert [op.kind for op in ops] == ["equal", "delete", "insert", "equal", "delete", "insert"]


def test_common_words_still_anchor_the_match():
    before = " ".join(["the"] * 300 + ["end"])
    after = " ".join(["the"] * 300 + ["finish"])
    ops = diff_words(before, after)
    assert ops[-2:] == (Op("delete", "end"), Op("insert", "finish"))


def test_document_diff_by_id_reports_changed_added_and_removed():
    old = make_document("one", "two", "three")
    new = Document(ref=old.ref, blocks=(old.blocks[0], old.blocks[1],
                                        old.blocks[2].model_copy(update={"text": "two and a half"}),
                                        Block(id="b9", kind="paragraph", text="four")))
    diffs = diff_documents(old, new)
    assert [(d.block_id, d.status) for d in diffs] == [
        ("title", "equal"), ("b1", "equal"), ("b2", "changed"), ("b3", "removed"), ("b9", "added")]
    assert summary(diffs) == {"changed": 1, "added": 1, "removed": 1, "words_inserted": 4, "words_deleted": 1}


def test_document_diff_by_text_pairs_blocks_without_stable_ids():
    old = make_document("Intro.", "Setup in 5 minutes.", "Outro.")
    shifted = make_document("New first paragraph.", "Intro.", "Setup in one afternoon.", "Outro.")
    renumbered = shifted.model_copy(update={"blocks": tuple(
        b.model_copy(update={"id": f"p{n}"}) for n, b in enumerate(shifted.blocks))})
    diffs = [d for d in diff_documents(old, renumbered, by="text") if d.status != "equal"]
    assert [(d.status, d.before, d.after) for d in diffs] == [
        ("added", "", "New first paragraph."),
        ("changed", "Setup in 5 minutes.", "Setup in one afternoon."),
    ]


def test_long_texts_are_aligned_by_sentence_then_word_and_still_round_trip():
    rng = random.Random(5)
    sentences = [" ".join(rng.choice(["help", "docs", "answers", "team", "fast", "the"]) for _ in range(12)) + "."
                 for _ in range(300)]
    before = " ".join(sentences)
    changed = list(sentences)
    changed[10] = changed[10].replace("docs", "guides", 1)
    del changed[200]
    after = " ".join(changed)
    ops = diff_words(before, after)
    assert "".join(op.text for op in ops if op.kind != "insert") == before
    assert "".join(op.text for op in ops if op.kind != "delete") == after
    changes = [(op.kind, op.text.strip()) for op in ops if op.kind != "equal"]
    assert changes == [("delete", "docs"), ("insert", "guides"), ("delete", sentences[200])], \
        "an unchanged sentence is never part of a change"


def test_html_marks_deletions_and_insertions_and_escapes_everything():
    ops = diff_words('Use <script> & "quotes"', "Use <style> & 'quotes'")
    rendered = ops_to_html(ops)
    assert "<script" not in rendered and "<style" not in rendered
    assert rendered.startswith("Use &lt;<del>script</del><ins>style</ins>&gt; &amp; ")
    assert rendered.count("<del>") == sum(op.kind == "delete" for op in ops) > 0
    assert rendered.count("<ins>") == sum(op.kind == "insert" for op in ops) > 0


def test_json_ops_give_both_texts_back():
    before, after = "Setup in 5 minutes.", "Setup in one afternoon."
    ops = ops_to_json(diff_words(before, after))
    assert "".join(o["text"] for o in ops if o["op"] != "insert") == before
    assert "".join(o["text"] for o in ops if o["op"] != "delete") == after


def test_long_texts_cut_at_line_breaks_and_sentence_ends_still_round_trip():
    rng = random.Random(9)
    vocabulary = ["help", "docs", "answers", "team", "3.5", "e.g.", "the", "“fast”", "don’t"]
    for _ in range(5):
        lines = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 12))) + rng.choice([".", "!", "?", ":", ""])
                 + rng.choice([" ", "\n", "\n\n", " \n", ""]) for _ in range(400)]
        before = "".join(lines)
        for _ in range(rng.randint(1, 20)):
            at = rng.randrange(len(lines))
            lines[at] = rng.choice(["", "new words. ", lines[at].replace(" ", "\n", 1), lines[at].upper()])
        after = "".join(lines)
        assert len(tokenize(before)) + len(tokenize(after)) > 2000, "the long-text path is the one under test"
        assert _replay(diff_words(before, after)) == (before, after)


def test_an_unchanged_line_is_never_part_of_a_change_in_a_long_text():
    rng = random.Random(13)
    lines = [f"Line {n}: " + " ".join(rng.choice(["help", "docs", "team", "the"]) for _ in range(10)) + "."
             for n in range(300)]
    changed = list(lines)
    changed[40] = changed[40].replace(":", " now:", 1)
    del changed[120]
    ops = diff_words("\n".join(lines), "\n".join(changed))
    edits = [op.text for op in ops if op.kind != "equal"]
    assert [line for line in lines if any(line in text for text in edits)] == [lines[120]]


def test_html_escapes_angle_brackets_ampersands_and_both_quotes():
    ops = (Op("equal", 'Say "hi" '), Op("delete", "<b>Tom</b>"), Op("insert", "Tom & 'Jerry'"), Op("equal", " >"))
    assert ops_to_html(ops) == ('Say &quot;hi&quot; <del>&lt;b&gt;Tom&lt;/b&gt;</del>'
                                '<ins>Tom &amp; &#x27;Jerry&#x27;</ins> &gt;')


def test_html_keeps_newlines_as_they_are():
    rendered = ops_to_html(diff_words("one\ntwo\n\nthree", "one\n2\n\nthree"))
    assert rendered == "one\n<del>two</del><ins>2</ins>\n\nthree"


def test_html_gives_both_texts_back():
    cases = [
        ('Use <script> & "quotes"', "Use <style> & 'quotes'"),
        ("a < b && c > d", "a <= b & c > d\nnew line"),
        ("", "<p>fresh</p>"),
        ("&amp; stays literal", ""),
    ]
    for before, after in cases:
        rendered = ops_to_html(diff_words(before, after))
        assert html.unescape(re.sub(r"<ins>.*?</ins>|</?del>", "", rendered, flags=re.S)) == before
        assert html.unescape(re.sub(r"<del>.*?</del>|</?ins>", "", rendered, flags=re.S)) == after


def test_json_ops_are_plain_data_in_diff_order():
    ops = diff_words("Setup in 5 minutes.", "Setup in one afternoon.")
    rendered = ops_to_json(ops)
    assert json.loads(json.dumps(rendered)) == rendered
    assert [(o["op"], o["text"]) for o in rendered] == [(op.kind, op.text) for op in ops]
    assert {o["op"] for o in rendered} == {"equal", "delete", "insert"}


def test_fold_keeps_changes_in_context_and_the_whole_text():
    words = [f"w{i}" for i in range(200)]
    before = " ".join(words)
    after = before.replace("w100", "CHANGED")
    folded = fold(diff_words(before, after), keep=5)
    assert [op.kind for op in folded] == ["fold", "equal", "delete", "insert", "equal", "fold"]
    assert folded[1].text.split() == words[95:100] and folded[4].text.split() == words[101:106]
    assert "".join(op.text for op in folded if op.kind != "insert") == before
    assert "".join(op.text for op in folded if op.kind != "delete") == after
    rendered = ops_to_html(folded)
    assert rendered.count('<details class="fold">') == 2 and "… 95 unchanged words …" in rendered


def test_short_stretches_and_unchanged_texts_are_not_folded():
    ops = diff_words("a short sentence here", "a long sentence here")
    assert fold(ops, keep=5) == list(ops)
    unchanged = diff_words(" ".join(["same"] * 100), " ".join(["same"] * 100))
    assert fold(unchanged, keep=5) == list(unchanged)
