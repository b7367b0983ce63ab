"""The Notion connector: the official `notion-client` SDK behind copydesk's protocol.

Listing is incremental: search sorted by `last_edited_time` descending, stopping once past
the cursor minus a safety margin (Notion's edit times have minute precision, so an edit in
the cursor's own minute must not be missed). The store then decides from versions and
content hashes what really changed.

Only the page itself says a page is gone: `fetch` raises `RemoteNotFound` when
`GET /v1/pages/{id}` answers 404, and returns an archived document when the page is in the
trash (its blocks are not read). A 404 from any other request of the fetch (a children
listing, a synced block's original) is a `RemoteError` naming the page as not read this time,
so staging keeps its last revision instead of marking it deleted. Search, Notion says, is not
guaranteed complete: the plug-in declares its listing incomplete, and staging asks `fetch`
about every stored page a full listing left out.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, Callable, Generator, Iterator, Sequence, cast

import httpx
from notion_client import Client
from notion_client.errors import APIResponseError, HTTPResponseError, RequestTimeoutError
from notion_client.helpers import iterate_paginated_api

from connectors.document import Document, DocumentRef, Edit
from connectors.errors import AuthError, ConfigError, RemoteError, RemoteNotFound
from connectors.journalled import PlannedWrite, send_journalled
from connectors.notion.normalise import TOOL, document_from_payload, is_trashed, page_ref, page_title, synced_original
from connectors.notion.plugin import PLUGIN
from connectors.notion.write import Write, plan_writes
from connectors.pacing import Pacer, RetryPolicy, retry_after
from connectors.preflight import preflight
from connectors.protocol import Cursor, Listing, WriteJournal

NOTION_API = "https://api.notion.com"
NOTION_RATE = 3.0  # requests per second, https://developers.notion.com/reference/request-limits
_RETRYABLE_STATUS = {409, 429, 500, 502, 503, 504, 529}
# Children of these are separate documents (or not copy), so the tree walk stops there.
_NO_DESCENT = {"child_page", "child_database"}


class NotionConnector:
    """Lists, fetches, writes and counts requests against one Notion workspace (or the sandbox).

    `source` is the configured source's name, stamped on every ref, document and error, so two
    Notion workspaces tracked side by side never share an identity; `tool` is always Notion."""

    tool = TOOL
    label = PLUGIN.label

    def __init__(
        self,
        token: str,
        *,
        source: str = TOOL,
        base_url: str = NOTION_API,
        rate: float | None = NOTION_RATE,
        page_size: int = 100,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        margin: timedelta = timedelta(minutes=2),
    ) -> None:
        if not token:
            raise ConfigError("No Notion token was given: set the environment variable named by token_env.")
        if not 1 <= page_size <= 100:
            raise ConfigError(f"page_size must be between 1 and 100 (Notion's limit), not {page_size}.")
        self.source = source
        self.base_url = base_url.rstrip("/")
        self.page_size = page_size
        self.margin = margin
        self._retry = retry or RetryPolicy()
        self._names: dict[str, str] = {}  # user id → name, looked up once per listing: see list_changed
        # Where synced originals live, looked up once per listing like names: a block's page
        # (block id → page id) and a page's title, each asked at most once.
        self._block_pages: dict[str, str] = {}
        self._page_titles: dict[str, str] = {}
        self._pacer = Pacer(rate)
        http = httpx.Client(event_hooks={"request": [self._pacer.on_request]})
        self._client = Client(
            auth=token,
            base_url=self.base_url,
            timeout_ms=int(timeout * 1000),
            retry=False,
            client=http,
            logger=logging.getLogger("copydesk.notion"),
            log_level=logging.ERROR,
        )

    @property
    def requests_made(self) -> int:
        return self._pacer.requests

    def close(self) -> None:
        self._client.close()

    # -- protocol -------------------------------------------------------------------------

    def list_changed(self, since: Cursor | None) -> Listing:
        # A connector can outlive many pulls (the app keeps one per source), and a person can be
        # renamed or the integration given "Read user information" between two: each listing asks
        # again. A listing, not a clock, is the boundary: one pull names one person one way.
        self._names, self._block_pages, self._page_titles = {}, {}, {}
        return Listing(self._iter_changed(since))

    def fetch(self, ref: DocumentRef) -> Document:
        page = self._call(lambda: self._client.pages.retrieve(page_id=ref.remote_id))
        title = page_title(page)
        self._page_titles[page["id"]] = title
        tree: list[tuple[int, dict[str, Any]]] = []
        synced: dict[str, str] = {}
        if not is_trashed(page):  # a page in the trash is gone for copydesk: its blocks are not read
            try:
                tree = list(self._iter_tree(ref.remote_id))
                synced = {original: self._title_holding(original)
                          for original in {synced_original(block) for _, block in tree} if original}
            except RemoteNotFound as error:
                raise RemoteError(
                    f"Notion answered 404 for part of page {title or ref.remote_id!r}, not for the page itself: "
                    "the page was not read this time and keeps its last pulled revision. Pull again; if it "
                    "persists, share with the copydesk integration the pages its synced blocks come from.",
                    source=self.source, status=error.status, code="part_not_found",
                ) from error
        return document_from_payload(page, tree, edited_by=self._editor(page), source=self.source,
                                     synced_pages=synced)

    def apply(self, ref: DocumentRef, edits: Sequence[Edit], journal: WriteJournal, *,
              dry_run: bool = False) -> Document:
        """Notion has no conditional writes, so the check reads the page just before writing;
        an edit landing between that read and the write is not detected (a window of the
        few requests the write takes)."""
        current = self.fetch(ref)
        planned = preflight(current, edits)
        previous = {item.block.id: item.block for item in planned}
        writes = plan_writes(current, planned)
        send_journalled((PlannedWrite(write.block_ids, write.as_request(), [previous[i] for i in write.block_ids],
                                      write) for write in writes),
                        journal, lambda write: self._call(lambda: self._send(write)), dry_run=dry_run)
        return current if dry_run else self.fetch(ref)

    # -- internals ------------------------------------------------------------------------

    def _editor(self, page: dict[str, Any]) -> str:
        """The name of whoever last edited `page`. A page names its editor by id only, so the
        name takes a users.retrieve, once per person per connector."""
        user_id = str((page.get("last_edited_by") or {}).get("id") or "")
        if user_id and user_id not in self._names:
            self._names[user_id] = self._user_name(user_id)
        return self._names.get(user_id, "")

    def _user_name(self, user_id: str) -> str:
        """'' when Notion will not say: a user since removed (404), or an integration without
        the "Read user information" capability (403); the pull goes on either way."""
        try:
            user = self._call(lambda: self._client.users.retrieve(user_id=user_id))
        except RemoteError as error:
            if error.status in (403, 404):
                return ""
            raise
        return str(user.get("name") or "")

    def _title_holding(self, block_id: str) -> str:
        """The title of the page holding block `block_id` (a synced original), found up the
        block's `parent` chain: one request per block above it until a page, and one for that
        page's title, each cached for the listing. '' when the original's page is closed to the
        integration (Notion answers 404 for it)."""
        walked: list[str] = []
        current = block_id
        try:
            while current not in self._block_pages:
                walked.append(current)
                parent = self._retrieve_block(current).get("parent") or {}
                if parent.get("type") == "page_id":
                    self._block_pages[current] = str(parent["page_id"])
                elif parent.get("type") == "block_id":
                    current = str(parent["block_id"])
                else:
                    return ""
            page_id = self._block_pages[current]
            for block in walked:
                self._block_pages[block] = page_id
            if page_id not in self._page_titles:
                self._page_titles[page_id] = page_title(self._call(lambda: self._client.pages.retrieve(page_id=page_id)))
            return self._page_titles[page_id]
        except RemoteNotFound:
            return ""

    def _retrieve_block(self, block_id: str) -> dict[str, Any]:
        return self._call(lambda: self._client.blocks.retrieve(block_id=block_id))

    def _send(self, write: Write) -> Any:
        if write.endpoint == "pages":
            return self._client.pages.update(page_id=write.remote_id, **write.body)
        return self._client.blocks.update(block_id=write.remote_id, **write.body)

    def _iter_changed(self, since: Cursor | None) -> Generator[DocumentRef, None, Cursor | None]:
        stop_before = _parse(since) - self.margin if since else None
        newest = since
        for page in iterate_paginated_api(self._search_page, page_size=self.page_size):
            if page.get("object") != "page":
                continue
            edited = page.get("last_edited_time", "")
            if stop_before is not None and _parse(edited) < stop_before:
                break
            if newest is None or edited > newest:
                newest = edited
            yield page_ref(page, source=self.source)
        return newest

    def _search_page(self, **kwargs: Any) -> dict[str, Any]:
        body = {
            "filter": {"property": "object", "value": "page"},
            "sort": {"direction": "descending", "timestamp": "last_edited_time"},
            **{k: v for k, v in kwargs.items() if v is not None},
        }
        return self._call(lambda: self._client.search(**body))

    def _iter_tree(self, page_id: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """The page's blocks in reading order, with their depth. Walked with a stack of open
        listings rather than by recursion: a page nested deeper than Python's recursion limit
        (a hostile or just enthusiastic colleague) is read like any other."""
        open_listings = [self._iter_children(page_id)]
        while open_listings:
            block = next(open_listings[-1], None)
            if block is None:
                open_listings.pop()
                continue
            yield len(open_listings) - 1, block
            if block.get("has_children") and block.get("type") not in _NO_DESCENT:
                open_listings.append(self._iter_children(block["id"]))

    def _iter_children(self, parent_id: str) -> Iterator[dict[str, Any]]:
        def children_page(**kwargs: Any) -> dict[str, Any]:
            query = {k: v for k, v in kwargs.items() if v is not None}
            return self._call(lambda: self._client.blocks.children.list(block_id=parent_id, **query))

        return iterate_paginated_api(children_page, page_size=self.page_size)

    def _call(self, request: Callable[[], Any]) -> dict[str, Any]:
        def attempt() -> dict[str, Any]:
            with map_errors(self.base_url, self.source):
                # The sync Client answers every endpoint with its JSON object; notion-client
                # annotates it SyncAsync[Any] to cover its async twin too.
                return cast(dict[str, Any], request())

        return self._retry.call(attempt)


@contextmanager
def map_errors(base_url: str, source: str = TOOL) -> Iterator[None]:
    """Translate notion-client and httpx errors into copydesk errors (the only place), each
    naming the configured `source` it came from."""
    try:
        yield
    except APIResponseError as error:
        raise _from_response(error, source) from error
    except HTTPResponseError as error:
        raise RemoteError(
            f"Notion answered HTTP {error.status} with a body copydesk cannot read; try again later.",
            source=source,
            status=error.status,
            retryable=error.status >= 500 or error.status == 429,
            retry_after=retry_after(error.headers),
        ) from error
    except RequestTimeoutError as error:
        raise RemoteError(
            f"Notion at {base_url} did not answer in time; copydesk will retry, or try again later.",
            source=source,
            code="timeout",
            retryable=True,
        ) from error
    except httpx.ConnectError as error:
        raise RemoteError(
            f"Cannot reach Notion at {base_url}. Check the network and base_url, or start the sandbox with "
            "`copydesk sandbox` if this source points at it.",
            source=source,
            code="unreachable",
        ) from error
    except httpx.TransportError as error:
        raise RemoteError(
            f"The connection to Notion at {base_url} failed ({type(error).__name__}); try again later.",
            source=source,
            code="transport",
            retryable=True,
        ) from error


def _from_response(error: APIResponseError, source: str) -> RemoteError:
    status, code = error.status, str(getattr(error.code, "value", error.code))
    detail = f"Notion said {status} {code}: {str(error).rstrip('.')}"
    if status == 401:
        return AuthError(
            f"{detail}. The Notion token is wrong or revoked: put a valid integration token in the "
            "environment variable named by token_env in copydesk.toml.",
            source=source, status=status, code=code,
        )
    if status == 403:
        return AuthError(
            f"{detail}. Share the page with the copydesk integration in Notion (••• → Connections).",
            source=source, status=status, code=code,
        )
    if status == 404:
        return RemoteNotFound(f"{detail}.", source=source, status=status, code=code)
    return RemoteError(
        f"{detail}." + (" copydesk retried and gave up; try again later." if status in _RETRYABLE_STATUS else ""),
        source=source,
        status=status,
        code=code,
        retryable=status in _RETRYABLE_STATUS,
        retry_after=retry_after(error.headers),
    )


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))
