"""The two rules that make untrusted text literal (staging/literal.py)."""

from __future__ import annotations

import json
import re
import string

from markdown_it import MarkdownIt

from staging.literal import is_hidden, json_text, markdown, visible


def test_hidden_characters_become_escapes_and_the_rest_is_kept():
    assert visible("a\x1b[8mb\u202ec\u200bd\ud800\te\nf") == "a\\x1b[8mb\\u202ec\\u200bd\\ud800\te\nf"
    assert visible("Café, naïve — ok 🐝") == "Café, naïve — ok 🐝"


def test_markdown_renders_back_to_the_text_and_forms_nothing():
    assert markdown("![x](http://h/p.png) <b> :red[x] $x$") == (
        "\\!\\[x\\]\\(http\u2060\\:\\/\\/h\\/p\\.png\\) \\<b\\> \\:red\\[x\\] \\$x\\$")
    assert MarkdownIt("commonmark").renderInline(markdown("*a* [b](c) `d` <e> &amp;")) == (
        "*a* [b](c) `d` &lt;e&gt; &amp;amp;")


def test_markdown_of_any_punctuation_reads_back_as_written():
    reader = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    for text in (string.punctuation, "1. item", "# not a heading", "---", "www.evil.example", "a@b.example",
                 "&amp; &#60;", "| a | b |", "~~gone~~", "```", "<https://evil.example>"):
        html_text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
        assert reader.render(markdown(text)).replace("\u2060", "") == f"<p>{html_text}</p>\n", text


def test_no_autolink_can_form_though_the_text_reads_the_same():
    """GFM finds `https://…`, `www.…` and `a@b.c` in the parsed text, escapes resolved."""
    for text in ("https://evil.example", "HTTP://evil.example", "www.evil.example", "login@evil.example",
                 "mailto:a@evil.example"):
        rendered = MarkdownIt("commonmark").renderInline(markdown(text))
        assert not re.search(r"(?i)(https?://|www\.|\w@|mailto:)", rendered), rendered
        assert rendered.replace("\u2060", "") == text


def test_every_hidden_character_in_unicode_is_shown_as_an_escape():
    """`visible` looks up only characters outside the ranges known to hold none: this checks
    that no control, format, surrogate or separator character lies inside those ranges."""
    missed = [f"U+{c:04X}" for c in range(0x110000) if is_hidden(chr(c)) and visible(chr(c)) == chr(c)]
    assert missed == []


def test_json_text_escapes_hidden_characters_and_parses_to_the_same_value():
    value = {"title": "a\u202eb\x85c\u2028d\ud800 é 🐝"}
    text = json_text(json.dumps(value, ensure_ascii=False))
    assert not any(is_hidden(ch) for ch in text)
    assert json.loads(text) == value
