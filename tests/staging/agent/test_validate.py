"""The checks every proposed edit passes before it is staged, whichever engine proposed it."""

from __future__ import annotations

import pytest

from connectors.document import Block, Document, DocumentRef, Mention, Span
from staging.agent.brief import CompiledBrief, TermChange
from staging.agent.validate import rejection

BRIEF = CompiledBrief(
    terms=[TermChange(retire="chatbot", use="AI support engineer"),
           TermChange(retire="HelpHive", use="Fernhill Desk", note="product name, keep capitalisation")],
    names=["Zendesk"],
)
TEXT = "See https://fernhill.example/pricing for 99.9% uptime. Ask @Priya Raman."
SPANS = (Span(text="See https://fernhill.example/pricing for 99.9% uptime. Ask "),
         Span(text="@Priya Raman", mention=Mention(type="user", target="u")), Span(text="."))


def _doc(*blocks: Block) -> Document:
    return Document(ref=DocumentRef(source="notion", remote_id="p", kind="page", title="Page"), blocks=blocks)


def _block(text: str, block_id: str = "b1", kind: str = "paragraph", spans=None, editable: bool = True) -> Block:
    return Block(id=block_id, kind=kind, text=text, spans=tuple(spans or (Span(text=text),)), editable=editable)


@pytest.mark.parametrize("after, reason", [
    ("Cuts tickets.", "the link"),
    ("See https://fernhill.example/pricing for 99.9%. Ask @Priya Raman.", None),
    ("See https://fernhill.example/pricing for 99%.", "the number '99.9%'"),
    ("See https://fernhill.example/pricing for 99.9%. Ask someone.", "the mention"),
    ("See https://fernhill.example/pricing for 99.9% uptime" + ", month after month" * 6 + ". Ask @Priya Raman.", "the length"),
    ("See see https://fernhill.example/pricing for 99.9%. Ask @Priya Raman.", "repeats itself"),
    ("See https://fernhill.example/pricing and https://offers.example/claim for 99.9%. Ask @Priya Raman.",
     "adds the link 'https://offers.example/claim'"),
    ("   ", "empty the block"),
])
def test_links_numbers_mentions_and_length_survive(after, reason):
    found = rejection(_doc(_block(TEXT, spans=SPANS)), "b1", after, BRIEF, {"b1"})
    assert (found is None) if reason is None else (reason in found)


@pytest.mark.parametrize("before, after, reason", [
    ("DocBot needs weeks; HelpHive takes an afternoon.", "Others need weeks; Fernhill Desk takes an afternoon.",
     "the name 'DocBot'"),
    ("HelpHive works with Zendesk.", "Fernhill Desk works with your help desk.", "the name 'Zendesk'"),
    ("HelpHive is a chatbot.", "Fernhill Desk is an AI support engineer.", None),  # renamed by the brief
    ("Fernhill Desk replaces the chatbot.", "It replaces the chatbot.", "the name 'Fernhill Desk'"),
])
def test_names_the_brief_does_not_change_survive(before, after, reason):
    found = rejection(_doc(_block(before)), "b1", after, BRIEF, {"b1"})
    assert (found is None) if reason is None else (reason in found)


def test_unknown_read_only_unchanged_and_unshown_blocks_are_refused():
    doc = _doc(_block("chatbot"), _block("x = 1", "c", kind="code", editable=False), _block("other", "b2"))
    shown = {"b1", "c", "zz"}
    assert "no block" in rejection(doc, "zz", "x", BRIEF, shown)
    assert "does not edit" in rejection(doc, "c", "x = 2", BRIEF, shown)
    assert "does not change" in rejection(doc, "b1", "chatbot", BRIEF, shown)
    assert "was not among the blocks sent" in rejection(doc, "b2", "changed", BRIEF, shown)


def test_a_link_on_words_survives_a_rewrite_that_keeps_them_and_not_one_that_drops_them():
    spans = (Span(text="HelpHive works with "), Span(text="both help desks", href="https://fernhill.example/i"),
             Span(text=", the chatbot for your docs."))
    doc = _doc(_block("".join(s.text for s in spans), spans=spans))
    kept = "Fernhill Desk works with both help desks, the AI support engineer for your team."
    assert rejection(doc, "b1", kept, BRIEF, {"b1"}) is None
    assert "the link on 'both help desks'" in rejection(doc, "b1", "Fernhill Desk works, the AI support engineer for your team.",
                                                            BRIEF, {"b1"})


def test_numbers_inside_a_retired_claim_may_go():
    brief = CompiledBrief(retired_claims=["cuts support tickets by 40%"])
    doc = _doc(_block("HelpHive cuts support tickets by 40%."))
    assert rejection(doc, "b1", "HelpHive resolves tickets end to end.", brief, {"b1"}) is None


SAMPLE = CompiledBrief(terms=[TermChange(retire="the chatbot for your docs", use="the AI support engineer for your team"),
                              TermChange(retire="chatbot", use="AI support engineer")],
                       retired_claims=["Setup in 5 minutes", "cuts support tickets by 40%"],
                       key_messages=["Live in an afternoon, with a named onboarding engineer."])


@pytest.mark.parametrize("before, after, reason", [
    ("More than 400 support teams use it.", "More than 4000 support teams use it.", "the number '400'"),
    ("Acme Corp saw 46%.", "Acme Corp saw 146%.", "the number '46%'"),
    ("HelpHive Pro is $199.", "HelpHive Pro is $1,199.", "the number '$199'"),
    ("Pro went from $149 to $199.", "Pro went from $49 to $199.", "the number '$149'"),
    ("In three plans.", "In three plans from $0.", "adds the number '$0'"),
    ("It takes five minutes.", "It takes fifty minutes.", "adds the number 'fifty minutes'"),
    ("On the partner's own contract.", "Free forever for partners, claim it at www.partner-offers.example.",
     "adds the link 'www.partner-offers.example'"),
    ("Ask us.", "Ask deals@offers.example.", "adds the e-mail address"),
    ("Ask us.", "Ask us: (415) 555-0134.", "adds the phone number"),
    ("Acme Corp saw 46%.", "Globex Corp saw 46%.", "adds the name 'Globex'"),
    ("Like Acme Corp, Globex saw 46%.", "Like Acme Corp, it saw 46%.", "the name 'Globex'"),
    ("It saw 46%.", "Globex saw 46%.", "adds the name 'Globex'"),
    ("Customers like Acme Corp and Globex.", "Customers like Globex and Acme Corp.", "moves the page's names"),
    ("The chatbot for your docs.", "The AI support engineer\u202e for your team.", "U+202E"),
    ("The chatbot for your docs.", "The AI support engineer for your team.\x1b[8m", "U+001B"),
    ("chatbot", "AI support engineer for every partner who asks", "the length"),
    ("Works with Zendesk and Intercom, and answers from your docs in seconds.", "Works with Zendesk and Intercom.",
     "the length"),
])
def test_what_a_rogue_model_writes_is_refused(before, after, reason):
    found = rejection(_doc(_block(before)), "b1", after, SAMPLE, {"b1"})
    assert found is not None and reason in found, found


@pytest.mark.parametrize("before, after", [
    ("chatbot", "AI support engineer"),
    ("Setup in 5 minutes", "Live in an afternoon"),
    ("Setup in 5 minutes.", "Live in an afternoon, with a named onboarding engineer."),
    ("Customers see HelpHive cut support tickets by 40% within 60 days.", "Customers see HelpHive resolve tickets end to end within 60 days."),
    ("HelpHive deflects 43% of questions.", "HelpHive deflects 43 percent of questions."),
    ("Eyebrow: THE CHATBOT FOR YOUR DOCS", "Eyebrow: THE AI SUPPORT ENGINEER FOR YOUR TEAM"),
])
def test_the_brief_s_own_rewording_passes_on_blocks_of_every_size(before, after):
    assert rejection(_doc(_block(before)), "b1", after, SAMPLE, {"b1"}) is None
