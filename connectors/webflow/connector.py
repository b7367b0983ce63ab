"""The Webflow connector: CMS items, static pages and components of one site, through the
official SDK.

Listing reads the list endpoints only (site, collections, items, pages per locale; 100 a
request). A listed item already carries its `fieldData`, so `fetch` builds an item from the
listing payload when the ref's version is the one listed: re-pulling 1,000 items of which
10 changed costs the listing calls and no item reads. Static pages need their DOM, one read
per changed page and locale. On a site with secondary locales, items are listed in every
CMS locale at once (`cmsLocaleId` takes a comma-separated list), and each locale's variant
of an item is a document of its own, written with its `cmsLocaleId` and published per locale.

A page's SEO and Open Graph settings are written through update-page-settings in every
locale; its node text only in secondary locales (update-static-content): in the primary
locale `apply` writes the settings edits, then raises `ManualStep` for the rest.

Components have no `lastUpdated` anywhere in the API, so their version is a fingerprint of
what they read (DOM and properties, per locale), which costs two reads per component and
locale. Those reads are made only when the site's own `lastUpdated` (kept in the cursor under
`site`) has moved since the last listing, since any change saved to the site moves it; when it
has not, the components are carried over unread. The reads are kept for `fetch`, so a changed
component costs nothing more to fetch. A full pull (no cursor) always reads them.

The cursor is a JSON map `{remote id: lastUpdated}` of everything the last listing saw. An
incremental listing yields only refs whose `lastUpdated` differs from it (new or changed),
plus, for ids no longer listed, an archived ref without a version whose `fetch` raises 404,
so staging marks them deleted without a full pull.

Writes are staged (the CMS's draft of each item), never live: publishing is the separate
`Publisher` capability (`publish`), plus `publish_site` for the whole site. Webflow has no
conditional writes, so `apply` reads the item or page just before writing and checks every
edited block still reads `before` (an edit landing between that read and the write is not
detected).
"""

from __future__ import annotations

import json
import time
from typing import Any, Callable, Generator, Iterator, Sequence, cast

from webflow.core.request_options import RequestOptions
from webflow.resources.collections.resources.items.types.item_i_ds import ItemIDs
from webflow.resources.collections.resources.items.types.item_i_ds_with_locales import ItemIDsWithLocales
from webflow.resources.collections.resources.items.types.items_publish_item_request_items_items_item import (
    ItemsPublishItemRequestItemsItemsItem,
)
from webflow.resources.pages.types.page_metadata_write_open_graph import PageMetadataWriteOpenGraph
from webflow.resources.pages.types.page_metadata_write_seo import PageMetadataWriteSeo
from webflow.resources.sites.types.sites_publish_response import SitesPublishResponse

from connectors.document import Document, DocumentRef, Edit
from connectors.errors import ConfigError, ManualStep, RemoteError, RemoteNotFound
from connectors.journalled import PlannedWrite, send_journalled
from connectors.pacing import RetryPolicy
from connectors.preflight import preflight
from connectors.protocol import Cursor, Listing, WriteJournal
from connectors.webflow.client import WEBFLOW_RATE, WebflowApi, plain
from connectors.webflow.normalise import (
    TOOL,
    Collection,
    Component,
    Locale,
    Site,
    collection_from_payload,
    component_document,
    component_from_payload,
    component_ref,
    component_remote_id,
    component_version,
    item_document,
    item_ref,
    item_remote_id,
    page_document,
    page_ref,
    page_remote_id,
    parse_remote_id,
    site_from_payload,
    split_item_id,
    stamp,
)
from connectors.webflow.plugin import PLUGIN
from connectors.webflow.write import (
    ComponentNodesWrite,
    ItemWrite,
    NodesWrite,
    PropertiesWrite,
    SettingsWrite,
    manual_steps,
    plan_component_writes,
    plan_item_write,
    plan_nodes_write,
    plan_settings_write,
)

PAGE_SIZE = 100  # Webflow's maximum `limit` on every list endpoint
SITE_KEY = "site"  # the cursor's entry for the site's lastUpdated
SITE_PUBLISH_INTERVAL = 60.0  # seconds: Webflow allows one successful site publish per minute


class WebflowConnector:
    """Lists, fetches, writes (staged) and publishes the copy of one Webflow site.

    `source` is the configured source's name, stamped on every ref, document and error, so two
    sites tracked side by side never share an identity; `tool` is always Webflow."""

    tool = TOOL
    label = PLUGIN.label

    def __init__(
        self,
        token: str,
        *,
        source: str = TOOL,
        base_url: str = "",
        site_id: str,
        rate: float | None = WEBFLOW_RATE,
        timeout: float = 30,
        retry: RetryPolicy | None = None,
    ) -> None:
        if not token:
            raise ConfigError("No Webflow token was given: set the environment variable named by token_env to a "
                              "site API token.")
        if not site_id:
            raise ConfigError("Webflow needs the site to track: set site_id (Site settings → General → Site ID).")
        self.source = source
        self.site_id = site_id
        self._api = WebflowApi(token, base_url=base_url, rate=rate, timeout=timeout, retry=retry, source=source)
        self._site: Site | None = None
        self._collections: dict[str, Collection] = {}  # schemas (fields), by collection id
        self._collection_versions: dict[str, str] = {}  # lastUpdated as last listed
        self._listed: dict[str, tuple[str, dict[str, Any]]] = {}  # remote id → (lastUpdated, payload)
        self._components: dict[str, Component] | None = None  # as this listing (or fetch) read them
        self._site_updated = ""  # the site's lastUpdated as last read
        self._gone: set[str] = set()
        self._site_published_at: float | None = None

    @property
    def requests_made(self) -> int:
        return self._api.requests_made

    def close(self) -> None:
        self._api.close()

    # -- protocol -------------------------------------------------------------------------

    def list_changed(self, since: Cursor | None) -> Listing:
        # The listed payloads and the gone set describe one listing: a connector can outlive many
        # pulls (the app keeps one per source), so each listing starts them afresh and `fetch`
        # after it answers from this listing only. The site (locales, primary locale) is read
        # again by every listing (`_site_info(refresh=True)`); collection schemas stay cached,
        # checked against each listing's lastUpdated (`_schema`).
        self._listed = {}
        self._gone = set()
        self._components = None
        return Listing(self._iter_changed(since))

    def fetch(self, ref: DocumentRef) -> Document:
        kind, first, second = _parse(ref.remote_id)
        if ref.remote_id in self._gone:
            raise RemoteNotFound(f"Webflow {kind} {ref.title or ref.remote_id} is no longer listed: it was deleted.",
                                 source=self.source, status=404, code="gone")
        if kind == "item":
            return self._item(first, second, ref.remote_version)
        if kind == "component":
            return self._component(first, second, ref.remote_version)
        return self._page(first, second, ref.remote_version)

    def apply(self, ref: DocumentRef, edits: Sequence[Edit], journal: WriteJournal, *,
              dry_run: bool = False) -> Document:
        """Write `edits` staged, after checking them against a fresh read; for a static page in
        the primary locale, which the Data API cannot write, raise `ManualStep` instead."""
        kind, first, second = _parse(ref.remote_id)
        if kind == "item":
            return self._apply_item(first, second, edits, journal, dry_run)
        if kind == "component":
            return self._apply_component(first, second, edits, journal, dry_run)
        return self._apply_page(first, second, edits, journal, dry_run)

    def manual_steps(self, document: Document, edits: Sequence[Edit]) -> list[dict[str, str]]:
        """What a person would paste in the Designer to make `edits` to `document` as stored,
        worked out before anything is applied (no request): the review shows it while the
        changeset is proposed. Empty for what the API writes (CMS items, other locales)."""
        kind, _, _ = _parse(document.ref.remote_id)
        if kind == "item" or document.raw.get("writable"):
            return []  # settings blocks are not `manual`: `manual_steps` leaves them out
        return manual_steps(document, preflight(document, [e.model_copy(update={"allow_lossy": True}) for e in edits]))

    # -- Publisher ------------------------------------------------------------------------

    def publish(self, refs: Sequence[DocumentRef]) -> dict[str, Any]:
        """Publish exactly these documents' staged content: CMS items through the items'
        publish endpoint (one request per collection), a static page through a page-scoped
        site publish (`pageId`; every locale of that page, once a minute at most), a component
        through a whole-site publish (it shows on every page that holds it)."""
        items: dict[str, dict[str, list[str]]] = {}  # collection → item → cms locale ids ("" primary)
        pages: list[str] = []
        components: list[str] = []
        for ref in refs:
            kind, first, second = _parse(ref.remote_id)
            if kind == "item":
                item_id, cms_locale_id = split_item_id(second)
                items.setdefault(first, {}).setdefault(item_id, []).append(cms_locale_id)
            elif kind == "component":
                components.append(ref.remote_id)
            elif first not in pages:
                pages.append(first)
        if len(pages) + (1 if components else 0) > 1:
            raise ConfigError(f"Webflow publishes once a minute; {len(pages)} page(s) and {len(components)} "
                              "component(s) were asked for. Publish them one at a time, or publish the whole site.")
        published: list[str] = []
        errors: list[str] = []
        for collection_id, locales_of in items.items():
            item_ids = list(locales_of)
            for at in range(0, len(item_ids), PAGE_SIZE):
                batch = {i: locales_of[i] for i in item_ids[at:at + PAGE_SIZE]}
                answer = self._publish_items(collection_id, batch)
                published += [item_remote_id(collection_id, i, locale) for i in answer.get("publishedItemIds") or []
                              for locale in batch.get(i, [""])]
                errors += [str(e) for e in answer.get("errors") or []]
        for page_id in pages:
            self._publish_site(page_id)
            published += [ref.remote_id for ref in refs if _parse(ref.remote_id)[:2] == ("page", page_id)]
        if components:  # a component shows on every page that holds it: the whole site is published
            self._publish_site(None)
            published += components
        missing = [ref.remote_id for ref in refs if ref.remote_id not in published]
        if missing:
            raise RemoteError(f"Webflow did not publish {len(missing)} of {len(refs)} document(s) "
                              f"({', '.join(missing)}): {'; '.join(errors) or 'no reason given'}.",
                              source=self.source, code="not_published")
        return {"published": published, "errors": errors}

    def publish_site(self) -> dict[str, Any]:
        """Publish the whole site (every staged change) to its custom domains and its
        webflow.io subdomain."""
        return self._publish_site(None)

    def _publish_items(self, collection_id: str, locales_of: dict[str, list[str]]) -> dict[str, Any]:
        """`itemIds` when only primary variants are published (Webflow's PrimaryLocale
        example), else `items[{id, cmsLocaleIds}]` naming each variant's CMS locale."""
        request: ItemIDs | ItemIDsWithLocales
        if all(locales == [""] for locales in locales_of.values()):
            request = ItemIDs(item_ids=list(locales_of))
        else:
            primary = self._site_info().primary
            primary_cms = primary.cms_locale_id if primary is not None else ""
            request = ItemIDsWithLocales(items=[
                ItemsPublishItemRequestItemsItemsItem(id=item_id, cms_locale_ids=[c or primary_cms for c in locales])
                for item_id, locales in locales_of.items()])
        return plain(self._api.call(
            f"publishing {len(locales_of)} item(s) of collection {collection_id}",
            lambda options: self._api.sdk.collections.items.publish_item(
                collection_id, request=request, request_options=options)))

    def _publish_site(self, page_id: str | None) -> dict[str, Any]:
        """Webflow accepts one site publish a minute (a page-scoped one included). A second
        call within the minute is refused here without a request, and Webflow's own 429 is not
        retried: both raise a retryable `RemoteError` saying how long to wait.

        The SDK predates the spec's `pageId`, so it travels as an additional body parameter."""
        if self._site_published_at is not None:
            wait = SITE_PUBLISH_INTERVAL - (time.monotonic() - self._site_published_at)
            if wait > 0:
                raise _publish_limit(wait, self.source)
        site = self._site_info()

        def send(options: RequestOptions) -> SitesPublishResponse:
            if page_id is not None:
                options = {**options, "additional_body_parameters": {"pageId": page_id}}
            # The SDK leaves its `sites` property unannotated, so mypy cannot follow it to `publish`.
            return cast(SitesPublishResponse, self._api.sdk.sites.publish(
                self.site_id, custom_domains=list(site.custom_domain_ids), publish_to_webflow_subdomain=True,
                request_options=options))

        try:
            answer = self._api.call(f"publishing {'page ' + page_id if page_id else 'the site'}", send, retry=False)
        except RemoteError as error:
            if error.status == 429:
                raise _publish_limit(error.retry_after or SITE_PUBLISH_INTERVAL, self.source) from error
            raise
        self._site_published_at = time.monotonic()
        return plain(answer)

    # -- listing --------------------------------------------------------------------------

    def _iter_changed(self, since: Cursor | None) -> Generator[DocumentRef, None, Cursor | None]:
        known = _load_cursor(since)
        seen: dict[str, str] = {}
        site = self._site_info(refresh=True)

        def changed(ref: DocumentRef) -> bool:
            seen[ref.remote_id] = ref.remote_version
            return known is None or known.get(ref.remote_id) != ref.remote_version

        for collection in self._list_collections():
            for item in self._list_items(collection):
                ref = item_ref(item, collection, site, source=self.source)
                self._listed[ref.remote_id] = (ref.remote_version, item)
                if changed(ref):
                    yield ref
        for locale in site.locales or (None,):
            for page in self._list_pages(locale):
                if page.get("collectionId"):
                    continue  # a CMS template page: its copy is the items'
                ref = page_ref(page, locale, site, source=self.source)
                self._listed[ref.remote_id] = (ref.remote_version, page)
                if changed(ref):
                    yield ref
        yield from self._iter_components(site, known, changed)
        seen[SITE_KEY] = self._site_updated
        for remote_id in sorted(set(known or {}) - set(seen)):
            self._gone.add(remote_id)
            kind = remote_id.partition(":")[0]
            yield DocumentRef(source=self.source, remote_id=remote_id, kind=kind, title=remote_id, archived=True)
        return json.dumps(seen, sort_keys=True, separators=(",", ":"))

    def _iter_components(self, site: Site, known: dict[str, str] | None,
                         changed: Callable[[DocumentRef], bool]) -> Iterator[DocumentRef]:
        """Each component in each locale whose fingerprint moved; none read when the site's
        lastUpdated has not moved since `known` was listed (their entries are carried over)."""
        if known is not None and self._site_updated and known.get(SITE_KEY) == self._site_updated:
            for remote_id, version in known.items():
                if remote_id.startswith("component:"):
                    changed(DocumentRef(source=self.source, remote_id=remote_id, kind="component",
                                        remote_version=version))
            return
        for component in self._component_list().values():
            for locale in site.locales or (None,):
                nodes, properties = self._component_content(component, locale)
                ref = component_ref(component, locale, component_version(nodes, properties), source=self.source)
                self._listed[ref.remote_id] = (ref.remote_version, {"nodes": nodes, "properties": properties})
                if changed(ref):
                    yield ref

    def _list_collections(self) -> list[Collection]:
        answer = plain(self._api.call("listing the site's collections",
                                      lambda options: self._api.sdk.collections.list(self.site_id,
                                                                                     request_options=options)))
        collections = []
        for payload in answer.get("collections") or []:
            self._collection_versions[payload["id"]] = str(payload.get("lastUpdated") or "")
            collections.append(collection_from_payload(payload))  # no fields: see `_schema`
        return collections

    def _list_items(self, collection: Collection) -> Iterator[dict[str, Any]]:
        site = self._site_info()
        cms_locales = [locale.cms_locale_id for locale in site.locales if locale.cms_locale_id]
        # Every locale's variants in one listing; a site without secondary locales lists as before.
        wanted = ",".join(cms_locales) if len(cms_locales) > 1 else None

        def page(offset: int) -> dict[str, Any]:
            return plain(self._api.call(
                f"listing the items of {collection.name or collection.id}",
                lambda options: self._api.sdk.collections.items.list_items(
                    collection.id, cms_locale_id=wanted, offset=offset, limit=PAGE_SIZE, request_options=options)))

        seen: set[tuple[str, str]] = set()
        for item in _paged(page, "items"):
            key = (item["id"], str(item.get("cmsLocaleId") or ""))
            if key not in seen:
                seen.add(key)
                yield item

    def _list_pages(self, locale: Locale | None) -> Iterator[dict[str, Any]]:
        locale_id = locale.id if locale is not None and not locale.primary else None

        def page(offset: int) -> dict[str, Any]:
            return plain(self._api.call(
                f"listing the site's pages{f' in {locale.tag}' if locale_id and locale else ''}",
                lambda options: self._api.sdk.pages.list(self.site_id, locale_id=locale_id, offset=offset,
                                                         limit=PAGE_SIZE, request_options=options)))

        return _paged(page, "pages")

    # -- reading --------------------------------------------------------------------------

    def _site_info(self, *, refresh: bool = False) -> Site:
        if self._site is None or refresh:
            payload = plain(self._api.call("reading the site",
                                           lambda options: self._api.sdk.sites.get(self.site_id,
                                                                                   request_options=options)))
            self._site = site_from_payload(payload)
            self._site_updated = stamp(payload.get("lastUpdated"))
        return self._site

    def _component_list(self) -> dict[str, Component]:
        """The site's components by id, read once per listing (and on first use otherwise)."""
        if self._components is None:
            def page(offset: int) -> dict[str, Any]:
                return self._api.call("listing the site's components", lambda options: self._api.get_untyped(
                    f"sites/{self.site_id}/components", {"offset": offset, "limit": PAGE_SIZE}, options))

            self._components = {c.id: c for c in map(component_from_payload, _paged(page, "components"))}
        return self._components

    def _component_names(self) -> dict[str, str]:
        return {ident: component.name for ident, component in self._component_list().items()}

    def _component_content(self, component: Component,
                           locale: Locale | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """A component's DOM nodes and its properties' values in `locale` (primary: no localeId)."""
        locale_id = locale.id if locale is not None and not locale.primary else None
        base = f"sites/{self.site_id}/components/{component.id}"

        def read(what: str, offset: int) -> dict[str, Any]:
            params = {"localeId": locale_id, "offset": offset, "limit": PAGE_SIZE}
            return self._api.call(f"reading the {what} of component {component.name}",
                                  lambda options: self._api.get_untyped(f"{base}/{what}", params, options))

        nodes = list(_paged(lambda offset: read("dom", offset), "nodes"))
        properties = list(_paged(lambda offset: read("properties", offset), "properties"))
        return nodes, properties

    def _component(self, component_id: str, locale_id: str, version: str) -> Document:
        """From the listing when `version` is the one listed, else read (DOM and properties)."""
        site = self._site_info()
        locale = self._locale(site, locale_id)
        listed = self._listed.get(component_remote_id(component_id, locale))
        component = self._component_list().get(component_id)
        if component is None:
            self._components = None  # perhaps new since the list was read
            component = self._component_list().get(component_id)
        if component is None:
            raise RemoteNotFound(f"Webflow component {component_id} is no longer one of the site's components: it "
                                 "was deleted.", source=self.source, status=404, code="component_gone")
        if version and listed is not None and listed[0] == version:
            nodes, properties = listed[1]["nodes"], listed[1]["properties"]
        else:
            nodes, properties = self._component_content(component, locale)
        ref = component_ref(component, locale, component_version(nodes, properties), source=self.source)
        return component_document(ref, component, nodes, properties, locale, self._component_names())

    def _schema(self, collection_id: str) -> Collection:
        """The collection's fields, read once and again only when its listed lastUpdated moves."""
        cached = self._collections.get(collection_id)
        listed = self._collection_versions.get(collection_id)
        if cached is None or (listed and listed != cached.last_updated):
            payload = plain(self._api.call(f"reading the fields of collection {collection_id}",
                                           lambda options: self._api.sdk.collections.get(collection_id,
                                                                                         request_options=options)))
            cached = collection_from_payload(payload)
            self._collections[collection_id] = cached
        return cached

    def _item(self, collection_id: str, item_part: str, version: str) -> Document:
        """From the listing when `version` is the listed one, else read (always, without a version)."""
        item_id, cms_locale_id = split_item_id(item_part)
        remote_id = item_remote_id(collection_id, item_id, cms_locale_id)
        listed = self._listed.get(remote_id)
        if version and listed is not None and listed[0] == version:
            item = listed[1]
        else:
            item = plain(self._api.call(f"reading item {item_id}",
                                        lambda options: self._api.sdk.collections.items.get_item(
                                            collection_id, item_id, cms_locale_id=cms_locale_id or None,
                                            request_options=options)))
        return item_document(item, self._schema(collection_id), self._site_info(), source=self.source)

    def _locale(self, site: Site, locale_id: str) -> Locale | None:
        """The locale a remote id names (the primary one when it names none); `RemoteNotFound`
        when the site no longer has it, so staging marks that document deleted."""
        locale = site.locale(locale_id) if locale_id else site.primary
        if locale_id and locale is None:
            raise RemoteNotFound(f"Webflow locale {locale_id} is no longer one of the site's locales.",
                                 source=self.source, status=404, code="locale_gone")
        return locale

    def _page(self, page_id: str, locale_id: str, version: str) -> Document:
        site = self._site_info()
        locale = self._locale(site, locale_id)
        listed = self._listed.get(page_remote_id(page_id, locale))
        if version and listed is not None and listed[0] == version:
            meta = listed[1]
        else:
            meta = plain(self._api.call(f"reading page {page_id}",
                                        lambda options: self._api.sdk.pages.get_metadata(
                                            page_id, locale_id=locale_id or None, request_options=options)))

        def dom(offset: int) -> dict[str, Any]:
            params = {"localeId": locale_id or None, "offset": offset, "limit": PAGE_SIZE}
            return self._api.call(f"reading the content of page {meta.get('title') or page_id}",
                                  lambda options: self._api.get_untyped(f"pages/{page_id}/dom", params, options))

        nodes = list(_paged(dom, "nodes"))
        names = self._component_names() if any(n.get("type") == "component-instance" for n in nodes) else {}
        return page_document(page_ref(meta, locale, site, source=self.source), meta, nodes, locale, names)

    # -- writing --------------------------------------------------------------------------

    def _apply_item(self, collection_id: str, item_part: str, edits: Sequence[Edit], journal: WriteJournal,
                    dry_run: bool) -> Document:
        current = self._item(collection_id, item_part, "")
        planned = preflight(current, edits)
        item_id, cms_locale_id = split_item_id(item_part)
        write = plan_item_write(collection_id, item_id, current, planned, cms_locale_id)
        if not dry_run:
            self._listed.pop(current.ref.remote_id, None)  # the listing no longer says what the item reads
        title = current.ref.title or item_id
        send_journalled([PlannedWrite(write.block_ids, write.as_request(), [item.block for item in planned], write)],
                        journal, lambda item_write: self._send_item(item_write, title), dry_run=dry_run)
        return current if dry_run else self._item(collection_id, item_part, "")

    def _apply_page(self, page_id: str, locale_id: str, edits: Sequence[Edit], journal: WriteJournal,
                    dry_run: bool) -> Document:
        current = self._page(page_id, locale_id, "")
        planned = preflight(current, edits)
        settings = plan_settings_write(page_id, locale_id, current, planned)
        by_hand = [item for item in planned if item.block.attrs.get("manual")]
        nodes = [item for item in planned if not item.block.attrs.get("setting") and not item.block.attrs.get("manual")]
        previous = {item.edit.block_id: item.block for item in planned}
        if not dry_run:
            self._listed.pop(current.ref.remote_id, None)  # the listing no longer says what the page reads
        writes: list[PlannedWrite[SettingsWrite | NodesWrite]] = []
        if settings is not None:
            writes.append(PlannedWrite(settings.block_ids, settings.as_request(),
                                       [previous[i] for i in settings.block_ids], settings))
        writes += [PlannedWrite(write.block_ids, write.as_request(), [previous[i] for i in write.block_ids], write)
                   for write in (plan_nodes_write(page_id, locale_id, nodes, current) if nodes else [])]
        send_journalled(writes, journal, lambda write: self._send_page(write, current.ref.title), dry_run=dry_run)
        if by_hand:
            raise _manual_step(current, by_hand, written=len(planned) - len(by_hand))
        return current if dry_run else self._page(page_id, locale_id, "")

    def _apply_component(self, component_id: str, locale_id: str, edits: Sequence[Edit], journal: WriteJournal,
                         dry_run: bool) -> Document:
        current = self._component(component_id, locale_id, "")
        planned = preflight(current, edits)
        if not current.raw.get("writable"):
            raise _manual_step(current, planned)
        previous = {item.edit.block_id: item.block for item in planned}
        if not dry_run:
            self._listed.pop(current.ref.remote_id, None)
        writes = (PlannedWrite(write.block_ids, write.as_request(), [previous[i] for i in write.block_ids], write)
                  for write in plan_component_writes(self.site_id, component_id, locale_id, planned, current))
        send_journalled(writes, journal, lambda write: self._send_component(write, current.ref.title),
                        dry_run=dry_run)
        return current if dry_run else self._component(component_id, locale_id, "")

    def _send_component(self, write: ComponentNodesWrite | PropertiesWrite, title: str) -> None:
        """Like a page's: a 200 with `errors` is a failed write (no `done`)."""
        if isinstance(write, PropertiesWrite):
            answer = plain(self._api.call(
                f"writing the properties of component {title}",
                lambda options: self._api.sdk.components.update_properties(
                    write.site_id, write.component_id, locale_id=write.locale_id, properties=write.properties,
                    request_options=options)))
        else:
            answer = plain(self._api.call(
                f"writing component {title}",
                lambda options: self._api.sdk.components.update_content(
                    write.site_id, write.component_id, locale_id=write.locale_id, nodes=write.nodes,
                    request_options=options)))
        if answer.get("errors"):
            raise RemoteError(f"Webflow refused part of the update of component {title!r}: "
                              f"{'; '.join(map(str, answer['errors']))}.", source=self.source, code="node_errors")

    def _send_item(self, write: ItemWrite, title: str) -> None:
        self._api.call(f"writing item {title}",
                       lambda options: self._api.sdk.collections.items.update_item(
                           write.collection_id, write.item_id, field_data=write.field_data, request_options=options,
                           # the SDK sends an argument given as None as null
                           **({"cms_locale_id": write.cms_locale_id} if write.cms_locale_id else {})))

    def _send_page(self, write: SettingsWrite | NodesWrite, title: str) -> None:
        if isinstance(write, SettingsWrite):
            self._send_settings(write, title)
        else:
            self._send_nodes(write, title)

    def _send_settings(self, write: SettingsWrite, title: str) -> None:
        # Only what is written goes in the body: the SDK sends an argument given as None as null.
        body: dict[str, Any] = {}
        if write.seo:
            body["seo"] = PageMetadataWriteSeo(**write.seo)
        if write.open_graph:
            body["open_graph"] = PageMetadataWriteOpenGraph(**{_GRAPH_ARGS[k]: v for k, v in write.open_graph.items()})
        self._api.call(f"writing the SEO settings of page {title or write.page_id}",
                       lambda options: self._api.sdk.pages.update_page_settings(
                           write.page_id, locale_id=write.locale_id or None, request_options=options, **body))

    def _send_nodes(self, write: NodesWrite, title: str) -> None:
        """One update-static-content request; Webflow answers 200 with `errors` for nodes it
        refused, which counts as a failed write (no `done`)."""
        answer = plain(self._api.call(
            f"writing page {title or write.page_id}",
            lambda options: self._api.sdk.pages.update_static_content(
                write.page_id, locale_id=write.locale_id, nodes=write.nodes, request_options=options)))
        if answer.get("errors"):
            raise RemoteError(f"Webflow refused part of the update of page {title!r}: "
                              f"{'; '.join(map(str, answer['errors']))}.", source=self.source, code="node_errors")


_GRAPH_ARGS = {"title": "title", "description": "description", "titleCopied": "title_copied",
               "descriptionCopied": "description_copied"}


def _paged(request: Any, key: str) -> Iterator[dict[str, Any]]:
    """Every row of an offset-paged list endpoint (`pagination{limit, offset, total}`)."""
    offset = 0
    while True:
        answer = request(offset)
        rows = answer.get(key) or []
        yield from rows
        offset += len(rows)
        total = (answer.get("pagination") or {}).get("total")
        if not rows or total is None or offset >= int(total):
            return


def _parse(remote_id: str) -> tuple[str, str, str]:
    try:
        return parse_remote_id(remote_id)
    except ValueError as error:
        raise ConfigError(f"{remote_id!r} is not a Webflow document id (item:<collection>:<item>, "
                          "page:<page>[@<locale>] or component:<component>[@<locale>]).") from error


def _load_cursor(since: Cursor | None) -> dict[str, str] | None:
    """The last listing's versions; None (list everything) for no cursor or an unreadable one."""
    if not since:
        return None
    try:
        known = json.loads(since)
    except json.JSONDecodeError:
        return None
    return {str(k): str(v) for k, v in known.items()} if isinstance(known, dict) else None


def _manual_step(current: Document, planned: Sequence[Any], *, written: int = 0) -> ManualStep:
    """`written`: how many of the changeset's edits (page settings) were written before it."""
    steps = manual_steps(current, planned)
    where = steps[0]["locale"] if steps else "primary locale"
    changes = "; ".join(f"{s['section']}: {s['before']!r} → {s['after']!r}" for s in steps)
    done = (f"the {written} page setting edit(s) were written, nothing else" if written
            else "nothing was written")
    if current.ref.kind == "component":
        return ManualStep(
            f"Webflow's API cannot write the primary locale of a component ({where}); nothing was written. Open "
            f"the “{current.ref.title}” component in the Webflow Designer and paste the new text: {changes}. The "
            "next pull reads the component again and verifies it.",
            steps=steps,
        )
    return ManualStep(
        f"Webflow's API cannot write the primary locale of page {current.ref.title!r} ({where}); {done}. Open the "
        f"page in the Webflow Designer and paste the new text: {changes}. The next pull reads the page again and "
        "verifies it.",
        steps=steps,
    )


def _publish_limit(wait: float, source: str) -> RemoteError:
    seconds = max(1, round(wait))
    return RemoteError(f"Webflow allows one site publish per minute: wait {seconds} s and publish again.",
                       source=source, status=429, code="publish_limit", retryable=True, retry_after=float(seconds))
