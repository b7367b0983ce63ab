"""Positioning briefs: reading them from files, and compiling them into rules.

A brief is read once, checked, and compiled into a structured form (term changes, retired
claims, key messages, scope rules) that a person can check with `copydesk brief show`
before anything is proposed. The Markdown format below is what the offline `rules` engine
understands; free prose needs the Claude engine.

    # Positioning brief: HelpHive becomes an AI support engineer
    One paragraph of summary.

    ## Terms
    - the chatbot for your docs -> the AI support engineer for your team (tagline)
    - HelpHive -> Fernhill Desk (product name, keep capitalisation)

    ## Retired claims
    - Setup in 5 minutes

    ## Key messages
    - Resolves tickets end to end, not just answers.

    ## Names
    - Zendesk, Intercom, Fernhill Labs

    ## Topics
    - onboarding, pricing

    ## Scope
    - skip archived pages
    - skip titles: Changelog, Legal:*
    - skip customer quotes
    - skip pages not edited in 2 years

Topics are what the brief is about: a sweep lists in-scope pages that discuss one and were
last edited before the brief was added, for a person to re-read. Names are kept verbatim by
every proposal (as are CamelCase names such as HelpHive, and a term whose note says
"product name" once renamed).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from pydantic import BaseModel, Field

from connectors.errors import BriefError
from staging.agent.brief_limits import MAX_PAGES, Deadline, check_archive, pdf_limits, unreadable

MAX_BYTES = 2 * 1024 * 1024  # a one-page brief is a few kB; anything this big is not a brief
TEXT_SUFFIXES = {".md", ".markdown", ".txt"}
SUPPORTED = sorted(TEXT_SUFFIXES | {".docx", ".pdf"})
_ARROW = re.compile(r"\s*(?:->|→|=>|\|)\s*")  # "|": a two-column table row from a .docx
_NOTE = re.compile(r"^(?P<text>.*?)\s*\((?P<note>[^()]*)\)\s*$")


class TermChange(BaseModel):
    retire: str
    use: str
    note: str = ""

    @property
    def is_name(self) -> bool:
        """A product, brand or company name ("HelpHive -> Fernhill Desk (product name)"): the
        same in every language and in any position, unlike a descriptive term ("chatbot")."""
        note = self.note.lower()
        return "name" in note or "brand" in note

    def as_line(self) -> str:
        """The form `parse_term` reads back."""
        return f"{self.retire} -> {self.use}" + (f" ({self.note})" if self.note else "")


class Scope(BaseModel):
    """What a proposal must never touch."""

    skip_archived: bool = True
    skip_titles: list[str] = Field(default_factory=list)  # glob patterns on document titles
    skip_quotes: bool = False
    not_edited_years: float | None = None

    def merged(self, house: Scope | None) -> Scope:
        """This scope and the workspace's own rules (copydesk.toml's [scope]) together: whatever
        either skips is skipped."""
        if house is None:
            return self
        years = [y for y in (self.not_edited_years, house.not_edited_years) if y is not None]
        return Scope(skip_archived=self.skip_archived or house.skip_archived,
                     skip_titles=list(dict.fromkeys(self.skip_titles + house.skip_titles)),
                     skip_quotes=self.skip_quotes or house.skip_quotes,
                     not_edited_years=min(years) if years else None)


class CompiledBrief(BaseModel):
    title: str = ""
    summary: str = ""
    terms: list[TermChange] = Field(default_factory=list)
    retired_claims: list[str] = Field(default_factory=list)
    key_messages: list[str] = Field(default_factory=list)
    names: list[str] = Field(default_factory=list)  # product, company and partner names to keep verbatim
    topics: list[str] = Field(default_factory=list)  # what the brief is about, for the sweep's untouched-pages check
    scope: Scope = Field(default_factory=Scope)

    def protected_names(self) -> list[str]:
        """Names no edit may drop: the brief's own list, and new product names it introduces."""
        renamed = [t.use for t in self.terms if t.is_name]
        return sorted(set(self.names) | set(renamed))

    @property
    def is_empty(self) -> bool:
        return not (self.terms or self.retired_claims)


def read_brief_file(path: Path) -> str:
    """The brief's text, or a BriefError saying exactly what is wrong with the file."""
    if not path.is_file():
        raise BriefError(f"No brief file at {path}.")
    with path.open("rb") as file:  # one byte past the limit at most: enough to refuse it
        return read_brief_bytes(path.name, file.read(MAX_BYTES + 1))


def read_brief_bytes(name: str, data: bytes) -> str:
    """The text of a brief file's contents (a path's, or an upload's), checked the same way."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise BriefError(f"{name}: unsupported type {suffix or '(none)'}; a brief is one of {', '.join(SUPPORTED)}.")
    if len(data) > MAX_BYTES:
        raise BriefError(f"{name} is {len(data) / 1e6:.1f} MB; a brief is at most {MAX_BYTES // (1024 * 1024)} MB. "
                         "Keep it to the positioning itself.")
    if suffix in TEXT_SUFFIXES:
        text = _decode(name, data)
    elif suffix == ".docx":
        text = _docx_text(name, data)
    else:
        text = _pdf_text(name, data)
    if not text.strip():
        raise BriefError(f"{name} has no text" + (" layer (a scan?): OCR it or export the text first."
                                                  if suffix == ".pdf" else "."))
    return text.strip() + "\n"


def _decode(name: str, data: bytes) -> str:
    if b"\x00" in data:
        raise BriefError(f"{name} is binary, not text; save the brief as Markdown or plain text.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BriefError(f"{name} is not UTF-8 (byte {error.start} cannot be decoded); save it as UTF-8.") from error
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(3, len(text) // 100):
        raise BriefError(f"{name} is mostly control characters, not text; is it the right file?")
    return text


def _docx_text(name: str, data: bytes) -> str:
    import docx  # python-docx; imported here so the CLI starts fast
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    check_archive(name, data)
    deadline = Deadline(name)
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():  # paragraphs and tables, in reading order
            deadline.check()
            if isinstance(block, docx.table.Table):
                lines.extend(" | ".join(cell.text for cell in row.cells) for row in block.rows)
                continue
            style = (block.style.name if block.style is not None else "") or ""
            prefix = "#" * int(style[-1]) + " " if style.startswith("Heading") and style[-1:].isdigit() else ""
            bullet = "- " if "List" in style else ""
            lines.append(prefix + bullet + block.text)
    except (zipfile.BadZipFile, PackageNotFoundError, LxmlError, RecursionError, KeyError, ValueError, IndexError,
            AttributeError, TypeError) as error:  # what python-docx and lxml raise on a malformed package
        raise unreadable(name, ".docx", error) from error
    return "\n".join(lines)


def _pdf_text(name: str, data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    deadline = Deadline(name)
    try:
        with pdf_limits():
            reader = PdfReader(io.BytesIO(data))
            if len(reader.pages) > MAX_PAGES:
                raise BriefError(f"{name} has {len(reader.pages):,} pages; a brief is at most {MAX_PAGES}. "
                                 "Keep it to the positioning itself.")
            texts = []
            for page in reader.pages:
                deadline.check()
                texts.append(page.extract_text() or "")
    except (PyPdfError, RecursionError, KeyError, ValueError, IndexError, AttributeError, TypeError,
            ZeroDivisionError, OverflowError) as error:  # PyPdfError: PdfReadError, LimitReachedError, ...
        raise unreadable(name, "PDF", error) from error
    return "\n".join(texts)


# -- compiling --------------------------------------------------------------------------------


def compile_markdown(text: str) -> CompiledBrief:
    """The structured form of a brief written in the sections the module docstring shows."""
    title, sections = _sections(text)
    brief = CompiledBrief(title=title, summary=" ".join(sections.pop("", [])).strip())
    for heading, lines in sections.items():
        items = [_item(line) for line in lines if _item(line)]
        if heading.startswith("term"):
            brief.terms.extend(parse_term(item) for item in items)
        elif heading.startswith("retired"):
            brief.retired_claims.extend(items)
        elif heading.startswith("key"):
            brief.key_messages.extend(items)
        elif heading.startswith("name") or heading.startswith("protected"):
            brief.names.extend(n.strip() for item in items for n in item.split(",") if n.strip())
        elif heading.startswith("topic"):
            brief.topics.extend(t.strip() for item in items for t in item.split(",") if t.strip())
        elif heading.startswith("scope"):
            brief.scope = _scope(items)
        elif not brief.summary and heading.startswith("summary"):
            brief.summary = " ".join(lines).strip()
    return brief


def _sections(text: str) -> tuple[str, dict[str, list[str]]]:
    """The title (the first `# ` heading) and each section's lines by lowercased heading;
    lines before any heading are under ""."""
    title: str | None = None
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("# ") and title is None:
            title = stripped[2:].strip()
            continue
        if stripped.startswith("#"):
            current = stripped.lstrip("#").strip().lower()
            sections.setdefault(current, [])
            continue
        if stripped:
            sections[current].append(stripped)
    return title or "", sections


def _item(line: str) -> str:
    return re.sub(r"^(?:[-*+]|\d+[.)])\s+", "", line).strip().strip('"“”')


def parse_term(item: str) -> TermChange:
    """One `old -> new (note)` line, as in a brief's Terms section or the app's correction form."""
    parts = _ARROW.split(item, maxsplit=1)
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        raise BriefError(f"Term change {item!r} needs the form `old -> new` (optionally followed by (a note)), "
                         "or a two-column table row.")
    retire, use = parts[0].strip().strip('"“”'), parts[1].strip()
    note = ""
    match = _NOTE.match(use)
    if match and match.group("text"):
        use, note = match.group("text").strip(), match.group("note").strip()
    return TermChange(retire=retire, use=use.strip('"“”'), note=note)


def _scope(items: list[str]) -> Scope:
    scope = Scope(skip_archived=False)
    for item in items:
        lowered = item.lower()
        if "archived" in lowered:
            scope.skip_archived = True
        elif lowered.startswith("skip titles:") or lowered.startswith("skip pages titled"):
            patterns = item.split(":", 1)[1] if ":" in item else item.split("titled", 1)[1]
            scope.skip_titles.extend(p.strip() for p in patterns.split(",") if p.strip())
        elif "quote" in lowered:
            scope.skip_quotes = True
        elif match := re.search(r"not edited in (\d+(?:\.\d+)?) years?", lowered):
            scope.not_edited_years = float(match.group(1))
        else:
            raise BriefError(f"Scope rule {item!r} is not one copydesk understands; use `skip archived pages`, "
                             "`skip titles: A, B*`, `skip customer quotes` or `skip pages not edited in N years`.")
    return scope
