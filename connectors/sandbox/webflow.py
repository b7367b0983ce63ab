"""A local Webflow Data API v2: the subset copydesk uses, with Webflow's paths, shapes and errors.

Mounted at `<server>/webflow`, so the official SDK reaches it with
`Webflow(access_token=WEBFLOW_SANDBOX_TOKEN, environment=WebflowEnvironment(base=f"{base}/v2",
data_api=f"{base}/v2", content_delivery_api=f"{base}/v2"))`.

API (`Authorization: Bearer WEBFLOW_SANDBOX_TOKEN`; lists take `limit` ≤ 100 and `offset`):
    GET   /v2/sites                                       GET  /v2/sites/{site_id}
    POST  /v2/sites/{site_id}/publish                     1 successful publish per minute (429 after)
    GET   /v2/sites/{site_id}/pages                       localeId
    GET   /v2/pages/{page_id}                             localeId
    PUT   /v2/pages/{page_id}                             localeId; title, slug, seo{title, description},
                                                          openGraph{title, titleCopied, description, descriptionCopied}
    GET   /v2/pages/{page_id}/dom                         localeId, limit, offset
    POST  /v2/pages/{page_id}/dom?localeId=               secondary locales only; 1–1000 nodes
    GET   /v2/sites/{site_id}/components                  limit, offset
    GET   /v2/sites/{site_id}/components/{id}/dom         localeId, limit, offset
    POST  /v2/sites/{site_id}/components/{id}/dom         secondary locales only; 1–1000 nodes
    GET   /v2/sites/{site_id}/components/{id}/properties  localeId, limit, offset
    POST  /v2/sites/{site_id}/components/{id}/properties  secondary locales only (localeId required)
    GET   /v2/sites/{site_id}/collections                 GET  /v2/collections/{collection_id}
    GET   /v2/collections/{id}/items                      staged view; name, slug, sortBy, sortOrder,
                                                          cmsLocaleId (one id or several, comma-separated)
    GET   /v2/collections/{id}/items/live                 what the site shows
    PATCH /v2/collections/{id}/items                      staged, ≤ 100 items
    PATCH /v2/collections/{id}/items/live                 live, ≤ 100 items; 409 if never published
    GET   /v2/collections/{id}/items/{item_id}            and PATCH (staged)
    GET   /v2/collections/{id}/items/{item_id}/live       and PATCH (live; 409 if never published)
    POST  /v2/collections/{id}/items/publish              {itemIds} or {items[{id, cmsLocaleIds}]} -> 202
Item reads and writes take `cmsLocaleId` (query, or in each item of a bulk update): a
secondary locale's variant of an item is separate content with the same item id.
Sources of the shapes added for issue 17: update-page-settings (PUT /pages/{page_id}, request
and 200 schema), get-static-content's node schemas (select, text-input, submit-button) and
update-static-content's oneOf (choices, placeholder, value + waitingText), list-collection-items'
`cmsLocaleId` parameter ("comma separated string" for several locales), update-items'
LocalizedItems example, publish-item's SecondaryLocale example: ../shared/api-examples/webflow/
openapi_v2.yml and the example files beside it.
Every API response carries `X-RateLimit-Limit` and `X-RateLimit-Remaining`; over the limit is
429 `too_many_requests` with `Retry-After`. Errors are `{message, code, externalReference, details}`.

Components follow the spec's operations list-components, get-/update-component-content and
get-/update-component-properties (openapi_v2.yml @ e91cb4e6): a component lists `id, name, group,
description` and `readonly` for one shared from a library; both updates take a secondary
`localeId` only ("the request requires a secondary locale ID") and answer `{errors: []}`. A
request naming a node or property the component does not have is refused whole (400), as is
any write to a `readonly` component; the endpoints carry no lastUpdated, so a component change
moves the site's lastUpdated.

Staged and live follow Webflow's publishing guide (webflow_workspace.py): a staged write to a
published item moves `lastUpdated` and leaves `lastPublished` and the live fieldData alone;
publishing copies staged to live; a live write changes the live version only, as Webflow's
changelog for the live endpoints says ("without affecting its staged version"). A site publish
also publishes every item queued for it (not a draft, not archived, changed since its last
publish), as the guide's "Queued to publish" status promises, and takes archived items off
the live site.

Admin (uncounted, no auth) under `/_sandbox/`:
    GET  stats        {"total", "routes", "rate_limited", "faults_served", "rate_limit": {"per_minute",
                       "window_seconds"} | None, "site_publish_interval_seconds"}
    POST reset        reload the seed, clear stats, faults and rate-limit changes
    POST edit         an edit behind copydesk's back:
                       {"item", "field", "find", "replace", "live": false}   staged only (lastUpdated moves)
                       {"item", ..., "live": true}                          edited and published (both versions)
                       {"page", "node"?, "locale"?, "find", "replace"}      a Designer edit of a static page
                       {"component", "locale"?, "find", "replace"}          a Designer edit of a component
                                                                           (its key or id; nodes, then properties)
    POST faults       {"status", "count", "hang", "retry_after", "code", "match", "skip"} or {"clear": true}
    POST rate_limit   {"enabled", "per_minute", "window_seconds", "site_publish_interval_seconds"}
    POST blank_embeds {"enabled": true}: RichText fields are answered with every custom-code
                      embed (`<div class="w-embed">…</div>`) emptied, as Webflow has been seen to
                      return them; writes are unaffected
    POST generate     {"items": 1000, "seed": 7}: add (or replace) a synthetic "Benchmark Posts" collection
    POST items        {"collection": id or slug, "fieldData", "isDraft"?, "isArchived"?, "live"?: true}:
                      a new item, as Webflow's create-item (`/items`, or `/items/live` with "live")
                      makes it; answers the item
"""

from __future__ import annotations

import copy
import json
import math
import re
import threading
import time
import uuid
from collections import deque
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any, Callable, Iterable

from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from connectors.sandbox.harness import Harness, RateLimit, SandboxError, dispatch_admin, match_api
from connectors.sandbox.harness import admin_json as _admin_json
from connectors.sandbox.webflow_workspace import (
    FORM_FIELDS,
    Collection,
    Component,
    Item,
    Node,
    Page,
    WebflowWorkspace,
    outer_tag,
    replace_in_text,
)

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

WEBFLOW_SANDBOX_TOKEN = "wf-sandbox-copydesk-local-only-5f0c3a9e7b1d48c2a6e4f8b0d2c7e9a1"
WEBFLOW_SITE_ID = "63e04300a66513270e0c5c7f"
WEBFLOW_PRIMARY_LOCALE_ID = "664a9280d2128b2f33892f90"
WEBFLOW_FRENCH_LOCALE_ID = "664a9280e80ed9047581e74e"
# Starter and Basic site plans: 60 requests per minute per API key (CMS and Business: 120).
WEBFLOW_RATE_PER_MINUTE = 60
# "This endpoint has a specific rate limit of one successful publish queue per minute."
WEBFLOW_SITE_PUBLISH_INTERVAL = 60

MAX_PAGE_LIMIT = 100
MAX_BULK_ITEMS = 100
MAX_DOM_NODES = 1000

_DEFAULT_CODES = {400: "bad_request", 401: "not_authorized", 403: "forbidden", 404: "resource_not_found",
                  409: "conflict", 429: "too_many_requests", 500: "internal_error", 503: "service_unavailable"}
# The messages of the spec's error examples (fixtures/api-shapes/webflow/errors.json).
_DEFAULT_MESSAGES = {
    "bad_request": "Bad Request: Request is malformed",
    "not_authorized": "Request not authorized",
    "forbidden": "User is not authorized to perform this action",
    "resource_not_found": "Requested resource not found",
    "conflict": "Conflict: Conflict with server data",
    "too_many_requests": "Too many requests",
    "internal_error": "An Internal Error occurred",
    "service_unavailable": "Service Unavailable",
}
_NEVER_PUBLISHED = ("Conflict: Conflict with server data: Live PATCH updates can't be applied to items that have "
                    "never been published")
# Webflow's answer when the locale is not a secondary one (webflow/mcp-server#36).
_NOT_SECONDARY = "Bad Request: Request is malformed: The provided locale must be a secondary locale."


def webflow_error(status: int, code: str = "", message: str = "") -> Response:
    """Webflow's error body. 429s from the harness get Retry-After from it; the rate-limit
    headers are added to every API response in `dispatch`."""
    code = code or _DEFAULT_CODES.get(status, "internal_error")
    body: dict[str, Any] = {"message": message or _DEFAULT_MESSAGES.get(code, "An Internal Error occurred"), "code": code,
            "externalReference": None, "details": []}
    return Response(json.dumps(body), status=status, content_type="application/json; charset=utf-8")


class ApiError(SandboxError):
    def __init__(self, status: int, code: str = "", message: str = "", retry_after: int | None = None) -> None:
        super().__init__(message)
        self.response = webflow_error(status, code, message)
        if retry_after is not None:
            self.response.headers["Retry-After"] = str(retry_after)


def _validation_error(*problems: str) -> ApiError:
    """Webflow's request validation failures: 400 `validation_error`, "Validation Error: [...]"."""
    return ApiError(400, "validation_error", f"Validation Error: {json.dumps(list(problems))}")


def _not_found(what: str) -> ApiError:
    return ApiError(404, "resource_not_found", f"Requested resource not found: The {what} cannot be found")


class MinuteLimit(RateLimit):
    """Webflow's per-key budget: `per_minute` requests in any rolling `window_seconds` (60 by
    default). Unlike the shared sliding-window limiter it can say how many requests are left,
    which Webflow reports on every response (`X-RateLimit-Remaining`), and its Retry-After says
    when the oldest request in the window leaves it."""

    def __init__(self, per_minute: int = WEBFLOW_RATE_PER_MINUTE, window_seconds: int = 60) -> None:
        # Not RateLimit.__init__: it builds a pyrate-limiter bucket, whose leak thread this
        # limiter does not need (and a test that reconfigures the limit would pile them up).
        self.rate = per_minute / window_seconds
        self.window_seconds = window_seconds
        self.retry_after: int | None = window_seconds
        self.status, self.code, self.message = 429, "too_many_requests", "Too many requests"
        self.per_minute = per_minute
        self._stamps: deque[float] = deque()
        self._lock = threading.Lock()

    def _expire(self, now: float) -> None:
        while self._stamps and self._stamps[0] <= now - self.window_seconds:
            self._stamps.popleft()

    def admit(self) -> bool:
        with self._lock:
            now = time.monotonic()
            self._expire(now)
            if len(self._stamps) < self.per_minute:
                self._stamps.append(now)
                return True
            self.retry_after = max(1, math.ceil(self._stamps[0] + self.window_seconds - now))
            return False

    def remaining(self) -> int:
        with self._lock:
            self._expire(time.monotonic())
            return max(0, self.per_minute - len(self._stamps))


class WebflowSandbox:
    """The WSGI app. `workspace_factory` rebuilds the seed site on reset."""

    def __init__(
        self,
        workspace_factory: Callable[[], WebflowWorkspace],
        *,
        token: str = WEBFLOW_SANDBOX_TOKEN,
        rate_limit: MinuteLimit | None = None,
        site_publish_interval: float = WEBFLOW_SITE_PUBLISH_INTERVAL,
    ) -> None:
        self._factory = workspace_factory
        self._initial = (rate_limit.per_minute, rate_limit.window_seconds) if rate_limit else None
        self._initial_publish_interval = site_publish_interval
        self.site_publish_interval = site_publish_interval
        self.token = token
        self.workspace = workspace_factory()
        self.blank_embeds = False
        self.harness = Harness(webflow_error, rate_limit)
        self._api = Map([
            Rule("/v2/sites", methods=["GET"], endpoint="list_sites"),
            Rule("/v2/sites/<site_id>", methods=["GET"], endpoint="get_site"),
            Rule("/v2/sites/<site_id>/publish", methods=["POST"], endpoint="publish_site"),
            Rule("/v2/sites/<site_id>/pages", methods=["GET"], endpoint="list_pages"),
            Rule("/v2/sites/<site_id>/collections", methods=["GET"], endpoint="list_collections"),
            Rule("/v2/sites/<site_id>/components", methods=["GET"], endpoint="list_components"),
            Rule("/v2/sites/<site_id>/components/<component_id>/dom", methods=["GET"],
                 endpoint="get_component_content"),
            Rule("/v2/sites/<site_id>/components/<component_id>/dom", methods=["POST"],
                 endpoint="update_component_content"),
            Rule("/v2/sites/<site_id>/components/<component_id>/properties", methods=["GET"],
                 endpoint="get_component_properties"),
            Rule("/v2/sites/<site_id>/components/<component_id>/properties", methods=["POST"],
                 endpoint="update_component_properties"),
            Rule("/v2/pages/<page_id>", methods=["GET"], endpoint="get_page"),
            Rule("/v2/pages/<page_id>", methods=["PUT"], endpoint="update_page_settings"),
            Rule("/v2/pages/<page_id>/dom", methods=["GET"], endpoint="get_content"),
            Rule("/v2/pages/<page_id>/dom", methods=["POST"], endpoint="update_content"),
            Rule("/v2/collections/<collection_id>", methods=["GET"], endpoint="get_collection"),
            Rule("/v2/collections/<collection_id>/items", methods=["GET"], endpoint="list_items"),
            Rule("/v2/collections/<collection_id>/items", methods=["PATCH"], endpoint="update_items"),
            Rule("/v2/collections/<collection_id>/items/live", methods=["GET"], endpoint="list_items_live"),
            Rule("/v2/collections/<collection_id>/items/live", methods=["PATCH"], endpoint="update_items_live"),
            Rule("/v2/collections/<collection_id>/items/publish", methods=["POST"], endpoint="publish_items"),
            Rule("/v2/collections/<collection_id>/items/<item_id>", methods=["GET"], endpoint="get_item"),
            Rule("/v2/collections/<collection_id>/items/<item_id>", methods=["PATCH"], endpoint="update_item"),
            Rule("/v2/collections/<collection_id>/items/<item_id>/live", methods=["GET"], endpoint="get_item_live"),
            Rule("/v2/collections/<collection_id>/items/<item_id>/live", methods=["PATCH"],
                 endpoint="update_item_live"),
        ])
        self._admin = Map([
            Rule("/_sandbox/stats", methods=["GET"], endpoint="stats"),
            *(Rule(f"/_sandbox/{name}", methods=["POST"], endpoint=name)
              for name in ("reset", "edit", "faults", "rate_limit", "generate", "items", "blank_embeds")),
        ])

    @classmethod
    def from_seed_dir(cls, folder: Traversable, **kwargs: Any) -> WebflowSandbox:
        return cls(lambda: WebflowWorkspace.from_seed_dir(folder), **kwargs)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return self.dispatch(Request(environ))(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        if request.path.startswith("/_sandbox/"):
            return self._dispatch_admin(request)
        endpoint, args, route = match_api(self._api, request)
        response = self.harness.screen(request, route)
        if response is None:
            try:
                if request.headers.get("Authorization", "") != f"Bearer {self.token}":
                    raise ApiError(401, "not_authorized", "Request not authorized")
                if endpoint is None:
                    raise ApiError(404, "resource_not_found", f"Requested resource not found: {request.path}")
                response = getattr(self, f"_api_{endpoint}")(request, **args)
            except ApiError as error:
                response = error.response
        self._add_rate_limit_headers(response)
        return response

    def _add_rate_limit_headers(self, response: Response) -> None:
        """With the limit off, the budget is reported full: a client that paces itself on
        X-RateLimit-Remaining must not slow down a test that switched limiting off."""
        limit = self.harness.rate_limit
        if isinstance(limit, MinuteLimit):
            response.headers["X-RateLimit-Limit"] = str(limit.per_minute)
            response.headers["X-RateLimit-Remaining"] = str(limit.remaining())
        else:
            response.headers["X-RateLimit-Limit"] = str(WEBFLOW_RATE_PER_MINUTE)
            response.headers["X-RateLimit-Remaining"] = str(WEBFLOW_RATE_PER_MINUTE)

    # Each handler takes the workspace once: a reset swaps `self.workspace` for a new one.

    # -- sites ------------------------------------------------------------------------------------

    def _api_list_sites(self, request: Request) -> Response:
        workspace = self.workspace
        with workspace.lock:
            return _json({"sites": [copy.deepcopy(workspace.site)]})

    def _api_get_site(self, request: Request, site_id: str) -> Response:
        workspace = self.workspace
        with workspace.lock:
            return _json(copy.deepcopy(_site(workspace, site_id)))

    def _api_publish_site(self, request: Request, site_id: str) -> Response:
        body = _body(request)
        workspace = self.workspace
        with workspace.lock:
            site = _site(workspace, site_id)
            domains = body.get("customDomains") or []
            subdomain = body.get("publishToWebflowSubdomain", False)
            if not isinstance(domains, list) or not isinstance(subdomain, bool):
                raise _validation_error("customDomains must be an array of ids, publishToWebflowSubdomain a boolean")
            if not domains and not subdomain:
                raise ApiError(400, "bad_request", "Bad Request: Request is malformed: include customDomains or "
                                                   "publishToWebflowSubdomain")
            known = {d["id"]: d for d in site["customDomains"]}
            unknown = [d for d in domains if d not in known]
            if unknown:
                raise ApiError(400, "bad_request", f"Bad Request: Request is malformed: unknown custom domain "
                                                   f"{unknown[0]}")
            page_id = body.get("pageId")
            if page_id is not None and page_id not in workspace.pages:
                raise _not_found("page")
            now_monotonic = time.monotonic()
            if workspace.last_site_publish is not None and self.site_publish_interval > 0:
                waited = now_monotonic - workspace.last_site_publish
                if waited < self.site_publish_interval:
                    raise ApiError(429, "too_many_requests", "Too many requests",
                                   retry_after=max(1, math.ceil(self.site_publish_interval - waited)))
            workspace.last_site_publish = now_monotonic
            stamp = workspace.clock.now()
            if page_id is None:
                for item in workspace.items.values():
                    if _is_queued(item):
                        _publish(item, stamp)
                    elif item.is_archived:
                        item.live = None  # archived content leaves the live site on publish
                site["lastPublished"] = stamp
            published = []
            for domain_id in domains:
                published.append({"id": domain_id, "url": known[domain_id]["url"], "lastPublished": stamp})
        return _json({"customDomains": published, "publishToWebflowSubdomain": subdomain,
                      "publishScope": "page" if page_id else "site"}, 202)

    # -- pages ------------------------------------------------------------------------------------

    def _api_list_pages(self, request: Request, site_id: str) -> Response:
        workspace = self.workspace
        with workspace.lock:
            _site(workspace, site_id)
            locale_id = _locale_param(workspace, request.args.get("localeId"))
            pages = [_page(workspace, page, locale_id) for page in workspace.pages.values()]
        return _json(_paged(request, "pages", pages))

    def _api_get_page(self, request: Request, page_id: str) -> Response:
        workspace = self.workspace
        with workspace.lock:
            locale_id = _locale_param(workspace, request.args.get("localeId"))
            return _json(_page(workspace, _page_or_404(workspace, page_id), locale_id))

    def _api_update_page_settings(self, request: Request, page_id: str) -> Response:
        """Partial update: what the body names changes, the rest stays. Writing an Open Graph
        value makes it the page's own (`…Copied` false) unless the body says it is copied."""
        body = _body(request)
        workspace = self.workspace
        with workspace.lock:
            page = _page_or_404(workspace, page_id)
            locale_id = _locale_param(workspace, request.args.get("localeId") or None)
            changes = _settings_changes(body)
            if locale_id is None:
                for key, value in changes.items():
                    group, _, name = key.partition(".")
                    if key == "title":
                        page.title = str(value)
                    elif group == "seo":
                        page.seo[name] = str(value)
                    else:
                        page.open_graph[name] = value
            else:
                meta = page.localized_meta.setdefault(locale_id, {})
                meta.update({k: v for k, v in changes.items() if isinstance(v, str)})
                for flag in ("titleCopied", "descriptionCopied"):
                    if f"og.{flag}" in changes:
                        meta[f"og.{flag}"] = "true" if changes[f"og.{flag}"] else "false"
            page.last_updated = workspace.clock.now()
            workspace.site["lastUpdated"] = page.last_updated
            return _json(_page(workspace, page, locale_id))

    def _api_get_content(self, request: Request, page_id: str) -> Response:
        limit, offset = _paging(request)
        workspace = self.workspace
        with workspace.lock:
            page = _page_or_404(workspace, page_id)
            locale_id = _locale_param(workspace, request.args.get("localeId"))
            nodes = page.nodes_for(locale_id)
            body = {"pageId": page.id, "branchId": None, "nodes": nodes[offset:offset + limit],
                    "pagination": {"limit": limit, "offset": offset, "total": len(nodes)},
                    "lastUpdated": page.last_updated}
        return _json(body)

    def _api_update_content(self, request: Request, page_id: str) -> Response:
        body = _body(request)
        workspace = self.workspace
        with workspace.lock:
            page = _page_or_404(workspace, page_id)
            locale_id = request.args.get("localeId")
            if not locale_id:
                raise _validation_error("Value (localeId)'s type should be string")
            if locale_id not in {loc["id"] for loc in workspace.secondary_locales}:
                raise ApiError(400, "bad_request", _NOT_SECONDARY)
            nodes = body.get("nodes")
            if not isinstance(nodes, list) or not 1 <= len(nodes) <= MAX_DOM_NODES:
                raise _validation_error(f"nodes must be an array of 1 to {MAX_DOM_NODES} nodes")
            errors = _apply_static_content(page, locale_id, nodes)
            if len(errors) < len(nodes):
                page.last_updated = workspace.clock.now()
                workspace.site["lastUpdated"] = page.last_updated
        return _json({"errors": errors})

    # -- components ---------------------------------------------------------------------------------

    def _api_list_components(self, request: Request, site_id: str) -> Response:
        workspace = self.workspace
        with workspace.lock:
            _site(workspace, site_id)
            components = [c.summary() for c in workspace.components.values()]
        return _json(_paged(request, "components", components))

    def _api_get_component_content(self, request: Request, site_id: str, component_id: str) -> Response:
        workspace = self.workspace
        with workspace.lock:
            component = _component(workspace, site_id, component_id)
            nodes = component.nodes_for(_locale_param(workspace, request.args.get("localeId")))
        return _json({"componentId": component.id, **_paged(request, "nodes", nodes)})

    def _api_get_component_properties(self, request: Request, site_id: str, component_id: str) -> Response:
        workspace = self.workspace
        with workspace.lock:
            component = _component(workspace, site_id, component_id)
            properties = component.properties_for(_locale_param(workspace, request.args.get("localeId")))
        return _json({"componentId": component.id, **_paged(request, "properties", properties)})

    def _api_update_component_content(self, request: Request, site_id: str, component_id: str) -> Response:
        body = _body(request)
        workspace = self.workspace
        with workspace.lock:
            component = _writable_component(workspace, site_id, component_id, request.args.get("localeId"))
            nodes = body.get("nodes")
            if not isinstance(nodes, list) or not 1 <= len(nodes) <= MAX_DOM_NODES:
                raise _validation_error(f"nodes must be an array of 1 to {MAX_DOM_NODES} nodes")
            for change in nodes:
                if not isinstance(change, dict) or not isinstance(change.get("nodeId"), str):
                    raise _validation_error("each node needs a nodeId")
                node = component.node(change["nodeId"])
                if node is None:
                    raise _validation_error(f"Node {change['nodeId']} was not found in component {component.id}")
                if "propertyOverrides" in change:
                    given = change["propertyOverrides"]
                    if node.type != "component-instance" or not isinstance(given, list) or any(
                            not isinstance(p, dict) or p.get("propertyId") not in node.property_ids() for p in given):
                        raise _validation_error(f"Node {node.id}: unknown propertyId in propertyOverrides")
            locale_id = str(request.args["localeId"])
            errors = _apply_static_content(component, locale_id, nodes)
            if len(errors) < len(nodes):
                workspace.site["lastUpdated"] = workspace.clock.now()
        return _json({"errors": errors})

    def _api_update_component_properties(self, request: Request, site_id: str, component_id: str) -> Response:
        body = _body(request)
        workspace = self.workspace
        with workspace.lock:
            component = _writable_component(workspace, site_id, component_id, request.args.get("localeId"))
            given = body.get("properties")
            if not isinstance(given, list) or not given:
                raise _validation_error("properties must be a non-empty array")
            known = {p.id: p for p in component.properties}
            for change in given:
                if not isinstance(change, dict) or not isinstance(change.get("text"), str):
                    raise _validation_error("each property needs a propertyId and a text")
                if change.get("propertyId") not in known:
                    raise _validation_error(f"Property {change.get('propertyId')} was not found in component "
                                            f"{component.id}")
            locale = component.localized.setdefault(str(request.args["localeId"]), {})
            errors = []
            for change in given:
                prop = known[change["propertyId"]]
                if prop.type == "Plain Text" and "\n" in change["text"]:
                    errors.append(f"Property {prop.id} is single-line plain text; it takes no line breaks.")
                else:
                    locale[prop.id] = change["text"]
            if len(errors) < len(given):
                workspace.site["lastUpdated"] = workspace.clock.now()
        return _json({"errors": errors})

    # -- collections and items --------------------------------------------------------------------

    def _api_list_collections(self, request: Request, site_id: str) -> Response:
        workspace = self.workspace
        with workspace.lock:
            _site(workspace, site_id)
            return _json({"collections": [c.summary() for c in workspace.collections.values()]})

    def _api_get_collection(self, request: Request, collection_id: str) -> Response:
        workspace = self.workspace
        with workspace.lock:
            return _json(_collection(workspace, collection_id).resource())

    def _api_list_items(self, request: Request, collection_id: str) -> Response:
        return self._list_items(request, collection_id, live=False)

    def _api_list_items_live(self, request: Request, collection_id: str) -> Response:
        return self._list_items(request, collection_id, live=True)

    def _list_items(self, request: Request, collection_id: str, *, live: bool) -> Response:
        limit, offset = _paging(request)
        params = request.args
        workspace = self.workspace
        with workspace.lock:
            _collection(workspace, collection_id)
            wanted = [_cms_locale_param(workspace, c) for c in (params.get("cmsLocaleId") or "").split(",") if c]
            variants = [workspace.variant(item.id, c) for item in workspace.items_of(collection_id)
                        for c in (wanted or [None])]
            items = [item for item in variants if item is not None and (item.is_live or not live)]
            for key in ("name", "slug"):
                if params.get(key) is not None:
                    items = [i for i in items if ((i.live or {}) if live else i.staged).get(key) == params[key]]
            items = _sorted_items(items, params.get("sortBy"), params.get("sortOrder"), live)
            page = [self._served(item.resource(live=live), collection_id) for item in items[offset:offset + limit]]
        return _json({"items": page, "pagination": {"limit": limit, "offset": offset, "total": len(items)}})

    def _api_get_item(self, request: Request, collection_id: str, item_id: str) -> Response:
        workspace = self.workspace
        with workspace.lock:
            cms_locale_id = _cms_locale_param(workspace, request.args.get("cmsLocaleId"))
            item = _item(workspace, collection_id, item_id, cms_locale_id)
            return _json(self._served(item.resource(), collection_id))

    def _api_get_item_live(self, request: Request, collection_id: str, item_id: str) -> Response:
        workspace = self.workspace
        with workspace.lock:
            item = _item(workspace, collection_id, item_id, _cms_locale_param(workspace, request.args.get("cmsLocaleId")))
            if not item.is_live:
                raise _not_found("live item")
            return _json(item.resource(live=True))

    def _api_update_item(self, request: Request, collection_id: str, item_id: str) -> Response:
        return self._update_items(collection_id, [_single(request, item_id)], live=False, single=True)

    def _api_update_item_live(self, request: Request, collection_id: str, item_id: str) -> Response:
        return self._update_items(collection_id, [_single(request, item_id)], live=True, single=True)

    def _served(self, resource: dict[str, Any], collection_id: str) -> dict[str, Any]:
        """An item as served: with `blank_embeds`, its RichText embeds emptied."""
        if not self.blank_embeds:
            return resource
        types = self.workspace.collections[collection_id].field_types()
        data = resource["fieldData"]
        for slug, value in data.items():
            if types.get(slug) == "RichText" and isinstance(value, str):
                data[slug] = _EMBED.sub(r"\1\3", value)
        return resource

    def _api_update_items(self, request: Request, collection_id: str) -> Response:
        return self._update_items(collection_id, _bulk_items(_body(request)), live=False, single=False)

    def _api_update_items_live(self, request: Request, collection_id: str) -> Response:
        return self._update_items(collection_id, _bulk_items(_body(request)), live=True, single=False)

    def _update_items(self, collection_id: str, changes: list[Any], *, live: bool, single: bool) -> Response:
        """Validate every change first, then apply them all: a bad item refuses the request."""
        workspace = self.workspace
        with workspace.lock:
            collection = _collection(workspace, collection_id)
            targets = []
            for change in changes:
                if not isinstance(change, dict) or not isinstance(change.get("id"), str):
                    raise _validation_error("each item needs an id")
                item = _item(workspace, collection_id, change["id"],
                             _cms_locale_param(workspace, change.get("cmsLocaleId")))
                _check_field_data(collection, change.get("fieldData", {}))
                for flag in ("isDraft", "isArchived"):
                    if flag in change and not isinstance(change[flag], bool):
                        raise _validation_error(f"Value ({flag})'s type should be boolean")
                if live and not item.is_live:
                    raise ApiError(409, "conflict", _NEVER_PUBLISHED)
                targets.append((item, change))
            stamp = workspace.clock.now()
            for item, change in targets:
                _apply_item_change(item, change, live=live, stamp=stamp)
            workspace.site["lastUpdated"] = stamp
            answers = [item.resource(live=live) for item, _ in targets]
        if single:
            return _json(answers[0])
        if live:
            return _json({"items": answers})
        return _json({"items": answers, "pagination": {"limit": len(answers), "offset": 0, "total": len(answers)}})

    def _api_publish_items(self, request: Request, collection_id: str) -> Response:
        body = _body(request)
        workspace = self.workspace
        with workspace.lock:
            _collection(workspace, collection_id)
            wanted = _publish_ids(workspace, body)
            stamp = workspace.clock.now()
            published: list[str] = []
            errors: list[str] = []
            for item_id, cms_locale_ids in wanted:
                variants = [workspace.variant(item_id, c) for c in cms_locale_ids]
                if any(v is None or v.collection_id != collection_id for v in variants):
                    errors.append(f"Staging item ID {item_id} not found.")
                elif any(v is not None and v.is_archived for v in variants):
                    errors.append(f"Item {item_id} is archived; unarchive it before publishing.")
                else:
                    for variant in variants:
                        assert variant is not None
                        _publish(variant, stamp)
                    published.append(item_id)
        return _json({"publishedItemIds": published, "errors": errors}, 202)

    # -- admin ------------------------------------------------------------------------------------

    def _dispatch_admin(self, request: Request) -> Response:
        return dispatch_admin(self, self._admin, request)

    def _admin_stats(self, request: Request) -> Response:
        return _admin_json({**self.harness.stats(), "rate_limit": self._rate_limit_summary(),
                            "site_publish_interval_seconds": self.site_publish_interval})

    def _admin_reset(self, request: Request) -> Response:
        workspace = self._factory()
        self.workspace = workspace
        self.blank_embeds = False
        self.harness.reset_stats()
        self.harness.clear_faults()
        self.harness.set_rate_limit(MinuteLimit(*self._initial) if self._initial else None)
        self.site_publish_interval = self._initial_publish_interval
        return _admin_json({"reset": True, "pages": len(workspace.pages), "collections": len(workspace.collections),
                            "items": len(workspace.items)})

    def _admin_edit(self, request: Request) -> Response:
        body = _body(request)
        find, replace = str(body["find"]), str(body["replace"])
        workspace = self.workspace
        with workspace.lock:
            if "item" in body:
                return self._edit_item(workspace, body, find, replace)
            if "page" in body:
                return self._edit_page(workspace, body, find, replace)
            if "component" in body:
                return self._edit_component(workspace, body, find, replace)
        return _admin_json({"error": "edit needs an item, a page or a component"}, 400)

    def _edit_component(self, workspace: WebflowWorkspace, body: dict[str, Any], find: str,
                        replace: str) -> Response:
        wanted = str(body["component"])
        component = next((c for c in workspace.components.values() if wanted in (c.id, c.key)), None)
        if component is None:
            return _admin_json({"error": f"no component with id or key {wanted!r}"}, 404)
        locale_id = body.get("locale") or None
        if locale_id is not None and workspace.locale(locale_id) is None:
            return _admin_json({"error": f"no locale with id {locale_id}"}, 404)
        secondary = locale_id if locale_id is not None and locale_id != workspace.primary_locale["id"] else None
        local = component.localized.setdefault(secondary, {}) if secondary else None
        for node in component.nodes:
            if node.type != "text":
                continue
            edited = replace_in_text(local.get(node.id, node.html) if local is not None else node.html, find, replace)
            if edited is not None:
                if local is not None:
                    local[node.id] = edited
                else:
                    node.html = edited
                workspace.site["lastUpdated"] = workspace.clock.now()
                return _admin_json({"component": component.id, "node": node.id})
        for prop in component.properties:
            edited = replace_in_text(local.get(prop.id, prop.text) if local is not None else prop.text, find, replace)
            if edited is not None:
                if local is not None:
                    local[prop.id] = edited
                else:
                    prop.text = edited
                workspace.site["lastUpdated"] = workspace.clock.now()
                return _admin_json({"component": component.id, "property": prop.id})
        return _admin_json({"error": f"no text in component {component.id} contains {find!r}"}, 404)

    def _edit_item(self, workspace: WebflowWorkspace, body: dict[str, Any], find: str, replace: str) -> Response:
        item = workspace.items.get(str(body["item"]))
        if item is None:
            return _admin_json({"error": f"no item with id {body['item']}"}, 404)
        slug, live = str(body["field"]), bool(body.get("live", False))
        if live and not item.is_live:
            return _admin_json({"error": f"item {item.id} has never been published"}, 409)
        source = item.live if live else item.staged
        assert source is not None
        value = source.get(slug)
        edited = replace_in_text(value, find, replace) if isinstance(value, str) else None
        if edited is None:
            return _admin_json({"error": f"field {slug!r} of item {item.id} does not contain {find!r}"}, 404)
        # A person who edits the live site edits the item and publishes it: both versions change.
        item.staged[slug] = edited
        item.last_updated = workspace.clock.now()
        if live:
            assert item.live is not None
            item.live[slug] = edited
            item.last_published = workspace.clock.now()
        workspace.site["lastUpdated"] = item.last_updated
        return _admin_json({"item": item.resource(), "live": item.resource(live=True) if item.is_live else None})

    def _edit_page(self, workspace: WebflowWorkspace, body: dict[str, Any], find: str, replace: str) -> Response:
        page = workspace.pages.get(str(body["page"]))
        if page is None:
            return _admin_json({"error": f"no page with id {body['page']}"}, 404)
        locale_id = body.get("locale") or None
        if locale_id is not None and workspace.locale(locale_id) is None:
            return _admin_json({"error": f"no locale with id {locale_id}"}, 404)
        secondary = locale_id is not None and locale_id != workspace.primary_locale["id"]
        edited_node = _edit_nodes(page, locale_id if secondary else None, body.get("node"), find, replace)
        if edited_node is None:
            return _admin_json({"error": f"no text on page {page.id} contains {find!r}"}, 404)
        page.last_updated = workspace.clock.now()
        workspace.site["lastUpdated"] = page.last_updated
        return _admin_json({"page": page.id, "node": edited_node, "lastUpdated": page.last_updated})

    def _admin_faults(self, request: Request) -> Response:
        return _admin_json(self.harness.fault_command(_body(request)))

    def _admin_rate_limit(self, request: Request) -> Response:
        body = _body(request)
        if not body.get("enabled", True):
            self.harness.set_rate_limit(None)
        else:
            self.harness.set_rate_limit(MinuteLimit(int(body.get("per_minute", WEBFLOW_RATE_PER_MINUTE)),
                                                    int(body.get("window_seconds", 60))))
        if "site_publish_interval_seconds" in body:
            self.site_publish_interval = float(body["site_publish_interval_seconds"])
        return _admin_json({"rate_limit": self._rate_limit_summary(),
                            "site_publish_interval_seconds": self.site_publish_interval})

    def _admin_blank_embeds(self, request: Request) -> Response:
        self.blank_embeds = bool(_body(request).get("enabled", True))
        return _admin_json({"blank_embeds": self.blank_embeds})

    def _admin_generate(self, request: Request) -> Response:
        body = _body(request)
        workspace = self.workspace
        with workspace.lock:
            collection = workspace.add_synthetic_collection(int(body.get("items", 1000)), int(body.get("seed", 7)))
            count = len(workspace.items_of(collection.id))
        self.harness.reset_stats()
        return _admin_json({"collection_id": collection.id, "items": count})

    def _admin_items(self, request: Request) -> Response:
        body = _body(request)
        workspace = self.workspace
        with workspace.lock:
            wanted = str(body["collection"])
            collection = next((c for c in workspace.collections.values() if wanted in (c.id, c.slug)), None)
            if collection is None:
                return _admin_json({"error": f"no collection with id or slug {wanted!r}"}, 404)
            _check_field_data(collection, body["fieldData"])
            stamp = workspace.clock.now()
            data = copy.deepcopy(body["fieldData"])
            live = bool(body.get("live", True))
            item = Item(uuid.uuid4().hex[:24], collection.id, workspace.primary_locale["cmsLocaleId"], stamp, stamp,
                        stamp if live else None, bool(body.get("isDraft", False)), bool(body.get("isArchived", False)),
                        data, copy.deepcopy(data) if live else None)
            workspace.items[item.id] = item
            workspace.site["lastUpdated"] = stamp
        return _admin_json(item.resource())

    def _rate_limit_summary(self) -> dict[str, Any] | None:
        limit = self.harness.rate_limit
        if not isinstance(limit, MinuteLimit):
            return None
        return {"per_minute": limit.per_minute, "window_seconds": limit.window_seconds}


# -- lookups ---------------------------------------------------------------------------------------


def _site(workspace: WebflowWorkspace, site_id: str) -> dict[str, Any]:
    if site_id != workspace.site["id"]:
        raise _not_found("site")
    return workspace.site


def _page_or_404(workspace: WebflowWorkspace, page_id: str) -> Page:
    page = workspace.pages.get(page_id)
    if page is None:
        raise _not_found("page")
    return page


def _component(workspace: WebflowWorkspace, site_id: str, component_id: str) -> Component:
    _site(workspace, site_id)
    component = workspace.components.get(component_id)
    if component is None:
        raise _not_found("component")
    return component


def _writable_component(workspace: WebflowWorkspace, site_id: str, component_id: str,
                        locale_id: str | None) -> Component:
    """The spec: both component updates need a secondary `localeId`; a read-only (library)
    component cannot be changed within the site."""
    component = _component(workspace, site_id, component_id)
    if not locale_id:
        raise _validation_error("Value (localeId)'s type should be string")
    if locale_id not in {loc["id"] for loc in workspace.secondary_locales}:
        raise ApiError(400, "bad_request", _NOT_SECONDARY)
    if component.readonly:
        raise ApiError(400, "bad_request", f"Bad Request: component {component.id} is read-only in this site: it "
                                           "comes from a shared library")
    return component


def _collection(workspace: WebflowWorkspace, collection_id: str) -> Collection:
    collection = workspace.collections.get(collection_id)
    if collection is None:
        raise _not_found("collection")
    return collection


def _item(workspace: WebflowWorkspace, collection_id: str, item_id: str, cms_locale_id: str | None = None) -> Item:
    _collection(workspace, collection_id)
    item = workspace.variant(item_id, cms_locale_id)
    if item is None or item.collection_id != collection_id:
        raise _not_found("item")
    return item


def _locale_param(workspace: WebflowWorkspace, locale_id: str | None) -> str | None:
    """A page request's `localeId`: None means the primary locale."""
    if locale_id is None or locale_id == workspace.primary_locale["id"]:
        return None
    if workspace.locale(locale_id) is None:
        raise ApiError(400, "bad_request", f"Bad Request: Request is malformed: unknown localeId {locale_id}")
    return locale_id


def _cms_locale_param(workspace: WebflowWorkspace, cms_locale_id: str | None) -> str | None:
    """A CMS request's `cmsLocaleId`: None means the primary locale. A variant the seed does
    not give for an item reads as not found (`_item`)."""
    primary = workspace.primary_locale["cmsLocaleId"]
    if cms_locale_id is None or cms_locale_id == primary:
        return None
    if cms_locale_id in {loc["cmsLocaleId"] for loc in workspace.secondary_locales}:
        return cms_locale_id
    raise ApiError(400, "bad_request", f"Bad Request: Request is malformed: unknown cmsLocaleId {cms_locale_id}")


def _single(request: Request, item_id: str) -> dict[str, Any]:
    """A single-item update: its body, the id from the path, `cmsLocaleId` from the body or the query."""
    body = {**_body(request), "id": item_id}
    if "cmsLocaleId" not in body and request.args.get("cmsLocaleId"):
        body["cmsLocaleId"] = request.args["cmsLocaleId"]
    return body


# A custom-code embed's wrapper and its content (the fault `blank_embeds` empties the content).
_EMBED = re.compile(r'(<div\b[^>]*\bw-embed\b[^>]*>)(.*?)(</div>)', re.DOTALL)
_SETTINGS = {"title": str, "slug": str}


def _settings_changes(body: dict[str, Any]) -> dict[str, Any]:
    """update-page-settings' body as `{"title" | "seo.title" | "og.titleCopied" ...: value}`,
    refused with Webflow's validation error where a value has the wrong type."""
    changes: dict[str, Any] = {}
    for key in ("title", "slug"):
        if key in body:
            if not isinstance(body[key], str):
                raise _validation_error(f"Value ({key})'s type should be string")
            if key == "title":
                changes[key] = body[key]
    for group, prefix, allowed in (("seo", "seo", ("title", "description")),
                                   ("openGraph", "og", ("title", "description", "titleCopied",
                                                        "descriptionCopied"))):
        if group not in body:
            continue
        values = body[group]
        if not isinstance(values, dict):
            raise _validation_error(f"Value ({group})'s type should be object")
        for key, value in values.items():
            if key not in allowed:
                raise _validation_error(f"Field '{group}.{key}' is not a page setting")
            wanted = bool if key.endswith("Copied") else str
            if not isinstance(value, wanted):
                raise _validation_error(f"Value ({group}.{key})'s type should be "
                                        f"{'boolean' if wanted is bool else 'string'}")
            changes[f"{prefix}.{key}"] = value
        for key in ("title", "description"):
            if prefix == "og" and key in values and f"{key}Copied" not in values:
                changes[f"og.{key}Copied"] = False
    return changes


# -- pages -----------------------------------------------------------------------------------------


def _page(workspace: WebflowWorkspace, page: Page, locale_id: str | None) -> dict[str, Any]:
    """The Page object; a secondary locale gets its localized settings and its subdirectory."""
    locale = workspace.locale(locale_id) if locale_id else workspace.primary_locale
    assert locale is not None
    meta = page.localized_meta.get(locale_id or "", {})
    prefix = f"/{locale['subdirectory']}" if locale.get("subdirectory") else ""
    path = (prefix + page.path).rstrip("/") or "/"
    seo = {"title": meta.get("seo.title", page.seo["title"]),
           "description": meta.get("seo.description", page.seo["description"])}
    open_graph = dict(page.open_graph)
    for key in ("title", "description"):
        if f"og.{key}" in meta:
            open_graph[key] = meta[f"og.{key}"]
            open_graph[f"{key}Copied"] = meta.get(f"og.{key}Copied", "false") == "true"
    if open_graph["titleCopied"]:
        open_graph["title"] = seo["title"]
    if open_graph["descriptionCopied"]:
        open_graph["description"] = seo["description"]
    return {"id": page.id, "siteId": workspace.site["id"], "parentId": None, "collectionId": None,
            "title": meta.get("title", page.title), "slug": page.slug, "createdOn": page.created_on,
            "lastUpdated": page.last_updated, "archived": False, "draft": False, "canBranch": True,
            "isBranch": False, "branchId": None, "seo": seo, "openGraph": open_graph, "localeId": locale["id"],
            "publishedPath": path}


def _apply_static_content(page: Page | Component, locale_id: str, nodes: list[Any]) -> list[str]:
    """Apply each node's new text to the locale's variant of a page or a component; what
    cannot be applied is reported in `errors`, as the endpoint's 200 answer allows, and the
    rest still applies."""
    overrides = page.localized.setdefault(locale_id, {})
    errors = []
    for change in nodes:
        if not isinstance(change, dict) or not isinstance(change.get("nodeId"), str):
            raise _validation_error("each node needs a nodeId")
        node = page.node(change["nodeId"])
        if node is None:
            errors.append(f"Node {change['nodeId']} was not found on page {page.id}.")
        elif "text" in change:
            text = change["text"]
            if node.type != "text" or not isinstance(text, str):
                errors.append(f"Node {node.id} is a {node.type} node; it takes no text.")
            elif outer_tag(text) != outer_tag(node.html):
                errors.append(f"Node {node.id}: the HTML tags must be the same as the page's "
                              f"(<{outer_tag(node.html)}>, not <{outer_tag(text)}>).")
            else:
                overrides[node.id] = text
        elif node.type in FORM_FIELDS:
            error = _form_change(node, change)
            if error:
                errors.append(error)
            else:
                local = overrides.setdefault(node.id, {})
                local.update({key: copy.deepcopy(change[key]) for key in FORM_FIELDS[node.type] if key in change})
        elif "propertyOverrides" in change:
            known = node.property_ids()
            given = change["propertyOverrides"] if isinstance(change["propertyOverrides"], list) else []
            if node.type != "component-instance":
                errors.append(f"Node {node.id} is a {node.type} node; it has no property overrides.")
            elif not given or any(not isinstance(p, dict) or p.get("propertyId") not in known for p in given):
                errors.append(f"Node {node.id}: unknown propertyId in propertyOverrides.")
            else:
                for prop in given:
                    overrides.setdefault(node.id, {})[prop["propertyId"]] = str(prop["text"])
        else:
            errors.append(f"Node {node.id}: the copydesk sandbox updates text, propertyOverrides and form texts "
                          "only.")
    return errors


def _form_change(node: Node, change: dict[str, Any]) -> str:
    """Why update-static-content refuses a form node's change, or "" (its request schema:
    choices[{value, text}], placeholder, value and waitingText are strings)."""
    unknown = [k for k in change if k != "nodeId" and k not in FORM_FIELDS[node.type]]
    if unknown or len(change) == 1:
        unknown = unknown or ["empty change"]
        return f"Node {node.id} is a {node.type} node; it takes no {', '.join(unknown)}."
    if "choices" in change:
        choices = change["choices"]
        if not isinstance(choices, list) or any(not isinstance(c, dict) or not isinstance(c.get("value"), str)
                                                or not isinstance(c.get("text"), str) for c in choices):
            return f"Node {node.id}: choices must be a list of {{value, text}} strings."
        return ""
    if any(not isinstance(change[k], str) for k in FORM_FIELDS[node.type] if k in change):
        return f"Node {node.id}: {', '.join(FORM_FIELDS[node.type])} must be strings."
    return ""


def _edit_nodes(page: Page, locale_id: str | None, wanted: str | None, find: str, replace: str) -> str | None:
    """Replace `find` in the first text node (or component property) that contains it, in the
    primary content or in a secondary locale's variant (starting from the primary text where the
    locale has none). Returns the edited node's id."""
    overrides = page.localized.setdefault(locale_id, {}) if locale_id else None
    for node in page.nodes:
        if wanted is not None and node.id != wanted:
            continue
        if node.type == "text":
            current = overrides.get(node.id, node.html) if overrides is not None else node.html
            edited = replace_in_text(current, find, replace)
            if edited is None:
                continue
            if overrides is not None:
                overrides[node.id] = edited
            else:
                node.html = edited
            return node.id
        for prop in node.properties:
            local = overrides.get(node.id, {}) if overrides is not None else {}
            current = local.get(prop.id, prop.text)
            edited = replace_in_text(current, find, replace)
            if edited is None:
                continue
            if overrides is not None:
                overrides.setdefault(node.id, {})[prop.id] = edited
            else:
                prop.text = edited
            return node.id
    return None


# -- items -----------------------------------------------------------------------------------------


def _bulk_items(body: dict[str, Any]) -> list[Any]:
    items = body.get("items")
    if not isinstance(items, list) or not items:
        raise _validation_error("items must be a non-empty array")
    if len(items) > MAX_BULK_ITEMS:
        raise _validation_error(f"items must contain at most {MAX_BULK_ITEMS} items (got {len(items)})")
    return items


def _check_field_data(collection: Collection, field_data: Any) -> None:
    if not isinstance(field_data, dict):
        raise _validation_error("Value (fieldData)'s type should be object")
    types = collection.field_types()
    for slug, value in field_data.items():
        if slug not in types:
            raise _validation_error(f"Field '{slug}' is not defined in collection {collection.slug}")
        if types[slug] in ("PlainText", "RichText") and not isinstance(value, str):
            raise _validation_error(f"Value ({slug})'s type should be string")
        if slug in ("name", "slug") and not value:
            raise _validation_error(f"Field '{slug}' is required")


def _apply_item_change(item: Item, change: dict[str, Any], *, live: bool, stamp: str) -> None:
    field_data = change.get("fieldData", {})
    if live:
        assert item.live is not None
        item.live.update(copy.deepcopy(field_data))
        item.last_published = stamp
    else:
        item.staged.update(copy.deepcopy(field_data))
        item.last_updated = stamp
    if "isDraft" in change:
        item.is_draft = change["isDraft"]
    if "isArchived" in change:
        item.is_archived = change["isArchived"]


def _is_queued(item: Item) -> bool:
    """Webflow's "Queued to publish": not a draft, and never published or changed since."""
    if item.is_draft or item.is_archived:
        return False
    return item.last_published is None or item.last_updated > item.last_published


def _publish(item: Item, stamp: str) -> None:
    item.live = copy.deepcopy(item.staged)
    item.is_draft = False
    item.last_published = stamp


def _publish_ids(workspace: WebflowWorkspace, body: dict[str, Any]) -> list[tuple[str, list[str | None]]]:
    """`{itemIds: [...]}` for the primary locale, or `{items: [{id, cmsLocaleIds}]}`: each item
    id with the CMS locales to publish it in (None: the primary)."""
    wanted: list[tuple[Any, list[str | None]]]
    if isinstance(body.get("itemIds"), list):
        wanted = [(i, [None]) for i in body["itemIds"]]
    elif isinstance(body.get("items"), list):
        wanted = []
        for entry in body["items"]:
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                raise _validation_error("each item needs an id")
            locales = [_cms_locale_param(workspace, c) for c in entry.get("cmsLocaleIds") or []]
            wanted.append((entry["id"], locales or [None]))
    else:
        raise _validation_error("itemIds or items is required")
    if not wanted or len(wanted) > MAX_BULK_ITEMS or any(not isinstance(i, str) for i, _ in wanted):
        raise _validation_error(f"publish 1 to {MAX_BULK_ITEMS} item ids")
    return wanted


_SORT_KEYS: dict[str, Callable[[Item, bool], Any]] = {
    "createdOn": lambda item, live: item.created_on,
    "lastUpdated": lambda item, live: item.last_updated,
    "lastPublished": lambda item, live: item.last_published or "",
    "name": lambda item, live: ((item.live if live else item.staged) or {}).get("name", ""),
    "slug": lambda item, live: ((item.live if live else item.staged) or {}).get("slug", ""),
}


def _sorted_items(items: list[Item], sort_by: str | None, order: str | None, live: bool) -> list[Item]:
    if sort_by is None:
        return items
    if sort_by not in _SORT_KEYS or (order or "asc") not in ("asc", "desc"):
        raise _validation_error(f"sortBy must be one of {sorted(_SORT_KEYS)}, sortOrder asc or desc")
    return sorted(items, key=lambda item: _SORT_KEYS[sort_by](item, live), reverse=order == "desc")


# -- requests and responses ------------------------------------------------------------------------


def _paged(request: Request, name: str, listed: list[Any]) -> dict[str, Any]:
    """One page of `listed` under `name`, with the `pagination` object every list endpoint returns."""
    limit, offset = _paging(request)
    return {name: listed[offset:offset + limit], "pagination": {"limit": limit, "offset": offset, "total": len(listed)}}


def _paging(request: Request) -> tuple[int, int]:
    """`limit` (default and maximum 100: larger values are capped) and `offset`."""
    try:
        limit = int(request.args.get("limit", MAX_PAGE_LIMIT))
        offset = int(request.args.get("offset", 0))
    except ValueError:
        raise _validation_error("limit and offset must be integers") from None
    if limit < 1 or offset < 0:
        raise _validation_error("limit must be at least 1 and offset at least 0")
    return min(limit, MAX_PAGE_LIMIT), offset


def _body(request: Request) -> dict[str, Any]:
    data = request.get_data()
    if not data:
        return {}
    try:
        body = json.loads(data)
    except ValueError:
        raise ApiError(400, "bad_request") from None
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request")
    return body


def _json(payload: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False), status=status,
                    content_type="application/json; charset=utf-8")


