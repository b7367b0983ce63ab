"""The brief's checks: what makes a sentence stale, said without a model.

A sentence is stale when it uses a retired term, states a retired claim, or restates one
in other words (staging.agent.claims). Terms and claims word for word are looked up in the
full-text index; restatements cannot be (their words vary), so every indexed block is read
for them, with a cheap test first. The same checks pick the sentences an engine is shown
and say, in a sweep report, which rule matched which text.
"""

from __future__ import annotations

from staging.agent import rules
from staging.agent.brief import CompiledBrief
from staging.agent.claims import ClaimCheck
from staging.agent.passages import phrase_matcher
from staging.store import Store

RESTATED = "in other words: "  # how a restated claim is named among a sentence's reasons


class Checks:
    def __init__(self, compiled: CompiledBrief) -> None:
        self.phrases = rules.retrieval_phrases(compiled)
        self._matchers = [(p, m) for p in self.phrases if (m := phrase_matcher(p)) is not None]
        self._claims = [c for c in map(ClaimCheck, compiled.retired_claims) if c.checkable]

    def reasons(self, text: str) -> list[str]:
        """Which retired terms and claims `text` uses, restated claims prefixed with RESTATED."""
        found = [phrase for phrase, matcher in self._matchers if matcher.search(text)]
        return found + [RESTATED + c.claim for c in self._claims if c.claim not in found and c.restated(text)]

    def stale(self, text: str) -> bool:
        return bool(self.reasons(text))

    def blocks(self, store: Store) -> set[tuple[str, str]]:
        """(document id, block id) of every current block the checks find."""
        found = store.search_blocks(self.phrases)
        if self._claims:
            found |= {(document_id, block_id) for document_id, block_id, text in store.indexed_texts()
                      if any(c.restated(text) for c in self._claims)}
        return found
