"""Build the Webflow cassettes (fixtures/cassettes/webflow/) from Webflow's published v2 examples.

There is no Webflow account here, so nothing is recorded from Webflow. The response bodies are
the OFFICIAL examples of the Data API v2 OpenAPI spec collected in /work/shared/api-examples/webflow
(its SOURCES.md gives provenance: webflow/openapi-spec @ e91cb4e6 `openapi/v2.yml`). The requests
are not typed by hand: this script runs the real `WebflowConnector` (official `webflow` SDK over
httpx) against Webflow's own endpoint (`https://api.webflow.com/v2`, base_url ""), answers each
request in-process with the next planned body and keeps what the SDK sent, without the
Authorization header. Every change to a source body is listed in `Bodies.changes` below, in the
cassette's header comment and in SOURCES.md.

    .venv/bin/python scripts/author_webflow_cassettes.py            # write the cassettes
    .venv/bin/python scripts/author_webflow_cassettes.py --check    # exit 1 if a cassette differs
    .venv/bin/python scripts/author_webflow_cassettes.py --examples /path/to/api-examples
"""

from __future__ import annotations

import copy
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import cassette_authoring as authoring  # noqa: E402
from cassette_authoring import Interaction, NullJournal, cassette_text, checked_sources, expect, serialise  # noqa: E402

from connectors.document import DocumentRef, Edit  # noqa: E402
from connectors.errors import AuthError, RemoteError  # noqa: E402
from connectors.pacing import RetryPolicy  # noqa: E402
from connectors.webflow import WebflowConnector  # noqa: E402

OUT = ROOT / "fixtures" / "cassettes" / "webflow"
DEFAULT_EXAMPLES = Path("/work/shared/api-examples")

# The source files and the sha256[:16] their SOURCES.md gives: a changed source stops the script.
SOURCE_FILES = {
    "site": ("webflow/get_site.json", "5d4a984596ac19dd"),
    "collections": ("webflow/list_collections.json", "ed49dd3a9703f248"),
    "collection": ("webflow/collection_details.json", "65df4c02628a4724"),
    "items": ("webflow/list_collection_items.json", "69199623d0fa7cf0"),
    "pages": ("webflow/list_pages.json", "8ece292bc47d7857"),
    "page_meta": ("webflow/get_page_metadata.json", "1b7914fac491c253"),
    "page_dom": ("webflow/page_dom.json", "02a9b94485bb1add"),
    "item": ("webflow/update_item.response.json", "a7a34def04328840"),
    "publish": ("webflow/publish_items.response.json", "1677ed5ce78c172f"),
    "errors": ("webflow/errors.json", "834051f21efb8b9e"),
}
# The component examples are not among the shared files: they were copied unchanged from the spec's
# YAML (sha256[:16] 69d5060971ca2334) into fixtures/api-shapes/webflow/ (its SOURCES.md says how).
SHAPES = ROOT / "fixtures" / "api-shapes"
SHAPE_FILES = {
    "components": ("webflow/list_components.json", "af7ad4c7dcdac362"),
    "component_dom": ("webflow/component_dom.json", "471d51429e8f2e28"),
    "component_properties": ("webflow/component_properties.json", "51d652a9f7ffd4a7"),
}
OPERATIONS = {
    "site": "get-site 200 content.examples.SiteWithLocales",
    "collections": "list-collections 200 schema.example",
    "collection": "collection-details 200 schema.example",
    "items": "list-collection-items 200 schema.example",
    "pages": "list-pages 200 schema.example",
    "page_meta": "get-page-metadata 200 schema.example",
    "page_dom": "get-static-content 200 schema.example",
    "item": "update-item 200 schema.example (the same example as get-item-live, sha256 a7a34def04328840)",
    "publish": "publish-item 202 example",
    "errors": "the spec's error examples (errors.json)",
    "components": "list-components 200 schema.example",
    "component_dom": "get-component-content 200 schema.example",
    "component_properties": "get-component-properties 200 schema.example",
}

SITE_ID = "42e98c9a982ac9b8b742"  # get_site.json
COLLECTION_ID = "7f15043107e2fc95644e93807ee25dd6"  # collection_details.json
ITEM_ID = "42b720ef280c7a7a3be8cabe"  # update_item.response.json
PAGE_ID = "6596da6045e56dee495bcbba"  # get_page_metadata.json, list_pages.json pages[0]
COMPONENT_ID = "658205daa3e8206a523b5ad4"  # list_components.json components[1], "Secondary Button"
PUBLISH_IDS = ["643fd856d66b6528195ee2ca", "643fd856d66b6528195ee2cb", "643fd856d66b6528195ee2cc"]
TOKEN = "wf-cassette-authoring"  # never written: the Authorization header is dropped
BEFORE_TEXT = "Do not panic."  # the PlainText field before the write; the example's "Don't Panic." after it
EDIT = Edit(block_id="field:plain-text", before=BEFORE_TEXT, after="Don't Panic.")
REASONS = {200: "OK", 202: "Accepted", 401: "Unauthorized", 404: "Not Found", 409: "Conflict",
           429: "Too Many Requests"}
CONTENT_TYPE = "application/json; charset=utf-8"
# 429: Retry-After per Webflow's rate-limit page ("usually a 60-second reset"); X-RateLimit-* are the
# spec's documented 429 headers, with the Starter/Basic budget (60) and nothing left.
HEADERS_429 = {"Retry-After": "60", "X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0"}
# Request headers kept (the x-fern-* ones name the SDK; user-agent names httpx).
KEPT_REQUEST_HEADERS = ("accept", "content-type", "user-agent", "x-fern-language", "x-fern-sdk-name",
                        "x-fern-sdk-version")


def load_sources(examples: Path) -> dict[str, Any]:
    bodies = checked_sources(SOURCE_FILES, examples) | checked_sources(SHAPE_FILES, SHAPES)
    bodies["site"] = bodies["site"]["SiteWithLocales"]["value"]  # a named-example map
    return bodies


def error_body(errors: list[dict[str, Any]], status: str, code: str | None) -> dict[str, Any]:
    found = [e["body"] for e in errors if e["status"] == status and (e["body"] or {}).get("code") == code]
    assert len(found) == 1, (status, code)
    return found[0]


@dataclass
class Bodies:
    """Every response body a cassette uses, and what was changed in it (`changes`)."""

    raw: dict[str, Any]
    changes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        raw = self.raw
        primary, secondary = raw["site"]["locales"]["primary"], raw["site"]["locales"]["secondary"]
        self.items = copy.deepcopy(raw["items"])
        for item in self.items["items"]:
            item["cmsLocaleId"] = primary["cmsLocaleId"]
        self.changes["items"] = (
            f"each item's `cmsLocaleId` `66f6e966c9e1dc700a857ca3` → `{primary['cmsLocaleId']}`, the site example's "
            "primary CMS locale (the examples come from unrelated sites; copydesk lists the primary locale's "
            "variants only, so unchanged they would be skipped as another locale's)")
        self.items_empty = {"items": [], "pagination": {"limit": 100, "offset": 0, "total": 0}}
        self.changes["items_empty"] = ("DERIVED here from `list_collection_items.json`: the same envelope with no "
                                       "items (the other two collections of `list_collections.json`)")
        self.pages_by_locale = {}
        for locale in secondary:
            pages = copy.deepcopy(raw["pages"])
            for page in pages["pages"]:
                page["localeId"] = locale["id"]
            self.pages_by_locale[locale["id"]] = pages
        self.changes["pages_secondary"] = (
            "`list_pages.json` with each page's `localeId` set to the secondary locale asked for "
            "(`publishedPath` kept as in the example, `/en-us/…`)")
        self.collection = copy.deepcopy(raw["collection"])
        renamed = {"summary": "plain-text", "entry-html": "rich-text"}
        for spec in self.collection["fields"]:
            spec["slug"] = renamed.get(spec["slug"], spec["slug"])
        self.changes["collection"] = (
            "field slugs `summary` → `plain-text` (PlainText) and `entry-html` → `rich-text` (RichText), the "
            "keys of the item example's `fieldData` (the two examples name their fields differently)")
        self.item_after = raw["item"]
        self.item_before = copy.deepcopy(raw["item"])
        self.item_before["fieldData"]["plain-text"] = BEFORE_TEXT
        self.item_before["lastUpdated"] = "2022-11-17T17:11:57.148Z"
        self.changes["item_before"] = (
            f"the item example before the write: `fieldData.plain-text` `Don't Panic.` → `{BEFORE_TEXT}` and "
            "`lastUpdated` → its `createdOn` (the PATCH then answers the example unchanged)")
        self.page_dom_sdk = copy.deepcopy(raw["page_dom"])
        submits = [n for n in self.page_dom_sdk["nodes"] if n["type"] == "submit"]
        assert len(submits) == 1
        submits[0]["type"] = "submit-button"
        self.changes["page_dom_sdk"] = (
            "node `a245c12d-…-aa36a6cad671` `type` `submit` → `submit-button`: the spec's example says `submit`, "
            "but webflow SDK 2.0.0's `Dom` model only accepts `submit-button` (and `search-button`) and refuses "
            "the whole response otherwise")
        errors = raw["errors"]
        self.error_401 = error_body(errors, "401", "not_authorized")
        self.error_404 = error_body(errors, "404", "resource_not_found")
        self.error_429 = error_body(errors, "429", "too_many_requests")
        self.error_409 = error_body(errors, "409", None)


# -- driving the real connector against planned answers ------------------------------------------


@contextmanager
def planned(answers: list[Interaction]) -> Iterator[None]:
    """Stands in for the network under httpx: answers the SDK's requests in order and keeps them."""
    position = 0
    original = httpx.HTTPTransport.handle_request

    def handle(transport: Any, request: httpx.Request) -> httpx.Response:
        nonlocal position
        if position >= len(answers):
            raise AssertionError(f"unplanned request {request.method} {request.url}")
        answer = answers[position]
        position += 1
        kept = {name.lower(): [value] for name, value in request.headers.items()
                if name.lower() in KEPT_REQUEST_HEADERS}
        content = request.read()
        answer.request = {"method": request.method, "uri": str(request.url),
                          "body": content.decode("utf-8") if content else None,
                          "headers": dict(sorted(kept.items()))}
        return httpx.Response(answer.status, headers=answer.response_headers(CONTENT_TYPE), content=serialise(answer.body),
                              request=request)

    httpx.HTTPTransport.handle_request = handle  # type: ignore[method-assign]
    try:
        yield
    finally:
        httpx.HTTPTransport.handle_request = original  # type: ignore[method-assign]
    if position != len(answers):
        raise AssertionError(f"the connector made {position} of {len(answers)} planned requests")


def connector(**overrides: Any) -> WebflowConnector:
    options = {"site_id": SITE_ID, "rate": None,
               "retry": RetryPolicy(attempts=3, backoff=0, max_wait=0, sleep=lambda seconds: None)} | overrides
    return WebflowConnector(TOKEN, **options)


def item_ref(item_id: str = ITEM_ID, version: str = "") -> DocumentRef:
    return DocumentRef(source="webflow", remote_id=f"item:{COLLECTION_ID}:{item_id}", kind="item",
                       remote_version=version)


def page_ref() -> DocumentRef:
    return DocumentRef(source="webflow", remote_id=f"page:{PAGE_ID}", kind="page")


def component_ref() -> DocumentRef:
    return DocumentRef(source="webflow", remote_id=f"component:{COMPONENT_ID}", kind="component")


@dataclass
class Scenario:
    name: str
    about: str
    answers: Callable[[Bodies], list[Interaction]]
    run: Callable[[], None]


def _listing(b: Bodies) -> list[Interaction]:
    secondary = b.raw["site"]["locales"]["secondary"]
    locales = 1 + len(secondary)
    return [Interaction(200, b.raw["site"], "site"),
            Interaction(200, b.raw["collections"], "collections"),
            Interaction(200, b.items, "items"),
            Interaction(200, b.items_empty, "items_empty"),
            Interaction(200, b.items_empty, "items_empty"),
            Interaction(200, b.raw["pages"], "pages"),
            *(Interaction(200, b.pages_by_locale[locale["id"]], "pages_secondary") for locale in secondary),
            Interaction(200, b.raw["components"], "components"),
            *(answer for _ in range(len(b.raw["components"]["components"]) * locales)
              for answer in _component_content(b))]


def _component_content(b: Bodies) -> list[Interaction]:
    return [Interaction(200, b.raw["component_dom"], "component_dom"),
            Interaction(200, b.raw["component_properties"], "component_properties")]


def _fetch_item(b: Bodies) -> list[Interaction]:
    return [Interaction(200, b.item_after, "item"),
            Interaction(200, b.collection, "collection"),
            Interaction(200, b.raw["site"], "site")]


SCENARIOS = [
    Scenario("full_listing",
             "Full listing: the site, its collections, each collection's items (limit 100), the static pages "
             "of each of the site's three locales, then the components and each one's DOM and properties in each "
             "locale (the one DOM and properties example answers for every component)",
             _listing, lambda: list(connector().list_changed(None))),
    Scenario("fetch_item",
             "fetch of an item without a version: items.get, then the collection's fields and the site",
             _fetch_item, lambda: connector().fetch(item_ref())),
    Scenario("fetch_page_dom",
             "fetch of a static page (primary locale) without a version: the site, the page's metadata, its DOM "
             "(the spec's example unchanged, its `submit` node included; the connector reads DOMs untyped), then "
             "the components, which name the DOM's component instance",
             lambda b: [Interaction(200, b.raw["site"], "site"),
                        Interaction(200, b.raw["page_meta"], "page_meta"),
                        Interaction(200, b.raw["page_dom"], "page_dom"),
                        Interaction(200, b.raw["components"], "components")],
             lambda: connector().fetch(page_ref())),
    Scenario("fetch_page_dom_submit_button",
             "the same fetch, the DOM example's `submit` node typed `submit-button` as webflow SDK 2.0.0 expects",
             lambda b: [Interaction(200, b.raw["site"], "site"),
                        Interaction(200, b.raw["page_meta"], "page_meta"),
                        Interaction(200, b.page_dom_sdk, "page_dom_sdk"),
                        Interaction(200, b.raw["components"], "components")],
             lambda: connector().fetch(page_ref())),
    Scenario("fetch_component",
             "fetch of a component (primary locale) without a version: the site, the components, then the "
             "component's DOM and its properties",
             lambda b: [Interaction(200, b.raw["site"], "site"),
                        Interaction(200, b.raw["components"], "components"),
                        *_component_content(b)],
             lambda: connector().fetch(component_ref())),
    Scenario("apply_item",
             "apply of one PlainText edit: items.get, fields, site, the staged PATCH, then items.get again",
             lambda b: [Interaction(200, b.item_before, "item_before"),
                        Interaction(200, b.collection, "collection"),
                        Interaction(200, b.raw["site"], "site"),
                        Interaction(200, b.item_after, "item"),
                        Interaction(200, b.item_after, "item")],
             lambda: connector().apply(item_ref(), [EDIT], NullJournal())),
    Scenario("publish_items",
             "publish of the three items of the spec's request example (PrimaryLocale itemIds): 202",
             lambda b: [Interaction(202, b.raw["publish"], "publish")],
             lambda: expect(RemoteError, lambda: connector().publish([item_ref(i) for i in PUBLISH_IDS]))),
    Scenario("error_409_publish_items",
             "publish of the same three items answered 409 (the spec's publish-item 409, which has no `code`)",
             lambda b: [Interaction(409, b.error_409, "error_409")],
             lambda: expect(RemoteError, lambda: connector().publish([item_ref(i) for i in PUBLISH_IDS]))),
    Scenario("error_429_then_200",
             "fetch of an item whose items.get is answered 429 too_many_requests (Retry-After 60), then 200, "
             "then the collection's fields and the site",
             lambda b: [Interaction(429, b.error_429, "error_429", HEADERS_429), *_fetch_item(b)],
             lambda: connector().fetch(item_ref())),
    Scenario("error_401_not_authorized",
             "sites.get (the first request of a listing) answered 401 not_authorized",
             lambda b: [Interaction(401, b.error_401, "error_401")],
             lambda: expect(AuthError, lambda: list(connector().list_changed(None)))),
    Scenario("error_404_item_gone",
             "fetch of an item whose items.get is answered 404 resource_not_found",
             lambda b: [Interaction(404, b.error_404, "error_404")],
             lambda: expect(RemoteError, lambda: connector().fetch(item_ref()))),
]

_BASES = {"page_dom_sdk": "page_dom", "items_empty": "items", "pages_secondary": "pages", "item_before": "item", "error_401": "errors",
          "error_404": "errors", "error_409": "errors", "error_429": "errors"}
_ERROR_NOTES = {"error_401": "the 401 not_authorized entry", "error_404": "the 404 resource_not_found entry",
                "error_409": "the publish-item 409 entry (no `code` key, message with a stray leading quote)",
                "error_429": "the 429 too_many_requests entry; headers Retry-After/X-RateLimit-* see SOURCES.md"}


def source_line(source: str) -> str:
    base = _BASES.get(source, source)
    if base in SHAPE_FILES:
        relative, digest = SHAPE_FILES[base]
        return (f"fixtures/api-shapes/{relative} (sha256 {digest}), OFFICIAL webflow/openapi-spec v2.yml "
                f"{OPERATIONS[base]}, copied unchanged")
    relative, digest = SOURCE_FILES[base]
    note = f", {_ERROR_NOTES[source]}" if source in _ERROR_NOTES else ""
    return f"{relative} (sha256 {digest}), OFFICIAL webflow/openapi-spec v2.yml {OPERATIONS[base]}{note}"


def changed_line(source: str, bodies: Bodies) -> str:
    if source == "site":
        return "none (the `.value` of the named example SiteWithLocales)"
    return bodies.changes.get(source, "none")


def render(scenario: Scenario, bodies: Bodies) -> str:
    answers = scenario.answers(bodies)
    with planned(answers):
        scenario.run()
    return cassette_text(
        answers, about=scenario.about, host="api.webflow.com", reasons=REASONS, content_type=CONTENT_TYPE,
        provenance=["# Built by scripts/author_webflow_cassettes.py: requests are what WebflowConnector sent "
                    "through the",
                    "# official webflow SDK to https://api.webflow.com/v2 (Authorization dropped); response bodies "
                    "are",
                    "# Webflow's published v2 examples, see SOURCES.md next to this file. Nothing here was recorded "
                    "from Webflow."],
        source_line=source_line, changed_line=lambda source: changed_line(source, bodies))


def main() -> None:
    authoring.main(__doc__ or "", names=[s.name for s in SCENARIOS],
                   render=lambda index, bodies: render(SCENARIOS[index], bodies),
                   bodies=lambda examples: Bodies(load_sources(examples)), out=OUT, root=ROOT,
                   default_examples=DEFAULT_EXAMPLES)


if __name__ == "__main__":
    main()
