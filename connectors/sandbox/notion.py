"""A local Notion API: the subset copydesk uses, with Notion's paths, shapes and errors.

API (bearer auth, `Notion-Version` required, cursor pagination with `page_size` ≤ 100):
    POST  /v1/search                     pages and data sources, sorted by last_edited_time
    GET   /v1/pages/{id}                 PATCH: properties (by name or id, each replaced whole), in_trash
    GET   /v1/databases/{id}             a database with its `data_sources` (2025-09-03)
    GET   /v1/data_sources/{id}          a data source with its property schema
    POST  /v1/data_sources/{id}/query    its rows (no filter or sorts: refused, the sandbox has none)
    GET   /v1/blocks/{id}                PATCH: rich text (and table row cells, to-do checked, a caption,
                                         an equation's expression)
    GET   /v1/blocks/{id}/children
    GET   /v1/users/{id}                 a person or bot, as users.retrieve returns them ("me": the
                                         integration's bot)

Admin (uncounted, no auth) under `/_sandbox/`:
    GET  stats        {"total": N, "routes": {"POST /v1/search": n, ...}, ...}
    POST reset        reload the seed workspace, clear stats, faults and rate-limit changes
    POST edit         {"id", "find", "replace", "editor"?}: edit the first text under id containing
                      find (a row's rich-text property, a block's rich text, caption or table cell),
                      as the user `editor` (an id; default: the colleague Jordan Lee)
    POST faults       {"status", "count", "hang", "retry_after", "code", "match", "skip"} or {"clear": true}
    POST gaps         {"search_omits": 0.05, "omit_ids": [...], "children_fail": 0.1, "fail_ids": [...],
                      "children_status": 404, "seed": 1} or {"clear": true}: search leaves pages out
                      (a fraction drawn afresh for each listing, and the ids given) and child listings
                      fail (at random, and those of the ids given), as the real API may
    POST remove       {"id"}: the page is gone for good (deleted from the trash, or unshared): 404
    POST rate_limit   {"enabled", "rate", "window_seconds", "retry_after"}
    POST generate     {"pages": 1000, "seed": 7}: replace the workspace with a synthetic one
    POST pages        a page in the seed files' shape (connectors/sandbox/seeds/notion/pages/*.json),
                      added to the workspace as if someone had just created it: {"id", "blocks"}

Shapes beyond the seed's plain blocks, and where they come from:
- synced_block (`synced_from` null on the original, {"type": "block_id", "block_id"} on a reference,
  whose children listing returns the original's): https://developers.notion.com/reference/block#synced-block
- link_mention / link_preview mentions (response-only: `LinkMentionResponse`, `LinkPreviewMentionResponse`,
  absent from the request union `MentionRichTextItemRequest`): makenotion/notion-sdk-js src/api-endpoints.ts;
  plain_text and href are the URL, as a recorded 2025-09-03 response shows.
- link_preview blocks cannot be created or updated: https://developers.notion.com/reference/block#link-preview
- search is not guaranteed complete ("results can lag or be left out"), modelled by `gaps`:
  https://developers.notion.com/reference/post-search
- the 400 validation_error body: ../shared/api-examples/notion/errors/400_validation_error.derived.json
- database, data source and query envelopes: ../shared/api-examples/notion/2025-09-03/database_retrieve.json,
  data_source_retrieve.json, data_source_query.response.json (recorded); search's `data_source` results
  and its `filter.value` of "page" or "data_source": https://developers.notion.com/reference/post-search
- page property updates (by name or id, each value replaced whole): https://developers.notion.com/reference/patch-page
- `caption` of image, video, audio, file, pdf, bookmark, embed and code blocks, written alone (a field left
  out of an update is not changed): https://developers.notion.com/reference/update-a-block
- `heading_4`: Heading4BlockObjectResponse in Notion's current SDK types, the same body as heading_3
  (rich_text, color, is_toggleable)
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any, Callable, Iterable

from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from connectors.sandbox.harness import Harness, RateLimit, SandboxError, dispatch_admin, match_api
from connectors.sandbox.harness import admin_json as _admin_json
from connectors.sandbox.notion_workspace import (
    BOT_USER_ID,
    OUTSIDE_EDITOR_ID,
    NotionWorkspace,
    SandboxValidationError,
    complete_rich_text,
    normalise_id,
)

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

SANDBOX_TOKEN = "ntn_sandbox_copydesk_local_only"
NOTION_RATE = 3.0
_MAX_PAGE_SIZE = 100
_DEFAULT_CODES = {
    400: "validation_error",
    401: "unauthorized",
    403: "restricted_resource",
    404: "object_not_found",
    409: "conflict_error",
    429: "rate_limited",
    500: "internal_server_error",
    502: "internal_server_error",
    503: "service_unavailable",
    504: "gateway_timeout",
    529: "service_overload",
}
# Mentions Notion returns but refuses in a request: a PATCH holding one fails whole.
_RESPONSE_ONLY_MENTIONS = {"link_mention", "link_preview"}
_WRITABLE_TEXT_TYPES = {
    "paragraph", "heading_1", "heading_2", "heading_3", "heading_4", "bulleted_list_item", "numbered_list_item",
    "to_do", "toggle", "quote", "callout", "code",
}
# Blocks whose `caption` update-a-block replaces (https://developers.notion.com/reference/update-a-block).
_CAPTIONED_TYPES = {"image", "video", "audio", "file", "pdf", "bookmark", "embed", "code"}
_SEARCH_FILTERS = {"page", "data_source"}


def notion_error(status: int, code: str, message: str) -> Response:
    body = {
        "object": "error",
        "status": status,
        "code": code or _DEFAULT_CODES.get(status, "internal_server_error"),
        "message": message,
        "request_id": str(uuid.uuid4()),
    }
    return Response(json.dumps(body), status=status, mimetype="application/json")


def _json(payload: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps({**payload, "request_id": str(uuid.uuid4())}), status=status, mimetype="application/json")


class ApiError(SandboxError):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.response = notion_error(status, code, message)


def _not_found(kind: str, object_id: str) -> ApiError:
    return ApiError(
        404,
        "object_not_found",
        f"Could not find {kind} with ID: {object_id}. Make sure the relevant pages and databases are shared "
        'with your integration "copydesk sandbox".',
    )


@dataclass
class Gaps:
    """What the real API may leave out or fail that a tidy sandbox never would (admin `gaps`):
    search leaving pages out, child listings failing. Random draws come from `seed`, so a
    benchmark run is repeatable; the set of pages a listing leaves out is drawn when the
    listing starts (a search without `start_cursor`) and held through its pages."""

    search_omits: float = 0.0
    omit_ids: set[str] = field(default_factory=set)
    children_fail: float = 0.0
    fail_ids: set[str] = field(default_factory=set)
    children_status: int = 404
    seed: int = 1
    omitted: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def visible(self, pages: list[dict[str, Any]], *, new_listing: bool) -> list[dict[str, Any]]:
        if new_listing:
            self.omitted = {p["id"] for p in pages if self._random.random() < self.search_omits}
        return [p for p in pages if p["id"] not in self.omitted and p["id"] not in self.omit_ids]

    def fails(self, parent_id: str) -> bool:
        return parent_id in self.fail_ids or (self.children_fail > 0 and self._random.random() < self.children_fail)


class NotionSandbox:
    """The WSGI app. `workspace_factory` rebuilds the seed state on reset."""

    def __init__(
        self,
        workspace_factory: Callable[[], NotionWorkspace],
        *,
        token: str = SANDBOX_TOKEN,
        rate_limit: RateLimit | None = None,
    ) -> None:
        self._factory = workspace_factory
        self._initial_rate_limit = rate_limit
        self.token = token
        self.workspace = workspace_factory()
        self.harness = Harness(notion_error, rate_limit)
        self.gaps = Gaps()
        self._api = Map(
            [
                Rule("/v1/search", methods=["POST"], endpoint="search"),
                Rule("/v1/pages/<page_id>", methods=["GET"], endpoint="retrieve_page"),
                Rule("/v1/pages/<page_id>", methods=["PATCH"], endpoint="update_page"),
                Rule("/v1/blocks/<block_id>", methods=["GET"], endpoint="retrieve_block"),
                Rule("/v1/blocks/<block_id>", methods=["PATCH"], endpoint="update_block"),
                Rule("/v1/blocks/<block_id>/children", methods=["GET"], endpoint="list_children"),
                Rule("/v1/users/<user_id>", methods=["GET"], endpoint="retrieve_user"),
                Rule("/v1/databases/<database_id>", methods=["GET"], endpoint="retrieve_database"),
                Rule("/v1/data_sources/<data_source_id>", methods=["GET"], endpoint="retrieve_data_source"),
                Rule("/v1/data_sources/<data_source_id>/query", methods=["POST"], endpoint="query_data_source"),
            ]
        )
        self._admin = Map(
            [
                Rule("/_sandbox/stats", methods=["GET"], endpoint="stats"),
                Rule("/_sandbox/reset", methods=["POST"], endpoint="reset"),
                Rule("/_sandbox/edit", methods=["POST"], endpoint="edit"),
                Rule("/_sandbox/faults", methods=["POST"], endpoint="faults"),
                Rule("/_sandbox/rate_limit", methods=["POST"], endpoint="rate_limit"),
                Rule("/_sandbox/generate", methods=["POST"], endpoint="generate"),
                Rule("/_sandbox/pages", methods=["POST"], endpoint="pages"),
                Rule("/_sandbox/gaps", methods=["POST"], endpoint="gaps"),
                Rule("/_sandbox/remove", methods=["POST"], endpoint="remove"),
            ]
        )

    @classmethod
    def from_seed_dir(cls, folder: Traversable, **kwargs: Any) -> NotionSandbox:
        return cls(lambda: NotionWorkspace.from_seed_dir(folder), **kwargs)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        return self.dispatch(request)(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        if request.path.startswith("/_sandbox/"):
            return self._dispatch_admin(request)
        endpoint, args, route = match_api(self._api, request)
        blocked = self.harness.screen(request, route)
        if blocked is not None:
            return blocked
        try:
            self._check_headers(request)
            if endpoint is None:
                raise ApiError(400, "invalid_request_url", "Invalid request URL.")
            handler: Callable[..., Response] = getattr(self, f"_api_{endpoint}")
            return handler(request, **args)
        except ApiError as error:
            return error.response
        except SandboxValidationError as error:
            return notion_error(400, "validation_error", str(error))

    def _check_headers(self, request: Request) -> None:
        if request.headers.get("Authorization", "") != f"Bearer {self.token}":
            raise ApiError(401, "unauthorized", "API token is invalid.")
        if not request.headers.get("Notion-Version"):
            raise ApiError(
                400,
                "missing_version",
                "Notion-Version header failed validation: Notion-Version header should be defined, instead was "
                "`undefined`.",
            )

    # -- API ------------------------------------------------------------------------------

    def _api_search(self, request: Request) -> Response:
        body = _body(request)
        page_size = _page_size(body.get("page_size"))
        only = (body.get("filter") or {}).get("value")
        if only is not None and only not in _SEARCH_FILTERS:
            raise SandboxValidationError(
                f'body failed validation: body.filter.value should be `"page"` or `"data_source"`, instead was `"{only}"`.'
            )
        sort = body.get("sort") or {}
        ascending = sort.get("direction") == "ascending"
        results = self.gaps.visible(self.workspace.search(body.get("query", ""), only=only, ascending=ascending),
                                    new_listing=not body.get("start_cursor"))
        return _json(
            {**_paginate(results, body.get("start_cursor"), page_size), "type": "page_or_data_source",
             "page_or_data_source": {}}
        )

    def _api_retrieve_page(self, request: Request, page_id: str) -> Response:
        return _json(self._page(page_id))

    def _api_update_page(self, request: Request, page_id: str) -> Response:
        page = self._page(page_id)
        body = _body(request)
        with self.workspace.lock:
            properties = body.get("properties")
            if properties is not None:
                if not isinstance(properties, dict):
                    raise SandboxValidationError("body failed validation: body.properties should be an object.")
                for name, value in properties.items():
                    for kind in ("title", "rich_text"):
                        items = value.get(kind) if isinstance(value, dict) else None
                        if isinstance(items, list):
                            _refuse_response_only(items, f"body.properties.{name}.{kind}")
                self.workspace.update_properties(page["id"], properties)
            if "in_trash" in body or "archived" in body:
                trashed = bool(body.get("in_trash", body.get("archived")))
                page["in_trash"] = page["archived"] = page["is_archived"] = trashed
            self.workspace.touch(None, page["id"], BOT_USER_ID)
        return _json(page)

    def _api_retrieve_block(self, request: Request, block_id: str) -> Response:
        return _json(self._block(block_id))

    def _api_update_block(self, request: Request, block_id: str) -> Response:
        block = self._block(block_id)
        body = _body(request)
        kind = block["type"]
        update = body.get(kind)
        if not isinstance(update, dict):
            raise SandboxValidationError(f"body failed validation: body.{kind} should be defined, instead was `undefined`.")
        if kind == "link_preview":
            raise SandboxValidationError("body failed validation: link_preview blocks cannot be updated.")
        with self.workspace.lock:
            titles = self.workspace.titles()
            target = block[kind]
            if "rich_text" in update:
                if kind not in _WRITABLE_TEXT_TYPES:
                    raise SandboxValidationError(f"body failed validation: body.{kind}.rich_text is not writable.")
                _refuse_response_only(update["rich_text"], f"body.{kind}.rich_text")
                target["rich_text"] = [complete_rich_text(i, titles, self.workspace.users) for i in update["rich_text"]]
            if "cells" in update and kind == "table_row":
                for column, cell in enumerate(update["cells"]):
                    _refuse_response_only(cell, f"body.table_row.cells[{column}]")
                target["cells"] = [[complete_rich_text(i, titles, self.workspace.users) for i in cell]
                                   for cell in update["cells"]]
            if "checked" in update and kind == "to_do":
                target["checked"] = bool(update["checked"])
            if "caption" in update:
                if kind not in _CAPTIONED_TYPES or not isinstance(update["caption"], list):
                    raise SandboxValidationError(f"body failed validation: body.{kind}.caption is not writable.")
                target["caption"] = [complete_rich_text(i, titles, self.workspace.users) for i in update["caption"]]
            if "expression" in update and kind == "equation":
                target["expression"] = str(update["expression"])
            self.workspace.touch_block(block_id, BOT_USER_ID)
        return _json(block)

    def _api_list_children(self, request: Request, block_id: str) -> Response:
        parent = normalise_id(block_id)
        if parent is None:
            raise _invalid_id("block_id", block_id)
        if parent not in self.workspace.blocks and parent not in self.workspace.pages:
            raise _not_found("block", parent)
        if self.gaps.fails(parent):
            if self.gaps.children_status == 404:
                raise _not_found("block", parent)
            raise ApiError(self.gaps.children_status, _DEFAULT_CODES.get(self.gaps.children_status, ""),
                           "Unexpected error occurred.")
        page_size = _page_size(request.args.get("page_size"))
        children = self.workspace.listed_children(parent)
        return _json({**_paginate(children, request.args.get("start_cursor"), page_size), "type": "block", "block": {}})

    def _api_retrieve_user(self, request: Request, user_id: str) -> Response:
        found = BOT_USER_ID if user_id == "me" else normalise_id(user_id)
        if found is None:
            raise _invalid_id("user_id", user_id)
        user = self.workspace.users.get(found)
        if user is None:
            raise ApiError(404, "object_not_found", f"Could not find user with ID: {found}.")
        return _json({"avatar_url": None, **user})

    def _api_retrieve_database(self, request: Request, database_id: str) -> Response:
        return _json(_held(self.workspace.databases, "database", database_id))

    def _api_retrieve_data_source(self, request: Request, data_source_id: str) -> Response:
        return _json(self._data_source(data_source_id))

    def _api_query_data_source(self, request: Request, data_source_id: str) -> Response:
        source = self._data_source(data_source_id)
        body = _body(request)
        for unsupported in ("filter", "sorts"):
            if body.get(unsupported):
                raise SandboxValidationError(f"The copydesk sandbox does not support `{unsupported}` in a data source "
                                             "query: query without it.")
        rows = self.workspace.rows(source["id"])
        return _json({**_paginate(rows, body.get("start_cursor"), _page_size(body.get("page_size"))),
                      "type": "page_or_data_source", "page_or_data_source": {}})

    def _data_source(self, raw_id: str) -> dict[str, Any]:
        return _held(self.workspace.data_sources, "data source", raw_id)

    def _page(self, raw_id: str) -> dict[str, Any]:
        return _held(self.workspace.pages, "page", raw_id)

    def _block(self, raw_id: str) -> dict[str, Any]:
        return _held(self.workspace.blocks, "block", raw_id)

    # -- admin ----------------------------------------------------------------------------

    def _dispatch_admin(self, request: Request) -> Response:
        return dispatch_admin(self, self._admin, request)

    def _admin_stats(self, request: Request) -> Response:
        return _admin_json(self.harness.stats())

    def _admin_reset(self, request: Request) -> Response:
        self.workspace = self._factory()
        self.harness.reset_stats()
        self.harness.clear_faults()
        self.gaps = Gaps()
        self.harness.set_rate_limit(self._initial_rate_limit)
        return _admin_json({"reset": True, "pages": len(self.workspace.pages)})

    def _admin_edit(self, request: Request) -> Response:
        body = _body(request)
        target = normalise_id(str(body["id"]))
        if target is None or (target not in self.workspace.pages and target not in self.workspace.blocks):
            return _admin_json({"error": f"no page or block with id {body['id']}"}, 404)
        editor = normalise_id(str(body.get("editor") or OUTSIDE_EDITOR_ID))
        if editor is None:
            return _admin_json({"error": f"editor {body['editor']!r} is not a user id (a UUID)"}, 400)
        block = self.workspace.edit_text(target, str(body["find"]), str(body["replace"]), editor)
        if block is None:
            return _admin_json({"error": f"no block under {target} contains {body['find']!r}"}, 404)
        return _admin_json({"block_id": block["id"], "page_id": self.workspace.page_of(block["id"]),
                            "last_edited_time": block["last_edited_time"]})

    def _admin_faults(self, request: Request) -> Response:
        return _admin_json(self.harness.fault_command(_body(request)))

    def _admin_rate_limit(self, request: Request) -> Response:
        body = _body(request)
        if not body.get("enabled", True):
            self.harness.set_rate_limit(None)
        else:
            self.harness.set_rate_limit(
                RateLimit(
                    float(body.get("rate", NOTION_RATE)),
                    int(body.get("window_seconds", 10)),
                    int(body.get("retry_after", 1)),
                )
            )
        return _admin_json({"rate_limit": self.harness.stats()["rate_limit"]})

    def _admin_generate(self, request: Request) -> Response:
        body = _body(request)
        self.workspace = NotionWorkspace.synthetic(int(body.get("pages", 1000)), int(body.get("seed", 7)))
        self.harness.reset_stats()
        return _admin_json({"pages": len(self.workspace.pages)})

    def _admin_gaps(self, request: Request) -> Response:
        body = _body(request)
        if body.get("clear"):
            self.gaps = Gaps()
            return _admin_json({"cleared": True})
        self.gaps = Gaps(
            search_omits=float(body.get("search_omits", 0)),
            omit_ids={str(normalise_id(str(i))) for i in body.get("omit_ids", [])},
            children_fail=float(body.get("children_fail", 0)),
            fail_ids={str(normalise_id(str(i))) for i in body.get("fail_ids", [])},
            children_status=int(body.get("children_status", 404)),
            seed=int(body.get("seed", 1)),
        )
        return _admin_json({"gaps": {"search_omits": self.gaps.search_omits, "omit_ids": sorted(self.gaps.omit_ids),
                                     "children_fail": self.gaps.children_fail, "fail_ids": sorted(self.gaps.fail_ids),
                                     "children_status": self.gaps.children_status}})

    def _admin_remove(self, request: Request) -> Response:
        page_id = normalise_id(str(_body(request)["id"]))
        if page_id is None or page_id not in self.workspace.pages:
            return _admin_json({"error": f"no page with id {page_id}"}, 404)
        self.workspace.remove(page_id)
        return _admin_json({"removed": page_id})

    def _admin_pages(self, request: Request) -> Response:
        seed = _body(request)
        page_id = normalise_id(str(seed["id"]))
        if page_id is None:
            return _admin_json({"error": f"{seed['id']!r} is not a page id (a UUID)"}, 400)
        if page_id in self.workspace.pages:
            return _admin_json({"error": f"a page with id {page_id} exists already"}, 409)
        page = self.workspace.add_page({**seed, "id": page_id})
        return _admin_json({"id": page["id"], "blocks": sum(1 for _ in self.workspace.iter_descendants(page_id))})



def _refuse_response_only(items: Any, path: str) -> None:
    """Notion's answer to a rich text array holding a mention only its responses carry: the
    whole request fails (400 validation_error), nothing is written."""
    for index, item in enumerate(items if isinstance(items, list) else []):
        mention = (item.get("mention") or {}) if isinstance(item, dict) and item.get("type") == "mention" else {}
        if mention.get("type") in _RESPONSE_ONLY_MENTIONS:
            at = f"{path}[{index}].mention"
            raise SandboxValidationError(
                f"body failed validation. Fix one: {at}.user should be defined, instead was `undefined`. "
                f"{at}.date should be defined, instead was `undefined`. {at}.page should be defined, instead was "
                f"`undefined`. {at}.database should be defined, instead was `undefined`. {at}.template_mention should "
                f"be defined, instead was `undefined`. {at}.custom_emoji should be defined, instead was `undefined`."
            )


def _body(request: Request) -> dict[str, Any]:
    data = request.get_data()
    if not data:
        return {}
    try:
        body = json.loads(data)
    except ValueError as error:
        raise ApiError(400, "invalid_json", "Error parsing JSON body.") from error
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", "Error parsing JSON body.")
    return body


def _page_size(raw: Any) -> int:
    if raw is None:
        return _MAX_PAGE_SIZE
    try:
        size = int(raw)
    except (TypeError, ValueError) as error:
        raise SandboxValidationError(f"body failed validation: page_size should be a number, instead was `{raw}`.") from error
    if not 1 <= size <= _MAX_PAGE_SIZE:
        raise SandboxValidationError(
            f"body failed validation: body.page_size should be ≤ `{_MAX_PAGE_SIZE}`, instead was `{size}`."
        )
    return size


def _paginate(items: list[dict[str, Any]], start_cursor: str | None, page_size: int) -> dict[str, Any]:
    """Notion-style cursors: the id of the first item of the next page."""
    start = 0
    if start_cursor:
        ids = [item["id"] for item in items]
        cursor = normalise_id(start_cursor)
        if cursor not in ids:
            raise SandboxValidationError(f"body failed validation: start_cursor `{start_cursor}` is not valid.")
        start = ids.index(cursor)
    page = items[start : start + page_size]
    more = start + page_size < len(items)
    return {
        "object": "list",
        "results": page,
        "next_cursor": items[start + page_size]["id"] if more else None,
        "has_more": more,
    }


def _held(objects: dict[str, dict[str, Any]], kind: str, raw_id: str) -> dict[str, Any]:
    """The object of `kind` ("data source") a path names, with Notion's 400 for an id that is
    not a UUID (its field `data_source_id`) and 404 for one the workspace does not hold."""
    found = normalise_id(raw_id)
    if found is None:
        raise _invalid_id(f"{kind.replace(' ', '_')}_id", raw_id)
    if found not in objects:
        raise _not_found(kind, found)
    return objects[found]


def _invalid_id(field: str, value: str) -> ApiError:
    return ApiError(
        400, "validation_error", f'path failed validation: path.{field} should be a valid uuid, instead was `"{value}"`.'
    )
