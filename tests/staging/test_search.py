"""The full-text index on SQLite (FTS5) and PostgreSQL: kept current on every new head."""

from __future__ import annotations

from tests.builders import make_document


def _doc(remote_id: str, *texts: str):
    return make_document(*texts, remote_id=remote_id, title="Page")


def test_blocks_are_found_by_all_words_case_insensitively_with_plural_and_possessive(store):
    first = store.record(_doc("p1", "HelpHive, the chatbot for your docs.", "Nothing here.")).document
    second = store.record(_doc("p2", "Most CHATBOTS fail.", "The chatbot's answer.", "chat bot")).document
    found = store.search_blocks(["chatbot"])
    assert found == {(first.id, "b1"), (second.id, "b1"), (second.id, "b2")}
    assert store.search_blocks(["the chatbot for your docs"]) == {(first.id, "b1")}
    assert store.search_blocks(["99.9% uptime", ""]) == set()
    assert store.indexed_blocks() == 7, "five blocks and two titles"


def test_the_index_follows_the_newest_revision(store):
    tracked = store.record(_doc("p1", "the chatbot for your docs")).document
    store.record(_doc("p1", "the AI support engineer"))
    assert store.search_blocks(["chatbot"]) == set()
    assert store.search_blocks(["support engineer"]) == {(tracked.id, "b1")}
    store.record(_doc("p1", "the AI support engineer"))
    assert store.indexed_blocks() == 2
