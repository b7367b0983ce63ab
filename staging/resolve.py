"""Addressing, like git: documents by id prefix, remote id or title; revisions by id prefix
or `HEAD~N` counted back from the newest."""

from __future__ import annotations

import re

from connectors.errors import Ambiguous, ConfigError, NotFound
from connectors.registry import remote_id_forms
from staging.models import Revision, TrackedDocument
from staging.store import Store

_HEX = re.compile(r"[0-9a-f]{4,32}")
_HEAD = re.compile(r"(?:head)?~(\d+)|head", re.IGNORECASE)
_LISTED = 10


def resolve_document(store: Store, query: str) -> TrackedDocument:
    wanted = query.strip()
    if not wanted:
        raise ConfigError("Name a document: an id prefix (from `copydesk log`), a remote id or part of its title.")
    if not _is_text(wanted):
        raise NotFound(f"No document matches {wanted!r}: it holds a NUL or an undecodable byte, which no title "
                       "or id can. `copydesk log` lists what is tracked.")
    found: list[TrackedDocument] = []
    if _HEX.fullmatch(wanted.lower()):
        found = store.find_documents(id_prefix=wanted.lower())
    if not found:
        found = [d for form in sorted(remote_id_forms(wanted)) for d in store.find_documents(remote_id=form)]
    if not found:
        by_title = store.find_documents(title=wanted)
        exact = [d for d in by_title if d.title.lower() == wanted.lower()]
        found = exact or by_title
    if not found:
        raise NotFound(
            f"No document matches {wanted!r}. `copydesk log` lists what is tracked; `copydesk pull` fetches new ones."
        )
    if len(found) > 1:
        listed = "\n".join(f"  {d.id[:8]}  {d.title}  ({d.source})" for d in found[:_LISTED])
        more = f"\n  … and {len(found) - _LISTED} more" if len(found) > _LISTED else ""
        raise Ambiguous(f"{wanted!r} matches {len(found)} documents; use an id prefix:\n{listed}{more}")
    return found[0]


def resolve_revision(store: Store, doc: TrackedDocument, query: str) -> Revision:
    revisions = store.revisions(doc.id)
    if not revisions:
        raise NotFound(f"{doc.title!r} has no revisions yet; run `copydesk pull`.")
    wanted = query.strip()
    head = _HEAD.fullmatch(wanted)
    if head:
        back = int(head.group(1) or 0)
        if back >= len(revisions):
            raise NotFound(f"{doc.title!r} has only {len(revisions)} revision(s); {wanted} goes back too far.")
        return revisions[back]
    found = [r for r in revisions if r.id.startswith(wanted.lower())] if len(wanted) >= 4 else []
    if not found:
        raise NotFound(
            f"No revision {wanted!r} of {doc.title!r}. `copydesk log {doc.id[:8]}` lists its revisions "
            "(use at least 4 characters of an id, or HEAD~N)."
        )
    if len(found) > 1:
        listed = "\n".join(f"  {r.id[:12]}  {r.observed_at:%Y-%m-%d %H:%M}" for r in found[:_LISTED])
        raise Ambiguous(f"{wanted!r} matches {len(found)} revisions; use a longer prefix:\n{listed}")
    return found[0]


def _is_text(value: str) -> bool:
    """Whether `value` can be a title or id at all: no NUL (PostgreSQL text refuses it) and no
    lone surrogate (what Python makes of a non-UTF-8 byte in argv; the database drivers
    cannot encode it)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
