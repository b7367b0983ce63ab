"""Issue 17 on the Webflow sandbox, through the connector and the official SDK: page SEO and
Open Graph settings, form texts, localized CMS items, and RichText embeds never blanked."""

from __future__ import annotations

from typing import Iterator

import pytest

from connectors.document import Edit
from connectors.errors import Conflict, LossyEdit, ManualStep
from connectors.sandbox.webflow import WEBFLOW_FRENCH_LOCALE_ID
from connectors.webflow import WebflowConnector

HOME = "63e043000f6cad4a26d3ac94"
BLOG = "63fe95809593bd04cf658cda"
WHY = "642b6880d1e01f50575051c1"
DOCBOT = "6483bd007f98289fcd947403"  # its post body ends with a custom-code embed
FRENCH_CMS = "664a92800936f675cc1600a3"
SETTINGS_PUT = "PUT /v2/pages/{id}"
ITEM_PATCH = "PATCH /v2/collections/{id}/items/{id}"
DOM_POST = "POST /v2/pages/{id}/dom"


class Journal:
    def __init__(self) -> None:
        self.entries: list[tuple] = []

    def intent(self, block_ids, request, previous) -> None:
        self.entries.append(("intent", tuple(block_ids), request))

    def done(self, block_ids) -> None:
        self.entries.append(("done", tuple(block_ids)))


@pytest.fixture
def connector(webflow) -> Iterator[WebflowConnector]:
    connector = webflow.connector()
    yield connector
    connector.close()


@pytest.fixture
def refs(connector):
    return {r.remote_id: r for r in connector.list_changed(None)}


def edit(doc, block_id: str, find: str, replace: str) -> Edit:
    block = doc.block(block_id)
    return Edit(block_id=block_id, before=block.text, after=block.text.replace(find, replace))


def test_the_seo_title_is_written_on_the_primary_locale_and_reverted_exactly(webflow, connector, refs):
    ref = refs[f"page:{HOME}"]
    doc = connector.fetch(ref)
    assert doc.block("seo:title").text == "HelpHive | The chatbot for your docs"
    assert not doc.block("og:description").editable  # copied from the SEO description
    journal = Journal()
    written = connector.apply(ref, [edit(doc, "seo:title", "The chatbot for your docs",
                                         "The AI support engineer for your team")], journal)
    assert written.block("seo:title").text == "HelpHive | The AI support engineer for your team"
    assert [e[0] for e in journal.entries] == ["intent", "done"]
    assert journal.entries[0][2]["body"] == {"seo": {"title": "HelpHive | The AI support engineer for your team",
                                                     "description": doc.block("seo:description").text}}
    assert written.block("og:title").text == doc.block("og:title").text  # its own value, untouched
    french = connector.fetch(refs[f"page:{HOME}@{WEBFLOW_FRENCH_LOCALE_ID}"])
    assert french.block("seo:title").text == "HelpHive | Le chatbot de votre documentation"
    original = doc.block("seo:title")
    reverted = connector.apply(ref, [Edit(block_id="seo:title", before=written.block("seo:title").text,
                                          after=original.text, target=original)], Journal())
    assert [b.model_dump() for b in reverted.blocks] == [b.model_dump() for b in doc.blocks]
    assert reverted.raw["page"]["seo"] == doc.raw["page"]["seo"]
    assert reverted.raw["page"]["openGraph"] == doc.raw["page"]["openGraph"]


def test_a_settings_edit_that_changed_in_webflow_meanwhile_writes_nothing(webflow, connector, refs):
    ref = refs[f"page:{HOME}"]
    doc = connector.fetch(ref)
    webflow.http.put(f"{webflow.base_url}/v2/pages/{HOME}", json={"seo": {"title": "Changed by a colleague"}},
                     headers={"Authorization": f"Bearer {webflow.token}"}).raise_for_status()
    with pytest.raises(Conflict):
        connector.apply(ref, [edit(doc, "seo:title", "chatbot", "AI support engineer")], Journal())
    assert webflow.routes().get(SETTINGS_PUT) == 1  # the colleague's only


def test_on_the_primary_locale_settings_are_written_and_node_texts_become_manual_steps(webflow, connector, refs):
    ref = refs[f"page:{HOME}"]
    doc = connector.fetch(ref)
    button = next(b for b in doc.blocks if b.id.endswith(":value"))
    assert button.text == "Try the chatbot for your docs" and button.attrs["manual"] is True
    journal = Journal()
    with pytest.raises(ManualStep) as caught:
        connector.apply(ref, [edit(doc, "seo:title", "chatbot", "AI support engineer"),
                              edit(doc, button.id, "chatbot", "AI support engineer")], journal)
    assert [s["block_id"] for s in caught.value.steps] == [button.id]
    assert "1 page setting edit(s) were written" in str(caught.value)
    assert [e[0] for e in journal.entries] == ["intent", "done"] and webflow.routes().get(DOM_POST, 0) == 0
    assert "AI support engineer" in connector.fetch(ref).block("seo:title").text


def test_form_texts_of_a_secondary_locale_are_written_and_reverted(webflow, connector, refs):
    ref = refs[f"page:{HOME}@{WEBFLOW_FRENCH_LOCALE_ID}"]
    doc = connector.fetch(ref)
    choice = next(b for b in doc.blocks if b.id.endswith(":choice:2"))
    placeholder = next(b for b in doc.blocks if b.id.endswith(":placeholder"))
    edits = [edit(doc, choice.id, "Plus de", "Au-delà de"), edit(doc, placeholder.id, "Votre", "Ton")]
    written = connector.apply(ref, edits, Journal())
    assert written.block(choice.id).text == "Au-delà de 50 agents"
    assert written.block(placeholder.id).text == "Ton e-mail professionnel"
    english = connector.fetch(refs[f"page:{HOME}"])
    assert english.block(placeholder.id).text == "Your work email"
    reverted = connector.apply(ref, [Edit(block_id=e.block_id, before=e.after, after=e.before,
                                          target=doc.block(e.block_id)) for e in edits], Journal())
    assert reverted.raw["nodes"] == doc.raw["nodes"]


def test_a_localized_item_is_listed_written_with_its_locale_published_per_locale_and_reverted(webflow, connector,
                                                                                             refs):
    ref = refs[f"item:{BLOG}:{WHY}@{FRENCH_CMS}"]
    assert ref.parent == f"item:{BLOG}:{WHY}" and ref.title.endswith("[fr-FR]")
    doc = connector.fetch(ref)
    assert doc.block("field:name").text.startswith("Pourquoi nous avons créé HelpHive")
    summary = edit(doc, "field:summary", "le chatbot de votre documentation", "l'ingénieur support IA de votre équipe")
    journal = Journal()
    written = connector.apply(ref, [summary], journal)
    assert journal.entries[0][2]["body"]["cmsLocaleId"] == FRENCH_CMS
    assert written.block("field:summary").text == summary.after
    english = connector.fetch(refs[f"item:{BLOG}:{WHY}"])
    assert "chatbot for your docs" in english.block("field:summary").text  # the primary variant is untouched
    live = webflow.get(f"/collections/{BLOG}/items/{WHY}/live?cmsLocaleId={FRENCH_CMS}")
    assert live["fieldData"]["summary"] == summary.before
    connector.publish([ref])
    live = webflow.get(f"/collections/{BLOG}/items/{WHY}/live?cmsLocaleId={FRENCH_CMS}")
    assert live["fieldData"]["summary"] == summary.after
    reverted = connector.apply(ref, [Edit(block_id="field:summary", before=summary.after, after=summary.before,
                                          target=doc.block("field:summary"))], Journal())
    assert reverted.raw["fieldData"] == doc.raw["fieldData"]


def test_an_embed_is_kept_byte_for_byte_when_its_field_is_edited(webflow, connector, refs):
    ref = refs[f"item:{BLOG}:{DOCBOT}"]
    doc = connector.fetch(ref)
    embed = next(b for b in doc.blocks if b.kind == "embed")
    assert not embed.editable and embed.readonly_reason
    first = doc.block("field:post-body:0")
    written = connector.apply(ref, [edit(doc, first.id, "Teams often", "Teams sometimes")], Journal())
    assert written.raw["fieldData"]["post-body"].endswith(embed.raw["html"])


def test_an_embed_webflow_answers_empty_refuses_the_write_before_any_request(webflow, connector):
    webflow.post("blank_embeds", {"enabled": True})
    ref = next(r for r in connector.list_changed(None) if r.remote_id == f"item:{BLOG}:{DOCBOT}")
    doc = connector.fetch(ref)
    assert next(b for b in doc.blocks if b.kind == "embed").raw["html"] == '<div class="w-embed w-script"></div>'
    journal = Journal()
    with pytest.raises(LossyEdit, match="embed"):
        connector.apply(ref, [edit(doc, "field:post-body:0", "Teams often", "Teams sometimes")], journal)
    assert journal.entries == [] and webflow.routes().get(ITEM_PATCH, 0) == 0
    webflow.post("blank_embeds", {"enabled": False})
    assert "platform.twitter.com" in webflow.get(f"/collections/{BLOG}/items/{DOCBOT}")["fieldData"]["post-body"]
