"""Webflow payloads (site, collections, items, pages, page DOM) → the document model.

Documents:
- a CMS item is `item:<collection id>:<item id>` (kind "item"): its name is a `title` block
  (`field:name`), each PlainText field a `field:<slug>` block, and each RichText field one
  block per top-level element, `field:<slug>:<n>` (a list: one per `<li>`). Other field types
  (images, links, references, numbers) are not copy and stay in the document's `raw` only.
  A secondary locale's variant of an item (`cmsLocaleId`) is its own document,
  `item:<collection id>:<item id>@<cms locale id>`, under the primary one, as pages are.
  A RichText element holding custom code (`<div class="w-embed">`, `data-rt-embed-type`, an
  `<iframe>` or `<script>`) is a read-only `embed` block: copydesk never rewrites code.
- a static page is one document per locale: `page:<page id>` for the primary locale,
  `page:<page id>@<locale id>` for each secondary one (kind "page"). Its SEO and Open Graph
  settings come first: `seo:title`, `seo:description`, `og:title`, `og:description` (an Open
  Graph value Webflow copies from the SEO one is read-only and says so). Then one block per
  DOM text node, `node:<node id>`, and per text of a form or image node:
  `node:<node id>:alt` (image alt text, read-only: the API cannot write it),
  `node:<node id>:placeholder`, `node:<node id>:choice:<n>` (a select's n-th choice),
  `node:<node id>:value` and `node:<node id>:waitingText` (submit and search buttons).
  A component instance's property overrides are blocks of the page,
  `node:<node id>:<property id>` (kind "component_text", attrs naming the component and the
  property: "Signup banner › Heading"), written through the page's `propertyOverrides`. An
  instance without overrides shows its component's text, which the component's document
  tracks: it makes no block here. Custom attributes of nodes and text in node types copydesk
  does not know are listed in `Document.not_captured`.
- a component definition is one document per locale: `component:<component id>` for the
  primary locale, `component:<component id>@<locale id>` for each secondary one (kind
  "component"), with the blocks of its DOM nodes as a page has them (text, form texts, alt
  text, nested instances' overrides), then one per property's default value,
  `property:<property id>`. A component shared from a library (`readonly`) is read-only,
  saying where to edit it.

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
from typing import Any, Iterable, Iterator, Mapping

from connectors.document import Block, Document, DocumentRef, NotCaptured, Span
from connectors.storable import storable
from connectors.webflow import html

TOOL = "webflow"
EDITABLE_KINDS = {"paragraph", "quote", "list_item", *(f"heading_{n}" for n in range(1, 7))}
_VOLATILE = {"lastUpdated", "lastPublished", "pagination"}
# Page settings as blocks: (block id, where in the Page object, label a reviewer reads).
PAGE_SETTINGS = (("seo:title", "seo", "title", "SEO title"), ("seo:description", "seo", "description", "SEO description"),
                 ("og:title", "openGraph", "title", "Open Graph title"),
                 ("og:description", "openGraph", "description", "Open Graph description"))
# The texts of form nodes: (node type, key in the node, block id suffix, label).
FORM_TEXTS = {"text-input": (("placeholder", "Placeholder of a form field"),),
              "submit-button": (("value", "Label of a submit button"),
                                ("waitingText", "Text of a submit button while the form is sent")),
              "search-button": (("value", "Label of a search button"),)}
FORM_TEXTS["submit"] = FORM_TEXTS["submit-button"]  # Webflow's own example names it so
_KNOWN_NODES = {"text", "image", "component-instance", "select", *FORM_TEXTS}
READONLY_SLUG = "The item's slug is its URL (changing it breaks links): change it in the Webflow CMS if you must."
READONLY_FIELD = "Webflow marks this field as not editable through the API: change it in the Webflow CMS."
READONLY_EMBED = "Custom code embedded in a rich-text field: edit it in the Webflow CMS editor; copydesk never rewrites code."
READONLY_UNIT = {
    "figure": "An image or video in a rich-text field: edit it and its caption in the Webflow CMS editor.",
    "code": "A code block: copydesk never rewrites code; edit it in the Webflow CMS editor.",
    "divider": "A divider holds no copy.",
}
READONLY_ALT = "Alt text of an image: edit it in the Webflow Designer (image settings) or the Assets panel."


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


def item_remote_id(collection_id: str, item_id: str, cms_locale_id: str = "") -> str:
    """`cms_locale_id` empty (or the primary's) for the primary variant."""
    return f"item:{collection_id}:{item_id}" + (f"@{cms_locale_id}" if cms_locale_id else "")


def split_item_id(item_part: str) -> tuple[str, str]:
    """(item id, cms locale id or "" for the primary variant) of `parse_remote_id`'s item part."""
    item_id, _, cms_locale_id = item_part.partition("@")
    return item_id, cms_locale_id


def page_remote_id(page_id: str, locale: Locale | None) -> str:
    return f"page:{page_id}" if locale is None or locale.primary else f"page:{page_id}@{locale.id}"


def component_remote_id(component_id: str, locale: Locale | None) -> str:
    if locale is None or locale.primary:
        return f"component:{component_id}"
    return f"component:{component_id}@{locale.id}"


def parse_remote_id(remote_id: str) -> tuple[str, str, str]:
    """("item", collection id, item id[@cms locale id]), or ("page" | "component", its id,
    locale id or "" for the primary locale); `split_item_id` splits an item's locale off."""
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
    locale = _secondary_cms_locale(item, site)
    prefix = f"/{locale.subdirectory}" if locale is not None and locale.subdirectory else ""
    url = (f"{base}{prefix}/{collection.slug}/{data['slug']}"
           if base and collection.slug and data.get("slug") else "")
    title = str(data.get("name") or "")
    return DocumentRef(
        source=source,
        remote_id=item_remote_id(collection.id, item["id"], locale.cms_locale_id if locale else ""),
        kind="item",
        title=f"{title} [{locale.tag}]" if locale is not None and locale.tag else title,
        url=url,
        parent=item_remote_id(collection.id, item["id"]) if locale is not None else collection.id,
        remote_version=stamp(item.get("lastUpdated")),
        updated_at=parse_time(item.get("lastUpdated")),
        archived=bool(item.get("isArchived")),
    )


def _secondary_cms_locale(item: dict[str, Any], site: Site | None) -> Locale | None:
    """The site locale of a secondary-locale variant of an item; None for the primary one (or
    when the site has no locales)."""
    cms_locale_id = item.get("cmsLocaleId")
    if site is None or not cms_locale_id:
        return None
    locale = next((loc for loc in site.locales if loc.cms_locale_id == cms_locale_id), None)
    return locale if locale is not None and not locale.primary else None


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
    reason = READONLY_SLUG if field.slug == "slug" else "" if field.editable else READONLY_FIELD
    return Block(id=f"field:{field.slug}", kind=kind, text=text, spans=(Span(text=text),) if text else (),
                 editable=not reason, readonly_reason=reason,
                 attrs={"field": field.slug, "type": field.type, "label": field.label},
                 raw={"field": field.slug, "value": text})


def rich_text_blocks(field: Field, source: str) -> list[Block]:
    blocks = []
    for index, unit in enumerate(html.field_units(html.parse(source))):
        runs = html.runs(unit.node, skip_lists=unit.kind == "list_item")
        kind = "embed" if html.is_embed(unit.node) else unit.kind
        reason = (READONLY_FIELD if not field.editable else READONLY_EMBED if kind == "embed"
                  else "" if kind in EDITABLE_KINDS
                  else READONLY_UNIT.get(kind, f"A <{kind}> element in a rich-text field: edit it in the Webflow "
                                               "CMS editor."))
        attrs: dict[str, Any] = {"field": field.slug, "type": field.type, "label": field.label, "index": index,
                                 **dict(unit.attrs)}
        if unit.kind.startswith("heading_"):
            attrs["level"] = int(unit.kind[-1])
        blocks.append(Block(
            id=f"field:{field.slug}:{index}",
            kind=kind,
            text=html.text_of(runs),
            spans=html.spans(runs),
            editable=not reason,
            readonly_reason=reason,
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

    A primary-locale node text is still `editable`: copydesk cannot write it through the API
    but hands the change to a person (`ManualStep`); `attrs["manual"]` says so. Page settings
    are written through the API in every locale."""
    primary = locale is None or locale.primary
    nodes = list(nodes)
    blocks: list[Block] = list(settings_blocks(page))
    missed: list[NotCaptured] = []
    for node in nodes:
        kind = node.get("type")
        if kind == "text":
            blocks.append(text_node_block(node, manual=primary))
        elif kind == "component-instance":
            blocks.extend(override_blocks(node, components or {}, manual=primary))
        elif kind == "image":
            blocks.extend(_alt_blocks(node))
        elif kind == "select" or kind in FORM_TEXTS:
            blocks.extend(form_blocks(node, manual=primary))
        missed.extend(_missed(node))
    raw = {"page": {k: v for k, v in page.items() if k not in _VOLATILE}, "nodes": nodes,
           "locale": _locale_raw(locale), "writable": not primary}
    return storable(Document(ref=ref, blocks=tuple(blocks), not_captured=tuple(missed), raw=raw))


def settings_blocks(page: dict[str, Any]) -> Iterator[Block]:
    """The page's SEO and Open Graph title and description (update-page-settings writes them
    in every locale). An Open Graph value Webflow copies from the SEO one is read-only: the
    SEO block is where it changes."""
    for block_id, group, key, label in PAGE_SETTINGS:
        settings = page.get(group) or {}
        text = settings.get(key)
        if not isinstance(text, str) or not text:
            continue
        copied = group == "openGraph" and settings.get(f"{key}Copied") is True
        reason = (f"Copies the SEO {key}: edit the SEO {key}, or give the page an Open Graph {key} of its own "
                  "in Webflow's Page settings." if copied else "")
        yield Block(id=block_id, kind="setting", text=text, spans=(Span(text=text),), editable=not copied,
                    readonly_reason=reason,
                    attrs={"setting": group, "key": key, "label": label} | ({"copy_of": f"seo:{key}"} if copied else {}),
                    raw={"setting": group, "key": key, "value": text})


def form_blocks(node: dict[str, Any], *, manual: bool) -> list[Block]:
    """A select's choices, an input's placeholder, a button's label and waiting text: written
    through update-static-content in secondary locales, by hand in the primary one."""
    kind = str(node.get("type"))
    attrs: dict[str, Any] = {"node": node["id"], "node_type": kind, **({"manual": True} if manual else {})}
    if kind == "select":
        texts = [(f"choice:{n}", "choices", f"Choice {n + 1} of a form's select field",
                  str(choice.get("text") or ""), {"index": n, "value": choice.get("value")})
                 for n, choice in enumerate(node.get("choices") or []) if isinstance(choice, dict)]
    else:
        texts = [(key, key, label, str(node.get(key) or ""), {}) for key, label in FORM_TEXTS[kind]]
    return [Block(id=f"node:{node['id']}:{suffix}", kind="form_text", text=text, spans=(Span(text=text),),
                  attrs={**attrs, "field": key, "label": label, **extra}, raw={"node": node["id"], "field": key})
            for suffix, key, label, text, extra in texts if text]


def _alt_blocks(node: dict[str, Any]) -> list[Block]:
    alt = str((node.get("image") or {}).get("alt") or "")
    if not alt:
        return []
    return [Block(id=f"node:{node['id']}:alt", kind="alt_text", text=alt, spans=(Span(text=alt),), editable=False,
                  readonly_reason=READONLY_ALT, attrs={"node": node["id"], "label": "Alt text of an image"},
                  raw={"node": node["id"], "image": node.get("image")})]


def _missed(node: dict[str, Any]) -> list[NotCaptured]:
    """What a node holds that is not a block: its custom attributes (not shown as copy, set in
    the Designer's element settings), and any text of a node type copydesk does not know."""
    kind = str(node.get("type") or "unknown")
    missed = [NotCaptured(element=f"custom attribute {name!r} of a {kind} node",
                          reason="A custom attribute is not page copy; edit it in the Webflow Designer's "
                                 "element settings.", chars=len(value))
              for name, value in (node.get("attributes") or {}).items() if isinstance(value, str) and value]
    if kind not in _KNOWN_NODES:
        chars = sum(len(text) for text in _strings(node, skip={"id", "type", "attributes"}))
        if chars:
            missed.append(NotCaptured(element=f"{kind} node", reason="copydesk does not read this kind of Webflow "
                                      "node yet; edit it in the Webflow Designer.", chars=chars))
    return missed


def _strings(value: Any, *, skip: set[str]) -> Iterator[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(v for k, v in item.items() if k not in skip)
        elif isinstance(item, list):
            stack.extend(item)


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
    """A component definition in one locale: the blocks of its DOM nodes as a page's (text,
    form texts, alt text, nested instances' overrides), then its properties' defaults. The
    primary locale is written by hand (`attrs["manual"]`), as a static page's is; a library
    component is read-only with the reason."""
    primary = locale is None or locale.primary
    nodes, properties = list(nodes), list(properties)
    names = {**(components or {}), component.id: component.name}
    blocks: list[Block] = []
    missed: list[NotCaptured] = []
    for node in nodes:
        kind = node.get("type")
        if kind == "text":
            block = text_node_block(node, manual=primary)
            blocks.append(block.model_copy(update={"attrs": {**block.attrs, "component": component.name}}))
        elif kind == "component-instance":
            blocks.extend(override_blocks(node, names, manual=primary))
        elif kind == "image":
            blocks.extend(_alt_blocks(node))
        elif kind == "select" or kind in FORM_TEXTS:
            blocks.extend(form_blocks(node, manual=primary))
        missed.extend(_missed(node))
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
