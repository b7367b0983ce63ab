"""Baseline: the schema as copydesk 0.1 created it before migrations existed.

Stores made before Alembic already have these tables (created by `create_all`); a new store
gets them here. Either way the later revisions apply on top."""

from alembic import op
from sqlmodel import SQLModel

from staging import search

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_BASELINE = ("blob", "document", "revision", "pull", "event", "changeset", "edit", "journal", "brief", "agent_run")


def upgrade() -> None:
    connection = op.get_bind()
    tables = [SQLModel.metadata.tables[name] for name in _BASELINE]
    SQLModel.metadata.create_all(connection, tables=tables)
    search.create(connection)
