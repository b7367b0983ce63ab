"""The offline `rules` engine: deterministic term replacement, and retired claims flagged.

A term is replaced where it stands as whole words, in any case (`Chatbot`, `chatbot`,
`CHATBOT` keep their case pattern), with simple plurals and possessives, and with "a"/"an"
before it corrected. It never touches code blocks, text inside URLs or dotted identifiers
(`helphive.chatbot`, `chatbot_id` is one word anyway), mentions or (when the brief says so)
quotations. Inline code is copy like any other (a page title shown as `code`), since
identifiers are already protected by the word and URL rules. Retired claims, word for word or
restated (staging.agent.claims), are only flagged for a person: rules do not
invent a rewrite.
"""

from __future__ import annotations

import fnmatch
import re
from datetime import datetime, timedelta, timezone

from connectors.document import Block, Document
from staging.agent.brief import CompiledBrief, Scope, TermChange
from staging.agent.claims import ClaimCheck
from staging.agent.engine import Answer, Flag, Proposal
from staging.agent.passages import Passage
from staging.models import TrackedDocument, as_utc

# A dotted name starts where a run of word characters and hyphens does, and takes all of
# each part (a part can never end before a dot): linear, even on 100,000 characters of "a-a-".
_URL = re.compile(r"https?://\S+|(?<![\w-])[\w-]++(?:\.[\w-]++)+(?:/\S*)?", re.UNICODE)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_ARTICLE = re.compile(r"\b(an?)(\s+)$", re.IGNORECASE)


class RulesEngine:
    """The offline engine: no model, no key, no cost; the same answer every time."""

    name = "rules"
    model = ""
    offline = True
    concurrency = 1
    token_budget = None

    def answer(self, doc: Document, passages: list[Passage], brief: CompiledBrief) -> Answer:
        proposals, flags = propose(doc, brief, {p.block_id for p in passages})
        return Answer(proposals=proposals, flags=flags)

    def estimate(self, doc: Document, passages: list[Passage], brief: CompiledBrief) -> int:
        return 0


def retrieval_phrases(brief: CompiledBrief) -> list[str]:
    """What to look up in the full-text index: every way a term can appear, and the claims."""
    phrases = [t.retire.split(None, 1)[1] if _shared_article(t) else t.retire for t in brief.terms]
    return phrases + brief.retired_claims


def out_of_scope(tracked: TrackedDocument, scope: Scope, *, edited: datetime | None,
                 now: datetime | None = None) -> str | None:
    """Why a document must not be touched, or None. `edited` is when the tool says the
    document last changed (`TrackedDocument.edited_at`; tools' version strings differ:
    Notion's is a time, Drive's a counter)."""
    if tracked.status != "live" and scope.skip_archived:
        return f"{tracked.status} page"
    for pattern in scope.skip_titles:
        if fnmatch.fnmatch(tracked.title.lower(), pattern.lower()):
            return f"title matches {pattern!r}"
    if scope.not_edited_years is not None and edited is not None:
        if (now or datetime.now(timezone.utc)) - as_utc(edited) > timedelta(days=365.25 * scope.not_edited_years):
            return f"not edited in {scope.not_edited_years:g} years"
    return None


def propose(doc: Document, brief: CompiledBrief, candidates: set[str]) -> tuple[list[Proposal], list[Flag]]:
    """Edits and flags for the candidate blocks of one in-scope document."""
    proposals, flags = [], []
    claims = [ClaimCheck(claim) for claim in brief.retired_claims]
    for block in doc.blocks:
        if block.id not in candidates or not block.editable:
            continue
        if brief.scope.skip_quotes and block.kind == "quote":
            continue
        protected = _protected(block, brief.scope)
        after, changed = _replace_terms(block.text, brief.terms, protected)
        if changed:
            proposals.append(Proposal(block.id, after, "brief terms: " + "; ".join(changed), rule="; ".join(changed)))
        flags.extend(Flag(block.id, claim.claim) for claim in claims
                     if claim.stated(block.text) or claim.restated(block.text))
    return proposals, flags


def _protected(block: Block, scope: Scope) -> list[tuple[int, int]]:
    ranges = [m.span() for m in _URL.finditer(block.text)]
    if scope.skip_quotes:
        ranges += [m.span() for m in _QUOTED.finditer(block.text)]
    at = 0
    for span in block.spans:
        if span.mention is not None:
            ranges.append((at, at + len(span.text)))
        at += len(span.text)
    return ranges


def _term_pattern(term: TermChange) -> re.Pattern[str]:
    """Whole words; a leading "the" shared by both sides is optional ("Chatbot for your docs"
    is the same tagline as "the chatbot for your docs")."""
    words = [re.escape(w) for w in term.retire.split()]
    article = ""
    if _shared_article(term):
        article, words = rf"(?:{words[0]}\s+)?", words[1:]
    return re.compile(r"(?<![\w-])(?P<term>" + article + r"\s+".join(words) + r")(?P<suffix>['’]s|es|s)?(?![\w-])",
                      re.IGNORECASE)


def _shared_article(term: TermChange) -> bool:
    first_retire, first_use = term.retire.split()[0].lower(), term.use.split()[0].lower()
    return first_retire == first_use == "the" and len(term.retire.split()) > 1 and len(term.use.split()) > 1


def _replace_terms(text: str, terms: list[TermChange], protected: list[tuple[int, int]]) -> tuple[str, list[str]]:
    """Every match of every term, longest terms first, non-overlapping, then rewritten at once."""
    taken: list[tuple[int, int, str]] = []
    changed: list[str] = []
    for term in sorted(terms, key=lambda t: -len(t.retire)):
        for match in _term_pattern(term).finditer(text):
            start, end = match.span()
            if any(start < b and a < end for a, b in protected) or any(start < b and a < end for a, b, _ in taken):
                continue
            taken.append((start, end, _cased(match.group("term"), term) + _suffix(match.group("suffix"), term.use)))
            if f"{term.retire} → {term.use}" not in changed:
                changed.append(f"{term.retire} → {term.use}")
    if not taken:
        return text, []
    result, at = "", 0
    for start, end, replacement in sorted(taken):
        result = _fix_article(result + text[at:start], replacement) + replacement
        at = end
    return result + text[at:], changed


def _cased(matched: str, term: TermChange) -> str:
    use = term.use
    if _shared_article(term) and matched.split()[0].lower() != "the":
        use = use.split(None, 1)[1]  # the match had no article: neither has its replacement
    if matched.isupper() and len(matched) > 1 and not term.retire.isupper():
        return use.upper()
    if matched[0].isupper() and not term.retire[0].isupper() and use[:1].islower():
        return use[0].upper() + use[1:]
    return use


def _suffix(suffix: str | None, use: str) -> str:
    if not suffix:
        return ""
    if suffix.lower() in ("'s", "’s"):
        return suffix
    return "es" if use.endswith(("s", "x", "ch", "sh")) else "s"


def _fix_article(before: str, replacement: str) -> str:
    """`before` (the text so far) with a trailing "a"/"an" agreeing with `replacement`."""
    match = _ARTICLE.search(before)
    if not match:
        return before
    article = "an" if replacement[:1].lower() in "aeiou" else "a"
    if match.group(1)[0].isupper():
        article = article.capitalize()
    return before[:match.start()] + article + match.group(2)
