"""Planned edits → Webflow's own write requests, or the manual steps the API cannot make.

- A CMS item: one staged `PATCH /collections/{id}/items/{id}` with only the edited fields in
  `fieldData` (Webflow leaves the others untouched). A PlainText field is its new text. A
  RichText field is its current HTML with only the edited elements re-serialised
  (`html.patch_unit`): every other byte, tags and attributes of the edited element
  included, is sent back as Webflow gave it. A revert or restore (`edit.target`) puts the
  target element's exact HTML back, so apply-then-revert leaves the field byte-identical.
- A static page in a secondary locale: `POST /pages/{id}/dom?localeId=` with the edited text
  nodes' new HTML and the edited instance properties as `propertyOverrides` (at most 1000
  nodes per request).
- A component in a secondary locale: its text nodes and nested instances' overrides through
  `POST /sites/{site}/components/{id}/dom?localeId=`, its properties' defaults through
  `POST /sites/{site}/components/{id}/properties?localeId=`.
- A static page or a component in the primary locale: the Data API cannot write it, so each
  edit becomes a `ManualStep` entry for a person to paste in the Designer.

A Rich Text property is written as its HTML with the edited text carried in; a Plain Text one
as its new text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from connectors.document import Block, Document
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

    def as_request(self) -> dict[str, Any]:
        return {"method": "PATCH", "path": f"/v2/collections/{self.collection_id}/items/{self.item_id}",
                "body": {"fieldData": self.field_data}}


@dataclass(frozen=True)
class NodesWrite:
    page_id: str
    locale_id: str
    block_ids: tuple[str, ...]
    nodes: list[dict[str, Any]]

    def as_request(self) -> dict[str, Any]:
        return {"method": "POST", "path": f"/v2/pages/{self.page_id}/dom?localeId={self.locale_id}",
                "body": {"nodes": self.nodes}}


@dataclass(frozen=True)
class ComponentNodesWrite:
    site_id: str
    component_id: str
    locale_id: str
    block_ids: tuple[str, ...]
    nodes: list[dict[str, Any]]

    def as_request(self) -> dict[str, Any]:
        return {"method": "POST", "path": f"/v2/sites/{self.site_id}/components/{self.component_id}/dom"
                                          f"?localeId={self.locale_id}", "body": {"nodes": self.nodes}}


@dataclass(frozen=True)
class PropertiesWrite:
    site_id: str
    component_id: str
    locale_id: str
    block_ids: tuple[str, ...]
    properties: list[dict[str, str]]

    def as_request(self) -> dict[str, Any]:
        return {"method": "POST", "path": f"/v2/sites/{self.site_id}/components/{self.component_id}/properties"
                                          f"?localeId={self.locale_id}", "body": {"properties": self.properties}}


def plan_item_write(collection_id: str, item_id: str, current: Document,
                    planned: Sequence[PlannedEdit]) -> ItemWrite:
    values = dict(current.raw.get("fieldData") or {})
    field_data: dict[str, str] = {}
    for item in planned:
        block = item.block
        slug = block.attrs["field"]
        if block.attrs.get("type") == "RichText":
            source = field_data.get(slug, values.get(slug) or "")
            field_data[slug] = _patched_field(source, block, item)
        else:
            field_data[slug] = item.edit.target.text if item.edit.target is not None else item.edit.after
    return ItemWrite(collection_id, item_id, tuple(i.edit.block_id for i in planned), field_data)


def _patched_field(source: str, block: Block, item: PlannedEdit) -> str:
    """The field's HTML with element `block.attrs["index"]` rewritten, every other byte kept.

    The field is parsed again for each edit, so several edits to one field compose."""
    root = html.parse(source)
    unit = html.field_units(root)[block.attrs["index"]]
    start, end = _locate(root, unit.node)
    return source[:start] + _new_unit_source(unit.node, block, item, skip_lists=unit.kind == "list_item") + source[end:]


def plan_nodes_write(page_id: str, locale_id: str, planned: Sequence[PlannedEdit]) -> list[NodesWrite]:
    return [NodesWrite(page_id, locale_id, ids, nodes) for ids, nodes in _node_batches(planned)]


def plan_component_writes(site_id: str, component_id: str, locale_id: str,
                          planned: Sequence[PlannedEdit]) -> list[ComponentNodesWrite | PropertiesWrite]:
    """Node edits (text, nested overrides) in batches of 1000, then one request for the
    properties' defaults."""
    on_nodes = [item for item in planned if not item.edit.block_id.startswith("property:")]
    on_properties = [item for item in planned if item.edit.block_id.startswith("property:")]
    writes: list[ComponentNodesWrite | PropertiesWrite] = [
        ComponentNodesWrite(site_id, component_id, locale_id, ids, nodes) for ids, nodes in _node_batches(on_nodes)]
    if on_properties:
        writes.append(PropertiesWrite(site_id, component_id, locale_id,
                                      tuple(item.edit.block_id for item in on_properties),
                                      [{"propertyId": item.block.attrs["property"], "text": property_text(item)}
                                       for item in on_properties]))
    return writes


def _node_batches(planned: Sequence[PlannedEdit]) -> list[tuple[tuple[str, ...], list[dict[str, Any]]]]:
    """`nodes` entries: a text node's new HTML, or an instance's edited properties gathered
    under its one `propertyOverrides` entry; each batch with the block ids it writes."""
    entries: dict[str, dict[str, Any]] = {}
    ids: dict[str, list[str]] = {}
    for item in planned:
        node = item.block.attrs["node"]
        if item.block.attrs.get("property"):
            entry = entries.setdefault(node, {"nodeId": node, "propertyOverrides": []})
            entry["propertyOverrides"].append({"propertyId": item.block.attrs["property"], "text": property_text(item)})
        else:
            entries[node] = {"nodeId": node, "text": node_html(item)}
        ids.setdefault(node, []).append(item.edit.block_id)
    nodes = list(entries.values())
    return [(tuple(i for entry in nodes[at:at + MAX_NODES] for i in ids[entry["nodeId"]]), nodes[at:at + MAX_NODES])
            for at in range(0, len(nodes), MAX_NODES)]


def property_text(item: PlannedEdit) -> str:
    """A property's new value: HTML for Rich Text (formatting kept), the text for the others."""
    if item.block.attrs.get("type") == "Rich Text":
        return node_html(item)
    return item.edit.target.text if item.edit.target is not None else item.edit.after


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
    component = current.raw.get("component") or {}
    sections = {} if component else section_labels(current.raw.get("nodes") or [])
    where = (f"Webflow component “{component.get('name') or current.ref.title}”, {locale_label}" if component
             else f"Webflow page “{title}” (/{slug}), {locale_label}")
    steps = []
    for item in planned:
        node = item.block.attrs.get("node", "")
        where_in = "in the component" if component else "on the page"
        if item.block.attrs.get("property"):
            owner = f"the “{item.block.attrs.get('component', '')}” component's “{item.block.attrs.get('label') or 'property'}” property"
            section = f"{owner}, set on its instance {where_in}" if node else owner
        else:
            section = sections.get(node, f"the text “{item.block.text}” {where_in}")
        steps.append({
            "block_id": item.edit.block_id,
            "where": where,
            "section": section,
            "editor": "the Webflow Designer (open the component)" if component else "the Webflow Designer",
            "before": item.block.text,
            "after": item.edit.target.text if item.edit.target is not None else item.edit.after,
            "node_id": node,
            "page": str(component.get("name") or "") if component else title,
            "slug": slug,
            "locale": locale_label,
            "html": property_text(item) if item.block.attrs.get("property") else node_html(item),
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
