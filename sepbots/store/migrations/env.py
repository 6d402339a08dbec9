"""Alembic environment: sepbots always passes an open connection (see ``sepbots.store.migrate``)."""

from __future__ import annotations

from alembic import context

from sepbots.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only for `alembic revision --autogenerate` by developers
    from sqlalchemy import create_engine

    connection = create_engine(context.config.get_main_option("sqlalchemy.url", "")).connect()

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
