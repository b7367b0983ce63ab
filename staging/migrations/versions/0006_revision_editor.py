"""Who made each revision in the tool: `revision.edited_by`, the name Notion (`last_edited_by`)
or Drive (`lastModifyingUser`) gives for the last edit, so History can say "edited in Notion by
Jordan Lee" instead of "pull". Like the remote version, it is kept on the revision and not in
the content blob, so an editor alone never makes a new revision. Revisions made before this
one never recorded an editor: theirs stays empty, and History says the tool did not say."""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "edited_by" not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("revision")}:
        with op.batch_alter_table("revision") as batch:
            batch.add_column(sa.Column("edited_by", sa.String(), nullable=False, server_default=""))
