"""Reviewing a brief's open proposals rule by rule: one decision for "chatbot → AI support
engineer" across every document, instead of the same click in each changeset.

Every agent edit carries its rule (`ChangesetEdit.rule`, filled when it is staged). A group is
the rule's live edits in the brief's proposed changesets, with a sample of them for the
reviewer to read.

Accepting a rule never approves an edit of another rule: a changeset is approved (the policy's
usual approval, so an author still cannot approve it) once every edit it still has belongs to a
rule the reviewer accepted; a changeset that also holds edits of a rule not accepted yet waits
for that decision. Dropping a rule drops its edits in each changeset (a drop does not make the
reviewer an author), or rejects the changeset when they were all it had.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Collection

from sqlmodel import col, select

from connectors.errors import CopydeskError
from staging import changesets
from staging.agent.brief import TermChange
from staging.lifecycle import Status
from staging.models import Changeset, ChangesetEdit, TrackedDocument
from staging.review import DEFAULT_POLICY, ReviewPolicy
from staging.store import Store

OTHER = "other edits"
CLAIM = "retired claim: "
PERSON = "needs a person: "  # a term the rules left for a person: to translate, or used as a modifier
_TERMS = "brief terms: "
_NEEDS_A_PERSON = " (needs a person's rewrite)"


@dataclass(frozen=True)
class Sample:
    """One edit of a group, as the reviewer reads it."""

    changeset_id: int
    document_title: str
    block_kind: str
    before: str
    after: str


@dataclass(frozen=True)
class Group:
    rule: str
    edits: int
    changesets: list[int]
    sample: list[Sample]

    @property
    def documents(self) -> int:
        return len(self.changesets)  # one open changeset per document and brief (staging.agent.propose)

    @property
    def claim(self) -> bool:
        """A retired claim, or a term left for a person: rules never write those, so they can be
        left (dropped) but not accepted."""
        return self.rule.startswith((CLAIM, PERSON))


@dataclass
class Outcome:
    """What one rule decision did, changeset by changeset."""

    approved: list[int] = field(default_factory=list)  # approved, or this reviewer's approval recorded
    edits_approved: int = 0
    waiting: dict[int, list[str]] = field(default_factory=dict)  # changeset → rules not accepted yet
    dropped: list[int] = field(default_factory=list)  # changesets that lost the rule's edits
    rejected: list[int] = field(default_factory=list)  # changesets that had nothing else
    refused: dict[int, str] = field(default_factory=dict)  # changeset → why not


# -- naming an edit's rule --------------------------------------------------------------------


def term_rule(term: TermChange) -> str:
    return f"{term.retire} → {term.use}"


def matching_terms(before: str, after: str, terms: Collection[TermChange]) -> str:
    """The brief terms an edit applies, when the edit does exactly that and nothing else
    (an engine other than rules, such as Claude); else OTHER."""
    used = [t for t in terms if _word(t.retire).search(before)]
    if not used:
        return OTHER
    expected = before
    for term in sorted(used, key=lambda t: -len(t.retire)):
        expected = _word(term.retire).sub(term.use, expected)
    return "; ".join(term_rule(t) for t in used) if _loose(expected) == _loose(after) else OTHER


def rule_from_reason(reason: str) -> str:
    """An agent edit's rule read back from the reason it was staged with (stores made before
    edits had a rule)."""
    if reason.startswith(_TERMS):
        return reason.removeprefix(_TERMS).split("; still makes the retired claim")[0]
    if reason.startswith(CLAIM):
        return reason.removesuffix(_NEEDS_A_PERSON)
    return OTHER


def _word(text: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + r"\s+".join(re.escape(w) for w in text.split()) + r"(?![\w-])", re.IGNORECASE)


def _loose(text: str) -> str:
    """Case, spacing and a/an aside: what a term substitution may legitimately adjust."""
    return re.sub(r"\ban?\b", "a", " ".join(text.lower().split()))


# -- the groups -------------------------------------------------------------------------------


def groups(store: Store, brief_id: int, *, sample: int = 3) -> list[Group]:
    """The rules of the brief's proposed changesets, most edits first, each with its first
    `sample` edits (in different documents where there are enough)."""
    by_rule: dict[str, list[tuple[ChangesetEdit, str]]] = defaultdict(list)
    for row, title in _live_edits(store, brief_id):
        by_rule[row.rule or OTHER].append((row, title))
    found = []
    for rule, rows in by_rule.items():
        first_each: dict[int, tuple[ChangesetEdit, str]] = {}
        for row, title in rows:
            first_each.setdefault(row.changeset_id, (row, title))
        picked = list(first_each.values())[:sample]
        found.append(Group(rule=rule, edits=len(rows), changesets=sorted({r.changeset_id for r, _ in rows}),
                           sample=[Sample(r.changeset_id, t, r.block_kind, r.before, r.after) for r, t in picked]))
    return sorted(found, key=lambda g: (g.claim, -g.edits, g.rule))


def _live_edits(store: Store, brief_id: int, changeset_ids: Collection[int] | None = None
                ) -> list[tuple[ChangesetEdit, str]]:
    query = (select(ChangesetEdit, TrackedDocument.title)
             .join(Changeset, col(Changeset.id) == col(ChangesetEdit.changeset_id))
             .join(TrackedDocument, col(TrackedDocument.id) == col(Changeset.document_id))
             .where(Changeset.brief_id == brief_id, Changeset.status == Status.PROPOSED,
                    col(ChangesetEdit.dropped).is_(False))
             .order_by(col(Changeset.id), col(ChangesetEdit.position)))
    if changeset_ids is not None:
        query = query.where(col(Changeset.id).in_(list(changeset_ids)))
    with store.session() as session:
        return list(session.exec(query))


def _by_changeset(store: Store, brief_id: int, rule: str, *, within: bool = False) -> dict[int, list[ChangesetEdit]]:
    """The live edits of every proposed changeset that has one of `rule` (or, `within`, an
    edit applying it among other terms)."""
    rows: dict[int, list[ChangesetEdit]] = defaultdict(list)
    for row, _ in _live_edits(store, brief_id):
        rows[row.changeset_id].append(row)

    def matches(edit: ChangesetEdit) -> bool:
        name = edit.rule or OTHER
        return name == rule or (within and rule in name.split("; "))

    return {cid: edits for cid, edits in rows.items() if any(matches(r) for r in edits)}


# -- deciding ---------------------------------------------------------------------------------


def accept(store: Store, brief_id: int, rule: str, *, actor: str, accepted: Collection[str] = (),
           policy: ReviewPolicy = DEFAULT_POLICY) -> Outcome:
    """Approve every proposed changeset of the brief whose edits all belong to `rule` or to
    the rules in `accepted` (the reviewer's earlier decisions); the others wait."""
    if rule.startswith((CLAIM, PERSON)):
        raise CopydeskError("Rules never write this one: open each changeset and write the new text, or drop the "
                            "rule to leave the text as it reads.")
    decided = {rule, *accepted}
    outcome = Outcome()
    for changeset_id, rows in _by_changeset(store, brief_id, rule, within=True).items():
        pending = sorted(r for r in {r.rule or OTHER for r in rows} if not _covered(r, decided))
        if pending:
            outcome.waiting[changeset_id] = pending
            continue
        try:
            changesets.approve(store, changeset_id, actor=actor, policy=policy)
        except CopydeskError as error:  # one changeset's refusal (an author, a flag) must not stop the rest
            outcome.refused[changeset_id] = str(error)
            continue
        outcome.approved.append(changeset_id)
        outcome.edits_approved += len(rows)
    return outcome


def _covered(rule: str, decided: set[str]) -> bool:
    """An edit applying several terms ("a → b; c → d") is accepted once each of them is."""
    return rule in decided or all(part in decided for part in rule.split("; "))


def drop(store: Store, brief_id: int, rule: str, *, actor: str, policy: ReviewPolicy = DEFAULT_POLICY) -> Outcome:
    """Leave the rule's edits out of every proposed changeset of the brief: dropped, or the
    changeset rejected when they were all it had."""
    outcome = Outcome()
    for changeset_id, rows in _by_changeset(store, brief_id, rule).items():
        mine = [r.block_id for r in rows if (r.rule or OTHER) == rule]
        try:
            if len(mine) == len(rows):
                changesets.reject(store, changeset_id, actor=actor, reason=f"rule dropped: {rule}", policy=policy)
                outcome.rejected.append(changeset_id)
            else:
                changesets.rewrite(store, changeset_id, actor=actor, changes={}, dropped=mine, policy=policy)
                outcome.dropped.append(changeset_id)
        except CopydeskError as error:
            outcome.refused[changeset_id] = str(error)
    return outcome
