"""The real WebflowConnector replayed against cassettes shaped exactly like Webflow's v2 reference examples.

The sandbox tests (test_webflow_connector.py, test_webflow_sandbox.py) check the connector against
copydesk's own Webflow sandbox. These check it against Webflow's side: the OFFICIAL examples of the
Data API v2 OpenAPI spec (site, collections, collection fields, items list, item, pages list, page
metadata, page DOM, publish, and the spec's error bodies), served to the official `webflow` SDK over
httpx at Webflow's own endpoint, https://api.webflow.com/v2. The last tests send the same requests
to the sandbox and check that it answers with the same key structure, so the sandbox cannot drift
into a Webflow of its own. Provenance of every body: fixtures/cassettes/webflow/SOURCES.md; the
cassettes are built by scripts/author_webflow_cassettes.py.

Replay only: record_mode="none", so any request a cassette does not hold fails the test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
import yaml

from connectors.document import DocumentRef, Edit
from connectors.errors import AuthError, Conflict, NotFound, RemoteError
from connectors.pacing import RetryPolicy
from connectors.sandbox.admin import SandboxAdminClient
from connectors.sandbox.webflow import WEBFLOW_FRENCH_LOCALE_ID, WEBFLOW_SITE_ID
from connectors.webflow import RemoteNotFound, WebflowConnector
from tests.connectors.journals import RecordingJournal
from tests.connectors.replay import Replayer

CASSETTES = Path(__file__).resolve().parents[2] / "fixtures" / "cassettes" / "webflow"
API = "https://api.webflow.com/v2/"
TOKEN = "wf-cassette-test-token"
SITE_ID = "42e98c9a982ac9b8b742"  # get_site.json
PRODUCTS = "63692ab61fb2852f582ba8f5"  # list_collections.json collections[0]
GUIDE = "7f15043107e2fc95644e93807ee25dd6"  # collection_details.json
ITEM_ID = "42b720ef280c7a7a3be8cabe"  # update_item.response.json
PAGE_ID = "6596da6045e56dee495bcbba"  # get_page_metadata.json
FRENCH, SPANISH = "653fd9af6a07fc9cfd7a5e56", "654112a3a525b2739d97664c"  # get_site.json secondary locales
PUBLISH_IDS = ["643fd856d66b6528195ee2ca", "643fd856d66b6528195ee2cb", "643fd856d66b6528195ee2cc"]


# -- replay -----------------------------------------------------------------------------------


REPLAY = Replayer("webflow")
replay = REPLAY.replay


@pytest.fixture
def connect() -> Iterator:
    """WebflowConnector on Webflow's own endpoint (base_url "": replayed, never reached), closed after the test."""
    made: list[WebflowConnector] = []

    def make(**overrides: Any) -> WebflowConnector:
        fast = RetryPolicy(attempts=3, backoff=0.01, max_wait=0.01, sleep=lambda seconds: None)
        options = {"site_id": SITE_ID, "rate": None, "retry": fast} | overrides
        connector = WebflowConnector(TOKEN, **options)
        made.append(connector)
        return connector

    yield make
    for connector in made:
        connector.close()


def item_ref(item_id: str = ITEM_ID, version: str = "", collection: str = GUIDE) -> DocumentRef:
    return DocumentRef(source="webflow", remote_id=f"item:{collection}:{item_id}", kind="item",
                       remote_version=version)


# -- listing ------------------------------------------------------------------------------------


def test_full_listing_lists_the_items_and_each_locales_pages_from_list_calls_only(connect):
    connector = connect()
    with replay("full_listing") as cassette:
        listing = connector.list_changed(None)
        refs = list(listing)
        assert cassette.all_played
    # site, collections, 3 item lists, pages in the primary locale and the two secondary ones
    assert connector.requests_made == 8
    items = [r for r in refs if r.kind == "item"]
    assert [(r.remote_id, r.title, r.remote_version, r.parent, r.archived) for r in items] == [
        (f"item:{PRODUCTS}:62b720ef280c7a7a3be8cabe", "Senior Data Analyst", "2022-06-25T14:51:27.809Z", PRODUCTS,
         False),
        (f"item:{PRODUCTS}:62c880ef281c7b7b4cf9dabc", "Product Manager", "2023-04-10T11:45:30.567Z", PRODUCTS,
         False),
    ]
    # the site's first custom domain + the collection's slug + the item's slug
    assert items[0].url == "https://hitchhikersguide.galaxy/product/senior-data-analyst"
    pages = [r for r in refs if r.kind == "page"]
    assert [r.remote_id for r in pages] == [
        f"page:{PAGE_ID}", "page:6596da6045e56dee495bcbad",
        f"page:{PAGE_ID}@{FRENCH}", f"page:6596da6045e56dee495bcbad@{FRENCH}",
        f"page:{PAGE_ID}@{SPANISH}", f"page:6596da6045e56dee495bcbad@{SPANISH}",
    ]
    assert [r.title for r in pages[::2]] == ["Guide to the Galaxy", "Guide to the Galaxy [fr-FR]",
                                             "Guide to the Galaxy [es-MX]"]
    assert pages[0].url == "https://hitchhikersguide.galaxy/en-us/guide-to-the-galaxy"  # publishedPath
    assert pages[0].remote_version == "2024-03-11T10:42:42.000Z" and pages[2].parent == f"page:{PAGE_ID}"
    cursor = json.loads(listing.cursor)
    assert cursor == {r.remote_id: r.remote_version for r in refs}

    # The same answers again, from that cursor: nothing changed, nothing listed, nothing gone.
    again = connect()
    with replay("full_listing") as cassette:
        second = again.list_changed(listing.cursor)
        assert list(second) == [] and cassette.all_played
    assert json.loads(second.cursor) == cursor


def test_listed_items_come_from_the_listing_without_an_item_read(connect):
    # A listed item is fetched from its listing payload: no GET …/items/{id} (the cassette holds none).
    connector = connect()
    with replay("full_listing"):
        refs = list(connector.list_changed(None))
    ref = next(r for r in refs if r.kind == "item")
    # Its schema would be one collection read; without it the fetch must not reach the network for the item.
    with replay("full_listing") as cassette, pytest.raises(Exception) as raised:
        connector.fetch(ref)
    assert "collections/63692ab61fb2852f582ba8f5" in str(raised.value) and cassette.play_count == 0


# -- fetch: an item, a page's DOM -------------------------------------------------------------------


def test_fetch_of_an_item_makes_blocks_of_its_plaintext_and_richtext_fields(connect):
    connector = connect()
    with replay("fetch_item") as cassette:
        document = connector.fetch(item_ref())
        assert cassette.all_played
    assert connector.requests_made == 3  # the item, the collection's fields, the site
    assert document.ref.remote_id == f"item:{GUIDE}:{ITEM_ID}"
    assert document.ref.title == "The Hitchhiker's Guide to the Galaxy"
    assert document.ref.remote_version == "2022-11-17T17:19:43.282Z"
    assert document.ref.url == "https://hitchhikersguide.galaxy/guide-entry/hitchhikers-guide-to-the-galaxy"
    blocks = [(b.id, b.kind, b.text, b.editable) for b in document.blocks]
    assert blocks == [
        ("field:name", "title", "The Hitchhiker's Guide to the Galaxy", True),
        ("field:slug", "slug", "hitchhikers-guide-to-the-galaxy", False),
        ("field:plain-text", "field", "Don't Panic.", True),
        ("field:rich-text:0", "heading_3", "A Guide to Interstellar Travel", True),
        ("field:rich-text:1", "paragraph", "A towel is about the most massively useful thing an interstellar "
                                           "hitchhiker can have. Don't forget yours!", True),
    ]
    bold = [s for s in document.blocks[4].spans if s.bold]
    assert [s.text for s in bold] == ["Don't forget yours!"]
    # Images, links, numbers, references stay in raw only; bookkeeping stamps are left out of it.
    assert document.raw["fieldData"]["answer-to-everything"] == 42
    assert "lastUpdated" not in document.raw and "lastPublished" not in document.raw


def test_the_specs_page_dom_example_is_read_whole_unknown_node_types_and_all(connect):
    """Webflow's own DOM example has a `submit` node, which the SDK 2.0 models do not know:
    the connector reads DOMs as plain JSON, so the page is read, that node's texts included."""
    connector = connect()
    with replay("fetch_page_dom") as cassette:
        document = connector.fetch(DocumentRef(source="webflow", remote_id=f"page:{PAGE_ID}", kind="page"))
    assert cassette.all_played
    assert [b.id for b in document.blocks if b.id.startswith("node:")][:2] == [
        "node:a245c12d-995b-55ee-5ec7-aa36a6cad623", "node:a245c12d-995b-55ee-5ec7-aa36a6cad627"]
    assert document.block("node:a245c12d-995b-55ee-5ec7-aa36a6cad671:value").text == "Submit"


def test_fetch_of_a_page_makes_a_block_of_each_dom_text_node(connect):
    connector = connect()
    ref = DocumentRef(source="webflow", remote_id=f"page:{PAGE_ID}", kind="page")
    with replay("fetch_page_dom_submit_button") as cassette:
        document = connector.fetch(ref)
        assert cassette.all_played
    assert connector.requests_made == 3  # the site, the page's metadata, one DOM page
    assert document.ref.title == "Guide to the Galaxy" and document.ref.remote_version == "2024-03-11T10:42:42.000Z"
    node = "a245c12d-995b-55ee-5ec7-aa36a6cad6"
    assert [(b.id, b.kind, b.text, b.editable) for b in document.blocks if b.kind != "setting"] == [
        (f"node:{node}23", "heading_1", "The Hitchhiker's Guide to the Galaxy", True),
        (f"node:{node}27", "text", "Don't Panic!\nAlways know where your towel is.", True),
        (f"node:{node}29:alt", "alt_text", "Marvin, the Paranoid Android", False),
        (f"node:{node}35:choice:0", "form_text", "First choice", True),
        (f"node:{node}35:choice:1", "form_text", "Second choice", True),
        (f"node:{node}42:placeholder", "form_text", "Enter something here...", True),
        (f"node:{node}71:value", "form_text", "Submit", True),
        (f"node:{node}71:waitingText", "form_text", "Submitting...", True),
        (f"node:{node}31:{node}33", "component_text", "Don't Panic!", False),
        (f"node:{node}31:{node}35", "component_text", "Always know where your towel is.", False),
    ]
    # primary locale: not writable through the API, each text node is a manual step
    assert document.block(f"node:{node}23").attrs["manual"] is True and document.raw["writable"] is False
    assert document.block(f"node:{node}27").attrs["attributes"] == {"number": "forty two"}
    assert len(document.raw["nodes"]) == 7  # image, select, text-input and submit nodes kept in raw


# -- apply and publish --------------------------------------------------------------------------


def test_apply_sends_one_staged_patch_of_the_edited_field_and_reads_the_item_back(connect):
    connector = connect()
    journal = RecordingJournal()
    edit = Edit(block_id="field:plain-text", before="Do not panic.", after="Don't Panic.")
    with replay("apply_item") as cassette:
        document = connector.apply(item_ref(), [edit], journal)
        assert cassette.all_played
    assert connector.requests_made == 5  # item, fields, site, PATCH, item again
    path = f"/v2/collections/{GUIDE}/items/{ITEM_ID}"
    assert journal.intents == [(["field:plain-text"], {"method": "PATCH", "path": path,
                                                       "body": {"fieldData": {"plain-text": "Don't Panic."}}},
                                journal.intents[0][2])]
    assert journal.intents[0][2][0].text == "Do not panic." and journal.confirmed == [["field:plain-text"]]
    assert next(b for b in document.blocks if b.id == "field:plain-text").text == "Don't Panic."
    assert document.ref.remote_version == "2022-11-17T17:19:43.282Z"


def test_an_edit_whose_before_text_is_gone_writes_nothing(connect):
    connector = connect()
    stale = Edit(block_id="field:plain-text", before="Panic!", after="Don't Panic.")
    with replay("apply_item") as cassette, pytest.raises(Conflict) as raised:
        connector.apply(item_ref(), [stale], RecordingJournal())
    assert raised.value.remote == {"field:plain-text": "Do not panic."}
    assert cassette.play_count == 3  # read only: item, fields, site; no PATCH


def test_publish_reports_the_item_webflow_did_not_publish_with_webflows_reason(connect):
    connector = connect()
    with replay("publish_items") as cassette, pytest.raises(RemoteError) as raised:
        connector.publish([item_ref(i) for i in PUBLISH_IDS])
    assert cassette.all_played and connector.requests_made == 1
    error = raised.value
    assert error.code == "not_published"
    assert f"item:{GUIDE}:643fd856d66b6528195ee2cc" in str(error)
    assert "Staging item ID 643fd856d66b6528195ee2cf not found." in str(error)  # the example's own error


def test_a_409_without_a_code_is_a_non_retryable_remote_error(connect):
    connector = connect()
    with replay("error_409_publish_items") as cassette, pytest.raises(RemoteError) as raised:
        connector.publish([item_ref(i) for i in PUBLISH_IDS])
    assert cassette.all_played
    error = raised.value
    assert (error.status, error.code, error.retryable) == (409, "", False)
    assert "published to multiple domains" in str(error) and "nothing was changed" in str(error)


# -- errors -------------------------------------------------------------------------------------


def test_429_with_retry_after_is_retried_then_the_fetch_succeeds(connect):
    waits: list[float] = []
    connector = connect(retry=RetryPolicy(attempts=3, backoff=0.01, max_wait=0.01, sleep=waits.append))
    with replay("error_429_then_200") as cassette:
        document = connector.fetch(item_ref())
        assert cassette.all_played
    assert document.ref.title == "The Hitchhiker's Guide to the Galaxy"
    assert connector.requests_made == 4 and waits == [0.01]  # Retry-After 60, capped by the fast policy


def test_429_when_retries_run_out_carries_retry_after(connect):
    connector = connect(retry=RetryPolicy(attempts=1, sleep=lambda seconds: None))
    with replay("error_429_then_200") as cassette, pytest.raises(RemoteError) as raised:
        connector.fetch(item_ref())
    assert cassette.play_count == 1
    error = raised.value
    assert not isinstance(error, AuthError)
    assert (error.status, error.code, error.retryable, error.retry_after) == (429, "too_many_requests", True, 60.0)
    assert "Too many requests" in str(error)


def test_401_is_an_auth_error_after_one_request(connect):
    connector = connect()
    with replay("error_401_not_authorized") as cassette, pytest.raises(AuthError) as raised:
        list(connector.list_changed(None))
    assert cassette.all_played and connector.requests_made == 1
    error = raised.value
    assert (error.source, error.status, error.code, error.retryable) == ("webflow", 401, "not_authorized", False)
    assert "Request not authorized" in str(error) and "token_env" in str(error)
    assert TOKEN not in str(error) and "\n" not in str(error)


def test_404_is_gone(connect):
    connector = connect()
    with replay("error_404_item_gone") as cassette, pytest.raises(RemoteNotFound) as raised:
        connector.fetch(item_ref())
    assert cassette.all_played and connector.requests_made == 1
    error = raised.value
    assert isinstance(error, NotFound) and isinstance(error, RemoteError)  # how staging recognises a deletion
    assert (error.status, error.code, error.retryable) == (404, "resource_not_found", False)
    assert "Requested resource not found" in str(error)


# -- the cassette files themselves ------------------------------------------------------------------

CASSETTE_FILES = sorted(CASSETTES.glob("*.yaml"))


def _interactions(name: str) -> list[dict]:
    return yaml.safe_load((CASSETTES / f"{name}.yaml").read_text(encoding="utf-8"))["interactions"]


def test_every_scenario_has_a_cassette():
    assert {p.stem for p in CASSETTE_FILES} == {
        "full_listing", "fetch_item", "fetch_page_dom", "fetch_page_dom_submit_button", "apply_item",
        "publish_items", "error_409_publish_items", "error_429_then_200", "error_401_not_authorized",
        "error_404_item_gone",
    }


@pytest.mark.parametrize("path", CASSETTE_FILES, ids=lambda p: p.stem)
def test_cassettes_hold_no_credentials(path):
    text = path.read_text(encoding="utf-8")
    assert "bearer" not in text.lower() and "wf-cassette" not in text
    for interaction in yaml.safe_load(text)["interactions"]:
        for side in ("request", "response"):
            assert "authorization" not in {name.lower() for name in interaction[side]["headers"]}


@pytest.mark.parametrize("path", CASSETTE_FILES, ids=lambda p: p.stem)
def test_cassette_responses_are_webflow_json_with_a_true_content_length(path):
    for interaction in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]:
        request, response = interaction["request"], interaction["response"]
        assert request["uri"].startswith(API)
        body = response["body"]["string"]
        headers = response["headers"]
        assert headers["Content-Type"] == ["application/json; charset=utf-8"]
        assert headers["Content-Length"] == [str(len(body.encode("utf-8")))]
        payload = json.loads(body)
        status = response["status"]["code"]
        if status >= 400:  # Webflow's error body; the spec's publish-item 409 has no `code`
            assert {"message", "externalReference", "details"} <= set(payload) <= {"code", "message",
                                                                                    "externalReference", "details"}
        if status == 429:
            assert headers["Retry-After"] == ["60"] and headers["X-RateLimit-Remaining"] == ["0"]
            assert headers["X-RateLimit-Limit"] == ["60"]


def test_the_cassettes_are_what_the_authoring_script_builds():
    import subprocess
    import sys

    if not Path("/work/shared/api-examples/webflow").is_dir():
        pytest.skip("the api-examples folder is not here")
    script = Path(__file__).resolve().parents[2] / "scripts" / "author_webflow_cassettes.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# -- anti-drift: the same requests, answered by the sandbox ----------------------------------------------

# Maps whose keys are not fixed: an item's fieldData (the collection's slugs) and a field's validations
# (their keys depend on the field's type: the example has Number, Reference and Option fields, the
# sandbox's collections text fields only).
_FREE_MAPS = {"fieldData", "validations"}


def shape(value: Any) -> Any:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if value is None:
        return "null"
    return type(value).__name__


def key_paths(value: Any, path: str = "$") -> set[str]:
    """Every key path with its JSON type (null counted as any type), list items merged, fieldData collapsed."""
    if isinstance(value, dict):
        if path.rsplit(".", 1)[-1] in _FREE_MAPS:
            return {f"{path}:object"}
        return {f"{path}:object"} | {p for k, v in value.items() for p in key_paths(v, f"{path}.{k}")}
    if isinstance(value, list):
        return {f"{path}:list"} | {p for item in value for p in key_paths(item, f"{path}[]")}
    return {f"{path}:{shape(value)}"}


def keys_only(paths: set[str]) -> set[str]:
    return {p.rsplit(":", 1)[0] for p in paths}


def typed_differences(ours: set[str], theirs: set[str]) -> set[str]:
    """Paths both sides have whose types differ (a null on either side is taken as any type)."""
    by_key: dict[str, set[str]] = {}
    for p in ours | theirs:
        key, kind = p.rsplit(":", 1)
        by_key.setdefault(key, set()).add(kind)
    return {key for key, kinds in by_key.items() if len(kinds - {"null"}) > 1}


def test_the_shape_helpers():
    assert key_paths({"a": [{"b": 1}, {"b": None}], "fieldData": {"x": 1}}) == {
        "$:object", "$.a:list", "$.a[]:object", "$.a[].b:number", "$.a[].b:null", "$.fieldData:object"}
    assert typed_differences({"$.a:number"}, {"$.a:null"}) == set()
    assert typed_differences({"$.a:number"}, {"$.a:str"}) == {"$.a"}


class SandboxReplay(SandboxAdminClient):
    """Sends a cassette's request to the Webflow sandbox instead of Webflow, with the sandbox's ids."""

    def __init__(self, base_url: str, token: str) -> None:
        super().__init__(base_url, token)
        self.ids: dict[str, str] = {}

    def api(self, path: str) -> dict:
        response = self.http.get(f"{self.base_url}/v2/{path}", headers={"Authorization": f"Bearer {self.token}"})
        response.raise_for_status()
        return response.json()

    def send(self, request: dict, token: str | None = None) -> httpx.Response:
        uri = request["uri"].replace(API, f"{self.base_url}/v2/")
        for theirs, ours in self.ids.items():
            uri = uri.replace(theirs, ours)
        body = request["body"]
        for theirs, ours in self.ids.items():
            body = body.replace(theirs, ours) if body else body
        headers = {"Authorization": f"Bearer {token or self.token}"}
        if body:
            headers["Content-Type"] = "application/json"
        return self.http.request(request["method"], uri, content=body, headers=headers)


@pytest.fixture
def sandbox_replay(sandbox_server) -> Iterator[SandboxReplay]:
    endpoint = next(e for e in sandbox_server.endpoints() if e.tool == "webflow")
    replayer = SandboxReplay(endpoint.base_url, endpoint.token)
    replayer.post("reset")
    replayer.post("rate_limit", {"enabled": False})
    yield replayer
    replayer.post("faults", {"clear": True})
    replayer.post("reset")
    replayer.close()


def _compare(replayer: SandboxReplay, name: str, number: int, *, allowed_missing: set[str] = frozenset(),
             allowed_extra: set[str] = frozenset(), against: tuple[str, int] | None = None) -> dict:
    """The sandbox's answer to interaction `number` of cassette `name`, checked against its body
    (or against the body of interaction `against`, for a page the examples show empty)."""
    interaction = _interactions(name)[number]
    response = replayer.send(interaction["request"])
    assert response.status_code == interaction["response"]["status"]["code"], (name, number, response.text)
    reference = _interactions(against[0])[against[1]] if against else interaction
    ours, webflow = response.json(), json.loads(reference["response"]["body"]["string"])
    mine, theirs = key_paths(ours), key_paths(webflow)
    missing = keys_only(theirs) - keys_only(mine) - allowed_missing
    extra = keys_only(mine) - keys_only(theirs) - allowed_extra
    assert not missing, (name, number, "the sandbox lacks", sorted(missing))
    assert not extra, (name, number, "the sandbox adds", sorted(extra))
    assert not typed_differences(mine, theirs), (name, number, sorted(typed_differences(mine, theirs)))
    return ours


# Keys the sandbox sends that an example happens not to show but the spec's schema has: a case each.
# The site schema gives every locale `redirect` (other examples of the spec show it on secondary locales).
SITE_EXTRA = {"$.locales.secondary[].redirect"}


def test_the_sandbox_answers_the_cassette_requests_with_the_same_key_structure(sandbox_replay):
    replayer = sandbox_replay
    blog = "63fe95809593bd04cf658cda"
    why = "642b6880d1e01f50575051c1"
    pricing = "63e194801f90c192cff28c10"
    site = replayer.api(f"sites/{WEBFLOW_SITE_ID}")
    collections = replayer.api(f"sites/{WEBFLOW_SITE_ID}/collections")["collections"]
    replayer.ids = {SITE_ID: WEBFLOW_SITE_ID, GUIDE: blog, ITEM_ID: why, PAGE_ID: pricing,
                    FRENCH: WEBFLOW_FRENCH_LOCALE_ID, SPANISH: WEBFLOW_FRENCH_LOCALE_ID,
                    # CMS locales (items are listed in all of them at once): English, French, Spanish
                    "653ad57de882f528b32e810e": site["locales"]["primary"]["cmsLocaleId"],
                    "653fd9af6a07fc9cfd7a5e5d": site["locales"]["secondary"][0]["cmsLocaleId"],
                    "654112a3a525b2739d97664f": site["locales"]["secondary"][0]["cmsLocaleId"],
                    **{theirs: ours["id"] for theirs, ours in zip(
                        ["63692ab61fb2852f582ba8f5", "63692ab61fb2856e6a2ba8f6", "63692ab61fb285a8562ba8f4"],
                        collections)}}
    assert site["id"] == WEBFLOW_SITE_ID

    # site, collections, items ×3 (the two empty pages against the example's), pages ×3
    for number in range(8):
        _compare(replayer, "full_listing", number, allowed_extra=SITE_EXTRA,
                 against=("full_listing", 2) if number in (3, 4) else None)
    _compare(replayer, "fetch_item", 0)
    _compare(replayer, "fetch_item", 1)
    _compare(replayer, "fetch_page_dom", 1)


# The DOM envelope key the sandbox sends that the example does not show: the schema (and webflow SDK
# 2.0.0's `Dom` model) has `branchId`.
DOM_EXTRA = {"$.branchId"}
# Node types of the spec's DOM example that no seed page of the sandbox has.
NODE_TYPES_NOT_IN_SANDBOX: set[str] = set()
# The schema's enum names the submit button `submit-button` (so does the SDK); its example says `submit`.
SAME_NODE_TYPE = {"submit-button": "submit"}


def test_the_sandbox_page_dom_has_the_examples_envelope_and_node_shapes(sandbox_replay):
    replayer = sandbox_replay
    home = "63e043000f6cad4a26d3ac94"  # the seed page with text, image and component-instance nodes
    replayer.ids = {PAGE_ID: home}
    interaction = _interactions("fetch_page_dom")[2]
    response = replayer.send(interaction["request"])
    assert response.status_code == 200, response.text
    ours, webflow = response.json(), json.loads(interaction["response"]["body"]["string"])
    envelope = lambda body: keys_only(key_paths({k: v for k, v in body.items() if k != "nodes"}))  # noqa: E731
    assert envelope(ours) - DOM_EXTRA == envelope(webflow)

    def by_type(body: dict) -> dict[str, set[str]]:
        kinds: dict[str, set[str]] = {}
        for node in body["nodes"]:
            node = {**node, "attributes": {}}  # a node's HTML attributes: free keys
            kind = SAME_NODE_TYPE.get(node["type"], node["type"])
            kinds.setdefault(kind, set()).update(key_paths({**node, "type": kind}))
        return kinds

    mine, theirs = by_type(ours), by_type(webflow)
    assert set(theirs) - set(mine) == NODE_TYPES_NOT_IN_SANDBOX
    assert set(mine) <= set(theirs), sorted(set(mine) - set(theirs))
    for kind in mine:
        assert keys_only(mine[kind]) == keys_only(theirs[kind]), (kind, sorted(keys_only(mine[kind]) ^
                                                                              keys_only(theirs[kind])))
        assert not typed_differences(mine[kind], theirs[kind]), kind


def test_the_sandbox_errors_have_webflows_error_body(sandbox_replay):
    replayer = sandbox_replay
    replayer.ids = {SITE_ID: WEBFLOW_SITE_ID, GUIDE: "63fe95809593bd04cf658cda"}
    cases = [("error_401_not_authorized", 0, None, "wrong-token"),
             ("error_404_item_gone", 0, None, None),  # an item id the sandbox does not have
             ("error_429_then_200", 0, {"status": 429, "retry_after": 60, "match": "GET /v2/collections"}, None)]
    for name, number, fault, token in cases:
        interaction = _interactions(name)[number]
        if fault:
            replayer.post("faults", fault)
        response = replayer.send(interaction["request"], token)
        webflow = json.loads(interaction["response"]["body"]["string"])
        assert response.status_code == interaction["response"]["status"]["code"], (name, response.text)
        assert set(response.json()) == set(webflow), name
        assert response.json()["code"] == webflow["code"], name
        if response.status_code == 429:
            assert {"retry-after", "x-ratelimit-limit", "x-ratelimit-remaining"} <= set(response.headers)
