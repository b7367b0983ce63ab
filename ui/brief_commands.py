"""`copydesk brief …`: add positioning briefs, list them, and check their compiled form."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer
from rich.table import Table

from connectors.errors import ConfigError
from staging.agent import briefs
from staging.agent.brief import read_brief_file
from staging.models import Brief
from staging.render import to_markdown
from staging.resolve import resolve_document, resolve_revision
from ui.terminal import JSON_OPTION, context, emit_json, err, out

brief_app = typer.Typer(help="Positioning briefs: add, list and check them before proposing changes.",
                        no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(brief_app, name="brief")


@brief_app.command("add")
def add(
    ctx: typer.Context,
    file: Optional[Path] = typer.Argument(None, help="A .md, .txt, .docx or .pdf file."),
    document: Optional[str] = typer.Option(None, "--document", "-d", help="Use a tracked page instead of a file."),
    activate: bool = typer.Option(False, "--activate", help="Make it the active brief (the first one always is)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Add a positioning brief from a file or a tracked page, and compile it.

    The Markdown sections the offline rules engine reads are in the README.
    Example: copydesk brief add fixtures/briefs/ai-support-engineer.md --activate
    """
    if (file is None) == (document is None):
        raise ConfigError("Give a brief FILE or --document DOC (a tracked page), not both.")
    c = context(ctx)
    if file is not None:
        text, source = read_brief_file(file), file.name
    else:
        tracked = resolve_document(c.store, document or "")
        text, source = to_markdown(c.store.load(resolve_revision(c.store, tracked, "HEAD"))), f"{tracked.source}:{tracked.id}"
    brief, is_new = briefs.add(c.store, text, source=source, actor=c.settings.actor_name, activate=activate)
    compiled = briefs.compiled(brief)
    if as_json:
        emit_json({**_brief_json(brief), "new": is_new})
        return
    out.print(f"{'Added' if is_new else 'Already had'} brief {brief.id} ({brief.title})"
              + (", active." if brief.active else f"; activate it with `copydesk brief add {file or ''} --activate`."))
    if not compiled.terms and not compiled.retired_claims:
        err.print("[yellow]No Terms or Retired claims sections were found: the rules engine will propose nothing "
                  "(the claude engine reads free prose). Check with `copydesk brief show`.[/yellow]")


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
        table.add_row(str(b.id), "✓" if b.active else "", b.title, b.source, f"{b.added_at:%Y-%m-%d %H:%M}")
    out.print(table)


@brief_app.command("show")
def show(
    ctx: typer.Context,
    brief_id: Optional[int] = typer.Argument(None, metavar="[ID]", help="Default: the active brief."),
    as_json: bool = JSON_OPTION,
) -> None:
    """The compiled brief: term changes, retired claims, key messages and scope rules.

    Check it before `copydesk propose`: this is exactly what the agent will act on.
    Example: copydesk brief show
    """
    brief = briefs.get(context(ctx).store, brief_id)
    compiled = briefs.compiled(brief)
    if as_json:
        emit_json({**_brief_json(brief), "compiled": compiled.model_dump(mode="json")})
        return
    out.print(f"[bold]Brief {brief.id}[/bold]  {brief.title}" + ("  [green](active)[/green]" if brief.active else ""))
    if compiled.summary:
        out.print(compiled.summary)
    out.print("\n[bold]Term changes[/bold]" if compiled.terms else "\n[dim]No term changes.[/dim]")
    for term in compiled.terms:
        out.print(f"  {term.retire} → {term.use}" + (f"  [dim]({term.note})[/dim]" if term.note else ""))
    out.print("[bold]Retired claims[/bold] (flagged for a person, never rewritten by rules)" if compiled.retired_claims
              else "[dim]No retired claims.[/dim]")
    for claim in compiled.retired_claims:
        out.print(f"  ✗ {claim}")
    if compiled.key_messages:
        out.print("[bold]Key messages[/bold]")
        for message in compiled.key_messages:
            out.print(f"  • {message}")
    scope = compiled.scope
    out.print("[bold]Never touched[/bold]")
    out.print(f"  archived pages: {'skipped' if scope.skip_archived else 'included'}")
    out.print(f"  customer quotes: {'skipped' if scope.skip_quotes else 'included'}")
    if scope.skip_titles:
        out.print(f"  titles matching: {', '.join(scope.skip_titles)}")
    if scope.not_edited_years is not None:
        out.print(f"  pages not edited in {scope.not_edited_years:g} years")


def _brief_json(b: Brief) -> dict[str, Any]:
    return {"id": b.id, "title": b.title, "source": b.source, "active": b.active, "sha256": b.sha256,
            "added_by": b.added_by, "added_at": b.added_at.isoformat()}
