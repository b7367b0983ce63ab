"""Every command's `--help` says all its docstring says. Typer renders help as Rich markup, so
a settings section written as in copydesk.toml (`[review]`, `[app]`) would be read as a style
tag and vanish from the text; such a bracket is escaped (`\\[review]`) in the docstring."""

from __future__ import annotations

import re
from collections.abc import Iterator

import click
import typer.main

from tests.ui.conftest import cli
from ui.cli import app

_SECTION = re.compile(r"(?<!\\)\[[a-z][\w.]*\]")  # what Rich would take for a tag


def _commands(group: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    for name, command in getattr(group, "commands", {}).items():
        yield (*path, name), command
        yield from _commands(command, (*path, name))


def _words(text: str) -> str:
    return " ".join(text.split())


def test_no_command_help_holds_a_bracket_rich_would_swallow():
    swallowed = {" ".join(path): _SECTION.findall(command.help or "")
                 for path, command in _commands(typer.main.get_command(app))}
    assert {path: found for path, found in swallowed.items() if found} == {}


def test_a_toml_section_named_in_help_is_shown():
    shown = _words(cli("approve", "--help").stdout)
    assert "once [review] approvals" in shown
    assert "[app] auth" in _words(cli("ui", "--help").stdout)
    assert "([schedule] cron)" in _words(cli("schedule", "--help").stdout)
