"""`copydesk brief …` and `copydesk propose`: positioning briefs in, staged changesets out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from connectors.errors import ConfigError
from staging import changesets
from staging.agent import briefs
from staging.agent.brief import read_brief_file
from staging.agent.propose import propose
from staging.literal import visible
from staging.models import Brief
from staging.render import to_markdown
from staging.resolve import resolve_document, resolve_revision
from ui.arguments import check_brief_id
from ui.terminal import JSON_OPTION, context, emit_json, err, out, plain, progress, shown

brief_app = typer.Typer(help="Positioning briefs: add, list and check them before proposing changes.",
                        no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(brief_app, name="brief")
    app.command("propose")(propose_command)


@brief_app.command("add")
def add(
    ctx: typer.Context,
    file: Path | None = typer.Argument(None, help="A .md, .txt, .docx or .pdf file."),
    document: str | None = typer.Option(None, "--document", "-d", help="Use a tracked page instead of a file."),
    activate: bool = typer.Option(False, "--activate", help="Make it the active brief (the first one always is)."),
    compile_with: str = typer.Option("markdown", "--compile", help="markdown: read the sections the README shows; "
                                     "claude: let Claude read a brief written as free prose ($ANTHROPIC_API_KEY)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Add a positioning brief from a file or a tracked page, and compile it.

    The Markdown sections the offline rules engine reads are in the README.
    Example: copydesk brief add fixtures/briefs/ai-support-engineer.md --activate
    """
    if compile_with not in ("markdown", "claude"):
        raise ConfigError(f"--compile is markdown or claude, not {compile_with!r}.")
    if (file is None) == (document is None):
        raise ConfigError("Give a brief FILE or --document DOC (a tracked page), not both.")
    c = context(ctx)
    if file is not None:
        text, source = read_brief_file(file), file.name
    else:
        tracked = resolve_document(c.store, document or "")
        text, source = to_markdown(c.store.load(resolve_revision(c.store, tracked, "HEAD"))), f"{tracked.source}:{tracked.id}"
    compiler = c.settings.engine("claude") if compile_with == "claude" else None
    brief, is_new = briefs.add(c.store, text, source=source, actor=c.settings.actor_name, activate=activate,
                               compiler=compiler)
    if as_json:
        emit_json({**_brief_json(brief), "new": is_new})
        return
    out.print(f"{'Added' if is_new else 'Already had'} brief {brief.id} ({shown(brief.title)})"
              + (", active." if brief.active else f"; activate it with `copydesk brief add {file or ''} --activate`."))


@brief_app.command("list")
def list_briefs(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Every brief, newest first; the active one is marked.

    Example: copydesk brief list
    """
    rows = briefs.listing(context(ctx).store)
    if as_json:
        emit_json([_brief_json(b) for b in rows])
        return
    if not rows:
        out.print("No briefs yet: add one with `copydesk brief add FILE`.")
        return
    table = Table("id", "active", "title", "source", "added")
    for b in rows:
        table.add_row(str(b.id), "✓" if b.active else "", plain(b.title), plain(b.source),
                      f"{b.added_at:%Y-%m-%d %H:%M}")
    out.print(table)


@brief_app.command("show")
def show(
    ctx: typer.Context,
    brief_id: int | None = typer.Argument(None, metavar="[ID]", callback=check_brief_id,
                                            help="Default: the active brief."),
    as_json: bool = JSON_OPTION,
) -> None:
    """The compiled brief: term changes, retired claims, key messages and scope rules.

    Check it before `copydesk propose`: this is exactly what the agent will act on.
    Example: copydesk brief show
    """
    c = context(ctx)
    brief = briefs.get(c.store, brief_id)
    compiled = briefs.compiled(brief, c.settings.scope)
    if as_json:
        emit_json({**_brief_json(brief), "compiled": compiled.model_dump(mode="json")})
        return
    out.print(f"[bold]Brief {brief.id}[/bold]  {shown(brief.title)}"
              + ("  [green](active)[/green]" if brief.active else ""))
    if compiled.summary:
        out.print(plain(compiled.summary))
    out.print("\n[bold]Term changes[/bold]" if compiled.terms else "\n[dim]No term changes.[/dim]")
    for term in compiled.terms:
        out.print(f"  {shown(term.retire)} → {shown(term.use)}"
                  + (f"  [dim]({shown(term.note)})[/dim]" if term.note else ""))
    out.print("[bold]Retired claims[/bold] (flagged for a person, never rewritten by rules)" if compiled.retired_claims
              else "[dim]No retired claims.[/dim]")
    for claim in compiled.retired_claims:
        out.print(plain(f"  ✗ {claim}"))
    if compiled.key_messages:
        out.print("[bold]Key messages[/bold]")
        for message in compiled.key_messages:
            out.print(plain(f"  • {message}"))
    if compiled.protected_names():
        out.print("[bold]Names kept verbatim[/bold] (and CamelCase names such as HelpHive)")
        out.print(plain("  " + ", ".join(compiled.protected_names())))
    if compiled.topics:
        out.print("[bold]Topics[/bold] (a sweep lists pages on these not edited since the brief)")
        out.print(plain("  " + ", ".join(compiled.topics)))
    scope = compiled.scope
    out.print("[bold]Never touched[/bold] (the brief's scope and copydesk.toml's [scope])")
    out.print(f"  archived pages: {'skipped' if scope.skip_archived else 'included'}")
    out.print(f"  customer quotes: {'skipped' if scope.skip_quotes else 'included'}")
    if scope.skip_titles:
        out.print(plain(f"  titles matching: {', '.join(scope.skip_titles)}"))
    if scope.not_edited_years is not None:
        out.print(f"  pages not edited in {scope.not_edited_years:g} years")


def _brief_json(b: Brief) -> dict[str, Any]:
    return {"id": b.id, "title": b.title, "source": b.source, "active": b.active, "sha256": b.sha256,
            "added_by": b.added_by, "added_at": b.added_at.isoformat()}


def propose_command(
    ctx: typer.Context,
    brief_id: int | None = typer.Option(None, "--brief", callback=check_brief_id,
                                          help="Brief id (default: the active brief)."),
    engine: str | None = typer.Option(None, "--engine", help="rules: offline, deterministic, no key needed; "
                                         "claude: Anthropic's API ($ANTHROPIC_API_KEY). Default: agent.engine "
                                         "in copydesk.toml (rules)."),
    source: str | None = typer.Option(None, "--source", "-s", help="Only documents of this source."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Report what would be staged; stage and record nothing."),
    again: bool = typer.Option(False, "--again", help="Also ask about pages the engine already answered at their "
                               "current text (to ask a model anew, say); blocks dismissed as won't fix stay alone "
                               "(`copydesk dismissals undo` brings one back)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Turn the brief into staged changesets, one per document, for review.

    Only blocks the brief's checks find (retired terms and claims, claims in other words)
    are considered; out-of-scope pages are skipped, every edit is validated, rejections are
    recorded. A page answered before is asked again only once it or the brief changed.
    Example: copydesk propose --dry-run
    """
    c = context(ctx)
    brief = briefs.get(c.store, brief_id)
    chosen = c.settings.engine(engine)
    if not as_json:
        err.print("[dim]Engine: rules (offline and deterministic; no model is called, no API key needed). "
                  "Retired claims are flagged for a person, not rewritten.[/dim]" if chosen.name == "rules" else
                  f"[dim]Engine: claude ({chosen.model}), at most {chosen.concurrency} calls at once, "
                  f"token budget {chosen.token_budget:,}.[/dim]")
    with progress(enabled=not as_json) as bar:
        task = bar.add_task("proposing", total=None)

        def show(done: int, total: int, title: str) -> None:
            bar.update(task, total=total, completed=done, description=visible(f"proposing: {title}"))

        run = propose(c.store, brief, actor=c.settings.actor_name, engine=chosen, source=source, dry_run=dry_run,
                      progress=show, house=c.settings.scope, again=again)
    summary = {"run": run.id, "brief": brief.id, "engine": run.engine, "model": run.model, "dry_run": dry_run,
               "stopped": run.stopped, "staged": run.staged,
               "rejected": run.rejected, "flagged": run.flagged, "skipped": run.skipped, "dismissed": run.dismissed,
               "corpus_blocks": run.corpus_blocks, "candidate_blocks": run.candidate_blocks,
               "corpus_tokens": run.corpus_tokens, "candidate_tokens": run.candidate_tokens,
               "tokens_in": run.tokens_in, "tokens_out": run.tokens_out, "cost_usd": run.cost_usd,
               "seconds": run.seconds}
    if as_json:
        emit_json(summary)
        return
    counts: dict[str, dict[str, int]] = {}
    titles: dict[str, str] = {}
    for key, rows in (("rejected", run.rejected), ("flagged", run.flagged)):
        for row in rows:
            titles[row["document"]] = row["title"]
            counts.setdefault(row["document"], {}).setdefault(key, 0)
            counts[row["document"]][key] += 1
    staged = {changesets.get(c.store, i).document_id: i for i in run.staged}
    table = Table("document", "staged", "rejected", "flagged")
    for document_id in sorted(set(staged) | set(counts), key=lambda d: titles.get(d) or c.store.document(d).title):
        changeset_id = staged.get(document_id)
        found = counts.get(document_id, {})
        table.add_row(plain(titles.get(document_id) or c.store.document(document_id).title),
                      f"#{changeset_id} ({len(changesets.edits(c.store, changeset_id))} edits)" if changeset_id else "",
                      str(found.get("rejected", 0)), str(found.get("flagged", 0)))
    out.print(table)
    for row in run.skipped:
        out.print(plain(f"skipped {row['title']}: {row['reason']}", style="dim"))
    share = run.candidate_tokens / run.corpus_tokens if run.corpus_tokens else 0.0
    out.print(f"{len(run.staged)} changeset(s) staged; {run.candidate_blocks} of {run.corpus_blocks} blocks were "
              f"candidates (≈{run.candidate_tokens:,} of {run.corpus_tokens:,} tokens, {share:.1%}); model tokens "
              f"sent {run.tokens_in:,} / received {run.tokens_out:,}, cost ${run.cost_usd:.2f}, {run.seconds:.1f} s.")
    if run.dismissed:
        out.print(f"{len(run.dismissed)} block(s) dismissed as won't fix by a reviewer: left alone "
                  "(`copydesk dismissals` lists them).")
    if run.stopped:
        err.print(plain(run.stopped, style="yellow"))
    if run.staged:
        out.print("Review them with `copydesk changesets --status proposed`.")
