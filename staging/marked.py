"""Formatted text with the changes marked: the word diff of `staging.diff` laid over a
block's runs, so bold, italics, code and links show on both sides of an edit.

The new text's runs are the ones the connector will write: the block's formatting carried
over word by word (`connectors.text.rewrite`, the same call apply makes), or, for a revert or
restore, the stored block it puts back run for run. So what a reviewer sees formatted is
what the tool will show. `will_read` does this for a whole document, for the preview of an
apply or a revert.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

from connectors.document import Block, Document, Edit, Span
from connectors.text import rewrite
from staging.diff import OpKind, diff_words, fold


@dataclass(frozen=True)
class Run:
    """A stretch of text with one set of marks, and whether the edit keeps, deletes or inserts
    it (or folds it away, unchanged)."""

    kind: OpKind
    span: Span


@dataclass(frozen=True)
class Shown:
    """A block of the document as it will read; `runs` marks what the edit changes in it,
    empty for a block the edit leaves alone."""

    block: Block
    runs: tuple[Run, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.runs)


def spans_of(block: Block | None, text: str) -> tuple[Span, ...]:
    """The block's runs when they still spell `text`, else `text` unformatted."""
    if block is not None and "".join(s.text for s in block.spans) == text:
        return block.spans
    return (Span(text=text),) if text else ()


def new_spans(block: Block | None, after: str, target: Block | None = None) -> tuple[Span, ...]:
    """The runs `after` will be written with: the target block's own (revert, restore), or
    the block's formatting carried over to the new words."""
    if target is not None and "".join(s.text for s in target.spans) == after:
        return target.spans
    if block is None or not block.spans:
        return (Span(text=after),) if after else ()
    return rewrite(block.spans, after).spans


def runs(before: Sequence[Span], after: Sequence[Span], *, formatted_as: Literal["before", "after"] = "after",
         folded: bool = True) -> list[Run]:
    """The word diff of the two texts, each stretch cut along the runs of its side; unchanged
    stretches take the formatting of `formatted_as`'s side (the new text's, by default), and
    long ones are folded when `folded`."""
    old, new = "".join(s.text for s in before), "".join(s.text for s in after)
    ops = diff_words(old, new)
    out: list[Run] = []
    at_old = at_new = 0
    for op in fold(ops) if folded else ops:
        size = len(op.text)
        if op.kind == "delete":
            out.extend(Run("delete", s) for s in _cut(before, at_old, at_old + size))
            at_old += size
        elif op.kind == "insert":
            out.extend(Run("insert", s) for s in _cut(after, at_new, at_new + size))
            at_new += size
        else:
            side, start = (before, at_old) if formatted_as == "before" else (after, at_new)
            out.extend(Run(op.kind, s) for s in _cut(side, start, start + size))
            at_old += size
            at_new += size
    return out


def will_read(document: Document, edits: Sequence[Edit]) -> list[Shown]:
    """Every block of `document` (the tool's now) as it will read once `edits` are written,
    the edited ones with their changes marked."""
    by_block = {edit.block_id: edit for edit in edits}
    shown = []
    for block in document.blocks:
        edit = by_block.get(block.id)
        if edit is None:
            shown.append(Shown(block))
            continue
        after = new_spans(block, edit.after, edit.target)
        written = block.model_copy(update={"text": edit.after, "spans": after})
        shown.append(Shown(written, tuple(runs(block.spans or spans_of(None, block.text), after, folded=False))))
    return shown


def _cut(spans: Sequence[Span], start: int, end: int) -> list[Span]:
    """The runs covering characters `start`..`end` of the joined text, trimmed to them."""
    cut, offset = [], 0
    for span in spans:
        low, high = max(start, offset), min(end, offset + len(span.text))
        if low < high:
            cut.append(span.model_copy(update={"text": span.text[low - offset:high - offset]}))
        offset += len(span.text)
    return cut
