"""Full-text index over the current blocks of every document: SQLite FTS5 or PostgreSQL
full-text search, whichever the store runs on.

The agent retrieves candidate blocks here before anything reaches a model, so only blocks
that mention a brief's terms or claims are ever sent. The index holds each document's head
revision and is rewritten whenever a new head is recorded (every pull and apply).
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from sqlalchemy import text
from sqlalchemy.engine import Connection

from connectors.document import Document

_WORD = re.compile(r"\w+", re.UNICODE)


def create(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.execute(text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS block_index USING fts5("
            "document_id UNINDEXED, block_id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2')"))
    else:
        connection.execute(text(
            "CREATE TABLE IF NOT EXISTS block_index (document_id varchar(32) NOT NULL, block_id text NOT NULL, "
            "body text NOT NULL, body_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED)"))
        connection.execute(text("CREATE INDEX IF NOT EXISTS block_index_tsv ON block_index USING gin (body_tsv)"))
        connection.execute(text("CREATE INDEX IF NOT EXISTS block_index_document ON block_index (document_id)"))


def reindex(connection: Connection, document_id: str, doc: Document) -> None:
    connection.execute(text("DELETE FROM block_index WHERE document_id = :d"), {"d": document_id})
    rows = [{"d": document_id, "b": b.id, "t": b.text} for b in doc.blocks if b.text.strip()]
    if rows:
        connection.execute(text("INSERT INTO block_index (document_id, block_id, body) VALUES (:d, :b, :t)"), rows)


def search(connection: Connection, phrases: Iterable[str]) -> set[tuple[str, str]]:
    """(document id, block id) of every block containing all the words of any phrase,
    case-insensitive, the last word also as a prefix (plurals, possessives).

    A superset on purpose: word order and punctuation are left to the engine's exact match,
    which keeps both databases' tokenisers from losing a candidate. One difference remains:
    PostgreSQL keeps a hostname (app.helphive.example) as one token, so a term inside a URL
    is not a candidate there; no engine may change a URL anyway."""
    found: set[tuple[str, str]] = set()
    for phrase in phrases:
        words = list(_WORD.finditer(phrase))
        if not words:
            continue
        last = words[-1]
        if connection.dialect.name == "sqlite":
            terms = [f'"{w.group().lower()}"' for w in words[:-1]] + [f'"{last.group().lower()}" *']
            sql = "SELECT document_id, block_id FROM block_index WHERE block_index MATCH :q"
            params = {"q": "body : (" + " AND ".join(terms) + ")"}
        else:
            head = phrase[:last.start()]
            sql = ("SELECT document_id, block_id FROM block_index WHERE body_tsv @@ to_tsquery('simple', :last)"
                   + (" AND body_tsv @@ plainto_tsquery('simple', :head)" if _WORD.search(head) else ""))
            params = {"last": f"{last.group().lower()}:*", "head": head}
        found.update((row[0], row[1]) for row in connection.execute(text(sql), params))
    return found


def texts(connection: Connection) -> Iterator[tuple[str, str, str]]:
    """(document id, block id, text) of every indexed block, streamed: for the checks the
    index cannot answer (a claim restated in other words)."""
    rows = connection.execution_options(stream_results=True, yield_per=2000).execute(
        text("SELECT document_id, block_id, body FROM block_index"))
    for row in rows:
        yield row[0], row[1], row[2]


def live_lengths(connection: Connection) -> Iterator[int]:
    """The length in characters of every indexed block of a live document."""
    rows = connection.execution_options(stream_results=True, yield_per=5000).execute(text(
        "SELECT length(b.body) FROM block_index b JOIN document d ON d.id = b.document_id WHERE d.status = 'live'"))
    for row in rows:
        yield int(row[0])


def count(connection: Connection) -> int:
    return int(connection.execute(text("SELECT count(*) FROM block_index")).scalar_one())
