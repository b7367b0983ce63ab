"""The tools copydesk connects to, as people name them.

A connector's `tool` is its tool's short id: the `type` of a source in copydesk.toml, stored
on every document ("gdocs"); its `source` is the source's own name there. People read the
tool's own name ("Google Docs").
The names live here, apart from the connector modules, so that naming a tool on a page does not
load its SDK (Google's and Webflow's take a second to import); each connector class carries its
own name as `label`, taken from this table.
"""

from __future__ import annotations

LABELS = {"notion": "Notion", "gdocs": "Google Docs", "webflow": "Webflow"}
# What a reviewer calls one document of a tool, by its source and document kind.
DOCUMENT_KINDS = {("notion", "page"): "Notion page", ("gdocs", "document"): "Google Doc",
                  ("webflow", "item"): "Webflow CMS item", ("webflow", "page"): "Webflow static page"}


def label(source: str) -> str:
    """The tool's name for a connector's `source` (a source's `type`); an unknown one as is."""
    return LABELS.get(source, source)


def source_label(name: str, type_: str) -> str:
    """A configured source as people read it: the tool's name, and the source's own name in
    copydesk.toml only when it says something the tool's name does not."""
    tool = label(type_)
    return tool if name in (type_, tool) else f"{tool} ({name})"


def document_kind(source: str, kind: str) -> str:
    """"Webflow CMS item", "Google Doc": what a reviewer calls one document of the tool."""
    return DOCUMENT_KINDS.get((source, kind)) or f"{label(source)} {kind}".strip()
