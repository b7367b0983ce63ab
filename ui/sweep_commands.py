"""`copydesk sweep`: find stale content on every source and file fixes, with a report."""

from __future__ import annotations

from typing import Optional

import typer

from staging import changesets
from staging.sweep import sweep, to_markdown
from ui.terminal import JSON_OPTION, context, emit_json, err, out, progress


def register(app: typer.Typer) -> None:
    app.command("sweep")(sweep_command)


def sweep_command(
    ctx: typer.Context,
    engine: Optional[str] = typer.Option(None, "--engine", help="rules (offline, no key) or claude; default: "
                                         "agent.engine in copydesk.toml."),
    markdown: bool = typer.Option(False, "--markdown", help="Print the report as Markdown (to keep or mail)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Pull every source, find content the active brief makes stale, and stage fixes.

    Only flagged documents go to the engine; open changesets are never duplicated; a
    document fixed by hand since the last sweep has its changesets closed as resolved
    upstream. The report is kept in the store.
    Example: copydesk sweep --markdown > sweep.md
    """
    c = context(ctx)
    chosen = c.settings.engine(engine)
    connectors = {name: c.settings.connector(name) for name in sorted(c.settings.sources)}
    with progress(enabled=not (as_json or markdown)) as bar:
        task = bar.add_task("sweeping", total=None)
        run = sweep(c.store, connectors, actor=c.settings.actor_name, engine=chosen,
                    progress=lambda message: bar.update(task, description=f"sweep: {message}"))
    titles = {i: changesets.get(c.store, i).title for i in run.staged}
    if as_json:
        emit_json(run.model_dump(mode="json"))
    elif markdown:
        out.print(to_markdown(run, titles), markup=False)
    else:
        out.print(f"Sweep {run.id}: {len(run.stale)} stale document(s), {len(run.staged)} changeset(s) staged, "
                  f"{len(run.resolved)} closed as resolved upstream, {run.seconds:.1f} s.")
        if run.new_stale or run.fixed:
            out.print(f"Since the previous sweep: {len(run.new_stale)} newly stale, {len(run.fixed)} fixed.")
        if run.staged:
            err.print("Review them with `copydesk changesets --status proposed` or in `copydesk ui`.")
