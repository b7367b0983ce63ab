"""The rules engine scored on labelled single-block cases (fixtures/eval/hard-cases.json).

Each case is one block of text (and the locale its page declares, if any) with what
a careful editor would do: substitute (the exact text expected), flag (leave the term for a
person) or leave it alone. What counts is that no text is ever rewritten wrong: a flag where
a substitution was expected costs a person a minute, a wrong substitution ships nonsense.
So an outcome is one of
- "right": what the label says;
- "wrong": the text was changed, and not to what the label says (must be none);
- "flagged": a flag instead of an expected substitution, or an extra flag on text to leave
  (safe: a person looks);
- "missed": an expected substitution or flag that did not happen (the old wording stays
  without anyone being told).
bench/agent.py --set hard-cases prints the report; tests/staging/agent/test_eval.py fails on
any wrong substitution.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NotRequired, TypedDict

from connectors.document import Block, Document, DocumentRef, Span
from connectors.registry import DEFAULT_TOOL
from staging.agent.brief import CompiledBrief, compile_markdown
from staging.agent.rules import propose

OUTCOMES = ("right", "wrong", "flagged", "missed")


class Case(TypedDict):
    """One labelled block, as fixtures/eval/hard-cases.json holds it."""

    name: str
    text: str
    expect: str  # substitute | flag | leave
    kind: NotRequired[str]  # the block's kind; a paragraph when not given
    locale: NotRequired[str]  # the locale its page declares ("fr-FR")
    after: NotRequired[str]  # the exact text expected; the text unchanged when not given
    flag: NotRequired[str]  # the kind of flag expected, with expect "flag"


@dataclass(frozen=True)
class Scored:
    name: str
    expect: str
    outcome: str
    before: str
    after: str  # what the engine made of the text
    flags: tuple[str, ...]  # kinds of the flags it raised


def load(path: Path) -> tuple[CompiledBrief, list[Case]]:
    labels = json.loads(path.read_text(encoding="utf-8"))
    brief = compile_markdown((path.parent / labels["brief"]).read_text(encoding="utf-8"))
    return brief, labels["cases"]


def score(brief: CompiledBrief, case: Case) -> Scored:
    text = case["text"]
    block = Block(id="b", kind=case.get("kind", "paragraph"), text=text, spans=(Span(text=text),))
    doc = Document(ref=DocumentRef(source=DEFAULT_TOOL, remote_id="eval", kind="page", title=case["name"]),
                   blocks=(block,))
    locale = case.get("locale")  # a locale tag: "fr-FR" is French
    declared = locale.split("-")[0].lower() if locale else None
    proposals, flags = propose(doc, brief, {block.id}, declared_language=declared)
    after = proposals[0].after if proposals else text
    kinds = tuple(f.kind for f in flags)
    return Scored(case["name"], case["expect"], _outcome(case, text, after, kinds), text, after, kinds)


def _outcome(case: Case, before: str, after: str, kinds: tuple[str, ...]) -> str:
    expected_after = case.get("after", before)
    if after != before and after != expected_after:
        return "wrong"
    if case["expect"] == "substitute":
        if after == expected_after:
            return "right"
        return "flagged" if kinds else "missed"
    if case["expect"] == "flag":
        return "right" if after == expected_after and case["flag"] in kinds else "missed"
    return "flagged" if kinds else "right"


def report(results: list[Scored]) -> dict[str, Any]:
    """Counts of each outcome, precision (right substitutions among all the text changes made),
    and the cases that were not right."""
    counts = {outcome: sum(r.outcome == outcome for r in results) for outcome in OUTCOMES}
    changed = [r for r in results if r.after != r.before]
    right_changes = [r for r in changed if r.outcome != "wrong"]
    return {
        "cases": len(results),
        **counts,
        "substitutions_made": len(changed),
        "precision": round(len(right_changes) / len(changed), 3) if changed else None,
        "flags_raised": sum(bool(r.flags) for r in results),
        "not_right": [{"case": r.name, "expect": r.expect, "outcome": r.outcome, "after": r.after,
                       "flags": list(r.flags)} for r in results if r.outcome != "right"],
    }
