"""The changeset commands: stage, review, apply, revert, restore, recover and the audit log.

Like the rest of the command line, each is a thin layer over `staging`; the status machine,
the journal and every check live there.
"""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from connectors.errors import ConfigError
from connectors.registry import plugins
from staging import apply as applying
from staging import block_ids, changesets, facts, lifecycle, rebase, review
from staging import publish as publishing
from staging.changesets import ProposedEdit
from staging.config import Settings
from staging.context import place
from staging.diff import diff_words, ops_to_json
from staging.lifecycle import Status
from staging.models import Changeset, ChangesetEdit
from staging.resolve import resolve_document, resolve_revision
from staging.store import Store
from ui.arguments import changeset_argument, check_changeset_id, limit_option
from ui.terminal import JSON_OPTION, context, emit_json, err, out, plain, progress, shown, use_color, word_diff_text

# Every Status has a style (tests/ui/test_untrusted_text.py checks it).
_STATUS_STYLE = {Status.PROPOSED: "cyan", Status.APPROVED: "blue", Status.APPLIED: "green",
                 Status.REVERTED: "magenta", Status.REJECTED: "dim", Status.SUPERSEDED: "dim",
                 Status.RESOLVED_UPSTREAM: "dim", Status.CONFLICT: "red", Status.REVERT_CONFLICT: "red",
                 Status.FAILED: "red", Status.APPLYING: "yellow", Status.REVERTING: "yellow",
                 Status.AWAITING_MANUAL: "yellow", Status.AWAITING_MANUAL_REVERT: "yellow"}

DRY_RUN = typer.Option(False, "--dry-run", help="Print exactly what would be written; touch nothing.")
# The tools whose applied text lands as a draft to publish, for --publish's help.
_DRAFT_TOOLS = ", ".join(p.label for p in plugins() if p.capabilities.publishable)


def register(app: typer.Typer) -> None:
    app.command("changesets")(list_changesets)
    changeset_app = typer.Typer(help="Look at one changeset.", no_args_is_help=True)
    changeset_app.command("show")(show_changeset)
    app.add_typer(changeset_app, name="changeset")
    for command in (stage, approve, rewrite, reject, apply, publish, revert, repropose, reapply, restore, recover,
                    events):
        app.command()(command)


def list_changesets(
    ctx: typer.Context,
    status: str | None = typer.Option(None, "--status", help=f"Only this status ({', '.join(Status)})."),
    source: str | None = typer.Option(None, "--source", "-s", help="Only this source."),
    as_json: bool = JSON_OPTION,
) -> None:
    """The review queue: changesets, newest first.

    Example: copydesk changesets --status proposed
    """
    store = context(ctx).store
    rows = changesets.listing(store, status=status, source=source)
    titles = {d.id: d.title for d in store.documents()}
    if as_json:
        emit_json([_changeset_json(c, titles.get(c.document_id, "")) for c in rows])
        return
    if not rows:
        out.print("No changesets" + (f" with status {status}" if status else "") + ". Stage one with `copydesk stage`.")
        return
    table = Table("id", "status", "document", "title", "by", "updated")
    for c in rows:
        table.add_row(str(c.id), plain(c.status, _STATUS_STYLE.get(c.status, "")),
                      plain(titles.get(c.document_id, c.document_id[:8])), plain(c.title), plain(c.proposed_by),
                      f"{c.updated_at:%Y-%m-%d %H:%M}")
    out.print(table)


def show_changeset(
    ctx: typer.Context,
    changeset_id: int = changeset_argument(),
    as_json: bool = JSON_OPTION,
) -> None:
    """One changeset: its edits as word diffs, each with where it is (the headings above it, a
    table cell's row and column, a Webflow field's name), lossy-formatting warnings and conflicts.

    On conflict, each edited block shows the three texts: base, proposed and remote now.

    Example: copydesk changeset show 3
    """
    store = context(ctx).store
    changeset = changesets.get(store, changeset_id)
    rows = changesets.edits(store, changeset_id)
    tracked = store.document(changeset.document_id)
    title = tracked.title if tracked else ""
    base = store.load(changesets.revision_of(store, changeset.base_revision_id))
    lossy = changesets.lossy_report(base, rows)
    if as_json:
        now = review.standing(store, changeset, rows, context(ctx).settings.review)
        emit_json({**_changeset_json(changeset, title), "rationale": changeset.rationale,
                   "review": {"approvers": now.approvers, "required": now.required, "authors": now.authors,
                              "dismissed": now.dismissed, "summary": now.summary()},
                   "edits": [{**_edit_json(r, changeset, lossy),
                              "context": place(base, r.block_id, r.block_kind).as_dict()} for r in rows]})
        return
    status = plain(changeset.status, _STATUS_STYLE.get(changeset.status, ""))
    out.print(f"[bold]Changeset {changeset.id}[/bold]  ", status, f"  {shown(changeset.title)}", sep="")
    out.print(plain(f"{title} · base {changeset.base_revision_id[:12]} · proposed by {changeset.proposed_by}"
                    + (f" · approved by {changeset.approved_by}" if changeset.approved_by else ""), style="dim"))
    if changeset.status in lifecycle.UNWRITTEN:
        out.print(plain(f"review: {_standing(store, changeset, context(ctx).settings)}", style="dim"))
    if changeset.rationale:
        out.print(plain(changeset.rationale))
    if changeset.error:
        out.print(plain(changeset.error, style="red"))
    short = block_ids.short_ids([r.block_id for r in rows])
    for row in rows:
        out.print(plain(f"@@ {row.block_kind} {row.block_id} · {place(base, row.block_id, row.block_kind).line()}"
                        + (f" · {row.reason}" if row.reason else "")
                        + (f" · confidence {row.confidence:.2f}" if row.confidence is not None else ""), style="cyan"))
        out.print(word_diff_text(diff_words(row.before, row.after), color=use_color()))
        out.print(plain("what else changed: " + facts.what_else_changed(row.before, row.after), style="dim"))
        if row.after != row.proposed_after:
            out.print(plain(f"proposed: {row.proposed_after}", style="dim"))
        for loss in lossy.get(row.block_id, []):
            out.print(plain(f"lossy: {loss}", style="yellow"))
        if row.flag:
            out.print(plain(f"flag: {row.flag} · " + (changesets.settled(row) or "unresolved: rewrite it, dismiss it "
                            f"(approve --dismiss {short[row.block_id]}=REASON) or drop it"), style="yellow"))
        if row.block_id in changeset.conflicts:
            remote = changeset.conflicts[row.block_id]
            out.print("[red]remote now:[/red] " + ("(block deleted)" if remote is None else ""), end="")
            if remote is not None:
                out.print(word_diff_text(diff_words(row.before, remote), color=use_color()))


def stage(
    ctx: typer.Context,
    document: str = typer.Argument(..., help="Id prefix, remote id or title."),
    blocks: list[str] = typer.Option([], "--block", "-b", help="Block id (or prefix) to edit; repeat with --text."),
    texts: list[str] = typer.Option([], "--text", "-t", help="The block's new text, one per --block."),
    reason: str = typer.Option("", "--reason", help="Why the text changes (shown to the reviewer)."),
    title: str = typer.Option("", "--title", help="Changeset title (default: Edit <document>)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Stage a hand-made changeset against the document's newest revision.

    Block ids are listed by `copydesk show DOC --blocks`.
    Example: copydesk stage "Product overview" --block 0a45c777 --text "Setup in one afternoon."
    """
    if not blocks or len(blocks) != len(texts):
        raise ConfigError(f"Give one --text per --block (got {len(blocks)} blocks and {len(texts)} texts).")
    c = context(ctx)
    tracked = resolve_document(c.store, document)
    changeset = changesets.stage(c.store, tracked, [ProposedEdit(b, t, reason=reason) for b, t in zip(blocks, texts)],
                                 actor=c.settings.actor_name, title=title)
    _report(changeset, as_json, f"Staged changeset {changeset.id}; review it with `copydesk changeset show {changeset.id}`.")


def approve(
    ctx: typer.Context,
    changeset_id: int = changeset_argument(),
    drops: list[str] = typer.Option([], "--drop", help="Block id (or prefix) to leave out before approving; repeatable."),
    dismiss: list[str] = typer.Option([], "--dismiss", help="BLOCK=REASON: leave this block's flag as it reads, "
                                      "and say why; repeatable."),
    allow_lossy: bool = typer.Option(False, "--allow-lossy", help="Accept edits that cannot keep formatting exactly."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Approve a proposed changeset exactly as it reads now, as yourself.

    You are COPYDESK_ACTOR, else actor in copydesk.toml, else your OS user. Whoever proposed
    or rewrote the changeset cannot approve it: someone else must. Every flag (a retired
    claim, say) must be settled first: rewritten (`copydesk rewrite`), dismissed with a
    reason (--dismiss) or dropped (--drop). Drops and dismissals are remembered: sweeps do not
    stage them again (`copydesk dismissals`). It becomes approved once \\[review] approvals
    people have; nothing is written to the tool until `copydesk apply`.

    Example: copydesk approve 3 --dismiss 0a45c777="the claim is still true here" --drop 9c1e
    """
    c = context(ctx)
    changeset = changesets.approve(c.store, changeset_id, actor=c.settings.actor_name, dropped=drops,
                                   dismissed=_pairs(dismiss, "--dismiss", "BLOCK=REASON"), allow_lossy=allow_lossy,
                                   policy=c.settings.review)
    if changeset.status == Status.APPROVED:
        message = f"Approved changeset {changeset.id}; write it with `copydesk apply {changeset.id}`."
    else:
        message = f"Recorded your approval of changeset {changeset.id}; {_standing(c.store, changeset, c.settings)}."
    _report(changeset, as_json, message)


def rewrite(
    ctx: typer.Context,
    changeset_id: int = changeset_argument(),
    changes: list[str] = typer.Option(..., "--edit", help="BLOCK=TEXT: this text instead of the proposed one; repeatable."),
    drops: list[str] = typer.Option([], "--drop", help="Block id (or prefix) to leave out; repeatable."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Rewrite some edits of a proposed (or approved) changeset in your own words.

    You become one of its authors: it is proposed again, earlier approvals are dismissed, and
    someone other than you approves the rewritten text. The audit log keeps both texts.

    On a changeset in conflict, write each conflicting block's text against what the tool
    reads now (`copydesk changeset show ID` shows it): a new changeset is staged on the
    current text with your words, the old one is superseded, and someone else approves it.

    Example: copydesk rewrite 3 --edit 0a45c777="Setup in one afternoon."
    """
    c = context(ctx)
    revised = _pairs(changes, "--edit", "BLOCK=TEXT")
    if changesets.get(c.store, changeset_id).status == Status.CONFLICT:
        if drops:
            raise ConfigError("--drop does not apply to a changeset in conflict: give the tool's current text as the "
                              "block's --edit to leave it as it is.")
        result = rebase.restage(c.store, c.workspace.connector(changesets.get(c.store, changeset_id).source),
                                changeset_id, actor=c.settings.actor_name, texts=revised, policy=c.settings.review)
        _report_successor(result, changeset_id, as_json, "superseded; someone other than you approves the new one")
        return
    changeset = changesets.rewrite(c.store, changeset_id, actor=c.settings.actor_name, changes=revised, dropped=drops,
                                   policy=c.settings.review)
    _report(changeset, as_json, f"Rewrote changeset {changeset.id}; {_standing(c.store, changeset, c.settings)}.")


def _pairs(options: list[str], name: str, form: str) -> dict[str, str]:
    """`BLOCK=TEXT` options as a dict, or a one-line refusal naming the bad one."""
    pairs = {}
    for option in options:
        block, sep, text = option.partition("=")
        if not sep or not block:
            raise ConfigError(f"{name} takes {form}, not {option!r}.")
        pairs[block] = text
    return pairs


def repropose(
    ctx: typer.Context,
    changeset_id: int = changeset_argument(),
    as_json: bool = JSON_OPTION,
) -> None:
    """Carry a conflicted changeset over to the tool's current text, as a new proposal.

    Where the outside edit changed other words than the changeset did, its edit is merged
    in; blocks where both changed the same words are left out (and said so). The old
    changeset is superseded.

    Example: copydesk repropose 3
    """
    c = context(ctx)
    c.settings.review.require(c.settings.actor_name, "repropose")
    source = changesets.get(c.store, changeset_id).source
    result = rebase.repropose(c.store, c.workspace.connector(source), changeset_id, actor=c.settings.actor_name)
    _report_successor(result, changeset_id, as_json, "superseded")


def reapply(
    ctx: typer.Context,
    changeset_id: int = changeset_argument(),
    as_json: bool = JSON_OPTION,
) -> None:
    """Apply a reverted changeset again: its edits, proposed anew on the current text.

    The new changeset is reviewed like any other, and you are its author, so someone else
    approves it. The reverted one stays in the history as it is.

    Example: copydesk reapply 3
    """
    c = context(ctx)
    source = changesets.get(c.store, changeset_id).source
    result = rebase.apply_again(c.store, c.workspace.connector(source), changeset_id, actor=c.settings.actor_name,
                                policy=c.settings.review)
    _report_successor(result, changeset_id, as_json, "left as it is")


def _report_successor(result: rebase.Reproposal, old_id: int, as_json: bool, old_fate: str) -> None:
    if as_json:
        emit_json({**_changeset_json(result.changeset, ""), "replaces": old_id, "left_out": result.left_out})
        return
    out.print(plain(f"Staged changeset {result.changeset.id} on the current text; changeset {old_id} is {old_fate}."))
    for block, why in result.left_out.items():
        out.print(plain(f"  left out {block}: {why}", style="yellow"))


def _standing(store: Store, changeset: Changeset, settings: Settings) -> str:
    return review.standing(store, changeset, changesets.edits(store, changeset.id), settings.review).summary()


def reject(
    ctx: typer.Context,
    changeset_id: int = changeset_argument(),
    reason: str = typer.Option("", "--reason", help="Why (kept in the audit log)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Reject a proposed, approved, conflicted or failed changeset; it is kept, never applied.

    A rejected proposal from a brief is remembered as won't fix: sweeps do not stage it
    again until the text or the brief changes (`copydesk dismissals` lists and undoes them).

    Example: copydesk reject 3 --reason "off-brand"
    """
    c = context(ctx)
    changeset = changesets.reject(c.store, changeset_id, actor=c.settings.actor_name, reason=reason,
                                  policy=c.settings.review)
    _report(changeset, as_json, f"Rejected changeset {changeset.id}.")


def apply(
    ctx: typer.Context,
    changeset_id: int = changeset_argument(),
    dry_run: bool = DRY_RUN,
    allow_lossy: bool = typer.Option(False, "--allow-lossy", help="Write even where formatting cannot be kept exactly."),
    and_publish: bool = typer.Option(False, "--publish",
                                     help=f"Tools with drafts ({_DRAFT_TOOLS}): publish once the apply succeeded."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Write an approved changeset to the tool.

    Every edited block must still read the text it was staged against; if one does not, the
    changeset becomes `conflict` and nothing is written. A `failed` changeset (its blocks
    were put back) is retried the same way once the error is fixed. Webflow items are written to the
    staged version (not live until published); a Webflow primary-locale page cannot be
    written by its API, so apply prints the exact text to paste and the next pull verifies it.

    Example: copydesk apply 3 --dry-run
    """
    c = context(ctx)
    changeset = changesets.get(c.store, changeset_id)
    connector = c.workspace.connector(changeset.source)
    with progress(enabled=not as_json) as bar:
        bar.add_task(f"applying changeset {changeset_id} to {changeset.source}", total=None)
        outcome = applying.apply(c.store, connector, changeset_id, actor=c.settings.actor_name, dry_run=dry_run,
                                 allow_lossy=allow_lossy, publish=and_publish, policy=c.settings.review)
    _report_outcome(outcome, as_json, dry_run, "Applied")
    if not as_json and outcome.changeset.status == Status.APPLIED and outcome.published is not None:
        out.print("Published." if outcome.published else "Staged in the tool, not yet published.")


def publish(
    ctx: typer.Context,
    changeset_id: int = changeset_argument(),
    as_json: bool = JSON_OPTION,
) -> None:
    """Publish an applied changeset (Webflow: just the changed item goes live).

    Example: copydesk publish 3
    """
    c = context(ctx)
    changeset = changesets.get(c.store, changeset_id)
    published = publishing.publish(c.store, c.workspace.connector(changeset.source), changeset_id,
                                   actor=c.settings.actor_name, policy=c.settings.review)
    _report(published, as_json, f"Published changeset {changeset_id}.")


def revert(
    ctx: typer.Context,
    changeset_id: int = changeset_argument(),
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON_OPTION,
) -> None:
    """Undo an applied changeset: every block goes back exactly as it was.

    Formatting included. Each block must still read what the changeset wrote; if one does
    not, the changeset becomes `revert_conflict` and nothing is written. A published
    changeset (Webflow) is published again, so the live site reads the restored text.

    Example: copydesk revert 3
    """
    c = context(ctx)
    changeset = changesets.get(c.store, changeset_id)
    with progress(enabled=not as_json) as bar:
        bar.add_task(f"reverting changeset {changeset_id} on {changeset.source}", total=None)
        connector = c.workspace.connector(changeset.source)
        outcome = applying.revert(c.store, connector, changeset_id, actor=c.settings.actor_name, dry_run=dry_run,
                                  policy=c.settings.review)
    _report_outcome(outcome, as_json, dry_run, "Reverted")
    if not as_json and outcome.changeset.status == Status.REVERTED and outcome.published:
        out.print("Published again: the live site reads the restored text.")


def restore(
    ctx: typer.Context,
    document: str = typer.Argument(..., help="Id prefix, remote id or title."),
    revision: str = typer.Argument(..., help="Revision id prefix or HEAD~N."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the requests applying it would send; stage nothing."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Stage a changeset that brings a document back to an older revision.

    Review, approve and apply it like any other. Pull first so it is staged against the
    newest text.

    Example: copydesk restore "Pricing" HEAD~2
    """
    c = context(ctx)
    tracked = resolve_document(c.store, document)
    target = resolve_revision(c.store, tracked, revision)
    if dry_run:
        edits, skipped = changesets.restore_plan(c.store, tracked, target)
        writes = applying.preview(c.workspace.connector(tracked.source), tracked, edits)
        if as_json:
            emit_json({"dry_run": True, "writes": writes, "not_restorable": skipped})
        else:
            _print_writes(writes)
        return
    changeset = changesets.stage_restore(c.store, tracked, target, actor=c.settings.actor_name)
    _report(changeset, as_json, f"Staged changeset {changeset.id} ({changeset.title}); review it with "
                                f"`copydesk changeset show {changeset.id}`.")


def recover(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Finish or roll back changesets whose apply or revert was interrupted.

    A crash, a kill or a lost connection can interrupt a write; every command recovers
    first, and this one says what it did.

    Example: copydesk recover
    """
    c = context(ctx)
    outcomes, busy = applying.recover(c.store, c.workspace.connector, actor=c.settings.actor_name)
    if as_json:
        emit_json({"recovered": [o.as_dict() for o in outcomes],
                   "in_progress": [{"changeset": b.id, "status": b.status, "claim": b.claim} for b in busy]})
        return
    for o in outcomes:
        out.print(plain(f"changeset {o.changeset.id}: now {o.changeset.status}. {o.changeset.error}"))
    for b in busy:
        out.print(plain(f"changeset {b.id}: still {b.status} by {b.claim}, left alone."))
    if not outcomes and not busy:
        out.print("Nothing to recover.")


def events(
    ctx: typer.Context,
    changeset_id: int | None = typer.Option(None, "--changeset", callback=check_changeset_id,
                                              help="Only this changeset's events."),
    limit: int = limit_option("events"),
    as_json: bool = JSON_OPTION,
) -> None:
    """The audit log, newest first: who did what, when.

    Example: copydesk events --changeset 3
    """
    store = context(ctx).store
    rows = store.events(limit, subject=changesets.subject(changeset_id) if changeset_id is not None else None)
    if as_json:
        emit_json([{"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "subject": e.subject,
                    "details": e.details} for e in rows])
        return
    for e in rows:
        out.print(plain(f"{e.at:%Y-%m-%d %H:%M:%S}  {e.actor:12} {e.action:28} {e.subject}"))


def _report(changeset: Changeset, as_json: bool, message: str) -> None:
    if as_json:
        emit_json(_changeset_json(changeset, ""))
    else:
        out.print(plain(message))


def _report_outcome(outcome: applying.Outcome, as_json: bool, dry_run: bool, verb: str) -> None:
    if as_json:
        emit_json({**outcome.as_dict(), "dry_run": dry_run})
        return
    if dry_run:
        _print_writes(outcome.writes)
        return
    if outcome.manual:
        out.print(f"[yellow]Changeset {outcome.changeset.id} needs a person:[/yellow] the tool's API cannot write "
                  "these blocks. Paste each text where it says; the next `copydesk pull` checks it.")
        for step in outcome.manual:
            section = f", {step['section']}" if step.get("section") else ""
            out.print(f"[bold]{shown(step['where'] + section)}[/bold]  (block {shown(step['block_id'])})")
            out.print(plain(f"  now:   {step['before']}"))
            out.print(plain(f"  paste: {step['after']}"))
        return
    out.print(f"{verb} changeset {outcome.changeset.id}: now {outcome.changeset.status}"
              + (f", new revision {outcome.revision_id[:12]}." if outcome.revision_id else "."))


def _print_writes(writes: list[dict[str, Any]]) -> None:
    err.print(f"[dim]Dry run: {len(writes)} request(s) would be sent; nothing was written.[/dim]")
    for write in writes:
        out.print(plain(f"{write['method']} {write['path']}  (blocks {', '.join(write['blocks'])})"))
        out.print_json(data=write["body"])


def _changeset_json(c: Changeset, title: str) -> dict[str, Any]:
    return {"id": c.id, "status": c.status, "document": c.document_id, "document_title": title, "source": c.source,
            "title": c.title, "base_revision": c.base_revision_id, "proposed_by": c.proposed_by,
            "approved_by": c.approved_by, "created_at": c.created_at.isoformat(), "updated_at": c.updated_at.isoformat(),
            "applied_revision": c.applied_revision_id, "reverted_revision": c.reverted_revision_id,
            "conflicts": c.conflicts, "error": c.error or None, "manual_steps": c.manual_steps,
            "published_at": c.published_at.isoformat() if c.published_at else None}


def _edit_json(row: ChangesetEdit, changeset: Changeset, lossy: dict[str, list[str]]) -> dict[str, Any]:
    return {"block": row.block_id, "kind": row.block_kind, "before": row.before, "after": row.after,
            "proposed_after": row.proposed_after, "revised_by": row.revised_by or None, "reason": row.reason,
            "flag": row.flag or None, "flag_settled": changesets.settled(row) or None,
            "flag_dismissed": row.flag_dismissed or None,
            "confidence": row.confidence,
            "diff": ops_to_json(diff_words(row.before, row.after)), "lossy": lossy.get(row.block_id, []),
            "what_else_changed": facts.what_else_changed(row.before, row.after),
            "remote_now": changeset.conflicts.get(row.block_id, None) if row.block_id in changeset.conflicts else None}
