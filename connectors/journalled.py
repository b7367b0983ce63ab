"""The one write loop every connector's `apply` goes through: intent → send → done.

Crash safety rests on this order. The intent (the blocks, the tool's request, the blocks as
they read before) is in the journal before the request leaves, so a process that dies mid-way
leaves a trace `copydesk recover` can reconcile against the remote; `done` is recorded only
after the tool confirmed the write, so an intent without it means "may or may not have
landed". A dry run journals every intent and sends nothing, which is how a preview learns the
exact requests. Each tool still plans its own writes and says how one is sent; only the
order of journalling and sending lives here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Generic, Iterable, Sequence, TypeVar

from connectors.document import Block
from connectors.protocol import WriteJournal

W = TypeVar("W")


@dataclass(frozen=True)
class PlannedWrite(Generic[W]):
    """One request a connector is about to send, with what the journal records of it.

    `write` is the tool's own plan of the request (handed to `send`); `request` is how it
    reads in the journal (method, path, body; never credentials); `previous` are the edited
    blocks as they read just before."""

    block_ids: Sequence[str]
    request: dict[str, Any]
    previous: Sequence[Block]
    write: W


def send_journalled(writes: Iterable[PlannedWrite[W]], journal: WriteJournal, send: Callable[[W], object], *,
                    dry_run: bool) -> None:
    """Journal and send each write in order; with `dry_run`, journal the intents only.

    An exception from `send` propagates with that write's intent recorded and no `done`, and
    the writes after it are neither journalled nor sent."""
    for planned in writes:
        journal.intent(planned.block_ids, planned.request, planned.previous)
        if dry_run:
            continue
        send(planned.write)
        journal.done(planned.block_ids)
