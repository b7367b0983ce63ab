"""Checks every proposed edit passes before it is staged, whichever engine proposed it.

A model (or a rule) can be wrong; the brief and the page's facts must survive it. Rejected
edits are kept with their reason on the agent run, never silently dropped.
"""

from __future__ import annotations

import re

from connectors.document import Document
from connectors.text import rewrite
from staging.agent.brief import CompiledBrief

_URL = re.compile(r"(?:https?://|mailto:)[^\s)\]>\"”]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")
_MAX_GROWTH, _MAX_SHRINK = 2.0, 0.5
_CAMEL_NAME = re.compile(r"\b[A-Z][a-z0-9]+[A-Z]\w*\b")  # HelpHive, DocBot: product names by their shape
_REPEATED = re.compile(r"\b(\w+(?:\s+\w+)*)\s+\1\b", re.IGNORECASE)  # "AI support AI support engineer"


def rejection(doc: Document, block_id: str, after: str, brief: CompiledBrief, shown: set[str]) -> str | None:
    """Why the edit must not be staged, or None. `shown` are the blocks the engine was given:
    an engine (a model told otherwise by the page it reads) may edit nothing else."""
    if block_id not in shown:
        return (f"block {block_id} was not among the blocks sent with {doc.ref.title!r}; "
                "an engine may only edit the candidate blocks it was shown")
    block = doc.block(block_id)
    if block is None:
        return f"no block {block_id} in {doc.ref.title!r}"
    if not block.editable:
        return f"block {block_id} is a {block.kind}, which copydesk does not edit"
    if after == block.text:
        return "the text does not change"
    if not after.strip():
        return "the edit would empty the block; copydesk proposes rewrites, not deletions"
    covered = " ".join([t.retire for t in brief.terms] + brief.retired_claims).lower()
    for pattern, what in ((_URL, "link"), (_NUMBER, "number")):
        for found in pattern.findall(block.text):
            if found not in after and found.lower() not in covered:
                return f"the {what} {found!r} would be lost"
    for found in _URL.findall(after):
        if found not in block.text:
            return f"the edit adds the link {found!r}, which the page did not have"
    names = set(brief.protected_names()) | set(_CAMEL_NAME.findall(block.text))
    for name in sorted(names):
        if name in block.text and name not in after and name.lower() not in covered:
            return f"the name {name!r} would be lost"
    rewritten = rewrite(block.spans, after).spans
    kept_mentions = {s.text for s in rewritten if s.mention}
    kept_links = {s.href for s in rewritten if s.href}
    for span in block.spans:
        if span.mention is not None and span.text not in kept_mentions:
            return f"the mention {span.text!r} would be lost"
        if span.href and span.href not in kept_links:
            return f"the link on {span.text!r} ({span.href}) would be lost"
    repeated = {m.group(0).lower() for m in _REPEATED.finditer(after)} - {m.group(0).lower() for m in _REPEATED.finditer(block.text)}
    if repeated:
        return f"the new text repeats itself: {sorted(repeated)[0]!r}"
    if len(block.text) >= 40 and not _MAX_SHRINK <= len(after) / len(block.text) <= _MAX_GROWTH:
        return f"the length changes from {len(block.text)} to {len(after)} characters, beyond the allowed bounds"
    return None
