"""Injected faults, as the sandboxes and the in-memory tool serve them to tests and benchmarks.

A fault breaks the k-th matching request and the `count` after it, so a test can fail exactly
one write of an apply; both test tools count the same way, here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar


class Countdown(Protocol):
    skip: int  # matching requests still to let through untouched
    count: int  # matching requests still to break, after those


F = TypeVar("F", bound=Countdown)


def take(faults: list[F], matches: Callable[[F], bool]) -> F | None:
    """The fault the next request meets (the first whose `matches` holds), or None: a fault
    lets its `skip` requests pass, then breaks `count` of them and is forgotten."""
    fault = next((f for f in faults if matches(f)), None)
    if fault is None:
        return None
    if fault.skip > 0:
        fault.skip -= 1
        return None
    fault.count -= 1
    if fault.count <= 0:
        faults.remove(fault)
    return fault
