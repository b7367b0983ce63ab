"""The tools copydesk connects to: one line each. A new tool is its package plus one line here.

A key is a tool's id, the `type` of a source in copydesk.toml; the value names the module
holding its `PLUGIN` (see `connectors.plugin`), imported on first use so that naming a tool
on a page does not load its SDK. `staging` and `ui` learn everything tool-specific here.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from importlib import import_module

from connectors.errors import ConfigError
from connectors.plugin import Capabilities, Plugin

TOOLS = {
    "notion": "connectors.notion.plugin",
    "gdocs": "connectors.gdocs.plugin",
    "webflow": "connectors.webflow.plugin",
}
# The tool of a source whose settings name no `type` (copydesk began with this one only), and
# the one `copydesk init` configures for a real workspace, the others left commented out.
DEFAULT_TOOL = next(iter(TOOLS))


@cache
def plugin(tool: str) -> Plugin:
    """The tool's plug-in; an unknown tool is a configuration error naming the known ones."""
    if tool not in TOOLS:
        raise ConfigError(f"Unknown tool {tool!r}: copydesk connects to {', '.join(TOOLS)} "
                          "(a source's type in copydesk.toml).")
    loaded: Plugin = import_module(TOOLS[tool]).PLUGIN
    return loaded


def plugins() -> list[Plugin]:
    """Every registered tool's plug-in, in the registry's order."""
    return [plugin(tool) for tool in TOOLS]


# What staging assumes of a tool that is not registered (documents a store kept from a plug-in
# since removed, or the in-memory tool of the tests): stable ids, exact edit times.
UNREGISTERED = Capabilities(alignment="id", edit_time_precision=timedelta(0))


def capabilities(tool: str) -> Capabilities:
    """What staging must know about the tool's documents; an unregistered tool's stored
    documents still diff and settle, with the plainest assumptions."""
    return plugin(tool).capabilities if tool in TOOLS else UNREGISTERED


def label(tool: str) -> str:
    """The tool's own name ("Google Docs" for "gdocs"); an unknown one as is, so a stored
    record of a tool no longer registered still reads."""
    return plugin(tool).label if tool in TOOLS else tool


def labels() -> str:
    """Every tool's name, as a sentence says them: "Notion, Google Docs and Webflow"."""
    return in_words([p.label for p in plugins()])


def in_words(names: list[str]) -> str:
    """"a, b and c"."""
    return " and ".join(filter(None, [", ".join(names[:-1]), names[-1]])) if names else ""


def source_label(name: str, tool: str) -> str:
    """A configured source as people read it: the tool's name, and the source's own name in
    copydesk.toml only when it says something the tool's name does not ("Notion (marketing)")."""
    shown = label(tool)
    return shown if name in (tool, shown) else f"{shown} ({name})"


def document_kind(tool: str, kind: str) -> str:
    """"Webflow CMS item", "Google Doc": what a reviewer calls one document of the tool."""
    named = plugin(tool).document_kinds.get(kind) if tool in TOOLS else None
    return named or f"{label(tool)} {kind}".strip()


def remote_id_forms(text: str) -> set[str]:
    """What a typed id may be stored as: itself, and each tool's form of it."""
    forms = {p.capabilities.remote_id_form(text) for p in plugins()}
    return {text} | {form for form in forms if form is not None}
