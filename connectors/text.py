"""Word tokens, and carrying a block's formatting across a text edit.

Shared by staging (to show diffs and to warn of lossy edits before apply) and by every
connector (to build the tool's rich text on apply), so both always agree on what an edit
does to a block's runs.

A new text is aligned with the old one word by word. Untouched words keep their run (and
so their marks, links and mentions); a replaced word takes the formatting of the text it
replaces; an inserted word takes the formatting of the run before it (or after it, at the
start). An edit is lossy when that cannot reproduce the author's formatting exactly: the
replaced text mixed formats, or a mention or equation was cut into or turned into text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Sequence

from connectors.document import Mention, Span

_TOKEN = re.compile(r"\w+(?:['’]\w+)*|\s+|[^\w\s]", re.UNICODE)
_SPACE = re.compile(r"\s+")


def tokenize(text: str) -> list[str]:
    """Words, whitespace runs and single punctuation marks; joined, they give `text` back."""
    return _TOKEN.findall(text)


def normalise(text: str) -> str:
    """Text as compared for conflicts: Unicode NFC, whitespace runs as one space, trimmed.

    Tools re-encode whitespace and composed characters on their own (non-breaking spaces,
    trailing newlines), which is not a change anyone made."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def char_opcodes(before: str, after: str) -> list[tuple[str, int, int, int, int]]:
    """difflib opcodes over word tokens, with offsets in characters instead of tokens."""
    a, b = tokenize(before), tokenize(after)
    a_at, b_at = _offsets(a), _offsets(b)
    return [
        (tag, a_at[i1], a_at[i2], b_at[j1], b_at[j2])
        for tag, i1, i2, j1, j2 in token_opcodes(a, b)
    ]


# Above this many tokens, sentences are aligned first and words only within changed
# sentences: SequenceMatcher is quadratic on long inputs with repetitive words.
_LONG_TEXT = 400
_SENTENCE_END = {".", "!", "?"}


def token_opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib opcodes aligning two token lists; long texts sentence by sentence first."""
    if len(a) + len(b) <= _LONG_TEXT:
        return _matched(a, b)
    cuts_a, cuts_b = _sentence_cuts(a), _sentence_cuts(b)
    keys_a = ["".join(a[s:e]) for s, e in zip(cuts_a, cuts_a[1:])]
    keys_b = ["".join(b[s:e]) for s, e in zip(cuts_b, cuts_b[1:])]
    opcodes = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, keys_a, keys_b, autojunk=False).get_opcodes():
        a1, a2, b1, b2 = cuts_a[i1], cuts_a[i2], cuts_b[j1], cuts_b[j2]
        if tag == "equal":
            opcodes.append(("equal", a1, a2, b1, b2))
            continue
        for sub, k1, k2, m1, m2 in _matched(a[a1:a2], b[b1:b2]):
            opcodes.append((sub, a1 + k1, a1 + k2, b1 + m1, b1 + m2))
    return opcodes


def _matched(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """SequenceMatcher's opcodes, with the tokens both sides start and end with set aside
    first: one edit in a 100,000-character sentence aligns only what changed, instead of
    the whole sentence (quadratic: minutes)."""
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[len(a) - 1 - tail] == b[len(b) - 1 - tail]:
        tail += 1
    middle: list[tuple[str, int, int, int, int]] = [
        (tag, head + i1, head + i2, head + j1, head + j2) for tag, i1, i2, j1, j2 in
        SequenceMatcher(None, a[head:len(a) - tail], b[head:len(b) - tail], autojunk=False).get_opcodes()]
    if head:
        middle.insert(0, ("equal", 0, head, 0, head))
    if tail:
        middle.append(("equal", len(a) - tail, len(a), len(b) - tail, len(b)))
    return middle



def _sentence_cuts(tokens: list[str]) -> list[int]:
    """Token offsets where sentences start, plus the end.

    A sentence keeps the whitespace after it: cut off, each space or line break would be a
    "sentence" of its own, the same key a thousand times over, and SequenceMatcher is
    quadratic in repeated keys.
    """
    cuts = [0]
    for index in range(1, len(tokens)):
        previous = tokens[index - 1]
        if "\n" in previous or (previous.isspace() and index > 1 and tokens[index - 2] in _SENTENCE_END):
            cuts.append(index)
    cuts.append(len(tokens))
    return cuts


def _offsets(tokens: list[str]) -> list[int]:
    offsets = [0]
    for token in tokens:
        offsets.append(offsets[-1] + len(token))
    return offsets


@dataclass(frozen=True)
class Piece:
    """A run of the new text. `origin` is the index of the old run it continues (same marks,
    same native run in the tool), or None for a run that is new."""

    span: Span
    origin: int | None


@dataclass(frozen=True)
class Rewrite:
    pieces: tuple[Piece, ...]
    lossy: tuple[str, ...]

    @property
    def spans(self) -> tuple[Span, ...]:
        return tuple(p.span for p in self.pieces)


def rewrite(spans: Sequence[Span], after: str) -> Rewrite:
    """The runs of `after`, formatted from `spans` (the block's runs now)."""
    before = "".join(s.text for s in spans)
    owner = [index for index, span in enumerate(spans) for _ in span.text]
    starts = _offsets([s.text for s in spans])
    pieces: list[Piece] = []
    lossy: list[str] = []
    for tag, i1, i2, j1, j2 in char_opcodes(before, after):
        if tag == "equal":
            pieces.extend(_kept(spans, owner, starts, i1, i2))
            continue
        covered = sorted(set(owner[i1:i2])) or _cut(owner, i1)
        lossy.extend(_losses(spans, starts, covered, i1, i2, replacing=j2 > j1))
        if j2 > j1:
            source = covered[0] if covered else _neighbour(owner, i1)
            pieces.append(_new_piece(spans, source, after[j1:j2]))
    return Rewrite(tuple(_merge(pieces)), tuple(lossy))


def _kept(spans: Sequence[Span], owner: list[int], starts: list[int], start: int, end: int) -> list[Piece]:
    """Unchanged text, cut along the old runs. A mention cut in two is text from then on."""
    pieces = []
    while start < end:
        index = owner[start]
        span = spans[index]
        stop = min(end, starts[index] + len(span.text))
        text = span.text[start - starts[index]:stop - starts[index]]
        if span.mention is not None and text != span.text:
            pieces.append(Piece(_as_text(span, text), None))
        else:
            pieces.append(Piece(span.model_copy(update={"text": text}), index))
        start = stop
    return pieces


def _cut(owner: list[int], at: int) -> list[int]:
    """The run an insertion falls inside, not at an edge of: an insertion cuts it in two."""
    return [owner[at]] if 0 < at < len(owner) and owner[at - 1] == owner[at] else []


def _neighbour(owner: list[int], at: int) -> int | None:
    if at > 0:
        return owner[at - 1]
    return owner[0] if owner else None


def _new_piece(spans: Sequence[Span], source: int | None, text: str) -> Piece:
    if source is None:
        return Piece(Span(text=text), None)
    span = spans[source]
    if span.mention is not None:
        return Piece(_as_text(span, text), None)
    return Piece(span.model_copy(update={"text": text}), source)


def _as_text(span: Span, text: str) -> Span:
    """A mention's marks on plain text. Its link goes with it: a tool sets a mention's link
    to the thing mentioned (Notion: the page's URL), so kept, it would turn words into a link."""
    return span.model_copy(update={"text": text, "mention": None, "href": None})


def _losses(spans: Sequence[Span], starts: list[int], covered: list[int], start: int, end: int,
            *, replacing: bool) -> list[str]:
    losses = []
    if replacing and len({_marks(spans[i]) for i in covered}) > 1:
        losses.append(f"{spans[covered[0]].text.strip()[:40]!r}: the replaced text mixed formats; "
                      "the new text takes the first one's")
    for index in covered:
        span = spans[index]
        if span.mention is None:
            continue
        whole = starts[index] >= start and starts[index] + len(span.text) <= end
        if not whole:
            losses.append(f"part of the {span.mention.type} mention {span.text!r} changed; it would become plain text")
        elif replacing:
            losses.append(f"the {span.mention.type} mention {span.text!r} would be replaced by plain text")
    return losses


def _marks(span: Span) -> tuple[bool, bool, bool, bool, bool, str | None, str | None, Mention | None]:
    return (span.bold, span.italic, span.strikethrough, span.underline, span.code, span.color, span.href, span.mention)


def _merge(pieces: list[Piece]) -> list[Piece]:
    merged: list[Piece] = []
    for piece in pieces:
        previous = merged[-1] if merged else None
        if previous is not None and _joinable(previous, piece):
            merged[-1] = Piece(previous.span.model_copy(update={"text": previous.span.text + piece.span.text}),
                               previous.origin if previous.origin is not None else piece.origin)
        else:
            merged.append(piece)
    return merged


def _joinable(left: Piece, right: Piece) -> bool:
    if left.span.mention is not None or right.span.mention is not None:
        return False
    same_origin = left.origin == right.origin or None in (left.origin, right.origin)
    return same_origin and _marks(left.span) == _marks(right.span)
