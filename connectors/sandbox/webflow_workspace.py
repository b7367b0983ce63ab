"""The state behind the Webflow sandbox: one site with locales, static pages whose text lives
in DOM nodes, and CMS collections whose items have a staged and a live version.

Seeds are readable files (connectors/sandbox/seeds/webflow/README.md has the format): the site and
the collection schemas in `site.json`, one file per static page, one file per collection's
items. Everything here is plain data; `webflow.py` turns it into Webflow's JSON.

Staged and live follow Webflow's publishing guide: an item's staged `fieldData` is what the
Designer edits, `live` is what the site shows (None until first published). Updating a
published item through the staged endpoints leaves `live` and `lastPublished` alone and moves
`lastUpdated`, which is how Webflow marks a live item with unpublished changes.
"""

from __future__ import annotations

import copy
import html
import json
import random
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib.resources.abc import Traversable
from typing import Any, Iterator, cast

from connectors.sandbox.seeds import seed_files

# Node and component ids are UUID-shaped in Webflow; the sandbox derives them from the seed's
# stable keys, so the same seed always serves the same ids.
# What update-static-content may set on each form node type (its request schema's oneOf).
FORM_FIELDS = {"select": ("choices",), "text-input": ("placeholder",), "submit-button": ("value", "waitingText")}
_NODE_NAMESPACE = uuid.UUID("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figure", "pre"}
_TAG = re.compile(r"<[^>]*>")
_OPENING_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b")


def iso(moment: datetime) -> str:
    """Webflow's timestamps: UTC with milliseconds, `2026-10-14T16:03:51.000Z`."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def node_id(page_id: str, key: str) -> str:
    """The id of the DOM node a seed page calls `key`."""
    return str(uuid.uuid5(_NODE_NAMESPACE, f"{page_id}:{key}"))


def component_id(name: str) -> str:
    return str(uuid.uuid5(_NODE_NAMESPACE, f"component:{name}"))


def property_id(component: str, label: str) -> str:
    return str(uuid.uuid5(_NODE_NAMESPACE, f"component:{component}:{label}"))


def plain_text(markup: str | None) -> str | None:
    """`text.text` of a text node: the characters without tags. Webflow gives null for a node
    holding several blocks (its own example: `<div><h3>…</h3><p>…</p></div>`)."""
    if markup is None:
        return None
    blocks = [tag.lower() for tag in _OPENING_TAG.findall(markup) if tag.lower() in _BLOCK_TAGS]
    if len(blocks) > 1:
        return None
    return html.unescape(_TAG.sub("", markup))


def outer_tag(markup: str) -> str | None:
    match = _OPENING_TAG.match(markup.strip())
    return match.group(1).lower() if match else None


def replace_in_text(markup: str, find: str, replace: str) -> str | None:
    """Replace the first `find` that lies in the text between tags (never inside a tag or an
    attribute), as a person typing in the Designer would; None when there is none."""
    parts = re.split(r"(<[^>]*>)", markup)
    for index, part in enumerate(parts):
        if not part.startswith("<") and find in part:
            parts[index] = part.replace(find, replace, 1)
            return "".join(parts)
    return None


class Clock:
    """Strictly increasing timestamps, never earlier than the seed's newest one: two writes in
    the same millisecond still order `lastUpdated` after `lastPublished`."""

    def __init__(self, floor: datetime) -> None:
        self._last = floor

    def now(self) -> str:
        moment = max(datetime.now(UTC), self._last + timedelta(milliseconds=1))
        moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
        self._last = moment
        return iso(moment)


# -- pages ---------------------------------------------------------------------------------------


@dataclass
class Property:
    """A component instance's property override (`propertyOverrides[]`)."""

    id: str
    label: str
    type: str  # "Plain Text" or "Rich Text", as Webflow labels them
    text: str

    def resource(self, text: str | None = None) -> dict[str, Any]:
        value = self.text if text is None else text
        rich = self.type == "Rich Text"
        return {"propertyId": self.id, "type": self.type, "label": self.label,
                "text": {"html": value if rich else None, "text": None if rich else value}}


@dataclass
class Node:
    """One DOM node of a static page: `text` (html), `image`, `component-instance`, or a form
    node (`select` with `choices`, `text-input` with `placeholder`, `submit-button` with `value`
    and `waitingText`; shapes of get-static-content's schema, whose enum names the button
    `submit-button` although its example says `submit`)."""

    id: str
    key: str
    type: str
    html: str = ""
    image: dict[str, Any] = field(default_factory=dict)
    component: str = ""
    properties: list[Property] = field(default_factory=list)
    form: dict[str, Any] = field(default_factory=dict)  # choices / placeholder / value, waitingText

    def resource(self, override: Any = None) -> dict[str, Any]:
        """The node as GET /pages/{id}/dom serves it; `override` is a secondary locale's text
        (html for a text node, {propertyId: text} for a component instance)."""
        if self.type == "text":
            markup = self.html if override is None else override
            return {"id": self.id, "type": "text", "text": {"html": markup, "text": plain_text(markup)},
                    "attributes": {}}
        if self.type == "image":
            return {"id": self.id, "type": "image", "image": dict(self.image), "attributes": {}}
        if self.type in FORM_FIELDS:
            return {"id": self.id, "type": self.type, **copy.deepcopy({**self.form, **(override or {})}),
                    "attributes": {}}
        overrides = override or {}
        return {"id": self.id, "type": "component-instance", "componentId": component_id(self.component),
                "propertyOverrides": [p.resource(overrides.get(p.id)) for p in self.properties]}


@dataclass
class Page:
    id: str
    title: str
    slug: str
    path: str
    created_on: str
    last_updated: str
    seo: dict[str, str]
    open_graph: dict[str, str | bool]  # title and description, and whether each is copied from `seo`
    nodes: list[Node]
    # locale id -> node id -> html (text nodes) or {propertyId: text} (component instances)
    localized: dict[str, dict[str, Any]] = field(default_factory=dict)
    # locale id -> {"title", "seo.title", ...} overrides of the page settings
    localized_meta: dict[str, dict[str, str]] = field(default_factory=dict)

    def node(self, node_id_: str) -> Node | None:
        return next((n for n in self.nodes if n.id == node_id_), None)

    def nodes_for(self, locale_id: str | None) -> list[dict[str, Any]]:
        overrides = self.localized.get(locale_id or "", {})
        return [node.resource(overrides.get(node.id)) for node in self.nodes]


# -- CMS -----------------------------------------------------------------------------------------


@dataclass
class Collection:
    id: str
    display_name: str
    singular_name: str
    slug: str
    created_on: str
    last_updated: str
    fields: list[dict[str, Any]]

    def field_types(self) -> dict[str, str]:
        return {f["slug"]: f["type"] for f in self.fields}

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "displayName": self.display_name, "singularName": self.singular_name,
                "slug": self.slug, "createdOn": self.created_on, "lastUpdated": self.last_updated}

    def resource(self) -> dict[str, Any]:
        return {**self.summary(), "fields": copy.deepcopy(self.fields)}


@dataclass
class Item:
    """A CMS item in the primary locale: its staged fieldData and, once published, its live one."""

    id: str
    collection_id: str
    cms_locale_id: str
    created_on: str
    last_updated: str
    last_published: str | None
    is_draft: bool
    is_archived: bool
    staged: dict[str, Any]
    live: dict[str, Any] | None = None

    @property
    def is_live(self) -> bool:
        return self.live is not None

    def resource(self, *, live: bool = False) -> dict[str, Any]:
        data = self.live if live else self.staged
        return {"id": self.id, "cmsLocaleId": self.cms_locale_id, "lastPublished": self.last_published,
                "lastUpdated": self.last_updated, "createdOn": self.created_on, "isArchived": self.is_archived,
                "isDraft": self.is_draft, "fieldData": copy.deepcopy(data)}


# -- the workspace -------------------------------------------------------------------------------


@dataclass
class WebflowWorkspace:
    """Site, pages, collections and items; callers hold `lock` around reads and writes."""

    site: dict[str, Any]
    pages: dict[str, Page]
    collections: dict[str, Collection]
    items: dict[str, Item]  # the primary locale's variants
    clock: Clock
    # item id → cms locale id → that secondary locale's variant of the item
    variants: dict[str, dict[str, Item]] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)
    last_site_publish: float | None = None  # time.monotonic() of the last successful site publish

    # `site` is the seed's JSON as Webflow's get-site answers it: locales {primary: {...}, secondary: [{...}]}.
    @property
    def primary_locale(self) -> dict[str, Any]:
        return cast(dict[str, Any], self.site["locales"]["primary"])

    @property
    def secondary_locales(self) -> list[dict[str, Any]]:
        return cast(list[dict[str, Any]], self.site["locales"]["secondary"])

    def locale(self, locale_id: str) -> dict[str, Any] | None:
        everything = [self.primary_locale, *self.secondary_locales]
        return next((loc for loc in everything if loc["id"] == locale_id), None)

    def items_of(self, collection_id: str) -> list[Item]:
        return [item for item in self.items.values() if item.collection_id == collection_id]

    def variant(self, item_id: str, cms_locale_id: str | None) -> Item | None:
        """The item in one CMS locale: the primary variant for None or the primary's id."""
        if cms_locale_id is None or cms_locale_id == self.primary_locale["cmsLocaleId"]:
            return self.items.get(item_id)
        return self.variants.get(item_id, {}).get(cms_locale_id)

    # -- loading ------------------------------------------------------------------------------

    @classmethod
    def from_seed_dir(cls, folder: Traversable) -> WebflowWorkspace:
        seed = json.loads((folder / "site.json").read_text(encoding="utf-8"))
        site = seed["site"]
        locales_by_tag = {loc["tag"]: loc for loc in site["locales"]["secondary"]}
        pages = {}
        for path in seed_files(folder / "pages", ".md"):
            page = parse_page(path.read_text(encoding="utf-8"), path.name, locales_by_tag)
            pages[page.id] = page
        collections = {c["id"]: Collection(c["id"], c["displayName"], c["singularName"], c["slug"], c["createdOn"],
                                           c["lastUpdated"], c["fields"]) for c in seed["collections"]}
        by_slug = {c.slug: c for c in collections.values()}
        items: dict[str, Item] = {}
        variants: dict[str, dict[str, Item]] = {}
        cms_locale = site["locales"]["primary"]["cmsLocaleId"]
        cms_locales = {loc["tag"]: loc["cmsLocaleId"] for loc in site["locales"]["secondary"]}
        for path in seed_files(folder / "items", ".md"):
            collection = by_slug[path.name.removesuffix(".md").split("-", 1)[1]]
            for item in parse_items(path.read_text(encoding="utf-8"), path.name, collection, cms_locale,
                                    cms_locales, items):
                if item.cms_locale_id == cms_locale:
                    items[item.id] = item
                else:
                    variants.setdefault(item.id, {})[item.cms_locale_id] = item
        stamps = [site["lastUpdated"], site.get("lastPublished") or site["lastUpdated"]]
        stamps += [p.last_updated for p in pages.values()]
        stamps += [i.last_updated for i in items.values()]
        stamps += [i.last_published for i in items.values() if i.last_published]
        return cls(site, pages, collections, items, Clock(max(parse_iso(s) for s in stamps)), variants=variants)

    # -- synthetic collections for benchmarks -------------------------------------------------------

    def add_synthetic_collection(self, count: int, seed: int = 7) -> Collection:
        """Replace any earlier synthetic collection with one of `count` published items whose
        RichText bodies repeat the seed's messaging, so a pull has realistic work to do."""
        rng = random.Random(seed)
        for old in [c for c in self.collections.values() if c.slug == "benchmark-post"]:
            del self.collections[old.id]
            for item in self.items_of(old.id):
                del self.items[item.id]
        stamp = self.clock.now()
        base = int(parse_iso(stamp).timestamp())
        collection_id = f"{base:08x}{rng.getrandbits(64):016x}"
        fields = [
            _field(collection_id, 0, "name", "PlainText", "Name", True),
            _field(collection_id, 1, "slug", "PlainText", "Slug", True),
            _field(collection_id, 2, "summary", "PlainText", "Summary", False),
            _field(collection_id, 3, "post-body", "RichText", "Post body", False),
        ]
        collection = Collection(collection_id, "Benchmark Posts", "Benchmark Post", "benchmark-post", stamp, stamp,
                                fields)
        self.collections[collection.id] = collection
        phrases = ["the chatbot for your docs", "Setup in 5 minutes", "cuts support tickets by 40%",
                   "works with Zendesk and Intercom", "answers from your docs in seconds", "99.9% uptime"]
        cms_locale = self.primary_locale["cmsLocaleId"]
        for number in range(count):
            picked = rng.sample(phrases, 3)
            data = {
                "name": f"Benchmark post {number + 1:05d}",
                "slug": f"benchmark-post-{number + 1:05d}",
                "summary": f"HelpHive is {picked[0]}.",
                "post-body": (f"<h2>Post {number + 1}</h2><p>HelpHive is <strong>{picked[0]}</strong>. "
                              f"{picked[1].capitalize()}, and it {picked[2]}.</p>"
                              f"<ul><li>{picked[1]}</li><li>{picked[2]}</li></ul>"),
            }
            item_id = f"{base:08x}{number:08x}{rng.getrandbits(32):08x}"
            self.items[item_id] = Item(item_id, collection.id, cms_locale, stamp, stamp, stamp, False, False,
                                       data, copy.deepcopy(data))
        return collection


def _field(collection_id: str, number: int, slug: str, kind: str, name: str, required: bool) -> dict[str, Any]:
    return {"id": f"{collection_id[:16]}{number:08x}", "isEditable": True, "isRequired": required, "type": kind,
            "slug": slug, "displayName": name, "helpText": None, "validations": None}


# -- seed parsing --------------------------------------------------------------------------------


def _front_matter(text: str, name: str) -> tuple[dict[str, str], list[str]]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError(f"{name}: a seed file starts with a --- front matter block")
    end = lines.index("---", 1)
    meta = {}
    for line in lines[1:end]:
        key, _, value = line.partition(":")
        meta[key.strip()] = value.strip()
    return meta, lines[end + 1:]


_IMAGE = re.compile(r"^\[image (?P<asset>[0-9a-f]{24})\]\s*(?P<alt>.*)$")
_FORM = re.compile(r"^\[(?P<type>select|text-input|submit-button)\]\s*(?P<rest>.*)$")
_COMPONENT = re.compile(r"^\[component (?P<name>[\w-]+)\]$")
_PROPERTY = re.compile(r"^\s+(?P<label>[^(]+?) \((?P<type>Plain Text|Rich Text)\): (?P<text>.*)$")
_LOCALE = re.compile(r"^\[(?P<tag>[A-Za-z-]+)\]$")
_META_KEYS = {"title", "seo.title", "seo.description", "og.title", "og.description"}


def parse_page(text: str, name: str, locales_by_tag: dict[str, dict[str, Any]]) -> Page:
    meta, lines = _front_matter(text, name)
    page_id = meta["id"]
    page = Page(page_id, meta["title"], meta["slug"], meta["path"], meta["created"], meta["updated"],
                {"title": meta["seo.title"], "description": meta["seo.description"]},
                {"title": meta.get("og.title", meta["seo.title"]), "titleCopied": "og.title" not in meta,
                 "description": meta.get("og.description", meta["seo.description"]),
                 "descriptionCopied": "og.description" not in meta},
                [])
    locale: dict[str, Any] | None = None
    for number, line in enumerate(lines, start=1):
        where = f"{name}, body line {number}"
        if not line.strip():
            continue
        if match := _LOCALE.match(line):
            if match["tag"] not in locales_by_tag:
                raise ValueError(f"{where}: {match['tag']} is not a secondary locale of the site")
            locale = locales_by_tag[match["tag"]]
            continue
        if match := _PROPERTY.match(line):
            node = page.nodes[-1] if page.nodes else None
            if locale is None:
                if node is None or node.type != "component-instance":
                    raise ValueError(f"{where}: a property line follows a [component] line")
                node.properties.append(Property(property_id(node.component, match["label"]), match["label"],
                                                match["type"], match["text"]))
                continue
            raise ValueError(f"{where}: localize a property as `key/Label: text`")
        key, sep, value = line.partition(": ")
        if not sep:
            raise ValueError(f"{where}: expected `key: html`")
        key, value = key.strip(), value.strip()
        if locale is not None:
            _localize(page, locale["id"], key, value, where)
            continue
        if match := _IMAGE.match(value):
            page.nodes.append(Node(node_id(page_id, key), key, "image",
                                   image={"alt": match["alt"], "assetId": match["asset"]}))
        elif match := _FORM.match(value):
            page.nodes.append(Node(node_id(page_id, key), key, match["type"],
                                   form=_form_values(match["type"], match["rest"], where)))
        elif match := _COMPONENT.match(value):
            page.nodes.append(Node(node_id(page_id, key), key, "component-instance", component=match["name"]))
        else:
            page.nodes.append(Node(node_id(page_id, key), key, "text", html=value))
    return page


def _form_values(kind: str, text: str, where: str) -> dict[str, Any]:
    """`[select] value=Text | value=Text`, `[text-input] Placeholder`, `[submit-button] Label | Waiting text`."""
    parts = [part.strip() for part in text.split(" | ")]
    if kind == "select":
        choices = [part.partition("=") for part in parts]
        if any(not sep for _, sep, _ in choices):
            raise ValueError(f"{where}: a select's choices are `value=Text | value=Text`")
        return {"choices": [{"value": value, "text": label} for value, _, label in choices]}
    if kind == "text-input":
        return {"placeholder": text.strip()}
    if len(parts) != 2:
        raise ValueError(f"{where}: a submit button is `Label | Waiting text`")
    return {"value": parts[0], "waitingText": parts[1]}


def _localize(page: Page, locale_id: str, key: str, value: str, where: str) -> None:
    if key in _META_KEYS:
        page.localized_meta.setdefault(locale_id, {})[key] = value
        return
    node_key, _, label = key.partition("/")
    node = next((n for n in page.nodes if n.key == node_key), None)
    if node is None:
        raise ValueError(f"{where}: no node {node_key!r} on the page")
    overrides = page.localized.setdefault(locale_id, {})
    if node.type in FORM_FIELDS:
        overrides[node.id] = _form_values(node.type, value, where)
        return
    if label:
        prop = next((p for p in node.properties if p.label == label), None)
        if prop is None:
            raise ValueError(f"{where}: component {node.component!r} has no property {label!r}")
        overrides.setdefault(node.id, {})[prop.id] = value
    else:
        overrides[node.id] = value


_ITEM = re.compile(r"^# item (?P<id>[0-9a-f]{24})(?: \[(?P<tag>[A-Za-z-]+)\])?$")
_FIELD = re.compile(r"^## (?P<live>live:)?(?P<slug>[\w-]+)$")
_STATES = {"published", "changed", "draft", "archived"}


def parse_items(text: str, name: str, collection: Collection, cms_locale_id: str,
                cms_locales: dict[str, str] | None = None, primaries: dict[str, Item] | None = None) -> Iterator[Item]:
    """Items of one collection: `# item <id>`, `key: value` metadata lines, then `## <field>`
    blocks; `## live:<field>` gives the published value where it differs from the staged one.
    `# item <id> [fr-FR]` is that item's variant in a secondary locale (`cms_locales` by tag):
    it starts from the primary variant's fields, given earlier in the file or in `primaries`."""
    types = collection.field_types()
    blocks: list[tuple[str, str, dict[str, str], dict[str, list[str]], dict[str, list[str]]]] = []
    current: list[str] | None = None
    known: dict[str, Item] = dict(primaries or {})
    for number, line in enumerate(text.splitlines(), start=1):
        if match := _ITEM.match(line):
            locale = cms_locale_id
            if match["tag"]:
                if match["tag"] not in (cms_locales or {}):
                    raise ValueError(f"{name}, line {number}: {match['tag']} is not a secondary locale of the site")
                locale = (cms_locales or {})[match["tag"]]
            blocks.append((match["id"], locale, {}, {}, {}))
            current = None
            continue
        if not blocks:
            continue  # a preamble before the first item is a comment
        _, _, meta, staged, live = blocks[-1]
        if match := _FIELD.match(line):
            if match["slug"] not in types:
                raise ValueError(f"{name}, line {number}: {collection.slug} has no field {match['slug']!r}")
            current = (live if match["live"] else staged).setdefault(match["slug"], [])
            continue
        if current is not None:
            current.append(line)
        elif line.strip():
            key, _, value = line.partition(":")
            meta[key.strip()] = value.strip()
    for item_id, locale, meta, staged_lines, live_lines in blocks:
        state = meta.get("state", "published")
        if state not in _STATES:
            raise ValueError(f"{name}: item {item_id} has state {state!r}; use one of {sorted(_STATES)}")
        primary = known.get(item_id) if locale != cms_locale_id else None
        if locale != cms_locale_id and primary is None:
            raise ValueError(f"{name}: the variant of item {item_id} comes after its primary variant")
        data: dict[str, Any] = copy.deepcopy(primary.staged) if primary is not None else {}
        data |= {"name": meta.get("name", data.get("name")), "slug": meta.get("slug", data.get("slug"))}
        data.update({slug: _field_value(types[slug], lines) for slug, lines in staged_lines.items()})
        published = meta.get("published") or None
        live_data: dict[str, Any] | None = None
        if state in ("published", "changed"):
            live_data = copy.deepcopy(data)
            live_data.update({slug: _field_value(types[slug], lines) for slug, lines in live_lines.items()})
        item = Item(item_id, collection.id, locale, meta.get("created", primary.created_on if primary else ""),
                    meta["updated"], published, state == "draft", state == "archived", data, live_data)
        if locale == cms_locale_id:
            known[item_id] = item
        yield item


def _field_value(kind: str, lines: list[str]) -> Any:
    """RichText joins its lines with nothing (Webflow stores `<h2>…</h2><p>…</p>`); JSON-valued
    fields (images, numbers, switches) are written as JSON; the rest is one line of text."""
    body = [line.strip() for line in lines if line.strip()]
    if kind == "RichText":
        return "".join(body)
    if kind in ("Image", "Number", "Switch", "MultiImage", "File"):
        return json.loads(" ".join(body))
    return " ".join(body)
