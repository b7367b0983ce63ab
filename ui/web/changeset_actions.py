"""What can be done with an opened changeset in its state: approve, rewrite or reject while
proposed; preview, apply or revert; publish to a tool with drafts; re-propose after a
conflict; or the manual steps a tool's API cannot do."""

from __future__ import annotations

from typing import Any

import streamlit as st

from connectors.errors import CopydeskError, LossyEdit
from staging import apply as applying
from staging import changesets, identity, literal, review
from staging import publish as publishing
from staging.models import Changeset, ChangesetEdit
from staging.rebase import repropose
from staging.review import NEEDS
from ui.web import manual_steps
from ui.web.formatting import ago, status_words, tool
from ui.web.session import Workspace, flash, reported, require_reviewer

ACCEPT, DROP, EDIT = "Accept", "Drop", "Edit text"


def render(ws: Workspace, changeset: Changeset, rows: list[ChangesetEdit],
             choices: dict[str, tuple[str, str]]) -> None:
    status = changeset.status
    if status in ("applying", "reverting"):
        st.info(f"Being {'applied' if status == 'applying' else 'reverted'} by {literal.markdown(changeset.claim)}. "
                "Reload in a moment; if that process died, run `copydesk recover`.")
        return
    if status in ("rejected", "reverted", "superseded"):
        st.info(f"This changeset is {status_words(status)}; nothing more to do.")
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
    """The tool's API cannot write these blocks: the checklist a person follows in the tool."""
    reverting = changeset.status == "awaiting_manual_revert"
    editor = next((s.get("editor") for s in changeset.manual_steps if s.get("editor")), tool(changeset.source))
    st.warning(f"Waiting for someone to paste {'the old' if reverting else 'the new'} text in "
               f"{literal.markdown(editor)}: the {tool(changeset.source)} API cannot write this page. Follow the steps; "
               "the next pull checks the page and settles this changeset.")
    manual_steps.checklist(changeset, changeset.manual_steps)


def _publish(ws: Workspace, changeset: Changeset, reviewer: str) -> None:
    """Tools with drafts (Webflow): the applied text is staged until someone publishes it."""
    connector = ws.settings.connector(changeset.source)
    if changeset.status != "applied" or not publishing.can_publish(connector):
        return
    if changeset.published_at is not None:
        st.success(f"Published {ago(changeset.published_at)}.")
        return
    st.info(f"Staged in {tool(changeset.source)}, not yet published: the live site still shows the "
            "old text.")
    allowed = bool(reviewer) and ws.settings.review.may(reviewer, "publish")
    if st.button("Publish", type="primary", disabled=not allowed, key="publish",
                 help=None if allowed else "Publishing needs the publisher role in [review.roles]."):
        with reported():
            publishing.publish(ws.store, connector, changeset.id, actor=reviewer, policy=ws.settings.review)
            flash("success", f"Published #{changeset.id}.")
        st.rerun()


def _review(ws: Workspace, changeset: Changeset, rows: list[ChangesetEdit], choices: dict[str, tuple[str, str]],
            reviewer: str) -> None:
    lossy = changesets.lossy_report(ws.store.load(changesets.revision_of(ws.store, changeset.base_revision_id)), rows)
    allow_lossy = False
    if lossy:
        st.warning("Formatting some edits cannot keep exactly: "
                   + literal.markdown("; ".join(f"{b[:8]}: {', '.join(losses)}" for b, losses in lossy.items())))
        allow_lossy = st.checkbox("Write them anyway (formatting may be lost)", key="allow-lossy")
    # A flagged edit opens on "Edit text" with its old wording: unchanged, it is no rewrite, so
    # approve() still refuses a changeset whose retired claims nobody rewrote, as the CLI does.
    current = {row.block_id: row.after for row in rows}
    edited = {b: text for b, (choice, text) in choices.items() if choice == EDIT and text != current[b]}
    dropped = [b for b, (choice, _) in choices.items() if choice == DROP]
    policy = ws.settings.review
    author = bool(reviewer) and not policy.self_approval and any(
        identity.same(reviewer, a) for a in review.authors(ws.store, changeset, rows))
    if edited:
        st.caption("Your rewrite makes you one of this changeset's authors: someone else approves it.")
    elif author:
        st.caption(f"You ({literal.markdown(reviewer)}) are one of this changeset's authors: someone else approves it.")
    approve, reject, reason = st.columns([1, 1, 3], vertical_alignment="bottom")
    why = reason.text_input("Reason for rejecting (optional)", key=f"reject-reason-{changeset.id}")
    label = "Submit rewrite" if edited else "Approve"
    if approve.button(label, type="primary", disabled=not reviewer or (author and not edited), key="approve"):
        with reported():
            if edited:
                changesets.rewrite(ws.store, changeset.id, actor=reviewer, changes=edited, dropped=dropped,
                                   policy=policy)
                flash("success", f"Rewrote #{changeset.id}; it awaits approval by someone other than you.")
            else:
                done = changesets.approve(ws.store, changeset.id, actor=reviewer, dropped=dropped,
                                          allow_lossy=allow_lossy, policy=policy)
                flash("success", f"Approved #{changeset.id}. Nothing is written until it is applied."
                      if done.status == "approved" else f"Recorded your approval of #{changeset.id}; it needs more.")
        st.rerun()
    if reject.button("Reject", disabled=not reviewer, key="reject"):
        with reported():
            changesets.reject(ws.store, changeset.id, actor=reviewer, reason=why, policy=policy)
            flash("success", f"Rejected #{changeset.id}.")
        st.rerun()


def _write(ws: Workspace, changeset: Changeset, reviewer: str, operation: str) -> None:
    """Preview (dry run), then apply or revert, with the result shown after the rerun."""
    verb = "Apply" if operation == "apply" else "Revert"
    run = applying.apply if operation == "apply" else applying.revert
    preview, go, reject = st.columns([1, 1, 1])
    if preview.button(f"Preview {verb.lower()} (dry run)", key="preview"):
        with reported():
            outcome = run(ws.store, ws.settings.connector(changeset.source), changeset.id, actor=reviewer or "preview",
                          dry_run=True)
            st.session_state[f"preview-{changeset.id}"] = outcome.writes
    lossy_key = f"lossy-{changeset.id}"
    options = {}
    if operation == "apply" and st.session_state.get(lossy_key):
        options["allow_lossy"] = st.checkbox("Write even where formatting cannot be kept exactly",
                                             key=f"allow-lossy-{changeset.id}")
    allowed = bool(reviewer) and ws.settings.review.may(reviewer, operation)
    if go.button(verb, type="primary", disabled=not allowed, key=operation,
                 help=None if allowed else f"To {operation} needs the {NEEDS[operation]} role in [review.roles]."):
        with st.spinner(f"{verb.rstrip('e')}ing #{changeset.id} in {tool(changeset.source)}…"):
            try:
                connector = ws.settings.connector(changeset.source)
                outcome = run(ws.store, connector, changeset.id, actor=reviewer, policy=ws.settings.review, **options)
                if operation == "revert" and outcome.changeset.status == "reverted":
                    outcome.changeset = publishing.republish_after_revert(ws.store, connector, changeset.id,
                                                                          actor=reviewer)
            except LossyEdit as error:
                st.session_state[lossy_key] = True
                flash("error", error.in_app)
            except CopydeskError as error:
                flash("error", error.in_app)
            else:
                flash("success", f"{verb}: #{changeset.id} is now {status_words(outcome.changeset.status)}"
                      + (f", new revision {outcome.revision_id[:12]}." if outcome.revision_id else "."))
        st.session_state.pop(f"preview-{changeset.id}", None)
        st.rerun()
    if changeset.status == "approved" and reject.button("Reject", disabled=not reviewer, key="reject"):
        with reported():
            changesets.reject(ws.store, changeset.id, actor=reviewer, policy=ws.settings.review)
            flash("success", f"Rejected #{changeset.id}.")
        st.rerun()
    writes: list[dict[str, Any]] | None = st.session_state.get(f"preview-{changeset.id}")
    if writes is not None:
        st.caption(f"Dry run: {len(writes)} request(s) would be sent; nothing was written.")
        for write in writes:
            st.markdown(literal.markdown(f"{write['method']} {write['path']} "
                                         f"(blocks {', '.join(b[:8] for b in write['blocks'])})"))
            st.json(write["body"], expanded=False)
