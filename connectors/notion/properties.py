"""A database row's properties → blocks, so a column's copy is diffed, swept and written.

Under API 2025-09-03 a database row is a page whose `parent` is a data source, and its
`properties` map holds every column's value (https://developers.notion.com/reference/
property-value-object). The title stays the page's `title` block (id `title`, unchanged). Every
other property becomes one block with id `property:<property id>` (Notion keeps a property's
id when it is renamed; the name is in `attrs["label"]`, which is what a reviewer reads):

- `rich_text`: editable, its runs kept in `raw["rich_text"]` like a title's, written back with
  `PATCH /v1/pages/{id}` and only that property.
- select, multi_select, status, date, people, number, url, email, phone_number, files,
  unique_id, created_time, created_by, and formula or rollup results that are text, numbers or
  dates: read-only blocks, their text rendered as Notion shows it (a date as "December 10,
  2026", options and people joined by ", "), with a reason naming where to change them.
- Listed in `Document.not_captured` instead: `last_edited_time` and `last_edited_by` (they
  change with every edit, so tracking them would make each write look like two changes, and
  a revert never exact), relations (the page object gives the linked pages' ids, never their
  titles) and any value whose text the API does not return. Checkboxes, and formulas that
  give a checkbox, carry no text and are not listed.

Properties come in the order the page object gives them, the order Notion returns its map.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable

from connectors.document import Block, NotCaptured, Span

PROPERTY_PREFIX = "property:"
_CHANGE_IN_NOTION = {
    "select": "a Select property", "multi_select": "a Multi-select property", "status": "a Status property",
    "date": "a Date property", "people": "a Person property", "number": "a Number property",
    "url": "a URL property", "email": "an Email property", "phone_number": "a Phone property",
    "files": "a Files & media property", "unique_id": "an ID property (Notion numbers rows itself)",
    "created_time": "the row's creation time (Notion sets it)", "created_by": "the row's creator (Notion sets it)",
    "formula": "a Formula property (Notion computes it)", "rollup": "a Rollup property (Notion computes it)",
    "verification": "a Verification property",
}
_COMPUTED = {"formula", "rollup", "unique_id", "created_time", "created_by"}
_VOLATILE = {"last_edited_time": "the time of the row's last edit", "last_edited_by": "the row's last editor"}
_NO_TEXT = {"checkbox", "button"}


def property_blocks(page: dict[str, Any], spans_of: Callable[[list[dict[str, Any]]], tuple[Span, ...]]
                    ) -> tuple[list[Block], list[NotCaptured]]:
    """Every property of `page` except its title, as blocks or as text not captured.
    `spans_of` is the normaliser's reading of rich text, the same for a property as for a block."""
    blocks: list[Block] = []
    missed: list[NotCaptured] = []
    for name, value in (page.get("properties") or {}).items():
        kind = str(value.get("type", ""))
        if kind == "title" or kind in _NO_TEXT:
            continue
        block_id = f"{PROPERTY_PREFIX}{value.get('id') or name}"
        attrs = {"label": name, "type": kind}
        if kind == "rich_text":
            items = value.get("rich_text") or []
            blocks.append(Block(id=block_id, kind="property", text=_plain(items), spans=spans_of(items),
                                attrs=attrs, raw={"property": name, "id": value.get("id", ""), "rich_text": items}))
            continue
        if kind in _VOLATILE:
            missed.append(NotCaptured(element=f"property '{name}'", chars=len(render_value(value) or ""),
                                      reason=f"{_VOLATILE[kind]}: it changes with every edit, so copydesk leaves it out"))
            continue
        text = render_value(value)
        if text is None:
            missed.append(NotCaptured(element=f"property '{name}'", chars=0, reason=_unrendered(kind, value)))
            continue
        what = _CHANGE_IN_NOTION.get(kind, f"a {kind.replace('_', ' ')} property")
        where = "it is not text copydesk writes" if kind in _COMPUTED else "change it in Notion"
        blocks.append(Block(id=block_id, kind="property", text=text, editable=False,
                            readonly_reason=f"'{name}' is {what}: {where}.", attrs=attrs,
                            raw={"property": name, **value}))
    return blocks, missed


def render_value(value: dict[str, Any]) -> str | None:
    """A property value's text as Notion shows it; '' for an empty value, None when the API
    does not return the text (a relation's titles, a rollup of values with none)."""
    kind = str(value.get("type", ""))
    render = _RENDERERS.get(kind)
    return None if render is None else render(value.get(kind))


def _unrendered(kind: str, value: dict[str, Any]) -> str:
    if kind == "relation":
        count = len(value.get("relation") or [])
        more = " or more" if value.get("has_more") else ""
        return (f"a Relation to {count}{more} page(s): Notion's page object gives their ids, not their titles, "
                "so the text is not known")
    if kind == "rollup":
        return "a Rollup whose values Notion does not return as text"
    return f"a {kind.replace('_', ' ') or 'untyped'} property copydesk cannot read as text"


def _plain(items: list[dict[str, Any]]) -> str:
    return "".join(str(i.get("plain_text", "")) for i in items)


def _option(option: Any) -> str:
    return str(option.get("name", "")) if isinstance(option, dict) else ""


def _options(options: Any) -> str:
    return ", ".join(_option(o) for o in options or [])


def _person(user: Any) -> str | None:
    return str(user["name"]) if isinstance(user, dict) and user.get("name") else None


def _people(users: Any) -> str | None:
    names = [_person(u) for u in users or []]
    return None if any(n is None for n in names) else ", ".join(n for n in names if n)


def _number(number: Any) -> str:
    if number is None:
        return ""
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return str(number)


def _date(value: Any) -> str:
    """`{"start", "end"}` as Notion's default date format shows it: "December 10, 2026",
    "December 10, 2026 9:30 AM", and a range joined by an arrow."""
    if not isinstance(value, dict) or not value.get("start"):
        return ""
    shown = _moment(str(value["start"]))
    return f"{shown} → {_moment(str(value['end']))}" if value.get("end") else shown


def _moment(stamp: str) -> str:
    if "T" not in stamp:
        day = date.fromisoformat(stamp)
        return f"{day:%B} {day.day}, {day.year}"
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    hour = moment.hour % 12 or 12
    return f"{moment:%B} {moment.day}, {moment.year} {hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def _files(files: Any) -> str:
    return ", ".join(str(f.get("name", "")) for f in files or [] if isinstance(f, dict))


def _unique_id(value: Any) -> str:
    if not isinstance(value, dict) or value.get("number") is None:
        return ""
    prefix = value.get("prefix")
    return f"{prefix}-{value['number']}" if prefix else str(value["number"])


def _formula(result: Any) -> str | None:
    if not isinstance(result, dict):
        return ""
    kind = result.get("type")
    if kind == "string":
        return str(result.get("string") or "")
    if kind == "number":
        return _number(result.get("number"))
    if kind == "date":
        return _date(result.get("date"))
    if kind == "boolean":
        return None
    return None


def _rollup(result: Any) -> str | None:
    if not isinstance(result, dict):
        return ""
    kind = result.get("type")
    if kind == "number":
        return _number(result.get("number"))
    if kind == "date":
        return _date(result.get("date"))
    if kind == "array":
        parts = [render_value(item) for item in result.get("array") or []]
        return None if any(p is None for p in parts) else ", ".join(p for p in parts if p)
    return None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _rich(items: Any) -> str:
    return _plain(items or [])


_RENDERERS: dict[str, Callable[[Any], str | None]] = {
    "rich_text": _rich, "title": _rich,
    "select": _option, "status": _option, "multi_select": _options,
    "date": _date, "people": _people, "created_by": _person, "last_edited_by": _person,
    "number": _number, "url": _text, "email": _text, "phone_number": _text,
    "created_time": lambda stamp: _moment(str(stamp)) if stamp else "",
    "last_edited_time": lambda stamp: _moment(str(stamp)) if stamp else "",
    "files": _files, "unique_id": _unique_id, "formula": _formula, "rollup": _rollup,
}
