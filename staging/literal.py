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
- `json_text`: JSON whose hidden characters are `\\uXXXX` escapes: the same value for a
  parser, nothing acting in a terminal (json.dumps leaves U+202E or a lone surrogate raw).
"""

from __future__ import annotations

import json
import re
import unicodedata

# Categories a terminal or browser acts on instead of drawing: Cc controls (ESC starts CSI and
# OSC sequences), Cf format characters (bidi overrides and isolates, zero-width characters),
# Cs lone surrogates (which no encoder can write), Zl/Zp line and paragraph separators.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_KEPT = frozenset("\n\t")
# Characters that can be in those categories: everything but tab, newline and the ranges of
# printable ASCII, Latin-1 (less the soft hyphen) and Latin to Hebrew, which hold none. Only
# these are looked up, so the usual text costs one regex scan.
_SUSPECT = re.compile("[^\t\n\x20-\x7e\xa0-\xac\xae-\u05ff]")
# ASCII punctuation that can begin Markdown syntax somewhere in CommonMark, GFM (autolinks such
# as `www.x.example`, tables, strikethrough) or Streamlit (directives, `:material/…:`, `$math$`);
# the other four (`,;?%`) and the quotes never do, so they stay unescaped for a readable report.
_MARKDOWN_ESCAPES = str.maketrans({ch: "\\" + ch for ch in "!#$&()*+-./:<=>@[\\]^_`{|}~"})
# GFM's autolink literals (`https://…`, `www.…`, `name@host`) are looked for in the parsed
# text, where backslash escapes are gone (Streamlit links them all): a word joiner (U+2060,
# zero-width) between the scheme or `www` and what follows, and before `@`, keeps them text.
_AUTOLINK_SCHEME = re.compile(r"(?i)(?:https?|mailto|xmpp)(?=:)|www(?=\.)")
_WORD_JOINER = "\u2060"


def visible(text: str) -> str:
    """`text` with every character that would act rather than show written as its escape."""
    return _SUSPECT.sub(_shown, text)


def markdown(text: str) -> str:
    """`text` as Markdown that renders to exactly `text` (with `visible`'s escapes; links
    that a renderer would find in it hold an invisible word joiner)."""
    unlinked = _AUTOLINK_SCHEME.sub(lambda scheme: scheme.group() + _WORD_JOINER, visible(text))
    return unlinked.replace("@", _WORD_JOINER + "@").translate(_MARKDOWN_ESCAPES)


def json_text(text: str) -> str:
    """JSON text (from json.dumps with ensure_ascii=False) with its hidden characters escaped."""
    return _SUSPECT.sub(_json_escaped, text)


def is_hidden(ch: str) -> bool:
    """Whether a renderer would act on `ch` (or drop it) instead of drawing it."""
    return ch not in _KEPT and unicodedata.category(ch) in _HIDDEN_CATEGORIES


def _shown(match: re.Match[str]) -> str:
    ch = match.group()
    return ch.encode("unicode_escape").decode("ascii") if is_hidden(ch) else ch


def _json_escaped(match: re.Match[str]) -> str:
    ch = match.group()
    return json.dumps(ch)[1:-1] if is_hidden(ch) else ch
