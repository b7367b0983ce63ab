"""Word diffs as the app draws them: inline, side by side, and the three-way conflict view,
formatted (bold, italics, code, links and mentions of each side, from the block's runs:
staging/marked.py), with the changed words marked.

Changed words are highlighted; long unchanged stretches are folded (click to open). Every
text and link address is remote and untrusted: each is escaped (`html.escape` after
`literal.visible`), and a link is drawn as link-styled text with its address in a tooltip,
never as a live `<a>` a click would follow."""

from __future__ import annotations

import html
from itertools import groupby
from typing import Iterable, Sequence

import streamlit as st

from connectors.document import Block, Span
from connectors.text import tokenize
from staging import literal, marked
from staging.marked import Run

STYLE = """<style>
.cd-diff { font-size: 0.95rem; line-height: 1.6; white-space: pre-wrap; padding: .5rem .75rem;
           border: 1px solid rgba(128,128,128,.25); border-radius: .4rem; }
.cd-diff ins { background: #d3f5d8; color: #0b5d1e; text-decoration: none; padding: 0 1px; }
.cd-diff del { background: #fbd9d7; color: #8c1c13; padding: 0 1px; margin-right: 3px; }
.cd-diff details.fold { display: inline; color: #777; }
.cd-diff details.fold summary { display: inline; cursor: pointer; font-style: italic; }
.cd-diff code { font-size: .88em; background: rgba(128,128,128,.12); padding: 0 .2em; border-radius: .2em; }
.cd-link { color: #1a5fb4; text-decoration: underline; cursor: help; }
.cd-mention { color: #6b4fbb; }
.cd-near { font-size: .88rem; color: #8a8a8a; white-space: pre-wrap; margin: .1rem .75rem; }
.stTextArea textarea { font-size: 0.95rem; }
.cd-label { font-size: .8rem; color: #777; text-transform: uppercase; letter-spacing: .04em; }
</style>"""
NEAR_CHARACTERS = 160  # of a neighbouring block: enough to place the edit, not a second edit


def style() -> None:
    st.html(STYLE)


def inline(before: str | Sequence[Span], after: str | Sequence[Span]) -> None:
    st.html(box(marked.runs(_spans(before), _spans(after))))


def side_by_side(before: str | Sequence[Span], after: str | Sequence[Span]) -> None:
    old, new = _spans(before), _spans(after)
    left, right = st.columns(2)
    with left:
        st.html('<div class="cd-label">before</div>'
                + box([r for r in marked.runs(old, new, formatted_as="before") if r.kind != "insert"]))
    with right:
        st.html('<div class="cd-label">after</div>' + box([r for r in marked.runs(old, new) if r.kind != "delete"]))


def three_way(base: str | Sequence[Span], proposed: str | Sequence[Span], remote: str | None) -> None:
    """Base, the proposal (against base) and the tool now (against base), side by side."""
    columns = st.columns(3)
    old = _spans(base)
    panes = (("base (when staged)", box([Run("equal", s) for s in old])),
             ("proposed", box(marked.runs(old, _spans(proposed)))),
             ("in the tool now", box(marked.runs(old, _spans(remote))) if remote is not None
              else '<div class="cd-diff"><em>block deleted</em></div>'))
    for column, (label, pane) in zip(columns, panes):
        with column:
            st.html(f'<div class="cd-label">{html.escape(label)}</div>{pane}')


def near(block: Block | None, *, before: bool) -> None:
    """A neighbouring block, dimmed and cut to its end (`before`) or its start."""
    if block is None:
        return
    text = block.text.strip()
    if len(text) <= NEAR_CHARACTERS:
        st.html(f'<div class="cd-near">{runs_html(Run("equal", s) for s in block.spans or (Span(text=text),))}</div>')
        return
    cut = "…" + text[-NEAR_CHARACTERS:] if before else text[:NEAR_CHARACTERS] + "…"
    st.html(f'<div class="cd-near">{html.escape(literal.visible(cut))}</div>')


def box(runs: Iterable[Run]) -> str:
    return f'<div class="cd-diff">{runs_html(runs)}</div>'


def runs_html(runs: Iterable[Run]) -> str:
    """Escaped HTML: each run with its marks, deletions in <del>, insertions in <ins>, folded
    stretches in a <details> that opens on a click."""
    parts = []
    for kind, group in groupby(runs, key=lambda r: r.kind):
        spans = [r.span for r in group]
        inner = "".join(span_html(s) for s in spans)
        if kind == "fold":
            words = sum(1 for t in tokenize("".join(s.text for s in spans)) if t[0].isalnum())
            parts.append(f'<details class="fold"><summary>… {words} unchanged words …</summary>{inner}</details>')
        elif kind == "equal":
            parts.append(inner)
        else:
            tag = "del" if kind == "delete" else "ins"
            parts.append(f"<{tag}>{inner}</{tag}>")
    return "".join(parts)


def span_html(span: Span) -> str:
    text = html.escape(literal.visible(span.text))
    for mark, tag in ((span.code, "code"), (span.bold, "strong"), (span.italic, "em"), (span.strikethrough, "s"),
                      (span.underline, "u")):
        if mark and text.strip():
            text = f"<{tag}>{text}</{tag}>"
    if span.mention is not None:
        text = f'<span class="cd-mention">{text}</span>'
    elif span.href:
        text = f'<span class="cd-link" title="{html.escape(literal.visible(span.href), quote=True)}">{text}</span>'
    return text


def _spans(value: str | Sequence[Span] | None) -> tuple[Span, ...]:
    if isinstance(value, str):
        return (Span(text=value),) if value else ()
    return tuple(value or ())
