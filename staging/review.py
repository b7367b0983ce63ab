"""Who may do what: the `[review]` policy, and the gate every write to a tool passes.

The rule copydesk exists for: nothing reaches a tool unless enough people other than its
authors approved exactly that content. So

- an approval is bound to a fingerprint of the edits as they read when it was given (block,
  before, after, dropped, target); rewrite or drop an edit afterwards and every earlier
  approval is dismissed (kept for the record, counted for nothing);
- the authors of a changeset are whoever proposed it, every reviewer who rewrote one of its
  edits and, for a changeset an engine made from a brief, the people behind the engine: who
  wrote the brief, who corrected its compiled form and who ran the propose or sweep. A brief
  is instructions to a model, so its writer is as much an author of what it proposes as one
  who typed the text; with `self_approval = false` (the default) none of them may approve it;
- roles say who may act at all: viewers look, reviewers approve, rewrite, reject and revert
  (a revert restores what was already reviewed), publishers (and admins) also apply and
  publish. With no roles configured everyone is a publisher; self-approval stays off.

`approved` status means the policy was satisfied when the last approval came in; apply and
publish check again, against the approvals stored and the content as it reads now, so a row
whose status was set by hand, or whose edits changed after approval, is refused.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Literal, Sequence

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select

from connectors.errors import Forbidden
from staging import identity
from staging.models import AgentRun, Approval, Brief, Changeset, ChangesetEdit, saved_id
from staging.store import Store

Role = Literal["viewer", "reviewer", "publisher", "admin"]
_RANK = {"viewer": 0, "reviewer": 1, "publisher": 2, "admin": 2}

# What each action needs: reviewing restores or judges content someone else wrote; writing
# new content to a tool is the publisher's.
NEEDS: dict[str, Role] = {"approve": "reviewer", "rewrite": "reviewer", "reject": "reviewer", "revert": "reviewer",
                          "repropose": "reviewer", "apply": "publisher", "publish": "publisher"}


class Roles(BaseModel):
    """`[review.roles]`: identities by role, e.g. reviewer = ["priya@example.com"]."""

    model_config = ConfigDict(extra="forbid")
    viewer: list[str] = Field(default_factory=list)
    reviewer: list[str] = Field(default_factory=list)
    publisher: list[str] = Field(default_factory=list)
    admin: list[str] = Field(default_factory=list)

    def listed(self) -> bool:
        return any((self.viewer, self.reviewer, self.publisher, self.admin))


class ReviewPolicy(BaseModel):
    """copydesk.toml's `[review]`."""

    model_config = ConfigDict(extra="forbid")
    approvals: int = Field(default=1, ge=1, le=10)  # distinct approvers, none of them an author
    self_approval: bool = False  # may an author approve their own changeset or rewrite?
    roles: Roles = Field(default_factory=Roles)
    # The role of an identity listed nowhere: empty means publisher while no roles are
    # configured (a team that has not set any up yet), viewer as soon as any are.
    default_role: Role | None = None

    def role_of(self, name: str) -> Role:
        wanted = identity.key(name)
        found: list[Role] = [role for role in ("admin", "publisher", "reviewer", "viewer")
                             if any(identity.key(n) == wanted for n in getattr(self.roles, role))]
        if found:
            return found[0]
        return self.default_role or ("viewer" if self.roles.listed() else "publisher")

    def may(self, name: str, action: str) -> bool:
        return _RANK[self.role_of(name)] >= _RANK[NEEDS[action]]

    def require(self, name: str, action: str) -> None:
        """Refuse `action` to `name` when their role does not allow it, in one line."""
        if not self.may(name, action):
            raise Forbidden(f"{name} is a {self.role_of(name)} in [review.roles] of copydesk.toml; to {action} "
                            f"needs the {NEEDS[action]} role: ask an admin to add you there.")


DEFAULT_POLICY = ReviewPolicy()


def fingerprint(changeset: Changeset, rows: Sequence[ChangesetEdit]) -> str:
    """The sha256 of exactly what would be written: the document, the base revision and each
    edit's block, before, after, dropped and target, in order."""
    payload = {"document": changeset.document_id, "base": changeset.base_revision_id,
               "edits": [{"block": r.block_id, "before": r.before, "after": r.after, "dropped": r.dropped,
                          "target": r.target} for r in sorted(rows, key=lambda r: r.position)]}
    raw = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


# What made someone an author, as "<name> … changeset N" in a refusal and "<name> (who …)"
# in a summary; a summary leaves the plain proposer and rewriter unexplained.
_DID = {"proposed": "wrote (or rewrote)", "rewrote": "wrote (or rewrote)", "wrote the brief": "wrote the brief behind",
        "corrected the brief": "corrected the brief behind", "ran propose": "ran the propose that staged"}
_EXPLAINED = ("wrote the brief", "corrected the brief", "ran propose")


def authorship(store: Store, changeset: Changeset, rows: Sequence[ChangesetEdit]) -> dict[str, list[str]]:
    """Each author of the changeset (as first named) and what made them one, in `_DID`'s words:
    whoever proposed it or any edit, every reviewer who rewrote one, and for a changeset made
    from a brief, the brief's writer, its correctors and whoever ran the propose."""
    deeds: list[tuple[str, str]] = [(changeset.proposed_by, "proposed"), *((r.proposed_by, "proposed") for r in rows),
                                    *((r.revised_by, "rewrote") for r in rows if r.revised_by)]
    with store.session() as session:
        brief = session.get(Brief, changeset.brief_id) if changeset.brief_id is not None else None
        run = session.get(AgentRun, changeset.agent_run_id) if changeset.agent_run_id is not None else None
    if brief is not None:
        deeds.append((brief.added_by, "wrote the brief"))
        deeds.extend((name, "corrected the brief") for name in brief.corrected_by)
    if run is not None and run.requested_by:
        deeds.append((run.requested_by, "ran propose"))
    first: dict[str, str] = {}
    found: dict[str, list[str]] = {}
    for name, deed in deeds:
        done = found.setdefault(first.setdefault(identity.key(name), name), [])
        if deed not in done:
            done.append(deed)
    return found


def authors(store: Store, changeset: Changeset, rows: Sequence[ChangesetEdit]) -> list[str]:
    """Everyone `authorship` names: none of them may approve while self-approval is off."""
    return list(authorship(store, changeset, rows))


@dataclass(frozen=True)
class Standing:
    """Where a changeset stands against the policy, as its content reads now."""

    required: int
    approvers: list[str]  # approvals of the current content that count
    dismissed: list[str]  # approvals of earlier content, or by someone who may not approve
    authors: list[str]
    deeds: dict[str, list[str]]  # what made each author one (see `authorship`)

    @property
    def satisfied(self) -> bool:
        return len(self.approvers) >= self.required

    def summary(self) -> str:
        """One line for a person: e.g. "awaiting approval by someone other than agent:rules,
        priya (who wrote the brief) (0 of 1)"."""
        count = f"{len(self.approvers)} of {self.required}"
        if self.satisfied:
            return f"approved by {', '.join(self.approvers)} ({count})"
        others = ", ".join([*map(self._explained, self.authors), *self.approvers])
        return f"awaiting approval by someone other than {others} ({count})"

    def _explained(self, name: str) -> str:
        why = [deed for deed in self.deeds.get(name, []) if deed in _EXPLAINED]
        return f"{name} (who {' and '.join(why)})" if why else name


def approvals(store: Store, changeset_id: int) -> list[Approval]:
    with store.session() as session:
        query = select(Approval).where(Approval.changeset_id == changeset_id).order_by(col(Approval.id))
        return list(session.exec(query))


def standing(store: Store, changeset: Changeset, rows: Sequence[ChangesetEdit],
             policy: ReviewPolicy = DEFAULT_POLICY) -> Standing:
    current = fingerprint(changeset, rows)
    deeds = authorship(store, changeset, rows)
    written_by = {identity.key(a) for a in deeds}
    counted: dict[str, str] = {}
    dismissed: list[str] = []
    for approval in approvals(store, saved_id(changeset)):
        who = identity.key(approval.actor)
        valid = (approval.fingerprint == current and policy.may(approval.actor, "approve")
                 and (policy.self_approval or who not in written_by))
        if valid:
            counted.setdefault(who, approval.actor)
        else:
            dismissed.append(approval.actor)
    return Standing(required=policy.approvals, approvers=list(counted.values()), dismissed=dismissed,
                    authors=list(deeds), deeds=deeds)


def require_approved(store: Store, changeset: Changeset, rows: Sequence[ChangesetEdit],
                     policy: ReviewPolicy = DEFAULT_POLICY) -> None:
    """Refuse to write a changeset whose stored approvals do not cover its content as it reads
    now, whatever its status says."""
    now = standing(store, changeset, rows, policy)
    if not now.satisfied:
        raise Forbidden(f"Changeset {changeset.id} is not approved as it reads now ({now.summary()}); "
                        f"it needs `copydesk approve {changeset.id}` by someone who did not write it.",
                        in_app=f"Changeset {changeset.id} is not approved as it reads now ({now.summary()}); someone "
                               "who did not write it must open it and approve it.")


def refuse_author(store: Store, changeset: Changeset, rows: Sequence[ChangesetEdit], actor: str,
                  policy: ReviewPolicy) -> None:
    if policy.self_approval:
        return
    for name, deeds in authorship(store, changeset, rows).items():
        if identity.same(actor, name):
            did = " and ".join(dict.fromkeys(_DID[deed] for deed in deeds))
            raise Forbidden(f"{actor} {did} changeset {changeset.id}, so cannot "
                            "approve it: someone else must (self-approval is off in [review] of copydesk.toml).")


def record(store: Store, changeset: Changeset, rows: Sequence[ChangesetEdit], actor: str) -> Approval:
    """Store `actor`'s approval of the content `rows` hold."""
    print_ = fingerprint(changeset, rows)
    if any(identity.same(a.actor, actor) and a.fingerprint == print_ for a in approvals(store, saved_id(changeset))):
        raise Forbidden(f"{actor} has already approved changeset {changeset.id} as it reads now; "
                        "it needs someone else's approval.")
    approval = Approval(changeset_id=saved_id(changeset), actor=actor, fingerprint=print_)
    with store.session() as session:
        session.add(approval)
        session.commit()
    return approval
