"""The state behind the Notion sandbox: pages, blocks and users, as the real API returns them.

Seeds are written in Notion's own request shapes (a create-page body whose `children` are
append-block-children bodies; a create-database body with its `initial_data_source`);
`NotionWorkspace` completes them into full API objects the way Notion does (ids, timestamps,
`plain_text`, default annotations, `has_children`, child_page and child_database blocks, a
row's every property with its id and type), so fixtures stay short and the served JSON stays
real.

Shapes, each from its reference:
- database (2025-09-03, `data_sources` list): ../shared/api-examples/notion/2025-09-03/database_retrieve.json
- data source (`parent` database_id, `database_parent`, `properties` schema): 2025-09-03/data_source_retrieve.json
- a row's parent `{"type": "data_source_id", "data_source_id", "database_id"}` and property values
  (select/multi_select/status options with id and color, date with end and time_zone, people as
  user objects, url/email/phone_number strings or null, number, checkbox):
  https://developers.notion.com/reference/property-value-object
- refusals of a property update ("Could not find property with name or id: …", "… is expected to
  be rich_text."): Notion's validation_error body, ../shared/api-examples/notion/errors/400_validation_error.derived.json
"""

from __future__ import annotations

import copy
import json
import random
import re
import threading
import uuid
from datetime import UTC, datetime, timedelta
from importlib.resources.abc import Traversable
from typing import Any, Iterator

from connectors.sandbox.seeds import seed_files

BOT_USER_ID = "6f3c8e0a-1d2b-4c5d-8e9f-0a1b2c3d4e5f"
OUTSIDE_EDITOR_ID = "0b7d5c4e-3f2a-4b1c-9d8e-7f6a5b4c3d2e"  # Jordan Lee in the seed's users.json
_ID_NAMESPACE = uuid.UUID("2b9f6f0e-5a3c-4e1d-9c7b-8a6d5e4f3a2b")
_DEFAULT_ANNOTATIONS = {
    "bold": False,
    "italic": False,
    "strikethrough": False,
    "underline": False,
    "code": False,
    "color": "default",
}
_RICH_TEXT_LIMIT = 2000


class SandboxValidationError(ValueError):
    """A request body Notion would refuse with 400 validation_error."""


def notion_time(moment: datetime) -> str:
    """Notion reports edit times to the minute: `2026-11-22T18:40:00.000Z`."""
    moment = moment.astimezone(UTC).replace(second=0, microsecond=0)
    return moment.strftime("%Y-%m-%dT%H:%M:00.000Z")


def normalise_id(raw: str) -> str | None:
    """Notion accepts ids with or without dashes; None if it is not a UUID."""
    try:
        return str(uuid.UUID(raw))
    except (ValueError, AttributeError):
        return None


def complete_rich_text(item: dict[str, Any], titles: dict[str, str],
                       users: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Fill a request-shaped rich text item into the response shape: page mentions show the
    page's title, user mentions "@" and the user's name, as Notion resolves them."""
    kind = item.get("type", "text")
    annotations = {**_DEFAULT_ANNOTATIONS, **item.get("annotations", {})}
    if kind == "text":
        text = item.get("text") or {}
        content = text.get("content", "")
        if not isinstance(content, str):
            raise SandboxValidationError("body failed validation: rich_text.text.content should be a string.")
        if len(content) > _RICH_TEXT_LIMIT:
            raise SandboxValidationError(
                f"body failed validation: body.children[0].paragraph.rich_text[0].text.content.length should be "
                f"≤ `{_RICH_TEXT_LIMIT}`, instead was `{len(content)}`."
            )
        link = text.get("link")
        return {
            "type": "text",
            "text": {"content": content, "link": {"url": link["url"]} if link else None},
            "annotations": annotations,
            "plain_text": content,
            "href": link["url"] if link else None,
        }
    if kind == "mention":
        mention = copy.deepcopy(item["mention"])
        plain = item.get("plain_text", "")
        href = item.get("href")
        if mention["type"] == "page":
            page_id = mention["page"]["id"]
            plain = plain or titles.get(page_id, "Untitled")
            href = href or f"https://www.notion.so/{page_id.replace('-', '')}"
        elif mention["type"] == "date":
            mention["date"] = {"start": mention["date"]["start"], "end": mention["date"].get("end"), "time_zone": None}
            plain = plain or mention["date"]["start"]
        elif mention["type"] == "link_mention":
            # Response-only (a pasted link shown as a chip): plain_text and href are the URL, as a
            # real 2025-09-03 response shows it; seeds may hold one, a PATCH may not (notion.py).
            href = mention["link_mention"]["href"]
            plain = plain or href
        elif mention["type"] == "link_preview":
            href = mention["link_preview"]["url"]
            plain = plain or href
        elif mention["type"] == "user":
            mention["user"] = {"object": "user", "id": mention["user"]["id"]}
            name = (users or {}).get(mention["user"]["id"], {}).get("name")
            plain = plain or (f"@{name}" if name else "@Unknown user")
        return {"type": "mention", "mention": mention, "annotations": annotations, "plain_text": plain, "href": href}
    if kind == "equation":
        expression = item["equation"]["expression"]
        return {
            "type": "equation",
            "equation": {"expression": expression},
            "annotations": annotations,
            "plain_text": expression,
            "href": None,
        }
    raise SandboxValidationError(f"body failed validation: rich_text type `{kind}` is not supported.")


def plain_text(rich_text: list[dict[str, Any]]) -> str:
    return "".join(item.get("plain_text", "") for item in rich_text)


def replace_in_rich_text(rich_text: list[dict[str, Any]], find: str, replace: str) -> list[dict[str, Any]] | None:
    """Replace the first `find` in a rich text array as a person typing would: the new words
    take the marks of the run where the match starts; runs after it keep theirs.
    Returns None when `find` is absent or crosses a mention/equation."""
    text = plain_text(rich_text)
    start = text.find(find)
    if start < 0 or not find:
        return None
    end = start + len(find)
    result: list[dict[str, Any]] = []
    offset = 0
    for item in rich_text:
        item_start, item_end = offset, offset + len(item["plain_text"])
        offset = item_end
        if item_end <= start or item_start >= end or (item_start == item_end):
            result.append(item)
            continue
        if item["type"] != "text":
            return None
        content = item["plain_text"]
        keep_before = content[: max(0, start - item_start)]
        keep_after = content[max(0, end - item_start) :] if end <= item_end else ""
        inserted = replace if item_start <= start < item_end else ""
        new_content = keep_before + inserted + keep_after
        if new_content:
            updated = copy.deepcopy(item)
            updated["text"]["content"] = new_content
            updated["plain_text"] = new_content
            result.append(updated)
    return result


def _slug(title: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-") or "Untitled"


class NotionWorkspace:
    """Pages, blocks and users, with the mutations the sandbox API and admin API need.

    All access goes through one lock: the server is threaded.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.pages: dict[str, dict[str, Any]] = {}
        self.blocks: dict[str, dict[str, Any]] = {}
        self.children: dict[str, list[str]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.databases: dict[str, dict[str, Any]] = {}
        self.data_sources: dict[str, dict[str, Any]] = {}

    # -- building -------------------------------------------------------------------------

    @classmethod
    def from_seed_dir(cls, folder: Traversable) -> NotionWorkspace:
        users = json.loads((folder / "users.json").read_text(encoding="utf-8"))
        seeds = [json.loads(p.read_text(encoding="utf-8")) for p in seed_files(folder / "pages", ".json")]
        databases = folder / "databases"
        database_seeds = ([json.loads(p.read_text(encoding="utf-8")) for p in seed_files(databases, ".json")]
                          if databases.is_dir() else [])
        return cls.from_seeds(seeds, users, database_seeds)

    @classmethod
    def from_seeds(cls, seeds: list[dict[str, Any]], users: list[dict[str, Any]],
                   databases: list[dict[str, Any]] | None = None) -> NotionWorkspace:
        workspace = cls()
        workspace.users = {u["id"]: {"object": "user", **u} for u in users}
        workspace.users.setdefault(
            BOT_USER_ID, {"object": "user", "id": BOT_USER_ID, "name": "copydesk", "type": "bot",
                          "bot": {"owner": {"type": "workspace", "workspace": True}, "workspace_name": "Fernhill"}}
        )
        for database in databases or []:
            workspace._add_database(database)
        titles = {s["id"]: plain_text_of_title(s) for s in seeds}
        for seed in seeds:
            workspace._add_page(seed, titles)
        for seed in seeds:
            parent = seed.get("parent", {})
            if parent.get("type") == "page_id" and not seed.get("in_trash"):
                workspace._add_child_page_block(seed["id"], parent["page_id"])
        for database in databases or []:
            workspace._add_child_database_block(database["id"])
        return workspace

    @classmethod
    def synthetic(cls, pages: int, seed: int = 7) -> NotionWorkspace:
        """A large believable workspace for benchmarks: a tree of `pages` pages of prose."""
        return cls.from_seeds(*_synthetic_seeds(pages, seed))

    def add_page(self, seed: dict[str, Any]) -> dict[str, Any]:
        """One more page from a seed, as `from_seeds` adds each (the admin API's `pages` route)."""
        with self.lock:
            self._add_page(seed, {**self.titles(), seed["id"]: plain_text_of_title(seed)})
            parent = seed.get("parent", {})
            if parent.get("type") == "page_id" and not seed.get("in_trash"):
                self._add_child_page_block(seed["id"], parent["page_id"])
            return self.pages[seed["id"]]

    def _add_database(self, seed: dict[str, Any]) -> None:
        """A database and its one data source, from a create-database body (2025-09-03:
        `initial_data_source.properties` is the schema, keyed by property name)."""
        database_id, source_id = seed["id"], seed["data_source_id"]
        title = [complete_rich_text(i, {}) for i in seed["title"]]
        stamps = {"created_time": seed["created_time"], "last_edited_time": seed["last_edited_time"]}
        url = f"https://www.notion.so/{database_id.replace('-', '')}"
        self.databases[database_id] = {
            "object": "database", "id": database_id, "title": title, "description": [], "parent": seed["parent"],
            "is_inline": bool(seed.get("is_inline")), "in_trash": False, "is_locked": False, **stamps,
            "data_sources": [{"id": source_id, "name": plain_text(title)}], "icon": seed.get("icon"),
            "cover": None, "url": url, "public_url": None, "archived": False,
        }
        schema = {name: _schema_property(database_id, name, config)
                  for name, config in seed["initial_data_source"]["properties"].items()}
        who = {"object": "user", "id": seed.get("created_by", BOT_USER_ID)}
        self.data_sources[source_id] = {
            "object": "data_source", "id": source_id, "cover": None, "icon": seed.get("icon"),
            "created_time": seed["created_time"], "created_by": who, "last_edited_by": who,
            "last_edited_time": seed["last_edited_time"], "title": title, "description": [],
            "is_inline": bool(seed.get("is_inline")), "properties": schema,
            "parent": {"type": "database_id", "database_id": database_id}, "database_parent": seed["parent"],
            "url": url, "public_url": None, "in_trash": False, "archived": False,
        }

    def _add_child_database_block(self, database_id: str) -> None:
        database = self.databases[database_id]
        parent_id = database["parent"]["page_id"]
        self.blocks[database_id] = {
            "object": "block", "id": database_id, "parent": {"type": "page_id", "page_id": parent_id},
            "created_time": database["created_time"], "last_edited_time": database["created_time"],
            "created_by": self.data_sources[database["data_sources"][0]["id"]]["created_by"],
            "last_edited_by": self.data_sources[database["data_sources"][0]["id"]]["created_by"],
            "has_children": False, "in_trash": False, "type": "child_database",
            "child_database": {"title": plain_text(database["title"])}, "archived": False,
        }
        self.children.setdefault(parent_id, []).append(database_id)

    def rows(self, data_source_id: str) -> list[dict[str, Any]]:
        """The live pages of a data source, newest edit first (a query's default order)."""
        with self.lock:
            found = [p for p in self.pages.values()
                     if p["parent"].get("data_source_id") == data_source_id and not p["in_trash"]]
        return sorted(found, key=lambda p: (p["created_time"], p["id"]), reverse=True)

    def _row_properties(self, seed: dict[str, Any], titles: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
        """A row's parent and its properties as Notion returns them: every column of the data
        source, in the schema's order, empty where the seed gives no value."""
        source = self.data_sources[seed["parent"]["data_source_id"]]
        parent = {"type": "data_source_id", "data_source_id": source["id"],
                  "database_id": source["parent"]["database_id"]}
        given = seed["properties"]
        properties = {}
        for name, schema in source["properties"].items():
            kind = schema["type"]
            value = given.get(name, {}).get(kind, _EMPTY_VALUES.get(kind))
            properties[name] = {"id": schema["id"], "type": kind,
                                kind: self.property_value(schema, value, titles)}
        unknown = set(given) - set(source["properties"])
        if unknown:
            raise SandboxValidationError(f"Could not find property with name or id: {sorted(unknown)[0]}")
        return parent, properties

    def property_value(self, schema: dict[str, Any], value: Any, titles: dict[str, str]) -> Any:
        """A request-shaped property value (`{"name": "Blog"}`, `[{"id": user}]`) as Notion
        returns it (the option's id and color, the user object)."""
        kind = schema["type"]
        if kind in ("title", "rich_text"):
            return [complete_rich_text(i, titles, self.users) for i in value or []]
        if kind in ("select", "status"):
            return None if value is None else _option(schema, kind, value)
        if kind == "multi_select":
            return [_option(schema, kind, v) for v in value or []]
        if kind == "people":
            return [{"object": "user", **self.users.get(u["id"], {"id": u["id"]})} for u in value or []]
        if kind == "date":
            return None if value is None else {"start": value["start"], "end": value.get("end"),
                                                "time_zone": value.get("time_zone")}
        if kind == "relation":
            return [{"id": r["id"]} for r in value or []]
        return value

    def _add_page(self, seed: dict[str, Any], titles: dict[str, str]) -> None:
        page_id = seed["id"]
        parent = seed.get("parent") or {"type": "workspace", "workspace": True}
        if parent.get("type") == "data_source_id":
            parent, properties = self._row_properties(seed, titles)
        else:
            items = [complete_rich_text(i, titles) for i in seed["properties"]["title"]["title"]]
            properties = {"title": {"id": "title", "type": "title", "title": items}}
        title = plain_text(title_items(properties))
        trashed = bool(seed.get("in_trash"))
        self.pages[page_id] = {
            "object": "page",
            "id": page_id,
            "created_time": seed["created_time"],
            "last_edited_time": seed["last_edited_time"],
            "created_by": {"object": "user", "id": seed.get("created_by", BOT_USER_ID)},
            "last_edited_by": {"object": "user", "id": seed.get("last_edited_by", BOT_USER_ID)},
            "cover": None,
            "icon": seed.get("icon"),
            "parent": parent,
            "in_trash": trashed,
            "is_archived": trashed,
            "is_locked": False,
            "properties": properties,
            "url": f"https://www.notion.so/{_slug(title)}-{page_id.replace('-', '')}",
            "public_url": None,
            "archived": trashed,
        }
        self.children[page_id] = []
        for position, child in enumerate(seed.get("children", [])):
            self._add_block(child, page_id, "page_id", f"{page_id}/{position}", seed, titles)

    def _add_block(
        self,
        spec: dict[str, Any],
        parent_id: str,
        parent_type: str,
        anchor: str,
        page_seed: dict[str, Any],
        titles: dict[str, str],
    ) -> str:
        kind = spec["type"]
        body = copy.deepcopy(spec.get(kind, {}))
        nested = body.pop("children", None) or spec.get("children") or []
        if "rich_text" in body:
            body["rich_text"] = [complete_rich_text(i, titles) for i in body["rich_text"]]
        if "caption" in body:
            body["caption"] = [complete_rich_text(i, titles) for i in body["caption"]]
        if kind == "table_row":
            body["cells"] = [[complete_rich_text(i, titles) for i in cell] for cell in body.get("cells", [])]
        if kind in {"paragraph", "bulleted_list_item", "numbered_list_item", "toggle", "quote", "to_do"}:
            body.setdefault("color", "default")
        if kind == "paragraph":
            body.setdefault("icon", None)  # present, null, in every 2025-09-03 paragraph Notion returns
        if kind.startswith("heading_"):
            body.setdefault("color", "default")
            body.setdefault("is_toggleable", False)
        synced_from = body.get("synced_from") if kind == "synced_block" else None
        if synced_from:
            body["synced_from"] = {"type": "block_id", "block_id": synced_from["block_id"]}
        block_id = spec.get("id") or str(uuid.uuid5(_ID_NAMESPACE, anchor))
        author = page_seed.get("last_edited_by", BOT_USER_ID)
        self.blocks[block_id] = {
            "object": "block",
            "id": block_id,
            "parent": {"type": parent_type, parent_type: parent_id},
            "created_time": page_seed["created_time"],
            "last_edited_time": page_seed["last_edited_time"],
            "created_by": {"object": "user", "id": page_seed.get("created_by", BOT_USER_ID)},
            "last_edited_by": {"object": "user", "id": author},
            "has_children": bool(nested) or bool(synced_from),
            "in_trash": False,
            "type": kind,
            kind: body,
            "archived": False,
        }
        self.children.setdefault(parent_id, []).append(block_id)
        self.children.setdefault(block_id, [])
        for position, child in enumerate(nested):
            self._add_block(child, block_id, "block_id", f"{anchor}/{position}", page_seed, titles)
        return block_id

    def _add_child_page_block(self, page_id: str, parent_id: str) -> None:
        page = self.pages[page_id]
        self.blocks[page_id] = {
            "object": "block",
            "id": page_id,
            "parent": {"type": "page_id", "page_id": parent_id},
            "created_time": page["created_time"],
            "last_edited_time": page["created_time"],
            "created_by": page["created_by"],
            "last_edited_by": page["created_by"],
            "has_children": True,
            "in_trash": False,
            "type": "child_page",
            "child_page": {"title": plain_text(title_items(page["properties"]))},
            "archived": False,
        }
        self.children.setdefault(parent_id, []).append(page_id)

    # -- reading --------------------------------------------------------------------------

    def titles(self) -> dict[str, str]:
        return {pid: plain_text(title_items(p["properties"])) for pid, p in self.pages.items()}

    def search(self, query: str = "", only: str | None = "page", ascending: bool = False) -> list[dict[str, Any]]:
        with self.lock:
            found = [
                p
                for p in self.pages.values()
                if not p["in_trash"]
                and (only in (None, "page"))
                and query.lower() in plain_text(title_items(p["properties"])).lower()
            ]
            if only in (None, "data_source"):
                found += [s for s in self.data_sources.values()
                          if not s["in_trash"] and query.lower() in plain_text(s["title"]).lower()]
        found.sort(key=lambda p: (p["last_edited_time"], p["id"]), reverse=not ascending)
        return found

    def listed_children(self, parent_id: str) -> list[dict[str, Any]]:
        """What listing `parent_id`'s children returns: a synced block's reference lists its
        original's children (the same blocks, same ids), as Notion does."""
        with self.lock:
            block = self.blocks.get(parent_id)
            source = ((block or {}).get("synced_block") or {}).get("synced_from") or {}
            return [self.blocks[c] for c in self.children.get(source.get("block_id") or parent_id, [])]

    def remove(self, page_id: str) -> None:
        """Take a page away for good, as a deletion from the trash or a revoked share does: every
        request for it, its blocks included, is then a 404."""
        with self.lock:
            for block in list(self.iter_descendants(page_id)):
                if block["type"] != "child_page":
                    self.blocks.pop(block["id"], None)
            self.blocks.pop(page_id, None)
            self.pages.pop(page_id)
            self.children.pop(page_id, None)
            for siblings in self.children.values():
                if page_id in siblings:
                    siblings.remove(page_id)

    def page_of(self, block_id: str) -> str | None:
        """The page a block belongs to, walking up the parents."""
        current = block_id
        while current in self.blocks:
            parent = self.blocks[current]["parent"]
            above: str | None = parent.get("page_id") or parent.get("block_id")
            if parent["type"] == "page_id" or above is None:
                return above
            current = above
        return current if current in self.pages else None

    def iter_descendants(self, root_id: str) -> Iterator[dict[str, Any]]:
        for child_id in self.children.get(root_id, []):
            block = self.blocks[child_id]
            yield block
            if block["type"] != "child_page":
                yield from self.iter_descendants(child_id)

    # -- writing --------------------------------------------------------------------------

    def touch(self, block_id: str | None, page_id: str, editor: str, when: datetime | None = None) -> None:
        stamp = notion_time(when or datetime.now(UTC))
        who = {"object": "user", "id": editor}
        if block_id:
            self.blocks[block_id]["last_edited_time"] = stamp
            self.blocks[block_id]["last_edited_by"] = who
        self.pages[page_id]["last_edited_time"] = stamp
        self.pages[page_id]["last_edited_by"] = who

    def touch_block(self, block_id: str, editor: str) -> None:
        """Stamp an edited block and the page holding it, as Notion does."""
        page_id = self.page_of(block_id)
        if page_id is None:
            raise KeyError(f"block {block_id} sits under no page of the workspace")
        self.touch(block_id, page_id, editor)

    def rename(self, page_id: str, title: list[dict[str, Any]]) -> None:
        """Set a page's title; its child_page block in the parent shows the same title, as in Notion."""
        page = self.pages[page_id]
        name = next(n for n, p in page["properties"].items() if p["type"] == "title")
        self.update_properties(page_id, {name: {"title": title}})

    def update_properties(self, page_id: str, update: dict[str, Any]) -> None:
        """`PATCH /v1/pages/{id}`'s `properties`: each key names a property by name or id, and
        its value holds the new value under the property's type, which replaces the old one
        whole. Refused like Notion, before anything changes: an unknown property, a value of
        another type, or a property Notion computes."""
        page = self.pages[page_id]
        changes = []
        for key, value in update.items():
            name = key if key in page["properties"] else next(
                (n for n, p in page["properties"].items() if p["id"] == key), None)
            if name is None:
                raise SandboxValidationError(f"Could not find property with name or id: {key}")
            kind = page["properties"][name]["type"]
            if not isinstance(value, dict) or kind not in value:
                raise SandboxValidationError(f"{name} is expected to be {kind}.")
            if kind in _COMPUTED:
                raise SandboxValidationError(f"body failed validation: {name} is a {kind} property and cannot be updated.")
            if kind in ("title", "rich_text") and not isinstance(value[kind], list):
                raise SandboxValidationError(f"body failed validation: body.properties.{name}.{kind} should be an array.")
            changes.append((name, kind, value[kind]))
        schemas = self._schemas(page)
        titles = self.titles()
        for name, kind, value in changes:
            schema = schemas.get(name, {"type": kind})
            page["properties"][name][kind] = self.property_value(schema, value, titles)
        if page_id in self.blocks and self.blocks[page_id]["type"] == "child_page":
            self.blocks[page_id]["child_page"]["title"] = plain_text(title_items(page["properties"]))

    def _schemas(self, page: dict[str, Any]) -> dict[str, dict[str, Any]]:
        source = self.data_sources.get(page["parent"].get("data_source_id", ""))
        return source["properties"] if source else {}

    def edit_text(self, root_id: str, find: str, replace: str,
                  editor: str = OUTSIDE_EDITOR_ID) -> dict[str, Any] | None:
        """Change the first text under `root_id` containing `find`, as the user `editor` would (the
        admin API's `edit`): a row's rich-text property, then a block's rich text, caption or table
        cell. Returns the changed block (the page, for a property) or None."""
        with self.lock:
            candidates = [self.blocks[root_id]] if root_id in self.blocks else []
            candidates += list(self.iter_descendants(root_id))
            if root_id in self.pages and self._edit_property(root_id, find, replace, editor):
                return self.pages[root_id]
            for block in candidates:
                body = block[block["type"]]
                for field in ("rich_text", "caption"):
                    updated = replace_in_rich_text(body.get(field) or [], find, replace)
                    if updated is not None:
                        body[field] = updated
                        self.touch_block(block["id"], editor)
                        return block
                for index, cell in enumerate(body.get("cells", [])):
                    updated = replace_in_rich_text(cell, find, replace)
                    if updated is not None:
                        body["cells"][index] = updated
                        self.touch_block(block["id"], editor)
                        return block
        return None


    def _edit_property(self, page_id: str, find: str, replace: str, editor: str) -> bool:
        """Replace `find` in the first rich-text property of a row holding it (a colleague editing
        a "Tagline" cell of the database in Notion)."""
        for value in self.pages[page_id]["properties"].values():
            if value["type"] != "rich_text":
                continue
            updated = replace_in_rich_text(value["rich_text"], find, replace)
            if updated is not None:
                value["rich_text"] = updated
                self.touch(None, page_id, editor)
                return True
        return False


def title_items(properties: dict[str, Any]) -> list[dict[str, Any]]:
    """The rich text of a page's title property, whatever the property is named ("Name" in a row)."""
    return next((p["title"] for p in properties.values() if p.get("type") == "title"), [])


def plain_text_of_title(seed: dict[str, Any]) -> str:
    items: list[dict[str, Any]] = next((v["title"] for v in seed["properties"].values() if "title" in v), [])
    return "".join(i.get("text", {}).get("content", "") for i in items)


# Property types whose value Notion sets itself: an update naming one is refused.
_COMPUTED = {"formula", "rollup", "created_time", "created_by", "last_edited_time", "last_edited_by", "unique_id"}
_EMPTY_VALUES: dict[str, Any] = {"title": [], "rich_text": [], "multi_select": [], "people": [], "relation": [],
                                 "files": [], "checkbox": False}


def _schema_property(database_id: str, name: str, config: dict[str, Any]) -> dict[str, Any]:
    """A data source's property from a create-database property (`{"select": {"options": [...]}}`):
    its id ("title" for the title, otherwise a short stable id as Notion gives), name and type."""
    kind = next(iter(config))
    body = copy.deepcopy(config[kind])
    if kind in ("select", "multi_select", "status"):
        body["options"] = [{"id": str(uuid.uuid5(_ID_NAMESPACE, f"{database_id}/{name}/{o['name']}")),
                           "name": o["name"], "color": o.get("color", "default"), "description": None}
                          for o in body.get("options", [])]
    property_id = "title" if kind == "title" else uuid.uuid5(_ID_NAMESPACE, f"{database_id}/{name}").hex[:4]
    return {"id": property_id, "name": name, "description": None, "type": kind, kind: body}


def _option(schema: dict[str, Any], kind: str, value: dict[str, Any]) -> dict[str, Any]:
    """A select, status or multi-select choice by name or id, as the schema's option; a new
    name becomes a new option, as Notion adds it (a status, whose options are fixed, refuses it)."""
    options = schema.setdefault(kind, {}).setdefault("options", [])
    found = next((o for o in options if o["name"] == value.get("name") or o["id"] == value.get("id")), None)
    if found is None:
        if kind == "status" or not value.get("name"):
            raise SandboxValidationError(f"body failed validation: {value!r} is not an option of {schema.get('name')}.")
        found = {"id": str(uuid.uuid4()), "name": value["name"], "color": "default", "description": None}
        options.append(found)
    return {"id": found["id"], "name": found["name"], "color": found["color"]}


_SYNTHETIC_SENTENCES = [
    "HelpHive is the chatbot for your docs, with answers from your docs in seconds.",
    "Setup in 5 minutes: connect your help center and HelpHive starts answering.",
    "Our customers see support tickets cut by 40% within the first quarter.",
    "HelpHive works with Zendesk and Intercom out of the box.",
    "We promise 99.9% uptime on every plan, including HelpHive Pro.",
    "The onboarding team reviews every new workspace within one business day.",
    "Quarterly planning starts with the roadmap review and the hiring plan.",
    "Every incident gets a written postmortem within five working days.",
    "Sales engineers own the technical evaluation from first call to signature.",
    "Keep the glossary up to date when a new feature ships.",
]


def _synthetic_seeds(count: int, seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rng = random.Random(seed)
    users = [{"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "name": f"User {n}", "type": "person"}
             for n in range(5)]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    seeds: list[dict[str, Any]] = []
    for n in range(count):
        page_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        parent = (
            {"type": "page_id", "page_id": seeds[rng.randrange(len(seeds))]["id"]}
            if seeds and rng.random() < 0.7
            else {"type": "workspace", "workspace": True}
        )
        edited = notion_time(start + timedelta(minutes=rng.randrange(0, 300 * 24 * 60)))
        children = []
        for _ in range(rng.randint(8, 20)):
            kind = rng.choice(["paragraph", "paragraph", "bulleted_list_item", "heading_2", "quote"])
            text = " ".join(rng.sample(_SYNTHETIC_SENTENCES, rng.randint(1, 3)))
            children.append({"type": kind, kind: {"rich_text": [{"type": "text", "text": {"content": text}}]}})
        author = rng.choice(users)["id"]
        seeds.append({
            "id": page_id,
            "parent": parent,
            "icon": None,
            "properties": {"title": {"title": [{"type": "text", "text": {"content": f"Synthetic page {n + 1:04d}"}}]}},
            "created_time": "2025-12-01T09:00:00.000Z",
            "last_edited_time": edited,
            "created_by": author,
            "last_edited_by": author,
            "in_trash": False,
            "children": children,
        })
    return seeds, users
