"""Opening the SQLite file: pragmas for durability, migrations in-process, backups, clear refusals."""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from app.domain import clock

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# The newest schema revision this Tilldesk writes. Opening a database already at it needs no
# alembic at all (importing alembic costs about a quarter of a second of start-up);
# tests/migrations checks that this constant is alembic's head.
SCHEMA_HEAD = "0006"


class DatabaseError(Exception):
    """The database cannot be used; the message says why in plain words."""


@dataclass
class Database:
    path: Path
    engine: Engine
    session_factory: sessionmaker[Session]
    backup_path: Path | None = None  # the copy taken before this start's migration, if any

    def dispose(self) -> None:
        self.engine.dispose()


def _alembic_config():
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head() or ""


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {r.revision for r in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy drive transactions itself (pysqlite's implicit BEGIN is disabled) so that
    # every unit of work starts with BEGIN IMMEDIATE: the write lock is taken up front, so two
    # writers (the window and the sync worker) queue on busy_timeout instead of deadlocking.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit is on disk before Mark Paid returns, even across a power cut.
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _on_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _check_file(path: Path) -> None:
    if path.exists():
        if path.is_dir():
            raise DatabaseError(f"{path} is a folder, not a Tilldesk database")
        with path.open("rb") as fh:
            head = fh.read(16)
        if head and head != b"SQLite format 3\x00":
            raise DatabaseError(f"{path} is not a Tilldesk database (it is not an SQLite file)")
        if not os.access(path, os.W_OK):
            raise DatabaseError(f"{path} is read-only: Tilldesk needs to write to its database")
    directory = path.parent
    if not directory.exists():
        directory.mkdir(parents=True, exist_ok=True)
    if not os.access(directory, os.W_OK):
        raise DatabaseError(f"the folder {directory} is read-only: Tilldesk keeps its journal beside the database")


def _backup(path: Path, current: str | None) -> Path:
    stamp = clock.now().strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.stem}.backup-{current or 'empty'}-{stamp}{path.suffix or '.sqlite'}")
    src = sqlite3.connect(str(path))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)  # consistent even with a WAL in use
        finally:
            dst.close()
    finally:
        src.close()
    return target


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _refuse_newer(path: Path) -> None:
    """Read the schema revision without writing: the engine's connect hook switches the file to
    WAL, which would change a database that is then refused as being from a newer Tilldesk."""
    try:
        # opened read-write but only read: a read-only handle cannot remove a WAL file's -wal/-shm on close
        con = sqlite3.connect(f"{path.as_uri()}?mode=rw", uri=True)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            row = con.execute("SELECT version_num FROM alembic_version").fetchone() \
                if "alembic_version" in tables else None
        finally:
            con.close()
    except sqlite3.Error:
        return  # not a database: the checks that follow say so
    if tables and "alembic_version" not in tables:
        # Another program's SQLite file: adding Tilldesk's tables to it would be vandalism.
        raise DatabaseError(f"{path} is an SQLite database of another program, not a Tilldesk database. "
                            "Nothing was changed.")
    if row and row[0] != SCHEMA_HEAD and row[0] not in _known_revisions():
        raise DatabaseError(
            f"{path} was written by a newer version of Tilldesk (schema {row[0]}); "
            "install that version or newer to open it. Nothing was changed.")


def open_database(path: str | os.PathLike[str], *, migrate: bool = True) -> Database:
    path = Path(path).expanduser().resolve()
    _check_file(path)
    existed = path.exists() and path.stat().st_size > 0
    if existed:
        _refuse_newer(path)
    engine = make_engine(path)
    try:
        with engine.connect() as conn:
            has_table = conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").first()
            current = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() if has_table else None
            conn.rollback()
    except Exception as exc:  # sqlite3.DatabaseError: file is not a database, disk I/O error ...
        engine.dispose()
        raise DatabaseError(f"{path} cannot be opened as a Tilldesk database: {exc.__class__.__name__}: "
                            f"{getattr(exc, 'orig', exc)}") from exc
    if current == SCHEMA_HEAD:
        factory = sessionmaker(engine, expire_on_commit=False, autoflush=True)
        return Database(path=path, engine=engine, session_factory=factory)
    head = head_revision()
    if current is not None and current not in _known_revisions():
        engine.dispose()
        raise DatabaseError(
            f"{path} was written by a newer version of Tilldesk (schema {current}); "
            "install that version or newer to open it. Nothing was changed.")
    backup_path = None
    if current != head:
        if not migrate:
            engine.dispose()
            raise DatabaseError(f"{path} needs an upgrade from schema {current} to {head}")
        if existed:
            backup_path = _backup(path, current)
            log.info("backed up %s to %s before migrating %s -> %s", path, backup_path, current, head)
        from alembic import command

        cfg = _alembic_config()
        try:
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except Exception as exc:
            engine.dispose()
            raise DatabaseError(f"upgrading {path} failed and was rolled back: {exc}") from exc
    factory = sessionmaker(engine, expire_on_commit=False, autoflush=True)
    return Database(path=path, engine=engine, session_factory=factory, backup_path=backup_path)
