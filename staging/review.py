"""Who may do what: the `[review]` policy, and the gate every write to a tool passes.

The rule copydesk exists for: nothing reaches a tool unless enough people other than its
authors approved exactly that content. So

- an approval is bound to a fingerprint of the edits as they read when it was given (block,
  before, after, dropped, target); rewrite or drop an edit afterwards and every earlier
  approval is dismissed (kept for the record, counted for nothing);
- the authors of a changeset are whoever proposed it and every reviewer who rewrote one of its
  edits; with `self_approval = false` (the default) none of them may approve it;
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
from staging.models import Approval, Changeset, ChangesetEdit
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


def authors(changeset: Changeset, rows: Sequence[ChangesetEdit]) -> list[str]:
    """Whoever proposed the changeset or any edit, and every reviewer who rewrote one."""
    names = [changeset.proposed_by, *(r.proposed_by for r in rows), *(r.revised_by for r in rows if r.revised_by)]
    unique: dict[str, str] = {}
    for name in names:
        unique.setdefault(identity.key(name), name)
    return list(unique.values())


@dataclass(frozen=True)
class Standing:
    """Where a changeset stands against the policy, as its content reads now."""

    required: int
    approvers: list[str]  # approvals of the current content that count
    dismissed: list[str]  # approvals of earlier content, or by someone who may not approve
    authors: list[str]

    @property
    def satisfied(self) -> bool:
        return len(self.approvers) >= self.required

    def summary(self) -> str:
        """One line for a person: e.g. "awaiting approval by someone other than priya (0 of 1)"."""
        count = f"{len(self.approvers)} of {self.required}"
        if self.satisfied:
            return f"approved by {', '.join(self.approvers)} ({count})"
        others = ", ".join([*self.authors, *self.approvers])
        return f"awaiting approval by someone other than {others} ({count})"


def approvals(store: Store, changeset_id: int) -> list[Approval]:
    with store.session() as session:
        query = select(Approval).where(Approval.changeset_id == changeset_id).order_by(col(Approval.id))
        return list(session.exec(query))


def standing(store: Store, changeset: Changeset, rows: Sequence[ChangesetEdit],
             policy: ReviewPolicy = DEFAULT_POLICY) -> Standing:
    current = fingerprint(changeset, rows)
    written_by = {identity.key(a) for a in authors(changeset, rows)}
    counted: dict[str, str] = {}
    dismissed: list[str] = []
    for approval in approvals(store, changeset.id):
        who = identity.key(approval.actor)
        valid = (approval.fingerprint == current and policy.may(approval.actor, "approve")
                 and (policy.self_approval or who not in written_by))
        if valid:
            counted.setdefault(who, approval.actor)
        else:
            dismissed.append(approval.actor)
    return Standing(required=policy.approvals, approvers=list(counted.values()), dismissed=dismissed,
                    authors=authors(changeset, rows))


def require_approved(store: Store, changeset: Changeset, rows: Sequence[ChangesetEdit],
                     policy: ReviewPolicy = DEFAULT_POLICY) -> None:
    """Refuse to write a changeset whose stored approvals do not cover its content as it reads
    now, whatever its status says."""
    now = standing(store, changeset, rows, policy)
    if not now.satisfied:
        raise Forbidden(f"Changeset {changeset.id} is not approved as it reads now ({now.summary()}); "
                        f"it needs `copydesk approve {changeset.id}` by someone who did not write it.")


def refuse_author(changeset: Changeset, rows: Sequence[ChangesetEdit], actor: str, policy: ReviewPolicy) -> None:
    if policy.self_approval:
        return
    if any(identity.same(actor, name) for name in authors(changeset, rows)):
        raise Forbidden(f"{actor} wrote (or rewrote) changeset {changeset.id}, so cannot approve it: someone else "
                        "must (self-approval is off in [review] of copydesk.toml).")


def record(store: Store, changeset: Changeset, rows: Sequence[ChangesetEdit], actor: str) -> Approval:
    """Store `actor`'s approval of the content `rows` hold."""
    print_ = fingerprint(changeset, rows)
    if any(identity.same(a.actor, actor) and a.fingerprint == print_ for a in approvals(store, changeset.id)):
        raise Forbidden(f"{actor} has already approved changeset {changeset.id} as it reads now; "
                        "it needs someone else's approval.")
    approval = Approval(changeset_id=changeset.id, actor=actor, fingerprint=print_)
    with store.session() as session:
        session.add(approval)
        session.commit()
    return approval
