"""Edits → one Docs `batchUpdate`: re-resolving ordinal block ids, then text ranges and styles.

Docs paragraphs have no ids, so an edit's block id (`p0007`, `t.abc123/p0007` on another
tab) is only where the paragraph was. `resolve` finds it again: the block at that id if it
still reads `edit.before`, else the one block of the same tab and segment that does (a
paragraph inserted above shifts every ordinal below it; that is not a conflict).

`plan_batch` turns each edit's word-level diff (`connectors.text.char_opcodes`, the
alignment staging's diffs show) into deletes and inserts on UTF-16 index ranges, and every
inserted piece is restyled with the full native text style of the run it continues, chosen
by `connectors.text.rewrite` as for every tool, so fonts, colours and links survive along
with bold and italic. A revert or restore (`edit.target`) instead writes the target's runs
back exactly, each with its own style. Paragraphs are written from the end of the document
backwards, each paragraph's ranges from its end too, so no request moves an index that a
later request uses; a paragraph of a header, footer or footnote is addressed through its
`segmentId` (indexes from 0 in each segment), and re-resolved only within its segment; a
paragraph of a tab through its `tabId` (from `attrs["tab"]`; none in a one-tab document,
which Docs sends to its only tab), each tab indexed on its own: the whole write is one
atomic request, checked against the revision
the plan was made from (`writeControl.requiredRevisionId`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Sequence

from connectors.document import Block, Document, Edit
from connectors.errors import ConfigError, Conflict
from connectors.gdocs.normalise import block_segment, block_tab, newline_style, text_runs, utf16_len
from connectors.preflight import PlannedEdit
from connectors.text import Piece, char_opcodes, normalise, rewrite


@dataclass(frozen=True)
class Batch:
    """The batchUpdate for one document, conditional on `revision_id`, and what it would lose
    beyond `rewrite`'s report (block id → reasons; empty when the edits keep every style)."""

    document_id: str
    revision_id: str
    requests: list[dict[str, Any]]
    losses: dict[str, list[str]] = field(default_factory=dict)

    @property
    def body(self) -> dict[str, Any]:
        return {"requests": self.requests, "writeControl": {"requiredRevisionId": self.revision_id}}

    def as_request(self) -> dict[str, Any]:
        return {"method": "POST", "path": f"/v1/documents/{self.document_id}:batchUpdate", "body": self.body}


def resolve(current: Document, edits: Sequence[Edit]) -> list[Edit]:
    """`edits` with each block id pointing at the paragraph that reads `edit.before` now.

    An edit whose paragraph cannot be found, or found more than once, raises `Conflict`
    (nothing is written), with the remote text at the staged id, as preflight reports it."""
    wanted = {edit.block_id: normalise(edit.before) for edit in edits}
    in_place = {e.block_id for e in edits if (b := current.block(e.block_id)) is not None
                and normalise(b.text) == wanted[e.block_id]}
    taken = set(in_place)
    resolved, mismatched = [], {}
    for edit in edits:
        if edit.block_id in in_place:
            resolved.append(edit)
            continue
        candidates = [b for b in current.blocks if b.id not in taken and wanted[edit.block_id]
                      and normalise(b.text) == wanted[edit.block_id] and _same_shape(b, edit)]
        if len(candidates) == 1:
            taken.add(candidates[0].id)
            resolved.append(edit.model_copy(update={"block_id": candidates[0].id}))
        else:
            block = current.block(edit.block_id)
            mismatched[edit.block_id] = None if block is None else block.text
    if mismatched:
        title = current.ref.title or current.ref.remote_id
        raise Conflict(
            f"{len(mismatched)} paragraph(s) of {title!r} no longer read what the changeset expects "
            f"({', '.join(sorted(mismatched))}); nothing was written. Pull, then compare base, proposed and "
            "remote text with `copydesk changeset show`.",
            remote=mismatched,
            in_app=f"{len(mismatched)} {'text' if len(mismatched) == 1 else 'texts'} of {title!r} changed in the tool "
            "since this changeset was staged; nothing was written. Compare the proposed text with the tool's below.",
        )
    return resolved


def _same_shape(block: Block, edit: Edit) -> bool:
    """A moved paragraph stays in its header, footer, footnote or the body (the part of its id
    before the last "/"), and in or out of a table; a target also names its kind."""
    container, _, local = edit.block_id.rpartition("/")
    if block.id.rpartition("/")[0] != container:
        return False
    staged_cell = local.startswith("t") and ".r" in local
    if (block.kind == "cell") != staged_cell:
        return False
    return edit.target is None or edit.target.kind == block.kind


def plan_batch(document_id: str, revision_id: str, planned: Sequence[PlannedEdit]) -> Batch:
    """One batchUpdate writing every planned edit (block ids already resolved)."""
    requests: list[dict[str, Any]] = []
    losses: dict[str, list[str]] = {}
    for item in sorted(planned, key=lambda p: _start(p.block), reverse=True):
        if "\n" in (item.edit.target.text if item.edit.target is not None else item.edit.after):
            raise ConfigError(f"The new text of {item.edit.block_id} has a line break; copydesk writes one "
                              "paragraph per block, so split it into separate edits.")
        if item.edit.target is not None and item.edit.target.raw.get("paragraph"):
            requests.extend(_addressed(_restore(item.block, item.edit.target), item.block))
            continue
        # No target, or one without native runs to restore: carry the current formatting over.
        carried = item.rewrite or rewrite(item.block.spans, item.edit.after)
        new_requests, mixed = _carry(item.block, item.edit.after, carried.pieces)
        requests.extend(_addressed(new_requests, item.block))
        if mixed and not item.edit.allow_lossy:
            losses[item.edit.block_id] = mixed
    return Batch(document_id, revision_id, requests, losses)


def _addressed(requests: list[dict[str, Any]], block: Block) -> list[dict[str, Any]]:
    """The requests with the block's `segmentId` (none for the body) and `tabId` (none in a
    one-tab document) in every Location and Range.

    Each segment of each tab indexes from 0 on its own, so paragraphs of different segments
    or tabs never move each other's indexes and the end-first order of the plan holds within
    each one."""
    where = {key: value for key, value in (("segmentId", block_segment(block)), ("tabId", block_tab(block)))
             if value}
    if not where:
        return requests
    return [{kind: {key: {**value, **where} if key in ("range", "location") else value
                    for key, value in body.items()}}
            for request in requests for kind, body in request.items()]


# -- one paragraph ----------------------------------------------------------------------------


class _Paragraph:
    """A paragraph's runs, and where each character of its text sits in the document."""

    def __init__(self, block: Block) -> None:
        self.runs = text_runs(block.raw)
        self.text = "".join(r["textRun"]["content"] for r in self.runs)
        if self.text != block.text:
            raise ConfigError(f"Block {block.id} is not plain text runs; copydesk does not write it.")
        self.start = _start(block)
        self.owner = [n for n, run in enumerate(self.runs) for _ in run["textRun"]["content"]]
        self.newline = newline_style(block.raw)

    def index(self, offset: int) -> int:
        """The document index (UTF-16) of character `offset` of the paragraph's text."""
        return self.start + utf16_len(self.text[:offset])

    def style(self, run: int | None) -> dict[str, Any]:
        return self.newline if run is None else self.runs[run]["textRun"].get("textStyle") or {}


def _carry(block: Block, after: str, pieces: Sequence[Piece]) -> tuple[list[dict[str, Any]], list[str]]:
    """Deletes and inserts for `block.text → after`, each insert styled like its origin run.

    Returns the requests and what a replacement would lose beyond what `rewrite` reports:
    replaced text spanning runs whose native styles differ (a font or size) while their
    marks agree."""
    paragraph = _Paragraph(block)
    origins = _origins(pieces)
    requests: list[dict[str, Any]] = []
    mixed: list[str] = []
    for tag, i1, i2, j1, j2 in reversed(char_opcodes(paragraph.text, after)):
        if tag == "equal":
            continue
        start, end = paragraph.index(i1), paragraph.index(i2)
        if end > start:
            requests.append(_delete(start, end))
        if j2 > j1:
            covered = sorted(set(paragraph.owner[i1:i2]))
            if len({_key(paragraph.style(n)) for n in covered}) > 1:
                mixed.append(f"{paragraph.text[i1:i2].strip()[:40]!r}: the replaced text mixed fonts or colours; "
                             "the new text takes the first run's")
            text = after[j1:j2]
            requests.append(_insert(start, text))
            requests.append(_style(start, start + utf16_len(text), paragraph.style(origins[j1])))
    return requests, mixed


def _restore(block: Block, target: Block) -> list[dict[str, Any]]:
    """Turn the paragraph's text into the target's, then give every run the target's style."""
    paragraph = _Paragraph(block)
    runs = text_runs(target.raw)
    text = "".join(r["textRun"]["content"] for r in runs)
    requests: list[dict[str, Any]] = []
    for tag, i1, i2, j1, j2 in reversed(char_opcodes(paragraph.text, text)):
        if tag == "equal":
            continue
        start, end = paragraph.index(i1), paragraph.index(i2)
        if end > start:
            requests.append(_delete(start, end))
        if j2 > j1:
            requests.append(_insert(start, text[j1:j2]))
    at = paragraph.start
    for run in runs:
        length = utf16_len(run["textRun"]["content"])
        requests.append(_style(at, at + length, run["textRun"].get("textStyle") or {}))
        at += length
    target_newline = newline_style(target.raw)
    if _key(target_newline) != _key(paragraph.newline):
        requests.append(_style(at, at + 1, target_newline))
    return requests


def _origins(pieces: Sequence[Piece]) -> list[int | None]:
    """For each character of the new text, the old run its piece continues (see rewrite)."""
    origins: list[int | None] = []
    for piece in pieces:
        origins.extend([piece.origin] * len(piece.span.text))
    return origins


def _start(block: Block) -> int:
    elements = (block.raw.get("paragraph") or {}).get("elements") or [{}]
    return int(block.raw.get("startIndex", elements[0].get("startIndex", 0)))


def _key(style: dict[str, Any]) -> str:
    return json.dumps(style, sort_keys=True)


def _delete(start: int, end: int) -> dict[str, Any]:
    return {"deleteContentRange": {"range": {"startIndex": start, "endIndex": end}}}


def _insert(index: int, text: str) -> dict[str, Any]:
    return {"insertText": {"location": {"index": index}, "text": text}}


def _style(start: int, end: int, style: dict[str, Any]) -> dict[str, Any]:
    """Set exactly `style` on the range: fields "*" resets whatever `style` leaves out to the
    paragraph's inherited value, which is what documents.get reports as an absent key."""
    return {"updateTextStyle": {"range": {"startIndex": start, "endIndex": end}, "textStyle": style, "fields": "*"}}
