"""Webflow payloads (site, collections, items, pages, page DOM) → the document model.

Documents:
- a CMS item is `item:<collection id>:<item id>` (kind "item"): its name is a `title` block
  (`field:name`), each PlainText field a `field:<slug>` block, and each RichText field one
  block per top-level element, `field:<slug>:<n>` (a list: one per `<li>`). Other field types
  (images, links, references, numbers) are not copy and stay in the document's `raw` only.
- a static page is one document per locale: `page:<page id>` for the primary locale,
  `page:<page id>@<locale id>` for each secondary one (kind "page"), with one block per DOM
  text node, `node:<node id>`. Component property overrides are shown read-only.

`remote_version` is Webflow's `lastUpdated` as the list endpoints report it, so a listing
alone tells staging what changed. Bookkeeping that changes without the copy changing
(`lastUpdated`, `lastPublished`, pagination) is left out of `raw`, so an unchanged item or
page always serialises to the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Iterable

from connectors.document import Block, Document, DocumentRef, Span
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


# -- ids ----------------------------------------------------------------------------------------


def item_remote_id(collection_id: str, item_id: str) -> str:
    return f"item:{collection_id}:{item_id}"


def page_remote_id(page_id: str, locale: Locale | None) -> str:
    return f"page:{page_id}" if locale is None or locale.primary else f"page:{page_id}@{locale.id}"


def parse_remote_id(remote_id: str) -> tuple[str, str, str]:
    """("item", collection id, item id) or ("page", page id, locale id or "" for primary)."""
    kind, _, rest = remote_id.partition(":")
    if kind == "item" and ":" in rest:
        collection_id, _, item_id = rest.partition(":")
        return "item", collection_id, item_id
    if kind == "page" and rest:
        page_id, _, locale_id = rest.partition("@")
        return "page", page_id, locale_id
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
                  locale: Locale | None) -> Document:
    """`page` is the page's metadata (as listed), `nodes` its DOM nodes in this locale.

    A primary-locale text node is still `editable`: copydesk cannot write it through the API
    but hands the change to a person (`ManualStep`); `attrs["manual"]` says so."""
    primary = locale is None or locale.primary
    nodes = list(nodes)
    blocks: list[Block] = []
    for node in nodes:
        if node.get("type") == "text":
            blocks.append(text_node_block(node, manual=primary))
        elif node.get("type") == "component-instance":
            blocks.extend(_override_blocks(node))
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


def _override_blocks(node: dict[str, Any]) -> list[Block]:
    """Text set on a component instance: written through the component, so read-only here."""
    blocks = []
    for override in node.get("propertyOverrides") or []:
        text = override.get("text") or {}
        source = text.get("html")
        if source is None and text.get("text") is None:
            continue
        runs = html.runs(html.parse(source if source is not None else html.escape(text.get("text") or "")))
        blocks.append(Block(
            id=f"node:{node['id']}:{override.get('propertyId', '')}",
            kind="component_text",
            text=html.text_of(runs),
            spans=html.spans(runs),
            editable=False,
            attrs={"node": node["id"], "property": override.get("propertyId", ""), "label": override.get("label", "")},
            raw={"node": node["id"], "override": override},
        ))
    return blocks


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
