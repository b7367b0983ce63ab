"""Which language a page, a block and a brief are in (staging.agent.language)."""

from __future__ import annotations

from connectors.document import Block, Document, DocumentRef
from staging.agent import language
from staging.agent.brief import CompiledBrief, TermChange


def _doc(text: str, locale: str | None = None) -> Document:
    return Document(ref=DocumentRef(source="webflow", remote_id="page:p", kind="page"),
                    blocks=(Block(id="b", kind="paragraph", text=text),),
                    raw={"locale": {"tag": locale, "primary": False}} if locale else {})


def test_a_webflow_locale_is_the_pages_language_whatever_its_text():
    assert language.of_document(_doc("The chatbot for your docs, explained", "fr-FR")) == "fr"


def test_other_pages_are_detected_and_short_text_is_undecided():
    assert language.of_document(_doc("Des tarifs simples pour le chatbot de votre documentation")) == "fr"
    assert language.detect("Unser Chatbot beantwortet Fragen aus Ihrem Hilfe-Center.") == "de"
    assert language.detect("Chatbot pricing") is None


def test_a_briefs_language_comes_from_its_prose_and_defaults_to_english():
    french = CompiledBrief(title="Brief de positionnement", summary="HelpHive n'est plus le chatbot de votre "
                           "documentation : c'est un ingénieur support qui résout les tickets de bout en bout.",
                           terms=[TermChange(retire="chatbot", use="ingénieur support")])
    assert language.of_brief(french) == "fr"
    assert language.of_brief(CompiledBrief()) == "en"
