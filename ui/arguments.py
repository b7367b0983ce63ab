"""Numeric command-line arguments, range-checked where the command line reads them.

An id or a count travels to the database as a signed 64-bit integer and a port to the
socket layer as 16 bits; a value outside those ranges used to end in an `OverflowError`
traceback (or, for a negative `--limit`, in listing everything, and for `sandbox --port
99999` in a server on some other port). Click refuses such a value here, before any command
runs, with one line naming the range.
"""

from __future__ import annotations

from typing import Any, Callable

import typer

MAX_ID = 2**63 - 1  # the largest INTEGER key SQLite and PostgreSQL (BIGINT) can hold


def _row_id(what: str, listing: str) -> Callable[[int | None], int | None]:
    """A callback that lets through a `what` id of 1..2^63-1 (or no id), else says "No <what> N"."""

    def check(value: int | None) -> int | None:
        if value is not None and not 1 <= value <= MAX_ID:
            raise typer.BadParameter(f"No {what} {value}: ids are 1..{MAX_ID}; `{listing}` lists them.")
        return value

    return check


check_changeset_id = _row_id("changeset", "copydesk changesets")
check_brief_id = _row_id("brief", "copydesk brief list")


def changeset_argument() -> Any:
    return typer.Argument(..., metavar="ID", callback=check_changeset_id)


def limit_option(what: str) -> Any:
    """`--limit/-n`: 1 or more (0 or a negative number used to mean "no limit")."""
    return typer.Option(50, "--limit", "-n", min=1, max=MAX_ID, help=f"Show at most this many {what} (1 or more).")


def port_option(default: int, help: str, *, lowest: int = 0) -> Any:
    return typer.Option(default, "--port", min=lowest, max=65535, help=help)
