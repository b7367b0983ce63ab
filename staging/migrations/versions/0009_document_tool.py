"""Each document's tool (`document.tool`: "notion", "gdocs", "webflow") apart from its source.

A source's identity is its name in copydesk.toml (`[sources.marketing]`); its tool is the
`type` that picks the connector. Before this revision every connector stamped its documents
with its tool's id, so the stored source of every document was its tool: the tool is
backfilled from it. (A store whose config names a source differently from its tool gets its
rows moved to the configured name when it is next opened: `staging.sources`.)"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_DOCUMENT = sa.table("document", sa.column("source", sa.String()), sa.column("tool", sa.String()))


def upgrade() -> None:
    connection = op.get_bind()
    if "tool" in {c["name"] for c in sa.inspect(connection).get_columns("document")}:
        return
    with op.batch_alter_table("document") as batch:
        batch.add_column(sa.Column("tool", sa.String(), nullable=False, server_default=""))
    connection.execute(sa.update(_DOCUMENT).values(tool=_DOCUMENT.c.source))
