"""Checks every proposed edit passes before it is staged, whichever engine proposed it.

A model (or a rule) can be wrong, or obey instructions hidden in the page it reads; the
brief and the page's facts must survive it. Besides the words the brief retires, an edit
may not change a number (as a value: "$1,199" is not "$199"), add or drop a link target,
e-mail address or phone number, add or drop a name, bring in control, bidi or zero-width
characters, move the page's names and numbers around, or grow or shrink beyond what the
brief's own rewording needs. Facts the brief itself retires may go, and facts in its new
wording (a term's replacement, a key message) may come. Rejected edits are kept with their
reason on the agent run, never silently dropped.
"""

from __future__ import annotations

import re
from collections import Counter

from connectors.document import Document, Span
from connectors.text import rewrite
from staging import facts
from staging.agent.brief import CompiledBrief

_SLACK = 12  # characters any edit may grow or shrink by, past what the brief's rewording needs
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
    before = block.text
    hidden = Counter(facts.invisible(after)) - Counter(facts.invisible(before))
    if hidden:
        return f"the edit adds an invisible or control character ({sorted(hidden)[0]}); copy never needs one"
    retired, new = _retired_text(brief), _new_text(brief)
    why = (_targets(before, after, retired) or _numbers(before, after, retired, new)
           or _formatting(block.spans, after) or _names(doc, before, after, brief, retired, new))
    if why:
        return why
    repeated = {m.group(0).lower() for m in _REPEATED.finditer(after)} - {m.group(0).lower() for m in _REPEATED.finditer(before)}
    if repeated:
        return f"the new text repeats itself: {sorted(repeated)[0]!r}"
    low, high = _length_bounds(before, brief)
    if not low <= len(after) <= high:
        return (f"the length changes from {len(before)} to {len(after)} characters, beyond the allowed bounds "
                f"({low}–{high} for this block and brief)")
    return None


def _retired_text(brief: CompiledBrief) -> str:
    """What the brief takes out of the copy: its retired terms and claims."""
    return " ".join([t.retire for t in brief.terms] + brief.retired_claims)


def _new_text(brief: CompiledBrief) -> str:
    """What the brief puts in: its terms' replacements and its key messages."""
    return " ".join([t.use for t in brief.terms] + brief.key_messages)


def _targets(before: str, after: str, retired: str) -> str | None:
    was, now = facts.targets(before), facts.targets(after)
    covered = {t for _, t in facts.targets(retired)}
    for kind, target in was:
        if (kind, target) not in now and target not in covered:
            return f"the {kind} {target!r} would be lost"
    for kind, target in now:
        if (kind, target) not in was:
            return f"the edit adds the {kind} {target!r}, which the page did not have"
    return None


def _numbers(before: str, after: str, retired: str, new: str) -> str | None:
    """The edit's numbers are the block's, as a multiset of values: none lost unless the brief
    retires it, none added unless the brief's new wording has it."""
    was, now = facts.numbers(before), facts.numbers(after)
    may_go, may_come = {n.key for n in facts.numbers(retired)}, {n.key for n in facts.numbers(new)}
    lost, added = Counter(n.key for n in was) - Counter(n.key for n in now), Counter(n.key for n in now) - Counter(n.key for n in was)
    for number in was:
        if lost[number.key] and number.key not in may_go:
            return f"the number {number.text!r} would be lost"
    for number in now:
        if added[number.key] and number.key not in may_come:
            return f"the edit adds the number {number.text!r}, which the page did not have"
    return None


def _names(doc: Document, before: str, after: str, brief: CompiledBrief, retired: str, new: str) -> str | None:
    """No name dropped or brought in, except the brief's own renames; the page's names and
    numbers stay in their order (a swap makes Globex the one that saw 46%)."""
    for name in brief.protected_names():
        if name in before and name not in after and name.lower() not in retired.lower():
            return f"the name {name!r} would be lost"
    known = _known_names(doc, brief)
    lost, added = facts.name_changes(before, after, known)
    retired_words, new_words = _lower_words(retired), _lower_words(new)
    for name in lost:
        if name.lower() not in retired_words:
            return f"the name {name!r} would be lost"
    for name in added:
        if name.lower() not in new_words:
            return f"the edit adds the name {name!r}, which neither the page nor the brief has"
    was, now = _facts_in_order(before, known), _facts_in_order(after, known)
    kept = {item for item, count in Counter(was).items() if Counter(now)[item] == count}
    if [i for i in was if i in kept] != [i for i in now if i in kept]:
        return "the edit moves the page's names and numbers around; keep who did what as it was"
    return None


def _known_names(doc: Document, brief: CompiledBrief) -> frozenset[str]:
    """Names on this page (words it capitalises mid-sentence, CamelCase, acronyms) and the
    brief's `## Names`: such a word is a name even where it starts a sentence."""
    page = {word for block in doc.blocks for _, word in facts.names(block.text)}
    return frozenset(page | {w for name in brief.names for w in facts.words(name)})


def _lower_words(text: str) -> set[str]:
    return {w.lower() for w in facts.words(text)}


def _facts_in_order(text: str, known: frozenset[str]) -> list[tuple[str, ...]]:
    found = [(n.start, n.key) for n in facts.numbers(text)] + [(at, ("name", w)) for at, w in facts.names(text, known)]
    return [item for _, item in sorted(found)]


def _formatting(spans: tuple[Span, ...], after: str) -> str | None:
    """Mentions and links on words survive the rewrite of the block's runs."""
    rewritten = rewrite(spans, after).spans
    kept_mentions = {s.text for s in rewritten if s.mention}
    kept_links = {s.href for s in rewritten if s.href}
    for span in spans:
        if span.mention is not None and span.text not in kept_mentions:
            return f"the mention {span.text!r} would be lost"
        if span.href and span.href not in kept_links:
            return f"the link on {span.text!r} ({span.href}) would be lost"
    return None


def _length_bounds(before: str, brief: CompiledBrief) -> tuple[int, int]:
    """How short and how long the new text may be: the brief's rewording of this very block
    (each retired term or claim it holds, replaced), plus a small slack, or half the block's
    length on long blocks. Short blocks are bounded too."""
    lowered = before.lower()
    grow = shrink = 0
    longest_message = max((len(m) for m in brief.key_messages), default=0)
    for term in brief.terms:
        found = lowered.count(term.retire.lower())
        grow += found * max(0, len(term.use) - len(term.retire))
        shrink += found * max(0, len(term.retire) - len(term.use))
    for claim in brief.retired_claims:
        found = lowered.count(claim.lower())
        grow += found * max(0, longest_message - len(claim))
        shrink += found * len(claim)
    slack = max(_SLACK, len(before) // 2)
    return max(1, len(before) - shrink - slack), len(before) + grow + slack
