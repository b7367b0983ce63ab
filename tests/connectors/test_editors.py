"""Who made an outside edit, as each tool says it, carried into the document's ref (`edited_by`):
Notion's `last_edited_by` resolved to a name with users.retrieve, Drive's `lastModifyingUser`,
and nothing for Webflow, whose API does not say. Against the sandboxes over real HTTP."""

from __future__ import annotations

import uuid

import httpx
import pytest

from connectors.document import DocumentRef
from connectors.gdocs.normalise import file_ref
from connectors.notion.normalise import page_ref
from connectors.sandbox.notion_workspace import BOT_USER_ID, OUTSIDE_EDITOR_ID
from tests.connectors.test_gdocs_connector import ONE_PAGER
from tests.connectors.test_notion_sandbox import PRODUCT, call

USERS_ROUTE = "GET /v1/users/{id}"


def _notion_page(connector, page_id: str):
    page = connector._client.pages.retrieve(page_id=page_id)
    return connector.fetch(page_ref(page))


def test_notion_names_the_last_editor_and_a_colleagues_edit(sandbox):
    connector = sandbox.connector()
    assert _notion_page(connector, PRODUCT["id"]).ref.edited_by == "Priya Raman"  # the seed's last editor
    sandbox.post("edit", {"id": PRODUCT["id"], "find": "trust what the bot says", "replace": "rely on every answer"})
    assert _notion_page(sandbox.connector(), PRODUCT["id"]).ref.edited_by == "Jordan Lee"


def test_notion_looks_each_person_up_once_per_connector(sandbox):
    connector = sandbox.connector()
    pages = [p for p in connector.list_changed(None)]
    by_priya = [r for r in pages if r.title in ("Product overview", "Glossary", "Elevator pitch")]
    for ref in by_priya:
        assert connector.fetch(ref).ref.edited_by == "Priya Raman"
    assert sandbox.routes().get(USERS_ROUTE) == 1


def test_notion_names_a_bot_by_its_name_and_an_unknown_user_as_nobody(sandbox):
    sandbox.post("edit", {"id": PRODUCT["id"], "find": "trust what the bot says", "replace": "rely on it",
                          "editor": BOT_USER_ID})
    assert _notion_page(sandbox.connector(), PRODUCT["id"]).ref.edited_by == "copydesk"
    gone = str(uuid.uuid4())
    sandbox.post("edit", {"id": PRODUCT["id"], "find": "rely on it", "replace": "count on it", "editor": gone})
    assert _notion_page(sandbox.connector(), PRODUCT["id"]).ref.edited_by == ""


def test_the_notion_sandbox_serves_users_like_notion(sandbox):
    person = call(sandbox, "GET", f"/v1/users/{OUTSIDE_EDITOR_ID}").json()
    assert {k: person[k] for k in ("object", "id", "type", "name")} == {
        "object": "user", "id": OUTSIDE_EDITOR_ID, "type": "person", "name": "Jordan Lee"}
    assert person["person"]["email"] == "jordan@fernhill.example" and person["avatar_url"] is None
    bot = call(sandbox, "GET", f"/v1/users/{BOT_USER_ID.replace('-', '')}").json()
    assert bot["type"] == "bot" and bot["bot"]["owner"] == {"type": "workspace", "workspace": True}
    assert call(sandbox, "GET", "/v1/users/me").json()["id"] == BOT_USER_ID
    missing = call(sandbox, "GET", f"/v1/users/{uuid.uuid4()}")
    assert missing.status_code == 404 and missing.json()["code"] == "object_not_found"
    assert call(sandbox, "GET", "/v1/users/nobody").status_code == 400
    assert call(sandbox, "GET", f"/v1/users/{OUTSIDE_EDITOR_ID}", token="wrong").status_code == 401


def test_google_docs_names_drives_last_modifying_user(gdocs):
    connector = gdocs.connector()
    refs = {r.remote_id: r for r in connector.list_changed(None)}
    assert refs[ONE_PAGER].edited_by == "Priya Raman"  # the seed's last editor, from the listing's fields mask
    assert connector.fetch(refs[ONE_PAGER]).ref.edited_by == "Priya Raman"
    gdocs.post("edit", {"id": ONE_PAGER, "find": "HelpHive", "replace": "HelpHive"})
    fresh = connector.fetch(refs[ONE_PAGER].model_copy(update={"remote_version": ""}))
    assert fresh.ref.edited_by == "Jordan Lee"
    gdocs.post("edit", {"id": ONE_PAGER, "find": "HelpHive", "replace": "HelpHive", "editor": "tom"})
    assert connector.fetch(refs[ONE_PAGER].model_copy(update={"remote_version": ""})).ref.edited_by == "Tom Lindqvist"


def test_the_drive_sandbox_returns_the_editor_only_when_asked(gdocs):
    headers = {"Authorization": f"Bearer {gdocs.token}"}
    asked = httpx.get(f"{gdocs.base_url}/drive/v3/files/{ONE_PAGER}", headers=headers,
                      params={"fields": "id,lastModifyingUser(displayName,emailAddress)"}).json()
    assert asked == {"id": ONE_PAGER, "lastModifyingUser": {"displayName": "Priya Raman",
                                                             "emailAddress": "priya@fernhill.example"}}
    assert "lastModifyingUser" not in httpx.get(f"{gdocs.base_url}/drive/v3/files/{ONE_PAGER}", headers=headers,
                                                params={"fields": "id,name"}).json()
    with pytest.raises(httpx.HTTPStatusError, match="no user 'nobody'"):
        gdocs.post("edit", {"id": ONE_PAGER, "find": "HelpHive", "replace": "HelpHive", "editor": "nobody"})


@pytest.mark.parametrize("user, name", [({"displayName": "Ana", "emailAddress": "a@x"}, "Ana"),
                                        ({"emailAddress": "a@x"}, "a@x"), (None, "")])
def test_a_drive_file_without_a_signed_in_editor_names_nobody(user, name):
    file = {"id": "f", "name": "Doc", **({"lastModifyingUser": user} if user else {})}
    assert file_ref(file).edited_by == name


def test_webflow_does_not_say_who_edited(webflow):
    connector = webflow.connector()
    ref: DocumentRef = next(iter(connector.list_changed(None)))
    assert connector.fetch(ref).ref.edited_by == ""


def test_a_long_lived_notion_connector_asks_for_names_again_on_its_next_listing(sandbox):
    """The app keeps one connector per source across pulls: a name Notion would not give on one
    pull (no "Read user information" yet) is asked for again, and given, on the next."""
    connector = sandbox.connector()
    sandbox.post("faults", {"status": 403, "code": "restricted_resource", "match": USERS_ROUTE, "count": 100})
    product = next(r for r in connector.list_changed(None) if r.remote_id == PRODUCT["id"])
    assert connector.fetch(product).ref.edited_by == ""
    sandbox.post("faults", {"clear": True})
    assert connector.fetch(product).ref.edited_by == ""  # within one listing the answer holds
    product = next(r for r in connector.list_changed(None) if r.remote_id == PRODUCT["id"])
    assert connector.fetch(product).ref.edited_by == "Priya Raman"
