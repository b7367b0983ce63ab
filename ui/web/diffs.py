"""Word diffs as the app draws them: inline, side by side, and the three-way conflict view.

Changed words are highlighted; long unchanged stretches are folded (click to open)."""

from __future__ import annotations

import html

import streamlit as st

from staging.diff import Op, diff_words, fold, ops_to_html

STYLE = """<style>
.cd-diff { font-size: 0.95rem; line-height: 1.6; white-space: pre-wrap; padding: .5rem .75rem;
           border: 1px solid rgba(128,128,128,.25); border-radius: .4rem; }
.cd-diff ins { background: #d3f5d8; color: #0b5d1e; text-decoration: none; padding: 0 1px; }
.cd-diff del { background: #fbd9d7; color: #8c1c13; padding: 0 1px; margin-right: 3px; }
.cd-diff details.fold { display: inline; color: #777; }
.cd-diff details.fold summary { display: inline; cursor: pointer; font-style: italic; }
.stTextArea textarea { font-size: 0.95rem; }
.cd-label { font-size: .8rem; color: #777; text-transform: uppercase; letter-spacing: .04em; }
</style>"""


def style() -> None:
    st.html(STYLE)


def inline(before: str, after: str) -> None:
    st.html(_box(diff_words(before, after)))


def side_by_side(before: str, after: str) -> None:
    ops = diff_words(before, after)
    left, right = st.columns(2)
    with left:
        st.html('<div class="cd-label">before</div>' + _box([o for o in ops if o.kind != "insert"]))
    with right:
        st.html('<div class="cd-label">after</div>' + _box([o for o in ops if o.kind != "delete"]))


def three_way(base: str, proposed: str, remote: str | None) -> None:
    """Base, the proposal (against base) and the tool now (against base), side by side."""
    columns = st.columns(3)
    panes = (("base (when staged)", _box([Op("equal", base)])),
             ("proposed", _box(diff_words(base, proposed))),
             ("in the tool now", _box(diff_words(base, remote)) if remote is not None
              else '<div class="cd-diff"><em>block deleted</em></div>'))
    for column, (label, box) in zip(columns, panes):
        with column:
            st.html(f'<div class="cd-label">{html.escape(label)}</div>{box}')


def _box(ops) -> str:  # type: ignore[no-untyped-def]
    return f'<div class="cd-diff">{ops_to_html(fold(ops))}</div>'
