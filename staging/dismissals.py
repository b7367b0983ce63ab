"""Won't fix, remembered: a reviewer's dismissals, and how propose and sweeps honour them.

Dropping an edit, dismissing a flag or rejecting a proposal from a brief tells copydesk to
leave that block alone: otherwise the next sweep finds the same retired wording, stages the
same edit again and lists the page as stale for ever. A dismissal holds for one block as it
read, under one brief as compiled: once the block's text or the brief changes, the block is
judged afresh. Its `rules` are the brief's retired terms and claims that text uses (the same
checks a sweep runs, staging.agent.checks), so a block that now uses a rule nobody dismissed
is proposed again. Undoing a dismissal lets the next propose ask about the page anew.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Sequence

from sqlmodel import col, delete, select

from connectors.errors import ConfigError, NotFound
from staging import identity
from staging.agent import briefs
from staging.agent.checks import Checks
from staging.models import Answered, Brief, Changeset, ChangesetEdit, Dismissal, saved_id, utcnow
from staging.store import Store

DROPPED, FLAG_DISMISSED, REJECTED = "dropped", "flag dismissed", "rejected"
_WORDS = 8  # a block's first words, as a person recognises it


def brief_fingerprint(brief: Brief) -> str:
    """The sha256 of the brief's compiled form: a correction to it ends its dismissals."""
    raw = json.dumps(brief.compiled, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def text_fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def first_words(text: str, count: int = _WORDS) -> str:
    """The opening of a block, so a person can find it on the page: "Setup in 5 minutes…"."""
    words = text.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def record(store: Store, changeset: Changeset, rows: Sequence[ChangesetEdit], *, how: str, actor: str,
           reasons: dict[str, str] | None = None, reason: str = "") -> list[Dismissal]:
    """Remember `rows` of a changeset made from a brief as won't fix (`how`: DROPPED,
    FLAG_DISMISSED or REJECTED), each with its reason (`reasons` by block, else `reason`).

    A dismissed flag holds for the text the block will read once the changeset's other
    change to it is written (`after`); a dropped or rejected edit for the text it reads now.
    Hand-made changesets and restores come from no brief, so nothing would stage them again:
    nothing is recorded for them."""
    if changeset.brief_id is None or not rows:
        return []
    with store.session() as session:
        brief = session.get(Brief, changeset.brief_id)
    if brief is None:
        return []
    checks = Checks(briefs.compiled(brief))
    fingerprint = brief_fingerprint(brief)
    made = []
    for row in rows:
        text = row.after if how == FLAG_DISMISSED else row.before
        made.append(Dismissal(
            document_id=changeset.document_id, block_id=row.block_id, text=text, text_sha256=text_fingerprint(text),
            rules=checks.reasons(text) or [row.flag or row.reason], brief_id=saved_id(brief), brief_sha256=fingerprint,
            how=how, reason=(reasons or {}).get(row.block_id, reason), changeset_id=changeset.id, actor=actor))
    with store.session() as session:
        session.add_all(made)
        session.commit()
        for dismissal in made:
            session.refresh(dismissal)
    return made


@dataclass(frozen=True)
class Standing:
    """The dismissals in force for one brief as compiled now, by (document, block)."""

    by_block: dict[tuple[str, str], list[Dismissal]]
    checks: Checks

    def holding(self, document_id: str, block_id: str, text: str) -> Dismissal | None:
        """The dismissal that covers this block as it reads now: recorded for this very text,
        and every rule the text uses among those dismissed."""
        found = self.by_block.get((document_id, block_id))
        if not found:
            return None
        sha, uses = text_fingerprint(text), set(self.checks.reasons(text))
        return next((d for d in found if d.text_sha256 == sha and uses <= set(d.rules)), None)


def in_force(store: Store, brief: Brief) -> Standing:
    """Every dismissal of this brief that was not undone, made under its current compiled form."""
    with store.session() as session:
        rows = session.exec(select(Dismissal).where(Dismissal.brief_id == brief.id,
                                                    Dismissal.brief_sha256 == brief_fingerprint(brief),
                                                    col(Dismissal.undone_at).is_(None)))
        by_block: dict[tuple[str, str], list[Dismissal]] = defaultdict(list)
        for row in rows:
            by_block[(row.document_id, row.block_id)].append(row)
    return Standing(dict(by_block), Checks(briefs.compiled(brief)))


def listing(store: Store, *, undone: bool = False) -> list[Dismissal]:
    """Dismissals newest first: those in force, or with `undone` those undone too."""
    query = select(Dismissal).order_by(col(Dismissal.id).desc())
    if not undone:
        query = query.where(col(Dismissal.undone_at).is_(None))
    with store.session() as session:
        return list(session.exec(query))


def get(store: Store, dismissal_id: int) -> Dismissal:
    with store.session() as session:
        found = session.get(Dismissal, dismissal_id)
    if found is None:
        raise NotFound(f"No dismissal {dismissal_id}. List them with `copydesk dismissals`.")
    return found


def undo(store: Store, dismissal_id: int, *, actor: str) -> Dismissal:
    """Take a dismissal back: the next propose or sweep asks about its page again (the
    page's answered mark for the brief is cleared too, or an unchanged page would not be
    sent to the engine)."""
    actor = identity.checked(actor)
    with store.session() as session:
        found = session.get(Dismissal, dismissal_id)
        if found is None:
            raise NotFound(f"No dismissal {dismissal_id}. List them with `copydesk dismissals`.")
        if found.undone_at is not None:
            raise ConfigError(f"Dismissal {dismissal_id} was already undone by {found.undone_by}; nothing to do.")
        found.undone_by, found.undone_at = actor, utcnow()
        session.add(found)
        session.exec(delete(Answered).where(col(Answered.brief_id) == found.brief_id,
                                            col(Answered.document_id) == found.document_id))
        session.commit()
        session.refresh(found)
    store.log_event(actor, "dismissal.undone", f"dismissal/{dismissal_id}", {
        "document": found.document_id, "block": found.block_id, "rules": found.rules,
        "changeset": found.changeset_id})
    return found


def as_dict(dismissal: Dismissal, title: str = "") -> dict[str, object]:
    return {"id": dismissal.id, "document": dismissal.document_id, "document_title": title,
            "block": dismissal.block_id, "first_words": first_words(dismissal.text), "rules": dismissal.rules,
            "how": dismissal.how, "reason": dismissal.reason, "changeset": dismissal.changeset_id,
            "brief": dismissal.brief_id, "by": dismissal.actor, "at": dismissal.at.isoformat(),
            "undone_by": dismissal.undone_by or None,
            "undone_at": dismissal.undone_at.isoformat() if dismissal.undone_at else None}


def left_alone(rows: Iterable[tuple[str, str, Dismissal]]) -> list[dict[str, object]]:
    """The report's rows for blocks a run left alone: (document id, document title, dismissal)."""
    return [{"document": document_id, "title": title, "block": d.block_id, "dismissal": d.id, "rules": d.rules,
             "how": d.how, "reason": d.reason} for document_id, title, d in rows]
