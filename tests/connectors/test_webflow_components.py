"""Webflow components: the sandbox's component endpoints through the official SDK, component
documents and instance overrides through the connector, and the sample brief reaching the nav
component once, with its manual step planned and verified (primary locale) and an exact
apply → revert where the API writes (the French locale)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from webflow.errors import BadRequestError, NotFoundError

from connectors.document import DocumentRef, Edit
from connectors.errors import Conflict, ManualStep
from connectors.sandbox.webflow import WEBFLOW_FRENCH_LOCALE_ID, WEBFLOW_SITE_ID
from connectors.sandbox.webflow_workspace import component_id, node_id, property_id
from connectors.webflow import WebflowConnector
from staging import changesets
from staging.agent import briefs
from staging.agent.propose import propose
from staging.apply import apply, revert
from staging.pull import pull
from tests.connectors.test_webflow_sandbox import WebflowAdmin, assert_in_spec

REPO = Path(__file__).resolve().parents[2]
BRIEF = REPO / "fixtures" / "briefs" / "ai-support-engineer.md"
NAV, BANNER, BADGES = component_id("nav"), component_id("signup-banner"), component_id("trust-badges")
CTA, ANNOUNCEMENT = property_id("nav", "CTA label"), property_id("nav", "Announcement")
HEADING = property_id("signup-banner", "Heading")
HOME, PRICING = "63e043000f6cad4a26d3ac94", "63e194801f90c192cff28c10"
HOME_BANNER = node_id(HOME, "signup-banner")
HOME_NAV = node_id(HOME, "nav")
FR = WEBFLOW_FRENCH_LOCALE_ID
COMPONENTS = f"/sites/{WEBFLOW_SITE_ID}/components"
NO_RETRY = {"max_retries": 0}


@pytest.fixture
def site(sandbox_server) -> Iterator[WebflowAdmin]:
    endpoint = next(e for e in sandbox_server.endpoints() if e.tool == "webflow")
    admin = WebflowAdmin(endpoint.base_url)
    admin.post("reset")
    admin.post("rate_limit", {"enabled": False})
    yield admin
    admin.post("faults", {"clear": True})
    admin.close()


@pytest.fixture
def connector(site: WebflowAdmin) -> Iterator[WebflowConnector]:
    connector = WebflowConnector(site.token, base_url=site.base_url, site_id=WEBFLOW_SITE_ID, rate=None)
    yield connector
    connector.close()


def ref(remote_id: str) -> DocumentRef:
    return DocumentRef(source="webflow", remote_id=remote_id, kind=remote_id.split(":")[0])


class Journal:
    def __init__(self) -> None:
        self.entries: list[tuple] = []

    def intent(self, block_ids, request, previous) -> None:
        self.entries.append(("intent", tuple(block_ids), request))

    def done(self, block_ids) -> None:
        self.entries.append(("done", tuple(block_ids)))


# -- the sandbox, through the official SDK -----------------------------------------------------------


def test_components_list_in_pages_of_the_asked_size_with_a_library_component_read_only(site):
    first = site.sdk.components.list(WEBFLOW_SITE_ID, limit=2, offset=0, request_options=NO_RETRY)
    second = site.sdk.components.list(WEBFLOW_SITE_ID, limit=2, offset=2, request_options=NO_RETRY)
    assert [c.name for c in first.components] == ["Nav", "Signup banner"]
    assert [c.name for c in second.components] == ["Trust badges"] and second.pagination.total == 3
    assert [c.readonly for c in (*first.components, *second.components)] == [None, None, True]
    assert_in_spec(site.get(COMPONENTS), "/sites/{site_id}/components")


def test_component_content_and_properties_per_locale_as_the_spec_shapes_them(site):
    dom = site.sdk.components.get_content(WEBFLOW_SITE_ID, NAV, request_options=NO_RETRY)
    assert [n.type for n in dom.nodes] == ["text"] * 4 and dom.component_id == NAV
    props = site.sdk.components.get_properties(WEBFLOW_SITE_ID, NAV, request_options=NO_RETRY)
    assert [(p.label, p.type, p.text.text) for p in props.properties][0] == (
        "CTA label", "Plain Text", "Try the chatbot for your docs")
    french = site.sdk.components.get_properties(WEBFLOW_SITE_ID, NAV, locale_id=FR, request_options=NO_RETRY)
    assert french.properties[0].text.text == "Essayez le chatbot de votre documentation"
    assert french.properties[1].text.html == props.properties[1].text.html  # untranslated: the primary's
    path = "/sites/{site_id}/components/{component_id}"
    assert_in_spec(site.get(f"{COMPONENTS}/{NAV}/dom", localeId=FR), f"{path}/dom")
    assert_in_spec(site.get(f"{COMPONENTS}/{NAV}/properties"), f"{path}/properties")
    with pytest.raises(NotFoundError):
        site.sdk.components.get_content(WEBFLOW_SITE_ID, "no-such-component", request_options=NO_RETRY)


def test_component_updates_take_a_secondary_locale_only(site):
    write = [{"propertyId": CTA, "text": "Essayez HelpHive"}]
    for locale in (None, "664a9280d2128b2f33892f90"):  # missing, then the primary locale
        response = site.send("POST", f"{COMPONENTS}/{NAV}/properties", {"properties": write},
                             **({"localeId": locale} if locale else {}))
        assert response.status_code == 400, response.text
        assert_in_spec(response, "/sites/{site_id}/components/{component_id}/properties", "post")
    answer = site.sdk.components.update_properties(WEBFLOW_SITE_ID, NAV, locale_id=FR, properties=write,
                                                   request_options=NO_RETRY)
    assert answer.errors == []
    french = site.sdk.components.get_properties(WEBFLOW_SITE_ID, NAV, locale_id=FR, request_options=NO_RETRY)
    english = site.sdk.components.get_properties(WEBFLOW_SITE_ID, NAV, request_options=NO_RETRY)
    assert french.properties[0].text.text == "Essayez HelpHive"
    assert english.properties[0].text.text == "Try the chatbot for your docs"


def test_component_updates_refuse_unknown_ids_library_components_and_multiline_plain_text(site):
    unknown_node = site.send("POST", f"{COMPONENTS}/{NAV}/dom", {"nodes": [{"nodeId": "nope", "text": "<a>x</a>"}]},
                             localeId=FR)
    unknown_property = site.send("POST", f"{COMPONENTS}/{NAV}/properties",
                                 {"properties": [{"propertyId": "nope", "text": "x"}]}, localeId=FR)
    library = site.send("POST", f"{COMPONENTS}/{BADGES}/properties",
                        {"properties": [{"propertyId": property_id("trust-badges", "Caption"), "text": "x"}]},
                        localeId=FR)
    assert [r.status_code for r in (unknown_node, unknown_property, library)] == [400, 400, 400]
    assert "read-only" in library.json()["message"]
    with pytest.raises(NotFoundError):
        site.sdk.components.update_properties(WEBFLOW_SITE_ID, "no-such-component", locale_id=FR,
                                              properties=[{"propertyId": CTA, "text": "x"}], request_options=NO_RETRY)
    with pytest.raises(BadRequestError):
        site.sdk.components.update_content(WEBFLOW_SITE_ID, NAV, nodes=[{"nodeId": node_id(NAV, "brand"),
                                                                         "text": "<div>x</div>"}],
                                           request_options=NO_RETRY)  # no localeId
    two_lines = site.send("POST", f"{COMPONENTS}/{NAV}/properties",
                          {"properties": [{"propertyId": CTA, "text": "Try\nit"}]}, localeId=FR).json()
    assert two_lines["errors"] and "single-line" in two_lines["errors"][0]


def test_a_component_change_moves_the_sites_last_updated(site):
    before = site.get(f"/sites/{WEBFLOW_SITE_ID}").json()["lastUpdated"]
    site.post("edit", {"component": "nav", "find": "Pricing", "replace": "Plans"})
    assert site.get(f"/sites/{WEBFLOW_SITE_ID}").json()["lastUpdated"] > before
    texts = [n.text.html for n in site.sdk.components.get_content(WEBFLOW_SITE_ID, NAV, request_options=NO_RETRY).nodes]
    assert '<a href="/pricing">Plans</a>' in texts


def test_an_instance_lists_only_its_overrides_and_a_locale_may_override_any_property(site):
    nodes = {n["id"]: n for n in site.get(f"/pages/{HOME}/dom").json()["nodes"]}
    assert nodes[HOME_NAV]["propertyOverrides"] == []  # shows the component's own text
    assert [p["label"] for p in nodes[HOME_BANNER]["propertyOverrides"]] == ["Heading", "Body"]
    answer = site.send("POST", f"/pages/{HOME}/dom", {"nodes": [
        {"nodeId": HOME_NAV, "propertyOverrides": [{"propertyId": CTA, "text": "Essai gratuit"}]}]}, localeId=FR)
    assert answer.json() == {"errors": []}
    french = {n["id"]: n for n in site.get(f"/pages/{HOME}/dom", localeId=FR).json()["nodes"]}
    assert [(p["label"], p["text"]["text"]) for p in french[HOME_NAV]["propertyOverrides"]] == [
        ("CTA label", "Essai gratuit")]
    assert site.get(f"/pages/{HOME}/dom").json()["nodes"][0]["propertyOverrides"] == []


# -- the connector -------------------------------------------------------------------------------------


def test_a_component_is_a_document_per_locale_with_node_and_property_blocks(connector):
    refs = {r.remote_id: r for r in connector.list_changed(None) if r.kind == "component"}
    assert sorted(r.title for r in refs.values()) == ["Nav", "Nav [fr-FR]", "Signup banner", "Signup banner [fr-FR]",
                                                      "Trust badges", "Trust badges [fr-FR]"]
    assert refs[f"component:{NAV}@{FR}"].parent == f"component:{NAV}"
    nav = connector.fetch(refs[f"component:{NAV}"])
    assert [(b.id, b.text) for b in nav.blocks] == [
        (f"node:{node_id(NAV, 'brand')}", "HelpHive"),
        (f"node:{node_id(NAV, 'link-product')}", "Product"),
        (f"node:{node_id(NAV, 'link-pricing')}", "Pricing"),
        (f"node:{node_id(NAV, 'link-about')}", "About"),
        (f"property:{CTA}", "Try the chatbot for your docs"),
        (f"property:{ANNOUNCEMENT}", "New: citations on every answer. Read more"),
    ]
    cta = nav.block(f"property:{CTA}")
    assert cta.editable and cta.attrs["manual"] and cta.attrs["where"] == "Nav › CTA label"
    assert [s.bold for s in nav.block(f"property:{ANNOUNCEMENT}").spans][:2] == [False, True]
    badges = connector.fetch(refs[f"component:{BADGES}"])
    assert all(not b.editable and "library" in b.readonly_reason and "Trust badges" in b.readonly_reason
               for b in badges.blocks) and badges.blocks
    assert nav.ref.remote_version == refs[f"component:{NAV}"].remote_version  # the listing's read, reused


def test_page_overrides_are_blocks_naming_component_and_property_and_plain_instances_make_none(connector):
    home = connector.fetch(ref(f"page:{HOME}"))
    overrides = [b for b in home.blocks if b.kind == "component_text"]
    assert [(b.id, b.attrs["where"], b.editable) for b in overrides] == [
        (f"node:{HOME_BANNER}:{HEADING}", "Signup banner › Heading", True),
        (f"node:{HOME_BANNER}:{property_id('signup-banner', 'Body')}", "Signup banner › Body", True),
    ]
    assert not any(HOME_NAV in b.id for b in home.blocks)  # the nav shows its component's text: not repeated here


def test_the_primary_locale_of_a_component_is_a_manual_step_naming_it(connector, site):
    nav = connector.fetch(ref(f"component:{NAV}"))
    edit = Edit(block_id=f"property:{CTA}", before="Try the chatbot for your docs", after="Try HelpHive")
    steps = connector.manual_steps(nav, [edit])
    assert steps[0]["where"].startswith("Webflow component “Nav”") and "CTA label" in steps[0]["section"]
    assert steps[0]["after"] == "Try HelpHive" and steps[0]["html"] == "Try HelpHive"
    with pytest.raises(ManualStep) as raised:
        connector.apply(nav.ref, [edit], Journal())
    assert "“Nav” component in the Webflow Designer" in str(raised.value) and raised.value.steps == steps
    assert not any(route.startswith("POST") for route in site.routes())


def test_a_french_component_is_written_through_both_endpoints_and_reverted_exactly(connector, site):
    remote = f"component:{NAV}@{FR}"
    before = connector.fetch(ref(remote))
    raw_before = (site.get(f"{COMPONENTS}/{NAV}/dom", localeId=FR).json(),
                  site.get(f"{COMPONENTS}/{NAV}/properties", localeId=FR).json())
    link = f"node:{node_id(NAV, 'link-pricing')}"
    edits = [Edit(block_id=f"property:{CTA}", before="Essayez le chatbot de votre documentation",
                  after="Essayez l'ingénieur support IA"),
             Edit(block_id=f"property:{ANNOUNCEMENT}", before="New: citations on every answer. Read more",
                  after="Nouveau : citations on every answer. Read more"),
             Edit(block_id=link, before="Tarifs", after="Prix")]
    journal = Journal()
    after = connector.apply(before.ref, edits, journal)
    assert after.block(f"property:{CTA}").text == "Essayez l'ingénieur support IA"
    assert after.block(link).text == "Prix"
    announcement = site.get(f"{COMPONENTS}/{NAV}/properties", localeId=FR).json()["properties"][1]["text"]["html"]
    assert announcement.startswith("<div><p>Nouveau : <strong>citations on every answer</strong>")  # HTML kept
    intents = [e for e in journal.entries if e[0] == "intent"]
    assert [(e[1], e[2]["path"].split("?")[0].rsplit("/", 1)[-1]) for e in intents] == [
        ((link,), "dom"), ((f"property:{CTA}", f"property:{ANNOUNCEMENT}"), "properties")]
    assert [e[0] for e in journal.entries] == ["intent", "done", "intent", "done"]

    back = [Edit(block_id=e.block_id, before=after.block(e.block_id).text, after=e.before,
                 target=before.block(e.block_id)) for e in edits]
    connector.apply(after.ref, back, Journal())
    assert (site.get(f"{COMPONENTS}/{NAV}/dom", localeId=FR).json(),
            site.get(f"{COMPONENTS}/{NAV}/properties", localeId=FR).json()) == raw_before


def test_a_stale_component_edit_writes_nothing(connector, site):
    stale = Edit(block_id=f"property:{CTA}", before="Essayez autre chose", after="x")
    with pytest.raises(Conflict):
        connector.apply(ref(f"component:{NAV}@{FR}"), [stale], Journal())
    assert not any(route.startswith("POST") for route in site.routes())


def test_a_french_page_override_is_written_through_property_overrides_and_reverted_exactly(connector, site):
    remote = f"page:{HOME}@{FR}"
    before = connector.fetch(ref(remote))
    raw_before = site.get(f"/pages/{HOME}/dom", localeId=FR).json()["nodes"]
    block = f"node:{HOME_BANNER}:{HEADING}"
    text = before.block(block).text
    edit = Edit(block_id=block, before=text, after=text.replace("le chatbot", "l'ingénieur support IA"))
    journal = Journal()
    after = connector.apply(before.ref, [edit], journal)
    assert after.block(block).text == edit.after
    assert journal.entries[0][2]["body"] == {"nodes": [
        {"nodeId": HOME_BANNER, "propertyOverrides": [{"propertyId": HEADING, "text": edit.after}]}]}
    connector.apply(after.ref, [Edit(block_id=block, before=edit.after, after=text, target=before.block(block))],
                    Journal())
    assert site.get(f"/pages/{HOME}/dom", localeId=FR).json()["nodes"] == raw_before


def test_an_incremental_listing_reads_components_again_only_when_the_site_moved(connector, site):
    listing = connector.list_changed(None)
    list(listing)
    quiet = connector.list_changed(listing.cursor)
    assert list(quiet) == []
    site.post("edit", {"component": "nav", "locale": FR, "find": "Tarifs", "replace": "Prix"})
    moved = [r.remote_id for r in connector.list_changed(quiet.cursor)]
    assert moved == [f"component:{NAV}@{FR}"]
    assert connector.fetch(ref(moved[0])).block(f"node:{node_id(NAV, 'link-pricing')}").text == "Prix"


# -- the sample brief --------------------------------------------------------------------------------


def test_the_sample_brief_edits_the_nav_once_in_its_component_and_the_person_s_paste_is_verified(store, connector,
                                                                                                   site):
    remote_before = site.get(f"{COMPONENTS}/{NAV}/properties").json()
    pull(store, connector)
    brief, _ = briefs.add(store, BRIEF.read_text(encoding="utf-8"), source=BRIEF.name, actor="lead")
    propose(store, brief, actor="lead")
    touching = [(c, e) for c in changesets.listing(store) for e in changesets.edits(store, c.id)
                if e.before == "Try the chatbot for your docs" and e.block_kind == "component_text"]
    assert len(touching) == 1  # in the nav component's document only: no page repeats it
    changeset, edit = touching[0]
    assert store.document(changeset.document_id).remote_id == f"component:{NAV}"
    assert edit.block_id == f"property:{CTA}" and "AI support engineer" in edit.after
    # an instance's own override is its page's edit: Pricing's nav sets its CTA label
    pricing_nav = [e for c in changesets.listing(store) for e in changesets.edits(store, c.id)
                   if e.block_id == f"node:{node_id(PRICING, 'nav')}:{CTA}"
                   and store.document(c.document_id).remote_id == f"page:{PRICING}"]
    assert [(e.before, e.after) for e in pricing_nav] == [("See the chatbot in action",
                                                           "See the AI support engineer in action")]
    # Home's banner heading is flagged for a person ("…your docs free": the tagline used as a modifier)
    banner = [e for c in changesets.listing(store) for e in changesets.edits(store, c.id)
              if e.block_id == f"node:{HOME_BANNER}:{HEADING}" and e.before.startswith("Try")]
    assert len(banner) == 1 and banner[0].flag

    changesets.approve(store, changeset.id, actor="priya")
    applied = apply(store, connector, changeset.id, actor="priya")
    assert applied.changeset.status == "awaiting_manual"
    assert "Nav" in applied.manual[0]["where"] and applied.manual[0]["after"] == edit.after
    site.post("edit", {"component": "nav", "find": edit.before, "replace": edit.after})  # a person pastes it
    pull(store, connector)
    assert changesets.get(store, changeset.id).status == "applied"

    reverted = revert(store, connector, changeset.id, actor="priya")
    assert reverted.changeset.status == "awaiting_manual_revert"
    site.post("edit", {"component": "nav", "find": edit.after, "replace": edit.before})
    pull(store, connector)
    assert changesets.get(store, changeset.id).status == "reverted"
    assert site.get(f"{COMPONENTS}/{NAV}/properties").json() == remote_before  # the remote reads as before


def test_publishing_a_component_publishes_the_whole_site_once(connector, site):
    refs = {r.remote_id: r for r in connector.list_changed(None)}
    before = site.get(f"/sites/{WEBFLOW_SITE_ID}").json()["lastPublished"]
    answer = connector.publish([refs[f"component:{NAV}@{FR}"]])
    assert answer["published"] == [f"component:{NAV}@{FR}"]
    assert site.routes().get("POST /v2/sites/{id}/publish") == 1
    assert site.get(f"/sites/{WEBFLOW_SITE_ID}").json()["lastPublished"] > before  # site-wide, not page-scoped
