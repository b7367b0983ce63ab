"""What of a candidate block is shown to a model: the sentences that matched, not the block.

A paragraph that mentions a retired term once in five sentences only needs that sentence
rewritten. Sending the stretch from the first to the last matching sentence (the whole
block when no single sentence matches) keeps the tokens sent small, and the model's new
text for the passage is spliced back between the untouched text around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable

from connectors.document import Block, Document

# A sentence runs to its end mark and the spaces after it, or to a line break. The end is
# looked for only where a run of marks starts, and no quantifier gives back what it took
# (the rest cannot match after a mark, a closer or a space), so finding every end of a
# block is linear in its length, however long a line without one is.
_SENTENCE_END = re.compile(r"(?<![.!?])[.!?]++[\"”’)\]]*+\s+|\n+")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Passage:
    block_id: str
    kind: str
    start: int
    end: int
    text: str
    whole: bool  # the passage is the whole block

    def splice(self, block_text: str, new_text: str) -> str:
        """The block's text with this passage replaced by `new_text`."""
        if self.whole:
            return new_text
        tail = block_text[self.start:self.end]
        trailing = tail[len(tail.rstrip()):]  # a model drops the space that separated the next sentence
        return block_text[:self.start] + new_text.rstrip() + trailing + block_text[self.end:]


def passages(doc: Document, candidates: Iterable[str], stale: Callable[[str], bool]) -> list[Passage]:
    """One passage per editable candidate block of `doc`, in document order; `stale` says
    whether a sentence is what the block was picked for (staging.agent.checks)."""
    wanted = set(candidates)
    return [_passage(block, stale) for block in doc.blocks if block.id in wanted and block.editable]


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in _spans(text)]


def phrase_matcher(phrase: str) -> re.Pattern[str] | None:
    """All of the phrase's words in any order, the last also as a prefix: the index's rule
    (None for a phrase without words)."""
    words = _WORD.findall(phrase.lower())
    if not words:
        return None
    lookaheads = "".join(rf"(?=.*\b{re.escape(w)}\b)" for w in words[:-1])
    # Anchored: each lookahead reads the text once from its start, instead of once from every
    # position (quadratic: minutes for one 100,000-character paragraph).
    return re.compile(r"\A" + lookaheads + rf"(?=.*\b{re.escape(words[-1])})", re.IGNORECASE | re.DOTALL)


def _spans(text: str) -> list[tuple[int, int]]:
    """Each sentence's (start, end): up to and including its end, the last one to the end of the text."""
    spans, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        spans.append((start, end.end()))
        start = end.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _passage(block: Block, stale: Callable[[str], bool]) -> Passage:
    spans = _spans(block.text)
    hits = [(s, e) for s, e in spans if stale(block.text[s:e])]
    if len(spans) <= 1 or not hits:
        return Passage(block.id, block.kind, 0, len(block.text), block.text, whole=True)
    start, end = hits[0][0], hits[-1][1]
    return Passage(block.id, block.kind, start, end, block.text[start:end].rstrip(),
                   whole=(start, end) == (0, len(block.text)))

