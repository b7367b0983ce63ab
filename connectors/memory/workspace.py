"""The in-memory tool: documents, versions and a change counter, as a remote would hold them.

This is the "remote" side of the memory connector, kept apart from the connector as each
sandbox keeps its workspace apart from its API: several connectors (two processes, two
sources) may share one workspace, and a test edits it behind copydesk's back the way a
colleague edits the tool.

With `drafts`, the tool works as Webflow's CMS does: edits and writes change a document's
draft, and visitors see it only once it is published (`publish`); seeded documents start out
published.

Every change (a seed, a colleague's edit, a connector's write, a deletion) takes the next
number of one change counter; a document's version is the counter at its last change, and
an incremental listing is "everything changed after counter N". Faults are queued here, as
on a sandbox's `/_sandbox/faults`, and served to whichever connector asks next.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from connectors import faults
from connectors.document import Block, Document, DocumentRef, Span
from connectors.text import rewrite

OUTSIDE_EDITOR = "Jordan Lee"  # who edits "behind copydesk's back" unless a test names someone


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Stored:
    """One document as the tool holds it: its content, version and whether it was deleted,
    and in a tool with drafts, what visitors see (`live`, None until first published)."""

    document: Document
    version: int  # the change counter at its last change (its deletion included)
    deleted: bool = False
    live: Document | None = None


@dataclass
class Fault:
    """The next `count` requests of `on` ("list", "fetch", "write", "publish"; "" for any) fail,
    after `skip` of them passed (so a test can break exactly the k-th write of an apply).

    `status` picks the error as the tool would answer it (401 refused credentials, 404 gone,
    429 rate limited, 5xx down). A write fault with `after_sending` lands the write first and
    then fails (the answer was lost: the case crash recovery must reconcile); otherwise
    nothing is written. `error`, when given, is raised instead: a test's own exception (one
    that stands for the process dying, say)."""

    status: int = 503
    on: str = ""
    count: int = 1
    skip: int = 0
    after_sending: bool = False
    retry_after: float | None = None
    error: BaseException | None = None


@dataclass
class MemoryWorkspace:
    """Documents by remote id, the change counter, request counters and queued faults."""

    token: str = ""
    drafts: bool = False
    clock: Callable[[], datetime] = _now
    documents: dict[str, Stored] = field(default_factory=dict)
    changes: int = 0
    requests: Counter[str] = field(default_factory=Counter)  # "list" | "fetch" | "write" | "publish" → served
    faults: list[Fault] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)

    @classmethod
    def of(cls, documents: Iterable[Document], *, token: str = "", drafts: bool = False) -> MemoryWorkspace:
        """A workspace holding these documents (seeded as a colleague wrote them)."""
        workspace = cls(token=token, drafts=drafts)
        for document in documents:
            workspace.put(document)
        return workspace

    # -- behind copydesk's back ------------------------------------------------------------

    def put(self, document: Document, *, editor: str = OUTSIDE_EDITOR) -> DocumentRef:
        """Add `document` (or replace the one with its remote id), as someone writing in the
        tool would. A block given text but no runs gets one plain run, so its formatting is
        defined; the ref's version, time and editor are the tool's to set."""
        blocks = tuple(b if b.spans or not b.text else b.model_copy(update={"spans": (Span(text=b.text),)})
                       for b in document.blocks)
        with self.lock:
            self._commit(document.model_copy(update={"blocks": blocks}), editor)
            stored = self.documents[document.ref.remote_id]
            stored.live = stored.document
            return stored.document.ref

    def edit(self, remote_id: str, find: str, replace: str, *, editor: str = OUTSIDE_EDITOR) -> Block:
        """Replace the first `find` in the document's first block containing it, keeping the
        block's formatting around the change (as typing over words in the tool does); the
        edited block. KeyError when no block contains `find`."""
        with self.lock:
            document = self.read(remote_id)
            block = next((b for b in document.blocks if find in b.text), None)
            if block is None:
                raise KeyError(f"no block of {remote_id} contains {find!r}")
            after = block.text.replace(find, replace, 1)
            edited = block.model_copy(update={"text": after, "spans": rewrite(block.spans, after).spans})
            self._replace_block(remote_id, edited, editor)
            return edited

    def delete(self, remote_id: str) -> None:
        """The document is deleted in the tool: listed once more as archived, then gone."""
        with self.lock:
            stored = self._stored(remote_id)
            self.changes += 1
            stored.deleted, stored.version = True, self.changes

    def fail_next(self, status: int = 503, *, on: str = "", count: int = 1, skip: int = 0,
                  after_sending: bool = False, retry_after: float | None = None,
                  error: BaseException | None = None) -> None:
        """Queue a fault (see `Fault`)."""
        with self.lock:
            self.faults.append(Fault(status, on, count, skip, after_sending, retry_after, error))

    def is_published(self, remote_id: str) -> bool:
        """Whether visitors see the document as it reads now."""
        with self.lock:
            stored = self._stored(remote_id)
            return stored.live == stored.document

    def read(self, remote_id: str) -> Document:
        """The document as the tool has it now, without a request: what a test inspects.
        KeyError when there is none (never was, or deleted)."""
        with self.lock:
            stored = self._stored(remote_id)
            if stored.deleted:
                raise KeyError(f"{remote_id} was deleted")
            return stored.document

    @property
    def writes(self) -> int:
        """Writes the tool received (sent ones, including those whose answer a fault lost)."""
        return self.requests["write"]

    # -- what a connector's requests do ----------------------------------------------------

    def take_fault(self, request: str) -> Fault | None:
        """Count one `request` ("list", "fetch", "write", "publish") and hand back the fault it meets."""
        with self.lock:
            self.requests[request] += 1
            return faults.take(self.faults, lambda fault: fault.on in ("", request))

    def listing(self, since: int | None) -> tuple[list[Stored], int]:
        """Every live document (since None), or those changed after counter `since`, deleted
        ones included, oldest change first; and the counter to list from next time."""
        with self.lock:
            if since is None:
                return [s for s in self.documents.values() if not s.deleted], self.changes
            changed = sorted((s for s in self.documents.values() if s.version > since), key=lambda s: s.version)
            return changed, self.changes

    def write_block(self, remote_id: str, block: Block, editor: str) -> None:
        """A connector's write of one block (in place, by id)."""
        with self.lock:
            self._replace_block(remote_id, block, editor)

    def publish(self, remote_ids: Iterable[str]) -> dict[str, list[str]]:
        """Make these documents' drafts what visitors see; those that are gone are errors."""
        published, errors = [], []
        with self.lock:
            for remote_id in remote_ids:
                stored = self.documents.get(remote_id)
                if stored is None or stored.deleted:
                    errors.append(remote_id)
                    continue
                stored.live = stored.document
                published.append(remote_id)
        return {"published": published, "errors": errors}

    def _stored(self, remote_id: str) -> Stored:
        stored = self.documents.get(remote_id)
        if stored is None:
            raise KeyError(f"no document {remote_id}")
        return stored

    def _replace_block(self, remote_id: str, block: Block, editor: str) -> None:
        document = self.read(remote_id)
        blocks = tuple(block if b.id == block.id else b for b in document.blocks)
        self._commit(document.model_copy(update={"blocks": blocks}), editor)

    def _commit(self, document: Document, editor: str) -> None:
        title = next((b.text for b in document.blocks if b.kind == "title"), document.ref.title)
        self.changes += 1
        ref = document.ref.model_copy(update={"title": title, "remote_version": str(self.changes),
                                              "updated_at": self.clock(), "edited_by": editor, "archived": False})
        previous = self.documents.get(ref.remote_id)
        stored = Stored(document.model_copy(update={"ref": ref}), self.changes)
        stored.live = previous.live if self.drafts and previous is not None else stored.document
        self.documents[ref.remote_id] = stored
