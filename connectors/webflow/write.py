"""Planned edits → Webflow's own write requests, or the manual steps the API cannot make.

- A CMS item: one staged `PATCH /collections/{id}/items/{id}` with only the edited fields in
  `fieldData` (Webflow leaves the others untouched). A PlainText field is its new text. A
  RichText field is its current HTML with only the edited elements re-serialised
  (`html.patch_unit`): every other byte, tags and attributes of the edited element
  included, is sent back as Webflow gave it. A revert or restore (`edit.target`) puts the
  target element's exact HTML back, so apply-then-revert leaves the field byte-identical.
  Before a RichText field is sent, the patched HTML is checked: every element but the edited
  ones must come back byte-identical, and no custom-code embed may be empty. Webflow can
  answer an embed empty; sending that back would blank it on the site, so such a write is
  refused (`LossyEdit`, never overridden by `allow_lossy`) before any request.
- A secondary locale's variant of an item: the same request with `cmsLocaleId`.
- A page's SEO and Open Graph settings, in any locale: one `PUT /pages/{id}?localeId=` with
  the whole `seo` object (title and description, so nothing is cleared whatever Webflow does
  with a partial object) and the Open Graph values that are the page's own (a value copied
  from SEO is left out, so it stays copied).
- A static page in a secondary locale: `POST /pages/{id}/dom?localeId=` with the edited text
  nodes' new HTML, and a form node's `placeholder`, `choices` (every choice, the edited ones
  changed) or `value`/`waitingText` (at most 1000 nodes per request).
- A static page's nodes in the primary locale: the Data API cannot write them, so each edit
  becomes a `ManualStep` entry for a person to paste in the Designer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from connectors.document import Block, Document
from connectors.errors import LossyEdit
from connectors.preflight import PlannedEdit
from connectors.text import Piece, rewrite
from connectors.webflow import html
from connectors.webflow.normalise import section_labels

MAX_NODES = 1000  # update-static-content takes 1-1000 nodes


@dataclass(frozen=True)
class ItemWrite:
    collection_id: str
    item_id: str
    block_ids: tuple[str, ...]
    field_data: dict[str, str]
    cms_locale_id: str = ""  # empty: the primary locale's variant

    def as_request(self) -> dict[str, Any]:
        body: dict[str, Any] = {"fieldData": self.field_data}
        if self.cms_locale_id:
            body["cmsLocaleId"] = self.cms_locale_id
        return {"method": "PATCH", "path": f"/v2/collections/{self.collection_id}/items/{self.item_id}",
                "body": body}


@dataclass(frozen=True)
class SettingsWrite:
    """update-page-settings: `seo` and `openGraph` as the PUT body takes them."""

    page_id: str
    locale_id: str
    block_ids: tuple[str, ...]
    seo: dict[str, str]
    open_graph: dict[str, Any]

    def body(self) -> dict[str, Any]:
        return {key: value for key, value in (("seo", self.seo), ("openGraph", self.open_graph)) if value}

    def as_request(self) -> dict[str, Any]:
        query = f"?localeId={self.locale_id}" if self.locale_id else ""
        return {"method": "PUT", "path": f"/v2/pages/{self.page_id}{query}", "body": self.body()}


@dataclass(frozen=True)
class NodesWrite:
    page_id: str
    locale_id: str
    block_ids: tuple[str, ...]
    nodes: list[dict[str, Any]]

    def as_request(self) -> dict[str, Any]:
        return {"method": "POST", "path": f"/v2/pages/{self.page_id}/dom?localeId={self.locale_id}",
                "body": {"nodes": self.nodes}}


def plan_item_write(collection_id: str, item_id: str, current: Document,
                    planned: Sequence[PlannedEdit], cms_locale_id: str = "") -> ItemWrite:
    """Raises `LossyEdit` when a RichText field would not come back as Webflow gave it."""
    values = dict(current.raw.get("fieldData") or {})
    field_data: dict[str, str] = {}
    edited: dict[str, set[int]] = {}
    for item in planned:
        block = item.block
        slug = block.attrs["field"]
        if block.attrs.get("type") == "RichText":
            source = field_data.get(slug, values.get(slug) or "")
            field_data[slug] = _patched_field(source, block, item)
            edited.setdefault(slug, set()).add(block.attrs["index"])
        else:
            field_data[slug] = item.edit.target.text if item.edit.target is not None else item.edit.after
    for slug, indexes in edited.items():
        check_round_trip(current, slug, values.get(slug) or "", field_data[slug], indexes)
    return ItemWrite(collection_id, item_id, tuple(i.edit.block_id for i in planned), field_data, cms_locale_id)


def check_round_trip(current: Document, slug: str, old: str, new: str, edited: set[int]) -> None:
    """Refuse a RichText write that would change anything but the edited elements, or that
    would send a custom-code embed back empty (Webflow answered it so: writing it would blank
    it). `LossyEdit`, since it is the write that would lose content, not the remote that
    moved; `allow_lossy` does not lift it: an embed is never worth losing."""
    label = next((str(b.attrs.get("label") or slug) for b in current.blocks if b.attrs.get("field") == slug), slug)
    title = current.ref.title or current.ref.remote_id
    problems = []
    empty = [e for e in html.embeds(new) if not "".join(child.source for child in e.children).strip()
             and e.tag not in html.VOID]
    if empty:
        problems.append(f"Webflow returned {len(empty)} custom-code embed(s) empty")
    old_units = [u.node.source for u in html.field_units(html.parse(old))]
    new_units = [u.node.source for u in html.field_units(html.parse(new))]
    changed = [n for n, (a, b) in enumerate(zip(old_units, new_units)) if a != b and n not in edited]
    if len(old_units) != len(new_units) or changed or html.parse(new).source != new:
        problems.append("the field would not read back as Webflow gave it outside the edited text")
    if problems:
        where = f"field {label!r} of {title!r}"
        raise LossyEdit(f"Writing {where} would lose content: {'; '.join(problems)}. Nothing was written; make "
                        "this change in the Webflow CMS editor, or pull and try again later.",
                        losses={f"field:{slug}": problems})


def plan_settings_write(page_id: str, locale_id: str, current: Document,
                        planned: Sequence[PlannedEdit]) -> SettingsWrite | None:
    """The one update-page-settings request for the edited SEO and Open Graph blocks, if any."""
    settings = [item for item in planned if item.block.attrs.get("setting")]
    if not settings:
        return None
    page = current.raw.get("page") or {}
    seo = {k: v for k, v in (page.get("seo") or {}).items() if k in ("title", "description") and isinstance(v, str)}
    graph = page.get("openGraph") or {}
    open_graph: dict[str, Any] = {}
    for key in ("title", "description"):
        if isinstance(graph.get(key), str) and graph.get(f"{key}Copied") is not True:
            open_graph |= {key: graph[key], f"{key}Copied": False}
    touched_seo = False
    for item in settings:
        text = item.edit.target.text if item.edit.target is not None else item.edit.after
        if item.block.attrs["setting"] == "seo":
            seo[item.block.attrs["key"]] = text
            touched_seo = True
        else:
            open_graph |= {item.block.attrs["key"]: text, f"{item.block.attrs['key']}Copied": False}
    touched_graph = any(item.block.attrs["setting"] == "openGraph" for item in settings)
    return SettingsWrite(page_id, locale_id, tuple(item.edit.block_id for item in settings),
                         seo if touched_seo else {}, open_graph if touched_graph else {})


def _patched_field(source: str, block: Block, item: PlannedEdit) -> str:
    """The field's HTML with element `block.attrs["index"]` rewritten, every other byte kept.

    The field is parsed again for each edit, so several edits to one field compose."""
    root = html.parse(source)
    unit = html.field_units(root)[block.attrs["index"]]
    start, end = _locate(root, unit.node)
    return source[:start] + _new_unit_source(unit.node, block, item, skip_lists=unit.kind == "list_item") + source[end:]


def plan_nodes_write(page_id: str, locale_id: str, planned: Sequence[PlannedEdit],
                     current: Document) -> list[NodesWrite]:
    """update-static-content for edited text and form nodes; a node's several edited texts (two
    choices, a label and its waiting text) go in one entry, choices as the whole list."""
    entries: dict[str, dict[str, Any]] = {}
    ids: dict[str, list[str]] = {}
    nodes = {n.get("id"): n for n in current.raw.get("nodes") or []}
    for item in planned:
        node = item.block.attrs["node"]
        entry = entries.setdefault(node, {"nodeId": node})
        ids.setdefault(node, []).append(item.edit.block_id)
        text = item.edit.target.text if item.edit.target is not None else item.edit.after
        field = item.block.attrs.get("field")
        if item.block.kind != "form_text":
            entry["text"] = node_html(item)
        elif field == "choices":
            choices = entry.setdefault("choices", [dict(c) for c in nodes.get(node, {}).get("choices") or []])
            choices[item.block.attrs["index"]]["text"] = text
        else:
            entry[str(field)] = text
    order = list(entries)
    return [NodesWrite(page_id, locale_id, tuple(i for node in order[at:at + MAX_NODES] for i in ids[node]),
                       [entries[node] for node in order[at:at + MAX_NODES]])
            for at in range(0, len(order), MAX_NODES)]


def node_html(item: PlannedEdit) -> str:
    """A text node's new HTML: the same tags, with the edited text in them."""
    root = html.parse(item.block.raw.get("html", ""))
    return _new_unit_source(root, item.block, item, skip_lists=False)


def manual_steps(current: Document, planned: Sequence[PlannedEdit]) -> list[dict[str, str]]:
    """One `ManualStep` entry per edit, as a person follows it in the Designer: staging's keys
    (`block_id`, `where`: the page and locale, `before`, the copy-ready `after`), the `section`
    the text sits in (the nearest heading, since the Designer never shows node ids), the
    `editor` to paste it in, and for scripts and verification `node_id`, `page`, `slug`,
    `locale` and the new `html`, formatting included."""
    page = current.raw.get("page") or {}
    locale = current.raw.get("locale") or {}
    name, tag = locale.get("name") or "", locale.get("tag") or ""
    locale_label = f"{name} ({tag}), primary locale" if name and tag else f"{name or tag or 'the'} primary locale"
    title, slug = str(page.get("title") or current.ref.title), str(page.get("slug") or "")
    sections = section_labels(current.raw.get("nodes") or [])
    steps = []
    for item in planned:
        if not item.block.attrs.get("manual"):
            continue  # written through the API (page settings)
        node = item.block.attrs.get("node", "")
        steps.append({
            "block_id": item.edit.block_id,
            "where": f"Webflow page “{title}” (/{slug}), {locale_label}",
            "section": sections.get(node, "on the page"),
            "editor": "the Webflow Designer",
            "before": item.block.text,
            "after": item.edit.target.text if item.edit.target is not None else item.edit.after,
            "node_id": node,
            "page": title,
            "slug": slug,
            "locale": locale_label,
            "html": node_html(item) if item.block.kind != "form_text" else "",
            **({"label": str(item.block.attrs["label"])} if item.block.kind == "form_text" else {}),
        })
    return steps


def _new_unit_source(node: html.Node, block: Block, item: PlannedEdit, *, skip_lists: bool) -> str:
    target = item.edit.target
    if target is not None and isinstance(stored := target.raw.get("html"), str):
        return stored
    pieces: Sequence[Piece]
    if item.rewrite is not None:
        pieces = item.rewrite.pieces
    else:  # a target without HTML (from another kind of block): carry the current formatting
        pieces = rewrite(block.spans, target.text if target is not None else item.edit.after).pieces
    return html.patch_unit(node, pieces, skip_lists=skip_lists)


def _locate(root: html.Element, wanted: html.Node) -> tuple[int, int]:
    """Where `wanted` sits in the source of `root` (the tree tiles its source)."""
    start = html.offset_of(root, wanted)
    return start, start + len(wanted.source)
