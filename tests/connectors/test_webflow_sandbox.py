"""The Webflow sandbox over real HTTP, driven by the official `webflow` SDK where it can be.

Expectations come from the seed (connectors/sandbox/seeds/webflow/), from Webflow's OpenAPI spec
(fixtures/api-shapes/webflow/openapi_v2.subset.json: every key the sandbox answers with must
exist in the spec's response schema) and from the spec's examples beside it. The SDK itself
validates every answer it parses, so a missing required field fails the round trips too.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from webflow import Webflow
from webflow.core.api_error import ApiError as SdkApiError
from webflow.environment import WebflowEnvironment
from webflow.errors import BadRequestError, ConflictError, TooManyRequestsError, UnauthorizedError
from webflow.resources.collections.resources.items import ItemIDs

from connectors.sandbox import seeds
from connectors.sandbox.admin import SandboxAdminClient
from connectors.sandbox.webflow import (
    WEBFLOW_FRENCH_LOCALE_ID,
    WEBFLOW_PRIMARY_LOCALE_ID,
    WEBFLOW_RATE_PER_MINUTE,
    WEBFLOW_SANDBOX_TOKEN,
    WEBFLOW_SITE_ID,
)
from connectors.sandbox.webflow_workspace import WebflowWorkspace, node_id, plain_text, replace_in_text

REPO = Path(__file__).resolve().parents[2]
SEED_DIR = seeds.SEEDS / "webflow"
SHAPES = REPO / "fixtures" / "api-shapes" / "webflow"
SPEC = json.loads((SHAPES / "openapi_v2.subset.json").read_text())
SEED = WebflowWorkspace.from_seed_dir(SEED_DIR)
HOME, PRICING, PRODUCT, ABOUT = "63e043000f6cad4a26d3ac94", "63e194801f90c192cff28c10", "63e43780a139263059a09f76", \
    "63e58900f2953f48f10fd630"
BLOG, CASES, FEATURES = "63fe95809593bd04cf658cda", "63fe9580f90cb1e29c3898d1", "63ffe7008e0becd7b0dbc496"
WHY_WE_BUILT = "642b6880d1e01f50575051c1"
SETUP_POST = "6456ea00b15712424259a54a"
ACME_POST = "64af3e8074cc011cdd119a72"  # live, with staged changes
RETIRING_POST = "6534660010aa05e11a0f8808"  # archived
DRAFT_POST = "65613900b3bb2d420f4f426d"  # draft, never published
NO_RETRY = {"max_retries": 0}
HTTP = httpx.Client(timeout=10)
AUTH = {"Authorization": f"Bearer {WEBFLOW_SANDBOX_TOKEN}"}
# Where Webflow answers null although the spec types the field as a plain string: a never-published
# item's lastPublished (the publishing guide's "Draft: lastPublished null"), and the spec's own
# examples for parentId, collectionId (list-pages), helpText (collection-details) and every error
# body's externalReference.
NULL_IN_PRACTICE = {"lastPublished", "parentId", "collectionId", "helpText", "externalReference"}


@pytest.fixture(scope="module", autouse=True)
def _close_http() -> Iterator[None]:
    yield
    HTTP.close()


class WebflowAdmin(SandboxAdminClient):
    """The webflow sandbox's base URL, its admin API and an SDK client pointed at it."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url, WEBFLOW_SANDBOX_TOKEN, timeout=10)
        api = f"{base_url}/v2"
        self.api = api
        self.sdk = Webflow(access_token=WEBFLOW_SANDBOX_TOKEN,
                           environment=WebflowEnvironment(base=api, data_api=api, content_delivery_api=api))

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.http.get(f"{self.api}{path}", params=params, headers=AUTH)

    def send(self, method: str, path: str, body: Any = None, **params: Any) -> httpx.Response:
        return self.http.request(method, f"{self.api}{path}", params=params, json=body, headers=AUTH)


@pytest.fixture(scope="module")
def _webflow_admin(sandbox_server) -> Iterator[WebflowAdmin]:
    endpoint = next(e for e in sandbox_server.endpoints() if e.tool == "webflow")
    assert endpoint.token == WEBFLOW_SANDBOX_TOKEN
    admin = WebflowAdmin(endpoint.base_url)
    yield admin
    admin.close()


@pytest.fixture
def webflow(_webflow_admin: WebflowAdmin) -> Iterator[WebflowAdmin]:
    """The webflow sandbox, reset to the seed with no rate limit and no faults."""
    _webflow_admin.post("reset")
    _webflow_admin.post("rate_limit", {"enabled": False})
    yield _webflow_admin
    _webflow_admin.post("faults", {"clear": True})
    _webflow_admin.post("rate_limit", {"enabled": False})


# -- the OpenAPI checker ----------------------------------------------------------------------------


def unknown_keys(value: Any, schema: Any, path: str = "$", key: str = "") -> list[str]:
    """Paths in `value` that the OpenAPI schema does not define, or defines with another type.

    Handles what Webflow's spec uses: `allOf` (merged), `oneOf`/`anyOf` (some branch must
    fit), `items` (a schema, or a list of alternatives), `additionalProperties`, `nullable`
    and 3.1 type lists. An object schema without `additionalProperties` admits no other keys.
    """
    if schema is None or schema is True or schema == {}:
        return []
    if "allOf" in schema:
        merged: dict[str, Any] = {"type": "object", "properties": {}}
        for part in schema["allOf"]:
            merged["properties"].update(part.get("properties") or {})
            if "additionalProperties" in part:
                merged["additionalProperties"] = part["additionalProperties"]
        return unknown_keys(value, {**merged, **{k: v for k, v in schema.items() if k != "allOf"}}, path, key)
    for combinator in ("oneOf", "anyOf"):
        if combinator in schema:
            rest = {k: v for k, v in schema.items() if k not in (combinator, "properties", "required", "type")}
            results = [unknown_keys(value, {**branch, **rest}, path, key) for branch in schema[combinator]]
            return [] if any(not r for r in results) else min(results, key=len)
    types = schema.get("type")
    types = set(types) if isinstance(types, list) else ({types} if types else set())
    if value is None:
        if schema.get("nullable") or "null" in types or key in NULL_IN_PRACTICE:
            return []
        return [f"{path} is null, the schema says {sorted(types)}"]
    if isinstance(value, dict):
        if types and "object" not in types:
            return [f"{path} is an object, the schema says {sorted(types)}"]
        properties = schema.get("properties") or {}
        extra = schema.get("additionalProperties", False)
        problems = []
        for name, item in value.items():
            if name in properties:
                problems += unknown_keys(item, properties[name], f"{path}.{name}", name)
            elif extra is True:
                continue
            elif isinstance(extra, dict):
                problems += unknown_keys(item, extra, f"{path}.{name}", name)
            else:
                problems.append(f"{path}.{name}")
        return problems
    if isinstance(value, list):
        if types and "array" not in types:
            return [f"{path} is an array, the schema says {sorted(types)}"]
        items = schema.get("items") or {}
        alternatives = items if isinstance(items, list) else [items]
        problems = []
        for index, item in enumerate(value):
            results = [unknown_keys(item, alt, f"{path}[{index}]", key) for alt in alternatives]
            problems += [] if any(not r for r in results) else min(results, key=len)
        return problems
    expected = {"string": (str,), "boolean": (bool,), "integer": (int,), "number": (int, float)}
    if not types:
        return []
    if not any(isinstance(value, expected.get(t, ())) and not (t != "boolean" and isinstance(value, bool))
               for t in types):
        return [f"{path} is {type(value).__name__}, the schema says {sorted(types)}"]
    return []


def response_schema(path: str, method: str, status: int) -> dict:
    responses = SPEC["paths"][path][method]["responses"]
    response = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
    schema = response["content"]["application/json"]["schema"]
    # The spec nests the live-update 409's schema one `content` too deep; unwrap it.
    while "content" in schema and "type" not in schema:
        schema = schema["content"]["application/json"]["schema"]
    return schema


def assert_in_spec(response: httpx.Response, path: str, method: str = "get") -> dict:
    body = response.json()
    assert unknown_keys(body, response_schema(path, method, response.status_code)) == [], (path, response.status_code)
    return body


def webflow_error_body(response: httpx.Response, status: int, code: str, path: str, method: str = "get") -> dict:
    assert response.status_code == status, response.text
    body = assert_in_spec(response, path, method)
    assert body["code"] == code and body["message"] and body["externalReference"] is None and body["details"] == []
    return body


# -- the seed ----------------------------------------------------------------------------------------


def test_the_seed_is_helphives_marketing_site_with_a_french_locale():
    site = SEED.site
    assert site["id"] == WEBFLOW_SITE_ID and SEED.primary_locale["id"] == WEBFLOW_PRIMARY_LOCALE_ID
    assert [(loc["id"], loc["tag"]) for loc in SEED.secondary_locales] == [(WEBFLOW_FRENCH_LOCALE_ID, "fr-FR")]
    assert [p.title for p in SEED.pages.values()] == ["Home", "Pricing", "Product", "About"]
    assert {p.title for p in SEED.pages.values() if p.localized} == {"Home", "Pricing"}
    assert [c.display_name for c in SEED.collections.values()] == ["Blog Posts", "Case Studies", "Features"]
    assert 15 <= len(SEED.items) <= 20
    ids = [SEED.site["id"], *SEED.pages, *SEED.collections, *SEED.items]
    assert all(len(i) == 24 and int(i, 16) >= 0 for i in ids) and len(set(ids)) == len(ids)


def test_the_seed_has_every_publishing_state():
    items = SEED.items
    assert items[ACME_POST].live is not None and items[ACME_POST].live != items[ACME_POST].staged
    assert items[ACME_POST].last_updated > items[ACME_POST].last_published
    assert (items[DRAFT_POST].is_draft, items[DRAFT_POST].last_published, items[DRAFT_POST].live) == (True, None, None)
    assert items[RETIRING_POST].is_archived and items[RETIRING_POST].live is None
    published = [i for i in items.values() if i.live is not None and i.live == i.staged]
    assert len(published) == len(items) - 3
    assert all(i.last_published >= i.last_updated for i in published)


def test_the_seed_carries_the_messaging_a_brief_will_change():
    texts = [n.html for p in SEED.pages.values() for n in p.nodes if n.type == "text"]
    texts += [str(v) for i in SEED.items.values() for v in i.staged.values()]
    corpus = " ".join(texts)
    for phrase in ("the chatbot for your docs", "Setup in 5 minutes", "cuts support tickets by 40%", "DocBot",
                   "Zendesk and Intercom"):
        assert phrase.lower() in corpus.lower(), phrase
    body = SEED.items[SETUP_POST].staged["post-body"]
    for tag in ("<h2>", "<ol>", "<li>", "<blockquote>", "<a href=", "<strong>", "<em>"):
        assert tag in body


def test_plain_text_is_null_for_a_node_of_several_blocks_as_in_webflows_example():
    example = json.loads((SHAPES / "page_dom.json").read_text())["nodes"]
    for node in (n for n in example if n["type"] == "text"):
        assert plain_text(node["text"]["html"]) == node["text"]["text"]
    assert plain_text("<p>Fast &amp; <strong>cited</strong></p>") == "Fast & cited"


def test_replace_in_text_never_touches_tags_or_attributes():
    html = '<p>See <a href="/docs">the docs</a> for docs</p>'
    assert replace_in_text(html, "docs", "guides") == '<p>See <a href="/docs">the guides</a> for docs</p>'
    assert replace_in_text(html, "href", "x") is None


# -- sites -------------------------------------------------------------------------------------------


def test_sites_list_and_get_have_the_locales_of_the_spec_example(webflow):
    sites = webflow.sdk.sites.list().sites
    assert [s.id for s in sites] == [WEBFLOW_SITE_ID]
    site = webflow.sdk.sites.get(WEBFLOW_SITE_ID)
    assert site.locales.primary.id == WEBFLOW_PRIMARY_LOCALE_ID
    assert site.locales.secondary[0].tag == "fr-FR"
    example = json.loads((SHAPES / "get_site.json").read_text())["SiteWithLocales"]["value"]
    served = webflow.get(f"/sites/{WEBFLOW_SITE_ID}").json()
    assert set(served) == set(example)
    assert set(served["locales"]["primary"]) == set(example["locales"]["primary"])


def test_an_unknown_site_is_404_resource_not_found(webflow):
    response = webflow.get("/sites/000000000000000000000000")
    webflow_error_body(response, 404, "resource_not_found", "/sites/{site_id}")


# -- pages -------------------------------------------------------------------------------------------


def test_pages_list_pages_with_limit_and_offset(webflow):
    first = webflow.sdk.pages.list(WEBFLOW_SITE_ID, limit=3)
    rest = webflow.sdk.pages.list(WEBFLOW_SITE_ID, limit=3, offset=3)
    assert [p.title for p in first.pages + rest.pages] == ["Home", "Pricing", "Product", "About"]
    assert (first.pagination.limit, first.pagination.offset, first.pagination.total) == (3, 0, 4)
    assert all(p.last_updated is not None for p in first.pages)
    assert webflow.get(f"/sites/{WEBFLOW_SITE_ID}/pages", limit=500).json()["pagination"]["limit"] == 100


def test_page_metadata_in_the_secondary_locale_is_localized(webflow):
    english = webflow.sdk.pages.get_metadata(HOME)
    french = webflow.sdk.pages.get_metadata(HOME, locale_id=WEBFLOW_FRENCH_LOCALE_ID)
    assert (english.title, english.published_path, english.locale_id) == ("Home", "/", WEBFLOW_PRIMARY_LOCALE_ID)
    assert (french.title, french.published_path, french.locale_id) == ("Accueil", "/fr-fr", WEBFLOW_FRENCH_LOCALE_ID)
    assert french.seo.title == "HelpHive | Le chatbot de votre documentation"
    pricing = webflow.sdk.pages.get_metadata(PRICING, locale_id=WEBFLOW_FRENCH_LOCALE_ID)
    assert pricing.published_path == "/fr-fr/pricing"


def test_page_content_pages_through_text_image_and_component_nodes(webflow):
    nodes, offset = [], 0
    while True:
        dom = webflow.sdk.pages.get_content(HOME, limit=5, offset=offset)
        nodes += dom.nodes
        offset += 5
        if offset >= dom.pagination.total:
            break
    assert len(nodes) == len(SEED.pages[HOME].nodes) == dom.pagination.total
    assert [n.type for n in nodes].count("image") == 2
    assert [n.type for n in nodes].count("component-instance") == 1
    lede = next(n for n in nodes if n.id == node_id(HOME, "hero-lede"))
    assert "<strong>the chatbot for your docs</strong>" in lede.text.html
    assert lede.text.text.startswith("HelpHive is the chatbot for your docs: it answers")
    several_blocks = next(n for n in nodes if n.id == node_id(HOME, "why-tickets"))
    assert several_blocks.text.text is None
    assert webflow.get(f"/pages/{HOME}/dom", limit=1000).json()["pagination"]["limit"] == 100


def test_page_content_in_french_falls_back_to_english_where_untranslated(webflow):
    french = {n["id"]: n for n in webflow.get(f"/pages/{HOME}/dom", localeId=WEBFLOW_FRENCH_LOCALE_ID).json()["nodes"]}
    english = {n["id"]: n for n in webflow.get(f"/pages/{HOME}/dom").json()["nodes"]}
    assert french[node_id(HOME, "hero-title")]["text"]["text"].startswith("Des réponses")
    assert french[node_id(HOME, "quote")] == english[node_id(HOME, "quote")]
    banner = french[node_id(HOME, "signup-banner")]["propertyOverrides"]
    assert banner[0]["text"]["text"].startswith("Essayez") and banner[1] == english[node_id(HOME, "signup-banner")][
        "propertyOverrides"][1]


def test_update_static_content_writes_the_secondary_locale_only(webflow):
    title = node_id(PRICING, "pricing-title")
    before = webflow.sdk.pages.get_content(PRICING).last_updated
    answer = webflow.sdk.pages.update_static_content(
        PRICING, locale_id=WEBFLOW_FRENCH_LOCALE_ID,
        nodes=[{"node_id": title, "text": "<h1>Des tarifs simples pour l'ingénieur support IA</h1>"}])
    assert answer.errors == []
    french = webflow.sdk.pages.get_content(PRICING, locale_id=WEBFLOW_FRENCH_LOCALE_ID)
    assert next(n for n in french.nodes if n.id == title).text.text == "Des tarifs simples pour l'ingénieur support IA"
    english = webflow.sdk.pages.get_content(PRICING)
    assert next(n for n in english.nodes if n.id == title).text.text.startswith("Simple pricing")
    assert english.last_updated > before


def test_update_static_content_refuses_the_primary_locale_as_webflow_does(webflow):
    node = {"node_id": node_id(HOME, "hero-title"), "text": "<h1>x</h1>"}
    with pytest.raises(BadRequestError) as caught:
        webflow.sdk.pages.update_static_content(HOME, locale_id=WEBFLOW_PRIMARY_LOCALE_ID, nodes=[node],
                                                request_options=NO_RETRY)
    assert caught.value.body == {"message": "Bad Request: Request is malformed: The provided locale must be a "
                                            "secondary locale.", "code": "bad_request", "externalReference": None,
                                 "details": []}
    missing = webflow.send("POST", f"/pages/{HOME}/dom", {"nodes": [{"nodeId": node["node_id"], "text": "<h1>x</h1>"}]})
    webflow_error_body(missing, 400, "validation_error", "/pages/{page_id}/dom", "post")
    assert webflow.get(f"/pages/{HOME}/dom").json()["nodes"][1]["text"]["html"] == SEED.pages[HOME].nodes[1].html


def test_update_static_content_takes_1_to_1000_nodes(webflow):
    node = {"nodeId": node_id(HOME, "hero-title"), "text": "<h1>x</h1>"}
    for nodes in ([], [node] * 1001):
        response = webflow.send("POST", f"/pages/{HOME}/dom", {"nodes": nodes}, localeId=WEBFLOW_FRENCH_LOCALE_ID)
        webflow_error_body(response, 400, "validation_error", "/pages/{page_id}/dom", "post")
    response = webflow.send("POST", f"/pages/{HOME}/dom", {"nodes": [node] * 1000}, localeId=WEBFLOW_FRENCH_LOCALE_ID)
    assert response.json() == {"errors": []}


def test_update_static_content_reports_unknown_nodes_and_changed_tags_in_errors(webflow):
    nodes = [{"nodeId": "00000000-0000-0000-0000-000000000000", "text": "<p>x</p>"},
             {"nodeId": node_id(HOME, "hero-title"), "text": "<p>Not a heading any more</p>"},
             {"nodeId": node_id(HOME, "hero-lede"),
              "text": "<p>HelpHive est <strong>l'ingénieur support IA</strong>.</p>"}]
    answer = webflow.sdk.pages.update_static_content(HOME, locale_id=WEBFLOW_FRENCH_LOCALE_ID, nodes=nodes)
    assert len(answer.errors) == 2 and "was not found" in answer.errors[0] and "<h1>" in answer.errors[1]
    french = webflow.get(f"/pages/{HOME}/dom", localeId=WEBFLOW_FRENCH_LOCALE_ID).json()["nodes"]
    assert next(n for n in french if n["id"] == nodes[2]["nodeId"])["text"]["html"] == nodes[2]["text"]


def test_update_static_content_sets_component_property_overrides(webflow):
    banner = node_id(HOME, "signup-banner")
    english = next(n for n in webflow.get(f"/pages/{HOME}/dom").json()["nodes"] if n["id"] == banner)
    body_property = english["propertyOverrides"][1]["propertyId"]
    answer = webflow.sdk.pages.update_static_content(HOME, locale_id=WEBFLOW_FRENCH_LOCALE_ID, nodes=[
        {"node_id": banner,
         "property_overrides": [{"property_id": body_property, "text": "<div><p>Sans carte.</p></div>"}]}])
    assert answer.errors == []
    french = next(n for n in webflow.get(f"/pages/{HOME}/dom", localeId=WEBFLOW_FRENCH_LOCALE_ID).json()["nodes"]
                  if n["id"] == banner)
    assert french["propertyOverrides"][1]["text"] == {"html": "<div><p>Sans carte.</p></div>", "text": None}


# -- collections and items ---------------------------------------------------------------------------


def test_collections_list_and_details_have_typed_fields(webflow):
    collections = webflow.sdk.collections.list(WEBFLOW_SITE_ID).collections
    assert [c.id for c in collections] == [BLOG, CASES, FEATURES]
    blog = webflow.sdk.collections.get(BLOG)
    fields = {f.slug: f for f in blog.fields}
    assert (fields["post-body"].type, fields["summary"].type) == ("RichText", "PlainText")
    assert fields["name"].is_required and not fields["summary"].is_required
    assert all(f.is_editable and f.display_name and f.id for f in blog.fields)
    features = {f.slug: f.type for f in webflow.sdk.collections.get(FEATURES).fields}
    assert (features["tagline"], features["description"]) == ("PlainText", "RichText")


def test_staged_items_page_and_live_items_leave_out_drafts_and_archived_items(webflow):
    staged, offset = [], 0
    while True:
        page = webflow.sdk.collections.items.list_items(BLOG, limit=3, offset=offset)
        staged += page.items
        offset += 3
        if offset >= page.pagination.total:
            break
    assert len(staged) == 7 and len({i.id for i in staged}) == 7
    live = webflow.sdk.collections.items.list_items_live(BLOG)
    assert {i.id for i in staged} - {i.id for i in live.items} == {DRAFT_POST, RETIRING_POST}
    acme_live = webflow.sdk.collections.items.get_item_live(BLOG, ACME_POST)
    acme_staged = webflow.sdk.collections.items.get_item(BLOG, ACME_POST)
    assert acme_live.field_data.summary != acme_staged.field_data.summary
    assert acme_staged.last_updated > acme_staged.last_published
    assert webflow.get(f"/collections/{BLOG}/items", limit=250).json()["pagination"]["limit"] == 100


def test_list_items_filters_by_slug_and_sorts(webflow):
    found = webflow.sdk.collections.items.list_items(BLOG, slug="helphive-vs-docbot").items
    assert [i.field_data.name for i in found] == ["HelpHive vs DocBot: answers, not intents"]
    names = [i.field_data.name for i in webflow.sdk.collections.items.list_items(FEATURES, sort_by="name").items]
    assert names == sorted(names)


def test_a_staged_update_then_publish_moves_the_text_live(webflow):
    items = webflow.sdk.collections.items
    before = items.get_item(BLOG, WHY_WE_BUILT)
    new = "Your help center already has the answers. HelpHive is the AI support engineer for your team."
    updated = items.update_item(BLOG, WHY_WE_BUILT, field_data={"summary": new})
    assert updated.field_data.summary == new and updated.field_data.name == before.field_data.name
    assert updated.last_updated > before.last_updated and updated.last_published == before.last_published
    live = items.get_item_live(BLOG, WHY_WE_BUILT)
    assert live.field_data.summary == before.field_data.summary  # live, with staged changes
    answer = items.publish_item(BLOG, request=ItemIDs(item_ids=[WHY_WE_BUILT]))
    assert (answer.published_item_ids, answer.errors) == ([WHY_WE_BUILT], [])
    live = items.get_item_live(BLOG, WHY_WE_BUILT)
    assert live.field_data.summary == new and live.last_published >= live.last_updated


def test_publishing_reports_unknown_and_archived_items_and_publishes_drafts(webflow):
    response = webflow.send("POST", f"/collections/{BLOG}/items/publish",
                            {"itemIds": [DRAFT_POST, RETIRING_POST, "0" * 24]})
    assert response.status_code == 202
    body = assert_in_spec(response, "/collections/{collection_id}/items/publish", "post")
    assert body["publishedItemIds"] == [DRAFT_POST]
    assert body["errors"][1] == f"Staging item ID {'0' * 24} not found." and RETIRING_POST in body["errors"][0]
    draft = webflow.sdk.collections.items.get_item_live(BLOG, DRAFT_POST)
    assert draft.is_draft is False and draft.last_published is not None


def test_bulk_staged_updates_take_up_to_100_items(webflow):
    items = webflow.sdk.collections.items
    answer = items.update_items(FEATURES, items=[
        {"id": "6508e4807e1df9fd780f17a3", "field_data": {"tagline": "Resolves tickets end to end in Zendesk."}},
        {"id": "65346600c437dc76fb499523", "field_data": {"tagline": "Resolves tickets end to end in Intercom."}}])
    assert [i.field_data.tagline for i in answer.items] == ["Resolves tickets end to end in Zendesk.",
                                                            "Resolves tickets end to end in Intercom."]
    too_many = [{"id": "6508e4807e1df9fd780f17a3", "fieldData": {"tagline": "x"}}] * 101
    response = webflow.send("PATCH", f"/collections/{FEATURES}/items", {"items": too_many})
    webflow_error_body(response, 400, "validation_error", "/collections/{collection_id}/items", "patch")
    unknown = webflow.send("PATCH", f"/collections/{FEATURES}/items",
                           {"items": [{"id": "6508e4807e1df9fd780f17a3", "fieldData": {"tagline": "y"}},
                                      {"id": "0" * 24, "fieldData": {"tagline": "y"}}]})
    webflow_error_body(unknown, 404, "resource_not_found", "/collections/{collection_id}/items", "patch")
    assert items.get_item(FEATURES, "6508e4807e1df9fd780f17a3").field_data.tagline.startswith("Resolves")


def test_unknown_fields_and_cms_locales_are_refused(webflow):
    response = webflow.send("PATCH", f"/collections/{BLOG}/items/{WHY_WE_BUILT}", {"fieldData": {"nope": "x"}})
    webflow_error_body(response, 400, "validation_error", "/collections/{collection_id}/items/{item_id}", "patch")
    response = webflow.get(f"/collections/{BLOG}/items", cmsLocaleId="0" * 24)
    assert response.status_code == 400 and "unknown cmsLocaleId" in response.json()["message"]


FRENCH_CMS = SEED.secondary_locales[0]["cmsLocaleId"]
PRIMARY_CMS = SEED.primary_locale["cmsLocaleId"]


def test_items_list_per_cms_locale_and_in_several_at_once(webflow):
    items = webflow.sdk.collections.items
    french = items.list_items(BLOG, cms_locale_id=FRENCH_CMS, request_options=NO_RETRY).items
    assert [(i.id, i.cms_locale_id) for i in french] == [(WHY_WE_BUILT, FRENCH_CMS)]
    assert french[0].field_data.name.startswith("Pourquoi")
    both = items.list_items(BLOG, cms_locale_id=f"{PRIMARY_CMS},{FRENCH_CMS}", request_options=NO_RETRY).items
    assert [(i.id, i.cms_locale_id) for i in both if i.id == WHY_WE_BUILT] == [(WHY_WE_BUILT, PRIMARY_CMS),
                                                                             (WHY_WE_BUILT, FRENCH_CMS)]
    assert len(items.list_items(BLOG, request_options=NO_RETRY).items) == len(both) - 1  # primary only
    assert webflow.send("GET", f"/collections/{BLOG}/items/{SETUP_POST}", cmsLocaleId=FRENCH_CMS).status_code == 404


def test_a_localized_update_and_publish_touch_that_locale_only(webflow):
    items = webflow.sdk.collections.items
    items.update_item(BLOG, WHY_WE_BUILT, cms_locale_id=FRENCH_CMS, field_data={"summary": "Nouveau résumé."},
                      request_options=NO_RETRY)
    french = webflow.get(f"/collections/{BLOG}/items/{WHY_WE_BUILT}", cmsLocaleId=FRENCH_CMS).json()
    english = webflow.get(f"/collections/{BLOG}/items/{WHY_WE_BUILT}").json()
    assert french["fieldData"]["summary"] == "Nouveau résumé." and english["fieldData"]["summary"] != "Nouveau résumé."
    live = webflow.get(f"/collections/{BLOG}/items/{WHY_WE_BUILT}/live", cmsLocaleId=FRENCH_CMS).json()
    assert live["fieldData"]["summary"] != "Nouveau résumé."  # staged until published
    response = webflow.send("POST", f"/collections/{BLOG}/items/publish",
                            {"items": [{"id": WHY_WE_BUILT, "cmsLocaleIds": [FRENCH_CMS]}]})
    assert response.status_code == 202 and response.json()["publishedItemIds"] == [WHY_WE_BUILT]
    live = webflow.get(f"/collections/{BLOG}/items/{WHY_WE_BUILT}/live", cmsLocaleId=FRENCH_CMS).json()
    assert live["fieldData"]["summary"] == "Nouveau résumé."


def test_page_settings_are_updated_per_locale_and_refuse_wrong_types(webflow):
    pages = webflow.sdk.pages
    pages.update_page_settings(HOME, seo={"title": "New SEO title"}, request_options=NO_RETRY)
    page = webflow.get(f"/pages/{HOME}").json()
    assert page["seo"]["title"] == "New SEO title" and page["seo"]["description"].startswith("HelpHive answers")
    assert page["openGraph"]["titleCopied"] is False and page["openGraph"]["title"] == "Chatbot for your docs"
    assert page["openGraph"]["descriptionCopied"] is True  # follows the SEO description
    pages.update_page_settings(HOME, locale_id=WEBFLOW_FRENCH_LOCALE_ID, open_graph={"description": "Description OG"},
                               request_options=NO_RETRY)
    french = webflow.get(f"/pages/{HOME}", localeId=WEBFLOW_FRENCH_LOCALE_ID).json()
    assert french["openGraph"]["description"] == "Description OG" and french["openGraph"]["descriptionCopied"] is False
    assert webflow.get(f"/pages/{HOME}").json()["openGraph"]["descriptionCopied"] is True
    response = webflow.send("PUT", f"/pages/{HOME}", {"seo": {"title": 42}})
    assert response.status_code == 400 and response.json()["code"] == "validation_error"
    assert webflow.send("PUT", f"/pages/{'0' * 24}", {"seo": {"title": "x"}}).status_code == 404


def test_form_nodes_are_served_and_written_in_a_secondary_locale_only(webflow):
    nodes = {n["type"]: n for n in webflow.get(f"/pages/{HOME}/dom").json()["nodes"]}
    assert nodes["submit-button"]["value"] == "Try the chatbot for your docs"
    assert nodes["text-input"]["placeholder"] == "Your work email"
    assert [c["value"] for c in nodes["select"]["choices"]] == ["small", "medium", "large"]
    answer = webflow.sdk.pages.update_static_content(HOME, locale_id=WEBFLOW_FRENCH_LOCALE_ID, nodes=[
        {"nodeId": nodes["submit-button"]["id"], "value": "Essayez", "waitingText": "Un instant…"},
        {"nodeId": nodes["text-input"]["id"], "placeholder": "E-mail"},
        {"nodeId": nodes["select"]["id"], "choices": [{"value": "small", "text": "Petite"}]},
        {"nodeId": nodes["text-input"]["id"], "choices": [{"value": "x", "text": "y"}]},
    ], request_options=NO_RETRY)
    assert len(answer.errors) == 1 and "takes no choices" in answer.errors[0]
    french = {n["type"]: n for n in webflow.get(f"/pages/{HOME}/dom", localeId=WEBFLOW_FRENCH_LOCALE_ID).json()["nodes"]}
    assert (french["submit-button"]["value"], french["submit-button"]["waitingText"]) == ("Essayez", "Un instant…")
    assert french["text-input"]["placeholder"] == "E-mail" and french["select"]["choices"][0]["text"] == "Petite"
    assert {n["type"]: n for n in webflow.get(f"/pages/{HOME}/dom").json()["nodes"]}["submit-button"] == \
        nodes["submit-button"]  # the primary locale is untouched


def test_blank_embeds_answers_rich_text_with_its_embeds_emptied(webflow):
    docbot = "6483bd007f98289fcd947403"
    assert "platform.twitter.com" in webflow.get(f"/collections/{BLOG}/items/{docbot}").json()["fieldData"]["post-body"]
    webflow.post("blank_embeds", {"enabled": True})
    body = webflow.get(f"/collections/{BLOG}/items/{docbot}").json()["fieldData"]["post-body"]
    assert body.endswith('<div class="w-embed w-script"></div>')
    listed = webflow.get(f"/collections/{BLOG}/items").json()["items"]
    assert '<div class="w-embed w-script"></div>' in next(i for i in listed if i["id"] == docbot)["fieldData"]["post-body"]


def test_live_updates_change_what_is_published_and_refuse_never_published_items(webflow):
    items = webflow.sdk.collections.items
    staged_before = items.get_item(BLOG, SETUP_POST)
    live = items.update_item_live(BLOG, SETUP_POST, field_data={"summary": "Live in an afternoon."})
    assert live.field_data.summary == "Live in an afternoon."
    assert items.get_item(BLOG, SETUP_POST).field_data.summary == staged_before.field_data.summary
    with pytest.raises(ConflictError) as caught:
        items.update_item_live(BLOG, DRAFT_POST, field_data={"summary": "x"}, request_options=NO_RETRY)
    assert caught.value.body["code"] == "conflict" and "never been published" in caught.value.body["message"]
    bulk = items.update_items_live(BLOG, items=[{"id": SETUP_POST, "field_data": {"author": "Sofia"}}])
    assert [i.field_data.author for i in bulk.items] == ["Sofia"]


def test_a_site_publish_publishes_queued_items_and_a_second_within_a_minute_is_429(webflow):
    answer = webflow.sdk.sites.publish(WEBFLOW_SITE_ID, custom_domains=["63f2b8006b6f03675a11e20b"])
    assert [d.url for d in answer.custom_domains] == ["fernhill.example"]
    assert answer.custom_domains[0].last_published is not None
    acme = webflow.sdk.collections.items.get_item_live(BLOG, ACME_POST)
    assert acme.field_data.summary == SEED.items[ACME_POST].staged["summary"]
    assert webflow.sdk.collections.items.list_items_live(BLOG).pagination.total == 5  # the draft stays a draft
    with pytest.raises(TooManyRequestsError) as caught:
        webflow.sdk.sites.publish(WEBFLOW_SITE_ID, publish_to_webflow_subdomain=True, request_options=NO_RETRY)
    assert caught.value.body.code == "too_many_requests"
    assert 1 <= int(caught.value.headers["retry-after"]) <= 60
    response = webflow.send("POST", f"/sites/{WEBFLOW_SITE_ID}/publish", {"publishToWebflowSubdomain": True})
    webflow_error_body(response, 429, "too_many_requests", "/sites/{site_id}/publish", "post")
    webflow.post("rate_limit", {"enabled": False, "site_publish_interval_seconds": 0})
    again = webflow.send("POST", f"/sites/{WEBFLOW_SITE_ID}/publish", {"publishToWebflowSubdomain": True})
    assert (again.status_code, again.json()["publishScope"]) == (202, "site")


def test_a_site_publish_needs_a_destination(webflow):
    response = webflow.send("POST", f"/sites/{WEBFLOW_SITE_ID}/publish", {})
    assert response.status_code == 400 and response.json()["code"] == "bad_request"


# -- limits, auth and errors -------------------------------------------------------------------------


def test_every_response_reports_the_rate_limit_and_429_says_when_to_retry(webflow):
    webflow.post("rate_limit", {"per_minute": 3, "window_seconds": 2})
    remaining = []
    for _ in range(3):
        response = webflow.get("/sites")
        assert response.headers["X-RateLimit-Limit"] == "3"
        remaining.append(int(response.headers["X-RateLimit-Remaining"]))
    assert remaining == [2, 1, 0]
    refused = webflow.get("/sites")
    webflow_error_body(refused, 429, "too_many_requests", "/sites")
    assert refused.headers["X-RateLimit-Remaining"] == "0" and 1 <= int(refused.headers["Retry-After"]) <= 2
    assert webflow.stats()["rate_limited"] == 1
    time.sleep(int(refused.headers["Retry-After"]))
    assert webflow.get("/sites").status_code == 200


def test_the_default_limit_is_60_requests_a_minute():
    from connectors.sandbox.webflow import MinuteLimit
    limit = MinuteLimit()
    assert (limit.per_minute, limit.window_seconds, WEBFLOW_RATE_PER_MINUTE) == (60, 60, 60)


def test_with_the_limit_off_the_budget_is_reported_full(webflow):
    response = webflow.get("/sites")
    assert (response.headers["X-RateLimit-Limit"], response.headers["X-RateLimit-Remaining"]) == ("60", "60")


@pytest.mark.parametrize("header", [{"Authorization": "Bearer wrong"}, {}])
def test_a_wrong_or_missing_token_is_401_with_webflows_body(webflow, header):
    response = HTTP.get(f"{webflow.api}/sites", headers=header)
    assert response.json() == {"message": "Request not authorized", "code": "not_authorized",
                               "externalReference": None, "details": []}
    webflow_error_body(response, 401, "not_authorized", "/sites")
    bad = Webflow(access_token="wrong", environment=WebflowEnvironment(base=webflow.api, data_api=webflow.api,
                                                                       content_delivery_api=webflow.api))
    with pytest.raises(UnauthorizedError):
        bad.sites.list()


def test_faults_answer_with_webflows_bodies_and_can_target_a_route(webflow):
    webflow.post("faults", {"status": 500, "match": "PATCH /v2/collections"})
    webflow.sdk.sites.list()
    with pytest.raises(SdkApiError) as caught:
        webflow.sdk.collections.items.update_item(BLOG, WHY_WE_BUILT, field_data={"summary": "x"},
                                                  request_options=NO_RETRY)
    assert caught.value.status_code == 500 and caught.value.body.code == "internal_error"
    assert webflow.stats()["faults_served"] == 1


# -- the spec ----------------------------------------------------------------------------------------


def test_every_key_the_sandbox_answers_with_is_in_webflows_openapi_schema(webflow):
    webflow.send("PATCH", f"/collections/{BLOG}/items/{WHY_WE_BUILT}", {"fieldData": {"summary": "Changed."}})
    calls = [
        ("GET", "/sites", "/sites", None, {}),
        ("GET", f"/sites/{WEBFLOW_SITE_ID}", "/sites/{site_id}", None, {}),
        ("GET", f"/sites/{WEBFLOW_SITE_ID}/pages", "/sites/{site_id}/pages", None, {}),
        ("GET", f"/sites/{WEBFLOW_SITE_ID}/pages", "/sites/{site_id}/pages", None,
         {"localeId": WEBFLOW_FRENCH_LOCALE_ID}),
        ("GET", f"/pages/{HOME}", "/pages/{page_id}", None, {}),
        ("GET", f"/pages/{HOME}/dom", "/pages/{page_id}/dom", None, {}),
        ("GET", f"/pages/{HOME}/dom", "/pages/{page_id}/dom", None, {"localeId": WEBFLOW_FRENCH_LOCALE_ID}),
        ("POST", f"/pages/{HOME}/dom", "/pages/{page_id}/dom",
         {"nodes": [{"nodeId": node_id(HOME, "hero-title"), "text": "<h1>Bonjour</h1>"}]},
         {"localeId": WEBFLOW_FRENCH_LOCALE_ID}),
        ("GET", f"/sites/{WEBFLOW_SITE_ID}/collections", "/sites/{site_id}/collections", None, {}),
        *[("GET", f"/collections/{c}", "/collections/{collection_id}", None, {}) for c in (BLOG, CASES, FEATURES)],
        *[("GET", f"/collections/{c}/items", "/collections/{collection_id}/items", None, {})
          for c in (BLOG, CASES, FEATURES)],
        ("GET", f"/collections/{BLOG}/items/live", "/collections/{collection_id}/items/live", None, {}),
        ("GET", f"/collections/{BLOG}/items/{DRAFT_POST}", "/collections/{collection_id}/items/{item_id}", None, {}),
        ("GET", f"/collections/{BLOG}/items/{ACME_POST}/live", "/collections/{collection_id}/items/{item_id}/live",
         None, {}),
        ("PATCH", f"/collections/{BLOG}/items/{ACME_POST}", "/collections/{collection_id}/items/{item_id}",
         {"fieldData": {"summary": "Staged."}}, {}),
        ("PATCH", f"/collections/{BLOG}/items/{ACME_POST}/live", "/collections/{collection_id}/items/{item_id}/live",
         {"fieldData": {"summary": "Live."}}, {}),
        ("PATCH", f"/collections/{BLOG}/items", "/collections/{collection_id}/items",
         {"items": [{"id": ACME_POST, "fieldData": {"author": "P. Raman"}}]}, {}),
        ("PATCH", f"/collections/{BLOG}/items/live", "/collections/{collection_id}/items/live",
         {"items": [{"id": ACME_POST, "fieldData": {"author": "P. Raman"}}]}, {}),
        ("POST", f"/collections/{BLOG}/items/publish", "/collections/{collection_id}/items/publish",
         {"itemIds": [WHY_WE_BUILT, "0" * 24]}, {}),
        ("POST", f"/sites/{WEBFLOW_SITE_ID}/publish", "/sites/{site_id}/publish",
         {"customDomains": ["63f2b8006b6f03675a11e20b"], "publishToWebflowSubdomain": True}, {}),
        # errors
        ("GET", f"/pages/{'0' * 24}", "/pages/{page_id}", None, {}),
        ("GET", f"/collections/{BLOG}/items/{'0' * 24}", "/collections/{collection_id}/items/{item_id}", None, {}),
        ("PATCH", f"/collections/{BLOG}/items/{DRAFT_POST}/live", "/collections/{collection_id}/items/{item_id}/live",
         {"fieldData": {"summary": "x"}}, {}),
        ("POST", f"/pages/{HOME}/dom", "/pages/{page_id}/dom", {"nodes": []}, {"localeId": WEBFLOW_PRIMARY_LOCALE_ID}),
    ]
    statuses = set()
    for method, path, template, body, params in calls:
        response = webflow.send(method, path, body, **params)
        statuses.add(response.status_code)
        assert_in_spec(response, template, method.lower())
    assert statuses == {200, 202, 400, 404, 409}


def test_the_checker_catches_a_key_webflow_does_not_define():
    schema = response_schema("/collections/{collection_id}/items/{item_id}", "get", 200)
    item = SEED.items[WHY_WE_BUILT].resource()
    assert unknown_keys(item, schema) == []
    assert unknown_keys({**item, "isPublished": True}, schema) == ["$.isPublished"]
    assert unknown_keys({**item, "isDraft": "no"}, schema) == ["$.isDraft is str, the schema says ['boolean']"]
    dom = response_schema("/pages/{page_id}/dom", "get", 200)
    assert unknown_keys({"nodes": [{"id": "x", "type": "text", "text": {"html": "<p/>", "txt": ""}}]}, dom) != []


def test_the_spec_examples_pass_the_checker():
    for name, path in [("list_pages.json", "/sites/{site_id}/pages"), ("page_dom.json", "/pages/{page_id}/dom"),
                       ("list_collections.json", "/sites/{site_id}/collections"),
                       ("list_collection_items.json", "/collections/{collection_id}/items")]:
        assert unknown_keys(json.loads((SHAPES / name).read_text()), response_schema(path, "get", 200)) == [], name


# -- admin -------------------------------------------------------------------------------------------


def test_an_outside_edit_of_a_staged_item_moves_last_updated_only(webflow):
    before = webflow.sdk.collections.items.get_item(FEATURES, "64dc118017d70820fef1d69e")
    answer = webflow.post("edit", {"item": "64dc118017d70820fef1d69e", "field": "description",
                                   "find": "99.9% uptime", "replace": "99.95% uptime"})
    assert "<strong>99.95% uptime</strong>" in answer["item"]["fieldData"]["description"]
    after = webflow.sdk.collections.items.get_item(FEATURES, "64dc118017d70820fef1d69e")
    assert after.last_updated > before.last_updated and after.last_published == before.last_published
    live = webflow.sdk.collections.items.get_item_live(FEATURES, "64dc118017d70820fef1d69e")
    assert "99.9% uptime" in live.field_data.description


def test_an_outside_live_edit_changes_both_versions_and_publishes(webflow):
    webflow.post("edit", {"item": SETUP_POST, "field": "summary", "find": "coffee", "replace": "tea", "live": True})
    items = webflow.sdk.collections.items
    live, staged = items.get_item_live(BLOG, SETUP_POST), items.get_item(BLOG, SETUP_POST)
    assert "tea cools" in live.field_data.summary and "tea cools" in staged.field_data.summary
    assert live.last_published >= live.last_updated
    response = HTTP.post(f"{webflow.base_url}/_sandbox/edit",
                         json={"item": DRAFT_POST, "field": "summary", "find": "Setup", "replace": "x", "live": True})
    assert response.status_code == 409


def test_an_outside_designer_edit_of_a_page_bumps_last_updated(webflow):
    before = webflow.sdk.pages.get_metadata(HOME).last_updated
    answer = webflow.post("edit", {"page": HOME, "find": "Setup in 5 minutes", "replace": "Live in an afternoon"})
    assert answer["node"] == node_id(HOME, "hero-lede")
    lede = next(n for n in webflow.sdk.pages.get_content(HOME).nodes if n.id == answer["node"])
    assert "<em>Live in an afternoon</em>" in lede.text.html
    assert webflow.sdk.pages.get_metadata(HOME).last_updated > before
    french = webflow.post("edit", {"page": HOME, "locale": WEBFLOW_FRENCH_LOCALE_ID, "node": node_id(HOME, "hero-lede"),
                                   "find": "5 minutes", "replace": "un après-midi"})
    assert french["node"] == node_id(HOME, "hero-lede")
    banner = webflow.post("edit", {"page": HOME, "find": "free for 14 days", "replace": "for 30 days"})
    assert banner["node"] == node_id(HOME, "signup-banner")


def test_edit_is_404_when_the_text_or_the_target_is_not_found(webflow):
    for body in ({"page": HOME, "find": "nowhere", "replace": "x"}, {"page": "0" * 24, "find": "a", "replace": "b"},
                 {"item": WHY_WE_BUILT, "field": "summary", "find": "nowhere", "replace": "x"}):
        assert HTTP.post(f"{webflow.base_url}/_sandbox/edit", json=body).status_code == 404


def test_stats_count_api_calls_per_route_and_not_admin_calls(webflow):
    webflow.sdk.sites.list()
    webflow.sdk.pages.get_content(HOME)
    webflow.sdk.pages.get_content(PRICING)
    stats = webflow.stats()
    assert stats["routes"] == {"GET /v2/sites": 1, "GET /v2/pages/{id}/dom": 2}
    assert (stats["total"], stats["rate_limited"], stats["faults_served"], stats["rate_limit"]) == (3, 0, 0, None)
    assert stats["site_publish_interval_seconds"] == 60


def test_reset_restores_the_seed_and_clears_stats(webflow):
    webflow.sdk.collections.items.update_item(BLOG, WHY_WE_BUILT, field_data={"summary": "Changed."})
    webflow.post("reset")
    assert webflow.sdk.collections.items.get_item(BLOG, WHY_WE_BUILT).field_data.summary == \
        SEED.items[WHY_WE_BUILT].staged["summary"]
    assert webflow.stats()["total"] == 1


def test_generate_adds_a_synthetic_collection_that_pages(webflow):
    answer = webflow.post("generate", {"items": 250})
    assert answer["items"] == 250
    collection = answer["collection_id"]
    assert collection in [c.id for c in webflow.sdk.collections.list(WEBFLOW_SITE_ID).collections]
    seen = []
    for offset in (0, 100, 200):
        seen += webflow.sdk.collections.items.list_items_live(collection, limit=100, offset=offset).items
    assert len({i.id for i in seen}) == 250 and seen[0].field_data.name == "Benchmark post 00001"
    again = webflow.post("generate", {"items": 3})
    assert again["items"] == 3 and len(webflow.sdk.collections.list(WEBFLOW_SITE_ID).collections) == 4


def test_the_server_mounts_webflow_after_gdocs(sandbox_server):
    assert [(e.tool, e.base_url) for e in sandbox_server.endpoints()][2] == ("webflow", f"{sandbox_server.url}/webflow")
