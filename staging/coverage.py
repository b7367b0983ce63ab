"""Coverage: how much of the text the tools returned copydesk tracks, and what it leaves out.

A connector turns every text-bearing element a tool returns into a block (editable, or
read-only with a `readonly_reason`) or lists it in `Document.not_captured` with a reason and
its size. This module adds that up per source from the stored head revisions of live
documents, one document at a time (a big store is never loaded whole), so a content lead can
see in one place that nothing is silently missed: the share of text tracked, each element
not captured and where, and why the read-only text cannot be written by copydesk.

Read-only text counts as tracked: it is in the history, diffed and swept (a sweep reports
stale copy in it as a manual step); only not-captured text is outside.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, TypedDict

from connectors.document import Document
from staging.models import TrackedDocument
from staging.store import Store

NO_REASON = "no reason given by the connector"  # a read-only block without one: a connector bug to report


class Missed(TypedDict):
    document: str  # as a person recognises it: breadcrumb and title
    element: str
    reason: str
    chars: int


class ReadOnlyReason(TypedDict):
    reason: str
    blocks: int
    chars: int


class SourceCoverage(TypedDict):
    """One source's figures, as `copydesk coverage --json` prints them."""

    source: str
    documents: int
    chars_total: int
    chars_tracked: int
    chars_readonly: int
    not_captured: list[Missed]
    readonly_reasons: list[ReadOnlyReason]


@dataclass
class Tally:
    """Characters tracked (of which read-only) and not captured, over some documents."""

    documents: int = 0
    chars_tracked: int = 0
    chars_readonly: int = 0
    chars_missed: int = 0
    elements_missed: int = 0
    readonly_blocks: Counter[str] = field(default_factory=Counter)  # reason → blocks
    readonly_chars: Counter[str] = field(default_factory=Counter)  # reason → characters

    @property
    def chars_total(self) -> int:
        return self.chars_tracked + self.chars_missed

    def add(self, doc: Document) -> None:
        self.documents += 1
        for block in doc.blocks:
            self.chars_tracked += len(block.text)
            if not block.editable and block.text.strip():  # a divider holds nothing to fix by hand
                reason = block.readonly_reason.strip() or NO_REASON
                self.chars_readonly += len(block.text)
                self.readonly_blocks[reason] += 1
                self.readonly_chars[reason] += len(block.text)
        self.chars_missed += sum(item.chars for item in doc.not_captured)
        self.elements_missed += len(doc.not_captured)

    def reasons(self) -> list[ReadOnlyReason]:
        """Read-only reasons, the most blocks first."""
        return [{"reason": reason, "blocks": blocks, "chars": self.readonly_chars[reason]}
                for reason, blocks in sorted(self.readonly_blocks.items(), key=lambda item: (-item[1], item[0]))]


def percent(tracked: int, total: int) -> float:
    """Tracked characters as a percentage of all, to one decimal; 100 when there is no text."""
    return 100.0 if total == 0 else round(100.0 * tracked / total, 1)


def report(store: Store, *, source: str | None = None, document: TrackedDocument | None = None) -> list[SourceCoverage]:
    """One object per source (only `document`'s source and that document when one is given),
    from the head revisions of live documents, in source order."""
    if document is not None:
        tracked_docs: Iterable[TrackedDocument] = [document]
    else:
        tracked_docs = store.documents(source=source, status="live")
    tallies: dict[str, Tally] = {}
    missed: dict[str, list[Missed]] = {}
    for tracked in tracked_docs:
        doc = _head(store, tracked)
        if doc is None:
            continue
        tallies.setdefault(tracked.source, Tally()).add(doc)
        if doc.not_captured:
            name = document_name(store, tracked)
            missed.setdefault(tracked.source, []).extend(
                {"document": name, "element": item.element, "reason": item.reason, "chars": item.chars}
                for item in doc.not_captured)
    return [{"source": name, "documents": tally.documents, "chars_total": tally.chars_total,
             "chars_tracked": tally.chars_tracked, "chars_readonly": tally.chars_readonly,
             "not_captured": missed.get(name, []), "readonly_reasons": tally.reasons()}
            for name, tally in sorted(tallies.items())]


def document_name(store: Store, tracked: TrackedDocument) -> str:
    """The document as `copydesk show` names it: its stored ancestors' titles, then its own."""
    return " / ".join([*store.breadcrumb(tracked), tracked.title or tracked.remote_id])


def pull_note(source: str, chars_tracked: int, chars_total: int, elements: int) -> str:
    """The one line a pull or sweep shows for a source whose fetched documents left text out."""
    return (f"{source}: {percent(chars_tracked, chars_total)} % tracked; {elements} element(s) not captured "
            "— `copydesk coverage` lists them")


def _head(store: Store, tracked: TrackedDocument) -> Document | None:
    revision = store.revision(tracked.head_revision_id) if tracked.head_revision_id else None
    return store.load(revision) if revision is not None else None
