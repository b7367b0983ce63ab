"""What every command-line module shares: consoles, the lazily opened settings and workspace,
JSON output, progress display, the terminal rendering of word diffs, and `shown`: the one
rule for putting data (titles, names, page text, error messages) on the terminal."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Sequence

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from staging.config import Settings, find_config, load_settings
from staging.diff import Op
from staging.literal import json_text, visible
from staging.store import Store
from staging.workspace import Workspace

# emoji=False: a title holding `:thumbs_up:` is shown as typed, not as an emoji.
out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

JSON_OPTION = typer.Option(False, "--json", help="Print machine-readable JSON on stdout.")


class Context:
    """Settings and workspace, opened on first use so `--help` and `init` need neither, and
    closed (connectors and store) when the command ends.

    Opening the workspace first moves rows stored under a source's old name to its name in the
    config (staging.sources), then finishes or rolls back any changeset whose applying process
    died (the same as `copydesk recover`), so no command ever works on a half-applied document."""

    def __init__(self, config: Path | None) -> None:
        self._config = config
        self._settings: Settings | None = None
        self._workspace: Workspace | None = None

    @property
    def config_path(self) -> Path:
        return find_config(self._config).resolve()

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config_path)
        return self._settings

    @property
    def workspace(self) -> Workspace:
        if self._workspace is None:
            self._workspace = Workspace.from_settings(self.settings, self.config_path)
            _report_opening(self._workspace)
        return self._workspace

    @property
    def store(self) -> Store:
        return self.workspace.store

    def close(self) -> None:
        if self._workspace is not None:
            self._workspace.close()
            self._workspace = None


def _report_opening(workspace: Workspace) -> None:
    for orphan in workspace.opened.adopted:
        err.print(f"[yellow]{orphan.documents} document(s) stored under {shown(orphan.name)!r} now belong to "
                  f"source {shown(orphan.adopter)!r}, as copydesk.toml names it.[/yellow]")
    error = workspace.opened.recovery_error
    if error is not None:
        err.print(f"[yellow]warning: an interrupted changeset could not be recovered yet ({shown(error)}); "
                  "run `copydesk recover` once the remote is reachable.[/yellow]")
    for outcome in workspace.opened.recovered:
        err.print(f"[yellow]recovered changeset {outcome.changeset.id}: now {outcome.changeset.status}. "
                  f"{shown(outcome.changeset.error)}[/yellow]")


def context(ctx: typer.Context) -> Context:
    return ctx.obj


def shown(value: object) -> str:
    """`value` as data inside a Rich markup string: `[/bold]` in a page title is printed, not
    obeyed, and ESC, bidi and zero-width characters are written as escapes (`\\x1b`, `\\u202e`),
    so page text can neither break a command nor hide text or links in the reader's terminal.
    Everything a command prints that came from a tool, a brief, a person or a model goes
    through here (or through `plain` where no markup is wanted)."""
    return escape(visible(str(value)))


def plain(value: object, style: str = "") -> Text:
    """`value` as a Rich `Text` (never read as markup), its hidden characters visible."""
    return Text(visible(str(value)), style=style)


def emit_json(payload: Any) -> None:
    sys.stdout.write(json_text(json.dumps(payload, indent=2, default=str, ensure_ascii=False)) + "\n")


def progress(enabled: bool) -> Progress:
    """A spinner on stderr; task descriptions are plain text (they name documents and steps)."""
    return Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False), TimeElapsedColumn(), console=err,
                    disable=not enabled, transient=True)


def word_diff_text(ops: Sequence[Op], *, color: bool) -> Text:
    """Deleted words red and struck through, inserted green; when piped (no colour), they
    read [-deleted-] and {+inserted+} like `git diff --word-diff`."""
    text = Text()
    for op in ops:
        words = visible(op.text)
        if op.kind == "equal":
            text.append(words)
        elif color:
            text.append(words, style="bold green" if op.kind == "insert" else "red strike")
        else:
            text.append(f"{{+{words}+}}" if op.kind == "insert" else f"[-{words}-]")
    return text


def use_color() -> bool:
    return out.is_terminal and not out.no_color
