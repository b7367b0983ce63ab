"""Webflow HTML (RichText fields, static-page text nodes) as blocks, and byte-exact patches of it.

Webflow stores copy as HTML strings. To write one paragraph back without disturbing anything
else (classes, `data-w-id` attributes, entity spellings, links), the HTML is parsed into a
tree that keeps every tag's exact source text, and an edit re-serialises only the text runs
of the one edited element: tags are copied verbatim, unchanged characters keep their source
spelling (`&nbsp;` stays `&nbsp;`), and only new characters are escaped.

Parsing uses the standard library's `html.parser` (no dependency): its events tile the input
exactly, so every node knows its source slice.

Nothing here recurses: a field of 3,000 nested `<span>`s is as deep as a remote likes, and
each walk keeps its own stack instead of Python's, which would end in `RecursionError`.

A *unit* is one block's element (a `<p>`, a heading, one `<li>`, or a whole page text node).
Its *runs* are, in reading order, the text between tags (one span each, marks from the
enclosing inline tags) and structural breaks: `<br>` and the boundary between two block
elements read as "\\n". Breaks are spans with a `Mention`, so `connectors.text.rewrite`
reports cutting or replacing one as lossy, like a Notion mention.
"""

from __future__ import annotations

import html as htmllib
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from html.parser import HTMLParser
from typing import Iterator, Sequence

from connectors.document import Mention, Span
from connectors.text import Piece, tokenize

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
BLOCK = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "figure", "figcaption", "div",
         "pre", "table", "thead", "tbody", "tr", "td", "th", "hr", "section", "article", "header", "footer"}
LISTS = {"ul", "ol"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_NOT_INLINE = BLOCK | VOID
_MARKS = {"strong": "bold", "b": "bold", "em": "italic", "i": "italic", "u": "underline", "s": "strikethrough",
          "strike": "strikethrough", "del": "strikethrough", "code": "code"}
LINE_BREAK = Mention(type="line_break")
BLOCK_BREAK = Mention(type="block_break")


@dataclass
class Element:
    tag: str
    open: str  # exact source of the start tag ("" for the root of a fragment)
    close: str = ""  # exact source of the end tag ("" when void or left open)
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)

    @property
    def source(self) -> str:
        return "".join(_source_parts(self))


@dataclass
class Text:
    """Text between two tags: its decoded characters, each with its source spelling."""

    chars: list[tuple[str, str]]  # (decoded, source); an entity's extra decoded chars have source ""

    @property
    def text(self) -> str:
        return "".join(d for d, _ in self.chars)

    @property
    def source(self) -> str:
        return "".join(s for _, s in self.chars)


@dataclass
class Raw:
    """Comments, declarations and stray end tags: kept verbatim, never text."""

    source: str


Node = Element | Text | Raw


def child_source(node: Node) -> str:
    return node.source


def _source_parts(node: Node) -> Iterator[str]:
    """The node's source, piece by piece in order: start tags, text, end tags."""
    stack: list[Node | str] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, Element):
            yield item.open
            stack.append(item.close)
            stack.extend(reversed(item.children))
        else:
            yield item.source


def offset_of(root: Element, wanted: Node) -> int:
    """Where `wanted` starts in the source of `root` (the tree tiles its source)."""
    at = 0
    stack: list[Node | str] = [root]
    while stack:
        item = stack.pop()
        if item is wanted:
            return at
        if isinstance(item, str):
            at += len(item)
        elif isinstance(item, Element):
            at += len(item.open)
            stack.append(item.close)
            stack.extend(reversed(item.children))
        else:
            at += len(item.source)
    raise ValueError("element not in this tree")


# -- parsing ------------------------------------------------------------------------------------


class _TreeBuilder(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.src = source
        self.line_starts = [0] + [i + 1 for i, c in enumerate(source) if c == "\n"]
        self.events: list[tuple[int, str, str, dict[str, str | None]]] = []

    def _at(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append((self._at(), "start", tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append((self._at(), "void", tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.events.append((self._at(), "end", tag, {}))

    def handle_data(self, data: str) -> None:
        self.events.append((self._at(), "data", "", {}))

    def handle_entityref(self, name: str) -> None:
        self.events.append((self._at(), "entity", "", {}))

    def handle_charref(self, name: str) -> None:
        self.events.append((self._at(), "entity", "", {}))

    def handle_comment(self, data: str) -> None:
        self.events.append((self._at(), "raw", "", {}))

    def handle_decl(self, decl: str) -> None:
        self.events.append((self._at(), "raw", "", {}))

    def handle_pi(self, data: str) -> None:
        self.events.append((self._at(), "raw", "", {}))

    def unknown_decl(self, data: str) -> None:
        self.events.append((self._at(), "raw", "", {}))


def parse(source: str) -> Element:
    """The fragment as a tree under a root with no tags; `parse(s).source == s` always."""
    builder = _TreeBuilder(source)
    builder.feed(source)
    builder.close()
    root = Element(tag="", open="")
    stack = [root]
    open_tags: Counter[str] = Counter()  # tags on the stack, so an end tag finds its start in O(1)
    events = builder.events
    for index, (start, kind, tag, attrs) in enumerate(events):
        end = events[index + 1][0] if index + 1 < len(events) else len(source)
        text = source[start:end]
        top = stack[-1]
        if kind in ("data", "entity"):
            chars = [(c, c) for c in text] if kind == "data" else _entity_chars(text)
            if top.children and isinstance(top.children[-1], Text):
                top.children[-1].chars.extend(chars)
            else:
                top.children.append(Text(chars))
        elif kind == "start" and tag not in VOID:
            element = Element(tag=tag, open=text, attrs=attrs)
            top.children.append(element)
            stack.append(element)
            open_tags[tag] += 1
        elif kind in ("start", "void"):
            top.children.append(Element(tag=tag, open=text, attrs=attrs))
        elif kind == "end" and open_tags[tag]:
            while stack[-1].tag != tag:  # close what was left open inside it
                open_tags[stack.pop().tag] -= 1
            open_tags[tag] -= 1
            stack.pop().close = text
        else:  # comments, declarations, an end tag nothing opened
            top.children.append(Raw(text))
    if root.source != source:  # html.parser's events tile the input; never expected
        raise ValueError("HTML could not be parsed losslessly")
    return root


def _entity_chars(source: str) -> list[tuple[str, str]]:
    decoded = htmllib.unescape(source)
    if not decoded:
        return [("", source)]
    return [(decoded[0], source)] + [(c, "") for c in decoded[1:]]


# -- units and runs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """One block's element (or a whole fragment) and where it sits among its siblings."""

    node: Node
    kind: str
    depth: int = 0
    attrs: tuple[tuple[str, object], ...] = ()


@dataclass
class Run:
    """A text node of the unit, or a structural break (`node` None for a block boundary)."""

    span: Span
    node: Text | Element | None


def field_units(root: Element) -> list[Unit]:
    """A RichText field's blocks: each top-level element, each `<li>` of a list (nested
    lists one level deeper), and any bare top-level text that is not whitespace."""
    units: list[Unit] = []
    for child in root.children:
        if isinstance(child, Raw) or (isinstance(child, Text) and not child.text.strip()):
            continue
        if isinstance(child, Element) and child.tag in LISTS:
            units.extend(_list_units(child, 0))
        else:
            units.append(Unit(child, _kind(child)))
    return units


def _list_units(element: Element, depth: int) -> Iterator[Unit]:
    """Each `<li>`, then the items of the lists nested in it, one level deeper."""
    lists: list[tuple[Iterator[Node], bool, int]] = [(iter(element.children), element.tag == "ol", depth)]
    while lists:
        children, ordered, level = lists[-1]
        item = next(children, None)
        if item is None:
            lists.pop()
            continue
        if not isinstance(item, Element) or item.tag != "li":
            continue
        yield Unit(item, "list_item", level, (("ordered", ordered),))
        nested = [n for n in item.children if isinstance(n, Element) and n.tag in LISTS]
        lists.extend((iter(n.children), n.tag == "ol", level + 1) for n in reversed(nested))


def _kind(node: Node) -> str:
    if not isinstance(node, Element):
        return "paragraph"
    tag = node.tag
    if tag in HEADINGS:
        return f"heading_{tag[1]}"
    return {"p": "paragraph", "blockquote": "quote", "figure": "figure", "pre": "code", "hr": "divider",
            "div": "paragraph"}.get(tag, tag)


EMBED_TAGS = {"iframe", "script", "embed", "object", "video", "audio"}


def is_embed(node: Node) -> bool:
    """Custom code in a RichText field: Webflow's embed wrapper (`<div class="w-embed">`, or
    `data-rt-embed-type` as the rich-text editor writes it) or an element that is code or a
    player (`<iframe>`, `<script>`, ...) at the top of the unit."""
    if not isinstance(node, Element):
        return False
    classes = (node.attrs.get("class") or "").split()
    return (node.tag in EMBED_TAGS or "w-embed" in classes or "data-rt-embed-type" in node.attrs
            or (node.tag == "div" and any(isinstance(c, Element) and c.tag in EMBED_TAGS for c in node.children)))


def embeds(source: str) -> list[Element]:
    """The embed elements of a RichText field, top-level or inside a figure, in order."""
    found: list[Element] = []
    stack: list[Node] = [parse(source)]
    while stack:
        node = stack.pop()
        if isinstance(node, Element):
            if node.tag and is_embed(node):
                found.append(node)
                continue
            stack.extend(reversed(node.children))
    return found


def runs(unit_node: Node, *, skip_lists: bool = False) -> list[Run]:
    """The unit's runs in reading order. With `skip_lists` (a list item), nested lists are
    other blocks and are not read."""
    out: list[Run] = []
    _walk(unit_node, out, skip_lists)
    # Breaks at either end are markup around the text, not part of it.
    while out and out[-1].node is None:
        out.pop()
    return out


def _walk(unit_node: Node, out: list[Run], skip_lists: bool) -> None:
    """Appends the runs under `unit_node` to `out`, in reading order. Each stack entry is a
    node, the span flags of the inline markup around it, and whether it is a child of an
    element holding blocks (then whitespace-only text is indentation, not copy)."""
    stack: list[tuple[Node, dict[str, object], bool]] = [(unit_node, {}, False)]
    first = True
    while stack:
        node, flags, among_blocks = stack.pop()
        child, first = not first, False
        if among_blocks and isinstance(node, Text) and not node.text.strip():
            continue  # indentation between block elements
        if child and isinstance(node, Element) and node.tag in BLOCK and out and out[-1].node is not None:
            out.append(Run(Span(text="\n", mention=BLOCK_BREAK), None))
        if isinstance(node, Raw):
            continue
        if isinstance(node, Text):
            out.append(Run(Span(text=node.text, **flags), node))
            continue
        if node.tag in LISTS and skip_lists:
            continue
        if node.tag == "br":
            out.append(Run(Span(text="\n", mention=LINE_BREAK), node))
            continue
        if node.tag in VOID:
            continue
        inner = _with_marks(flags, node) if node.tag not in BLOCK and node.tag else flags
        has_blocks = any(isinstance(c, Element) and c.tag in BLOCK for c in node.children)
        stack.extend((c, inner, has_blocks) for c in reversed(node.children))


def _with_marks(flags: dict[str, object], element: Element) -> dict[str, object]:
    """The span flags inside inline `element`: its mark added, or its link (the innermost wins)."""
    if element.tag in _MARKS:
        return flags | {_MARKS[element.tag]: True}
    if element.tag == "a" and element.attrs.get("href"):
        return flags | {"href": element.attrs["href"]}
    return flags


def headings(source: str) -> list[str]:
    """The visible text of each heading element (h1-h6) in a node's HTML, in reading order:
    what a person sees as the titles of a page's sections."""
    found: list[str] = []
    stack: list[Node] = [parse(source)]
    while stack:
        node = stack.pop()
        if not isinstance(node, Element):
            continue
        if node.tag in HEADINGS:
            if title := " ".join(text_of(runs(node)).split()):
                found.append(title)
            continue
        stack.extend(reversed(node.children))
    return found


def spans(run_list: Sequence[Run]) -> tuple[Span, ...]:
    return tuple(r.span for r in run_list)


def text_of(run_list: Sequence[Run]) -> str:
    return "".join(r.span.text for r in run_list)


# -- patching -----------------------------------------------------------------------------------


def patch_unit(unit_node: Node, pieces: Sequence[Piece], *, skip_lists: bool = False) -> str:
    """The unit's new source: each piece's text written into the text node of the run it
    continues (`Piece.origin`), tags copied verbatim, unchanged characters in their source
    spelling. Inline elements left with no text are dropped; a `<br>` no piece keeps is dropped.

    A piece with no origin (new text where a break was, or a unit with no text yet) goes where
    the previous piece ended: after its text run or `<br>`, else before the next text run."""
    run_list = runs(unit_node, skip_lists=skip_lists)
    texts: dict[int, list[str]] = {}  # id(Text) -> new text parts
    after: dict[int, list[str]] = {}  # id(<br>) -> text written right after it
    kept: set[int] = set()
    last: Run | None = None
    waiting: list[str] = []
    for piece in pieces:
        run = run_list[piece.origin] if piece.origin is not None else None
        if run is not None and isinstance(run.node, Element):
            kept.add(id(run.node))
            last = run
        elif run is not None:
            texts.setdefault(id(run.node), []).extend([*waiting, piece.span.text])
            waiting, last = [], run
        elif last is not None and isinstance(last.node, Text):
            texts[id(last.node)].append(piece.span.text)
        elif last is not None and isinstance(last.node, Element):
            after.setdefault(id(last.node), []).append(piece.span.text)
        else:
            waiting.append(piece.span.text)
    if waiting:
        following = [r for r in run_list if isinstance(r.node, Text)]
        if not following:
            return _append_text(unit_node, "".join(waiting))
        texts.setdefault(id(following[0].node), []).extend(waiting)
    replacements = {id(r.node): "".join(texts.get(id(r.node), [])) for r in run_list if isinstance(r.node, Text)}
    dropped = {id(r.node) for r in run_list if isinstance(r.node, Element) and id(r.node) not in kept}
    return _serialise(unit_node, replacements, dropped, {k: "".join(v) for k, v in after.items()})


@dataclass
class _Open:
    """An element being serialised: its children's output so far, and whether all of them
    are inline markup holding nothing but text (and more such markup)."""

    element: Element
    parts: list[str] = field(default_factory=list)
    inline_text_only: bool = True


def _serialise(node: Node, replacements: dict[int, str], dropped: set[int], after: dict[int, str]) -> str:
    """The node's source with the replaced text respelled, dropped elements left out (their
    trailing text kept), and inline elements whose text was all deleted dropped as well."""
    done = _Open(Element(tag="", open=""))  # collects the node's own output
    stack: list[_Open | Node] = [node]
    parents = [done]
    while stack:
        item = stack.pop()
        if isinstance(item, _Open):  # all its children are out: close it
            parents.pop()
            element, inner = item.element, "".join(item.parts)
            trailing = escape(after.get(id(element), ""))
            inline_only = item.inline_text_only and bool(element.tag) and element.tag not in _NOT_INLINE
            if not inner and element.children and inline_only:
                parents[-1].parts.append(trailing)  # an inline element whose text was all deleted
            else:
                parents[-1].parts.append(element.open + inner + element.close + trailing)
            parents[-1].inline_text_only &= inline_only
        elif isinstance(item, Element) and id(item) in dropped:
            parents[-1].parts.append(escape(after.get(id(item), "")))
            parents[-1].inline_text_only &= _inline_text_only(item)
        elif isinstance(item, Element):
            opened = _Open(item)
            parents.append(opened)
            stack.append(opened)
            stack.extend(reversed(item.children))
        elif isinstance(item, Text):
            replaced = id(item) in replacements
            parents[-1].parts.append(_respell(item, replacements[id(item)]) if replaced else item.source)
        else:
            parents[-1].parts.append(item.source)
            parents[-1].inline_text_only = False
    return "".join(done.parts)


def _inline_text_only(node: Node) -> bool:
    """Inline markup holding nothing but text (and more such markup): safe to drop when emptied."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Text):
            continue
        if isinstance(item, Raw) or not item.tag or item.tag in _NOT_INLINE:
            return False
        stack.extend(item.children)
    return True


def _respell(node: Text, new: str) -> str:
    """`new` in HTML: characters the old text had keep their old spelling, new ones are escaped."""
    old = node.text
    if new == old:
        return node.source
    sources = [s for _, s in node.chars]
    old_tokens, new_tokens = tokenize(old), tokenize(new)
    old_at, new_at = _offsets(old_tokens), _offsets(new_tokens)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_tokens, new_tokens, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append("".join(sources[old_at[i1]:old_at[i2]]))
        else:
            out.append(htmllib.escape(new[new_at[j1]:new_at[j2]], quote=False))
    return "".join(out)


def _offsets(tokens: list[str]) -> list[int]:
    offsets = [0]
    for token in tokens:
        offsets.append(offsets[-1] + len(token))
    return offsets


def _append_text(node: Node, text: str) -> str:
    """A unit with no text node yet (`<p></p>`): the text goes before its end tag."""
    escaped = htmllib.escape(text, quote=False)
    if isinstance(node, Element):
        return node.open + "".join(child_source(c) for c in node.children) + escaped + node.close
    return node.source + escaped


def escape(text: str) -> str:
    return htmllib.escape(text, quote=False)
