"""Build the Google Docs cassettes (fixtures/cassettes/gdocs/) from Google's published examples.

There is no Google account here, so nothing is recorded from Google. The response bodies are
the REAL documents.get response, the DERIVED Drive examples and the error envelopes collected in
/work/shared/api-examples/{gdocs,gdrive} (their SOURCES.md gives provenance), plus the 401
example from Google's Drive documentation. The requests are not typed by hand: this script runs
the real `GDocsConnector` (google-api-python-client, static discovery, httplib2) against Google's
own endpoints (base_url ""), answers each request in-process with the next planned body and
keeps what the SDK sent, without the Authorization header. Every change to a source body is
listed in `Bodies.changes` below, in the cassette's header comment and in SOURCES.md.

    .venv/bin/python scripts/author_gdocs_cassettes.py            # write the cassettes
    .venv/bin/python scripts/author_gdocs_cassettes.py --check    # exit 1 if a cassette differs
    .venv/bin/python scripts/author_gdocs_cassettes.py --examples /path/to/api-examples
"""

from __future__ import annotations

import copy
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import httplib2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import cassette_authoring as authoring  # noqa: E402
from cassette_authoring import Interaction, NullJournal, cassette_text, checked_sources, expect, serialise  # noqa: E402

from connectors.document import DocumentRef, Edit  # noqa: E402
from connectors.errors import AuthError, RemoteError  # noqa: E402
from connectors.gdocs import GDocsConnector, credentials_from  # noqa: E402
from connectors.pacing import RetryPolicy  # noqa: E402

OUT = ROOT / "fixtures" / "cassettes" / "gdocs"
DEFAULT_EXAMPLES = Path("/work/shared/api-examples")

# The source files and the sha256[:16] their SOURCES.md gives: a changed source stops the script.
SOURCE_FILES = {
    "document": ("gdocs/document_get.json", "cbd1bd0a3c597bf8"),
    "batch_response": ("gdocs/batch_update.response.derived.json", "99f4b793b9059ce7"),
    "files_list": ("gdrive/files_list.derived.json", "e78f4c9725e70eb7"),
    "start_token": ("gdrive/changes_getStartPageToken.derived.json", "014137a3a5a645f1"),
    "changes_page1": ("gdrive/changes_list_page1.derived.json", "9fa5a82cc24f8e04"),
    "changes_last": ("gdrive/changes_list_last_page.derived.json", "ef0bb4c09d67e519"),
    "revisions": ("gdrive/revisions_list.derived.json", "6765dae4f0582e17"),
    "error_403_user_rate": ("gdrive/errors/403_userRateLimitExceeded.gapi_tests.json", "d11d28712ea3c461"),
    "error_500": ("gdrive/errors/500_internalError.gapi_tests.json", "67e2e51b5fc446d9"),
    "error_503": ("gdrive/errors/503_backendError.gapi_tests.json", "6722d3c6967cfc5b"),
}
LABELS = {
    "document": "REAL documents.get response (googleworkspace/google-docs-hast e2e/__fixtures__/complete.json)",
    "batch_response": "DERIVED from the docs.v1 discovery schema BatchUpdateDocumentResponse",
    "files_list": "DERIVED from the drive.v3 discovery schema FileList/File",
    "start_token": "DERIVED from the drive.v3 discovery schema StartPageToken",
    "changes_page1": "DERIVED from the drive.v3 discovery schema ChangeList/Change (a page with nextPageToken)",
    "changes_last": "DERIVED from the drive.v3 discovery schema ChangeList (the last page, newStartPageToken)",
    "revisions": "DERIVED from the drive.v3 discovery schema RevisionList/Revision/User",
    "error_403_user_rate": ("google-api-python-client 2.202.0 tests/test_http.py "
                            "USER_RATE_LIMIT_EXCEEDED_RESPONSE_NO_STATUS"),
    "error_500": "google-api-python-client 2.202.0 tests/data/500.json",
    "error_503": "google-api-python-client 2.202.0 tests/data/503.json",
}

# Not in /work/shared: the 401 example of Google's Drive documentation, "Handling API Errors",
# section "401: Invalid Credentials" (https://developers.google.com/drive/api/v3/handle-errors, as
# mirrored at https://developers.google.cn/drive/v3/web/handle-errors). The page's sample has a
# trailing comma after "location": "Authorization", which is not JSON; it is dropped here.
ERROR_401_DOCS = {
    "error": {
        "errors": [
            {
                "domain": "global",
                "reason": "authError",
                "message": "Invalid Credentials",
                "locationType": "header",
                "location": "Authorization",
            }
        ],
        "code": 401,
        "message": "Invalid Credentials",
    }
}

# Ids of the Drive examples; the REAL document is given the examples' document id (Bodies.changes).
DOC_ID = "1EXAMPLEdocIdAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
FOLDER_ID = "1EXAMPLEfolderIdBBBBBBBBBBBBBBBBB"
REAL_DOC_ID = "1H0K9KhoUTgcn0b8QbEhKiGcX88DSg0WEQDdyh_cVDVI"
TOKEN = "ya29.cassette-authoring"  # never written: the Authorization header is dropped
PAGE_SIZE = 2  # the page size of the Drive examples' own requests
EDIT = Edit(block_id="p0017", before="BoldItalicsUnderlineRedCyan", after="BoldItalicsUnderlineRedTeal")
REASONS = {200: "OK", 401: "Unauthorized", 403: "Forbidden", 500: "Internal Server Error",
           503: "Service Unavailable"}
CONTENT_TYPE = "application/json; charset=UTF-8"
# Request headers kept in the cassettes (x-goog-api-client is left out: it names the Python version).
KEPT_REQUEST_HEADERS = ("accept", "content-type", "user-agent")


# -- bodies ------------------------------------------------------------------------------------


def load_sources(examples: Path) -> dict[str, Any]:
    """The source bodies, with our `_`-prefixed note keys (`_request`) dropped."""
    return {name: {k: v for k, v in data.items() if not k.startswith("_")}
            for name, data in checked_sources(SOURCE_FILES, examples).items()}


def _replace_run(document: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """The document with one text run's content changed (same UTF-16 length: no index moves)."""
    assert len(old.encode("utf-16-le")) == len(new.encode("utf-16-le"))
    edited = copy.deepcopy(document)
    runs = [e["textRun"] for item in edited["body"]["content"] if "paragraph" in item
            for e in item["paragraph"]["elements"] if e.get("textRun", {}).get("content") == old]
    assert len(runs) == 1, f"{old!r} is not exactly one run"
    runs[0]["content"] = new
    return edited


# The content fields a tab holds (schema DocumentTab): with includeTabsContent=true they move
# from the top level into tabs[].documentTab (the includeTabsContent parameter's description).
TAB_KEYS = ("body", "documentStyle", "namedStyles", "lists", "footnotes", "headers", "footers", "inlineObjects",
            "positionedObjects", "namedRanges", "suggestedDocumentStyleChanges", "suggestedNamedStylesChanges")


def _as_tabs(document: dict[str, Any]) -> dict[str, Any]:
    """The older-shape response as `includeTabsContent=true` serves the same one-tab document:
    its content fields in `tabs[0].documentTab`, the tab named as the editor names a first tab."""
    tab = {key: value for key, value in document.items() if key in TAB_KEYS}  # in the response's order
    rest = {key: value for key, value in document.items() if key not in TAB_KEYS}
    return {"title": rest.pop("title"), "tabs": [{"tabProperties": {"tabId": "t.0", "title": "Tab 1"},
                                                  "documentTab": tab}], **rest}


@dataclass
class Bodies:
    """Every response body a cassette uses, and what was changed in it (`changes`)."""

    raw: dict[str, Any]
    changes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        raw = self.raw
        self.document = {**raw["document"], "documentId": DOC_ID}
        self.changes["document"] = (f"`documentId` {REAL_DOC_ID} → {DOC_ID} (the Drive examples' Google Doc), so "
                                    "the listing, the fetch and the write name one document")
        self.document_after = _replace_run(self.document, "BoldItalicsUnderlineRedCyan\n",
                                           "BoldItalicsUnderlineRedTeal\n")
        self.document_after["revisionId"] = raw["batch_response"]["writeControl"]["requiredRevisionId"]
        self.document, self.document_after = _as_tabs(self.document), _as_tabs(self.document_after)
        tabs_note = ("; served in the `includeTabsContent=true` shape the connector asks for: the content fields "
                     "(body, documentStyle, namedStyles, lists, footnotes, inlineObjects) moved unchanged into "
                     "`tabs[0].documentTab`, with `tabProperties` `{\"tabId\": \"t.0\", \"title\": \"Tab 1\"}` (a "
                     "one-tab document's first tab; the parameter's description in discovery_docs.v1.json)")
        self.changes["document"] += tabs_note
        self.changes["document_after"] = (
            "the REAL document (with the documentId above) after the write: the one run "
            "`BoldItalicsUnderlineRedCyan\\n` reads `BoldItalicsUnderlineRedTeal\\n` (same length, so no index "
            "moves and the run keeps its style), and `revisionId` is the batchUpdate response's "
            "writeControl.requiredRevisionId (EXAMPLE_NEW_REVISION_ID_AFTER_UPDATE)" + tabs_note)
        self.batch_response = copy.deepcopy(raw["batch_response"])
        self.batch_response["replies"] = [{}, {}, {}]
        self.changes["batch_response"] = (
            "`replies[0]` `{\"replaceAllText\":{\"occurrencesChanged\":2}}` → `{}`: replies line up 1:1 with the "
            "requests, and copydesk's three (deleteContentRange, insertText, updateTextStyle) have no reply, "
            "which the schema gives as `{}`")
        # Drive's `lastModifyingUser` (schema User), which the connector's mask asks for as
        # lastModifyingUser(displayName,emailAddress): the Drive examples were asked without it, so the
        # Google Doc's entries get the User of revisions_list.derived.json, cut down to those two fields.
        user = raw["revisions"]["revisions"][-1]["lastModifyingUser"]
        self.editor = {key: user[key] for key in ("displayName", "emailAddress")}
        added = (f"the Google Doc (`{DOC_ID}`) gets `lastModifyingUser` "
                 f"`{serialise(self.editor).decode()}`: `revisions[1].lastModifyingUser` of "
                 "`revisions_list.derived.json` (the same document's latest revision) cut to the connector's mask "
                 "`lastModifyingUser(displayName,emailAddress)`, added after the file's last key")
        self.files_page1 = copy.deepcopy(raw["files_list"])
        assert self.files_page1["files"][0]["id"] == DOC_ID
        self.files_page1["files"][0]["lastModifyingUser"] = self.editor
        self.changes["files_list"] = f"`files[0]`: {added}; the folder (`files[1]`) gets none (the field is optional)"
        self.changes_page1 = copy.deepcopy(raw["changes_page1"])
        assert self.changes_page1["changes"][0]["file"]["id"] == DOC_ID
        self.changes_page1["changes"][0]["file"]["lastModifyingUser"] = self.editor
        self.changes["changes_page1"] = f"`changes[0].file`: {added}"
        self.files_last = {"kind": "drive#fileList", "incompleteSearch": False, "files": []}
        self.changes["files_last"] = (
            "DERIVED here from `files_list.derived.json`: the same envelope as the last page, i.e. no "
            "`nextPageToken` and an empty `files` (Drive's last page of a listing that ended on a page boundary)")
        self.file_before = self.files_page1["files"][0]
        self.changes["file_before"] = ("`files[0]` of `files_list.derived.json` (version 42), served as files.get; "
                                       + added)
        self.file_after = self.changes_page1["changes"][0]["file"]
        self.changes["file_after"] = ("`changes[0].file` of `changes_list_page1.derived.json` (version 43, the "
                                      "document after a change), served as files.get; " + added)


# -- driving the real connector against planned answers ------------------------------------------


class Planned:
    """Stands in for the network under httplib2: answers the SDK's requests in order and keeps them."""

    def __init__(self, answers: list[Interaction]) -> None:
        self.answers = answers
        self.position = 0

    def request(self, http: Any, uri: str, method: str = "GET", body: Any = None, headers: Any = None,
                *args: Any, **kwargs: Any) -> tuple[httplib2.Response, bytes]:
        if self.position >= len(self.answers):
            raise AssertionError(f"unplanned request {method} {uri}")
        answer = self.answers[self.position]
        self.position += 1
        kept = {name.lower(): [str(value)] for name, value in (headers or {}).items()
                if name.lower() in KEPT_REQUEST_HEADERS}
        answer.request = {"method": method, "uri": uri, "body": body.decode() if isinstance(body, bytes) else body,
                          "headers": dict(sorted(kept.items()))}
        content = serialise(answer.body)
        response = httplib2.Response({"status": str(answer.status), "content-type": CONTENT_TYPE,
                                      "content-length": str(len(content))})
        response.reason = REASONS[answer.status]
        return response, content


@contextmanager
def planned(answers: list[Interaction]) -> Iterator[Planned]:
    plan = Planned(answers)
    original = httplib2.Http.request
    httplib2.Http.request = lambda http, *a, **k: plan.request(http, *a, **k)  # type: ignore[method-assign]
    try:
        yield plan
    finally:
        httplib2.Http.request = original  # type: ignore[method-assign]
    if plan.position != len(answers):
        raise AssertionError(f"the connector made {plan.position} of {len(answers)} planned requests")


def connector(**overrides: Any) -> GDocsConnector:
    options = {"folders": [FOLDER_ID], "rate": None, "page_size": PAGE_SIZE,
               "retry": RetryPolicy(attempts=3, backoff=0, max_wait=0, sleep=lambda seconds: None)} | overrides
    return GDocsConnector(credentials_from(token=TOKEN), **options)


def ref(version: str = "") -> DocumentRef:
    return DocumentRef(source="gdocs", remote_id=DOC_ID, kind="document", remote_version=version)


@dataclass
class Scenario:
    name: str
    about: str
    answers: Callable[[Bodies], list[Interaction]]
    run: Callable[[], None]


SCENARIOS = [
    Scenario(
        "full_listing",
        "Full listing of one folder: changes.getStartPageToken, then files.list over two pages (pageSize 2)",
        lambda b: [Interaction(200, b.raw["start_token"], "start_token"),
                   Interaction(200, b.files_page1, "files_list"),
                   Interaction(200, b.files_last, "files_last")],
        lambda: list(connector().list_changed(None)),
    ),
    Scenario(
        "incremental_listing",
        "Incremental listing from page token 1234: changes.list over two pages (pageSize 2)",
        lambda b: [Interaction(200, b.changes_page1, "changes_page1"),
                   Interaction(200, b.raw["changes_last"], "changes_last")],
        lambda: list(connector().list_changed("1234")),
    ),
    Scenario(
        "fetch_document",
        "files.get (a ref without a version asks Drive first), then documents.get of the REAL document",
        lambda b: [Interaction(200, b.file_before, "file_before"),
                   Interaction(200, b.document, "document")],
        lambda: connector().fetch(ref()),
    ),
    Scenario(
        "apply_batch_update",
        "apply: documents.get, one batchUpdate with requiredRevisionId, then files.get and documents.get "
        "of the written document",
        lambda b: [Interaction(200, b.document, "document"),
                   Interaction(200, b.batch_response, "batch_response"),
                   Interaction(200, b.file_after, "file_after"),
                   Interaction(200, b.document_after, "document_after")],
        lambda: connector().apply(ref("42"), [EDIT], NullJournal()),
    ),
    Scenario(
        "error_403_rate_limit_then_200",
        "changes.list answered 403 userRateLimitExceeded (Drive's rate limit, no Retry-After), then the same "
        "request answered 200, then the last page",
        lambda b: [Interaction(403, b.raw["error_403_user_rate"], "error_403_user_rate"),
                   Interaction(200, b.changes_page1, "changes_page1"),
                   Interaction(200, b.raw["changes_last"], "changes_last")],
        lambda: list(connector().list_changed("1234")),
    ),
    Scenario(
        "error_5xx_persists",
        "documents.get answered 500 internalError, 503 backendError, 500 internalError (three attempts)",
        lambda b: [Interaction(500, b.raw["error_500"], "error_500"),
                   Interaction(503, b.raw["error_503"], "error_503"),
                   Interaction(500, b.raw["error_500"], "error_500")],
        lambda: expect(RemoteError, lambda: connector().fetch(ref("42"))),
    ),
    Scenario(
        "error_401_invalid_credentials",
        "changes.getStartPageToken (the first request of a full listing) answered 401 authError",
        lambda b: [Interaction(401, ERROR_401_DOCS, "error_401_docs")],
        lambda: expect(AuthError, lambda: list(connector().list_changed(None))),
    ),
]


def source_line(source: str, bodies: Bodies) -> str:
    if source == "error_401_docs":
        return ("OFFICIAL DOCS example: Drive 'Handling API Errors', 401: Invalid Credentials "
                "(https://developers.google.com/drive/api/v3/handle-errors); trailing comma dropped")
    if source in SOURCE_FILES:
        relative, digest = SOURCE_FILES[source]
        return f"{relative} (sha256 {digest}), {LABELS[source]}"
    base = {"files_last": "files_list", "file_before": "files_list", "file_after": "changes_page1",
            "document_after": "document"}.get(source, source)
    relative, digest = SOURCE_FILES[base]
    return f"{relative} (sha256 {digest}), {LABELS[base]}"


def changed_line(source: str, bodies: Bodies) -> str:
    if source == "document_after":
        return f"{bodies.changes['document']}; {bodies.changes['document_after']}"
    if source == "error_401_docs":
        return "only the trailing comma (the page's sample is otherwise kept as published)"
    return bodies.changes.get(source, "none")


def render(scenario: Scenario, bodies: Bodies) -> str:
    answers = scenario.answers(bodies)
    with planned(answers):
        scenario.run()
    return cassette_text(
        answers, about=scenario.about, host="googleapis.com", reasons=REASONS, content_type=CONTENT_TYPE,
        provenance=["# Built by scripts/author_gdocs_cassettes.py: requests are what GDocsConnector sent through",
                    "# google-api-python-client to Google's endpoints (Authorization dropped); response bodies are",
                    "# Google's published examples, see SOURCES.md next to this file. Nothing here was recorded "
                    "from Google."],
        source_line=lambda source: source_line(source, bodies), changed_line=lambda source: changed_line(source, bodies))


def main() -> None:
    authoring.main(__doc__ or "", names=[s.name for s in SCENARIOS],
                   render=lambda index, bodies: render(SCENARIOS[index], bodies),
                   bodies=lambda examples: Bodies(load_sources(examples)), out=OUT, root=ROOT,
                   default_examples=DEFAULT_EXAMPLES)


if __name__ == "__main__":
    main()
