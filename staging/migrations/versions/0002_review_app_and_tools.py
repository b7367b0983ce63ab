"""Review app, Google Docs, Webflow and sweeps: dropped edits, manual steps, publishing,
the audit log's subject index, sweep reports and leases.

Columns are added only where missing: a store created by `create_all` at this schema (tests,
a fresh demo before migrations existed) has them already."""

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlmodel import SQLModel

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_COLUMNS: dict[str, list[sa.Column[Any]]] = {
    "edit": [sa.Column("dropped", sa.Boolean(), nullable=False, server_default=sa.false())],
    "changeset": [sa.Column("manual_steps", sa.JSON(), nullable=False, server_default="[]"),
                  sa.Column("published_at", sa.DateTime(), nullable=True)],
}


def upgrade() -> None:
    connection = op.get_bind()
    inspector = sa.inspect(connection)
    for table, columns in _COLUMNS.items():
        present = {c["name"] for c in inspector.get_columns(table)}
        missing = [c for c in columns if c.name not in present]
        if missing:
            with op.batch_alter_table(table) as batch:
                for column in missing:
                    batch.add_column(column)
    if "ix_event_subject" not in {i["name"] for i in inspector.get_indexes("event")}:
        op.create_index("ix_event_subject", "event", ["subject"])
    SQLModel.metadata.create_all(connection, tables=[SQLModel.metadata.tables[name]
                                                     for name in ("sweep_run", "lease")])
