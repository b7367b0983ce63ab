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
