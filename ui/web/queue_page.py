"""The review queue: changesets filtered and counted, one page at a time; bulk approve and
apply; and one changeset opened (`?changeset=N`) to review edit by edit, approve, reject,
apply, revert, or re-propose after a conflict."""

from __future__ import annotations

from typing import Any

import streamlit as st

from connectors.errors import Conflict, CopydeskError, LossyEdit, NotFound
from staging import apply as applying
from staging import changesets, facts, identity, literal, queue, review
from staging import publish as publishing
from staging.agent import briefs
from staging.models import Changeset, ChangesetEdit
from staging.rebase import repropose
from staging.review import NEEDS
from ui.web import diffs
from ui.web.formatting import ago, badge, when
from ui.web.session import (Workspace, flash, reported, require_reviewer, reviewer_box, show_flashes,
                            workspace)

PAGE_SIZE = 25
_ALL = "All"
_ACCEPT, _DROP, _EDIT = "Accept", "Drop", "Edit text"


def render() -> None:
    ws = workspace()
    reviewer_box()
    diffs.style()
    show_flashes()
    opened = st.query_params.get("changeset")
    if opened:
        if opened.isdigit():
            _detail(ws, int(opened))
            return
        st.error(literal.markdown(f"{opened!r} is not a changeset number."))
    _queue(ws)


# -- the queue --------------------------------------------------------------------------------


def _queue(ws: Workspace) -> None:
    st.title("Review queue")
    filters = _filters(ws)
    counts = queue.counts(ws.store, filters)
    if counts:
        st.markdown("  ".join(f"{badge(status)} **{n}**" for status, n in counts.items()))
    total_pages = max(1, -(-queue.count(ws.store, filters) // PAGE_SIZE))
    page_number = st.columns([1, 5])[0].number_input(
        "Page", min_value=1, max_value=total_pages, value=1, step=1, key=f"queue.page.{hash(filters)}",
        help=f"{total_pages} page(s) of {PAGE_SIZE}")
    shown = queue.page(ws.store, filters, offset=(int(page_number) - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    if not shown.rows:
        st.info("No changesets match." if any(vars(filters).values()) else
                "The queue is empty. Add a brief and propose changes on the Brief page, "
                "or stage one with `copydesk stage`.")
        return
    st.caption(f"{shown.total} changeset(s); showing {shown.offset + 1}–{shown.offset + len(shown.rows)}, "
               "newest first.")
    picked = [row.id for row in shown.rows if _row(row)]
    _bulk(ws, picked)


def _filters(ws: Workspace) -> queue.Filters:
    columns = st.columns([1, 1, 2, 2])
    source = columns[0].selectbox("Source", [_ALL, *queue.sources(ws.store)], key="queue.source")
    status = columns[1].selectbox("Status", [_ALL, *changesets.STATUSES], key="queue.status")
    brief_titles = queue.briefs(ws.store)
    brief = columns[2].selectbox("Brief", [_ALL, *brief_titles], key="queue.brief",
                                 format_func=lambda b: b if b == _ALL else literal.visible(f"#{b} {brief_titles[b]}"))
    document = columns[3].text_input("Document title contains", key="queue.document")
    return queue.Filters(source=None if source == _ALL else source, status=None if status == _ALL else status,
                         brief_id=None if brief == _ALL else int(brief), document=document)


def _row(row: queue.Row) -> bool:
    """One queue line; returns whether it is selected for a bulk action."""
    pick, number, status, what, size, updated, action = st.columns([0.4, 0.6, 1.2, 5, 0.8, 1.6, 0.8],
                                                                  vertical_alignment="center")
    selected = pick.checkbox("select", key=f"pick-{row.id}", label_visibility="collapsed")
    number.markdown(f"**#{row.id}**")
    status.markdown(badge(row.status))
    title = row.title.removesuffix(f": {row.document_title}")
    what.markdown(f"**{literal.markdown(row.document_title)}** · {literal.markdown(title)}  \n"
                  f":gray[{literal.markdown(row.source)} · by {literal.markdown(row.proposed_by)}]")
    size.caption(f"{row.edits} edit{'s' if row.edits != 1 else ''}")
    updated.caption(ago(row.updated_at))
    if action.button("Open", key=f"open-{row.id}"):
        st.query_params["changeset"] = str(row.id)
        st.rerun()
    return selected


def _bulk(ws: Workspace, picked: list[int]) -> None:
    st.divider()
    st.caption(f"{len(picked)} selected on this page.")
    left, right, _ = st.columns([1, 1, 3])
    approve = left.button(f"Approve selected ({len(picked)})", disabled=not picked, key="bulk-approve")
    apply = right.button(f"Apply selected ({len(picked)})", disabled=not picked, key="bulk-apply")
    if not (approve or apply):
        return
    reviewer = require_reviewer("approve" if approve else "apply")
    if not reviewer:
        return
    bar = st.progress(0.0, text="starting…")
    results: dict[str, list[str]] = {}
    for done, changeset_id in enumerate(picked, start=1):
        bar.progress(done / len(picked), text=f"{'approving' if approve else 'applying'} #{changeset_id} "
                                               f"({done} of {len(picked)})")
        results.setdefault(_bulk_one(ws, changeset_id, reviewer, approve), []).append(f"#{changeset_id}")
    for outcome, ids in results.items():
        flash("success" if outcome in ("approved", "applied") else "error", f"{outcome}: {', '.join(ids)}")
    st.rerun()


def _bulk_one(ws: Workspace, changeset_id: int, reviewer: str, approve: bool) -> str:
    try:
        if approve:
            return changesets.approve(ws.store, changeset_id, actor=reviewer, policy=ws.settings.review).status
        changeset = changesets.get(ws.store, changeset_id)
        return applying.apply(ws.store, ws.settings.connector(changeset.source), changeset_id, actor=reviewer,
                              policy=ws.settings.review).changeset.status
    except Conflict:
        return "conflict"
    except CopydeskError as error:  # one changeset's refusal or failure must not stop the batch
        return f"not {'approved' if approve else 'applied'} ({error})"


# -- one changeset ----------------------------------------------------------------------------


def _detail(ws: Workspace, changeset_id: int) -> None:
    if st.button("← Back to the queue", key="back"):
        del st.query_params["changeset"]
        st.rerun()
    try:
        changeset = changesets.get(ws.store, changeset_id)
    except NotFound as error:
        st.error(literal.markdown(str(error)))
        return
    rows = changesets.edits(ws.store, changeset_id)
    _header(ws, changeset)
    mode = st.radio("Diff view", ["Inline", "Side by side"], horizontal=True, key="diff-mode")
    choices = {row.block_id: _edit(changeset, row, mode) for row in rows}
    st.divider()
    _actions(ws, changeset, rows, choices)
    with st.expander("Audit trail"):
        for event in ws.store.events(100, subject=changesets.subject(changeset_id)):
            st.markdown(f"{when(event.at)} · **{literal.markdown(event.actor)}** · `{event.action}`")


def _header(ws: Workspace, changeset: Changeset) -> None:
    tracked = ws.store.document(changeset.document_id)
    base = ws.store.revision(changeset.base_revision_id)
    st.title(f"#{changeset.id} {literal.markdown(changeset.title)}")
    st.markdown(badge(changeset.status))
    where = _link(tracked.title, tracked.url) if tracked else ""
    brief = ""
    if changeset.brief_id:
        with reported():
            title = briefs.get(ws.store, changeset.brief_id).title
            brief = f" · brief #{changeset.brief_id} {literal.markdown(title)}"
    st.markdown(f"{where} · {literal.markdown(changeset.source)} · "
                f"base revision `{changeset.base_revision_id[:12]}`, "
                f"observed {ago(base.observed_at if base else None)}{brief}")
    approved = f" · approved by {changeset.approved_by} {ago(changeset.approved_at)}" if changeset.approved_by else ""
    st.caption(literal.markdown(f"Proposed by {changeset.proposed_by} {ago(changeset.created_at)}{approved}"))
    if changeset.status in ("proposed", "approved"):
        st.caption("Review: " + literal.markdown(review.standing(ws.store, changeset, changesets.edits(
            ws.store, changeset.id), ws.settings.review).summary()))
    if changeset.rationale:
        st.text(literal.visible(changeset.rationale))
    if changeset.error:
        st.error(literal.markdown(changeset.error))
    if changeset.status == "conflict":
        st.warning("Someone changed these blocks in the tool after this changeset was staged; nothing was written. "
                   "Compare below, then re-propose on the current text.")


def _edit(changeset: Changeset, row: ChangesetEdit, mode: str) -> tuple[str, str]:
    """One edit: its diff, and (while proposed) the reviewer's choice and text."""
    meta = [f"**{literal.markdown(row.block_kind)}** {literal.markdown(row.block_id[:8])}"]
    if row.reason:
        meta.append(literal.markdown(row.reason))
    if row.confidence is not None:
        meta.append(f"confidence {row.confidence:.0%}")
    st.markdown(" · ".join(meta))
    needs_text = changesets.unresolved(row)
    if needs_text:
        st.warning(f"Retired claim: {literal.markdown(row.flag)}. Rules never rewrite a claim: write the new text, "
                   "or drop this edit.")
    elif row.flag:
        st.warning(f"This block also makes the retired claim “{literal.markdown(row.flag)}”: rewrite it in the new "
                   "text if it must go.")
    if changeset.status == "conflict" and row.block_id in changeset.conflicts:
        diffs.three_way(row.before, row.after, changeset.conflicts[row.block_id])
    elif not (needs_text and changeset.status == "proposed"):  # else the edit box below shows the text
        (diffs.inline if mode == "Inline" else diffs.side_by_side)(row.before, row.after)
    st.text(literal.visible(f"What else changed: {facts.what_else_changed(row.before, row.after)}"))
    if row.dropped:
        st.caption("Dropped by the reviewer: not written.")
    if row.after != row.proposed_after:
        st.caption(f"Proposed text, changed by the reviewer: {literal.markdown(row.proposed_after)}")
    if changeset.status != "proposed":
        return _ACCEPT, row.after
    choice = st.radio("This edit", [_ACCEPT, _DROP, _EDIT], index=2 if needs_text else 0, horizontal=True,
                      key=f"choice-{changeset.id}-{row.block_id}", label_visibility="collapsed")
    text = row.after
    if choice == _EDIT:
        text = st.text_area("New text", value=row.after, key=f"text-{changeset.id}-{row.block_id}")
    return choice, text


def _actions(ws: Workspace, changeset: Changeset, rows: list[ChangesetEdit],
             choices: dict[str, tuple[str, str]]) -> None:
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
    edited = {b: text for b, (choice, text) in choices.items() if choice == _EDIT and text != current[b]}
    dropped = [b for b, (choice, _) in choices.items() if choice == _DROP]
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


def _link(title: str, url: str) -> str:
    """The document's title, linked to it in its tool when its URL is a plain https address
    (as a `<…>` destination, where only a backslash needs escaping); the title escaped, so it
    cannot make a link or image of its own."""
    if not url.startswith("https://") or any(ch.isspace() or ch in "<>" for ch in url):
        return literal.markdown(title)
    return f"[{literal.markdown(title)}](<{url.replace(chr(92), chr(92) * 2)}>)"
