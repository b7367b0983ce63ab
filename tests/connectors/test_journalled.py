"""The journalled write loop on its own: one timeline of journal entries and sends, so the
order intent → send → done is what is asserted."""

from __future__ import annotations

from typing import Any, Sequence

import pytest

from connectors.document import Block
from connectors.errors import RemoteError
from connectors.journalled import PlannedWrite, send_journalled


class Timeline:
    """A journal and a `send` that write into one list, in the order things happened."""

    def __init__(self, refuse: set[str] | None = None) -> None:
        self.events: list[tuple[Any, ...]] = []
        self._refuse = refuse or set()

    def intent(self, block_ids: Sequence[str], request: dict[str, Any], previous: Sequence[Block]) -> None:
        self.events.append(("intent", tuple(block_ids), request, tuple(b.text for b in previous)))

    def done(self, block_ids: Sequence[str]) -> None:
        self.events.append(("done", tuple(block_ids)))

    def send(self, write: str) -> None:
        self.events.append(("send", write))
        if write in self._refuse:
            raise RemoteError(f"{write} refused", status=500)


def planned(name: str, *block_ids: str) -> PlannedWrite[str]:
    previous = [Block(id=b, kind="paragraph", text=f"old {b}") for b in block_ids]
    return PlannedWrite(block_ids, {"method": "PATCH", "path": f"/{name}"}, previous, name)


WRITES = [planned("first", "b1"), planned("second", "b2", "b3")]


def test_each_intent_is_journalled_before_its_send_and_done_only_after_it():
    timeline = Timeline()
    send_journalled(WRITES, timeline, timeline.send, dry_run=False)
    assert timeline.events == [
        ("intent", ("b1",), {"method": "PATCH", "path": "/first"}, ("old b1",)),
        ("send", "first"),
        ("done", ("b1",)),
        ("intent", ("b2", "b3"), {"method": "PATCH", "path": "/second"}, ("old b2", "old b3")),
        ("send", "second"),
        ("done", ("b2", "b3")),
    ]


def test_a_dry_run_journals_every_intent_and_sends_nothing():
    timeline = Timeline()
    send_journalled(WRITES, timeline, timeline.send, dry_run=True)
    assert [event[0] for event in timeline.events] == ["intent", "intent"]
    assert [event[1] for event in timeline.events] == [("b1",), ("b2", "b3")]


def test_a_send_that_raises_leaves_its_intent_without_done_and_stops_the_loop():
    timeline = Timeline(refuse={"first"})
    with pytest.raises(RemoteError, match="first refused"):
        send_journalled(WRITES, timeline, timeline.send, dry_run=False)
    assert [event[:2] for event in timeline.events] == [("intent", ("b1",)), ("send", "first")]


def test_a_later_failure_keeps_the_earlier_writes_done():
    timeline = Timeline(refuse={"second"})
    with pytest.raises(RemoteError):
        send_journalled(WRITES, timeline, timeline.send, dry_run=False)
    assert [event[0] for event in timeline.events] == ["intent", "send", "done", "intent", "send"]


def test_writes_are_planned_lazily_so_nothing_past_a_failure_is_even_built():
    built: list[str] = []

    def plans() -> Any:
        for write in WRITES:
            built.append(write.write)
            yield write

    timeline = Timeline(refuse={"first"})
    with pytest.raises(RemoteError):
        send_journalled(plans(), timeline, timeline.send, dry_run=False)
    assert built == ["first"]
