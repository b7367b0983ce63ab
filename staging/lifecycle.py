"""A changeset's lifecycle: its statuses, the moves each action may make, and the one
function every status change goes through.

    proposed ──approve──▶ approved ──apply──▶ applying ──▶ applied ──revert──▶ reverting ──▶ reverted ──apply again──▶ (new)
       │                     │                   │                                  │
       └─reject─▶ rejected   └─reject            ├─▶ conflict ──re-propose / edit──▶ superseded (by a new changeset)
                                                 │      └─reject                    ├─▶ revert_conflict (revert again)
                                                 ├─▶ failed ──retry (apply)         ├─▶ applied (revert rolled back)
                                                 │      └─reject                    └─▶ awaiting_manual_revert ──pull──▶ ...
                                                 └─▶ awaiting_manual ──pull──▶ ...

Besides: a proposed changeset is superseded when its brief is proposed again on a newer text,
and a proposed or approved one is resolved_upstream when a sweep finds it fixed in the tool.

`TRANSITIONS` is that picture as data: for each action, the statuses it may start from and
where each may go. A status no action leaves is final (rejected, superseded,
resolved_upstream, reverted); a reverted changeset can still be applied again, but as a new
proposal (staging.rebase), never by moving the old one.

`applying` and `reverting` are claims: `transition` moves the status by compare-and-swap
(`UPDATE … WHERE id = … AND status IN (…)`), so of two processes only one ever writes; the
claim names its process so recovery can tell a crash from work in progress. Every move
writes an `Event`. A move the table does not hold, or one another process made first, is
refused in the words the person asking needs.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Iterable, Mapping

from sqlalchemy import update
from sqlmodel import col

from connectors.errors import Busy, CopydeskError, NotFound, StateError
from staging.models import Changeset, utcnow
from staging.store import Store


class Status(StrEnum):
    """Stored as its value, so the column, the JSON output and old stores keep the same words."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    APPLYING = "applying"
    APPLIED = "applied"
    CONFLICT = "conflict"
    FAILED = "failed"
    REVERTING = "reverting"
    REVERTED = "reverted"
    REVERT_CONFLICT = "revert_conflict"
    SUPERSEDED = "superseded"
    AWAITING_MANUAL = "awaiting_manual"
    AWAITING_MANUAL_REVERT = "awaiting_manual_revert"
    RESOLVED_UPSTREAM = "resolved_upstream"


class Action(StrEnum):
    """What a person or a process does to a changeset; `TRANSITIONS` says where each may move it."""

    APPROVE = "approve"  # the policy's count of approvals reached
    REWRITE = "rewrite"  # a reviewer's own text: proposed again, earlier approvals dismissed
    REJECT = "reject"
    APPLY = "apply"  # claim it to write the new text
    REVERT = "revert"  # claim it to write the old text back
    FINISH = "finish"  # every write confirmed: by the tool, by recovery, or by the pull that checks a pasted text
    CONFLICT = "conflict"  # a block no longer reads what the write expects; nothing (more) written
    AWAIT_MANUAL = "await_manual"  # the tool's API cannot write it: a person pastes the text
    RELEASE = "release"  # the tool refused before writing (formatting would be lost): back where it was
    FAIL = "fail"  # interrupted mid-way: what was written is put back, or named when it cannot be
    SUPERSEDE = "supersede"  # a newer proposal on the current text takes its place
    REFRESH = "refresh"  # a conflict's remote text read again
    RESOLVE_UPSTREAM = "resolve_upstream"  # someone made the change in the tool already


S = Status
TRANSITIONS: Mapping[Action, Mapping[Status, frozenset[Status]]] = {
    Action.APPROVE: {S.PROPOSED: frozenset({S.APPROVED})},
    Action.REWRITE: {S.PROPOSED: frozenset({S.PROPOSED}), S.APPROVED: frozenset({S.PROPOSED})},
    Action.REJECT: {s: frozenset({S.REJECTED}) for s in (S.PROPOSED, S.APPROVED, S.CONFLICT, S.FAILED)},
    Action.APPLY: {S.APPROVED: frozenset({S.APPLYING}), S.FAILED: frozenset({S.APPLYING})},
    Action.REVERT: {S.APPLIED: frozenset({S.REVERTING}), S.REVERT_CONFLICT: frozenset({S.REVERTING})},
    Action.FINISH: {S.APPLYING: frozenset({S.APPLIED}), S.REVERTING: frozenset({S.REVERTED}),
                    S.AWAITING_MANUAL: frozenset({S.APPLIED}), S.AWAITING_MANUAL_REVERT: frozenset({S.REVERTED})},
    Action.CONFLICT: {S.APPLYING: frozenset({S.CONFLICT}), S.REVERTING: frozenset({S.REVERT_CONFLICT}),
                      S.AWAITING_MANUAL: frozenset({S.CONFLICT}),
                      S.AWAITING_MANUAL_REVERT: frozenset({S.REVERT_CONFLICT})},
    Action.AWAIT_MANUAL: {S.APPLYING: frozenset({S.AWAITING_MANUAL}),
                          S.REVERTING: frozenset({S.AWAITING_MANUAL_REVERT})},
    Action.RELEASE: {S.APPLYING: frozenset({S.APPROVED, S.FAILED}),
                     S.REVERTING: frozenset({S.APPLIED, S.REVERT_CONFLICT})},
    Action.FAIL: {S.APPLYING: frozenset({S.FAILED}), S.REVERTING: frozenset({S.APPLIED, S.FAILED})},
    Action.SUPERSEDE: {S.PROPOSED: frozenset({S.SUPERSEDED}), S.CONFLICT: frozenset({S.SUPERSEDED})},
    Action.REFRESH: {S.CONFLICT: frozenset({S.CONFLICT})},
    Action.RESOLVE_UPSTREAM: {S.PROPOSED: frozenset({S.RESOLVED_UPSTREAM}),
                              S.APPROVED: frozenset({S.RESOLVED_UPSTREAM})},
}

CLAIMS = (S.APPLYING, S.REVERTING)  # a process is writing it right now
BY_HAND = (S.AWAITING_MANUAL, S.AWAITING_MANUAL_REVERT)  # waits for a person to paste, then a pull
UNWRITTEN = (S.PROPOSED, S.APPROVED)  # nothing written yet: a newer proposal or an upstream fix may take its place
CLOSED = (S.REJECTED, S.SUPERSEDED, S.RESOLVED_UPSTREAM)  # done, with nothing more to offer


def sources(action: Action, to: Status | None = None) -> tuple[Status, ...]:
    """The statuses `action` may start from (towards `to` when given), in the order of `Status`."""
    moves = TRANSITIONS[action]
    return tuple(s for s in Status if s in moves and (to is None or to in moves[s]))


def can(action: Action, status: str) -> bool:
    return status in TRANSITIONS[action]


def final(status: Status) -> bool:
    """No action moves a changeset on from here (a reverted one is applied again as a new one)."""
    return not any(status in moves for moves in TRANSITIONS.values())


def require(changeset: Changeset, action: Action) -> None:
    """Refuse, before anything is done, an action the changeset's status does not allow."""
    if not can(action, changeset.status):
        raise refusal(changeset, action)


def transition(store: Store, changeset_id: int, action: Action, to: Status, *, actor: str, event: str,
               details: dict[str, Any] | None = None, expected: Iterable[Status] | None = None,
               **fields: Any) -> Changeset:
    """Move a changeset by `action` to `to`, atomically, and record `event`; or refuse, changing
    nothing, when its status is not one the table lets `action` take to `to`. `expected` narrows
    the statuses it may start from to those the caller read (the claim it holds, say), so a
    changeset another process moved meanwhile is refused too."""
    allowed = sources(action, to)
    if not allowed:
        raise ValueError(f"{action} never leads to {to}; see lifecycle.TRANSITIONS.")
    if expected is not None:
        wanted = set(expected)
        allowed = tuple(s for s in allowed if s in wanted)
    values = {"status": to, "updated_at": utcnow(), **fields}
    with store.session() as session:
        result = session.exec(
            update(Changeset)
            .where(col(Changeset.id) == changeset_id, col(Changeset.status).in_(allowed))
            .values(**values)
        )
        session.commit()
        changeset = session.get(Changeset, changeset_id)
    if changeset is None:
        raise missing(changeset_id)
    if result.rowcount != 1:
        raise refusal(changeset, action)
    store.log_event(actor, event, subject(changeset_id),
                    {"from": [s.value for s in allowed], "to": to.value, **(details or {})})
    return changeset


def subject(changeset_id: int) -> str:
    """The changeset's name in the audit log."""
    return f"changeset/{changeset_id}"


def missing(changeset_id: int) -> NotFound:
    return NotFound(f"No changeset {changeset_id}. List them with `copydesk changesets`.",
                    in_app=f"There is no changeset #{changeset_id}: go back to the queue to find it.")


def refused(message: str, *, in_app: str = "") -> StateError:
    """The error for a changeset whose status does not allow what was asked: one place, so
    the class of every such refusal is chosen here."""
    return StateError(message, in_app=in_app)


# How a refusal names what was asked and the statuses that allow it, where the table's
# own words would read worse.
_DONE = {Action.APPROVE: "approved", Action.REJECT: "rejected", Action.APPLY: "applied", Action.REVERT: "reverted",
         Action.REWRITE: "rewritten", Action.SUPERSEDE: "superseded", Action.RESOLVE_UPSTREAM: "resolved upstream"}
_WHEN = {Action.APPLY: "an approved (or failed)", Action.REVERT: "an applied (or revert_conflict)"}


def refusal(changeset: Changeset, action: Action) -> CopydeskError:
    """Why `action` cannot be done to the changeset as it is, and what to do instead."""
    if changeset.status in CLAIMS:
        doing = "applied" if changeset.status == S.APPLYING else "reverted"
        return Busy(f"Changeset {changeset.id} is being {doing} right now by "
                    f"{changeset.claim}; wait for it, or run `copydesk recover` if that process died.",
                    in_app=f"Changeset {changeset.id} is being {doing} right now; reload in a moment. If it "
                           "stays so, ask whoever runs copydesk to recover it.")
    verb = _DONE.get(action, f"moved by {action.value.replace('_', ' ')}")
    said = f"Changeset {changeset.id} is {changeset.status}; only {_when(action)} changeset can be {verb}."
    hint = _hint(changeset, action)
    return refused(said + hint[0], in_app=said + hint[1])


def _when(action: Action) -> str:
    if action in _WHEN:
        return _WHEN[action]
    names = [s.value for s in sources(action)]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f"{'an' if listed[0] in 'aeiou' else 'a'} {listed}"


def _hint(changeset: Changeset, action: Action) -> tuple[str, str]:
    """The way out, for the command line and for the app."""
    status = changeset.status
    if status == S.PROPOSED:
        return " Approve it first with `copydesk approve`.", " Approve it first."
    if status == S.CONFLICT:
        return (f" Settle it: `copydesk repropose {changeset.id}`, write the text against the tool's with "
                f"`copydesk rewrite {changeset.id} --edit BLOCK=TEXT`, or `copydesk reject {changeset.id}`.",
                " Settle it on its page: edit against the tool's text, re-propose, or reject.")
    if status == S.REVERTED:
        return (f" To write its edits again, `copydesk reapply {changeset.id}` proposes them anew.",
                " To write its edits again, use “Apply again” on its page.")
    if status == S.APPLIED and action == Action.APPLY:
        return " Revert it with `copydesk revert` instead.", " Revert it instead."
    return "", ""

