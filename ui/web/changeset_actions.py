"""What can be done with an opened changeset in its state: approve, rewrite or reject while
proposed; preview, apply or revert; publish to a tool with drafts; re-propose after a
conflict; or the manual steps a tool's API cannot do."""

from __future__ import annotations

import streamlit as st

from connectors.errors import CopydeskError, LossyEdit
from staging import apply as applying
from staging import changesets, identity, literal, review
from staging import publish as publishing
from staging.context import place
from staging.models import Changeset, ChangesetEdit
from staging.rebase import repropose
from staging.review import NEEDS
from ui.web import preview as previews
from ui.web.formatting import ago
from ui.web.session import Workspace, flash, reported, require_reviewer

ACCEPT, DROP, EDIT = "Accept", "Drop", "Edit text"
REWRITE, DISMISS = "Rewrite", "Dismiss flag"  # a flagged edit's other ways to settle


def render(ws: Workspace, changeset: Changeset, rows: list[ChangesetEdit],
           choices: dict[str, tuple[str | None, str]]) -> None:
    status = changeset.status
    if status in ("applying", "reverting"):
        st.info(f"Being {'applied' if status == 'applying' else 'reverted'} by {literal.markdown(changeset.claim)}. "
                "Reload in a moment; if that process died, run `copydesk recover`.")
        return
    if status in ("rejected", "reverted", "superseded"):
        st.info(f"This changeset is {status}; nothing more to do.")
        return
    if status in ("awaiting_manual", "awaiting_manual_revert"):
        _manual_steps(changeset)
        return
    reviewer = require_reviewer("approve" if status == "proposed" else "revert")
    if status == "proposed":
        _review(ws, changeset, rows, choices, reviewer)
    elif status in changesets.CAN_APPLY:
        _write(ws, changeset, reviewer, "apply")
    elif status in changesets.CAN_REVERT:
        _publish(ws, changeset, reviewer)
        _write(ws, changeset, reviewer, "revert")
    elif status == "conflict":
        if st.button("Re-propose on the current text", type="primary", disabled=not reviewer, key="repropose"):
            with reported():
                ws.settings.review.require(reviewer, "repropose")
                result = repropose(ws.store, ws.settings.connector(changeset.source), changeset.id, actor=reviewer)
                left = f" Left out: {len(result.left_out)} block(s), see its rationale." if result.left_out else ""
                flash("success", f"Staged #{result.changeset.id} on the current text; #{changeset.id} is superseded.{left}")
                st.query_params["changeset"] = str(result.changeset.id)
            st.rerun()


def _manual_steps(changeset: Changeset) -> None:
    """The tool's API cannot write these blocks: the exact text to paste, and where."""
    verb = "revert" if changeset.status == "awaiting_manual_revert" else "apply"
    st.warning(f"Awaiting manual {verb}: {literal.markdown(changeset.source)}'s API cannot write these blocks. "
               "Paste each text in "
               "the tool where it says; the next pull checks it and settles this changeset.")
    for step in changeset.manual_steps:
        st.markdown(f"**{literal.markdown(step.get('where', ''))}** · block {literal.markdown(step['block_id'][:12])}")
        st.caption(f"Now reads: {literal.markdown(step['before'])}")
        st.code(literal.visible(step["after"]), language=None, wrap_lines=True)


def _publish(ws: Workspace, changeset: Changeset, reviewer: str) -> None:
    """Tools with drafts (Webflow): the applied text is staged until someone publishes it."""
    connector = ws.settings.connector(changeset.source)
    if changeset.status != "applied" or not publishing.can_publish(connector):
        return
    if changeset.published_at is not None:
        st.success(f"Published {ago(changeset.published_at)}.")
        return
    st.info(f"Staged in {literal.markdown(changeset.source)}, not yet published: the live site still shows the "
            "old text.")
    allowed = bool(reviewer) and ws.settings.review.may(reviewer, "publish")
    if st.button("Publish", type="primary", disabled=not allowed, key="publish",
                 help=None if allowed else "Publishing needs the publisher role in [review.roles]."):
        with reported():
            publishing.publish(ws.store, connector, changeset.id, actor=reviewer, policy=ws.settings.review)
            flash("success", f"Published #{changeset.id}.")
        st.rerun()


def _review(ws: Workspace, changeset: Changeset, rows: list[ChangesetEdit],
            choices: dict[str, tuple[str | None, str]], reviewer: str) -> None:
    base = ws.store.load(changesets.revision_of(ws.store, changeset.base_revision_id))
    lossy = changesets.lossy_report(base, rows)
    allow_lossy = False
    if lossy:
        st.warning("Formatting some edits cannot keep exactly: " + literal.markdown("; ".join(
            f"{place(base, b).line()}: {', '.join(losses)}" for b, losses in lossy.items())))
        allow_lossy = st.checkbox("Write them anyway (formatting may be lost)", key="allow-lossy")
    current = {row.block_id: row.after for row in rows}
    edited = {b: text for b, (choice, text) in choices.items() if choice in (EDIT, REWRITE) and text != current[b]}
    dropped = [b for b, (choice, _) in choices.items() if choice == DROP]
    dismissed = {b: why.strip() for b, (choice, why) in choices.items() if choice == DISMISS and why.strip()}
    left = _flags_left(rows, choices, edited, dismissed)
    writes_nothing = not edited and not any(
        changesets.writes(r) for r in rows if r.block_id not in dropped and not r.dropped)
    policy = ws.settings.review
    author = bool(reviewer) and not policy.self_approval and any(
        identity.same(reviewer, a) for a in review.authors(ws.store, changeset, rows))
    if left:
        st.caption(f"{left} flag(s) left to settle: rewrite, dismiss (with a reason) or drop each before approving.")
    elif writes_nothing:
        st.caption("Nothing would be written: every edit left is a dismissed flag. Reject to close it; the "
                   "dismissals are remembered, so sweeps do not propose these again.")
    if edited:
        st.caption("Your rewrite makes you one of this changeset's authors: someone else approves it.")
    elif author:
        st.caption(f"You ({literal.markdown(reviewer)}) are one of this changeset's authors: someone else approves it.")
    approve, reject, reason = st.columns([1, 1, 3], vertical_alignment="bottom")
    why = reason.text_input("Reason for rejecting (optional)", key=f"reject-reason-{changeset.id}")
    label = "Submit rewrite" if edited else "Approve"
    blocked = not edited and (author or bool(left) or writes_nothing)
    if approve.button(label, type="primary", disabled=not reviewer or blocked, key="approve"):
        with reported():
            if edited:
                changesets.rewrite(ws.store, changeset.id, actor=reviewer, changes=edited, dropped=dropped,
                                   dismissed=dismissed, policy=policy)
                flash("success", f"Rewrote #{changeset.id}; it awaits approval by someone other than you.")
            else:
                done = changesets.approve(ws.store, changeset.id, actor=reviewer, dropped=dropped, dismissed=dismissed,
                                          allow_lossy=allow_lossy, policy=policy)
                flash("success", f"Approved #{changeset.id}. Nothing is written until it is applied."
                      if done.status == "approved" else f"Recorded your approval of #{changeset.id}; it needs more.")
        st.rerun()
    if reject.button("Reject", disabled=not reviewer, key="reject"):
        with reported():
            changesets.reject(ws.store, changeset.id, actor=reviewer, reason=why, policy=policy)
            flash("success", f"Rejected #{changeset.id}; sweeps will not propose it again while the text and the "
                             "brief stay as they are.")
        st.rerun()


def _flags_left(rows: list[ChangesetEdit], choices: dict[str, tuple[str | None, str]], edited: dict[str, str],
                dismissed: dict[str, str]) -> int:
    """Flags the reviewer has not settled yet on the page: no choice, a rewrite that changes
    nothing, or a dismissal without a reason."""
    settled = set(edited) | set(dismissed) | {b for b, (choice, _) in choices.items() if choice == DROP}
    return sum(1 for r in rows if changesets.unresolved(r) and r.block_id not in settled)


def _write(ws: Workspace, changeset: Changeset, reviewer: str, operation: str) -> None:
    """Preview (dry run), then apply or revert, with the result shown after the rerun."""
    verb = "Apply" if operation == "apply" else "Revert"
    run = applying.apply if operation == "apply" else applying.revert
    preview, go, reject = st.columns([1, 1, 1])
    if preview.button(f"Preview {verb.lower()} (dry run)", key="preview"):
        previews.dry_run(ws, changeset, operation, actor=reviewer or "preview")
    lossy_key = f"lossy-{changeset.id}"
    options = {}
    if operation == "apply" and st.session_state.get(lossy_key):
        options["allow_lossy"] = st.checkbox("Write even where formatting cannot be kept exactly",
                                             key=f"allow-lossy-{changeset.id}")
    allowed = bool(reviewer) and ws.settings.review.may(reviewer, operation)
    if go.button(verb, type="primary", disabled=not allowed, key=operation,
                 help=None if allowed else f"To {operation} needs the {NEEDS[operation]} role in [review.roles]."):
        with st.spinner(f"{verb.rstrip('e')}ing #{changeset.id} in {literal.markdown(changeset.source)}…"):
            try:
                connector = ws.settings.connector(changeset.source)
                outcome = run(ws.store, connector, changeset.id, actor=reviewer, policy=ws.settings.review, **options)
                if operation == "revert" and outcome.changeset.status == "reverted":
                    outcome.changeset = publishing.republish_after_revert(ws.store, connector, changeset.id,
                                                                          actor=reviewer)
            except LossyEdit as error:
                st.session_state[lossy_key] = True
                flash("error", f"{error} In the app: tick the box above Apply to accept the loss.")
            except CopydeskError as error:
                flash("error", str(error))
            else:
                flash("success", f"{verb}: #{changeset.id} is now {outcome.changeset.status}"
                      + (f", new revision {outcome.revision_id[:12]}." if outcome.revision_id else "."))
        previews.forget(changeset.id)
        st.rerun()
    if changeset.status == "approved" and reject.button("Reject", disabled=not reviewer, key="reject"):
        with reported():
            changesets.reject(ws.store, changeset.id, actor=reviewer, policy=ws.settings.review)
            flash("success", f"Rejected #{changeset.id}.")
        st.rerun()
    previews.show(changeset)
