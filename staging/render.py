"""A document as readable Markdown, for `copydesk show` and for people reviewing history."""

from __future__ import annotations

from connectors.document import Block, Document, Span

_BULLET = {False: "-", True: "1."}


def to_markdown(doc: Document) -> str:
    lines: list[str] = []
    row: list[str] = []
    row_id = None
    header_pending = False
    for block in doc.blocks:
        if row and (block.kind != "cell" or block.attrs.get("row") != row_id):
            lines.extend(_table_row(row, header_pending))
            row, header_pending = [], False
        if block.kind == "cell":
            row_id = block.attrs.get("row")
            row.append(spans_to_markdown(block.spans) or block.text)
            continue
        if block.kind == "table":
            header_pending = bool(block.attrs.get("column_header"))
        lines.extend(_block_lines(block))
    if row:
        lines.extend(_table_row(row, header_pending))
    return "\n".join(lines).strip() + "\n"


def _table_row(cells: list[str], is_header: bool) -> list[str]:
    line = "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"
    return [line, "|" + "---|" * len(cells)] if is_header else [line]


def _block_lines(block: Block) -> list[str]:
    text = spans_to_markdown(block.spans) if block.spans else block.text
    indent = "  " * block.depth
    kind = block.kind
    if kind == "title":
        return [f"# {text}", ""]
    if kind == "heading":
        return ["", f"{'#' * (int(block.attrs.get('level', 1)) + 1)} {text}", ""]
    if kind == "list_item":
        return [f"{indent}{_BULLET[bool(block.attrs.get('ordered'))]} {text}"]
    if kind == "to_do":
        return [f"{indent}- [{'x' if block.attrs.get('checked') else ' '}] {text}"]
    if kind == "toggle":
        return [f"{indent}▸ {text}"]
    if kind in ("quote", "callout"):
        return [f"{indent}> {text}", ""]
    if kind == "code":
        return [f"{indent}```{block.attrs.get('language', '')}", *[indent + line for line in block.text.splitlines()],
                f"{indent}```", ""]
    if kind == "divider":
        return ["---", ""]
    if kind == "child_page":
        return [f"{indent}📄 {block.text}", ""]
    if kind == "table":
        return [""]
    if not block.text:
        url = block.attrs.get("url")
        return [f"{indent}[{kind}: {url}]", ""] if url else []
    return [f"{indent}{text}", ""]


def spans_to_markdown(spans: tuple[Span, ...]) -> str:
    out = []
    for span in spans:
        text = span.text
        if not text.strip():
            out.append(text)
            continue
        lead, core, trail = text[: len(text) - len(text.lstrip())], text.strip(), text[len(text.rstrip()) :]
        if span.code:
            core = f"`{core}`"
        if span.bold:
            core = f"**{core}**"
        if span.italic:
            core = f"*{core}*"
        if span.strikethrough:
            core = f"~~{core}~~"
        if span.href and not span.mention:
            core = f"[{core}]({span.href})"
        out.append(lead + core + trail)
    return "".join(out)
