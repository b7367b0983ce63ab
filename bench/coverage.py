"""Coverage benchmark (not a test): characters copydesk tracks ÷ characters the tools show.

For each tool, on its seed workspace and on a generated one (the sandbox admin's
`generate`, as bench/pull.py uses it), two independent counts:

- visible: the tool's own API answers, read directly with httpx from the sandbox (the
  endpoints the connector uses, plus those the vendors document for the rest of the text),
  counted by a small extractor per tool keyed on the vendors' text fields, never through
  copydesk's normalisers:
  - Notion: `plain_text` of every rich text (block `rich_text`, `caption`, table cells, page
    properties of type title and rich_text), equation `expression`s, other property values
    shown as text (select, status, multi_select, url, email, phone_number, number, date);
    search for the pages, then each page's block tree (not into child pages: those are pages).
  - Google Docs: `textRun.content` of the body, headers, footers and footnotes of every tab
    and child tab (`documents.get` with `includeTabsContent=true`), for the Docs under the
    configured folder (Drive `files.list` per folder).
  - Webflow: each page's title, SEO and Open Graph settings and its DOM in every locale
    (text, image alt, form and button labels, component-instance property overrides); the
    site's components (`/v2/sites/{id}/components` and each one's DOM); every CMS item's
    PlainText and RichText fields but the slug (HTML tags stripped), in every locale
    (`cmsLocaleId`), archived items left out (no visitor sees them).
- tracked: the characters of every block of every document after a pull into a fresh store.

Characters are counted without whitespace (tools and normalisers lay out spaces and line
breaks differently; letters, digits and marks are what a reader sees). A visible text counts
as tracked when some stored block of the source holds it (each text is one element's: a
paragraph, a property, a DOM node, an alt text, a piece of rich text), so text tracked twice
never makes up for text missed. Everything visible that no block holds is listed by element,
beside what the connectors themselves name as not captured (with their reason); the
difference is "silent". An endpoint the sandbox does not serve (yet) is listed too,
not skipped quietly. Target: tracked ≥ 99 % of visible, per source.

    .venv/bin/python bench/coverage.py                      # seed + 30 generated documents per tool
    .venv/bin/python bench/coverage.py --generated 200

Prints a table on stderr and writes bench/results/coverage.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx

from connectors.gdocs import GDocsConnector, credentials_from
from connectors.notion import NotionConnector
from connectors.sandbox.admin import SandboxAdminClient
from connectors.sandbox.gdocs import GDOCS_ROOT_FOLDER_ID
from connectors.sandbox.server import SandboxServer
from connectors.sandbox.webflow import WEBFLOW_SITE_ID
from connectors.webflow import WebflowConnector
from staging import coverage
from staging.pull import pull
from staging.store import Store

TARGET = 99.0
RESULTS = Path(__file__).with_name("results") / "coverage.json"
NOTION_VERSION = "2025-09-03"
_DOC_MIME = "application/vnd.google-apps.document"
_FOLDER_MIME = "application/vnd.google-apps.folder"
_NOTION_PROPERTY_TEXT = {"select", "status"}


def squeeze(text: str) -> str:
    """The visible characters of `text`: everything but whitespace."""
    return "".join(ch for ch in text if not ch.isspace())


@dataclass
class Visible:
    """The texts the API answers hold, each with the element it came from, and the endpoints
    the sandbox did not serve."""

    fragments: list[tuple[str, str]] = field(default_factory=list)  # (element, text without whitespace)
    documents: int = 0
    unserved: list[str] = field(default_factory=list)

    def add(self, element: str, text: object) -> None:
        if isinstance(text, str) and (bare := squeeze(text)):
            self.fragments.append((element, bare))

    @property
    def chars(self) -> int:
        return sum(len(text) for _, text in self.fragments)

    def by_element(self) -> Counter[str]:
        found: Counter[str] = Counter()
        for element, text in self.fragments:
            found[element] += len(text)
        return found


class Api:
    """A JSON client for one sandbox; `None` for a route it does not serve (404/405 without
    the tool's own error shape is a sandbox gap, listed in the results)."""

    def __init__(self, base_url: str, token: str, headers: dict[str, str] | None = None) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=60,
                                 headers={"Authorization": f"Bearer {token}", **(headers or {})})

    def get(self, path: str, **params: Any) -> dict[str, Any] | None:
        return self._answer(self.http.get(path, params=params))

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any] | None:
        return self._answer(self.http.post(path, json=body))

    def close(self) -> None:
        self.http.close()

    @staticmethod
    def _answer(response: httpx.Response) -> dict[str, Any] | None:
        if response.status_code in (404, 405):
            return None
        response.raise_for_status()
        answer: dict[str, Any] = response.json()
        return answer


# -- Notion ----------------------------------------------------------------------------------

def notion_visible(api: Api) -> Visible:
    seen = Visible()
    cursor: str | None = None
    while True:
        body: dict[str, Any] = {"filter": {"property": "object", "value": "page"}, "page_size": 100}
        if cursor:
            body["start_cursor"] = cursor
        answer = api.post("/v1/search", body) or {}
        for page in answer.get("results") or []:
            if page.get("object") != "page" or page.get("archived") or page.get("in_trash"):
                continue
            seen.documents += 1
            _notion_properties(seen, page.get("properties") or {})
            _notion_tree(api, seen, page["id"])
        cursor = answer.get("next_cursor")
        if not answer.get("has_more") or not cursor:
            return seen


def _rich(items: object) -> str:
    return "".join(str(item.get("plain_text") or "") for item in items or [] if isinstance(item, dict)) \
        if isinstance(items, list) else ""


def _notion_properties(seen: Visible, properties: dict[str, Any]) -> None:
    for prop in properties.values():
        kind = prop.get("type", "")
        value = prop.get(kind)
        if kind in ("title", "rich_text"):
            seen.add(f"page property ({kind})", _rich(value))
        elif kind in _NOTION_PROPERTY_TEXT and isinstance(value, dict):
            seen.add(f"page property ({kind})", value.get("name"))
        elif kind == "multi_select" and isinstance(value, list):
            seen.add("page property (multi_select)", " ".join(str(v.get("name") or "") for v in value))
        elif kind in ("url", "email", "phone_number"):
            seen.add(f"page property ({kind})", value)
        elif kind == "number" and value is not None:
            seen.add("page property (number)", str(value))
        elif kind == "date" and isinstance(value, dict):
            seen.add("page property (date)", " ".join(filter(None, [value.get("start"), value.get("end")])))


def _notion_tree(api: Api, seen: Visible, page_id: str) -> None:
    stack = [page_id]
    while stack:
        parent = stack.pop()
        cursor: str | None = None
        while True:
            params = {"page_size": 100, **({"start_cursor": cursor} if cursor else {})}
            answer = api.get(f"/v1/blocks/{parent}/children", **params) or {}
            for block in answer.get("results") or []:
                kind = block.get("type", "")
                content = block.get(kind) or {}
                seen.add(f"{kind} text", _rich(content.get("rich_text")))
                seen.add(f"{kind} caption", _rich(content.get("caption")))
                seen.add(f"{kind} expression", content.get("expression"))
                for cell in content.get("cells") or []:
                    seen.add("table cell", _rich(cell))
                if kind in ("child_page", "child_database"):
                    seen.add(f"{kind} title", content.get("title"))
                if block.get("has_children") and kind not in ("child_page", "child_database"):
                    stack.append(block["id"])
            cursor = answer.get("next_cursor")
            if not answer.get("has_more") or not cursor:
                break


# -- Google Docs -----------------------------------------------------------------------------

def gdocs_visible(api: Api) -> Visible:
    seen = Visible()
    for document_id in _gdocs_in_folder(api, GDOCS_ROOT_FOLDER_ID):
        document = api.get(f"/v1/documents/{document_id}", includeTabsContent="true") or {}
        seen.documents += 1
        tabs = document.get("tabs")
        if not tabs:  # a sandbox without tabs answers the legacy shape: the first tab only
            seen.unserved.append("documents.get includeTabsContent (tabs)")
            tabs = [{"documentTab": document}]
        for tab in _all_tabs(tabs):
            _gdocs_tab(seen, tab.get("documentTab") or {})
    return seen


def _gdocs_in_folder(api: Api, folder: str) -> Iterator[str]:
    token: str | None = None
    while True:
        params = {"q": f"'{folder}' in parents and trashed = false", "pageSize": 100,
                  "fields": "nextPageToken,files(id,mimeType)", **({"pageToken": token} if token else {})}
        answer = api.get("/drive/v3/files", **params) or {}
        for file in answer.get("files") or []:
            if file.get("mimeType") == _DOC_MIME:
                yield file["id"]
            elif file.get("mimeType") == _FOLDER_MIME:
                yield from _gdocs_in_folder(api, file["id"])
        token = answer.get("nextPageToken")
        if not token:
            return


def _all_tabs(tabs: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for tab in tabs:
        yield tab
        yield from _all_tabs(tab.get("childTabs") or [])


def _gdocs_tab(seen: Visible, tab: dict[str, Any]) -> None:
    _gdocs_content(seen, "body", (tab.get("body") or {}).get("content") or [])
    for segment in ("headers", "footers", "footnotes"):
        for part in (tab.get(segment) or {}).values():
            _gdocs_content(seen, segment[:-1], part.get("content") or [])


def _gdocs_content(seen: Visible, segment: str, content: list[dict[str, Any]]) -> None:
    for element in content:
        runs = [(e.get("textRun") or {}) for e in (element.get("paragraph") or {}).get("elements") or []]
        # A pending suggested insertion is not the document's text until someone accepts it.
        seen.add(f"{segment} paragraph", "".join(str(r.get("content") or "") for r in runs
                                                 if not r.get("suggestedInsertionIds")))
        for row in (element.get("table") or {}).get("tableRows") or []:
            for cell in row.get("tableCells") or []:
                _gdocs_content(seen, f"{segment} table", cell.get("content") or [])
        _gdocs_content(seen, segment, (element.get("tableOfContents") or {}).get("content") or [])


# -- Webflow ---------------------------------------------------------------------------------

class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_texts(html: str) -> list[str]:
    """The text pieces of an HTML fragment (each inside one element, so inside one block)."""
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return parser.parts


def webflow_visible(api: Api) -> Visible:
    seen = Visible()
    site = api.get(f"/v2/sites/{WEBFLOW_SITE_ID}") or {}
    secondary = [loc for loc in (site.get("locales") or {}).get("secondary") or [] if loc.get("id")]
    for page in _listed(api, f"/v2/sites/{WEBFLOW_SITE_ID}/pages", "pages"):
        seen.documents += 1
        meta = api.get(f"/v2/pages/{page['id']}") or page
        seen.add("page title", meta.get("title"))
        seo, graph = meta.get("seo") or {}, meta.get("openGraph") or {}
        seen.add("SEO title", seo.get("title"))
        seen.add("SEO description", seo.get("description"))
        if not graph.get("titleCopied"):
            seen.add("Open Graph title", graph.get("title"))
        if not graph.get("descriptionCopied"):
            seen.add("Open Graph description", graph.get("description"))
        for node in _listed(api, f"/v2/pages/{page['id']}/dom", "nodes"):
            _webflow_node(seen, node)
        for locale in secondary:
            try:
                for node in _listed(api, f"/v2/pages/{page['id']}/dom", "nodes", localeId=locale["id"]):
                    _webflow_node(seen, node, where="localized page")
            except httpx.HTTPStatusError as error:
                if error.response.status_code != 400:
                    raise
                seen.unserved.append("GET /v2/pages/{id}/dom?localeId (answered 400)")
    components = api.get(f"/v2/sites/{WEBFLOW_SITE_ID}/components")
    if components is None:
        seen.unserved.append("GET /v2/sites/{id}/components")
    else:
        for component in _listed(api, f"/v2/sites/{WEBFLOW_SITE_ID}/components", "components"):
            seen.documents += 1
            dom = api.get(f"/v2/sites/{WEBFLOW_SITE_ID}/components/{component['id']}/dom")
            if dom is None:
                seen.unserved.append("GET /v2/sites/{id}/components/{id}/dom")
                continue
            for node in _listed(api, f"/v2/sites/{WEBFLOW_SITE_ID}/components/{component['id']}/dom", "nodes"):
                _webflow_node(seen, node, where="component")
    locales = [None] + [loc["cmsLocaleId"] for loc in secondary if loc.get("cmsLocaleId")]
    for collection in _listed(api, f"/v2/sites/{WEBFLOW_SITE_ID}/collections", "collections"):
        schema = api.get(f"/v2/collections/{collection['id']}") or {}
        kinds = {f["slug"]: f.get("type") for f in schema.get("fields") or []}
        for locale in locales:
            try:
                _webflow_items(api, seen, collection["id"], kinds, locale)
            except httpx.HTTPStatusError as error:
                if error.response.status_code != 400 or locale is None:
                    raise
                seen.unserved.append("GET /v2/collections/{id}/items?cmsLocaleId (answered 400)")
    return seen


def _webflow_items(api: Api, seen: Visible, collection: str, kinds: dict[str, Any], locale: str | None) -> None:
    params = {"cmsLocaleId": locale} if locale else {}
    for item in _listed(api, f"/v2/collections/{collection}/items", "items", **params):
        if locale and item.get("cmsLocaleId") != locale:
            continue  # a sandbox that ignores cmsLocaleId answers the primary locale again
        if item.get("isArchived"):
            continue  # off the site: no visitor sees it
        seen.documents += 1
        for slug, value in (item.get("fieldData") or {}).items():
            if slug == "slug":
                continue  # the item's URL path, not copy
            if kinds.get(slug) == "PlainText" or slug == "name":
                seen.add("CMS PlainText field", value)
            elif kinds.get(slug) == "RichText" and isinstance(value, str):
                for piece in html_texts(value):
                    seen.add("CMS RichText field", piece)


def _listed(api: Api, path: str, key: str, **params: Any) -> Iterator[dict[str, Any]]:
    offset = 0
    while True:
        answer = api.get(path, limit=100, offset=offset, **params) or {}
        rows = answer.get(key) or []
        yield from rows
        offset += len(rows)
        total = (answer.get("pagination") or {}).get("total", offset)
        if not rows or offset >= total:
            return


def _webflow_node(seen: Visible, node: dict[str, Any], where: str = "page") -> None:
    kind = node.get("type", "")
    seen.add(f"{where} DOM text", (node.get("text") or {}).get("text"))
    seen.add(f"{where} image alt", (node.get("image") or {}).get("alt"))
    for key in ("placeholder", "value", "waitingText", "label"):
        seen.add(f"{where} {kind} {key}", node.get(key))
    for choice in node.get("choices") or []:
        seen.add(f"{where} {kind} choice", choice.get("text") if isinstance(choice, dict) else None)
    for override in node.get("propertyOverrides") or []:
        seen.add(f"{where} component override", (override.get("text") or {}).get("text"))


# -- the run ---------------------------------------------------------------------------------

EXTRACTORS: dict[str, Callable[[Api], Visible]] = {"notion": notion_visible, "gdocs": gdocs_visible,
                                                    "webflow": webflow_visible}
HEADERS = {"notion": {"Notion-Version": NOTION_VERSION}}


def connector_for(tool: str, base_url: str, token: str) -> NotionConnector | GDocsConnector | WebflowConnector:
    """The tool's connector on its sandbox, unpaced (the sandbox runs without rate limits here)."""
    if tool == "notion":
        return NotionConnector(token, base_url=base_url, rate=None)
    if tool == "gdocs":
        return GDocsConnector(credentials_from(token=token), base_url=base_url, folders=[GDOCS_ROOT_FOLDER_ID],
                              rate=None)
    return WebflowConnector(token, base_url=base_url, site_id=WEBFLOW_SITE_ID, rate=None)


def generate_body(tool: str, n: int) -> dict[str, Any]:
    return {"notion": {"pages": n}, "gdocs": {"docs": n, "seed": 7}, "webflow": {"items": n, "seed": 7}}[tool]


def measure(tool: str, base_url: str, token: str, workspace: str) -> dict[str, Any]:
    api = Api(base_url, token, HEADERS.get(tool))
    with closing(api):
        visible = EXTRACTORS[tool](api)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'coverage.db'}")
        with closing(connector_for(tool, base_url, token)) as connector:
            pull(store, connector)
        blocks, documents = _tracked_texts(store, tool)
        figures = next(iter(coverage.report(store, source=tool)), None)
        store.close()
    # A visible text is tracked when a block holds it (blocks kept apart: no match across two).
    haystack = "\x00".join(blocks)
    missed: Counter[str] = Counter()
    for element, text in visible.fragments:
        if text not in haystack:
            missed[element] += len(text)
    tracked = visible.chars - sum(missed.values())
    listed: Counter[tuple[str, str]] = Counter()
    for row in figures["not_captured"] if figures else []:
        listed[(row["element"], row["reason"])] += row["chars"]
    share = coverage.percent(tracked, visible.chars)
    return {
        "workspace": workspace, "source": tool, "documents_visible": visible.documents, "documents_tracked": documents,
        "visible_chars": visible.chars, "tracked_chars": tracked, "tracked_percent": share,
        "meets_target": share >= TARGET, "chars_in_blocks": sum(len(b) for b in blocks),
        "visible_by_element": dict(visible.by_element().most_common()),
        "missed_by_element": dict(missed.most_common()),
        "not_captured_listed": [{"element": e, "reason": r, "chars": c} for (e, r), c in listed.most_common()],
        "silently_missed_chars": max(sum(missed.values()) - sum(listed.values()), 0),
        "sandbox_does_not_serve": sorted(set(visible.unserved)),
        "readonly_reasons": figures["readonly_reasons"] if figures else [],
    }


def _tracked_texts(store: Store, tool: str) -> tuple[list[str], int]:
    """The visible characters of every block of every live document, and how many documents."""
    texts: list[str] = []
    documents = 0
    for tracked in store.documents(source=tool, status="live"):
        revision = store.revision(tracked.head_revision_id or "")
        if revision is None:
            continue
        documents += 1
        texts.extend(squeeze(block.text) for block in store.load(revision).blocks)
    return texts, documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--generated", type=int, default=30, help="documents generated per tool (default 30)")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"where to write the JSON (default {RESULTS})")
    args = parser.parse_args()
    rows = []
    with SandboxServer(0, rate_limited=False) as server:
        for workspace in ("seed", f"generated ({args.generated})"):
            for endpoint in server.endpoints():
                admin = SandboxAdminClient(endpoint.base_url, endpoint.token, timeout=120)
                with closing(admin):
                    admin.post("reset")
                    if workspace != "seed":
                        admin.post("generate", generate_body(endpoint.tool, args.generated))
                say(f"{workspace}: {endpoint.tool} ...")
                rows.append(measure(endpoint.tool, endpoint.base_url, endpoint.token, workspace))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"target_percent": TARGET, "results": rows}, indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    _table(rows)
    say(f"wrote {args.out}")


def _table(rows: list[dict[str, Any]]) -> None:
    say(f"{'workspace':16} {'source':8} {'visible':>9} {'tracked':>9} {'%':>6}  {'listed':>7} {'silent':>7}  target")
    for row in rows:
        listed = sum(r["chars"] for r in row["not_captured_listed"])
        say(f"{row['workspace']:16} {row['source']:8} {row['visible_chars']:>9,} {row['tracked_chars']:>9,} "
            f"{row['tracked_percent']:>6}  {listed:>7,} {row['silently_missed_chars']:>7,}  "
            + ("met" if row["meets_target"] else "NOT met"))
        for element, chars in row["missed_by_element"].items():
            say(f"    not in any block: {element} ({chars} chars)")
        for item in row["not_captured_listed"]:
            say(f"    listed as not captured: {item['element']} — {item['reason']} ({item['chars']} chars)")
        for route in row["sandbox_does_not_serve"]:
            say(f"    the sandbox does not serve {route}: its text is not in the visible count")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
