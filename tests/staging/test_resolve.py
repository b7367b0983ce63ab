from __future__ import annotations

import pytest

from connectors.errors import Ambiguous, NotFound
from staging.resolve import resolve_document, resolve_revision
from tests.builders import make_document


@pytest.fixture
def tracked(store):
    store.record(make_document("v1", remote_id="3f1e2d3c-0000-4000-8000-000000000001", title="Pricing & plans"))
    store.record(make_document("v2", remote_id="3f1e2d3c-0000-4000-8000-000000000001", title="Pricing & plans"))
    store.record(make_document("x", remote_id="r-2", title="Pricing FAQ"))
    return store


def test_by_id_prefix_remote_id_and_exact_title(tracked):
    doc = tracked.find_documents(remote_id="3f1e2d3c-0000-4000-8000-000000000001")[0]
    assert resolve_document(tracked, doc.id[:6]).id == doc.id
    assert resolve_document(tracked, "3f1e2d3c000040008000000000000001").id == doc.id
    assert resolve_document(tracked, "pricing & PLANS").id == doc.id


def test_ambiguous_title_lists_candidates(tracked):
    with pytest.raises(Ambiguous) as caught:
        resolve_document(tracked, "pricing")
    assert "Pricing & plans" in str(caught.value) and "Pricing FAQ" in str(caught.value)


def test_unknown_document_says_what_to_do(tracked):
    with pytest.raises(NotFound, match="copydesk log"):
        resolve_document(tracked, "no such page")


def test_revisions_by_head_offset_and_prefix(tracked):
    doc = resolve_document(tracked, "Pricing & plans")
    newest, oldest = tracked.revisions(doc.id)
    assert resolve_revision(tracked, doc, "HEAD").id == newest.id
    assert resolve_revision(tracked, doc, "HEAD~1").id == oldest.id
    assert resolve_revision(tracked, doc, "~1").id == oldest.id
    assert resolve_revision(tracked, doc, oldest.id[:8]).id == oldest.id
    with pytest.raises(NotFound, match="only 2 revision"):
        resolve_revision(tracked, doc, "HEAD~2")
    with pytest.raises(NotFound):
        resolve_revision(tracked, doc, "abc")


@pytest.mark.parametrize("query", ["%", "Pr_cing", "pricing%faq", "_"])
def test_like_wildcards_in_a_title_match_only_themselves(tracked, query):
    with pytest.raises(NotFound, match="No document matches"):
        resolve_document(tracked, query)


def test_a_title_holding_wildcards_and_the_escape_character_is_found_literally(store):
    store.record(make_document("a", remote_id="r-pct", title="Uptime 100% / SLA_v2"))
    store.record(make_document("b", remote_id="r-plain", title="Uptime 1000 - SLAxv2"))
    assert resolve_document(store, "100% / sla_").title == "Uptime 100% / SLA_v2"
    with pytest.raises(NotFound, match="No document matches"):
        resolve_document(store, "100%0")


@pytest.mark.parametrize("query", ["Pricing\x00", "\udcff", "Pricing \ud800 plans"])
def test_a_query_no_title_can_hold_is_not_found_not_a_driver_error(tracked, query):
    with pytest.raises(NotFound, match="NUL or an undecodable byte"):
        resolve_document(tracked, query)
