"""`copydesk coverage`: how much of each source's text copydesk tracks, and what it leaves out."""

from __future__ import annotations

import typer
from rich.table import Table

from staging import coverage
from staging.resolve import resolve_document
from ui.terminal import JSON_OPTION, context, emit_json, out, plain


def register(app: typer.Typer) -> None:
    app.command("coverage")(coverage_command)


def coverage_command(
    ctx: typer.Context,
    document: str | None = typer.Argument(None, metavar="[DOC]", help="Only this document: id prefix, remote id, "
                                          "URL or part of its title (default: every live document)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """How much of the text the tools returned is tracked, per source, and what is not.

    Tracked text is in the history, diffed and swept; read-only text is tracked too (copydesk
    cannot write it, so a sweep lists stale copy there as a step to do by hand). Everything
    else a tool returned is listed as not captured, with its document, element, reason and
    size. Counted from the last pull: pull first for today's figures.
    Example: copydesk coverage "Pricing" --json
    """
    c = context(ctx)
    target = resolve_document(c.store, document) if document else None
    sources = coverage.report(c.store, document=target)
    if as_json:
        emit_json(sources)
        return
    if not sources:
        out.print("Nothing stored yet: run `copydesk pull`.")
        return
    for source in sources:
        _print_source(source)


def _print_source(source: coverage.SourceCoverage) -> None:
    share = coverage.percent(source["chars_tracked"], source["chars_total"])
    table = Table("source", "documents", "characters", "tracked", "read-only", "not captured", "% tracked")
    table.add_row(plain(source["source"]), str(source["documents"]), f"{source['chars_total']:,}",
                  f"{source['chars_tracked']:,}", f"{source['chars_readonly']:,}",
                  f"{source['chars_total'] - source['chars_tracked']:,}", f"{share} %")
    out.print(table)
    for row in source["not_captured"]:  # remote text: printed as Text, never as markup
        out.print(plain(f"  not captured: {row['document']}: {row['element']} ({row['chars']} characters): "
                        f"{row['reason']}", style="yellow"))
    for reason in source["readonly_reasons"]:
        out.print(plain(f"  read-only, fix by hand: {reason['blocks']} block(s), {reason['chars']} characters: "
                        f"{reason['reason']}"))
