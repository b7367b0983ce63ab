"""The real GDocsConnector replayed against cassettes shaped exactly like Google's published examples.

The sandbox tests (test_gdocs_connector.py, test_gdocs_sandbox.py) check the connector against
copydesk's own Drive/Docs sandbox. These check it against Google's side: a REAL documents.get
response, the Drive examples derived from Google's discovery schemas (files.list,
changes.getStartPageToken, changes.list), the batchUpdate response and Google's error envelopes,
served to the official SDK (google-api-python-client over httplib2) at Google's own endpoints.
The last test sends the same requests to the sandbox and checks that it answers with the same
key structure, so the sandbox cannot drift into a Google of its own. Provenance of every body:
fixtures/cassettes/gdocs/SOURCES.md; the cassettes are built by scripts/author_gdocs_cassettes.py.

Replay only: record_mode="none", so any request a cassette does not hold fails the test.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest
import yaml
from vcr.errors import CannotOverwriteExistingCassetteException

from connectors.document import DocumentRef, Edit, Span
from connectors.errors import AuthError, RemoteError
from connectors.gdocs import GDocsConnector, RemoteNotFound, credentials_from
from connectors.pacing import RetryPolicy
from connectors.sandbox.admin import SandboxAdminClient
from connectors.sandbox.gdocs import GDOCS_ROOT_FOLDER_ID
from tests.connectors.journals import RecordingJournal
from tests.connectors.replay import Replayer

CASSETTES = Path(__file__).resolve().parents[2] / "fixtures" / "cassettes" / "gdocs"
TOKEN = "ya29.cassette-test"
DOC_ID = "1EXAMPLEdocIdAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"  # the Drive examples' Google Doc (SOURCES.md)
FOLDER_ID = "1EXAMPLEfolderIdBBBBBBBBBBBBBBBBB"
DELETED_ID = "1EXAMPLEdeletedFileIdCCCCCCCCCCCCCCCC"
EDITOR = "Example User"  # the Doc's lastModifyingUser.displayName (revisions_list.derived.json, SOURCES.md)
REVISION = "ACp5tXjT-YaR1HpzpT_1CxrU0l_ln4vxB3D0ocrWLU8u8fzvZpn9ehcG2P3iOTQ7xnYl2pTio3yIPeiqQeitZw"
DRIVE, DOCS = "https://www.googleapis.com/drive/v3/", "https://docs.googleapis.com/v1/"


# -- replay -----------------------------------------------------------------------------------


REPLAY = Replayer("gdocs")
replay = REPLAY.replay


@pytest.fixture
def connect() -> Iterator:
    """GDocsConnector on Google's own endpoints (base_url "": replayed, never reached), closed after the test."""
    made: list[GDocsConnector] = []

    def make(**overrides: Any) -> GDocsConnector:
        fast = RetryPolicy(attempts=3, backoff=0.01, max_wait=0.01, sleep=lambda seconds: None)
        options = {"folders": [FOLDER_ID], "rate": None, "page_size": 2, "retry": fast} | overrides
        connector = GDocsConnector(credentials_from(token=TOKEN), **options)
        made.append(connector)
        return connector

    yield make
    for connector in made:
        connector.close()


def ref(version: str = "") -> DocumentRef:
    return DocumentRef(source="gdocs", remote_id=DOC_ID, kind="document", remote_version=version)


def utc(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)


# -- listing: changes.getStartPageToken + files.list, then changes.list ------------------------


def test_full_listing_lists_the_folders_doc_and_keeps_the_start_token_as_cursor(connect):
    connector = connect()
    with replay("full_listing") as cassette:
        listing = connector.list_changed(None)
        refs = list(listing)
        assert cassette.all_played
    assert refs == [DocumentRef(
        source="gdocs",
        remote_id=DOC_ID,
        kind="document",
        title="Project notes",
        url=f"https://docs.google.com/document/d/{DOC_ID}/edit",  # no webViewLink in the example
        parent=FOLDER_ID,
        remote_version="42",
        updated_at=utc("2024-05-01T12:34:56.789Z"),
        edited_by=EDITOR,
        archived=False,
    )]
    assert listing.done and listing.cursor == "1234"
    # start token, page 1, page 2; the folder the listing returns is the one being walked: not listed again
    assert connector.requests_made == 3


def test_incremental_listing_reads_both_change_pages_and_moves_the_cursor(connect):
    connector = connect()
    with replay("incremental_listing") as cassette:
        listing = connector.list_changed("1234")
        refs = list(listing)
        assert cassette.all_played
    assert [(r.remote_id, r.remote_version, r.archived) for r in refs] == [(DOC_ID, "43", False),
                                                                          (DELETED_ID, "", True)]
    changed, removed = refs
    assert (changed.title, changed.parent, changed.updated_at) == ("Project notes", FOLDER_ID,
                                                                   utc("2024-05-01T12:34:56.789Z"))
    assert changed.edited_by == EDITOR
    assert removed.updated_at == utc("2024-05-01T12:40:00.000Z") and removed.title == "" and removed.edited_by == ""
    # The folder change on the last page is the scope folder itself: nothing to list, nothing to look up.
    assert listing.cursor == "1237" and connector.requests_made == 2
    with pytest.raises(RemoteNotFound) as gone:  # removed from Drive: 404 without a request
        connector.fetch(removed)
    assert gone.value.status == 404 and connector.requests_made == 2


# -- fetch: documents.get of the REAL document ---------------------------------------------------


@pytest.fixture
def fetched(connect):
    connector = connect()
    with replay("fetch_document") as cassette:
        document = connector.fetch(ref("43"))  # a listed ref: no Drive request
        assert cassette.play_count == 1
    assert connector.requests_made == 1
    return document


def test_fetch_turns_the_real_document_into_blocks_with_ordinal_ids(fetched):
    assert fetched.ref.title == "Render Test" and fetched.ref.remote_version == "43"
    assert len(fetched.blocks) == 110  # 109 of the body, then its footnote
    assert fetched.blocks[-1].id == "footnote:kix.i62p2srski2m/p0000"
    assert [(b.id, b.kind, b.text) for b in fetched.blocks[:10]] == [
        ("p0000", "heading_1", "Named styles"), ("p0001", "title", "Title"), ("p0002", "subtitle", "Subtitle"),
        ("p0003", "heading_1", "Heading 1"), ("p0004", "heading_2", "Heading 2"), ("p0005", "heading_3", "Heading 3"),
        ("p0006", "heading_4", "Heading 4"), ("p0007", "heading_5", "Heading 5"), ("p0008", "heading_6", "Heading 6"),
        ("p0009", "paragraph", "Normal Text"),
    ]
    assert fetched.block("p0008").attrs == {"level": 6}
    assert [(b.id, b.depth, b.attrs["ordered"]) for b in fetched.blocks if b.kind == "list_item"][:3] == [
        ("p0037", 0, False), ("p0038", 1, False), ("p0039", 0, False)]
    cell = fetched.block("t3.r1.c0.p0")
    assert (cell.kind, cell.text, cell.attrs) == ("cell", "Varying number of columns",
                                                  {"table": "t3", "row": 1, "column": 0})


def test_fetch_keeps_marks_colours_and_links_as_spans(fetched):
    assert fetched.block("p0017").spans == (
        Span(text="BoldItalicsUnderlineRedCyan", bold=True, italic=True, underline=True, color="#ff0000"),)
    assert fetched.block("p0026").spans == (Span(text="Courier New", code=True),)
    assert fetched.block("p0059").spans[0] == Span(text="example.com", underline=True, color="#1155cc",
                                                   href="https://example.com")
    assert fetched.block("p0057").spans[0].href == "#heading=h.um9g39xs23pt"
    # One span per text run, even where the runs carry nothing a span shows (a subscript offset stays in raw).
    subscript = fetched.block("p0019")
    assert subscript.spans == (Span(text="S"), Span(text="ubscript"))
    assert [e["textRun"]["textStyle"] for e in subscript.raw["paragraph"]["elements"]] == [
        {"baselineOffset": "SUBSCRIPT"}] * 2


def test_fetch_keeps_objects_read_only_and_volatile_fields_out_of_raw(fetched):
    images = [b for b in fetched.blocks if b.kind == "image"]
    assert [b.attrs["object"] for b in images][0] == "kix.hypyki7ute26" and not any(b.editable for b in images)
    footnote = fetched.block("p0060")
    assert (footnote.text, footnote.editable, footnote.attrs["objects"]) == ("footnote", False, ["footnoteReference"])
    assert (fetched.block("p0066").kind, fetched.block("p0067").kind) == ("divider", "equation")
    assert fetched.block("p0017").raw["startIndex"] == 146 and fetched.block("p0017").raw["endIndex"] == 174
    assert "revisionId" not in fetched.raw and "body" not in fetched.raw
    assert fetched.raw["documentId"] == DOC_ID and "contentUri" not in json.dumps(fetched.raw)


def test_fetch_without_a_version_asks_drive_for_it_first(connect):
    connector = connect()
    with replay("fetch_document") as cassette:
        document = connector.fetch(ref())
        assert cassette.all_played
    assert connector.requests_made == 2
    assert (document.ref.remote_version, document.ref.parent, document.ref.title) == ("42", FOLDER_ID, "Render Test")
    assert document.ref.edited_by == EDITOR  # from the files.get, as the document itself does not say


# -- apply: documents.get, batchUpdate, then the written document ----------------------------------

EDIT = Edit(block_id="p0017", before="BoldItalicsUnderlineRedCyan", after="BoldItalicsUnderlineRedTeal")


def test_apply_writes_one_batch_update_on_the_revision_it_read(connect):
    connector = connect()
    journal = RecordingJournal()
    with replay("apply_batch_update") as cassette:
        applied = connector.apply(ref("42"), [EDIT], journal)
        assert cassette.all_played
    # read, write, then Drive's new version and the written document
    assert connector.requests_made == 4
    (block_ids, request, previous), = journal.intents
    assert block_ids == ["p0017"] and previous[0].text == EDIT.before and journal.confirmed == [["p0017"]]
    assert request["path"] == f"/v1/documents/{DOC_ID}:batchUpdate"
    assert request["body"]["writeControl"] == {"requiredRevisionId": REVISION}
    style = {"bold": True, "italic": True, "underline": True,
             "backgroundColor": {"color": {"rgbColor": {"green": 1, "blue": 1}}},
             "foregroundColor": {"color": {"rgbColor": {"red": 1}}}}
    assert request["body"]["requests"] == [
        {"deleteContentRange": {"range": {"startIndex": 146, "endIndex": 173}}},
        {"insertText": {"location": {"index": 146}, "text": "BoldItalicsUnderlineRedTeal"}},
        {"updateTextStyle": {"range": {"startIndex": 146, "endIndex": 173}, "textStyle": style, "fields": "*"}},
    ]
    assert applied.block("p0017").spans == (
        Span(text="BoldItalicsUnderlineRedTeal", bold=True, italic=True, underline=True, color="#ff0000"),)
    assert applied.ref.remote_version == "43" and applied.ref.title == "Render Test"
    assert applied.ref.edited_by == EDITOR


def test_a_write_the_cassette_does_not_hold_is_never_matched(connect):
    # Same method, URL and query as the cassette's batchUpdate; only the JSON body differs.
    connector = connect()
    other = EDIT.model_copy(update={"after": "BoldItalicsUnderlineRedBlue"})
    with replay("apply_batch_update") as cassette:
        with pytest.raises(CannotOverwriteExistingCassetteException):
            connector.apply(ref("42"), [other], RecordingJournal())
        assert cassette.play_count == 1  # the read, not the write


def test_a_request_the_cassette_does_not_hold_fails(connect):
    connector = connect()
    with replay("fetch_document"):
        with pytest.raises(CannotOverwriteExistingCassetteException):
            connector.fetch(DocumentRef(source="gdocs", remote_id="1another", kind="document", remote_version="1"))


# -- errors -----------------------------------------------------------------------------------------


def test_drive_403_user_rate_limit_is_retried_and_the_listing_completes(connect):
    waits: list[float] = []
    connector = connect(retry=RetryPolicy(attempts=3, backoff=0.01, max_wait=0.01, sleep=waits.append))
    with replay("error_403_rate_limit_then_200") as cassette:
        listing = connector.list_changed("1234")
        refs = list(listing)
        assert cassette.all_played
    assert [r.remote_id for r in refs] == [DOC_ID, DELETED_ID] and listing.cursor == "1237"
    assert connector.requests_made == 3
    assert len(waits) == 1 and 0 <= waits[0] <= 0.01  # no Retry-After: exponential backoff


def test_drive_403_user_rate_limit_when_retries_run_out_is_retryable_not_auth(connect):
    connector = connect(retry=RetryPolicy(attempts=1, sleep=lambda seconds: None))
    with replay("error_403_rate_limit_then_200") as cassette:
        with pytest.raises(RemoteError) as raised:
            list(connector.list_changed("1234"))
        assert cassette.play_count == 1
    error = raised.value
    assert not isinstance(error, AuthError)
    assert (error.status, error.code, error.retryable, error.retry_after) == (403, "userRateLimitExceeded", True, None)
    assert "User Rate Limit Exceeded" in str(error)


def test_a_5xx_that_persists_is_a_retryable_remote_error_after_every_attempt(connect):
    waits: list[float] = []
    connector = connect(retry=RetryPolicy(attempts=3, backoff=0.01, max_wait=0.01, sleep=waits.append))
    with replay("error_5xx_persists") as cassette:
        with pytest.raises(RemoteError) as raised:
            connector.fetch(ref("42"))
        assert cassette.all_played
    error = raised.value
    assert (error.status, error.code, error.retryable) == (500, "internalError", True)
    assert "Internal Server Error" in str(error) and "try again later" in str(error)
    assert connector.requests_made == 3 and len(waits) == 2


def test_401_invalid_credentials_is_an_auth_error_after_one_request(connect):
    # A bare access token cannot be renewed: no refresh request (the cassette holds none) and no retry.
    connector = connect()
    with replay("error_401_invalid_credentials") as cassette:
        with pytest.raises(AuthError) as raised:
            list(connector.list_changed(None))
        assert cassette.all_played
    error = raised.value
    assert (error.source, error.status, error.code, error.retryable) == ("gdocs", 401, "authError", False)
    assert "Invalid Credentials" in str(error) and "credentials_file" in str(error)
    assert TOKEN not in str(error) and "\n" not in str(error)
    assert connector.requests_made == 1


# -- the cassette files themselves ------------------------------------------------------------------

CASSETTE_FILES = sorted(CASSETTES.glob("*.yaml"))


def _interactions(name: str) -> list[dict]:
    return yaml.safe_load((CASSETTES / f"{name}.yaml").read_text(encoding="utf-8"))["interactions"]


def test_every_scenario_has_a_cassette():
    assert {p.stem for p in CASSETTE_FILES} == {
        "full_listing", "incremental_listing", "fetch_document", "apply_batch_update",
        "error_403_rate_limit_then_200", "error_5xx_persists", "error_401_invalid_credentials",
    }


@pytest.mark.parametrize("path", CASSETTE_FILES, ids=lambda p: p.stem)
def test_cassettes_hold_no_credentials(path):
    text = path.read_text(encoding="utf-8")
    assert "bearer" not in text.lower() and "ya29." not in text
    for interaction in yaml.safe_load(text)["interactions"]:
        for side in ("request", "response"):
            assert "authorization" not in {name.lower() for name in interaction[side]["headers"]}


@pytest.mark.parametrize("path", CASSETTE_FILES, ids=lambda p: p.stem)
def test_cassette_responses_are_google_json_with_a_true_content_length(path):
    for interaction in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]:
        request, response = interaction["request"], interaction["response"]
        assert request["uri"].startswith((DRIVE, DOCS)) and "alt=json" in request["uri"]
        body = response["body"]["string"]
        assert response["headers"]["Content-Type"] == ["application/json; charset=UTF-8"]
        assert response["headers"]["Content-Length"] == [str(len(body.encode("utf-8")))]
        payload = json.loads(body)
        assert not any(key.startswith("_") for key in payload), "a note key of the sources was left in"
        status = response["status"]["code"]
        if status >= 400:
            assert set(payload) == {"error"} and payload["error"]["code"] == status
            assert payload["error"]["errors"][0]["reason"]


# -- anti-drift: the same requests, answered by the sandbox ----------------------------------------------

# The `fields` each Drive example answers (the `_request` note of its source; the last changes page was
# asked without `fields`, so it shows Drive's default partial response). Where the connector asks for
# more (webViewLink, driveId), the example cannot speak for those keys.
EXAMPLE_FIELDS = {
    ("full_listing", 1): "nextPageToken,incompleteSearch,kind,"
                         "files(id,name,mimeType,modifiedTime,version,trashed,parents)",
    ("incremental_listing", 0): "kind,nextPageToken,newStartPageToken,changes(kind,changeType,time,removed,fileId,"
                                "file(id,name,mimeType,modifiedTime,version,trashed,parents))",
    ("incremental_listing", 1): "kind,nextPageToken,newStartPageToken,changes(kind,changeType,time,removed,fileId,"
                                "file(kind,id,name,mimeType))",
}
# Keys of maps whose keys are ids, not field names.
_ID_MAPS = {"lists", "inlineObjects", "footnotes", "headers", "footers", "namedRanges", "positionedObjects"}


def parse_fields(text: str) -> dict:
    """Google's partial-response syntax (`a,b(c,d/e)`) as a nested dict: name -> True or a sub-mask."""
    mask, rest = _fields(text, 0)
    assert rest == len(text), f"cannot parse fields {text!r}"
    return mask


def _fields(text: str, at: int) -> tuple[dict, int]:
    mask: dict = {}
    while at < len(text) and text[at] != ")":
        match = re.compile(r"[A-Za-z0-9_*]+").match(text, at)
        assert match, f"cannot parse fields {text!r} at {at}"
        name, at = match.group(), match.end()
        if at < len(text) and text[at] == "(":
            sub, at = _fields(text, at + 1)
            assert text[at] == ")"
            at += 1
        elif at < len(text) and text[at] == "/":
            sub, at = _fields(text, at + 1)
        else:
            sub = True
        mask[name] = sub if mask.get(name, True) is True else {**mask[name], **sub}
        if at < len(text) and text[at] == ",":
            at += 1
    return mask, at


def intersect(first: dict | bool, second: dict | bool) -> dict | bool:
    if first is True:
        return second
    if second is True:
        return first
    return {k: intersect(first[k], second[k]) for k in first if k in second}


def project(value: Any, mask: dict | bool) -> Any:
    if mask is True:
        return value
    if isinstance(value, list):
        return [project(item, mask) for item in value]
    if isinstance(value, dict):
        return {k: project(v, mask[k]) for k, v in value.items() if k in mask}
    return value


def shape(value: Any) -> Any:
    """Keys and JSON types, not values: an object's keys, the set of its list items' shapes."""
    if isinstance(value, dict):
        return tuple(sorted((k, shape(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("list", frozenset(shape(item) for item in value))
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def key_paths(value: Any, path: str = "$") -> set[str]:
    """Every key path with its JSON type, list items merged and id-keyed maps collapsed."""
    if isinstance(value, dict):
        keyed = path.rsplit(".", 1)[-1] in _ID_MAPS
        return {p for k, v in value.items() for p in key_paths(v, f"{path}.{'*' if keyed else k}")}
    if isinstance(value, list):
        return {p for item in value for p in key_paths(item, f"{path}[]")}
    return {f"{path}:{shape(value)}"}


def test_the_field_mask_helpers():
    assert parse_fields("nextPageToken,files(id,name),a/b") == {"nextPageToken": True, "files": {"id": True,
                                                                "name": True}, "a": {"b": True}}
    assert intersect(parse_fields("a,b(c,d)"), parse_fields("b(d,e),f")) == {"b": {"d": True}}
    assert project({"a": 1, "b": [{"c": 1, "d": 2}]}, {"b": {"d": True}}) == {"b": [{"d": 2}]}
    assert shape({"x": [{"a": "s"}, {"a": "t", "b": 1}]}) == shape({"x": [{"a": "u", "b": 2.5}, {"a": "v"}]})
    assert shape({"a": "1"}) != shape({"a": 1}) and shape({"a": True}) != shape({"a": 1})
    assert key_paths({"lists": {"kix.1": {"x": 1}, "kix.2": {"x": 2}}}) == {"$.lists.*.x:number"}


class SandboxReplay(SandboxAdminClient):
    """Sends a cassette's request to the gdocs sandbox instead of Google, with the sandbox's ids."""

    def __init__(self, base_url: str, token: str) -> None:
        super().__init__(base_url, token)
        self.ids = {FOLDER_ID: GDOCS_ROOT_FOLDER_ID}
        self.page_tokens: dict[str, str] = {}

    def send(self, request: dict, token: str | None = None) -> httpx.Response:
        uri = request["uri"].replace(DRIVE, f"{self.base_url}/drive/v3/").replace(DOCS, f"{self.base_url}/v1/")
        for theirs, ours in self.ids.items():
            uri = uri.replace(theirs, ours)
        parts = urlsplit(uri)
        query = [(k, self.page_tokens.get(v, v) if k == "pageToken" else v) for k, v in parse_qsl(parts.query)]
        return self.http.request(request["method"], urlunsplit(parts._replace(query=urlencode(query))),
                                 headers={"Authorization": f"Bearer {token or self.token}"})


@pytest.fixture
def sandbox_replay(sandbox_server) -> Iterator[SandboxReplay]:
    endpoint = next(e for e in sandbox_server.endpoints() if e.tool == "gdocs")
    replayer = SandboxReplay(endpoint.base_url, endpoint.token)
    replayer.post("reset")
    replayer.post("rate_limit", {"enabled": False})
    yield replayer
    replayer.post("faults", {"clear": True})
    replayer.post("reset")
    replayer.close()


def _compare_drive(replayer: SandboxReplay, name: str, number: int) -> dict:
    """The sandbox's answer to interaction `number` of cassette `name`, checked against its body."""
    interaction = _interactions(name)[number]
    response = replayer.send(interaction["request"])
    assert response.status_code == 200, response.text
    ours, google = response.json(), json.loads(interaction["response"]["body"]["string"])
    asked = dict(parse_qsl(urlsplit(interaction["request"]["uri"]).query)).get("fields")
    if asked is None:  # no partial response asked: the whole resource, both sides
        assert shape(ours) == shape(google), name
        return ours
    mask = parse_fields(asked)
    assert project(ours, mask) == ours, f"{name}[{number}]: the sandbox answers keys that were not asked for"
    common = intersect(mask, parse_fields(EXAMPLE_FIELDS[name, number]))
    assert shape(project(ours, common)) == shape(project(google, common)), f"{name}[{number}]"
    return ours


def test_the_sandbox_answers_the_cassette_requests_with_the_same_key_structure(sandbox_replay):
    replayer = sandbox_replay
    seed = {"edited": "1sdPtUTLuDfUCi2APX7owXIeqvvbUdwnDWJvGmIaBFCB",  # seed documents of the sandbox
            "deleted": "1MunLw5EvC9Wm7dT1Hwt_N92sSluLPxgbse6XK81-kfN",
            "trashed": "1amzOtvyoGlOcS84YPosVnZC17rI90DNOTHR8C7dB3HC"}

    # documents.get: every key path the sandbox's document has (with its JSON type) is one the REAL one has.
    replayer.ids[DOC_ID] = seed["trashed"]
    document_request = _interactions("fetch_document")[1]
    ours = replayer.send(document_request["request"]).json()
    google = json.loads(document_request["response"]["body"]["string"])
    assert list(ours) == list(google)  # includeTabsContent=true: title, tabs, revisionId…
    tab = "$.tabs[].documentTab"  # every tab's content in its documentTab
    ours_tab, google_tab = ours["tabs"][0]["documentTab"], google["tabs"][0]["documentTab"]
    # Headers and footers are present when used, and the REAL document has none: their shape is held
    # against the discovery schema in test_gdocs_sandbox.py.
    assert [k for k in ours_tab if k not in ("headers", "footers")] == [k for k in google_tab if k != "inlineObjects"]
    ours_paths = {p for p in key_paths(ours) if not p.startswith((f"{tab}.headers.", f"{tab}.footers.",
                                                                  f"{tab}.documentStyle.defaultHeaderId",
                                                                  f"{tab}.documentStyle.defaultFooterId"))}
    assert ours_paths <= key_paths(google), sorted(ours_paths - key_paths(google))
    read = {f"{tab}.body.content[].startIndex:number", f"{tab}.body.content[].paragraph.elements[].textRun.content:str",
            f"{tab}.body.content[].paragraph.paragraphStyle.namedStyleType:str",
            f"{tab}.body.content[].paragraph.bullet.listId:str",
            f"{tab}.lists.*.listProperties.nestingLevels[].glyphType:str", "$.revisionId:str",
            "$.tabs[].tabProperties.tabId:str", "$.tabs[].tabProperties.title:str",
            f"{tab}.body.content[].table.tableRows[].tableCells[].content[].paragraph.elements[].textRun.content:str"}
    assert read <= key_paths(ours) & key_paths(google)  # what the connector reads, both sides

    # changes.getStartPageToken and files.list (the folder's first page, pageSize 2 as in the example)
    start = _compare_drive(replayer, "full_listing", 0)
    first = _compare_drive(replayer, "full_listing", 1)
    assert "nextPageToken" in first and len(first["files"]) == 2
    # lastModifyingUser is not in EXAMPLE_FIELDS (the examples were asked without it); the cassettes give it to
    # the Google Doc (SOURCES.md). Whatever the sandbox names as an editor has that User's keys and types.
    google_user = shape(json.loads(_interactions("full_listing")[1]["response"]["body"]["string"])
                        ["files"][0]["lastModifyingUser"])
    assert {shape(f["lastModifyingUser"]) for f in first["files"] if "lastModifyingUser" in f} == {google_user}

    # changes.list over two pages: an edited doc and a deleted one, then a trashed one on the last page
    replayer.post("edit", {"id": seed["edited"], "find": "HelpHive", "replace": "HelpHive AI"})
    replayer.post("delete", {"id": seed["deleted"]})
    replayer.post("trash", {"id": seed["trashed"]})
    replayer.page_tokens["1234"] = start["startPageToken"]
    page = _compare_drive(replayer, "incremental_listing", 0)
    assert [c["fileId"] for c in page["changes"]] == [seed["edited"], seed["deleted"]]
    assert shape(page["changes"][0]["file"]["lastModifyingUser"]) == google_user
    replayer.page_tokens["1236"] = page["nextPageToken"]
    last = _compare_drive(replayer, "incremental_listing", 1)
    assert [c["fileId"] for c in last["changes"]] == [seed["trashed"]] and "newStartPageToken" in last

    # Errors: every key of Google's envelope is in the sandbox's (which adds the RPC `status`, as Google does now).
    errors = [("error_401_invalid_credentials", 0, None, "ya29.wrong"),
              ("error_403_rate_limit_then_200", 0, {"status": 403, "code": "userRateLimitExceeded",
                                                    "match": "GET /drive/v3/changes"}, None),
              ("error_5xx_persists", 0, {"status": 500, "code": "internalError", "match": "GET /v1/documents"}, None),
              ("error_5xx_persists", 1, {"status": 503, "code": "backendError", "match": "GET /v1/documents"}, None)]
    for name, number, fault, token in errors:
        interaction = _interactions(name)[number]
        if fault:
            replayer.post("faults", fault)
        response = replayer.send(interaction["request"], token)
        google = json.loads(interaction["response"]["body"]["string"])
        assert response.status_code == interaction["response"]["status"]["code"], name
        missing = key_paths(google) - key_paths(response.json())
        assert not missing, (name, sorted(missing))
        assert response.json()["error"]["errors"][0]["reason"] == google["error"]["errors"][0]["reason"], name
