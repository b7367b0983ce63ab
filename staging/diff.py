"""Word-level diff: one engine for `copydesk diff`, changesets and the review app.

Text is split into words, whitespace runs and single punctuation marks (the tokeniser the
connectors use to carry formatting across an edit, so a diff and an apply always agree), and
the standard library's `difflib.SequenceMatcher` (with autojunk off, so frequent words like "the" still
anchor the match) aligns the tokens (`connectors.text.token_opcodes`, sentence by sentence first in long
texts). Documents are aligned block by block first: by block id
when the tool's ids are stable (Notion, Webflow), by text otherwise (Google Docs paragraphs).
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass
from difflib import SequenceMatcher
from typing import Any, Literal, Sequence

from connectors.document import Block, Document
from connectors.registry import capabilities
from connectors.text import token_opcodes, tokenize
from staging.literal import visible

OpKind = Literal["equal", "insert", "delete", "fold"]  # fold: an unchanged stretch shown folded


@dataclass(frozen=True)
class Op:
    kind: OpKind
    text: str


@dataclass(frozen=True)
class BlockDiff:
    status: Literal["equal", "changed", "added", "removed"]
    block_id: str
    kind: str
    before: str
    after: str
    ops: tuple[Op, ...]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def diff_words(before: str, after: str) -> tuple[Op, ...]:
    """Equal/delete/insert runs that turn `before` into `after` (joined, they give both).

    Changes separated only by whitespace are merged into one delete and one insert, so a
    rewritten phrase reads as one replacement rather than word-by-word confetti.
    """
    a, b = tokenize(before), tokenize(after)
    opcodes = token_opcodes(a, b)
    ops: list[Op] = []
    deleted, inserted = "", ""
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        between_changes = 0 < index < len(opcodes) - 1
        if tag == "equal" and not (between_changes and "".join(a[i1:i2]).isspace()):
            _flush(ops, deleted, inserted)
            deleted, inserted = "", ""
            _push(ops, "equal", "".join(a[i1:i2]))
            continue
        deleted += "".join(a[i1:i2])
        inserted += "".join(b[j1:j2])
    _flush(ops, deleted, inserted)
    return tuple(ops)


def fold(ops: Sequence[Op], *, keep: int = 12) -> list[Op]:
    """Unchanged stretches longer than 2 × `keep` words cut down to the `keep` words on each
    side of a change; the middle becomes a `fold` op, so a long paragraph with one changed
    word reads as that word in context. Joined, the ops still give the whole text."""
    if all(op.kind == "equal" for op in ops):
        return list(ops)  # nothing changed: there is no change to show in context
    folded: list[Op] = []
    for index, op in enumerate(ops):
        tokens = tokenize(op.text)
        words = [i for i, t in enumerate(tokens) if t[0].isalnum()]
        head = keep if index > 0 else 0
        tail = keep if index < len(ops) - 1 else 0
        if op.kind != "equal" or len(words) <= head + tail + keep:
            folded.append(op)
            continue
        start = words[head] if head else 0
        end = words[len(words) - tail] if tail else len(tokens)
        pieces: tuple[tuple[OpKind, list[str]], ...] = (
            ("equal", tokens[:start]), ("fold", tokens[start:end]), ("equal", tokens[end:]))
        for kind, part in pieces:
            if part:
                folded.append(Op(kind, "".join(part)))
    return folded


def ops_to_html(ops: Sequence[Op]) -> str:
    """Escaped HTML for the review app: deletions in <del>, insertions in <ins>, folded
    stretches in a <details> that opens on a click."""
    parts = []
    for op in ops:
        text = html.escape(visible(op.text))
        if op.kind == "fold":
            words = sum(1 for t in tokenize(op.text) if t[0].isalnum())
            parts.append(f'<details class="fold"><summary>… {words} unchanged words …</summary>{text}</details>')
        elif op.kind == "equal":
            parts.append(text)
        else:
            tag = "del" if op.kind == "delete" else "ins"
            parts.append(f"<{tag}>{text}</{tag}>")
    return "".join(parts)


def ops_to_json(ops: Sequence[Op]) -> list[dict[str, str]]:
    return [{"op": op.kind, "text": op.text} for op in ops]


def _flush(ops: list[Op], deleted: str, inserted: str) -> None:
    if deleted:
        _push(ops, "delete", deleted)
    if inserted:
        _push(ops, "insert", inserted)


def _push(ops: list[Op], kind: OpKind, text: str) -> None:
    if ops and ops[-1].kind == kind:
        ops[-1] = Op(kind, ops[-1].text + text)
    else:
        ops.append(Op(kind, text))


def diff_documents(old: Document, new: Document, *, by: Literal["id", "text"] = "id") -> list[BlockDiff]:
    """Every block of both documents, in the new document's order, with what changed."""
    keys_old = [_key(b, by) for b in old.blocks]
    keys_new = [_key(b, by) for b in new.blocks]
    result: list[BlockDiff] = []
    matcher = SequenceMatcher(None, keys_old, keys_new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            result.extend(_pair(old.blocks[i], new.blocks[j]) for i, j in zip(range(i1, i2), range(j1, j2)))
            continue
        if tag == "replace" and by == "text":
            paired = min(i2 - i1, j2 - j1)
            result.extend(_pair(old.blocks[i1 + k], new.blocks[j1 + k]) for k in range(paired))
            i1, j1 = i1 + paired, j1 + paired
        result.extend(_removed(old.blocks[i]) for i in range(i1, i2))
        result.extend(_added(new.blocks[j]) for j in range(j1, j2))
    return result


def alignment(tool: str) -> Literal["id", "text"]:
    """How to pair a tool's blocks across revisions: by id, or by text where the tool's
    paragraphs have no ids of their own (copydesk numbers them, so one inserted paragraph
    would renumber every one after it)."""
    return capabilities(tool).alignment


def _key(block: Block, by: str) -> str:
    return block.id if by == "id" else f"{block.kind}\x00{block.text}"


def _pair(old: Block, new: Block) -> BlockDiff:
    if old.text == new.text:
        return BlockDiff("equal", new.id, new.kind, old.text, new.text, (Op("equal", new.text),) if new.text else ())
    return BlockDiff("changed", new.id, new.kind, old.text, new.text, diff_words(old.text, new.text))


def _removed(block: Block) -> BlockDiff:
    return BlockDiff("removed", block.id, block.kind, block.text, "", (Op("delete", block.text),) if block.text else ())


def _added(block: Block) -> BlockDiff:
    return BlockDiff("added", block.id, block.kind, "", block.text, (Op("insert", block.text),) if block.text else ())


def summary(diffs: list[BlockDiff]) -> dict[str, int]:
    """Counts of changed/added/removed blocks and inserted/deleted words."""
    counts = {"changed": 0, "added": 0, "removed": 0, "words_inserted": 0, "words_deleted": 0}
    for d in diffs:
        if d.status != "equal":
            counts[d.status] += 1
        for op in d.ops:
            words = sum(1 for t in tokenize(op.text) if t[0].isalnum() or t[0] == "_")
            if op.kind == "insert" and d.status != "equal":
                counts["words_inserted"] += words
            elif op.kind == "delete":
                counts["words_deleted"] += words
    return counts
