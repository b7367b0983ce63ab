"""Each edit's rule (`edit.rule`): what it does in the brief's words, so the review app can
group a brief's proposals by rule and accept or drop one across documents (staging.by_rule).

Edits staged before this revision get their rule from the reason the engine gave: the rules
engine wrote "brief terms: chatbot → AI support engineer", and a flagged claim "retired claim:
…"; any other agent edit is one of the "other edits", and edits staged by hand keep none."""

import sqlalchemy as sa
from alembic import op

from staging.by_rule import rule_from_reason

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_EDIT = sa.table("edit", sa.column("id", sa.Integer()), sa.column("reason", sa.String()),
                 sa.column("proposed_by", sa.String()), sa.column("rule", sa.String()))


def upgrade() -> None:
    connection = op.get_bind()
    if "rule" in {c["name"] for c in sa.inspect(connection).get_columns("edit")}:
        return
    with op.batch_alter_table("edit") as batch:
        batch.add_column(sa.Column("rule", sa.String(), nullable=False, server_default=""))
    rows = connection.execute(sa.select(_EDIT.c.id, _EDIT.c.reason).where(_EDIT.c.proposed_by.like("agent:%")))
    for edit_id, reason in list(rows):
        connection.execute(sa.update(_EDIT).where(_EDIT.c.id == edit_id).values(rule=rule_from_reason(reason or "")))
