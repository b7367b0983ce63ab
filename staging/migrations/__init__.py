"""The store's schema migrations (Alembic), run by `Store` when it opens a database.

`upgrade(connection)` brings any copydesk store, SQLite or PostgreSQL, new or made by an
older copydesk, to the current schema. The scripts live in `versions/`; PostgreSQL takes an
advisory lock first, so several processes opening the store at once migrate it once.
"""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection

_HERE = Path(__file__).resolve().parent
_IN_PROCESS = threading.Lock()  # Alembic's `context` and `op` are process-wide: one migration at a time
_LOCK = 7_265_470_733  # any constant: the advisory lock copydesk's migrations share


def config(connection: Connection) -> Config:
    settings = Config()
    settings.set_main_option("script_location", str(_HERE))
    settings.attributes["connection"] = connection
    return settings


def upgrade(connection: Connection) -> None:
    with _IN_PROCESS:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
        command.upgrade(config(connection), "head")
