"""The review gate: approvals in their own table, each bound to the content it approved, and
the reviewer who rewrote an edit (an author of it, who cannot approve it).

A changeset a store had already marked `approved` has no approval rows, so apply refuses it
until someone other than its author approves it again: the gate is not waived for old rows."""

import sqlalchemy as sa
from alembic import op
from sqlmodel import SQLModel

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    if "revised_by" not in {c["name"] for c in sa.inspect(connection).get_columns("edit")}:
        with op.batch_alter_table("edit") as batch:
            batch.add_column(sa.Column("revised_by", sa.String(), nullable=False, server_default=""))
    SQLModel.metadata.create_all(connection, tables=[SQLModel.metadata.tables["approval"]])
