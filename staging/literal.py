"""Untrusted text made literal: what a renderer needs so remote text is shown, never obeyed.

Page titles and text, names, briefs, model answers and the error messages quoting them come
from people and tools copydesk does not control. Shown as they are, they would act: a
Markdown image is a tracking pixel, a link a phishing button, `<img onerror>` script in a
mailed report, an ESC sequence hidden text or a hidden hyperlink in a terminal, U+202E text
that reads backwards. Each renderer applies one rule from here (the terminal adds Rich's own
escaping in `ui/terminal.py`):

- `visible`: control, format (bidi, zero-width), separator and surrogate characters become
  their Python escapes (`\\x1b`, `\\u202e`), so a reader sees they are there.
- `markdown`: `visible`, then each ASCII punctuation character that can start Markdown syntax
  backslash-escaped, which CommonMark (and GFM, and Streamlit's directives `:red[…]`,
  `:material/…:` and `$math$`) reads as that literal character: no link, image, HTML or
  emphasis can form; a zero-width word joiner inside `https://`, `www.` and `a@b` stops
  GFM's autolinks, which ignore escapes.
"""

from __future__ import annotations

import re
import unicodedata

# Categories a terminal or browser acts on instead of drawing: Cc controls (ESC starts CSI and
# OSC sequences), Cf format characters (bidi overrides and isolates, zero-width characters),
# Cs lone surrogates (which no encoder can write), Zl/Zp line and paragraph separators.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_KEPT = frozenset("\n\t")
# ASCII punctuation that can begin Markdown syntax somewhere in CommonMark, GFM (autolinks such
# as `www.x.example`, tables, strikethrough) or Streamlit (directives, `:material/…:`, `$math$`);
# the other four (`,;?%`) and the quotes never do, so they stay unescaped for a readable report.
_MARKDOWN_PUNCTUATION = re.compile(r"([!#$&()*+\-./:<=>@\[\\\]^_`{|}~])")
# GFM's autolink literals (`https://…`, `www.…`, `name@host`) are looked for in the parsed
# text, where backslash escapes are gone (Streamlit links them all): a word joiner (U+2060,
# zero-width) between the scheme or `www` and what follows, and before `@`, keeps them text.
_AUTOLINK_TRIGGER = re.compile(r"(?i)(?<=https)(?=:)|(?<=http)(?=:)|(?<=mailto)(?=:)|(?<=xmpp)(?=:)"
                               r"|(?<=www)(?=\.)|(?=@)")
_WORD_JOINER = "\u2060"


def visible(text: str) -> str:
    """`text` with every character that would act rather than show written as its escape."""
    if text.isprintable():  # the common case: nothing to look at character by character
        return text
    return "".join(_shown(ch) for ch in text)


def markdown(text: str) -> str:
    """`text` as Markdown that renders to exactly `text` (with `visible`'s escapes; links
    that a renderer would find in it hold an invisible word joiner)."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", _AUTOLINK_TRIGGER.sub(_WORD_JOINER, visible(text)))


def _shown(ch: str) -> str:
    if ch in _KEPT or unicodedata.category(ch) not in _HIDDEN_CATEGORIES:
        return ch
    return ch.encode("unicode_escape").decode("ascii")
