"""The Google Docs connector: credentials and error mapping (pure), then the real SDK over
HTTP against the gdocs sandbox (listing, fetch, apply/revert round trips, concurrency,
retries, auth)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import httplib2
import pytest
from googleapiclient.errors import HttpError

from connectors.document import DocumentRef, Edit
from connectors.errors import AuthError, ConfigError, Conflict, LossyEdit, NotFound, RemoteError
from connectors.gdocs import GDocsConnector, RemoteNotFound, credentials_from
from connectors.gdocs.client import map_errors
from connectors.sandbox.gdocs import GDOCS_ROOT_FOLDER_ID
from tests.conftest import GdocsSandbox
from tests.connectors.journals import RecordingJournal

ERRORS = Path(__file__).resolve().parents[2] / "fixtures" / "api-shapes" / "gdrive" / "errors"


# -- credentials ------------------------------------------------------------------------------


def test_credentials_from_a_static_token():
    credentials = credentials_from(token="sandbox-token")
    assert credentials.token == "sandbox-token" and credentials.valid


def test_credentials_from_an_authorized_user_file(tmp_path):
    path = tmp_path / "token.json"
    path.write_text(json.dumps({"type": "authorized_user", "client_id": "id.apps.googleusercontent.com",
                                "client_secret": "s", "refresh_token": "r"}))
    credentials = credentials_from(file=path)
    assert credentials.refresh_token == "r" and credentials.client_id == "id.apps.googleusercontent.com"


def test_credentials_from_a_service_account_key(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    path = tmp_path / "key.json"
    path.write_text(json.dumps({"type": "service_account", "project_id": "p", "private_key_id": "k",
                                "private_key": pem, "client_email": "copydesk@p.iam.gserviceaccount.com",
                                "client_id": "1", "token_uri": "https://oauth2.googleapis.com/token"}))
    credentials = credentials_from(file=str(path))
    assert credentials.service_account_email == "copydesk@p.iam.gserviceaccount.com"
    assert "https://www.googleapis.com/auth/documents" in credentials.scopes


@pytest.mark.parametrize("content, expected", [
    (None, "does not exist"),
    ("not json", "is not JSON"),
    (json.dumps({"installed": {"client_id": "x"}}), "neither a service-account key"),
    (json.dumps({"type": "service_account", "client_email": "x"}), "is incomplete"),
])
def test_bad_credentials_files_say_what_to_fix(tmp_path, content, expected):
    path = tmp_path / "creds.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ConfigError) as error:
        credentials_from(file=path)
    assert expected in str(error.value) and str(path) in str(error.value) and "\n" not in str(error.value)


def test_no_credentials_and_no_scope_are_config_errors():
    with pytest.raises(ConfigError):
        credentials_from()
    with pytest.raises(ConfigError, match="folders"):
        GDocsConnector(credentials_from(token="t"))


# -- error mapping ------------------------------------------------------------------------------


def _raised(status: int, body: bytes | str, headers: dict | None = None) -> Exception:
    content = body if isinstance(body, bytes) else body.encode()
    response = httplib2.Response({"status": status, **(headers or {})})
    with pytest.raises(Exception) as caught:
        with map_errors("reading document Pricing", "http://127.0.0.1:1/gdocs"):
            raise HttpError(response, content, uri="http://127.0.0.1:1/gdocs/v1/documents/x")
    return caught.value


def _example(name: str) -> str:
    return (ERRORS / name).read_text()


@pytest.mark.parametrize("name", ["403_userRateLimitExceeded.gapi_tests.json", "403_rateLimitExceeded.gapi_tests.json",
                                  "403_userRateLimitExceeded_with_status.gapi_tests.json"])
def test_drive_rate_limits_on_403_are_retryable_not_auth(name):
    error = _raised(403, _example(name))
    assert type(error) is RemoteError and error.retryable and error.status == 403


@pytest.mark.parametrize("name, status", [("500_internalError.gapi_tests.json", 500),
                                          ("503_backendError.gapi_tests.json", 503)])
def test_server_errors_are_retryable(name, status):
    error = _raised(status, _example(name))
    assert type(error) is RemoteError and error.retryable and "try again later" in str(error)


def test_429_keeps_retry_after():
    error = _raised(429, json.dumps({"error": {"code": 429, "message": "Too many requests",
                                               "status": "RESOURCE_EXHAUSTED"}}), {"retry-after": "7"})
    assert error.retryable and error.retry_after == 7.0


def test_auth_errors_say_what_to_fix_in_one_line():
    refused = _raised(401, json.dumps({"error": {"code": 401, "message": "Request had invalid authentication "
                                                 "credentials.", "status": "UNAUTHENTICATED"}}))
    assert isinstance(refused, AuthError) and "credentials_file" in str(refused) and "\n" not in str(refused)
    disabled = _raised(403, _example("403_accessNotConfigured.gapi_tests.json"))
    assert isinstance(disabled, AuthError) and "Enable the Google Drive API" in str(disabled)
    unshared = _raised(403, json.dumps({"error": {"code": 403, "message": "The caller does not have permission",
                                                  "status": "PERMISSION_DENIED"}}))
    assert isinstance(unshared, AuthError) and "Share the folder" in str(unshared)


def test_404_is_both_not_found_and_a_remote_404():
    error = _raised(404, json.dumps({"error": {"code": 404, "message": "Requested entity was not found.",
                                               "status": "NOT_FOUND"}}))
    assert isinstance(error, RemoteNotFound) and isinstance(error, NotFound) and error.status == 404


def test_other_400s_are_not_retried():
    error = _raised(400, _example("400_keyInvalid.gapi_tests.json"))
    assert type(error) is RemoteError and not error.retryable and error.code == "keyInvalid"
    assert "reading document Pricing" in str(error)


def test_connection_refused_says_the_remote_is_down():
    with pytest.raises(RemoteError) as error:
        with map_errors("listing folder f", "http://127.0.0.1:1/gdocs"):
            raise ConnectionRefusedError(111, "Connection refused")
    assert error.value.code == "unreachable" and "copydesk sandbox" in str(error.value)


def test_an_unreachable_server_is_one_request_and_one_line():
    connector = GDocsConnector(credentials_from(token="t"), base_url="http://127.0.0.1:1/gdocs", folders=["f"],
                               rate=None)
    with pytest.raises(RemoteError) as error:
        list(connector.list_changed(None))
    assert error.value.code == "unreachable" and connector.requests_made == 1
    connector.close()


# -- scope membership ---------------------------------------------------------------------------


class FakeDrive:
    """Just enough of the Drive service for DriveScope: files.get on folders, one changes page."""

    def __init__(self, folders: dict[str, dict], changes: list[dict]) -> None:
        self.folders, self.changes_page, self.gets = folders, changes, []
        self.files = self.changes = self  # GoogleApi's resources: api.files.get(...), api.changes.list(...)

    def get(self, fileId: str, **_: object) -> tuple[str, str]:
        return ("get", fileId)

    def list(self, **_: object) -> tuple[str, str]:
        return ("list", "")

    def call(self, what: str, request: Callable[[], tuple[str, str]]) -> dict:
        kind, file_id = request()
        if kind == "list":
            return {"changes": self.changes_page, "newStartPageToken": "99"}
        self.gets.append(file_id)
        if file_id not in self.folders:
            raise RemoteNotFound("not found", status=404)
        return self.folders[file_id]


def _doc(file_id: str, parent: str, **extra: object) -> dict:
    return {"changeType": "file", "removed": False, "fileId": file_id,
            "file": {"id": file_id, "name": file_id, "mimeType": "application/vnd.google-apps.document",
                     "version": "5", "parents": [parent], **extra}}


def test_scope_membership_resolves_unknown_parents_once_and_reports_leavers():
    from connectors.gdocs.drive import DriveScope

    folders = {"sub": {"id": "sub", "parents": ["scope"]}, "deep": {"id": "deep", "parents": ["sub"]},
               "elsewhere": {"id": "elsewhere", "parents": ["root"]}, "root": {"id": "root"}}
    changes = [_doc("a", "deep"), _doc("b", "deep"), _doc("moved", "elsewhere"), _doc("binned", "sub", trashed=True),
               {"changeType": "file", "removed": True, "fileId": "deleted"},
               {"changeType": "file", "removed": False, "fileId": "img",
                "file": {"id": "img", "mimeType": "image/png", "parents": ["scope"]}}]
    fake = FakeDrive(folders, changes)
    scope = DriveScope(fake, folders=["scope"], drive_id="", page_size=100)
    listing = scope.changed("1")
    refs = {r.remote_id: r for r in listing}
    assert set(refs) == {"a", "b", "moved", "binned", "deleted"}
    assert not refs["a"].archived and refs["a"].remote_version == "5" and refs["a"].parent == "deep"
    assert refs["binned"].archived and refs["binned"].remote_version == ""
    assert refs["moved"].archived and refs["deleted"].archived and scope.gone == {"moved", "deleted"}
    assert fake.gets == ["deep", "sub", "elsewhere", "root"]  # each unknown folder once, then cached


def test_shared_drive_scope_needs_no_parent_lookups():
    from connectors.gdocs.drive import DriveScope

    fake = FakeDrive({}, [_doc("in", "x", driveId="0AD"), _doc("out", "y", driveId="0AE")])
    scope = DriveScope(fake, folders=[], drive_id="0AD", page_size=100)
    assert [(r.remote_id, r.archived) for r in scope.changed("1")] == [("in", False), ("out", True)]
    assert fake.gets == []


# -- against the sandbox, over HTTP -------------------------------------------------------------

ONE_PAGER = "1amzOtvyoGlOcS84YPosVnZC17rI90DNOTHR8C7dB3HC"
PITCH = "1sdPtUTLuDfUCi2APX7owXIeqvvbUdwnDWJvGmIaBFCB"
DECK_2023 = "1MunLw5EvC9Wm7dT1Hwt_N92sSluLPxgbse6XK81-kfN"  # in the Archive subfolder


def _ref(document_id: str) -> DocumentRef:
    return DocumentRef(source="gdocs", remote_id=document_id, kind="document")


def test_full_listing_walks_the_seed_folder_recursively(gdocs):
    connector = gdocs.connector()
    listing = connector.list_changed(None)
    refs = {r.remote_id: r for r in listing}
    assert len(refs) == 9 and ONE_PAGER in refs and DECK_2023 in refs
    assert refs[DECK_2023].parent != GDOCS_ROOT_FOLDER_ID  # found in the Archive subfolder
    one_pager = refs[ONE_PAGER]
    assert (one_pager.title, one_pager.kind, one_pager.parent) == ("HelpHive one-pager", "document", GDOCS_ROOT_FOLDER_ID)
    assert one_pager.remote_version and one_pager.updated_at is not None and not one_pager.archived
    assert one_pager.url.endswith(f"/document/d/{ONE_PAGER}/edit")
    assert listing.cursor and connector.requests_made == 3  # start token, root folder, Archive
    assert gdocs.stats()["routes"]["GET /drive/v3/changes/startPageToken"] == 1


def test_incremental_listing_reports_exactly_the_edited_doc(gdocs):
    connector = gdocs.connector()
    full = connector.list_changed(None)
    versions = {r.remote_id: r.remote_version for r in full}
    gdocs.post("edit", {"id": PITCH, "find": "HelpHive", "replace": "HelpHive AI"})
    before = connector.requests_made
    changed = connector.list_changed(full.cursor)
    refs = list(changed)
    assert [r.remote_id for r in refs] == [PITCH] and refs[0].remote_version != versions[PITCH]
    assert connector.requests_made - before == 1 and changed.cursor != full.cursor
    again = gdocs.connector()  # a new process: nothing cached
    quiet = again.list_changed(changed.cursor)
    assert list(quiet) == [] and quiet.cursor == changed.cursor and again.requests_made == 1


def test_the_change_log_is_read_page_by_page(gdocs):
    connector = gdocs.connector(page_size=1)
    full = connector.list_changed(None)
    list(full)
    gdocs.post("edit", {"id": PITCH, "find": "HelpHive", "replace": "HelpHive AI"})
    gdocs.post("edit", {"id": ONE_PAGER, "find": "HelpHive", "replace": "HelpHive AI"})
    before = connector.requests_made
    changed = connector.list_changed(full.cursor)
    assert sorted(r.remote_id for r in changed) == sorted([PITCH, ONE_PAGER])
    assert connector.requests_made - before == 2 and list(gdocs.connector().list_changed(changed.cursor)) == []


def test_a_cursor_taken_before_listing_misses_nothing(gdocs):
    connector = gdocs.connector()
    listing = connector.list_changed(None)
    next(listing)  # the start token is taken; a colleague edits while the walk goes on
    gdocs.post("edit", {"id": ONE_PAGER, "find": "HelpHive", "replace": "HelpHive (new)"})
    list(listing)
    assert ONE_PAGER in [r.remote_id for r in connector.list_changed(listing.cursor)]


def test_fetch_normalises_the_doc_with_the_listing_version(gdocs):
    connector = gdocs.connector()
    listed = next(r for r in connector.list_changed(None) if r.remote_id == ONE_PAGER)
    doc = connector.fetch(listed)
    assert doc.ref.remote_version == listed.remote_version and doc.ref.title == "HelpHive one-pager"
    assert doc.block("p0000").kind == "title" and doc.block("p0007").kind == "list_item"
    assert doc.block("p0007").depth == 1 and doc.block("t0.r1.c0.p0").spans[0].bold
    unlisted = gdocs.connector().fetch(_ref(ONE_PAGER))  # no version known: Drive is asked
    assert unlisted.ref.remote_version == listed.remote_version and unlisted.blocks == doc.blocks


ROUND_TRIPS = {
    "inside a bold run": [("p0004", "Answers from your docs in seconds, in the widget, in Zendesk and in Intercom",
                           "Answers from your help center in seconds, in the widget, in Zendesk and in Intercom")],
    "across run boundaries": [("p0002", None, lambda text: text.replace(
        "HelpHive is the chatbot for your docs: it answers", "HelpHive answers"))],
    "replacing mixed runs, allowed": [("p0002", None, lambda text: text.replace(
        "Setup in 5 minutes, no intents", "Live in an afternoon with no intents"))],
    "a nested list item": [("p0007", "Acme Corp: 46% fewer tickets on Zendesk",
                            "Acme Corp: 46% fewer tickets within two months on Zendesk")],
    "table cells": [("t0.r1.c0.p0", "HelpHive Starter", "HelpHive Basic"),
                    ("t0.r3.c1.p0", "from $1,500/mo", "from $1,800/mo")],
    "insertion at start and end": [("p0009", "99.9% uptime, with a public status page",
                                    "Guaranteed 99.9% uptime, with a public status page and history"),
                                   ("p0006", "Cuts support tickets by 40% on average in the first 60 days",
                                    "Typically cuts support tickets by 40% on average in the first 60 days.")],
}


@pytest.mark.parametrize("case", list(ROUND_TRIPS))
def test_apply_then_revert_leaves_the_document_identical(gdocs, case):
    connector = gdocs.connector()
    original_json = gdocs.document(ONE_PAGER)
    original = connector.fetch(_ref(ONE_PAGER))
    edits = []
    for block_id, before, after in ROUND_TRIPS[case]:
        before = before if before is not None else original.block(block_id).text
        after = after(before) if callable(after) else after
        edits.append(Edit(block_id=block_id, before=before, after=after, allow_lossy=case.endswith("allowed")))
    journal = RecordingJournal()
    applied = connector.apply(_ref(ONE_PAGER), edits, journal)
    for edit in edits:
        assert applied.block(edit.block_id).text == edit.after
    assert gdocs.writes() == 1 and len(journal.intents) == 1 and journal.confirmed == [[e.block_id for e in edits]]
    assert journal.intents[0][1]["body"]["writeControl"]["requiredRevisionId"]
    assert [b.text for b in journal.intents[0][2]] == [e.before for e in edits]
    if case == "inside a bold run":
        assert applied.block("p0004").spans[0] == original.block("p0004").spans[0].model_copy(
            update={"text": "Answers from your help center in seconds"})
    reverts = [Edit(block_id=e.block_id, before=e.after, after=e.before, target=original.block(e.block_id))
               for e in edits]
    reverted = connector.apply(_ref(ONE_PAGER), reverts, RecordingJournal())
    assert gdocs.document(ONE_PAGER) == original_json
    assert reverted.blocks == original.blocks


def test_applied_document_has_the_version_staging_will_list(gdocs):
    connector = gdocs.connector()
    full = connector.list_changed(None)
    list(full)
    applied = connector.apply(_ref(ONE_PAGER), [Edit(block_id="t0.r2.c1.p0", before="$199/mo", after="$249/mo")],
                              RecordingJournal())
    listed = next(r for r in connector.list_changed(full.cursor) if r.remote_id == ONE_PAGER)
    assert applied.ref.remote_version == listed.remote_version


def test_a_paragraph_inserted_above_is_not_a_conflict(gdocs):
    connector = gdocs.connector()
    staged = connector.fetch(_ref(ONE_PAGER))
    gdocs.post("edit", {"id": ONE_PAGER, "find": "The chatbot for your docs",
                        "replace": "The chatbot for your docs\nNow with voice"})
    journal = RecordingJournal()
    applied = connector.apply(_ref(ONE_PAGER), [Edit(block_id="p0006", before=staged.block("p0006").text,
                                                     after="Cuts support tickets by 45% on average")], journal)
    assert applied.block("p0007").text == "Cuts support tickets by 45% on average"  # one ordinal down
    assert applied.block("p0002").text == "Now with voice, from Fernhill Labs"
    assert journal.intents[0][0] == ["p0006"] and journal.intents[0][2][0].id == "p0006"  # staging's ids


def test_a_concurrent_edit_elsewhere_is_planned_again(gdocs):
    connector = gdocs.connector()
    colleague = lambda: gdocs.post("edit", {"id": ONE_PAGER, "find": "Plans", "replace": "Pricing plans"})  # noqa: E731
    journal = RecordingJournal(on_first_intent=colleague)
    applied = connector.apply(_ref(ONE_PAGER), [Edit(block_id="p0013", before=_text(gdocs, "p0013"),
                                                     after="Turn on the widget and watch the answers roll in")],
                              journal)
    assert applied.block("p0014").text == "Pricing plans"
    assert applied.block("p0013").text == "Turn on the widget and watch the answers roll in"
    assert gdocs.writes() == 2 and len(journal.intents) == 2 and len(journal.confirmed) == 1


def test_a_concurrent_edit_to_the_same_paragraph_is_a_conflict_with_nothing_written(gdocs):
    connector = gdocs.connector()
    before = _text(gdocs, "p0006")
    gdocs.post("edit", {"id": ONE_PAGER, "find": "by 40%", "replace": "by 42%"})
    with pytest.raises(Conflict) as conflict:
        connector.apply(_ref(ONE_PAGER), [Edit(block_id="p0006", before=before, after="Cuts tickets by 40%")],
                        RecordingJournal())
    assert conflict.value.remote == {"p0006": before.replace("40%", "42%")}
    assert gdocs.writes() == 0


def test_a_conflict_arriving_between_read_and_write_writes_nothing(gdocs):
    connector = gdocs.connector()
    before = _text(gdocs, "p0006")
    colleague = lambda: gdocs.post("edit", {"id": ONE_PAGER, "find": "by 40%", "replace": "by 42%"})  # noqa: E731
    journal = RecordingJournal(on_first_intent=colleague)
    with pytest.raises(Conflict):
        connector.apply(_ref(ONE_PAGER), [Edit(block_id="p0006", before=before, after="Cuts tickets by 40%")], journal)
    assert connector.fetch(_ref(ONE_PAGER)).block("p0006").text == before.replace("40%", "42%")
    assert journal.confirmed == [] and gdocs.writes() == 1  # the one Google refused for its stale revision


def test_a_refused_write_whose_text_is_already_there_counts_as_done(gdocs):
    """As after a 5xx on a batchUpdate Google had applied: the retry meets a newer revision."""
    connector = gdocs.connector()
    same_change = lambda: gdocs.post("edit", {"id": ONE_PAGER, "find": "$49/mo", "replace": "$59/mo"})  # noqa: E731
    journal = RecordingJournal(on_first_intent=same_change)
    applied = connector.apply(_ref(ONE_PAGER), [Edit(block_id="t0.r1.c1.p0", before="$49/mo", after="$59/mo")],
                              journal)
    assert applied.block("t0.r1.c1.p0").text == "$59/mo" and journal.confirmed == [["t0.r1.c1.p0"]]


def test_a_400_on_an_unchanged_revision_is_raised_not_replanned(gdocs):
    connector = gdocs.connector()
    gdocs.post("faults", {"status": 400, "count": 1, "match": "POST /v1/documents"})
    with pytest.raises(RemoteError) as error:
        connector.apply(_ref(ONE_PAGER), [Edit(block_id="t0.r1.c1.p0", before="$49/mo", after="$59/mo")],
                        RecordingJournal())
    assert error.value.status == 400 and not error.value.retryable
    assert gdocs.stats()["routes"]["GET /v1/documents/{id}"] == 2  # read, refused, read again: same revision


def test_lossy_edits_are_refused_before_any_write(gdocs):
    connector = gdocs.connector()
    text = _text(gdocs, "p0002")
    with pytest.raises(LossyEdit):
        connector.apply(_ref(ONE_PAGER), [Edit(block_id="p0002", before=text, after=text.replace(
            "Setup in 5 minutes, no intents", "Live in an afternoon with no intents"))], RecordingJournal())
    assert gdocs.writes() == 0


def test_dry_run_journals_and_sends_nothing(gdocs):
    connector = gdocs.connector()
    original = gdocs.document(ONE_PAGER)
    journal = RecordingJournal()
    current = connector.apply(_ref(ONE_PAGER), [Edit(block_id="t0.r1.c1.p0", before="$49/mo", after="$59/mo")],
                              journal, dry_run=True)
    assert current.block("t0.r1.c1.p0").text == "$49/mo" and gdocs.document(ONE_PAGER) == original
    assert gdocs.writes() == 0 and journal.confirmed == []
    (block_ids, request, previous), = journal.intents
    assert block_ids == ["t0.r1.c1.p0"] and request["method"] == "POST"
    assert request["path"] == f"/v1/documents/{ONE_PAGER}:batchUpdate" and previous[0].text == "$49/mo"


@pytest.mark.parametrize("status", [429, 503])
def test_rate_limits_and_server_errors_are_retried(gdocs, status):
    connector = gdocs.connector()
    gdocs.post("faults", {"status": status, "count": 2, "retry_after": 0, "match": "GET /v1/documents"})
    doc = connector.fetch(_ref(ONE_PAGER).model_copy(update={"remote_version": "1"}))
    assert doc.block("p0000").text == "HelpHive" and connector.requests_made == 3
    gdocs.post("faults", {"status": status, "count": 10, "retry_after": 0})
    with pytest.raises(RemoteError) as error:
        list(connector.list_changed(None))
    assert error.value.retryable and error.value.status == status


def test_drive_rate_limit_403_is_retried(gdocs):
    connector = gdocs.connector()
    gdocs.post("faults", {"status": 403, "code": "userRateLimitExceeded", "count": 1, "match": "GET /drive/v3/files"})
    assert len(list(connector.list_changed(None))) == 9


def test_a_bad_token_is_one_line_that_says_what_to_fix(gdocs):
    connector = gdocs.connector(token="ya29.wrong-token")
    with pytest.raises(AuthError) as error:
        list(connector.list_changed(None))
    message = str(error.value)
    assert "\n" not in message and "wrong-token" not in message and "credentials_file" in message
    assert error.value.status == 401 and connector.requests_made == 1


def test_trashed_and_deleted_docs_are_reported(gdocs):
    connector = gdocs.connector()
    full = connector.list_changed(None)
    list(full)
    gdocs.post("trash", {"id": PITCH})
    gdocs.post("delete", {"id": DECK_2023})
    refs = {r.remote_id: r for r in connector.list_changed(full.cursor)}
    assert set(refs) == {PITCH, DECK_2023} and all(r.archived and not r.remote_version for r in refs.values())
    trashed = connector.fetch(refs[PITCH])
    assert trashed.ref.archived and trashed.block("p0000").text
    requests = connector.requests_made
    with pytest.raises(RemoteNotFound) as gone:
        connector.fetch(refs[DECK_2023])
    assert gone.value.status == 404 and connector.requests_made == requests  # known gone: no request


def _text(gdocs: GdocsSandbox, block_id: str) -> str:
    return gdocs.connector().fetch(_ref(ONE_PAGER)).block(block_id).text
