"""Alembic's entry: copydesk always hands it an open connection (see `upgrade`)."""

from alembic import context
from sqlmodel import SQLModel

# Importing the models registers copydesk's tables on SQLModel.metadata.
import staging.models  # noqa: F401

context.configure(connection=context.config.attributes["connection"], target_metadata=SQLModel.metadata,
                  render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
