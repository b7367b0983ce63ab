"""What every proposal engine is given and gives back, so `propose` can run either one.

An engine sees one in-scope document at a time, and only its candidate passages; it
answers with proposed block texts, claims it flags for a person, and what it cost.
Validation and staging happen afterwards, the same for every engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from connectors.document import Document
from staging.agent.brief import CompiledBrief
from staging.agent.passages import Passage


def estimate_tokens(text: str) -> int:
    """About four characters a token for English prose: enough to compare budgets."""
    return tokens_for_length(len(text))


def tokens_for_length(characters: int) -> int:
    return (characters + 3) // 4


@dataclass(frozen=True)
class Proposal:
    block_id: str
    after: str
    reason: str
    confidence: float = 1.0
    rule: str = ""  # the brief terms applied ("chatbot → AI support engineer"), when the engine knows


FLAG_KINDS = ("claim", "translate", "modifier", "compound")


@dataclass(frozen=True)
class Flag:
    """Something in a block only a person can rewrite; the block's text is left as it is.

    kind "claim": a retired claim, `claim` its wording word for word (what a reviewer and the
    approval checks match on). "translate": a term of the brief on a page in another language;
    "modifier"/"compound": a term used before a noun or inside a hyphenated word, where its
    replacement would not read right. For those, `claim` is the short label a reviewer reads
    ("translate: chatbot → AI support engineer") and `reason` the sentence saying what to do.
    """

    block_id: str
    claim: str
    kind: str = "claim"
    reason: str = ""


@dataclass
class Usage:
    """Model tokens of one call or one run. Input counts cached tokens too, as they are sent."""

    input: int = 0
    output: int = 0
    cache_write: int = 0
    cache_read: int = 0
    cost_usd: float = 0.0

    @property
    def sent(self) -> int:
        return self.input + self.cache_write + self.cache_read

    @property
    def total(self) -> int:
        return self.sent + self.output

    def add(self, other: Usage) -> None:
        self.input += other.input
        self.output += other.output
        self.cache_write += other.cache_write
        self.cache_read += other.cache_read
        self.cost_usd += other.cost_usd


@dataclass
class Answer:
    proposals: list[Proposal] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)  # parts of a model's answer that were unusable
    usage: Usage = field(default_factory=Usage)


class Engine(Protocol):
    name: str
    model: str
    offline: bool  # answers without a model call: a dry run may ask it
    concurrency: int
    token_budget: int | None

    def answer(self, doc: Document, passages: list[Passage], brief: CompiledBrief) -> Answer:
        """Proposals for one document. Must be safe to call from several threads at once."""
        ...

    def estimate(self, doc: Document, passages: list[Passage], brief: CompiledBrief) -> int:
        """Tokens one call for this document is expected to use, input and output."""
        ...
