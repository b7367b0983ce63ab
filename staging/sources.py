"""Sources as the store knows them: a source's identity is its name in copydesk.toml.

Before sources had names of their own, every connector stamped its documents with its tool's
id, so a config saying `[sources.marketing] type = "notion"` had its documents, pulls and
changesets stored under "notion". Read with today's code, the next pull would store every page
again as new and the old changesets could not find their connector. `adopt_renamed_sources`
moves such rows to the configured name when the store is opened, where that is unambiguous,
and says what it left alone and how to settle it (`copydesk status` repeats it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Mapping

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from connectors.document import Document
from connectors.registry import label
from staging.models import Blob, Changeset, Event, Lease, Pull, Revision, TrackedDocument, as_utc, utcnow
from staging.store import Store, blob_bytes

ADOPTED = "source.adopted"


@dataclass(frozen=True)
class Orphan:
    """Documents stored under a source name the config does not have."""

    name: str
    tool: str
    documents: int
    adopter: str = ""  # the one configured source that takes them; "" when none can, unambiguously
    why: str = ""  # when there is no adopter: what is in the way and how to settle it, one line


@dataclass(frozen=True)
class Adoption:
    adopted: list[Orphan]
    left: list[Orphan]


def tool_of(store: Store, changeset: Changeset) -> str:
    """The tool a changeset's document lives in ("webflow"), through the document."""
    tracked = store.document(changeset.document_id)
    return tracked.tool if tracked is not None else ""


def orphans(store: Store, configured: Mapping[str, str]) -> list[Orphan]:
    """Stored source names missing from `configured` (source name → tool), each with the one
    configured source of its tool that has no documents of its own, if there is exactly one."""
    with store.session() as session:
        stored = session.exec(select(TrackedDocument.source, TrackedDocument.tool, func.count())
                              .group_by(TrackedDocument.source, TrackedDocument.tool)).all()
    held = {name for name, _, _ in stored}
    stray: dict[str, list[tuple[str, int]]] = defaultdict(list)  # tool → [(name, documents)]
    for name, tool, documents in stored:
        if name not in configured:
            stray[tool].append((name, documents))
    found = []
    for tool, names in sorted(stray.items()):
        empty = sorted(n for n, t in configured.items() if t == tool and n not in held)
        for name, documents in sorted(names):
            adopter, why = _adopter(name, tool, [n for n, _ in names], empty)
            found.append(Orphan(name=name, tool=tool, documents=documents, adopter=adopter, why=why))
    return found


def adopt_renamed_sources(store: Store, configured: Mapping[str, str], *, actor: str = "copydesk") -> Adoption:
    """Move every orphan that has an adopter to it, each in one transaction, and log it.

    `configured` maps each source's name in copydesk.toml to its tool
    (`{name: s.type for name, s in settings.sources.items()}`). An orphan whose old name is
    being pulled right now (its lease is held) waits for the next opening."""
    adopted, left = [], []
    for orphan in orphans(store, configured):
        if not orphan.adopter:
            left.append(orphan)
        elif _move(store, orphan, actor):
            adopted.append(orphan)
        else:
            left.append(Orphan(orphan.name, orphan.tool, orphan.documents, why=(
                f"a pull of {orphan.name!r} is running; they move to {orphan.adopter!r} once it has finished.")))
    return Adoption(adopted, left)


def _adopter(name: str, tool: str, stray_names: list[str], empty: list[str]) -> tuple[str, str]:
    if len(stray_names) == 1 and len(empty) == 1:
        return empty[0], ""
    if not empty:
        return "", (f"no {label(tool)} source without documents of its own is configured to take them; name the "
                    f"source that tracks them [sources.{name}] in copydesk.toml, or add it.")
    if len(stray_names) > 1:
        return "", (f"{label(tool)} documents are stored under {', '.join(repr(n) for n in stray_names if n != name)} "
                    "too; name each source in copydesk.toml as it is stored ([sources.<name>]), so copydesk need not "
                    "guess.")
    return "", (f"{', '.join(repr(n) for n in empty)} could each be the {label(tool)} source they belong to; name "
                f"the one that tracks them [sources.{name}] in copydesk.toml, so copydesk need not guess.")


def _move(store: Store, orphan: Orphan, actor: str) -> bool:
    """Every row keyed by the old name, to the new one, in one transaction: documents (their
    ids stay, see `Store.document_by_remote`), their revisions' content (which names the
    source, so the next pull of an unchanged document stores nothing), changesets, pulls and
    their cursors, and the pull lease."""
    old, new = orphan.name, orphan.adopter
    with store.session() as session:
        if _pulling(session, old):
            return False
        if session.exec(select(TrackedDocument.id).where(TrackedDocument.source == old).limit(1)).first() is None:
            return True  # another process opening the store moved them a moment ago
        session.exec(delete(Lease).where(col(Lease.name) == f"pull:{old}"))
        revisions = _restamp(store, session, old, new)
        for table in (TrackedDocument, Changeset, Pull):
            session.exec(update(table).where(col(table.source) == old).values(source=new))
        session.add(Event(actor=actor, action=ADOPTED, subject=new, details={
            "from": old, "to": new, "tool": orphan.tool, "documents": orphan.documents, "revisions": revisions}))
        session.commit()
    return True


def _pulling(session: Session, name: str) -> bool:
    held = session.get(Lease, f"pull:{name}")
    return held is not None and bool(held.holder) and as_utc(held.expires_at) > utcnow()


def _restamp(store: Store, session: Session, old: str, new: str) -> int:
    """Rewrite the content of every revision of `old`'s documents as naming `new`."""
    rows = session.exec(select(Revision).join(TrackedDocument, col(TrackedDocument.id) == col(Revision.document_id))
                        .where(TrackedDocument.source == old)).all()
    restamped: dict[str, str] = {}
    for revision in rows:
        if revision.blob_sha256 not in restamped:
            doc = Document.model_validate_json(blob_bytes(session, revision.blob_sha256))
            restamped[revision.blob_sha256] = store.put_blob(
                session, doc.model_copy(update={"ref": doc.ref.model_copy(update={"source": new})}))
        revision.blob_sha256 = restamped[revision.blob_sha256]
        session.add(revision)
    session.flush()
    unused = [sha for sha in restamped if not session.exec(
        select(Revision.id).where(Revision.blob_sha256 == sha).limit(1)).first()]
    if unused:
        session.exec(delete(Blob).where(col(Blob.sha256).in_(unused)))
    return len(rows)
