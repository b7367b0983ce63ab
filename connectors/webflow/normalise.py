"""Webflow payloads (site, collections, items, pages, page DOM) → the document model.

Documents:
- a CMS item is `item:<collection id>:<item id>` (kind "item"): its name is a `title` block
  (`field:name`), each PlainText field a `field:<slug>` block, and each RichText field one
  block per top-level element, `field:<slug>:<n>` (a list: one per `<li>`). Other field types
  (images, links, references, numbers) are not copy and stay in the document's `raw` only.
- a static page is one document per locale: `page:<page id>` for the primary locale,
  `page:<page id>@<locale id>` for each secondary one (kind "page"), with one block per DOM
  text node, `node:<node id>`. A component instance's property overrides are blocks of the
  page, `node:<node id>:<property id>` (kind "component_text", attrs naming the component and
  the property: "Signup banner › Heading"), written through the page's `propertyOverrides`. An
  instance without overrides shows its component's text, which the component's document
  tracks: it makes no block here.
- a component definition is one document per locale: `component:<component id>` for the
  primary locale, `component:<component id>@<locale id>` for each secondary one (kind
  "component"), with one block per text node of its DOM, `node:<node id>`, one per property's
  default value, `property:<property id>`, and its nested instances' overrides as on a page.
  A component shared from a library (`readonly`) is read-only, saying where to edit it.

`remote_version` is Webflow's `lastUpdated` as the list endpoints report it, so a listing
alone tells staging what changed. Components have no `lastUpdated`: their version is a
fingerprint of their DOM and properties (`component_version`). Bookkeeping that changes without the copy changing
(`lastUpdated`, `lastPublished`, pagination) is left out of `raw`, so an unchanged item or
page always serialises to the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Iterable, Mapping

from connectors.document import Block, Document, DocumentRef, NotCaptured, Span
from connectors.storable import storable
from connectors.webflow import html

TOOL = "webflow"
EDITABLE_KINDS = {"paragraph", "quote", "list_item", *(f"heading_{n}" for n in range(1, 7))}
_VOLATILE = {"lastUpdated", "lastPublished", "pagination"}


@dataclass(frozen=True)
class Locale:
    id: str
    cms_locale_id: str
    tag: str
    name: str
    subdirectory: str
    primary: bool

    @property
    def label(self) -> str:
        return f"{self.name} ({self.tag}), {'primary' if self.primary else 'secondary'} locale"


@dataclass(frozen=True)
class Site:
    id: str
    base_url: str  # where the published site lives, for document URLs
    locales: tuple[Locale, ...]
    custom_domain_ids: tuple[str, ...]

    @property
    def primary(self) -> Locale | None:
        return next((locale for locale in self.locales if locale.primary), None)

    def locale(self, locale_id: str) -> Locale | None:
        return next((locale for locale in self.locales if locale.id == locale_id), None)


@dataclass(frozen=True)
class Field:
    slug: str
    type: str
    label: str
    editable: bool


@dataclass(frozen=True)
class Collection:
    id: str
    slug: str
    name: str
    fields: tuple[Field, ...]
    last_updated: str = ""


@dataclass(frozen=True)
class Component:
    """A component definition as list-components gives it: `readonly` for one shared from a
    library, which the site cannot change."""

    id: str
    name: str
    group: str
    readonly: bool


# -- ids ----------------------------------------------------------------------------------------


def item_remote_id(collection_id: str, item_id: str) -> str:
    return f"item:{collection_id}:{item_id}"


def page_remote_id(page_id: str, locale: Locale | None) -> str:
    return f"page:{page_id}" if locale is None or locale.primary else f"page:{page_id}@{locale.id}"


def component_remote_id(component_id: str, locale: Locale | None) -> str:
    if locale is None or locale.primary:
        return f"component:{component_id}"
    return f"component:{component_id}@{locale.id}"


def parse_remote_id(remote_id: str) -> tuple[str, str, str]:
    """("item", collection id, item id), or ("page" | "component", its id, locale id or ""
    for the primary locale)."""
    kind, _, rest = remote_id.partition(":")
    if kind == "item" and ":" in rest:
        collection_id, _, item_id = rest.partition(":")
        return "item", collection_id, item_id
    if kind in ("page", "component") and rest:
        ident, _, locale_id = rest.partition("@")
        return kind, ident, locale_id
    raise ValueError(f"not a Webflow remote id: {remote_id!r}")


# -- site and collections -------------------------------------------------------------------------


def site_from_payload(site: dict[str, Any]) -> Site:
    domains = [d for d in site.get("customDomains") or [] if d.get("url")]
    base = f"https://{domains[0]['url']}" if domains else (
        f"https://{site['shortName']}.webflow.io" if site.get("shortName") else "")
    locales_payload = site.get("locales") or {}
    locales = []
    primary = locales_payload.get("primary")
    if primary:
        locales.append(_locale(primary, primary=True))
    locales.extend(_locale(item, primary=False) for item in locales_payload.get("secondary") or [])
    return Site(id=site.get("id", ""), base_url=base, locales=tuple(locales),
                custom_domain_ids=tuple(d["id"] for d in domains if d.get("id")))


def _locale(payload: dict[str, Any], *, primary: bool) -> Locale:
    return Locale(id=payload.get("id", ""), cms_locale_id=payload.get("cmsLocaleId") or "",
                  tag=payload.get("tag") or "", name=payload.get("displayName") or payload.get("tag") or "",
                  subdirectory=payload.get("subdirectory") or "", primary=primary)


def collection_from_payload(collection: dict[str, Any]) -> Collection:
    fields = tuple(Field(slug=f.get("slug", ""), type=f.get("type", ""), label=f.get("displayName", ""),
                         editable=f.get("isEditable", True) is not False)
                   for f in collection.get("fields") or [])
    return Collection(id=collection["id"], slug=collection.get("slug", ""),
                      name=collection.get("displayName", ""), fields=fields,
                      last_updated=str(collection.get("lastUpdated") or ""))


# -- items --------------------------------------------------------------------------------------


def item_ref(item: dict[str, Any], collection: Collection, site: Site | None, *, source: str = TOOL) -> DocumentRef:
    """Archived items are `archived` (staging marks them so); drafts are live documents being
    written, so they are not. `source` is the configured source's name (the tool's id unless
    the config names it)."""
    data = item.get("fieldData") or {}
    base = site.base_url if site is not None else ""
    url = f"{base}/{collection.slug}/{data['slug']}" if base and collection.slug and data.get("slug") else ""
    return DocumentRef(
        source=source,
        remote_id=item_remote_id(collection.id, item["id"]),
        kind="item",
        title=str(data.get("name") or ""),
        url=url,
        parent=collection.id,
        remote_version=stamp(item.get("lastUpdated")),
        updated_at=parse_time(item.get("lastUpdated")),
        archived=bool(item.get("isArchived")),
    )


def item_document(item: dict[str, Any], collection: Collection, site: Site | None, *,
                  source: str = TOOL) -> Document:
    data = item.get("fieldData") or {}
    blocks: list[Block] = []
    for field in collection.fields:
        value = data.get(field.slug)
        if field.type == "RichText":
            blocks.extend(rich_text_blocks(field, value if isinstance(value, str) else ""))
        elif field.type == "PlainText" or field.slug in ("name", "slug"):
            blocks.append(plain_text_block(field, "" if value is None else str(value)))
    raw = {k: v for k, v in item.items() if k not in _VOLATILE}
    raw["collection"] = {"id": collection.id, "slug": collection.slug, "displayName": collection.name}
    return storable(Document(ref=item_ref(item, collection, site, source=source), blocks=tuple(blocks), raw=raw))


def plain_text_block(field: Field, text: str) -> Block:
    """The name is the item's title; the slug is its URL (changing it breaks links), so read-only."""
    kind = {"name": "title", "slug": "slug"}.get(field.slug, "field")
    return Block(id=f"field:{field.slug}", kind=kind, text=text, spans=(Span(text=text),) if text else (),
                 editable=field.editable and field.slug != "slug",
                 attrs={"field": field.slug, "type": field.type, "label": field.label},
                 raw={"field": field.slug, "value": text})


def rich_text_blocks(field: Field, source: str) -> list[Block]:
    blocks = []
    for index, unit in enumerate(html.field_units(html.parse(source))):
        runs = html.runs(unit.node, skip_lists=unit.kind == "list_item")
        attrs: dict[str, Any] = {"field": field.slug, "type": field.type, "label": field.label, "index": index,
                                 **dict(unit.attrs)}
        if unit.kind.startswith("heading_"):
            attrs["level"] = int(unit.kind[-1])
        blocks.append(Block(
            id=f"field:{field.slug}:{index}",
            kind=unit.kind,
            text=html.text_of(runs),
            spans=html.spans(runs),
            editable=field.editable and unit.kind in EDITABLE_KINDS,
            depth=unit.depth,
            attrs=attrs,
            raw={"field": field.slug, "html": unit.node.source},
        ))
    return blocks


# -- static pages -------------------------------------------------------------------------------


def page_ref(page: dict[str, Any], locale: Locale | None, site: Site | None, *, source: str = TOOL) -> DocumentRef:
    """A page in one locale. A secondary locale's parent is the primary page, so the store
    shows it under it."""
    secondary = locale is not None and not locale.primary
    title = str(page.get("title") or page.get("slug") or page["id"])
    return DocumentRef(
        source=source,
        remote_id=page_remote_id(page["id"], locale),
        kind="page",
        title=f"{title} [{locale.tag}]" if secondary and locale is not None and locale.tag else title,
        url=page_url(page, locale, site),
        parent=f"page:{page['id']}" if secondary else str(page.get("parentId") or ""),
        remote_version=stamp(page.get("lastUpdated")),
        updated_at=parse_time(page.get("lastUpdated")),
        archived=bool(page.get("archived")),
    )


def page_url(page: dict[str, Any], locale: Locale | None, site: Site | None) -> str:
    if site is None or not site.base_url:
        return ""
    path = page.get("publishedPath")
    if not path:
        prefix = f"/{locale.subdirectory}" if locale is not None and not locale.primary and locale.subdirectory else ""
        path = f"{prefix}/{page.get('slug') or ''}"
    return site.base_url + path


def page_document(ref: DocumentRef, page: dict[str, Any], nodes: Iterable[dict[str, Any]],
                  locale: Locale | None, components: Mapping[str, str] | None = None) -> Document:
    """`page` is the page's metadata (as listed), `nodes` its DOM nodes in this locale,
    `components` the site's component names by id (for the override blocks' labels).

    A primary-locale text node is still `editable`: copydesk cannot write it through the API
    but hands the change to a person (`ManualStep`); `attrs["manual"]` says so."""
    primary = locale is None or locale.primary
    nodes = list(nodes)
    blocks: list[Block] = []
    for node in nodes:
        if node.get("type") == "text":
            blocks.append(text_node_block(node, manual=primary))
        elif node.get("type") == "component-instance":
            blocks.extend(override_blocks(node, components or {}, manual=primary))
    raw = {"page": {k: v for k, v in page.items() if k not in _VOLATILE}, "nodes": nodes,
           "locale": _locale_raw(locale), "writable": not primary}
    return storable(Document(ref=ref, blocks=tuple(blocks), raw=raw))


def text_node_block(node: dict[str, Any], *, manual: bool) -> Block:
    text = node.get("text") or {}
    source = text.get("html")
    if source is None:
        source = html.escape(text.get("text") or "")
    root = html.parse(source)
    runs = html.runs(root)
    units = html.field_units(root)
    single = units[0].node if len(units) == 1 else None
    nested = isinstance(single, html.Element) and any(
        isinstance(c, html.Element) and c.tag in html.BLOCK for c in single.children)
    block_element = isinstance(single, html.Element) and single.tag in html.BLOCK
    kind = units[0].kind if block_element and not nested else "text"
    attrs: dict[str, Any] = {"node": node["id"]}
    if node.get("attributes"):
        attrs["attributes"] = node["attributes"]
    if manual:
        attrs["manual"] = True
    return Block(id=f"node:{node['id']}", kind=kind, text=html.text_of(runs), spans=html.spans(runs),
                 attrs=attrs, raw={"node": node["id"], "html": source})


def section_labels(nodes: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Where each text node of a static page sits, as a person finds it in the Designer: under
    the nearest heading above it (DOM nodes come in page order), or at the top of the page,
    above the first heading. Node ids are not shown anywhere in the Designer; headings are.
    Only a node that is a heading opens a section: a card that starts with its own heading
    (`<div><h3>…</h3><p>…</p></div>`) is one element within the section it sits in."""
    labels: dict[str, str] = {}
    above = ""
    waiting: list[str] = []  # nodes above the first heading, labelled once it is known
    for node in nodes:
        if node.get("type") != "text":
            continue
        text = node.get("text") or {}
        source = text.get("html")
        source = source if source is not None else html.escape(text.get("text") or "")
        found = html.headings(source)
        if found != [" ".join(html.text_of(html.runs(html.parse(source))).split())]:
            found = []  # not a heading alone: a card, a paragraph
        if above:
            labels[node["id"]] = f"under the heading “{above}”"
        else:
            waiting.append(node["id"])
        if found and not above:
            labels.update({n: f"at the top of the page, above “{found[0]}”" for n in waiting})
            labels[node["id"]] = "at the top of the page"
            waiting = []
        if found:
            above = found[-1]
    labels.update({n: "at the top of the page" for n in waiting})
    return labels


def override_blocks(node: dict[str, Any], components: Mapping[str, str], *, manual: bool) -> list[Block]:
    """The text a component instance sets for itself, one block per overridden property,
    written through the page's (or the enclosing component's) `propertyOverrides`."""
    component = components.get(str(node.get("componentId") or ""), "") or "component"
    blocks = []
    for override in node.get("propertyOverrides") or []:
        text = override.get("text") or {}
        if text.get("html") is None and text.get("text") is None:
            continue
        label = str(override.get("label") or "")
        attrs: dict[str, Any] = {"node": node["id"], "property": override.get("propertyId", ""), "label": label,
                                 "component": component, "type": override.get("type", ""),
                                 "where": f"{component} › {label or 'property'}"}
        if manual:
            attrs["manual"] = True
        blocks.append(_property_block(f"node:{node['id']}:{override.get('propertyId', '')}", text, attrs))
    return blocks


def _property_block(block_id: str, text: dict[str, Any], attrs: dict[str, Any]) -> Block:
    """A property's text: Rich Text as its HTML (formatting kept), Plain Text as typed."""
    source = text.get("html")
    if source is None:
        source = html.escape(text.get("text") or "")
    runs = html.runs(html.parse(source))
    return Block(id=block_id, kind="component_text", text=html.text_of(runs), spans=html.spans(runs), attrs=attrs,
                 raw={"node": attrs.get("node", ""), "property": attrs["property"], "html": source})


# -- components ---------------------------------------------------------------------------------


def component_from_payload(payload: dict[str, Any]) -> Component:
    return Component(id=str(payload["id"]), name=str(payload.get("name") or payload["id"]),
                     group=str(payload.get("group") or ""), readonly=bool(payload.get("readonly")))


def component_version(nodes: list[dict[str, Any]], properties: list[dict[str, Any]]) -> str:
    """What a component reads, fingerprinted: the component endpoints give no lastUpdated."""
    canonical = json.dumps({"nodes": nodes, "properties": properties}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def component_ref(component: Component, locale: Locale | None, version: str, *, source: str = TOOL) -> DocumentRef:
    """A component in one locale, under the site (no parent); a secondary locale's parent is
    the primary component. A component has no URL of its own."""
    secondary = locale is not None and not locale.primary
    return DocumentRef(
        source=source,
        remote_id=component_remote_id(component.id, locale),
        kind="component",
        title=f"{component.name} [{locale.tag}]" if secondary and locale is not None and locale.tag else component.name,
        parent=f"component:{component.id}" if secondary else "",
        remote_version=version,
    )


def component_document(ref: DocumentRef, component: Component, nodes: Iterable[dict[str, Any]],
                       properties: Iterable[dict[str, Any]], locale: Locale | None,
                       components: Mapping[str, str] | None = None) -> Document:
    """A component definition in one locale: its text nodes, its properties' defaults and its
    nested instances' overrides. The primary locale is written by hand (`attrs["manual"]`), as
    a static page's is; a library component is read-only with the reason."""
    primary = locale is None or locale.primary
    nodes, properties = list(nodes), list(properties)
    names = {**(components or {}), component.id: component.name}
    blocks: list[Block] = []
    missed: list[NotCaptured] = []
    for node in nodes:
        if node.get("type") == "text":
            block = text_node_block(node, manual=primary)
            blocks.append(block.model_copy(update={"attrs": {**block.attrs, "component": component.name}}))
        elif node.get("type") == "component-instance":
            blocks.extend(override_blocks(node, names, manual=primary))
        elif chars := _node_chars(node):
            missed.append(NotCaptured(element=f"{node.get('type')} in the “{component.name}” component",
                                      reason="copydesk does not track a component's alt text and form labels yet",
                                      chars=chars))
    for prop in properties:
        label = str(prop.get("label") or "")
        attrs: dict[str, Any] = {"property": prop.get("propertyId", ""), "label": label, "component": component.name,
                                 "type": prop.get("type", ""), "where": f"{component.name} › {label or 'property'}"}
        if primary:
            attrs["manual"] = True
        blocks.append(_property_block(f"property:{prop.get('propertyId', '')}", prop.get("text") or {}, attrs))
    if component.readonly:
        reason = (f"Shared from a library{f' ({component.group})' if component.group else ''}: edit the "
                  f"“{component.name}” component in the library's site; this site cannot change it")
        blocks = [b.model_copy(update={"editable": False, "readonly_reason": reason,
                                       "attrs": {k: v for k, v in b.attrs.items() if k != "manual"}})
                  for b in blocks]
    raw = {"component": {"id": component.id, "name": component.name, "group": component.group,
                         "readonly": component.readonly},
           "nodes": nodes, "properties": properties, "locale": _locale_raw(locale),
           "writable": not primary and not component.readonly}
    return storable(Document(ref=ref, blocks=tuple(blocks), not_captured=tuple(missed), raw=raw))


def _node_chars(node: dict[str, Any]) -> int:
    """The visible text of a non-text node (alt text, placeholder, choices, button labels)."""
    texts = [str((node.get("image") or {}).get("alt") or ""), str(node.get("placeholder") or ""),
             str(node.get("value") or ""), str(node.get("waitingText") or "")]
    texts += [str(c.get("text") or "") for c in node.get("choices") or [] if isinstance(c, dict)]
    return sum(len(t) for t in texts)


def _locale_raw(locale: Locale | None) -> dict[str, Any]:
    if locale is None:
        return {"primary": True}
    return {"id": locale.id, "tag": locale.tag, "name": locale.name, "primary": locale.primary}


def stamp(value: Any) -> str:
    """A `lastUpdated` as Webflow writes it (UTC, milliseconds, "Z"). The SDK turns some of
    them (pages) into datetimes, which would serialise with microseconds instead."""
    moment = parse_time(value)
    if moment is None:
        return ""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
