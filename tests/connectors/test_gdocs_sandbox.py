"""The Google Docs sandbox over real HTTP, driven by the official google-api-python-client.

Expectations come from the seed (connectors/sandbox/seeds/gdocs/), from a real documents.get
response (fixtures/api-shapes/gdocs/document_get.json) and from the discovery documents the
SDK itself ships: every key the sandbox answers with must exist in Google's schema for it.
"""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any, Iterator

import googleapiclient
import httpx
import pytest
from google.auth.exceptions import RefreshError
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from connectors.sandbox import gdocs_model as model
from connectors.sandbox import seeds
from connectors.sandbox.admin import SandboxAdminClient
from connectors.sandbox.gdocs import (
    GDOCS_RATE_READS_PER_MINUTE,
    GDOCS_RATE_WRITES_PER_MINUTE,
    GDOCS_ROOT_FOLDER_ID,
    GDOCS_SANDBOX_TOKEN,
    GdocsSandbox,
    google_rate_limits,
)
from connectors.sandbox.gdocs_workspace import DocumentBuilder, DriveWorkspace, parse_inline

REPO = Path(__file__).resolve().parents[2]
SEED_DIR = seeds.SEEDS / "gdocs"
REAL_DOCUMENT = json.loads((REPO / "fixtures" / "api-shapes" / "gdocs" / "document_get.json").read_text())
DISCOVERY = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"
DOCS_SCHEMAS = json.loads((DISCOVERY / "docs.v1.json").read_text())["schemas"]
DRIVE_SCHEMAS = json.loads((DISCOVERY / "drive.v3.json").read_text())["schemas"]
SEED = DriveWorkspace.from_seed_dir(SEED_DIR)
DOC_IDS = list(SEED.documents)
ONE_PAGER = "1amzOtvyoGlOcS84YPosVnZC17rI90DNOTHR8C7dB3HC"
PITCH = "1sdPtUTLuDfUCi2APX7owXIeqvvbUdwnDWJvGmIaBFCB"
ARCHIVE_FOLDER = "1M6YugFc3Yh9AN5YTKwqwJb-3AY9eueeK"
DECK_2023 = "1MunLw5EvC9Wm7dT1Hwt_N92sSluLPxgbse6XK81-kfN"
FOLDER = "application/vnd.google-apps.folder"
DOCUMENT = "application/vnd.google-apps.document"
FILE_FIELDS = "id,name,mimeType,modifiedTime,version,parents,trashed"
HTTP = httpx.Client(timeout=10)
AUTH = {"Authorization": f"Bearer {GDOCS_SANDBOX_TOKEN}"}
# Google's error envelope, from the error bodies in google-api-python-client's tests and Drive's docs.
ERROR_SCHEMA = {"type": "object", "properties": {"error": {"type": "object", "properties": {
    "code": {"type": "integer"}, "message": {"type": "string"}, "status": {"type": "string"},
    "errors": {"type": "array", "items": {"type": "object", "properties": {
        "domain": {"type": "string"}, "reason": {"type": "string"}, "message": {"type": "string"},
        "location": {"type": "string"}, "locationType": {"type": "string"}}}},
}}}}


@pytest.fixture(scope="module", autouse=True)
def _close_http() -> Iterator[None]:
    yield
    HTTP.close()


class GdocsAdmin(SandboxAdminClient):
    """The gdocs sandbox's base URL, its admin API and SDK clients pointed at it."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url, GDOCS_SANDBOX_TOKEN, timeout=10)
        credentials = Credentials(token=GDOCS_SANDBOX_TOKEN)
        self.drive = build("drive", "v3", credentials=credentials, static_discovery=True,
                           client_options={"api_endpoint": f"{base_url}/drive/v3/"})
        self.docs = build("docs", "v1", credentials=credentials, static_discovery=True,
                          client_options={"api_endpoint": f"{base_url}/"})

    def get(self, document_id: str, **params: Any) -> dict:
        return self.docs.documents().get(documentId=document_id, **params).execute()

    def batch(self, document_id: str, requests: list[dict], revision: str | None = None) -> dict:
        body: dict[str, Any] = {"requests": requests}
        if revision is not None:
            body["writeControl"] = {"requiredRevisionId": revision}
        return self.docs.documents().batchUpdate(documentId=document_id, body=body).execute()

    def file(self, file_id: str) -> dict:
        return self.drive.files().get(fileId=file_id, fields=FILE_FIELDS).execute()


@pytest.fixture(scope="module")
def _gdocs_clients(sandbox_server) -> Iterator[GdocsAdmin]:
    endpoint = next(e for e in sandbox_server.endpoints() if e.tool == "gdocs")
    assert endpoint.token == GDOCS_SANDBOX_TOKEN
    admin = GdocsAdmin(endpoint.base_url)
    yield admin
    admin.close()


@pytest.fixture
def gdocs(_gdocs_clients: GdocsAdmin) -> Iterator[GdocsAdmin]:
    """The gdocs sandbox, reset to the seed with no rate limit and no faults."""
    _gdocs_clients.post("reset")
    _gdocs_clients.post("rate_limit", {"enabled": False})
    yield _gdocs_clients
    _gdocs_clients.post("faults", {"clear": True})
    _gdocs_clients.post("rate_limit", {"enabled": False})


# -- helpers --------------------------------------------------------------------------------------


def paragraphs(content: list[dict]) -> Iterator[dict]:
    for element in content:
        if "paragraph" in element:
            yield element
        for row in element.get("table", {}).get("tableRows", []):
            for cell in row["tableCells"]:
                yield from paragraphs(cell["content"])


def text_of(element: dict) -> str:
    """A paragraph's text; a footnote reference or other object reads as nothing."""
    return "".join(e["textRun"]["content"] for e in element["paragraph"]["elements"] if "textRun" in e)


def all_text(document: dict) -> str:
    return "".join(text_of(p) for p in paragraphs(document["body"]["content"]))


def index_of(document: dict, needle: str) -> int:
    """The document index of the first occurrence of `needle` inside one paragraph."""
    for element in paragraphs(document["body"]["content"]):
        text = text_of(element)
        if needle in text:
            return element.get("startIndex", 0) + model.utf16_len(text[: text.index(needle)])
    raise AssertionError(f"{needle!r} is not in the document")


def paragraph_with(document: dict, needle: str) -> dict:
    return next(p for p in paragraphs(document["body"]["content"]) if needle in text_of(p))


def runs(element: dict) -> list[tuple[str, dict]]:
    return [(e["textRun"]["content"], e["textRun"]["textStyle"]) for e in element["paragraph"]["elements"]
            if "textRun" in e]


def assert_indices_consistent(document: dict) -> None:
    """Recomputing every index from the text gives the served indices back, and they tile."""
    recomputed = model.reindex(model.strip_indices(document, keep=model.is_opaque_element))
    assert recomputed == document
    content = document["body"]["content"]
    assert content[0] == {"endIndex": 1, "sectionBreak": content[0]["sectionBreak"]}
    for before, after in zip(content, content[1:]):
        assert before["endIndex"] == after["startIndex"]
    for element in paragraphs(content):
        assert text_of(element).endswith("\n") and "\n" not in text_of(element)[:-1]


def google_error_body(error: HttpError | httpx.Response, status: int, rpc_status: str) -> dict:
    assert error.status_code == status, error.content
    body = json.loads(error.content)
    assert unknown_keys(body, ERROR_SCHEMA, {}) == []
    assert body["error"]["code"] == status and body["error"]["status"] == rpc_status
    assert body["error"]["message"] and body["error"]["errors"][0]["reason"]
    return body["error"]


def unknown_keys(value: Any, schema: dict, schemas: dict, path: str = "$") -> list[str]:
    """Paths in `value` that the discovery schema does not define (or defines with another type)."""
    if "$ref" in schema:
        schema = schemas[schema["$ref"]]
    kind = schema.get("type")
    if isinstance(value, dict):
        if kind != "object":
            return [f"{path} is an object, the schema says {kind}"]
        problems = []
        for key, item in value.items():
            if key in schema.get("properties", {}):
                problems += unknown_keys(item, schema["properties"][key], schemas, f"{path}.{key}")
            elif "additionalProperties" in schema:
                problems += unknown_keys(item, schema["additionalProperties"], schemas, f"{path}.{key}")
            else:
                problems.append(f"{path}.{key}")
        return problems
    if isinstance(value, list):
        if kind != "array":
            return [f"{path} is an array, the schema says {kind}"]
        return [p for i, item in enumerate(value) for p in unknown_keys(item, schema["items"], schemas, f"{path}[{i}]")]
    expected = {"string": str, "boolean": bool, "integer": int, "number": (int, float)}.get(kind)
    if expected is None or not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
        return [f"{path} is {type(value).__name__}, the schema says {kind}"]
    return []


# -- index arithmetic -------------------------------------------------------------------------------


def test_reindex_reproduces_every_index_of_a_real_documents_get_response():
    """Paragraphs, text runs, tables, rows, cells, section breaks and the footnote segment are
    recomputed from their text; inline objects, the footnote reference, the horizontal rule and
    the equation are opaque and keep their span (the equation's 11 units cannot be derived)."""
    stripped = model.strip_indices(REAL_DOCUMENT, keep=model.is_opaque_element)
    assert "startIndex" not in json.dumps(stripped["body"]["content"][1])
    assert json.dumps(model.reindex(stripped)) == json.dumps(REAL_DOCUMENT)


def test_indices_count_utf16_code_units():
    document = model.legacy_view(
        DocumentBuilder(json.loads((SEED_DIR / "styles.json").read_text())).build("d", "t", ["a👍b", "é"]))
    first, second = document["body"]["content"][1:3]
    assert (first["startIndex"], first["endIndex"]) == (1, 1 + 1 + 2 + 1 + 1)
    assert (second["startIndex"], second["endIndex"]) == (6, 8)


def test_every_seed_document_is_served_with_consistent_indices(gdocs):
    for document_id in DOC_IDS:
        assert_indices_consistent(gdocs.get(document_id))


# -- the seed ----------------------------------------------------------------------------------------


def test_the_seed_is_a_sales_collateral_folder_with_an_archive(gdocs):
    assert SEED.root_folder_id == GDOCS_ROOT_FOLDER_ID
    top = gdocs.drive.files().list(q=f"'{GDOCS_ROOT_FOLDER_ID}' in parents", fields=f"files({FILE_FIELDS})").execute()
    assert [f["name"] for f in top["files"] if f["mimeType"] == FOLDER] == ["Archive"]
    assert len([f for f in top["files"] if f["mimeType"] == DOCUMENT]) == 8
    archived = gdocs.drive.files().list(q=f"'{ARCHIVE_FOLDER}' in parents", fields="files(id,name)").execute()
    assert archived["files"] == [{"id": DECK_2023, "name": "Launch deck script (2023)"}]
    root = gdocs.drive.files().list(q="'root' in parents", fields="files(id,name)").execute()
    assert root["files"] == [{"id": GDOCS_ROOT_FOLDER_ID, "name": "Sales collateral"}]
    assert len(DOC_IDS) == 9 and len(set(DOC_IDS)) == 9
    assert all(len(document_id) == 44 for document_id in DOC_IDS)


def test_the_seed_has_headings_nested_lists_tables_links_and_marks_inside_sentences(gdocs):
    documents = [gdocs.get(document_id) for document_id in DOC_IDS]
    styles = {p["paragraph"]["paragraphStyle"]["namedStyleType"]
              for d in documents for p in paragraphs(d["body"]["content"])}
    assert {"TITLE", "SUBTITLE", "HEADING_1", "HEADING_2", "NORMAL_TEXT"} <= styles
    bullets = [(d, p["paragraph"]["bullet"]) for d in documents for p in paragraphs(d["body"]["content"])
               if "bullet" in p["paragraph"]]
    assert any(b.get("nestingLevel") == 1 for _, b in bullets)
    assert all(b["listId"] in d["lists"] for d, b in bullets)
    assert sum(1 for d in documents for e in d["body"]["content"] if "table" in e) >= 5
    links = [s["link"]["url"] for d in documents for p in paragraphs(d["body"]["content"]) for _, s in runs(p)
             if "link" in s]
    assert "https://fernhill.example/integrations" in links and len(links) >= 8
    subtitle = paragraph_with(gdocs.get(ONE_PAGER), "for your docs, from Fernhill Labs")
    assert runs(subtitle) == [("The ", {}), ("chatbot", {"bold": True}),
                              (" for your docs, from Fernhill Labs\n", {})]


def test_inline_marks_nest_and_links_get_the_editors_link_style():
    assert parse_inline(r"a **b [c *d*](https://x.example) e** \*f") == [
        ("a ", {}),
        ("b ", {"bold": True}),
        ("c ", {**model.link_style("https://x.example"), "bold": True}),
        ("d", {**model.link_style("https://x.example"), "bold": True, "italic": True}),
        (" e", {"bold": True}),
        (" *f", {}),
    ]
    with pytest.raises(ValueError, match="unclosed bold"):
        parse_inline("**never closed")


# -- Drive ---------------------------------------------------------------------------------------------


def test_files_list_pages_through_a_query_with_a_small_page_size(gdocs):
    query = f"'{GDOCS_ROOT_FOLDER_ID}' in parents and trashed = false and mimeType = '{DOCUMENT}'"
    pages, token = [], None
    while True:
        page = gdocs.drive.files().list(q=query, pageSize=2, pageToken=token,
                                        fields=f"nextPageToken, files({FILE_FIELDS})").execute()
        pages.append(page)
        token = page.get("nextPageToken")
        if not token:
            break
    assert [len(p["files"]) for p in pages] == [2, 2, 2, 2]
    files = [f for p in pages for f in p["files"]]
    assert len({f["id"] for f in files}) == 8
    for file in files:
        assert set(file) == set(FILE_FIELDS.split(","))
        assert file["parents"] == [GDOCS_ROOT_FOLDER_ID] and file["trashed"] is False
        assert file["version"].isdigit() and file["modifiedTime"].endswith("Z") and len(file["modifiedTime"]) == 24
    assert set(pages[0]) == {"nextPageToken", "files"}


def test_files_list_query_forms(gdocs):
    def names(q: str) -> set[str]:
        return {f["name"] for f in gdocs.drive.files().list(q=q, fields="files(name)").execute()["files"]}

    not_folders = names(f"mimeType != '{FOLDER}'")
    assert len(not_folders) == 9 and "Archive" not in not_folders
    assert names(f"mimeType = '{FOLDER}'") == {"Sales collateral", "Archive"}
    assert names("trashed = true") == set()
    assert names("name contains 'battlecard' and not name contains 'DocBot'") == {
        "Battlecard: HelpHive vs building it in-house"}
    assert names("(name = 'Sales FAQ' or name = 'Archive') and trashed = false") == {"Sales FAQ", "Archive"}
    assert names("modifiedTime < '2024-01-01T00:00:00Z'") == {"Launch deck script (2023)"}
    gdocs.post("trash", {"id": ARCHIVE_FOLDER})
    assert names("trashed = true") == {"Archive", "Launch deck script (2023)"}
    assert len(names(f"trashed = false and mimeType = '{DOCUMENT}'")) == 8


def test_files_list_accepts_the_shared_drive_parameters_and_order_by(gdocs):
    listed = gdocs.drive.files().list(q="trashed = false", corpora="user", includeItemsFromAllDrives=True,
                                      supportsAllDrives=True, orderBy="name desc", fields="files(name)").execute()
    names = [f["name"] for f in listed["files"]]
    assert names == sorted(names, reverse=True) and len(names) == 11


def test_files_without_fields_get_drives_default_partial_resources(gdocs):
    listed = gdocs.drive.files().list(pageSize=1).execute()
    assert set(listed) == {"kind", "incompleteSearch", "nextPageToken", "files"}
    assert set(listed["files"][0]) == {"kind", "id", "name", "mimeType"}
    assert set(gdocs.drive.files().get(fileId=ONE_PAGER).execute()) == {"kind", "id", "name", "mimeType"}
    full = gdocs.drive.files().get(fileId=ONE_PAGER, fields="*").execute()
    assert full["webViewLink"] == f"https://docs.google.com/document/d/{ONE_PAGER}/edit"
    assert full["lastModifyingUser"]["displayName"] == "Priya Raman" and full["version"] == "184"


@pytest.mark.parametrize("params,location", [
    ({"q": "fullText contains 'x'"}, "q"),
    ({"q": "'abc' in parents and"}, "q"),
    ({"pageSize": 0}, "pageSize"),
    ({"pageToken": "not-a-token"}, "pageToken"),
    ({"orderBy": "size"}, "orderBy"),
])
def test_files_list_refuses_what_drive_refuses_with_400(gdocs, params, location):
    with pytest.raises(HttpError) as caught:
        gdocs.drive.files().list(**params).execute()
    error = google_error_body(caught.value, 400, "INVALID_ARGUMENT")
    assert error["errors"][0]["location"] == location


def test_a_page_token_belongs_to_its_query(gdocs):
    token = gdocs.drive.files().list(pageSize=1).execute()["nextPageToken"]
    with pytest.raises(HttpError) as caught:
        gdocs.drive.files().list(pageSize=1, pageToken=token, q="trashed = false").execute()
    assert caught.value.status_code == 400


def test_fields_use_googles_partial_response_syntax(gdocs):
    listed = gdocs.drive.files().list(pageSize=2, fields="files/id, files(name), nextPageToken").execute()
    assert set(listed) == {"files", "nextPageToken"} and set(listed["files"][0]) == {"id", "name"}
    with pytest.raises(HttpError) as caught:
        gdocs.drive.files().list(fields="files(id").execute()
    assert google_error_body(caught.value, 400, "INVALID_ARGUMENT")["errors"][0]["location"] == "fields"


def test_files_get_of_an_unknown_id_is_404_file_not_found(gdocs):
    with pytest.raises(HttpError) as caught:
        gdocs.drive.files().get(fileId="1nope").execute()
    error = google_error_body(caught.value, 404, "NOT_FOUND")
    assert error["message"] == "File not found: 1nope." and error["errors"][0]["location"] == "fileId"


def test_an_outside_edit_shows_in_changes_as_exactly_that_file(gdocs):
    start = gdocs.drive.changes().getStartPageToken().execute()
    assert start["kind"] == "drive#startPageToken" and start["startPageToken"].isdigit()
    before = gdocs.file(ONE_PAGER)
    edited = gdocs.post("edit", {"id": ONE_PAGER, "find": "Setup in 5 minutes", "replace": "Live in an afternoon"})
    changes = gdocs.drive.changes().list(
        pageToken=start["startPageToken"],
        fields=f"nextPageToken,newStartPageToken,changes(changeType,time,removed,fileId,file({FILE_FIELDS}))",
    ).execute()
    assert [c["fileId"] for c in changes["changes"]] == [ONE_PAGER]
    change = changes["changes"][0]
    assert change["changeType"] == "file" and change["removed"] is False
    assert change["file"]["version"] == edited["version"] == str(int(before["version"]) + 1)
    assert change["file"]["modifiedTime"] == edited["modifiedTime"] == change["time"] > before["modifiedTime"]
    assert "nextPageToken" not in changes
    assert int(changes["newStartPageToken"]) > int(start["startPageToken"])
    again = gdocs.drive.changes().list(pageToken=changes["newStartPageToken"]).execute()
    assert again["changes"] == [] and again["newStartPageToken"] == changes["newStartPageToken"]
    assert gdocs.get(ONE_PAGER)["revisionId"] == edited["revisionId"]


def test_changes_page_and_show_trashed_and_removed_files(gdocs):
    token = gdocs.drive.changes().getStartPageToken().execute()["startPageToken"]
    gdocs.post("edit", {"id": PITCH, "find": "first call", "replace": "discovery call"})
    gdocs.post("edit", {"id": ONE_PAGER, "find": "HelpHive", "replace": "HelpHive"})
    gdocs.post("edit", {"id": PITCH, "find": "discovery call", "replace": "first call"})
    gdocs.post("trash", {"id": DOC_IDS[2]})
    gdocs.post("delete", {"id": DOC_IDS[3]})
    seen, pages = [], 0
    while True:
        page = gdocs.drive.changes().list(pageToken=token, pageSize=1, fields="*").execute()
        pages += 1
        seen += page["changes"]
        if "newStartPageToken" in page:
            break
        token = page["nextPageToken"]
    assert pages == 4, "each file once, at its latest change"
    assert [c["fileId"] for c in seen] == [ONE_PAGER, PITCH, DOC_IDS[2], DOC_IDS[3]]
    assert seen[2]["file"]["trashed"] is True and seen[2]["file"]["explicitlyTrashed"] is True
    assert seen[3]["removed"] is True and "file" not in seen[3]
    without_removed = gdocs.drive.changes().list(pageToken=token, includeRemoved=False).execute()
    assert without_removed["changes"] == []


def test_changes_list_requires_a_page_token(gdocs):
    response = HTTP.get(f"{gdocs.base_url}/drive/v3/changes", headers=AUTH)
    error = google_error_body(response, 400, "INVALID_ARGUMENT")
    assert error["errors"][0] == {"message": "Required parameter: pageToken", "domain": "global",
                                  "reason": "required", "location": "pageToken", "locationType": "parameter"}


# -- Docs: documents.get --------------------------------------------------------------------------------


def test_documents_get_has_the_real_top_level_shape(gdocs):
    document = gdocs.get(ONE_PAGER)
    assert list(document) == ["title", "body", "headers", "footers", "footnotes", "documentStyle", "namedStyles",
                              "lists", "revisionId", "suggestionsViewMode", "documentId"]
    assert document["documentId"] == ONE_PAGER and document["title"] == "HelpHive one-pager"
    assert len(document["revisionId"]) == 86 and document["suggestionsViewMode"] == "SUGGESTIONS_INLINE"
    assert set(document["namedStyles"]["styles"][0]) == {"namedStyleType", "textStyle", "paragraphStyle"}
    table = next(e["table"] for e in document["body"]["content"] if "table" in e)
    assert (table["rows"], table["columns"]) == (4, 3)
    assert [text_of(c["content"][0]) for c in table["tableRows"][1]["tableCells"]] == [
        "HelpHive Starter\n", "$49/mo\n", "Small teams with one help center\n"]


def test_documents_get_honours_fields_and_include_tabs_content(gdocs):
    assert set(gdocs.get(ONE_PAGER, fields="revisionId,title")) == {"revisionId", "title"}
    plain = gdocs.get(ONE_PAGER)
    tabbed = gdocs.get(ONE_PAGER, includeTabsContent=True)
    assert "body" not in tabbed and tabbed["revisionId"] == plain["revisionId"]
    assert tabbed["tabs"][0]["documentTab"]["body"] == plain["body"]
    assert tabbed["tabs"][0]["tabProperties"] == {"tabId": "t.0", "title": "Tab 1"}


def test_documents_get_of_an_unknown_id_is_404_and_of_a_folder_400(gdocs):
    with pytest.raises(HttpError) as caught:
        gdocs.get("1" + "x" * 43)
    google_error_body(caught.value, 404, "NOT_FOUND")
    with pytest.raises(HttpError) as caught:
        gdocs.get(ARCHIVE_FOLDER)
    google_error_body(caught.value, 400, "INVALID_ARGUMENT")


# -- Docs: batchUpdate ------------------------------------------------------------------------------------


def test_a_batch_update_returns_the_new_revision_and_bumps_drive(gdocs):
    document = gdocs.get(ONE_PAGER)
    before = gdocs.file(ONE_PAGER)
    start = gdocs.drive.changes().getStartPageToken().execute()["startPageToken"]
    at = index_of(document, "Fernhill Labs")
    response = gdocs.batch(ONE_PAGER, [{"insertText": {"location": {"index": at}, "text": "the team at "}}],
                           document["revisionId"])
    after = gdocs.get(ONE_PAGER)
    assert response == {"documentId": ONE_PAGER, "replies": [{}],
                        "writeControl": {"requiredRevisionId": after["revisionId"]}}
    assert after["revisionId"] != document["revisionId"]
    assert "from the team at Fernhill Labs" in all_text(after)
    file = gdocs.file(ONE_PAGER)
    assert int(file["version"]) == int(before["version"]) + 1 and file["modifiedTime"] > before["modifiedTime"]
    changes = gdocs.drive.changes().list(pageToken=start, fields="changes(fileId,file(lastModifyingUser))").execute()
    assert changes["changes"] == [{"fileId": ONE_PAGER, "file": {"lastModifyingUser": {
        "kind": "drive#user", "displayName": "copydesk", "me": True, "permissionId": "09216683471250094183",
        "emailAddress": "copydesk@fernhill-labs.iam.gserviceaccount.com"}}}]


def test_inserted_text_takes_the_style_of_the_character_before_it(gdocs):
    document = gdocs.get(ONE_PAGER)
    bold_end = index_of(document, "Setup in 5 minutes") + len("Setup in 5 minutes")
    after_link = index_of(document, " out of the box")
    heading = index_of(document, "Why support teams")
    gdocs.batch(ONE_PAGER, [  # last index first, so each request's index is still right when it applies
        {"insertText": {"location": {"index": heading}, "text": "Ten reasons "}},
        {"insertText": {"location": {"index": after_link}, "text": " natively"}},
        {"insertText": {"location": {"index": bold_end}, "text": " flat"}},
    ])
    after = gdocs.get(ONE_PAGER)
    pieces = dict(runs(paragraph_with(after, "Setup in 5 minutes flat")))
    assert pieces["Setup in 5 minutes flat"] == {"bold": True}
    link = pieces["works with Zendesk and Intercom natively"]
    assert link["link"] == {"url": "https://fernhill.example/integrations"}
    assert runs(paragraph_with(after, "Ten reasons"))[0][0] == "Ten reasons Why support teams choose HelpHive\n"
    assert_indices_consistent(after)


def test_deleting_inside_a_paragraph_shifts_every_later_index(gdocs):
    document = gdocs.get(ONE_PAGER)
    start = index_of(document, "no intents to build, ")
    end = start + len("no intents to build, ")
    later = paragraph_with(document, "Why support teams")
    gdocs.batch(ONE_PAGER, [{"deleteContentRange": {"range": {"startIndex": start, "endIndex": end}}}])
    after = gdocs.get(ONE_PAGER)
    assert "Setup in 5 minutes, and it works with" in all_text(after)
    assert paragraph_with(after, "Why support teams")["startIndex"] == later["startIndex"] - (end - start)
    assert_indices_consistent(after)


def test_update_text_style_splits_runs_and_merges_them_back(gdocs):
    document = gdocs.get(ONE_PAGER)
    start = index_of(document, "customer questions")
    rng = {"startIndex": start, "endIndex": start + len("customer")}
    gdocs.batch(ONE_PAGER, [{"updateTextStyle": {"range": rng, "textStyle": {"bold": True, "italic": True},
                                                 "fields": "bold,italic"}}])
    styled = dict(runs(paragraph_with(gdocs.get(ONE_PAGER), "customer questions")))
    assert styled["customer"] == {"bold": True, "italic": True}
    gdocs.batch(ONE_PAGER, [{"updateTextStyle": {"range": rng, "textStyle": {"bold": False}, "fields": "bold,italic"}}])
    assert gdocs.get(ONE_PAGER)["body"] == document["body"], "bold=false equals the named style: inherited again"


def test_setting_a_link_underlines_and_colours_it_and_removing_it_restores_the_text(gdocs):
    document = gdocs.get(PITCH)
    start = index_of(document, "Globex")
    rng = {"startIndex": start, "endIndex": start + len("Globex")}
    gdocs.batch(PITCH, [{"updateTextStyle": {"range": rng, "textStyle": {"link": {"url": "https://globex.example"}},
                                             "fields": "link"}}])
    linked = dict(runs(paragraph_with(gdocs.get(PITCH), "Globex")))["Globex"]
    assert linked == model.link_style("https://globex.example")
    gdocs.batch(PITCH, [{"updateTextStyle": {"range": rng, "textStyle": {}, "fields": "link"}}])
    assert gdocs.get(PITCH)["body"] == document["body"]


def test_replace_all_text_counts_matches_and_keeps_the_first_characters_style(gdocs):
    document = gdocs.get(ONE_PAGER)
    response = gdocs.batch(ONE_PAGER, [
        {"replaceAllText": {"containsText": {"text": "setup in 5 minutes", "matchCase": False},
                            "replaceText": "Live in an afternoon"}},
        {"replaceAllText": {"containsText": {"text": "chatbot", "matchCase": True},
                            "replaceText": "AI support engineer"}},
        {"replaceAllText": {"containsText": {"text": "Chatbot", "matchCase": True}, "replaceText": "x"}},
    ], document["revisionId"])
    assert response["replies"] == [{"replaceAllText": {"occurrencesChanged": 2}},
                                   {"replaceAllText": {"occurrencesChanged": 4}},  # body 2, header, footnote
                                   {"replaceAllText": {}}]
    after = gdocs.get(ONE_PAGER)
    assert runs(paragraph_with(after, "from Fernhill Labs"))[1] == ("AI support engineer", {"bold": True})
    assert ("Live in an afternoon", {"bold": True}) in runs(paragraph_with(after, "no intents"))
    assert ("Live in an afternoon", {"italic": True}) in runs(paragraph_with(after, "for most teams"))
    assert "Setup in 5" not in all_text(after) and "chatbot" not in all_text(after)
    assert_indices_consistent(after)


def test_replace_all_text_reaches_table_cells(gdocs):
    response = gdocs.batch(ONE_PAGER, [{"replaceAllText": {"containsText": {"text": "$199/mo", "matchCase": True},
                                                           "replaceText": "$249/mo"}}])
    assert response["replies"] == [{"replaceAllText": {"occurrencesChanged": 1}}]
    assert_indices_consistent(gdocs.get(ONE_PAGER))


def test_inserting_a_newline_splits_a_list_item_into_two(gdocs):
    document = gdocs.get(ONE_PAGER)
    item = paragraph_with(document, "Every answer links the article")
    at = index_of(document, ", so agents")
    gdocs.batch(ONE_PAGER, [{"insertText": {"location": {"index": at}, "text": "\n"}}])
    after = gdocs.get(ONE_PAGER)
    first, second = paragraph_with(after, "Every answer links"), paragraph_with(after, ", so agents")
    assert text_of(first) == "Every answer links the article it came from\n"
    assert first["paragraph"]["bullet"] == second["paragraph"]["bullet"] == item["paragraph"]["bullet"]
    assert second["startIndex"] == first["endIndex"] == at + 1
    assert_indices_consistent(after)


def test_edits_count_utf16_code_units_around_an_emoji(gdocs):
    document = gdocs.get(PITCH)
    emoji = index_of(document, "👍")
    gdocs.batch(PITCH, [{"insertText": {"location": {"index": emoji + 2}, "text": "!"}}])
    assert "rated 👍! on 50" in all_text(gdocs.get(PITCH))
    with pytest.raises(HttpError) as caught:
        gdocs.batch(PITCH, [{"deleteContentRange": {"range": {"startIndex": emoji, "endIndex": emoji + 1}}}])
    assert "surrogate pair" in google_error_body(caught.value, 400, "INVALID_ARGUMENT")["message"]
    gdocs.batch(PITCH, [{"deleteContentRange": {"range": {"startIndex": emoji, "endIndex": emoji + 3}}}])
    assert "rated  on 50" in all_text(gdocs.get(PITCH))


def test_a_stale_required_revision_id_is_400_and_applies_nothing(gdocs):
    document = gdocs.get(ONE_PAGER)
    gdocs.post("edit", {"id": ONE_PAGER, "find": "Setup in 5 minutes", "replace": "Live in an afternoon"})
    edited = gdocs.get(ONE_PAGER)
    version = gdocs.file(ONE_PAGER)["version"]
    with pytest.raises(HttpError) as caught:
        gdocs.batch(ONE_PAGER, [{"insertText": {"location": {"index": 1}, "text": "x"}}], document["revisionId"])
    error = google_error_body(caught.value, 400, "FAILED_PRECONDITION")
    assert "required revision" in error["message"]
    assert gdocs.get(ONE_PAGER) == edited and gdocs.file(ONE_PAGER)["version"] == version


def test_an_invalid_request_in_the_middle_of_a_batch_applies_nothing(gdocs):
    document = gdocs.get(ONE_PAGER)
    heading = paragraph_with(document, "Why support teams")
    with pytest.raises(HttpError) as caught:
        gdocs.batch(ONE_PAGER, [
            {"insertText": {"location": {"index": 1}, "text": "Fernhill "}},
            {"deleteContentRange": {"range": {"startIndex": heading["startIndex"] + 5,
                                              "endIndex": heading["endIndex"] + 3}}},
            {"replaceAllText": {"containsText": {"text": "HelpHive"}, "replaceText": "Hive"}},
        ], document["revisionId"])
    error = google_error_body(caught.value, 400, "INVALID_ARGUMENT")
    assert error["message"].startswith("Invalid requests[1].deleteContentRange: ")
    assert gdocs.get(ONE_PAGER) == document
    assert gdocs.stats()["routes"]["POST /v1/documents/{id}:batchUpdate"] == 1


def _table_start(document: dict) -> int:
    return next(e["startIndex"] for e in document["body"]["content"] if "table" in e)


@pytest.mark.parametrize("request_of,message", [
    (lambda d: {"insertText": {"location": {"index": _table_start(d)}, "text": "x"}},
     "insertText: The insertion index must be inside the bounds of an existing paragraph."),
    (lambda d: {"insertText": {"location": {"index": d["body"]["content"][-1]["endIndex"]}, "text": "x"}},
     "must be less than the end index of the referenced segment"),
    (lambda d: {"insertText": {"location": {"index": 5}, "text": ""}}, "must specify text to insert"),
    (lambda d: {"deleteContentRange": {"range": {"startIndex": d["body"]["content"][-1]["endIndex"] - 2,
                                                 "endIndex": d["body"]["content"][-1]["endIndex"]}}},
     "The range cannot include the newline character at the end of the segment."),
    (lambda d: {"deleteContentRange": {"range": {"startIndex": 5, "endIndex": 5}}}, "should not be empty"),
    (lambda d: {"deleteContentRange": {"range": {"startIndex": _table_start(d), "endIndex": _table_start(d) + 4}}},
     "not inside a paragraph"),
    (lambda d: {"updateTextStyle": {"range": {"startIndex": 1, "endIndex": 4}, "textStyle": {"bold": True}}},
     "At least one field must be listed in 'fields'"),
    (lambda d: {"updateTextStyle": {"range": {"startIndex": 1, "endIndex": 4}, "textStyle": {}, "fields": "bolt"}},
     "Invalid field mask path: bolt"),
    (lambda d: {"replaceAllText": {"containsText": {"text": ""}, "replaceText": "x"}}, "cannot be empty"),
    (lambda d: {"insertTable": {"rows": 1, "columns": 1, "location": {"index": 1}}},
     "the copydesk sandbox does not implement insertTable"),
    (lambda d: {"insertText": {"location": {"index": 1, "segmentId": "kix.header"}, "text": "x"}},
     "The segment with ID 'kix.header' does not exist."),
])
def test_invalid_requests_are_refused_with_googles_message(gdocs, request_of, message):
    document = gdocs.get(ONE_PAGER)
    with pytest.raises(HttpError) as caught:
        gdocs.batch(ONE_PAGER, [request_of(document)])
    error = google_error_body(caught.value, 400, "INVALID_ARGUMENT")
    assert error["message"].startswith("Invalid requests[0].") and message in error["message"]
    assert gdocs.get(ONE_PAGER) == document


def test_a_batch_without_requests_is_400(gdocs):
    with pytest.raises(HttpError) as caught:
        gdocs.batch(ONE_PAGER, [])
    google_error_body(caught.value, 400, "INVALID_ARGUMENT")


# -- auth ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/drive/v3/files", f"/v1/documents/{ONE_PAGER}", "/v1/nothing-here"])
@pytest.mark.parametrize("header", ["Bearer ya29.wrong", f"Basic {GDOCS_SANDBOX_TOKEN}", None])
def test_a_wrong_or_missing_token_is_401_with_googles_body(gdocs, path, header):
    response = HTTP.get(f"{gdocs.base_url}{path}", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.json() == {"error": {
        "code": 401,
        "message": "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie "
                   "or other valid authentication credential. See "
                   "https://developers.google.com/identity/sign-in/web/devconsole-project.",
        "errors": [{"message": "Invalid Credentials", "domain": "global", "reason": "authError",
                    "location": "Authorization", "locationType": "header"}],
        "status": "UNAUTHENTICATED"}}
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")


def test_the_sdk_meets_a_401_by_trying_to_refresh_its_credentials(gdocs):
    """google-auth retries a 401 once after a refresh; a bare access token cannot refresh."""
    docs = build("docs", "v1", credentials=Credentials(token="ya29.wrong"), static_discovery=True,
                 client_options={"api_endpoint": f"{gdocs.base_url}/"})
    with pytest.raises(RefreshError):
        docs.documents().get(documentId=ONE_PAGER).execute()


# -- Google's schemas --------------------------------------------------------------------------------------


def test_every_key_the_sandbox_answers_with_is_in_googles_discovery_schema(gdocs):
    document = gdocs.get(ONE_PAGER)
    reply = gdocs.batch(ONE_PAGER, [
        {"replaceAllText": {"containsText": {"text": "HelpHive"}, "replaceText": "HelpHive"}},
        {"updateTextStyle": {"range": {"startIndex": 2, "endIndex": 4}, "textStyle": {"italic": True},
                             "fields": "italic"}},
    ], document["revisionId"])
    token = gdocs.drive.changes().getStartPageToken().execute()
    gdocs.post("trash", {"id": DOC_IDS[1]})
    gdocs.post("delete", {"id": DOC_IDS[2]})
    checks = [(gdocs.get(d), "Document", DOCS_SCHEMAS) for d in DOC_IDS if d != DOC_IDS[2]]
    checks += [
        (gdocs.get(ONE_PAGER, includeTabsContent=True), "Document", DOCS_SCHEMAS),
        (reply, "BatchUpdateDocumentResponse", DOCS_SCHEMAS),
        (gdocs.drive.files().list(fields="*", pageSize=3).execute(), "FileList", DRIVE_SCHEMAS),
        (gdocs.drive.files().get(fileId=DOC_IDS[1], fields="*").execute(), "File", DRIVE_SCHEMAS),
        (token, "StartPageToken", DRIVE_SCHEMAS),
        (gdocs.drive.changes().list(pageToken=token["startPageToken"], fields="*").execute(), "ChangeList",
         DRIVE_SCHEMAS),
        (gdocs.drive.changes().list(pageToken="1", pageSize=2).execute(), "ChangeList", DRIVE_SCHEMAS),
    ]
    for payload, schema, schemas in checks:
        assert unknown_keys(payload, {"$ref": schema}, schemas) == [], schema


def test_the_checker_catches_a_key_google_does_not_define():
    assert unknown_keys({"title": "t", "body": {"content": [{"paragraf": {}}]}}, {"$ref": "Document"},
                        DOCS_SCHEMAS) == ["$.body.content[0].paragraf"]
    assert unknown_keys({"version": 3}, {"$ref": "File"}, DRIVE_SCHEMAS) == ["$.version is int, the schema says string"]


# -- rate limits, faults, stats ------------------------------------------------------------------------------


def test_docs_reads_beyond_the_rate_get_429_resource_exhausted(gdocs):
    assert (GDOCS_RATE_READS_PER_MINUTE, GDOCS_RATE_WRITES_PER_MINUTE) == (300, 60)
    result = gdocs.post("rate_limit", {"enabled": True, "reads_per_minute": 180, "window_seconds": 1})
    assert result["rate_limit"]["docs_read"] == {"per_minute": 180, "window_seconds": 1}
    responses = [HTTP.get(f"{gdocs.base_url}/v1/documents/{ONE_PAGER}", headers=AUTH) for _ in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429, 429]
    error = google_error_body(responses[-1], 429, "RESOURCE_EXHAUSTED")
    assert error["errors"][0]["reason"] == "rateLimitExceeded" and "Read requests" in error["message"]
    assert "Retry-After" not in responses[-1].headers
    assert HTTP.get(f"{gdocs.base_url}/drive/v3/files", headers=AUTH).status_code == 200
    assert gdocs.stats()["rate_limited"] == 2


def test_docs_writes_have_their_own_budget(gdocs):
    gdocs.post("rate_limit", {"enabled": True, "writes_per_minute": 60, "window_seconds": 1})
    request = [{"insertText": {"location": {"index": 1}, "text": "x"}}]
    gdocs.batch(ONE_PAGER, request)
    with pytest.raises(HttpError) as caught:
        gdocs.batch(ONE_PAGER, request)
    assert "Write requests" in google_error_body(caught.value, 429, "RESOURCE_EXHAUSTED")["message"]
    gdocs.get(ONE_PAGER)


def test_drive_beyond_its_rate_gets_403_user_rate_limit_exceeded(gdocs):
    gdocs.post("rate_limit", {"enabled": True, "drive_per_minute": 120, "window_seconds": 1})
    gdocs.drive.files().list().execute()
    gdocs.drive.files().list().execute()
    with pytest.raises(HttpError) as caught:
        gdocs.drive.files().list().execute()
    error = google_error_body(caught.value, 403, "PERMISSION_DENIED")
    assert error["errors"][0] == {"message": "User Rate Limit Exceeded", "domain": "usageLimits",
                                  "reason": "userRateLimitExceeded"}


def test_the_default_limits_are_googles_per_user_budgets():
    sandbox = GdocsSandbox.from_seed_dir(SEED_DIR, rate_limits=google_rate_limits())
    limits = {name: (round(limit.rate * 60), limit.window_seconds, limit.status, limit.retry_after)
              for name, limit in sandbox.harness.rate_limits.items()}
    assert limits == {"docs_read": (300, 60, 429, None), "docs_write": (60, 60, 429, None),
                      "drive": (12000, 60, 403, None)}


def test_the_server_mounts_gdocs_after_notion(sandbox_server):
    assert [(e.tool, e.base_url) for e in sandbox_server.endpoints()][:2] == [
        ("notion", f"{sandbox_server.url}/notion"), ("gdocs", f"{sandbox_server.url}/gdocs")]
    response = HTTP.get(f"{sandbox_server.url}/nosuchtool/v1/things")
    assert response.status_code == 404 and "/notion, /gdocs and /webflow" in response.text


def test_faults_answer_with_googles_bodies_and_can_target_a_route(gdocs):
    gdocs.post("faults", {"status": 503, "match": "POST /v1/documents"})
    gdocs.get(ONE_PAGER)
    with pytest.raises(HttpError) as caught:
        gdocs.batch(ONE_PAGER, [{"insertText": {"location": {"index": 1}, "text": "x"}}])
    error = google_error_body(caught.value, 503, "UNAVAILABLE")
    assert error["errors"][0]["reason"] == "backendError"
    gdocs.post("faults", {"status": 429, "code": "rateLimitExceeded", "retry_after": 2})
    response = HTTP.get(f"{gdocs.base_url}/drive/v3/files", headers=AUTH)
    google_error_body(response, 429, "RESOURCE_EXHAUSTED")
    assert response.headers["Retry-After"] == "2"
    assert gdocs.stats()["faults_served"] == 2


def test_stats_count_api_calls_per_route_and_not_admin_calls(gdocs):
    gdocs.drive.files().list().execute()
    gdocs.drive.files().get(fileId=ONE_PAGER).execute()
    token = gdocs.drive.changes().getStartPageToken().execute()["startPageToken"]
    gdocs.drive.changes().list(pageToken=token).execute()
    gdocs.get(ONE_PAGER)
    gdocs.batch(ONE_PAGER, [{"insertText": {"location": {"index": 1}, "text": "x"}}])
    gdocs.post("edit", {"id": ONE_PAGER, "find": "HelpHive", "replace": "HelpHive"})
    stats = gdocs.stats()
    assert stats["routes"] == {
        "GET /drive/v3/changes": 1, "GET /drive/v3/changes/startPageToken": 1, "GET /drive/v3/files": 1,
        "GET /drive/v3/files/{id}": 1, "GET /v1/documents/{id}": 1, "POST /v1/documents/{id}:batchUpdate": 1,
    }
    assert (stats["total"], stats["rate_limited"], stats["faults_served"], stats["rate_limit"]) == (6, 0, 0, None)


# -- admin ----------------------------------------------------------------------------------------------------


def test_an_outside_edit_keeps_the_runs_around_it(gdocs):
    document = gdocs.get(ONE_PAGER)
    original = runs(paragraph_with(document, "no intents to build"))
    gdocs.post("edit", {"id": ONE_PAGER, "find": "in 5 minutes, no", "replace": "in an afternoon, and no"})
    edited = runs(paragraph_with(gdocs.get(ONE_PAGER), "no intents to build"))
    assert edited[:3] == original[:3]
    assert edited[3] == ("Setup in an afternoon", {"bold": True})
    assert edited[4][0].startswith(", and no intents") and edited[5:] == original[5:]
    assert gdocs.file(ONE_PAGER)["version"] == "185"
    assert gdocs.drive.files().get(fileId=ONE_PAGER, fields="lastModifyingUser(displayName)").execute() == {
        "lastModifyingUser": {"displayName": "Jordan Lee"}}


def test_edit_is_404_when_the_text_or_the_document_is_not_found(gdocs):
    for body in ({"id": ONE_PAGER, "find": "no such words anywhere", "replace": "x"},
                 {"id": ARCHIVE_FOLDER, "find": "HelpHive", "replace": "x"}):
        response = HTTP.post(f"{gdocs.base_url}/_sandbox/edit", json=body)
        assert response.status_code == 404 and "error" in response.json()


def test_reset_restores_the_seed_and_clears_stats(gdocs):
    seeded = gdocs.get(ONE_PAGER)
    gdocs.post("edit", {"id": ONE_PAGER, "find": "HelpHive", "replace": "Hive"})
    gdocs.post("delete", {"id": PITCH})
    assert gdocs.post("reset") == {"reset": True, "files": 11, "documents": 9}
    assert gdocs.stats()["total"] == 0
    assert gdocs.get(ONE_PAGER) == seeded
    assert gdocs.get(PITCH)["documentId"] == PITCH


def test_generate_replaces_the_drive_with_synthetic_docs_in_the_same_top_folder(gdocs):
    assert gdocs.post("generate", {"docs": 30}) == {"docs": 30, "folder_id": GDOCS_ROOT_FOLDER_ID}
    listed = gdocs.drive.files().list(q=f"'{GDOCS_ROOT_FOLDER_ID}' in parents", pageSize=1000,
                                      fields="files(id,name)").execute()["files"]
    assert len(listed) == 30 and listed[0]["name"] == "Synthetic collateral 00001"
    document = gdocs.get(listed[0]["id"])
    assert "chatbot" in all_text(document).lower() or "Setup in 5 minutes" in all_text(document)
    assert_indices_consistent(document)
    with pytest.raises(HttpError):
        gdocs.get(ONE_PAGER)


def test_a_generated_drive_is_the_same_for_the_same_seed(gdocs):
    gdocs.post("generate", {"docs": 3, "seed": 11})
    first = [gdocs.get(f["id"]) for f in gdocs.drive.files().list(q=f"mimeType = '{DOCUMENT}'").execute()["files"]]
    gdocs.post("generate", {"docs": 3, "seed": 11})
    second = [gdocs.get(f["id"]) for f in gdocs.drive.files().list(q=f"mimeType = '{DOCUMENT}'").execute()["files"]]
    assert first == second and len(first) == 3


def test_batch_update_on_a_copy_never_touches_the_stored_document():
    document = SEED.documents[ONE_PAGER]
    snapshot = copy.deepcopy(document)
    model.apply_batch(document, [{"insertText": {"location": {"index": 1}, "text": "x\ny"}}])
    with pytest.raises(model.InvalidRequest):
        model.apply_batch(document, [{"insertText": {"location": {"index": 1}, "text": "x"}}, {"bad": {}}])
    assert document == snapshot


def test_a_hanging_fault_answers_late(gdocs):
    gdocs.post("faults", {"status": 0, "hang": 0.3, "match": "GET /drive"})
    started = time.monotonic()
    gdocs.drive.files().list().execute()
    assert time.monotonic() - started >= 0.25
