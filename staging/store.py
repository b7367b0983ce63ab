"""The versioned store: content-addressed blobs, documents, revisions, pulls and events.

Like git's object store, a document's content is serialised canonically, compressed and
kept once under its sha256, and the hash is checked again on every read. Recording an
unchanged document adds nothing, so pulling the same workspace a hundred times costs no
space.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from sqlalchemy import event, func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, create_engine, select

from connectors.document import Document, DocumentRef
from connectors.errors import ConfigError, CopydeskError
from connectors.registry import capabilities
from staging import migrations, search
from staging.models import Blob, Event, Pull, Revision, TrackedDocument, saved_id, utcnow

# A remote edit time is stamped to its tool's precision (Notion's: a minute); anything fetched
# later than that interval plus this margin after the stamp cannot have missed an edit in it.
_SETTLING_MARGIN = timedelta(seconds=30)


def canonical_bytes(doc: Document) -> bytes:
    """The bytes a document's identity is computed from. The remote version, edit time and
    editor are left out: they change when content does not (an edit undone), and live on the
    revision row instead."""
    payload = doc.model_dump(mode="json", exclude={"ref": {"remote_version", "updated_at", "edited_by"}},
                             exclude_defaults=True)
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def document_id(source: str, remote_id: str) -> str:
    """The id a document gets when first recorded: the same remote document of the same source
    gets the same id in every store. Found later by (source, remote_id), not by recomputing
    this: a document whose source was renamed (staging.sources) keeps the id it was given."""
    return hashlib.sha256(f"{source}:{remote_id}".encode()).hexdigest()[:32]


def remote_ref(tracked: TrackedDocument) -> DocumentRef:
    """A tracked document as its connector knows it, to fetch, write or publish it."""
    return DocumentRef(source=tracked.source, remote_id=tracked.remote_id, kind=tracked.kind, title=tracked.title,
                       url=tracked.url, parent=tracked.parent_remote_id)


@dataclass(frozen=True)
class Recorded:
    document: TrackedDocument
    revision: Revision | None  # None: content unchanged, nothing added
    is_new: bool


class Store:
    """All reads and writes of copydesk's state go through here."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _engine(url)
        try:
            with self.engine.begin() as connection:
                migrations.upgrade(connection)
        except OperationalError as error:
            raise ConfigError(
                f"Cannot open the store at {_redact(url)}: {error.orig}. Check database_url in copydesk.toml."
            ) from error

    def close(self) -> None:
        self.engine.dispose()

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # -- blobs ----------------------------------------------------------------------------

    def put_blob(self, session: Session, doc: Document) -> str:
        return _put_bytes(session, canonical_bytes(doc))

    def load(self, revision: Revision) -> Document:
        doc = Document.model_validate(json.loads(self._bytes(revision.blob_sha256)))
        return doc.model_copy(update={"ref": doc.ref.model_copy(update={"remote_version": revision.remote_version,
                                                                         "edited_by": revision.edited_by})})

    def _bytes(self, sha: str) -> bytes:
        with self.session() as session:
            return blob_bytes(session, sha)

    def blob_stats(self) -> dict[str, int]:
        with self.session() as session:
            count, stored, raw = session.exec(
                select(func.count(), func.coalesce(func.sum(func.length(Blob.data)), 0), func.coalesce(func.sum(Blob.size), 0))
            ).one()
            revisions = session.exec(select(func.count()).select_from(Revision)).one()
        return {"blobs": count, "stored_bytes": int(stored), "raw_bytes": int(raw), "revisions": revisions}

    # -- documents and revisions ----------------------------------------------------------

    def record(self, doc: Document, *, tool: str = "", origin: str = "pull", pull_id: int | None = None,
               changeset_id: int | None = None) -> Recorded:
        """Store `doc` as the new head unless its content equals the current head's.

        `tool` (the connector's) is kept on a document recorded for the first time; without
        one (tests, benches) its source is taken for its tool, as copydesk did before sources
        had names of their own."""
        now = utcnow()
        with self.session() as session:
            tracked = _by_remote(session, doc.ref.source, doc.ref.remote_id)
            is_new = tracked is None
            if tracked is None:
                tracked = TrackedDocument(
                    id=_unused_id(session, doc.ref.source, doc.ref.remote_id),
                    source=doc.ref.source,
                    tool=tool or doc.ref.source,
                    remote_id=doc.ref.remote_id,
                    kind=doc.ref.kind,
                )
                session.add(tracked)
            sha = self.put_blob(session, doc)
            session.flush()
            head = session.get(Revision, tracked.head_revision_id) if tracked.head_revision_id else None
            revision = None
            if head is None or head.blob_sha256 != sha:
                revision = Revision(
                    id=hashlib.sha256(f"{tracked.id}:{sha}:{head.id if head else ''}:{now.isoformat()}".encode())
                    .hexdigest()[:32],
                    document_id=tracked.id,
                    blob_sha256=sha,
                    remote_version=doc.ref.remote_version,
                    edited_by=doc.ref.edited_by,
                    observed_at=now,
                    origin=origin,
                    parent_id=head.id if head else None,
                    pull_id=pull_id,
                    changeset_id=changeset_id,
                )
                session.add(revision)
                tracked.head_revision_id = revision.id
                search.reindex(session.connection(), tracked.id, doc)
            _apply_ref(tracked, doc.ref)
            tracked.fetched_at = now
            session.add(tracked)
            session.commit()
            return Recorded(tracked, revision, is_new)

    def is_current(self, ref: DocumentRef) -> bool:
        """True when the stored head certainly matches `ref` without fetching it: same remote
        version, and fetched after that version's edit-time interval (a minute, for a tool that
        stamps edits to the minute) had passed."""
        tracked = self.document_by_remote(ref.source, ref.remote_id)
        if tracked is None or tracked.status != "live" or tracked.remote_version != ref.remote_version:
            return False
        if ref.updated_at is None or tracked.fetched_at is None:
            return False
        settled = ref.updated_at + capabilities(tracked.tool).edit_time_precision + _SETTLING_MARGIN
        return tracked.fetched_at >= settled

    def set_status(self, document_ids: Iterable[str], status: str) -> None:
        ids = list(document_ids)
        if not ids:
            return
        with self.session() as session:
            for tracked in session.exec(select(TrackedDocument).where(col(TrackedDocument.id).in_(ids))):
                tracked.status = status
                session.add(tracked)
            session.commit()

    def document_by_remote(self, source: str, remote_id: str) -> TrackedDocument | None:
        with self.session() as session:
            return _by_remote(session, source, remote_id)

    def document(self, doc_id: str) -> TrackedDocument | None:
        with self.session() as session:
            return session.get(TrackedDocument, doc_id)

    def known_document(self, doc_id: str) -> TrackedDocument:
        """A document the store's own rows name (its block index, say): one missing is a
        store that lost it, not a typo to look up."""
        tracked = self.document(doc_id)
        if tracked is None:
            raise ConfigError(f"The store lost document {doc_id}; pull again.")
        return tracked

    def documents(self, source: str | None = None, status: str | None = None) -> list[TrackedDocument]:
        query = select(TrackedDocument).order_by(TrackedDocument.title, TrackedDocument.id)
        if source:
            query = query.where(TrackedDocument.source == source)
        if status:
            query = query.where(TrackedDocument.status == status)
        with self.session() as session:
            return list(session.exec(query))

    def revisions(self, doc_id: str | None = None, limit: int | None = None) -> list[Revision]:
        """Newest first; all documents when `doc_id` is None."""
        query = select(Revision).order_by(col(Revision.observed_at).desc(), col(Revision.id).desc())
        if doc_id:
            query = query.where(Revision.document_id == doc_id)
        if limit:
            query = query.limit(limit)
        with self.session() as session:
            return list(session.exec(query))

    def revision(self, revision_id: str) -> Revision | None:
        with self.session() as session:
            return session.get(Revision, revision_id)

    def find_documents(self, *, id_prefix: str = "", remote_id: str = "", title: str = "") -> list[TrackedDocument]:
        query = select(TrackedDocument)
        if id_prefix:
            query = query.where(col(TrackedDocument.id).startswith(id_prefix, autoescape=True))
        if remote_id:
            query = query.where(TrackedDocument.remote_id == remote_id)
        if title:
            query = query.where(func.lower(TrackedDocument.title).contains(title.lower(), autoescape=True))
        with self.session() as session:
            return list(session.exec(query.order_by(TrackedDocument.title).limit(50)))

    def search_blocks(self, phrases: Iterable[str]) -> set[tuple[str, str]]:
        """(document id, block id) of current blocks containing any phrase (see staging.search)."""
        with self.engine.connect() as connection:
            return search.search(connection, phrases)

    def indexed_texts(self) -> Iterator[tuple[str, str, str]]:
        """(document id, block id, text) of every current block."""
        with self.engine.connect() as connection:
            yield from search.texts(connection)

    def live_block_lengths(self) -> Iterator[int]:
        """Characters of each current block of every live document (the corpus a model could be sent)."""
        with self.engine.connect() as connection:
            yield from search.live_lengths(connection)

    def indexed_blocks(self) -> int:
        with self.engine.connect() as connection:
            return search.count(connection)

    def breadcrumb(self, tracked: TrackedDocument) -> list[str]:
        """Titles of the stored ancestors, outermost first."""
        trail: list[str] = []
        seen = {tracked.id}
        parent = tracked.parent_remote_id
        while parent:
            above = self.document_by_remote(tracked.source, parent)
            if above is None or above.id in seen:
                break
            seen.add(above.id)
            trail.insert(0, above.title)
            parent = above.parent_remote_id
        return trail

    # -- pulls ----------------------------------------------------------------------------

    def start_pull(self, source: str, *, full: bool) -> Pull:
        with self.session() as session:
            pull = Pull(source=source, full=full)
            session.add(pull)
            session.commit()
            return pull

    def finish_pull(self, pull: Pull, **fields: Any) -> Pull:
        with self.session() as session:
            cursor = fields.get("cursor")
            if cursor and len(cursor) > _INLINE_CURSOR:  # a long cursor (a map of versions) is stored once
                fields["cursor"] = _BLOB_CURSOR + _put_bytes(session, cursor.encode("utf-8"))
            stored = session.get_one(Pull, saved_id(pull))
            for key, value in fields.items():
                setattr(stored, key, value)
            stored.finished_at = utcnow()
            session.add(stored)
            session.commit()
            return stored

    def cursor(self, pull: Pull | None) -> str | None:
        """Where the next incremental pull of `pull`'s source resumes (None: from scratch)."""
        if pull is None or not pull.cursor:
            return None
        if pull.cursor.startswith(_BLOB_CURSOR):
            return self._bytes(pull.cursor.removeprefix(_BLOB_CURSOR)).decode("utf-8")
        return pull.cursor

    def last_pull(self, source: str, *, successful: bool = True) -> Pull | None:
        query = select(Pull).where(Pull.source == source).order_by(col(Pull.id).desc()).limit(1)
        if successful:
            query = query.where(Pull.status == "ok")
        with self.session() as session:
            return session.exec(query).first()

    def pulls(self, limit: int = 20) -> list[Pull]:
        with self.session() as session:
            return list(session.exec(select(Pull).order_by(col(Pull.id).desc()).limit(limit)))

    # -- events ---------------------------------------------------------------------------

    def log_event(self, actor: str, action: str, subject: str = "", details: dict[str, Any] | None = None) -> Event:
        with self.session() as session:
            entry = Event(actor=actor, action=action, subject=subject, details=details or {})
            session.add(entry)
            session.commit()
            return entry

    def events(self, limit: int = 50, subject: str | None = None) -> Sequence[Event]:
        """Newest first."""
        query = select(Event).order_by(col(Event.id).desc()).limit(limit)
        if subject:
            query = query.where(Event.subject == subject)
        with self.session() as session:
            return list(session.exec(query))


# Cursors longer than this go into a content-addressed blob, so re-pulling an unchanged
# workspace whose cursor is a map of versions (Webflow) stores nothing new.
_INLINE_CURSOR = 512
_BLOB_CURSOR = "blob:"


def blob_bytes(session: Session, sha: str) -> bytes:
    """A blob's bytes, checked against its hash."""
    blob = session.get(Blob, sha)
    if blob is None:
        raise CopydeskError(f"The store is missing blob {sha[:12]}; restore it from a backup.")
    raw = zlib.decompress(blob.data)
    if hashlib.sha256(raw).hexdigest() != blob.sha256:
        raise CopydeskError(f"Blob {blob.sha256[:12]} is corrupt (hash mismatch); restore it from a backup.")
    return raw


def _put_bytes(session: Session, raw: bytes) -> str:
    sha = hashlib.sha256(raw).hexdigest()
    if session.get(Blob, sha) is None:
        session.add(Blob(sha256=sha, size=len(raw), data=zlib.compress(raw, 6)))
        session.flush()
    return sha


def _by_remote(session: Session, source: str, remote_id: str) -> TrackedDocument | None:
    query = select(TrackedDocument).where(TrackedDocument.source == source, TrackedDocument.remote_id == remote_id)
    return session.exec(query).first()


def _unused_id(session: Session, source: str, remote_id: str) -> str:
    """`document_id(source, remote_id)`, unless a document adopted under another name holds it
    already (staging.sources keeps ids); then the first free variant of it."""
    candidate, attempt = document_id(source, remote_id), 0
    while session.get(TrackedDocument, candidate) is not None:
        attempt += 1
        candidate = document_id(source, f"{remote_id}#{attempt}")
    return candidate


def _apply_ref(tracked: TrackedDocument, ref: DocumentRef) -> None:
    tracked.kind = ref.kind
    tracked.title = ref.title
    tracked.url = ref.url
    tracked.parent_remote_id = ref.parent
    tracked.remote_version = ref.remote_version
    tracked.edited_at = ref.updated_at or tracked.edited_at
    tracked.status = "archived" if ref.archived else "live"


def _engine(url: str) -> Engine:
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url, connect_args={"timeout": 30} if url.startswith("sqlite") else {})
    except Exception as error:  # SQLAlchemy raises several types for a malformed URL
        raise ConfigError(f"database_url {_redact(url)!r} is not usable: {error}.") from error
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _redact(url: str) -> str:
    """Hide a password in a database URL before it reaches a message."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url
