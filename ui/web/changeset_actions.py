"""What can be done with an opened changeset in its state, so that every state has a next
action: approve, rewrite or reject while proposed; preview, apply (confirmed) or reject once
approved; retry or reject a failed apply; publish (confirmed) to a tool with drafts; revert
(confirmed); apply a reverted changeset again; settle a conflict by re-proposing, by writing
the text against the tool's current wording, or by rejecting it; the manual steps a tool's
API cannot do; and, for a changeset that is done, what became of it."""

from __future__ import annotations

from typing import Any

import streamlit as st

from connectors import registry
from connectors.document import Document
from connectors.errors import CopydeskError, LossyEdit
from staging import apply as applying
from staging import block_ids, changesets, identity, lifecycle, literal, rebase, review
from staging import publish as publishing
from staging.context import place
from staging.lifecycle import Action, Status
from staging.models import Changeset, ChangesetEdit
from staging.review import NEEDS
from staging.sources import tool_of
from ui.web import confirmation, destructive, diffs, manual_steps
from ui.web import preview as previews
from ui.web.formatting import ago, status_words, tool
from ui.web.session import Workspace, flash, reported, require_reviewer

ACCEPT, DROP, EDIT = "Accept", "Drop", "Edit text"
REWRITE, DISMISS = "Rewrite", "Dismiss flag"  # a flagged edit's other ways to settle


def render(ws: Workspace, changeset: Changeset, rows: list[ChangesetEdit],
           choices: dict[str, tuple[str | None, str]]) -> None:
    destructive.style()
    _refuse_outdated_confirmation(changeset)
    status = changeset.status
    if status in lifecycle.CLAIMS:
        doing = "applied" if status == Status.APPLYING else "reverted"
        st.info(f"Being {doing} by {literal.markdown(changeset.claim)}. Reload in a moment; if that process died, "
                "run `copydesk recover`.")
        return
    if status in lifecycle.CLOSED:
        _settled(ws, changeset)
        return
    if status in lifecycle.BY_HAND:
        _manual_steps(ws, changeset)
        return
    reviewer = require_reviewer({Status.PROPOSED: "approve", Status.CONFLICT: "rewrite",
                                 Status.REVERTED: "repropose"}.get(Status(status), "revert"))
    if status == Status.PROPOSED:
        _review(ws, changeset, rows, choices, reviewer)
    elif lifecycle.can(Action.APPLY, status):
        _write(ws, changeset, reviewer, "apply")
    elif lifecycle.can(Action.REVERT, status):
        _publish(ws, changeset, reviewer)
        _write(ws, changeset, reviewer, "revert")
    elif status == Status.CONFLICT:
        _conflict(ws, changeset, reviewer)
    elif status == Status.REVERTED:
        _reverted(ws, changeset, reviewer)


# The confirmations that write, by the question their button asks and the move they make.
_CONFIRMED = {"apply": Action.APPLY, "revert": Action.REVERT}


def _refuse_outdated_confirmation(changeset: Changeset) -> None:
    """A confirmation opened before someone else moved the changeset on (another reviewer
    applied it meanwhile): its Confirm is gone from the page, so say why rather than let the
    click do nothing."""
    for operation, action in _CONFIRMED.items():
        if confirmation.asked(f"{operation}-{changeset.id}") and not lifecycle.can(action, changeset.status):
            confirmation.forget()
            st.error(literal.markdown(lifecycle.refusal(changeset, action).in_app))


def _settled(ws: Workspace, changeset: Changeset) -> None:
    """A changeset that is done: what became of it, and where its successor is."""
    if changeset.status == Status.REJECTED:
        event = next((e for e in ws.store.events(100, subject=changesets.subject(changeset.id))
                      if e.action == "changeset.rejected"), None)
        who = f" by {event.actor} {ago(event.at)}" if event else ""
        why = f": “{event.details['reason']}”" if event and event.details.get("reason") else ""
        st.info(literal.markdown(f"Rejected{who}{why}. Nothing of it was written; it stays here for the record, "
                                 "nothing more to do."))
        return
    if changeset.status == Status.RESOLVED_UPSTREAM:
        st.info("Someone fixed this document in the tool since; nothing more to do.")
        return
    _successor(ws, changeset.id, "Superseded by a newer proposal on the current text",
               "Superseded by a newer proposal on the current text: find it in the queue.")


def _successor(ws: Workspace, changeset_id: int, lead: str, fallback: str) -> None:
    """A link to the changeset that took this one's place, when its audit log names one."""
    found = rebase.successor(ws.store, changeset_id)
    if found is None:
        st.info(fallback)
        return
    status = changesets.get(ws.store, found).status
    st.info(f"{lead}: #{found}, {status_words(status)}.")
    if st.button(f"Open #{found}", key="open-successor"):
        st.query_params["changeset"] = str(found)
        st.rerun()


def _manual_steps(ws: Workspace, changeset: Changeset) -> None:
    """The tool's API cannot write these blocks: the checklist a person follows in the tool."""
    reverting = changeset.status == Status.AWAITING_MANUAL_REVERT
    named = tool(tool_of(ws.store, changeset))
    editor = next((s.get("editor") for s in changeset.manual_steps if s.get("editor")), named)
    st.warning(f"Waiting for someone to paste {'the old' if reverting else 'the new'} text in "
               f"{literal.markdown(editor)}: the {named} API cannot write this page. Follow the steps; "
               "the next pull checks the page and settles this changeset.")
    manual_steps.checklist(changeset, changeset.manual_steps)


def _publish(ws: Workspace, changeset: Changeset, reviewer: str) -> None:
    """Tools with drafts (Webflow): the applied text is staged until someone publishes it."""
    connector = ws.connector(changeset.source)
    if changeset.status != Status.APPLIED or not publishing.can_publish(connector):
        return
    if changeset.published_at is not None:
        st.success(f"Published {ago(changeset.published_at)}.")
        return
    st.info(f"Staged in {tool(tool_of(ws.store, changeset))}, not yet published: the live site still shows the "
            "old text.")
    allowed = bool(reviewer) and ws.settings.review.may(reviewer, "publish")
    question = f"publish-{changeset.id}"
    st.button("Publish", type="primary", disabled=not allowed, key="publish",
              on_click=confirmation.ask, args=(question,),
              help=None if allowed else "Publishing needs the publisher role in [review.roles].")

    def publish() -> None:
        with reported():
            publishing.publish(ws.store, connector, changeset.id, actor=reviewer, policy=ws.settings.review)
            flash("success", f"Published #{changeset.id}.")

    if confirmation.asked(question):
        confirmation.dialog(question, title="Publish to the live site?", key="publish", confirm="Publish",
                            action=publish,
                            message=f"Publish {_place(ws, changeset)} to the live site: the text of its "
                                    f"{_edits(ws, changeset)} goes live for every visitor.")


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
                      if done.status == Status.APPROVED
                      else f"Recorded your approval of #{changeset.id}; it needs more.")
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
    """Preview (dry run), then apply or revert once confirmed, with the result shown after the
    rerun; an approved or failed changeset can be rejected instead."""
    verb = "Apply" if operation == "apply" else "Revert"
    run = applying.apply if operation == "apply" else applying.revert
    retry = changeset.status == Status.FAILED
    if retry:
        st.caption("The last apply failed (the error above says why). Once its cause is fixed, retry it: every "
                   "block is checked and every write journalled as on any apply. Or reject it.")
    elif changeset.status == Status.REVERT_CONFLICT:
        st.caption("Someone changed these blocks in the tool after the apply, so the revert wrote nothing. Revert "
                   "again once they read the applied text, or restore an earlier revision from History (it is "
                   "reviewed like any change).")
    preview, go, reject = st.columns([1, 1, 1])
    if preview.button(f"Preview {verb.lower()} (dry run)", key="preview"):
        previews.dry_run(ws, changeset, operation, actor=reviewer or "preview")
    lossy_key = f"lossy-{changeset.id}"
    options = {}
    if operation == "apply" and st.session_state.get(lossy_key):
        options["allow_lossy"] = st.checkbox("Write even where formatting cannot be kept exactly",
                                             key=f"allow-lossy-{changeset.id}")
    allowed = bool(reviewer) and ws.settings.review.may(reviewer, operation)
    question = f"{operation}-{changeset.id}"
    opening: dict[str, Any] = {"disabled": not allowed, "on_click": confirmation.ask, "args": (question,),
                               "help": None if allowed else f"To {operation} needs the {NEEDS[operation]} role in "
                                                            "[review.roles]."}
    with go:
        if operation == "revert":
            destructive.button(verb, key=operation, **opening)
        else:
            st.button("Retry apply" if retry else verb, type="primary", key=operation,
                      **opening)

    def write_now() -> None:
        with st.spinner(f"{verb.rstrip('e')}ing #{changeset.id} in {tool(tool_of(ws.store, changeset))}…"):
            try:
                outcome = run(ws.store, ws.connector(changeset.source), changeset.id, actor=reviewer,
                              policy=ws.settings.review, **options)
            except LossyEdit as error:
                st.session_state[lossy_key] = True
                flash("error", error.in_app)
            except CopydeskError as error:
                flash("error", error.in_app)
            else:
                flash("success", f"{verb}: #{changeset.id} is now {status_words(outcome.changeset.status)}"
                      + (f", new revision {outcome.revision_id[:12]}." if outcome.revision_id else ".")
                      + (" The live site reads the restored text again." if operation == "revert" and outcome.published
                         else ""))
        previews.forget(changeset.id)

    if confirmation.asked(question):
        confirmation.dialog(question, key=operation, action=write_now, is_destructive=operation == "revert",
                            **_confirming(ws, changeset, operation, retry))
    if lifecycle.can(Action.REJECT, changeset.status):
        with reject:
            if destructive.button("Reject", disabled=not reviewer, key="reject"):
                with reported():
                    changesets.reject(ws.store, changeset.id, actor=reviewer, policy=ws.settings.review)
                    flash("success", f"Rejected #{changeset.id}.")
                st.rerun()
    previews.show(changeset)


def _confirming(ws: Workspace, changeset: Changeset, operation: str, retry: bool) -> dict[str, str]:
    """The dialog's title, message and button for an apply or revert: what is written, where."""
    place, edits = _place(ws, changeset), _edits(ws, changeset)
    if operation == "revert":
        published = (" The live site is published again with the restored text."
                     if changeset.published_at is not None else "")
        return {"title": "Revert these edits?", "confirm": "Revert",
                "message": f"Restore the text of {_edits(ws, changeset, 'block')} in {place} as it read before "
                           f"#{changeset.id} was applied, formatting included.{published}"}
    staged = (" They land in the site's staged version: the live site changes only when you publish."
              if publishing.can_publish(ws.connector(changeset.source)) else "")
    return {"title": "Retry the apply?" if retry else "Apply these edits?", "confirm": "Retry" if retry else "Apply",
            "message": f"Write {edits} to {place}.{staged}\n\nEach block is checked first: if someone changed "
                       "it since this changeset was staged, nothing is written."}


def _place(ws: Workspace, changeset: Changeset) -> str:
    """The document, as its tool calls it: e.g. the Google Doc “One-pager” (escaped Markdown)."""
    tracked = ws.store.document(changeset.document_id)
    if tracked is None:
        return "the document"
    return f"the {registry.document_kind(tracked.tool, tracked.kind)} “{literal.markdown(tracked.title)}”"


def _edits(ws: Workspace, changeset: Changeset, noun: str = "edit") -> str:
    count = len(changesets.to_write(ws.store, changeset.id))
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _reverted(ws: Workspace, changeset: Changeset, reviewer: str) -> None:
    """Reverted is history, not a dead end: its edits can be proposed again on today's text."""
    st.info("Reverted: the tool reads as it did before this changeset. To write these edits again, apply them "
            "again: a new changeset on the current text, reviewed like any other; you are its author, so someone "
            "else approves it.")
    if rebase.successor(ws.store, changeset.id) is not None:
        _successor(ws, changeset.id, "Applied again as", "")  # asked before: say where it went
    if st.button("Apply again", type="primary", disabled=not reviewer, key="apply-again"):
        with reported():
            result = rebase.apply_again(ws.store, ws.connector(changeset.source), changeset.id,
                                        actor=reviewer, policy=ws.settings.review)
            flash("success", f"Proposed #{changeset.id}'s edits again as #{result.changeset.id}, on the current text; "
                  f"someone other than you approves it.{_left_out(result)}")
            st.query_params["changeset"] = str(result.changeset.id)
        st.rerun()


def _conflict(ws: Workspace, changeset: Changeset, reviewer: str) -> None:
    """Three ways to settle a conflict: write the text against the tool's current wording,
    re-propose (a word-level merge), or reject."""
    drafts = rebase.drafts(ws.store, changeset.id)
    base = ws.store.load(changesets.revision_of(ws.store, changeset.base_revision_id))
    st.subheader("Edit against the tool's current text")
    if not drafts:
        st.caption("Every block in conflict was deleted in the tool: there is no text to write against. Re-propose "
                   "what is left, or reject the changeset.")
    for draft in drafts:
        _draft_editor(changeset.id, draft, base)
    texts = {d.block_id: st.session_state.get(_draft_key(changeset.id, d.block_id), d.text) for d in drafts}
    submit, repropose, reject, reason = st.columns([1.3, 1.3, 0.8, 2], vertical_alignment="bottom")
    if drafts and submit.button("Submit as a new changeset", type="primary", disabled=not reviewer,
                                key="submit-conflict-edit",
                                help="Staged on the tool's current text with your words: you become its author, so "
                                     "someone else approves it. This changeset is superseded."):
        with reported():
            result = rebase.restage(ws.store, ws.connector(changeset.source), changeset.id, actor=reviewer,
                                    texts=texts, policy=ws.settings.review)
            flash("success", f"Staged #{result.changeset.id} on the current text with your words; #{changeset.id} is "
                  f"superseded. Someone other than you approves it.{_left_out(result)}")
            st.query_params["changeset"] = str(result.changeset.id)
        st.rerun()
    if repropose.button("Re-propose on the current text", disabled=not reviewer, key="repropose",
                        help="Carry the proposed changes over where the outside edit touched other words."):
        with reported():
            ws.settings.review.require(reviewer, "repropose")
            result = rebase.repropose(ws.store, ws.connector(changeset.source), changeset.id, actor=reviewer)
            flash("success", f"Staged #{result.changeset.id} on the current text; #{changeset.id} is superseded."
                  f"{_left_out(result)}")
            st.query_params["changeset"] = str(result.changeset.id)
        st.rerun()
    why = reason.text_input("Reason for rejecting (optional)", key=f"reject-reason-{changeset.id}")
    with reject:
        if destructive.button("Reject", disabled=not reviewer, key="reject"):
            with reported():
                changesets.reject(ws.store, changeset.id, actor=reviewer, reason=why, policy=ws.settings.review)
                flash("success", f"Rejected #{changeset.id}; nothing of it was written.")
            st.rerun()


def _draft_editor(changeset_id: int, draft: rebase.Draft, base: Document) -> None:
    """One conflicting block's editor and its word diff against the tool's text, redrawn when
    the text is committed (Ctrl+Enter, or leaving the box: Streamlit's text areas do not
    report each keystroke)."""
    st.markdown(f"**{literal.markdown(place(base, draft.block_id, draft.kind).line())}** · "
                + ("starts from the tool's text with the proposed change made to it" if draft.merged
                   else "starts from the tool's text: the proposed change no longer fits, write it in"))
    text = st.text_area("Your text", value=draft.text, height="content", key=_draft_key(changeset_id, draft.block_id))
    st.caption("Your text against the tool's text now (updates on Ctrl+Enter, or when you leave the box):")
    diffs.inline(draft.now, text or "")


def _draft_key(changeset_id: int, block_id: str) -> str:
    return f"conflict-text-{changeset_id}-{block_id}"


def _left_out(result: rebase.Reproposal) -> str:
    if not result.left_out:
        return ""
    short = block_ids.short_ids(list(result.left_out))
    return " Left out: " + "; ".join(f"block {short[b]} ({why})" for b, why in result.left_out.items()) + "."
