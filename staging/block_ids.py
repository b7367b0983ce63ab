"""Block ids as a reviewer reads and types them: the shortest prefix that names one block.

A tool's block ids can share a long start (every Webflow rich-text block is
`field:post-body:N`), so a fixed-length prefix can name several blocks at once. What staging
shows is the shortest prefix, of at least `SHORTEST` characters, that no other block of the
same changeset starts with, and `matching` accepts exactly that back: the id equal to the key
first, then the ids the key begins.
"""

from __future__ import annotations

from typing import Collection, Iterable

SHORTEST = 8


def short_id(block_id: str, among: Iterable[str]) -> str:
    """The shortest prefix of `block_id` (at least `SHORTEST` characters) that no other id
    `among` starts with; the whole id when every shorter one is shared, or when the whole id
    starts another id (`matching` takes an exact match first)."""
    others = [other for other in among if other != block_id]
    for length in range(SHORTEST, len(block_id)):
        prefix = block_id[:length]
        if not any(other.startswith(prefix) for other in others):
            return prefix
    return block_id


def short_ids(block_ids: Collection[str]) -> dict[str, str]:
    """Each id → its `short_id` among the others."""
    return {block_id: short_id(block_id, block_ids) for block_id in block_ids}


def listed(block_ids: Collection[str], shown: Iterable[str] | None = None) -> str:
    """`shown` (all of `block_ids` by default) by their short ids among `block_ids`, comma-separated."""
    short = short_ids(block_ids)
    return ", ".join(short.get(block_id, block_id) for block_id in (block_ids if shown is None else shown))


def matching(key: str, block_ids: Iterable[str]) -> list[str]:
    """The ids `key` names: the one equal to it, else every one that starts with it."""
    ids = list(block_ids)
    return [block_id for block_id in ids if block_id == key] or [block_id for block_id in ids if block_id.startswith(key)]
