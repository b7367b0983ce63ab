"""The offline rules engine: term replacement, scope, retired claims."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.document import Block, Document, DocumentRef, Mention, Span
from staging.agent.brief import CompiledBrief, Scope, TermChange
from staging.agent.rules import out_of_scope, propose
from staging.models import TrackedDocument

BRIEF = CompiledBrief(
    terms=[TermChange(retire="the chatbot for your docs", use="the AI support engineer for your team"),
           TermChange(retire="chatbot", use="AI support engineer")],
    retired_claims=["Setup in 5 minutes"],
    scope=Scope(skip_archived=True, skip_titles=["Changelog", "Legal:*"], skip_quotes=True, not_edited_years=2),
)


def _doc(*blocks: Block) -> Document:
    return Document(ref=DocumentRef(source="notion", remote_id="p", kind="page", title="Page"), blocks=blocks)


def _block(text: str, block_id: str = "b1", kind: str = "paragraph", spans=None, editable: bool = True) -> Block:
    return Block(id=block_id, kind=kind, text=text, spans=tuple(spans or (Span(text=text),)), editable=editable)


def _after(text: str, **kwargs) -> str | None:
    block = _block(text, **kwargs)
    proposals, _ = propose(_doc(block), BRIEF, {block.id})
    return proposals[0].after if proposals else None


@pytest.mark.parametrize("before, after", [
    ("HelpHive, the chatbot for your docs.", "HelpHive, the AI support engineer for your team."),
    ("The chatbot for your docs.", "The AI support engineer for your team."),
    ("THE CHATBOT FOR YOUR DOCS", "THE AI SUPPORT ENGINEER FOR YOUR TEAM"),
    ("Nobody buys a chatbot.", "Nobody buys an AI support engineer."),
    ("A chatbot; chatbots; the chatbot’s answer.", "An AI support engineer; AI support engineers; the AI support engineer’s answer."),
    ("Chatbot, assistant or agent?", "AI support engineer, assistant or agent?"),
    ("Open Graph title: Chatbot for your docs | HelpHive", "Open Graph title: AI support engineer for your team | HelpHive"),
])
def test_terms_are_replaced_with_case_plurals_possessives_and_articles(before, after):
    assert _after(before) == after


@pytest.mark.parametrize("text, spans", [
    ("Open https://chatbot.example/docs now", None),
    ("Host chatbot.example.com is ours", None),
    ("chatbots-as-a-service is a different word", None),
    ("We said “the chatbot for your docs” in 2023", None),
    ("Ask @chatbot bot", (Span(text="Ask "), Span(text="@chatbot", mention=Mention(type="user", target="u")),
                          Span(text=" bot"))),
    ("Call helphive.chatbot(x) or chatbot_id", None),
])
def test_urls_quotes_mentions_and_inline_code_are_never_touched(text, spans):
    assert _after(text, spans=spans) is None


def test_code_blocks_quote_blocks_and_non_candidates_are_left_alone():
    code = _block("chatbot = Chatbot()", "c", kind="code", editable=False)
    quote = _block("“The chatbot for your docs changed everything.” — Acme Corp", "q", kind="quote")
    other = _block("a chatbot", "o")
    proposals, _ = propose(_doc(code, quote, other), BRIEF, {"c", "q"})
    assert proposals == []


def test_retired_claims_are_flagged_not_rewritten():
    block = _block("Setup in 5 minutes, no code.")
    proposals, flags = propose(_doc(block), BRIEF, {block.id})
    assert proposals == [] and [(f.block_id, f.claim) for f in flags] == [("b1", "Setup in 5 minutes")]


def _tracked(title: str = "Product overview", status: str = "live", source: str = "notion"):
    return TrackedDocument(id="d", source=source, remote_id="p", kind="page", title=title, status=status,
                           remote_version="127")


RECENT, OLD = datetime(2026, 10, 1, 10, tzinfo=UTC), datetime(2022, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("tracked, edited, reason", [
    (_tracked(status="archived"), RECENT, "archived page"),
    (_tracked(title="Changelog"), RECENT, "title matches 'Changelog'"),
    (_tracked(title="Legal: Terms of Service"), RECENT, "title matches 'Legal:*'"),
    (_tracked(), OLD, "not edited in 2 years"),
    (_tracked(source="gdocs"), OLD, "not edited in 2 years"),  # Drive's version is a counter, not a time
    (_tracked(), RECENT, None),
    (_tracked(), None, None),
])
def test_scope_rules(tracked, edited, reason):
    assert out_of_scope(tracked, BRIEF.scope, edited=edited, now=datetime(2026, 11, 22, tzinfo=UTC)) == reason


def test_inline_code_that_is_copy_is_edited():
    spans = (Span(text="Title: "), Span(text="HelpHive | The chatbot for your docs", code=True))
    assert _after("Title: HelpHive | The chatbot for your docs", spans=spans) == \
        "Title: HelpHive | The AI support engineer for your team"
