"""The offline `rules` engine: deterministic term replacement, and retired claims flagged.

A term is replaced where it stands as whole words, in any case (`Chatbot`, `chatbot`,
`CHATBOT` keep their case pattern; a Title Case heading gets a Title Case replacement), with
simple plurals and possessives, and with "a"/"an" before it corrected (inflect: "an AI…",
"a chatbot"). A replacement that starts with the words already before the term ("AI support
chatbot" → "AI support engineer") takes them over rather than repeating them.

Where a replacement would not read right, the occurrence is flagged for a person instead,
the text left as it is (`Flag` kinds, staging.agent.engine):
- "translate": the block is in another language than the brief (staging.agent.language);
  pasting the brief's English into a French page is never right. Product and brand names
  (a term whose note says "name" or "brand": `TermChange.is_name`) apply in every language.
- "modifier": a descriptive term right before a noun ("a six-month chatbot project",
  "chatbot vendors"): the replacement phrase cannot stand there. The next word decides: a
  function word, a verb form that follows a subject, or a line end lets the term be
  replaced; anything else is taken for a noun. Told for English briefs only.
- "compound": a term inside a hyphenated word ("chatbot-style").
 It never touches code blocks, text inside URLs or dotted identifiers
(`helphive.chatbot`, `chatbot_id` is one word anyway), mentions or (when the brief says so)
quotations. Inline code is copy like any other (a page title shown as `code`), since
identifiers are already protected by the word and URL rules. Retired claims, word for word or
restated (staging.agent.claims), are only flagged for a person: rules do not
invent a rewrite.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Callable

from connectors.document import Block, Document
from staging.agent import language
from staging.agent.brief import CompiledBrief, Scope, TermChange
from staging.agent.claims import ClaimCheck
from staging.agent.engine import Answer, Flag, Proposal
from staging.agent.passages import Passage
from staging.models import TrackedDocument, as_utc

if TYPE_CHECKING:
    import inflect

# A dotted name starts where a run of word characters and hyphens does, and takes all of
# each part (a part can never end before a dot): linear, even on 100,000 characters of "a-a-".
_URL = re.compile(r"https?://\S+|(?<![\w-])[\w-]++(?:\.[\w-]++)+(?:/\S*)?", re.UNICODE)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_ARTICLE = re.compile(r"\b(an?)(\s+)$", re.IGNORECASE)
_NEXT_WORD = re.compile(r"[ \t\u00a0]+([A-Za-z][\w'’]*)")  # the word after a term, on the same line
_PREVIOUS_WORD = re.compile(r"([\w'’-]+)[ \t\u00a0]+$")
_COMPOUND_PART = re.compile(r"[\w-]*")
# English words that never start the noun a term would modify: after one of these (or at a
# line end, or before punctuation) the term is the head of its phrase and can be replaced.
# Search engines' stop-word lists are no substitute: they also hold nouns ("copy", "case").
_FUNCTION_WORDS = frozenset("""
a an the this that these those my your his her its our their whose which what who whom where when why how
i you he she it we they me him us them mine yours ours theirs myself yourself itself ourselves themselves
is are was were be been being am isn't aren't wasn't weren't has have had having hasn't haven't hadn't
do does did doing don't doesn't didn't can could will would shall should may might must can't cannot won't
wouldn't shouldn't couldn't mustn't and or but nor so yet if then than because while although though unless
until since whether for to of in on at by with without from into onto over under about above below between
among through across after before during against toward towards within via per like as upon beyond behind
beside besides near off out up down around past not no never also only just even still already always often
too very really again now here there all any each every both either neither some many much more most few
less least other another such own same nobody everyone everybody anyone someone something nothing anything
everything instead alone
needs knows reads finds gives makes says helps cites resolves handles replies responds learns understands
gets goes takes keeps shows sends writes works lets uses runs tells stays becomes seems looks feels wants
fails breaks hallucinates
""".split())
_SMALL_WORDS = frozenset("a an the and but or nor for so yet at by in of on to up as via".split())


class RulesEngine:
    """The offline engine: no model, no key, no cost; the same answer every time."""

    name = "rules"
    model = ""
    offline = True
    concurrency = 1
    token_budget: int | None = None

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
        if (now or datetime.now(UTC)) - as_utc(edited) > timedelta(days=365.25 * scope.not_edited_years):
            return f"not edited in {scope.not_edited_years:g} years"
    return None


def propose(doc: Document, brief: CompiledBrief, candidates: set[str], *,
            declared_language: str | None = None) -> tuple[list[Proposal], list[Flag]]:
    """Edits and flags for the candidate blocks of one in-scope document. `declared_language`
    is the page's language when the caller knows it apart from the document (a labelled
    evaluation case); otherwise the document's tool declares it, or its text tells."""
    proposals: list[Proposal] = []
    flags: list[Flag] = []
    claims = [ClaimCheck(claim) for claim in brief.retired_claims]
    page = _PageLanguage(doc, brief, declared_language)
    for block in doc.blocks:
        if block.id not in candidates or not block.editable:
            continue
        if brief.scope.skip_quotes and block.kind == "quote":
            continue
        protected = _protected(block, brief.scope)
        heading = block.kind.startswith("heading") or block.kind == "title"
        after, changed, held = _replace_terms(block.text, brief.terms, protected,
                                              partial(page.of_block, block.text), page.brief, heading)
        if changed:
            proposals.append(Proposal(block.id, after, "brief terms: " + "; ".join(changed), rule="; ".join(changed)))
        flags.extend(Flag(block.id, label, kind, reason) for kind, label, reason in held)
        flags.extend(Flag(block.id, claim.claim) for claim in claims
                     if claim.stated(block.text) or claim.restated(block.text))
    return proposals, flags


class _PageLanguage:
    """A page's and the brief's languages, worked out only when a term is found: a page with
    nothing to replace never loads the language model."""

    def __init__(self, doc: Document, brief: CompiledBrief, declared: str | None) -> None:
        self._doc, self._brief = doc, brief
        self._locale = declared or language.locale_of(doc)

    @property
    def brief(self) -> str:
        if not hasattr(self, "_brief_language"):
            self._brief_language = language.of_brief(self._brief)
        return self._brief_language

    def of_block(self, text: str) -> tuple[str, str]:
        """A block's language, and how a reviewer is told it. A declared language (a locale
        page's) is the page's word for every block (English left on a French page is still to translate); other
        pages' blocks are read one by one (a French paragraph on an English page), and a
        block too short to tell takes its page's language, or the brief's."""
        if self._locale:
            return self._locale, "This page is in"
        detected = language.detect(text)
        if detected:
            return detected, "This text is in"
        return self._document() or self.brief, "This page is in"

    def _document(self) -> str | None:
        if not hasattr(self, "_detected"):
            self._detected = language.of_document(self._doc)
        return self._detected


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
    """Whole words (a hyphen joins words: `_compound` tells those apart); a leading "the"
    shared by both sides is optional ("Chatbot for your docs" is the same tagline as "the
    chatbot for your docs")."""
    words = [re.escape(w) for w in term.retire.split()]
    article = ""
    if _shared_article(term):
        article, words = rf"(?:{words[0]}\s+)?", words[1:]
    return re.compile(r"(?<!\w)(?P<term>" + article + r"\s+".join(words) + r")(?P<suffix>['’]s|es|s)?(?!\w)",
                      re.IGNORECASE)


def _shared_article(term: TermChange) -> bool:
    first_retire, first_use = term.retire.split()[0].lower(), term.use.split()[0].lower()
    return first_retire == first_use == "the" and len(term.retire.split()) > 1 and len(term.use.split()) > 1


Held = tuple[str, str, str]  # a flag's kind, label and reason


@dataclass(frozen=True)
class _Found:
    """One occurrence of a term in a block's text."""

    term: TermChange
    start: int
    end: int
    matched: str
    suffix: str | None


def _replace_terms(text: str, terms: list[TermChange], protected: list[tuple[int, int]],
                   block_language: Callable[[], tuple[str, str]], brief_language: str,
                   heading: bool = False) -> tuple[str, list[str], list[Held]]:
    """Every match of every term, longest terms first, non-overlapping, then rewritten at
    once; occurrences a replacement would not read right in are held back as flags."""
    taken: list[tuple[int, int, str]] = []
    held_spans: list[tuple[int, int]] = []
    changed: list[str] = []
    held: list[Held] = []
    for term in sorted(terms, key=lambda t: -len(t.retire)):
        for match in _term_pattern(term).finditer(text):
            start, end = match.span()
            if any(start < b and a < end for a, b in protected + held_spans) or any(
                    start < b and a < end for a, b, _ in taken):
                continue
            found = _Found(term, start, end, match.group("term"), match.group("suffix"))
            why = None if term.is_name else _why_not(text, found, block_language, brief_language)
            if why is not None:
                held_spans.append((start, end))
                if why not in held:
                    held.append(why)
                continue
            start = _shared_start(text, found)
            replacement = _cased(text[start:found.start] + found.matched, term, title=heading and _title_case(text))
            taken.append((start, end, replacement + _suffix(found.suffix, term.use)))
            if f"{term.retire} → {term.use}" not in changed:
                changed.append(f"{term.retire} → {term.use}")
    if not taken:
        return text, [], held
    result, at = "", 0
    for start, end, replacement in sorted(taken):
        before = result + text[at:start]
        result = (_fix_article(before, replacement) if brief_language == "en" else before) + replacement
        at = end
    return result + text[at:], changed, held


def _why_not(text: str, found: _Found, block_language: Callable[[], tuple[str, str]],
             brief_language: str) -> Held | None:
    """Why a descriptive term must not be replaced here (a flag), or None to replace it."""
    term = found.term
    page, said_by = block_language()
    if page != brief_language:
        return ("translate", f"translate: {term.retire} → {term.use}",
                f"{said_by} {language.name(page)} and the brief in {language.name(brief_language)}: "
                f"write the {language.name(page)} for “{term.use}” here by hand, or dismiss the flag if the "
                f"{language.name(page)} wording should stay.")
    compound = _compound(text, found)
    if compound:
        return ("compound", f"term inside a compound: {term.retire} in “{compound}”",
                f"“{term.retire}” is part of the word “{compound}”, where “{term.use}” cannot simply stand in: "
                "rewrite the phrase by hand, or dismiss the flag to leave it.")
    if brief_language == "en" and not found.suffix and (noun := _modified_noun(text, found)):
        previous = _PREVIOUS_WORD.search(text[:found.start])
        lead = previous.group(1) + " " if previous and "-" in previous.group(1) else ""  # "six-month chatbot project"
        phrase = f"{lead}{found.matched} {noun}"
        return ("modifier", f"term used as a modifier: {term.retire} in “{phrase}”",
                f"“{term.retire}” describes the word after it here, and “{term.use} {noun}” would not read right: "
                "rewrite the phrase by hand, or dismiss the flag to leave it.")
    return None


def _compound(text: str, found: _Found) -> str:
    """The hyphenated word the occurrence is part of ("chatbot-style"), or ""."""
    joined_before = found.start >= 2 and text[found.start - 1] == "-" and text[found.start - 2].isalnum()
    joined_after = text[found.end:found.end + 1] == "-" and text[found.end + 1:found.end + 2].isalnum()
    if not (joined_before or joined_after):
        return ""
    head = re.search(r"[\w-]*$", text[:found.start])
    tail = _COMPOUND_PART.match(text, found.end)
    return (head.group(0) if head else "") + text[found.start:found.end] + (tail.group(0) if tail else "")


def _modified_noun(text: str, found: _Found) -> str:
    """The word the term stands before as a modifier ("project" in "chatbot project"), or ""."""
    following = _NEXT_WORD.match(text, found.end)
    if following is None:
        return ""
    word = following.group(1)
    lowered = word.lower().replace("’", "'")
    if lowered in _FUNCTION_WORDS or (len(lowered) > 4 and lowered.endswith("ed")):
        return ""  # "chatbot for", "chatbot is", "chatbot trained on"
    return word


def _shared_start(text: str, found: _Found) -> int:
    """Where the replacement starts: before the words it begins with, when they already stand
    before the term ("AI support chatbot" → "AI support engineer", not "AI support AI…")."""
    words = found.term.use.split()
    for count in range(len(words) - 1, 0, -1):
        lead = r"\s+".join(re.escape(w) for w in words[:count])
        shared = re.search(r"(?<![\w-])" + lead + r"\s+$", text[:found.start], re.IGNORECASE)
        if shared:
            return shared.start()
    return found.start


def _title_case(text: str) -> bool:
    """A heading written in Title Case ("Simple Pricing For Your Chatbot")."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’]*", text) if w.lower() not in _SMALL_WORDS]
    return len(words) >= 3 and all(w[0].isupper() for w in words)


def _cased(matched: str, term: TermChange, *, title: bool = False) -> str:
    use = term.use
    if _shared_article(term) and matched.split()[0].lower() != "the":
        use = use.split(None, 1)[1]  # the match had no article: neither has its replacement
    if matched.isupper() and len(matched) > 1 and not term.retire.isupper():
        return use.upper()
    if title and not term.is_name:
        return " ".join(w if w.lower() in _SMALL_WORDS and i else w[:1].upper() + w[1:]
                        for i, w in enumerate(use.split(" ")))
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
    """`before` (the text so far) with a trailing "a"/"an" agreeing with `replacement`, as it
    is said: "an AI…", "an hour", "a unique…"."""
    match = _ARTICLE.search(before)
    if not match:
        return before
    article = _english().a(replacement).split(None, 1)[0].lower()
    if match.group(1)[0].isupper():
        article = article.capitalize()
    return before[:match.start()] + article + match.group(2)


@lru_cache(maxsize=1)
def _english() -> inflect.engine:
    """Imported on first use: the CLI starts without it."""
    import inflect

    return inflect.engine()
