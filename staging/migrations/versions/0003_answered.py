"""Answered documents (which page an engine has answered for a brief, at which revision),
and each document's last edit time as the tool reports it (scope rules and sweeps read it).

A store's documents get `edited_at` on their next fetch; `copydesk pull --full` fills it for
all of them at once."""

import sqlalchemy as sa
from alembic import op
from sqlmodel import SQLModel

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    if "edited_at" not in {c["name"] for c in sa.inspect(connection).get_columns("document")}:
        with op.batch_alter_table("document") as batch:
            batch.add_column(sa.Column("edited_at", sa.DateTime(), nullable=True))
    SQLModel.metadata.create_all(connection, tables=[SQLModel.metadata.tables["answered"]])
