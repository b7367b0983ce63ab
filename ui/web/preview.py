""""Preview apply" and "Preview revert": a dry run against the tool now, shown as the
document will read afterwards (each changed block formatted, in its place among the blocks
around it, the changes marked), with the raw requests folded away in an expander.

The dry run is the real apply or revert up to the write (`staging.apply`, `dry_run=True`):
it reads the tool, so a colleague's edit since staging shows here as a conflict at once, on
the click that asked for the preview (not as a flashed message after the next click)."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Sequence

import streamlit as st

from connectors.document import Document
from connectors.errors import Conflict, CopydeskError
from staging import apply as applying
from staging import changesets, context, literal, marked
from staging.marked import Run, Shown
from staging.models import Changeset
from ui.web import diffs
from ui.web.session import Workspace

CONTEXT_BLOCKS = 1  # unchanged blocks shown before and after each changed one

STYLE = """<style>
.cd-doc { border: 1px solid rgba(128,128,128,.25); border-radius: .4rem; padding: .6rem 1rem; line-height: 1.6; }
.cd-doc .cd-block { margin: .35rem 0; white-space: pre-wrap; }
.cd-doc .cd-changed { border-left: 3px solid #2f9e44; padding-left: .6rem; }
.cd-doc .cd-heading { font-weight: 650; font-size: 1.05rem; }
.cd-doc .cd-where { font-size: .8rem; color: #777; }
.cd-doc .cd-gap { color: #aaa; text-align: center; letter-spacing: .3em; }
.cd-doc ins { background: #d3f5d8; color: #0b5d1e; text-decoration: none; padding: 0 1px; }
.cd-doc del { background: #fbd9d7; color: #8c1c13; padding: 0 1px; margin-right: 3px; }
</style>"""


@dataclass(frozen=True)
class Preview:
    """A dry run's result for one changeset in one status: the document as it will read, or
    why it cannot be written."""

    operation: str
    status: str
    shown: list[Shown] = field(default_factory=list)
    writes: list[dict[str, Any]] = field(default_factory=list)
    base: Document | None = None  # the changeset's base revision, to say where each block is
    error: str = ""
    conflicts: dict[str, str | None] = field(default_factory=dict)  # block id: its text in the tool now
    expected: dict[str, str] = field(default_factory=dict)  # block id: what the changeset expected it to read


def dry_run(ws: Workspace, changeset: Changeset, operation: str, *, actor: str) -> None:
    """Run the dry run now and keep its result for this session (`show` draws it)."""
    run = applying.apply if operation == "apply" else applying.revert
    result = Preview(operation, changeset.status)
    try:
        base = ws.store.load(changesets.revision_of(ws.store, changeset.base_revision_id))
        result = Preview(operation, changeset.status, base=base)
        outcome = run(ws.store, ws.connector(changeset.source), changeset.id, actor=actor, dry_run=True)
    except Conflict as conflict:
        expected = {r.block_id: r.before if operation == "apply" else r.after
                    for r in changesets.edits(ws.store, changeset.id)}
        result = Preview(operation, changeset.status, base=result.base, error="conflict", conflicts=conflict.remote,
                         expected=expected)
    except CopydeskError as error:
        result = Preview(operation, changeset.status, base=result.base, error=str(error))
    else:
        if outcome.document is not None:
            result = Preview(operation, changeset.status, shown=marked.will_read(outcome.document, outcome.edits),
                             writes=outcome.writes, base=base)
    st.session_state[_key(changeset.id)] = result


def forget(changeset_id: int) -> None:
    st.session_state.pop(_key(changeset_id), None)


def show(changeset: Changeset) -> None:
    """The last preview of this changeset, while it is still in the status it was made in."""
    result: Preview | None = st.session_state.get(_key(changeset.id))
    if result is None or result.status != changeset.status:
        return
    if result.error == "conflict":
        _conflict(result)
        return
    if result.error:
        st.error(literal.markdown(result.error))
        return
    changed = sum(1 for s in result.shown if s.changed)
    st.subheader(f"As it will read after the {result.operation}")
    st.caption(f"Dry run against the tool as it is now: {changed} block(s) change, marked below; nothing was "
               "written.")
    st.html(STYLE + document_html(result.shown))
    with st.expander(f"Requests that will be sent ({len(result.writes)})"):
        for write in result.writes:
            places = ", ".join(_label(result, b) for b in write.get("blocks", []))
            st.caption(literal.markdown(f"{write['method']} {write['path']} · {places}"))
            st.json(write["body"], expanded=False)


def document_html(shown: Sequence[Shown], *, around: int = CONTEXT_BLOCKS) -> str:
    """The changed blocks with `around` unchanged blocks either side, in document order; a
    gap mark where blocks are left out. Everything escaped (diffs.runs_html)."""
    readable = [s for s in shown if s.block.text.strip() and s.block.kind != "slug"]
    keep = sorted({i for index, s in enumerate(readable) if s.changed
                   for i in range(max(0, index - around), min(len(readable), index + around + 1))})
    parts, previous = [], -1
    document = Document.model_construct(blocks=tuple(s.block for s in shown))
    for index in keep:
        if index != previous + 1:
            parts.append('<div class="cd-gap">⋯</div>')
        parts.append(_block_html(readable[index], document))
        previous = index
    if keep and keep[-1] != len(readable) - 1:
        parts.append('<div class="cd-gap">⋯</div>')
    return f'<div class="cd-doc">{"".join(parts)}</div>'


def _block_html(item: Shown, document: Document) -> str:
    block = item.block
    runs = item.runs or tuple(Run("equal", s) for s in block.spans or ())
    body = diffs.runs_html(runs) if runs else html.escape(literal.visible(block.text))
    classes = ["cd-block"]
    if context.heading_level(block.kind, block.attrs) is not None or block.kind == "title":
        classes.append("cd-heading")
    if item.changed:
        classes.append("cd-changed")
    where = ""
    if item.changed:
        place = context.place(document, block.id, block.kind)
        line = " · ".join(p for p in (place.label, place.path, place.cell) if p)
        where = f'<div class="cd-where">{html.escape(literal.visible(line))}</div>'
    prefix = "• " if block.kind in ("list_item", "to_do") else ""
    return f'<div class="{" ".join(classes)}">{where}{prefix}{body}</div>'


def _conflict(result: Preview) -> None:
    """The blocks a colleague changed in the tool since staging, each by its place, with what
    it reads now against what the changeset expected."""
    count = len(result.conflicts)
    st.error(f"Conflict: {count} block(s) changed in the tool since this changeset was staged, so it cannot be "
             f"{'applied' if result.operation == 'apply' else 'reverted'} as it is. Nothing was written; "
             f"{result.operation.capitalize()} would stop at this conflict and offer to settle it.")
    for block_id, remote in result.conflicts.items():
        st.markdown(f"**{literal.markdown(_label(result, block_id))}** · what it reads in the tool now, against "
                    "what this changeset expected:")
        if remote is None:
            st.caption("The block was deleted in the tool.")
        else:
            diffs.inline(result.expected.get(block_id, ""), remote)


def _label(result: Preview, block_id: str) -> str:
    document = result.base if result.base is not None else Document.model_construct(
        blocks=tuple(s.block for s in result.shown))
    return context.place(document, block_id).line()


def _key(changeset_id: int) -> str:
    return f"preview-{changeset_id}"
