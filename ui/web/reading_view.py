"""A stored document drawn as it read: headings, paragraphs, lists, tables and formatting.

History shows a whole page at any revision, so a reviewer sees what readers saw, not a list of
blocks. Every piece of remote text is escaped here (`literal.visible`, then HTML-escaped) and
links are shown, not followed: a page's `href` is untrusted and stays in a tooltip (runs are drawn
as diffs draw them, `diffs.span_html`; the page needs `diffs.style()` too).
"""

from __future__ import annotations

import html
from itertools import groupby
from typing import Iterable, Iterator

from connectors.document import Block, Document, Span
from staging import literal
from ui.web import diffs

STYLE = """<style>
.cd-page { font-size: 0.98rem; line-height: 1.55; padding: .75rem 1.25rem; max-height: 70vh; overflow-y: auto;
           border: 1px solid rgba(128,128,128,.25); border-radius: .4rem; }
.cd-page h1 { font-size: 1.6rem; margin: .2rem 0 .6rem; } .cd-page h2 { font-size: 1.3rem; margin: 1rem 0 .4rem; }
.cd-page h3 { font-size: 1.12rem; margin: .9rem 0 .3rem; } .cd-page h4 { font-size: 1rem; margin: .8rem 0 .3rem; }
.cd-page p { margin: .35rem 0; } .cd-page ul, .cd-page ol { margin: .2rem 0 .5rem; padding-left: 1.4rem; }
.cd-page blockquote { margin: .5rem 0; padding: .4rem .8rem; border-left: 3px solid #c9c9c9; background: rgba(128,128,128,.06); }
.cd-page table { border-collapse: collapse; margin: .5rem 0; font-size: .92rem; }
.cd-page td, .cd-page th { border: 1px solid rgba(128,128,128,.35); padding: .25rem .5rem; vertical-align: top; }
.cd-page th { background: rgba(128,128,128,.08); text-align: left; }
.cd-page { white-space: normal; } .cd-page p, .cd-page li, .cd-page td { white-space: pre-wrap; }
.cd-page .cd-field { font-size: .75rem; color: #777; text-transform: uppercase; letter-spacing: .04em; margin-top: .8rem; }
.cd-page .cd-note { color: #777; font-style: italic; }
</style>"""

_LIST_KINDS = {"list_item", "to_do"}


def page_html(doc: Document) -> str:
    """The whole document as escaped HTML, in reading order."""
    return f'<div class="cd-page">{"".join(_parts(doc.blocks))}</div>'


def spans_html(spans: Iterable[Span]) -> str:
    return "".join(diffs.span_html(span) for span in spans)


def _parts(blocks: tuple[Block, ...]) -> Iterator[str]:
    field = None
    header = True  # a table without a table block before it (Google Docs): its first row reads as the header
    for group_kind, group in groupby(blocks, key=_group):
        members = list(group)
        label = members[0].attrs.get("label") or members[0].attrs.get("field")
        if label and label != field:
            yield f'<div class="cd-field">{_text(str(label))}</div>'
        field = label or field
        if group_kind == "list":
            yield _list(members)
        elif group_kind.startswith("table:"):
            yield _table(members, header)
            header = True
        else:
            if members[0].kind == "table":
                header = bool(members[0].attrs.get("column_header"))
            yield from (_block(block) for block in members)


def _group(block: Block) -> str:
    """Consecutive list items form one list, consecutive cells of one table one table."""
    if block.kind in _LIST_KINDS:
        return "list"
    if block.kind == "cell":
        return f"table:{block.attrs.get('table', '')}"
    return f"block:{block.id}"


def _block(block: Block) -> str:
    body = _content(block)
    kind = block.kind
    if kind == "title":
        return f"<h1>{body}</h1>"
    if kind.startswith("heading"):
        level = min(4, int(block.attrs.get("level") or (kind[-1] if kind[-1].isdigit() else 1)) + 1)
        return f"<h{level}>{body}</h{level}>"
    if kind in ("quote", "callout"):
        return f"<blockquote>{body}</blockquote>"
    if kind == "code":
        return f"<pre><code>{_text(block.text)}</code></pre>"
    if kind == "divider":
        return "<hr>"
    if kind == "table":
        return ""  # its cells follow and draw it
    if kind == "child_page":
        return f"<p>📄 {body}</p>"
    if kind == "slug":
        return f'<p class="cd-note">/{_text(block.text)}</p>'
    if not block.text:
        url = block.attrs.get("url")
        return f'<p class="cd-note">[{_text(kind)}{": " + _text(str(url)) if url else ""}]</p>' if url else ""
    return f"<p>{body}</p>"


def _list(items: list[Block]) -> str:
    """Nested lists by depth; each run of one depth is ordered or bulleted as its first item."""
    out: list[str] = []
    open_tags: list[str] = []
    for item in items:
        depth = max(0, item.depth - items[0].depth)
        while len(open_tags) > depth + 1:
            out.append(f"</{open_tags.pop()}>")
        while len(open_tags) < depth + 1:
            tag = "ol" if item.attrs.get("ordered") else "ul"
            open_tags.append(tag)
            out.append(f"<{tag}>")
        box = ("☑ " if item.attrs.get("checked") else "☐ ") if item.kind == "to_do" else ""
        out.append(f"<li>{box}{_content(item)}</li>")
    out.extend(f"</{tag}>" for tag in reversed(open_tags))
    return "".join(out)


def _table(cells: list[Block], header: bool) -> str:
    rows: dict[object, dict[int, list[str]]] = {}
    for cell in cells:
        row = rows.setdefault(cell.attrs.get("row"), {})
        row.setdefault(int(cell.attrs.get("column", 0)), []).append(_content(cell))
    width = max((max(r) + 1 for r in rows.values() if r), default=0)
    lines = []
    for number, row in enumerate(rows.values()):
        tag = "th" if number == 0 and header else "td"
        lines.append("<tr>" + "".join(f"<{tag}>{'<br>'.join(row.get(c, []))}</{tag}>" for c in range(width)) + "</tr>")
    return f"<table>{''.join(lines)}</table>"


def _content(block: Block) -> str:
    return spans_html(block.spans) if block.spans else _text(block.text)


def _text(text: str) -> str:
    return html.escape(literal.visible(text)).replace("\n", "<br>")
