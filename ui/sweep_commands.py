"""`copydesk sweep` (find stale content on every source and file fixes, with a report) and
`copydesk schedule` (sweep on a cron expression)."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from apscheduler.schedulers.blocking import BlockingScheduler

from connectors.errors import CopydeskError
from staging import changesets
from staging.literal import visible
from staging.schedule import next_runs, run_slot, sweep_alone, trigger
from staging.sweep import by_hand, coverage_notes, manual_step, not_captured, summary, sweep, to_markdown
from ui.terminal import JSON_OPTION, context, emit_json, err, out, plain, progress, shown


def register(app: typer.Typer) -> None:
    app.command("sweep")(sweep_command)
    app.command("schedule")(schedule_command)


def sweep_command(
    ctx: typer.Context,
    engine: str | None = typer.Option(None, "--engine", help="rules (offline, no key) or claude; default: "
                                         "agent.engine in copydesk.toml."),
    markdown: bool = typer.Option(False, "--markdown", help="Print the report as Markdown (to keep or mail)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Pull every source, find content the active brief makes stale, and stage fixes.

    Checks (no model): retired terms and claims, claims restated in other
    words, pages on the brief's topics not edited since it was added.
    Stale text copydesk cannot write (read-only blocks) is listed to fix
    by hand, with the reason and the page.
    Only flagged pages not yet answered go to the engine; open changesets
    are never duplicated; pages fixed by hand get theirs closed as
    resolved upstream. The report is kept in the store.
    Example: copydesk sweep --markdown > sweep.md
    """
    c = context(ctx)
    chosen = c.settings.engine(engine)
    connectors = c.workspace.connectors()
    with progress(enabled=not (as_json or markdown)) as bar:
        task = bar.add_task("sweeping", total=None)
        run = sweep_alone(c.store, lambda: sweep(
            c.store, connectors, actor=c.settings.actor_name, engine=chosen, house=c.settings.scope,
            progress=lambda message: bar.update(task, description=visible(f"sweep: {message}"))))
    titles = {i: changesets.get(c.store, i).title for i in run.staged}
    if as_json:
        emit_json(run.model_dump(mode="json"))
    elif markdown:
        out.print(to_markdown(run, titles), markup=False)  # already literal: every remote string is escaped there
    else:
        out.print(summary(run))
        for row in not_captured(run):  # remote text: printed as Text, never as markup
            out.print(plain(f"not captured: {row['title'] or row['remote_id']} ({row['source']} {row['remote_id']}): "
                            f"{row['reason']}; the next pull retries it", style="yellow"))
        for note in coverage_notes(run):
            out.print(plain(note, style="yellow"))
        for row in by_hand(run):
            quoted = " ".join(row["text"].split())  # one line per block, however its text breaks
            out.print(plain(f"fix by hand: {row['title']} ({row['source']}): “{quoted}” uses "
                            f"{', '.join(row['matched'])}; {manual_step(row)}", style="yellow"))
        if run.new_stale or run.fixed:
            out.print(f"Since the previous sweep: {len(run.new_stale)} newly stale, {len(run.fixed)} fixed.")
        if run.staged:
            err.print("Review them with `copydesk changesets --status proposed` or in `copydesk ui`.")


def schedule_command(
    ctx: typer.Context,
    show_next: bool = typer.Option(False, "--next", help="Print the next three runs and exit."),
) -> None:
    """Sweep on the cron expression in copydesk.toml (\\[schedule] cron), until Ctrl-C.

    Safe to run on several hosts: a lease in the database lets one sweep at a time, and a
    slot that already has its sweep is skipped (a restart never sweeps twice).
    System cron instead:  0 6 * * 1-5  cd /srv/copydesk && copydesk sweep --json >> sweeps.log
    Example: copydesk schedule --next
    """
    c = context(ctx)
    plan = c.settings.schedule
    runs = next_runs(plan.cron, plan.timezone)
    if show_next:
        for run in runs:
            out.print(run.isoformat())
        return
    connectors = c.workspace.connectors()
    engine = c.settings.engine(plan.engine or None)

    def sweep_now():  # type: ignore[no-untyped-def]
        return sweep(c.store, connectors, actor="scheduler", engine=engine, house=c.settings.scope)

    def fire() -> None:
        slot = datetime.now(UTC).replace(second=0, microsecond=0)
        try:
            done = run_slot(c.store, slot, sweep_now)
        except CopydeskError as error:
            err.print(f"[red]sweep at {slot:%Y-%m-%d %H:%M} failed: {shown(error)}[/red]")
            return
        out.print(f"{slot:%Y-%m-%d %H:%M} " + (summary(done) if done else "skipped: another scheduler has this slot"))

    scheduler = BlockingScheduler(timezone=plan.timezone)
    scheduler.add_job(fire, trigger(plan.cron, plan.timezone), coalesce=True, max_instances=1,
                      misfire_grace_time=300)
    err.print(f"Sweeping on {plan.cron!r} ({plan.timezone}); next run {runs[0]:%Y-%m-%d %H:%M %Z}. Ctrl-C stops.")
    try:
        scheduler.start()
    except KeyboardInterrupt:
        scheduler.shutdown(wait=False)
