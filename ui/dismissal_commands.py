"""`copydesk dismissals`: what reviewers said won't fix (drops, dismissed flags, rejections),
which sweeps leave alone, and `copydesk dismissals undo ID` to take one back.

A thin layer over staging.dismissals, like the rest of the command line."""

from __future__ import annotations

import typer
from rich.table import Table

from staging import dismissals
from ui.terminal import JSON_OPTION, context, emit_json, out, plain

dismissals_app = typer.Typer(help="Won't fix, remembered: list dismissals, or undo one.")


def register(app: typer.Typer) -> None:
    app.add_typer(dismissals_app, name="dismissals")


@dismissals_app.callback(invoke_without_command=True)
def list_dismissals(
    ctx: typer.Context,
    undone: bool = typer.Option(False, "--all", help="Undone dismissals too."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Dismissals in force, newest first: document, block, rule, who, when, why.

    Sweeps and propose leave these blocks alone until their text or the brief changes.
    Example: copydesk dismissals --json
    """
    if ctx.invoked_subcommand is not None:
        return
    store = context(ctx).store
    rows = dismissals.listing(store, undone=undone)
    titles = {d.id: d.title for d in store.documents()}
    if as_json:
        emit_json([dismissals.as_dict(d, titles.get(d.document_id, "")) for d in rows])
        return
    if not rows:
        out.print("No dismissals. Dropping an edit, dismissing a flag or rejecting a proposal records one.")
        return
    table = Table("id", "document", "block", "rule", "how", "by", "when", "reason")
    for d in rows:
        table.add_row(str(d.id), plain(titles.get(d.document_id, d.document_id[:8])), plain(dismissals.first_words(d.text)),
                      plain(", ".join(d.rules)), plain(d.how + (" (undone)" if d.undone_at else "")), plain(d.actor),
                      f"{d.at:%Y-%m-%d %H:%M}", plain(d.reason))
    out.print(table)


@dismissals_app.command("undo")
def undo(
    ctx: typer.Context,
    dismissal_id: int = typer.Argument(..., min=1, help="The dismissal's id (`copydesk dismissals` lists them)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Take a dismissal back: the next sweep or propose may stage that edit again.

    Example: copydesk dismissals undo 4
    """
    c = context(ctx)
    dismissal = dismissals.undo(c.store, dismissal_id, actor=c.settings.actor_name)
    if as_json:
        emit_json(dismissals.as_dict(dismissal))
        return
    out.print(plain(f"Undid dismissal {dismissal_id}: the next `copydesk sweep` or `copydesk propose` looks at "
                    f"“{dismissals.first_words(dismissal.text)}” again."))
