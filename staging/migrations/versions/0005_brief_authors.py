"""The brief's authors are a changeset's authors too: who corrected each brief's compiled form
(`brief.corrected_by`) and who ran each propose or sweep (`agent_run.requested_by`).

A store made before this revision gets its correctors from the audit log's `brief.corrected`
events, so a person who corrected a brief cannot approve what it proposed after the upgrade
either. Who ran an older run was never recorded: its `requested_by` stays empty, and the
brief's writer and correctors still count as the authors of what it staged."""

import sqlalchemy as sa
from alembic import op

from staging import identity

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_BRIEF = sa.table("brief", sa.column("id", sa.Integer()), sa.column("corrected_by", sa.JSON()))
_EVENT = sa.table("event", sa.column("id", sa.Integer()), sa.column("actor", sa.String()),
                  sa.column("action", sa.String()), sa.column("subject", sa.String()))


def upgrade() -> None:
    connection = op.get_bind()
    inspector = sa.inspect(connection)
    if "requested_by" not in {c["name"] for c in inspector.get_columns("agent_run")}:
        with op.batch_alter_table("agent_run") as batch:
            batch.add_column(sa.Column("requested_by", sa.String(), nullable=False, server_default=""))
    if "corrected_by" not in {c["name"] for c in inspector.get_columns("brief")}:
        with op.batch_alter_table("brief") as batch:
            batch.add_column(sa.Column("corrected_by", sa.JSON(), nullable=False, server_default="[]"))
        _backfill_correctors(connection)


def _backfill_correctors(connection: sa.Connection) -> None:
    correctors: dict[int, list[str]] = {}
    events = sa.select(_EVENT.c.actor, _EVENT.c.subject).where(_EVENT.c.action == "brief.corrected").order_by(_EVENT.c.id)
    for actor, subject in connection.execute(events):
        brief_id = subject.removeprefix("brief/")
        if not brief_id.isdigit():
            continue
        names = correctors.setdefault(int(brief_id), [])
        if not any(identity.same(actor, name) for name in names):
            names.append(actor)
    for brief_id, names in correctors.items():
        connection.execute(sa.update(_BRIEF).where(_BRIEF.c.id == brief_id).values(corrected_by=names))
