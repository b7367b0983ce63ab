"""Alembic's entry: copydesk always hands it an open connection (see `upgrade`)."""

from alembic import context

from staging.models import SQLModel

context.configure(connection=context.config.attributes["connection"], target_metadata=SQLModel.metadata,
                  render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
