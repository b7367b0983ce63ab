"""Checks every proposed edit passes before it is staged, whichever engine proposed it.

A model (or a rule) can be wrong; the brief and the page's facts must survive it. Rejected
edits are kept with their reason on the agent run, never silently dropped.
"""

from __future__ import annotations

import re

from connectors.document import Document
from connectors.text import rewrite
from staging.agent.brief import CompiledBrief

_URL = re.compile(r"https?://\S+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")
_MAX_GROWTH, _MAX_SHRINK = 2.0, 0.5
_REPEATED = re.compile(r"\b(\w+(?:\s+\w+)*)\s+\1\b", re.IGNORECASE)  # "AI support AI support engineer"


def rejection(doc: Document, block_id: str, after: str, brief: CompiledBrief) -> str | None:
    """Why the edit must not be staged, or None."""
    block = doc.block(block_id)
    if block is None:
        return f"no block {block_id} in {doc.ref.title!r}"
    if not block.editable:
        return f"block {block_id} is a {block.kind}, which copydesk does not edit"
    if after == block.text:
        return "the text does not change"
    covered = " ".join(t.retire for t in brief.terms).lower()
    for pattern, what in ((_URL, "link"), (_NUMBER, "number")):
        for found in pattern.findall(block.text):
            if found not in after and found.lower() not in covered:
                return f"the {what} {found!r} would be lost"
    kept_mentions = {s.text for s in rewrite(block.spans, after).spans if s.mention}
    for span in block.spans:
        if span.mention is not None and span.text not in kept_mentions:
            return f"the mention {span.text!r} would be lost"
    repeated = {m.group(0).lower() for m in _REPEATED.finditer(after)} - {m.group(0).lower() for m in _REPEATED.finditer(block.text)}
    if repeated:
        return f"the new text repeats itself: {sorted(repeated)[0]!r}"
    if len(block.text) >= 40 and not _MAX_SHRINK <= len(after) / len(block.text) <= _MAX_GROWTH:
        return f"the length changes from {len(block.text)} to {len(after)} characters, beyond the allowed bounds"
    return None
