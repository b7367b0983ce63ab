"""Which changesets a reviewer has opened, as they read now, so that a bulk approval covers
only what its approver was shown.

Opening a changeset in the app records a `changeset.opened` event with the fingerprint of its
content (staging.review.fingerprint): an edit rewritten or dropped since makes it unopened
again, as it dismisses an approval. Kept in the audit log, so it survives a reload and says
who looked at what before approving it.
"""

from __future__ import annotations

from typing import Collection

from sqlmodel import col, select

from staging import changesets, identity, lifecycle, review
from staging.models import Changeset, Event, saved_id
from staging.store import Store

ACTION = "changeset.opened"


def record(store: Store, changeset: Changeset, actor: str) -> None:
    """`actor` has been shown the changeset in full (once per content: a rerun records nothing)."""
    changeset_id = saved_id(changeset)
    content = review.fingerprint(changeset, changesets.edits(store, changeset_id))
    if content not in _fingerprints(store, [changeset_id], actor).get(changeset_id, set()):
        store.log_event(actor, ACTION, lifecycle.subject(changeset_id), {"fingerprint": content})


def unopened(store: Store, changeset_ids: Collection[int], actor: str) -> list[int]:
    """Those of `changeset_ids` that `actor` has not opened as they read now, in the given order."""
    seen = _fingerprints(store, changeset_ids, actor)
    missing = []
    for changeset_id in changeset_ids:
        content = review.fingerprint(changesets.get(store, changeset_id), changesets.edits(store, changeset_id))
        if content not in seen.get(changeset_id, set()):
            missing.append(changeset_id)
    return missing


def _fingerprints(store: Store, changeset_ids: Collection[int], actor: str) -> dict[int, set[str]]:
    subjects = {lifecycle.subject(i): i for i in changeset_ids}
    query = select(Event.actor, Event.subject, Event.details).where(
        Event.action == ACTION, col(Event.subject).in_(list(subjects)))
    found: dict[int, set[str]] = {}
    with store.session() as session:
        for who, subject, details in session.exec(query):
            if identity.same(who, actor):
                found.setdefault(subjects[subject], set()).add(str(details.get("fingerprint", "")))
    return found
