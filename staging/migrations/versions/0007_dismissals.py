"""Flags must be settled and "won't fix" is remembered: why and by whom a flag was dismissed
(`edit.flag_dismissed`, `edit.flag_dismissed_by`), the reviewers' dismissals (`dismissal`),
and the blocks each propose and sweep left alone because of one (`agent_run.dismissed`,
`sweep_run.dismissed`).

Columns are added only where missing: a store created by `create_all` at this schema has them."""

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlmodel import SQLModel

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_COLUMNS: dict[str, list[sa.Column[Any]]] = {
    "edit": [sa.Column("flag_dismissed", sa.String(), nullable=False, server_default=""),
             sa.Column("flag_dismissed_by", sa.String(), nullable=False, server_default="")],
    "agent_run": [sa.Column("dismissed", sa.JSON(), nullable=False, server_default="[]")],
    "sweep_run": [sa.Column("dismissed", sa.JSON(), nullable=False, server_default="[]")],
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
    SQLModel.metadata.create_all(connection, tables=[SQLModel.metadata.tables["dismissal"]])
