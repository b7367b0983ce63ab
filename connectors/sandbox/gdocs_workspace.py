"""The state behind the Google Docs sandbox: a Drive of folders and Google Docs, a change log,
and each document's `documents.get` JSON.

Seeds are short Markdown-like files (connectors/sandbox/seeds/gdocs/README.md has the format), so
the collateral stays readable and reviewable; `DocumentBuilder` turns them into the real
structural JSON (section break, named styles, lists with `kix.` ids, tables, link styling,
UTF-16 indices) the way the Docs editor would have saved them.

Drive bookkeeping follows the v3 API: every create, edit, trash and delete bumps the file's
`version` and appends a change; `changes.list` shows each file once, in its latest state.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import random
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources.abc import Traversable
from typing import Any, Iterator

from connectors.sandbox import gdocs_model as model
from connectors.sandbox.seeds import seed_files

FOLDER_MIME = "application/vnd.google-apps.folder"
DOCUMENT_MIME = "application/vnd.google-apps.document"
FIRST_CHANGE = 1001
_ICON = "https://drive-thirdparty.googleusercontent.com/16/type/"


def rfc3339(moment: datetime) -> str:
    """Drive's timestamps: UTC with milliseconds, `2026-10-21T15:42:08.117Z`."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def now() -> str:
    return rfc3339(datetime.now(UTC))


def _content_key(content: dict[str, Any]) -> str:
    """A tab's body and, when it has any, its headers, footers and footnotes, as hashed."""
    body = json.dumps(content.get("body"), sort_keys=True)
    segments = {kind: content[kind] for kind in model.SEGMENT_KINDS if content.get(kind)}
    if segments:  # a header-only edit is a new state too (documents without segments keep their ids)
        body += json.dumps(segments, sort_keys=True)
    return body


def revision_id(document_id: str, number: int, document: dict[str, Any]) -> str:
    """An opaque revision id shaped like Docs' (86 URL-safe characters). It hashes the content
    too, so two different states never share an id, even across a sandbox reset."""
    body = "\n".join(_content_key(content) for content in model.tab_contents(document))
    digest = hashlib.sha512(f"{document_id}:{number}:{body}".encode()).digest()
    return "AC" + base64.urlsafe_b64encode(digest).decode().rstrip("=")[:84]


@dataclass
class DriveFile:
    """One Drive file (a folder or a Google Doc) and the fields Drive reports about it."""

    id: str
    name: str
    mime_type: str
    parent: str
    created_time: str
    modified_time: str
    version: int
    owner: dict[str, Any]
    last_modifying_user: dict[str, Any]
    trashed: bool = False
    explicitly_trashed: bool = False
    trashed_time: str | None = None

    @property
    def is_folder(self) -> bool:
        return self.mime_type == FOLDER_MIME

    def resource(self) -> dict[str, Any]:
        """The full File resource; responses cut it down with the `fields` mask."""
        if self.is_folder:
            link = f"https://drive.google.com/drive/folders/{self.id}"
        else:
            link = f"https://docs.google.com/document/d/{self.id}/edit"
        resource: dict[str, Any] = {
            "kind": "drive#file",
            "id": self.id,
            "name": self.name,
            "mimeType": self.mime_type,
            "parents": [self.parent],
            "createdTime": self.created_time,
            "modifiedTime": self.modified_time,
            "version": str(self.version),
            "trashed": self.trashed,
            "explicitlyTrashed": self.explicitly_trashed,
            "webViewLink": link,
            "iconLink": _ICON + self.mime_type,
            "owners": [copy.deepcopy(self.owner)],
            "ownedByMe": bool(self.owner.get("me")),
            "lastModifyingUser": copy.deepcopy(self.last_modifying_user),
        }
        if self.trashed_time:
            resource["trashedTime"] = self.trashed_time
        return resource


@dataclass
class Change:
    number: int
    file_id: str
    time: str
    removed: bool


@dataclass
class DriveWorkspace:
    """Files, documents and the change log; callers hold `lock` around reads and writes."""

    my_drive_id: str
    root_folder_id: str
    users: dict[str, dict[str, Any]]
    api_user: str
    outside_editor: str
    files: dict[str, DriveFile] = field(default_factory=dict)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    next_change: int = FIRST_CHANGE
    lock: threading.RLock = field(default_factory=threading.RLock)
    _revisions: dict[str, int] = field(default_factory=dict)

    # -- loading ------------------------------------------------------------------------------

    @classmethod
    def from_seed_dir(cls, folder: Traversable) -> DriveWorkspace:
        drive = json.loads((folder / "drive.json").read_text(encoding="utf-8"))
        builder = DocumentBuilder(json.loads((folder / "styles.json").read_text(encoding="utf-8")))
        users = {key: _user(value, me=key == drive["api_user"]) for key, value in drive["users"].items()}
        folders = {entry["key"]: entry for entry in drive["folders"]}
        top = next(entry for entry in drive["folders"] if entry["parent"] is None)
        workspace = cls(drive["my_drive_id"], top["id"], users, drive["api_user"], drive["outside_editor"])
        owner = users[drive["owner"]]
        for entry in drive["folders"]:
            parent = folders[entry["parent"]]["id"] if entry["parent"] else workspace.my_drive_id
            workspace.add(DriveFile(entry["id"], entry["name"], FOLDER_MIME, parent, entry["created"],
                                    entry["modified"], entry["version"], owner, owner))
        for path in seed_files(folder / "docs", ".md"):
            meta, lines = parse_seed(path.read_text(encoding="utf-8"), path.name)
            document = builder.build(meta["id"], meta["title"], lines, meta.get("tab", "Tab 1"),
                                     header=meta.get("header", ""), footer=meta.get("footer", ""))
            editor = users[meta.get("modified_by", drive["owner"])]
            workspace.add(DriveFile(meta["id"], meta["title"], DOCUMENT_MIME, folders[meta["folder"]]["id"],
                                    meta["created"], meta["modified"], int(meta.get("version", 1)), owner, editor),
                          document)
        return workspace

    @classmethod
    def synthetic(cls, count: int, seed: int, template: DriveWorkspace, styles: dict[str, Any]) -> DriveWorkspace:
        """`count` generated docs in the same top folder (same id) as `template`, for benchmarks."""
        rng = random.Random(seed)
        workspace = cls(template.my_drive_id, template.root_folder_id, template.users, template.api_user,
                        template.outside_editor)
        owner = template.files[template.root_folder_id].owner
        stamp = "2026-01-05T09:00:00.000Z"
        workspace.add(DriveFile(template.root_folder_id, f"Sales collateral (synthetic, {count} docs)", FOLDER_MIME,
                                template.my_drive_id, stamp, stamp, 1, owner, owner))
        builder = DocumentBuilder(styles)
        for number in range(1, count + 1):
            document_id = _synthetic_id(seed, number)
            title = f"Synthetic collateral {number:05d}"
            modified = rfc3339(datetime(2026, 1, 5, 9, tzinfo=UTC).replace(
                minute=number % 60, second=rng.randrange(60)))
            workspace.add(DriveFile(document_id, title, DOCUMENT_MIME, template.root_folder_id, stamp, modified,
                                    rng.randrange(2, 300), owner, owner),
                          builder.build(document_id, title, _synthetic_lines(rng, title)))
        return workspace

    def add(self, file: DriveFile, document: dict[str, Any] | None = None) -> None:
        self.files[file.id] = file
        if document is not None:
            self._revisions[file.id] = 0
            document["revisionId"] = revision_id(file.id, 0, document)
            self.documents[file.id] = document
        self._record(file.id, file.modified_time, removed=False)

    # -- reading ------------------------------------------------------------------------------

    def user(self, key: str) -> dict[str, Any]:
        return self.users[key]

    def iter_files(self) -> Iterator[DriveFile]:
        return iter(list(self.files.values()))

    def visible_changes(self, start: int, include_removed: bool) -> list[Change]:
        """Changes from `start` on, each file once at its latest change, as Drive lists them."""
        latest = {change.file_id: change.number for change in self.changes}
        return [c for c in self.changes
                if c.number >= start and latest[c.file_id] == c.number and (include_removed or not c.removed)]

    # -- writing ------------------------------------------------------------------------------

    def commit_document(self, document_id: str, document: dict[str, Any], editor: str) -> dict[str, Any]:
        """Store an edited document: new revisionId, Drive version + 1, modifiedTime now, a change."""
        number = self._revisions[document_id] + 1
        self._revisions[document_id] = number
        document["revisionId"] = revision_id(document_id, number, document)
        self.documents[document_id] = document
        file = self.files[document_id]
        file.version += 1
        file.modified_time = now()
        file.last_modifying_user = self.user(editor)
        self._record(document_id, file.modified_time, removed=False)
        return document

    def trash(self, file_id: str) -> list[str]:
        """Trash a file and, implicitly, everything under it; return the ids that changed."""
        stamp = now()
        touched = []
        for target in self._subtree(file_id):
            file = self.files[target]
            if file.trashed:
                continue
            file.trashed = True
            file.explicitly_trashed = target == file_id
            file.trashed_time = stamp
            file.version += 1
            self._record(target, stamp, removed=False)
            touched.append(target)
        return touched

    def delete(self, file_id: str) -> list[str]:
        """Delete a file for good (and everything under it): the changes say removed."""
        stamp = now()
        removed = list(self._subtree(file_id))
        for target in removed:
            del self.files[target]
            self.documents.pop(target, None)
            self._record(target, stamp, removed=True)
        return removed

    def _subtree(self, file_id: str) -> Iterator[str]:
        yield file_id
        for child in [f.id for f in self.files.values() if f.parent == file_id]:
            yield from self._subtree(child)

    def _record(self, file_id: str, time: str, removed: bool) -> None:
        self.changes.append(Change(self.next_change, file_id, time, removed))
        self.next_change += 1


def _user(entry: dict[str, Any], me: bool) -> dict[str, Any]:
    """A Drive User; `me` is true for the account the API token belongs to."""
    return {"kind": "drive#user", "displayName": entry["displayName"], "me": me,
            "permissionId": entry["permissionId"], "emailAddress": entry["emailAddress"]}


# -- the seed format -----------------------------------------------------------------------------


def parse_seed(text: str, name: str = "<seed>") -> tuple[dict[str, str], list[str]]:
    """Split a seed file into its front matter (`key: value` lines between `---`) and body lines."""
    lines = text.splitlines()
    if not lines or lines[0] != "---" or "---" not in lines[1:]:
        raise ValueError(f"{name}: a seed document starts with a front matter block between '---' lines")
    end = lines.index("---", 1)
    meta = {}
    for line in lines[1:end]:
        key, _, value = line.partition(":")
        meta[key.strip()] = value.strip()
    missing = {"id", "title", "folder", "created", "modified"} - set(meta)
    if missing:
        raise ValueError(f"{name}: front matter lacks {', '.join(sorted(missing))}")
    return meta, lines[end + 1 :]


_LIST_ITEM = re.compile(r"^( *)(-|\d+\.) (.*)$")
_FOOTNOTE = re.compile(r"\[\^((?:\\.|[^\]\\])*)\]")
_FOOTNOTE_STYLE = {"fontSize": {"magnitude": 10, "unit": "PT"}}
_HEADINGS = {"= ": "TITLE", "~ ": "SUBTITLE", "# ": "HEADING_1", "## ": "HEADING_2", "### ": "HEADING_3"}
_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\(([^)\s]+)\)")
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


class DocumentBuilder:
    """Turns seed lines into a `documents.get` body, with the styles of a real document."""

    def __init__(self, styles: dict[str, Any]) -> None:
        self.styles = styles
        # Every document gets its own copy of these; parsing JSON copies far faster than deepcopy.
        self._document_styles = json.dumps({key: styles[key] for key in ("documentStyle", "namedStyles")})
        self._nesting_levels = {kind: json.dumps(levels) for kind, levels in styles["lists"].items()}

    def build(self, document_id: str, title: str, lines: list[str], first_tab: str = "Tab 1", *, header: str = "",
              footer: str = "") -> dict[str, Any]:
        """The document as stored: its tabs (`@tab` lines start a new one, see the seed README),
        each with its own body, lists and styles. `header` and `footer`: the text of the first
        tab's default header and footer (none when empty); `[^text]` in a line is a footnote
        reference, and the footnote holds `text`."""
        self._ids = _IdMaker(document_id)
        # Segment ids come from their own counter, so a seed's heading and list ids stay as they were.
        self._segment_ids = _IdMaker(f"{document_id}:segments")
        tabs: list[dict[str, Any]] = []
        parents: list[dict[str, Any]] = []  # the open tab at each nesting level
        for depth, tab_title, section in _tab_sections(lines, first_tab):
            if depth > len(parents):
                raise ValueError(f"tab {tab_title!r} of {document_id} is nested under no tab")
            del parents[depth:]
            parent = parents[-1]["tabProperties"] if parents else None
            siblings = parents[-1].setdefault("childTabs", []) if parents else tabs
            tab_id = model.BODY_TAB_ID if not tabs else _tab_id(document_id, tab_title)
            content = self._document_tab(section, header, footer) if not tabs else self._document_tab(section)
            tab = {"tabProperties": model.tab_properties(tab_id, tab_title, len(siblings), parent),
                   "documentTab": content}
            siblings.append(tab)
            parents.append(tab)
        document: dict[str, Any] = {"title": title, "tabs": tabs, "revisionId": "",
                                    "suggestionsViewMode": "SUGGESTIONS_INLINE", "documentId": document_id}
        return model.reindex(document)

    def _document_tab(self, lines: list[str], header: str = "", footer: str = "") -> dict[str, Any]:
        """One tab's content: body, header and footer, footnotes, the shared styles, its lists."""
        self._lists: dict[str, Any] = {}
        self._footnotes: dict[str, Any] = {}
        content = [model.section_break()]
        current_list: tuple[str, str] | None = None
        rows: list[list[str]] = []
        for raw in lines:
            line = raw.rstrip()
            if rows and not line.startswith("|"):
                self._append(content, self._table(rows))
                rows = []
            if not line.strip():
                current_list = None
                continue
            if line.startswith("|"):
                rows.append(_cells(line))
                current_list = None
                continue
            item = _LIST_ITEM.match(line)
            if item:
                indent, marker, text = item.groups()
                kind = "bullet" if marker == "-" else "numbered"
                if current_list is None or (not indent and current_list[1] != kind):
                    current_list = (self._ids.make("kix."), kind)
                    self._lists[current_list[0]] = {"listProperties": {
                        "nestingLevels": json.loads(self._nesting_levels[kind])}}
                self._append(content, self._list_item(text, current_list[0], current_list[1], len(indent) // 2))
                continue
            current_list = None
            prefix = next((p for p in sorted(_HEADINGS, key=len, reverse=True) if line.startswith(p)), None)
            if prefix:
                self._append(content, self._paragraph(line[len(prefix):], _HEADINGS[prefix]))
            else:
                self._append(content, self._paragraph(line, "NORMAL_TEXT"))
        if rows:
            self._append(content, self._table(rows))
        if "paragraph" not in content[-1]:
            content.append(self._paragraph("", "NORMAL_TEXT"))
        tab: dict[str, Any] = {"body": {"content": content}}
        for kind, text in (("header", header), ("footer", footer)):
            if text:
                segment_id = self._segment_ids.make("kix.")
                tab[f"{kind}s"] = {segment_id: {f"{kind}Id": segment_id, "content": [
                    model.paragraph(_runs(text), _plain_style())]}}
        if self._footnotes:
            tab["footnotes"] = self._footnotes
        tab.update(json.loads(self._document_styles))
        for kind in ("header", "footer"):
            if f"{kind}s" in tab:
                tab["documentStyle"][f"default{kind.capitalize()}Id"] = next(iter(tab[f"{kind}s"]))
        if self._lists:
            tab["lists"] = self._lists
        return tab

    @staticmethod
    def _append(content: list[dict[str, Any]], element: dict[str, Any]) -> None:
        """A table always follows a paragraph in Docs (never the section break or another table)."""
        if "table" in element and "paragraph" not in content[-1]:
            content.append(model.paragraph([model.text_run("\n")], _plain_style()))
        content.append(element)

    def _paragraph(self, text: str, named_style: str) -> dict[str, Any]:
        style = {"namedStyleType": named_style, "direction": "LEFT_TO_RIGHT"}
        if named_style != "NORMAL_TEXT":
            style = {"headingId": self._ids.make("h."), **style}
        return model.paragraph(self._runs_and_footnotes(text), style)

    def _runs_and_footnotes(self, text: str) -> list[dict[str, Any]]:
        """`_runs`, with each `[^footnote text]` a footnoteReference to a new footnote that holds
        the text as the Docs editor saves it: a space, then the text, 10 pt (document_get.json)."""
        pieces = _FOOTNOTE.split(text)
        if len(pieces) == 1:
            return _runs(text)
        elements: list[dict[str, Any]] = []
        for position, piece in enumerate(pieces):
            if position % 2 == 0:
                elements.extend(model.text_run(content, style) for content, style in parse_inline(piece))
                continue
            footnote_id = self._segment_ids.make("kix.")
            number = len(self._footnotes) + 1
            elements.append({"footnoteReference": {"footnoteId": footnote_id, "footnoteNumber": str(number),
                                                   "textStyle": {}}})
            runs = [model.text_run(c, s) for c, s in parse_inline(" " + piece, _FOOTNOTE_STYLE)]
            runs.append(model.text_run("\n", copy.deepcopy(_FOOTNOTE_STYLE)))
            self._footnotes[footnote_id] = {"footnoteId": footnote_id, "content": [model.paragraph(
                model.merge_runs(runs), {"namedStyleType": "NORMAL_TEXT", "lineSpacing": 100,
                                         "direction": "LEFT_TO_RIGHT"})]}
        elements.append(model.text_run("\n"))
        return model.merge_runs(elements)

    def _list_item(self, text: str, list_id: str, kind: str, level: int) -> dict[str, Any]:
        levels = self.styles["lists"][kind]
        level = min(level, len(levels) - 1)
        style = {"namedStyleType": "NORMAL_TEXT", "direction": "LEFT_TO_RIGHT",
                 "indentFirstLine": copy.deepcopy(levels[level]["indentFirstLine"]),
                 "indentStart": copy.deepcopy(levels[level]["indentStart"])}
        bullet: dict[str, Any] = {"listId": list_id, "textStyle": {"underline": False}}
        if level:
            bullet = {"listId": list_id, "nestingLevel": level, "textStyle": {"underline": False}}
        return model.paragraph(_runs(text), style, bullet)

    def _table(self, rows: list[list[str]]) -> dict[str, Any]:
        widths = {len(row) for row in rows}
        if len(widths) != 1:
            raise ValueError(f"table rows have different numbers of cells: {sorted(widths)}")
        cells = [[model.paragraph(_runs(cell), _plain_style()) for cell in row] for row in rows]
        return model.table(cells, self.styles["tableCellStyle"], self.styles["tableRowStyle"])


_TAB_LINE = re.compile(r"^(@+)tab (.+)$")


def _tab_sections(lines: list[str], first_tab: str) -> Iterator[tuple[int, str, list[str]]]:
    """(nesting level, title, lines) per tab: `@tab Title` starts a top-level tab, `@@tab Title`
    a child of the tab before it; lines before the first `@tab` are the first tab."""
    depth, title, section = 0, first_tab, []
    started = False
    for line in lines:
        marker = _TAB_LINE.match(line.rstrip())
        if marker is None:
            section.append(line)
            continue
        if started or any(part.strip() for part in section):
            yield depth, title, section
        started = True
        depth, title, section = len(marker.group(1)) - 1, marker.group(2).strip(), []
    yield depth, title, section


def _tab_id(document_id: str, title: str) -> str:
    """A tab id shaped like Docs' (`t.` and 12 lower-case letters and digits), stable per title."""
    digest = hashlib.sha256(f"{document_id}:tab:{title}".encode()).digest()
    return "t." + "".join(_ALNUM[b % len(_ALNUM)] for b in digest[:12])


def _plain_style() -> dict[str, Any]:
    return {"namedStyleType": "NORMAL_TEXT", "direction": "LEFT_TO_RIGHT"}


def _cells(line: str) -> list[str]:
    """`| a | b |` → ["a", "b"]; `\\|` is a literal bar."""
    parts = re.split(r"(?<!\\)\|", line.strip())
    if parts and not parts[0].strip():
        parts = parts[1:]
    if parts and not parts[-1].strip():
        parts = parts[:-1]
    return [part.strip().replace("\\|", "|") for part in parts]


_SUGGESTION = re.compile(r"\{([+-])(.*?)[+-]\}")


def _runs(text: str) -> list[dict[str, Any]]:
    """Inline marks → text runs; the paragraph's newline is a plain run, as Docs saves it.
    `{+text+}` is a pending suggested insertion and `{-text-}` a pending suggested deletion:
    runs carrying `suggestedInsertionIds` / `suggestedDeletionIds` (TextRun in the discovery
    document), as SUGGESTIONS_INLINE serves them."""
    runs = []
    position = 0
    for match in _SUGGESTION.finditer(text):
        runs += [model.text_run(content, style) for content, style in parse_inline(text[position:match.start()])]
        key = "suggestedInsertionIds" if match.group(1) == "+" else "suggestedDeletionIds"
        digest = hashlib.sha256(f"{key}:{match.group(2)}".encode()).digest()
        suggestion = "suggest." + "".join(_ALNUM[b % len(_ALNUM)] for b in digest[:12])
        runs += [{"textRun": {"content": content, key: [suggestion], "textStyle": style}}
                 for content, style in parse_inline(match.group(2))]
        position = match.end()
    runs += [model.text_run(content, style) for content, style in parse_inline(text[position:])]
    runs.append(model.text_run("\n"))
    return model.merge_runs(runs)


def parse_inline(text: str, base: dict[str, Any] | None = None) -> list[tuple[str, dict[str, Any]]]:
    """`**bold**`, `*italic*`, `__underline__`, `[text](url)` (marks nest), `\\` escapes."""
    marks = {"bold": False, "italic": False, "underline": False}
    runs: list[tuple[str, dict[str, Any]]] = []
    buffer: list[str] = []

    def style() -> dict[str, Any]:
        return {**(base or {}), **{mark: True for mark, on in marks.items() if on}}

    def flush() -> None:
        if buffer:
            runs.append(("".join(buffer), style()))
            buffer.clear()

    position = 0
    while position < len(text):
        char = text[position]
        if char == "\\" and position + 1 < len(text):
            buffer.append(text[position + 1])
            position += 2
            continue
        toggle = "bold" if text.startswith("**", position) else "underline" if text.startswith("__", position) \
            else "italic" if char == "*" else None
        if toggle:
            flush()
            marks[toggle] = not marks[toggle]
            position += 1 if toggle == "italic" else 2
            continue
        link = _LINK.match(text, position) if char == "[" else None
        if link:
            flush()
            runs.extend(parse_inline(link.group(1), model.link_style(link.group(2), style())))
            position = link.end()
            continue
        buffer.append(char)
        position += 1
    flush()
    open_marks = [mark for mark, on in marks.items() if on]
    if open_marks:
        raise ValueError(f"unclosed {', '.join(open_marks)} in {text!r}")
    return runs


class _IdMaker:
    """Deterministic `h.` heading ids and `kix.` list ids, so a seed always loads the same."""

    def __init__(self, seed: str) -> None:
        self._seed = seed
        self._count = 0

    def make(self, prefix: str) -> str:
        self._count += 1
        digest = hashlib.sha256(f"{self._seed}:{self._count}".encode()).digest()
        return prefix + "".join(_ALNUM[b % len(_ALNUM)] for b in digest[:12])


def _synthetic_id(seed: int, number: int) -> str:
    digest = hashlib.sha512(f"synthetic:{seed}:{number}".encode()).digest()
    return "1" + base64.urlsafe_b64encode(digest).decode()[:43]


_SYNTHETIC_SENTENCES = [
    "HelpHive is **the chatbot for your docs**, with a citation on every answer.",
    "*Setup in 5 minutes*, then answers from your docs in seconds.",
    "It [works with Zendesk and Intercom](https://fernhill.example/integrations) out of the box.",
    "Teams on HelpHive Pro see it cut support tickets by 40% in two months.",
    "Every answer links the article it came from, so agents can check it.",
    "99.9% uptime, with a [public status page](https://status.fernhill.example).",
]


def _synthetic_lines(rng: random.Random, title: str) -> list[str]:
    lines = [f"= {title}", " ".join(rng.sample(_SYNTHETIC_SENTENCES, 2)), "", "# Key points"]
    lines += [f"- {sentence}" for sentence in rng.sample(_SYNTHETIC_SENTENCES, 3)]
    lines += ["", " ".join(rng.sample(_SYNTHETIC_SENTENCES, 3))]
    return lines
