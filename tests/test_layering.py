"""The layers hold: `staging/` and `ui/` name no tool, and `ui/` reaches `connectors` only
for the shared vocabulary. Tool knowledge lives in the tool's package and reaches the rest
through `connectors.registry`, so a new tool is its package plus one registry line.

Read with `ast`, so docstrings and comments may name a tool (they explain); code may not.
Migrations under staging/migrations/versions are history and are not read.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from connectors.registry import TOOLS, plugins

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "staging" / "migrations" / "versions"
# What ui/ may import from connectors: the document model, the errors, the tokeniser the diff
# view shares, the registry (tools' names) and the sandbox server `copydesk sandbox` runs.
# Connectors themselves, their protocol and their plumbing are reached through staging.
UI_MAY_IMPORT = {"connectors.document", "connectors.errors", "connectors.text", "connectors.registry",
                 "connectors.sandbox.server"}


def _tool_modules() -> set[str]:
    return {f"connectors.{tool}" for tool in TOOLS} | {f"connectors.sandbox.{tool}" for tool in TOOLS}


def _sources(layer: str) -> Iterator[Path]:
    for path in sorted((ROOT / layer).rglob("*.py")):
        if not path.is_relative_to(HISTORY):
            yield path


def _imports(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, module) for every import; `from connectors import x` counts as `connectors.x`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == "connectors":
            yield from ((node.lineno, f"connectors.{alias.name}") for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, node.module


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings (a module's, a class's, a function's)."""
    bodies = [node for node in ast.walk(tree)
              if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))]
    return {id(body.body[0].value) for body in bodies
            if body.body and isinstance(body.body[0], ast.Expr) and isinstance(body.body[0].value, ast.Constant)}


def _names_a_tool(text: str) -> str | None:
    if text in TOOLS:
        return text
    return next((p.label for p in plugins() if p.label in text), None)


def offenders(layer: str) -> list[str]:
    """Every place in `layer` that names a tool or imports past the layering, as file:line."""
    found = []
    for path in _sources(layer):
        where = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=where)
        for line, module in _imports(tree):
            if any(module == tool or module.startswith(f"{tool}.") for tool in _tool_modules()):
                found.append(f"{where}:{line}: imports the tool package {module}")
            elif layer == "ui" and module.startswith("connectors.") and not any(
                    module == allowed or module.startswith(f"{allowed}.") for allowed in UI_MAY_IMPORT):
                found.append(f"{where}:{line}: ui imports {module} (go through staging)")
        skipped = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped:
                named = _names_a_tool(node.value)
                if named:
                    found.append(f"{where}:{node.lineno}: names the tool {named!r} in {node.value[:60]!r}")
    return found


def test_staging_names_no_tool():
    found = offenders("staging")
    assert not found, "\n".join(found)


def test_ui_names_no_tool_and_reaches_connectors_only_for_the_shared_vocabulary():
    found = offenders("ui")
    assert not found, "\n".join(found)
