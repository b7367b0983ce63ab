"""Database rows, captions and heading_4 on the Notion sandbox over HTTP, through notion-client.

The sandbox serves the seed's "Content calendar" (connectors/sandbox/seeds/notion/databases/)
as Notion does under API 2025-09-03: a database holding one data source whose rows are pages.
The connector reads each row's properties as blocks and writes a rich-text property back with
`PATCH /v1/pages/{id}` holding that property alone; these tests hold both to the seed files.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from notion_client import APIResponseError, Client

from connectors.document import DocumentRef, Edit
from connectors.errors import ConfigError, Conflict
from connectors.notion import NotionConnector
from connectors.sandbox import seeds
from tests.connectors.journals import RecordingJournal

SEED_DIR = seeds.SEEDS / "notion"
DATABASE = json.loads((SEED_DIR / "databases" / "01-content-calendar.json").read_text(encoding="utf-8"))
ROWS = [json.loads(p.read_text(encoding="utf-8")) for p in seeds.seed_files(SEED_DIR / "pages", ".json")
        if p.name.startswith(("33-", "34-", "35-"))]
USERS = {u["id"]: u["name"] for u in json.loads((SEED_DIR / "users.json").read_text(encoding="utf-8"))}
LAUNCH = ROWS[0]
LAUNCH_PLAN = "f2f7a3ef-d377-4861-80fe-9d161f77b152"  # "Marketing: Launch plan Q3", which shows the database


def plain(items: list[dict]) -> str:
    return "".join(i["text"]["content"] for i in items)


@pytest.fixture
def notion(sandbox) -> Iterator[Client]:
    client = Client(auth=sandbox.token, base_url=sandbox.base_url, log_level=logging.CRITICAL)
    yield client
    client.close()


@pytest.fixture
def connector(sandbox) -> Iterator[NotionConnector]:
    made = NotionConnector(sandbox.token, base_url=sandbox.base_url, rate=None)
    yield made
    made.close()


def row_ref(row: dict) -> DocumentRef:
    return DocumentRef(source="notion", remote_id=row["id"], kind="page", title=plain(row["properties"]["Name"]["title"]))


# -- the sandbox: shapes and refusals ----------------------------------------------------------------


def test_search_returns_the_data_source_and_its_rows_as_pages(notion):
    found = notion.search(filter={"property": "object", "value": "data_source"})["results"]
    assert [(r["object"], r["id"], plain(r["title"])) for r in found] == [
        ("data_source", DATABASE["data_source_id"], "Content calendar")]
    pages = {r["id"]: r for r in notion.search(filter={"property": "object", "value": "page"})["results"]}
    for row in ROWS:
        assert pages[row["id"]]["parent"] == {"type": "data_source_id", "data_source_id": DATABASE["data_source_id"],
                                              "database_id": DATABASE["id"]}


def test_search_refuses_the_database_filter_of_older_api_versions(notion):
    with pytest.raises(APIResponseError) as refused:
        notion.search(filter={"property": "object", "value": "database"})
    assert (refused.value.status, refused.value.code) == (400, "validation_error")


def test_database_data_source_and_query_read_as_notion_returns_them(notion):
    database = notion.databases.retrieve(database_id=DATABASE["id"])
    assert database["data_sources"] == [{"id": DATABASE["data_source_id"], "name": "Content calendar"}]
    source = notion.data_sources.retrieve(data_source_id=DATABASE["data_source_id"])
    assert list(source["properties"]) == list(DATABASE["initial_data_source"]["properties"])
    assert source["properties"]["Name"]["id"] == "title"
    assert source["parent"] == {"type": "database_id", "database_id": DATABASE["id"]}
    rows = notion.data_sources.query(data_source_id=DATABASE["data_source_id"])["results"]
    assert sorted(r["id"] for r in rows) == sorted(r["id"] for r in ROWS)


def test_a_row_holds_every_column_with_its_id_type_and_value(notion):
    page = notion.pages.retrieve(page_id=LAUNCH["id"])
    properties = page["properties"]
    assert list(properties) == list(DATABASE["initial_data_source"]["properties"])
    assert properties["Name"]["id"] == "title" and len({p["id"] for p in properties.values()}) == len(properties)
    assert plain(properties["Tagline"]["rich_text"]) == "HelpHive is the chatbot for your docs, now in 31 languages."
    assert properties["Channel"]["select"]["name"] == "Blog" and properties["Channel"]["select"]["color"] == "blue"
    assert properties["Publish date"]["date"] == {"start": "2026-12-10", "end": None, "time_zone": None}
    assert [p["name"] for p in properties["Owner"]["people"]] == ["Priya Raman"]
    assert properties["Ready"] == {"id": properties["Ready"]["id"], "type": "checkbox", "checkbox": True}


def test_patching_a_rich_text_property_replaces_it_whole_and_leaves_the_others(notion):
    before = notion.pages.retrieve(page_id=LAUNCH["id"])["properties"]
    notion.pages.update(page_id=LAUNCH["id"], properties={"Tagline": {"rich_text": [
        {"type": "text", "text": {"content": "New tagline"}}]}})
    after = notion.pages.retrieve(page_id=LAUNCH["id"])["properties"]
    assert plain(after["Tagline"]["rich_text"]) == "New tagline"
    assert {k: v for k, v in after.items() if k != "Tagline"} == {k: v for k, v in before.items() if k != "Tagline"}
    by_id = before["Tagline"]["id"]
    notion.pages.update(page_id=LAUNCH["id"], properties={by_id: {"rich_text": []}})
    assert notion.pages.retrieve(page_id=LAUNCH["id"])["properties"]["Tagline"]["rich_text"] == []


@pytest.mark.parametrize("properties, message", [
    ({"Slogan": {"rich_text": []}}, "Could not find property with name or id: Slogan"),
    ({"Tagline": {"select": {"name": "Blog"}}}, "Tagline is expected to be rich_text."),
    ({"Tagline": {"rich_text": [{"type": "text", "text": {"content": "ok"}}]},
      "Channel": {"rich_text": []}}, "Channel is expected to be select."),
])
def test_an_unknown_property_or_a_value_of_another_type_is_refused_and_nothing_changes(notion, properties, message):
    before = notion.pages.retrieve(page_id=LAUNCH["id"])
    with pytest.raises(APIResponseError) as refused:
        notion.pages.update(page_id=LAUNCH["id"], properties=properties)
    assert (refused.value.status, refused.value.code, str(refused.value)) == (400, "validation_error", message)
    after = notion.pages.retrieve(page_id=LAUNCH["id"])
    assert {**after, "request_id": ""} == {**before, "request_id": ""}


def test_captions_and_heading_4_are_written_and_equations_read(notion):
    blocks = notion.blocks.children.list(block_id=LAUNCH_PLAN)["results"]
    by_type = {b["type"]: b for b in blocks}
    assert plain_of(by_type["heading_4"]["heading_4"]["rich_text"]) == "Launch assets"
    assert by_type["equation"]["equation"]["expression"].startswith("\\text{conversion}")
    assert by_type["child_database"]["child_database"] == {"title": "Content calendar"}
    image = by_type["image"]
    notion.blocks.update(block_id=image["id"], image={"caption": [{"type": "text", "text": {"content": "New"}}]})
    updated = notion.blocks.retrieve(block_id=image["id"])["image"]
    assert plain_of(updated["caption"]) == "New" and updated["external"] == image["image"]["external"]
    notion.blocks.update(block_id=by_type["heading_4"]["id"],
                         heading_4={"rich_text": [{"type": "text", "text": {"content": "Assets"}}]})
    assert plain_of(notion.blocks.retrieve(block_id=by_type["heading_4"]["id"])["heading_4"]["rich_text"]) == "Assets"
    paragraph = by_type["paragraph"]
    with pytest.raises(APIResponseError) as refused:
        notion.blocks.update(block_id=paragraph["id"], paragraph={"caption": []})
    assert refused.value.status == 400


def plain_of(items: list[dict]) -> str:
    return "".join(i["plain_text"] for i in items)


# -- the connector: read, apply, revert -------------------------------------------------------------


def test_a_database_row_reads_every_column_of_its_seed(connector):
    document = connector.fetch(row_ref(LAUNCH))
    columns = {b.attrs["label"]: b for b in document.blocks if b.kind == "property"}
    seeded = LAUNCH["properties"]
    assert list(columns) == ["Tagline", "Channel", "Publish date", "Owner", "Link"], "a checkbox holds no text"
    assert columns["Tagline"].text == plain(seeded["Tagline"]["rich_text"]) and columns["Tagline"].editable
    assert columns["Channel"].text == seeded["Channel"]["select"]["name"]
    assert columns["Publish date"].text == "December 10, 2026"
    assert columns["Owner"].text == ", ".join(USERS[p["id"]] for p in seeded["Owner"]["people"])
    assert columns["Link"].text == seeded["Link"]["url"]
    assert all(b.readonly_reason for b in columns.values() if not b.editable)
    assert [b.kind for b in document.blocks[:2]] == ["title", "property"]


def test_a_property_edit_is_applied_alone_and_reverted_exactly(sandbox, connector):
    ref = row_ref(LAUNCH)
    original = connector.fetch(ref)
    tagline = next(b for b in original.blocks if b.attrs.get("label") == "Tagline")
    after = tagline.text.replace("the chatbot for your docs", "the AI support engineer for your team")
    journal = RecordingJournal()

    applied = connector.apply(ref, [Edit(block_id=tagline.id, before=tagline.text, after=after)], journal)

    [(ids, request, previous)] = journal.intents
    assert ids == [tagline.id] and request["path"] == f"/v1/pages/{LAUNCH['id']}"
    assert list(request["body"]["properties"]) == ["Tagline"] and previous == [tagline]
    assert applied.block(tagline.id).text == after
    assert applied.block(tagline.id).spans[0] == tagline.spans[0], "the bold product name keeps its run"
    assert [b for b in applied.blocks if b.id != tagline.id] == [b for b in original.blocks if b.id != tagline.id]

    reverted = connector.apply(ref, [Edit(block_id=tagline.id, before=after, after=tagline.text, target=tagline)],
                               RecordingJournal())

    assert reverted.blocks == original.blocks
    assert reverted.raw["properties"] == original.raw["properties"]


def test_a_colleagues_edit_of_the_property_is_a_conflict_and_nothing_is_written(sandbox, connector):
    ref = row_ref(LAUNCH)
    tagline = next(b for b in connector.fetch(ref).blocks if b.attrs.get("label") == "Tagline")
    sandbox.post("edit", {"id": LAUNCH["id"], "find": "31 languages", "replace": "32 languages"})
    patches = sum(n for route, n in sandbox.stats()["routes"].items() if route.startswith("PATCH"))
    with pytest.raises(Conflict):
        connector.apply(ref, [Edit(block_id=tagline.id, before=tagline.text, after="Something else")],
                        RecordingJournal())
    assert sum(n for route, n in sandbox.stats()["routes"].items() if route.startswith("PATCH")) == patches


def test_a_read_only_property_is_never_written(connector):
    ref = row_ref(LAUNCH)
    channel = next(b for b in connector.fetch(ref).blocks if b.attrs.get("label") == "Channel")
    with pytest.raises(ConfigError):
        connector.apply(ref, [Edit(block_id=channel.id, before=channel.text, after="Email")], RecordingJournal())


def test_a_caption_edit_is_applied_and_reverted_exactly(connector):
    ref = DocumentRef(source="notion", remote_id=LAUNCH_PLAN, kind="page")
    original = connector.fetch(ref)
    caption = next(b for b in original.blocks if b.kind == "caption" and "chatbot" in b.text)
    after = caption.text.replace("the chatbot for your docs", "the AI support engineer for your team")

    applied = connector.apply(ref, [Edit(block_id=caption.id, before=caption.text, after=after)], RecordingJournal())

    assert applied.block(caption.id).text == after
    assert applied.block(caption.attrs["block"]).attrs == original.block(caption.attrs["block"]).attrs
    reverted = connector.apply(ref, [Edit(block_id=caption.id, before=after, after=caption.text, target=caption)],
                               RecordingJournal())
    assert reverted.blocks == original.blocks
