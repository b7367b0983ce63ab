"""A write journal for connector tests: what a connector announced and confirmed."""

from __future__ import annotations

from typing import Callable

from connectors.document import Block


class RecordingJournal:
    """Records every intent and confirmation, and can act (a colleague's edit, say) when the
    first write is announced, before it is sent."""

    def __init__(self, on_first_intent: Callable[[], None] | None = None) -> None:
        self.intents: list[tuple[list[str], dict, list[Block]]] = []
        self.confirmed: list[list[str]] = []
        self._hook = on_first_intent

    def intent(self, block_ids, request, previous) -> None:
        self.intents.append((list(block_ids), request, list(previous)))
        if self._hook is not None:
            hook, self._hook = self._hook, None
            hook()

    def done(self, block_ids) -> None:
        self.confirmed.append(list(block_ids))
