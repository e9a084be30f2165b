"""Alembic environment: run in-process at start-up on the connection Tilldesk hands over."""

from __future__ import annotations

from typing import cast

from alembic import context

from app.persistence.rows import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # `alembic` on the command line, for writing new revisions
        from sqlalchemy import create_engine

        # The alembic.ini used on the command line sets the URL; cast only narrows the type.
        engine = create_engine(cast(str, config.get_main_option("sqlalchemy.url")))
        with engine.connect() as conn:
            _run(conn)
        return
    _run(connection)


def _not_search_index(obj, name, type_, reflected, compare_to) -> bool:
    # The FTS5 search indexes (0007) and their shadow tables are made by SQL, not by the rows.
    return not (type_ == "table" and name is not None and "_search" in name and reflected and compare_to is None)


def _run(connection) -> None:
    # render_as_batch: SQLite can only alter tables by copying them; batch mode does that for us.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      compare_type=True, include_object=_not_search_index)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
