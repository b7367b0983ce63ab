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
    table = Table("source", "documents", "characters", "tracked", "of which read-only", "not captured", "% tracked",
                  title=None)
    table.add_row(plain(source["source"]), str(source["documents"]), f"{source['chars_total']:,}",
                  f"{source['chars_tracked']:,}", f"{source['chars_readonly']:,}",
                  f"{source['chars_total'] - source['chars_tracked']:,}", f"{share} %")
    out.print(table)
    if source["not_captured"]:
        missed = Table("document", "not captured", "why", "characters", title="Not captured", title_justify="left")
        for row in source["not_captured"]:  # remote text: Text cells, never markup
            missed.add_row(plain(row["document"]), plain(row["element"]), plain(row["reason"]), str(row["chars"]))
        out.print(missed)
    if source["readonly_reasons"]:
        readonly = Table("read-only because", "blocks", "characters", title="Tracked, read-only (fix these by hand)",
                         title_justify="left")
        for reason in source["readonly_reasons"]:
            readonly.add_row(plain(reason["reason"]), str(reason["blocks"]), str(reason["chars"]))
        out.print(readonly)
