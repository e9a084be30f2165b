"""Opening the SQLite file: pragmas for durability, migrations in-process, backups, clear refusals."""

from __future__ import annotations

import dataclasses
import logging
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from app.domain import clock
from app.persistence.schema_marks import APPLICATION_ID, SCHEMA_HEAD, DatabaseError, DatabaseMissing

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# The tables every revision since 0001 has; a file without all of them is another program's.
CORE_TABLES = frozenset({"alembic_version", "regions", "variants", "products", "customers", "draft_orders",
                         "line_items", "orders", "payments", "outbox", "invoice_sequences", "counters",
                         "settings"})


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


def due_revisions(current: str | None) -> list[str]:
    """The revisions an upgrade from ``current`` (None: an empty file) applies, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    head = script.get_current_head() or ""
    return [r.revision for r in reversed(list(script.iterate_revisions(head, current or "base")))]


def migration_due(path: str | os.PathLike[str]) -> str | None:
    """The schema revision of an existing Tilldesk file that opening it would migrate, else None
    (up to date, new or empty, or unreadable: open_database says why). A cheap read, no alembic:
    the window asks it before deciding to show the migration's progress."""
    p = Path(path).expanduser()
    try:
        if not p.is_file() or p.stat().st_size == 0:
            return None
        con = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            con.close()
    except (OSError, sqlite3.Error):
        return None
    return None if row is None or row[0] == SCHEMA_HEAD else str(row[0])


def _relay(listener: Any, step: Any) -> Any:
    def report(done: int, total: int) -> None:
        listener(dataclasses.replace(step, done=done, total=total))
    return report


def _upgrade(engine: Engine, current: str | None, listener: Any, backup: Path | None) -> None:
    """All due revisions in ONE transaction (SQLite's DDL is transactional: a failure leaves the
    file as it was), one alembic step per revision so the listener hears of each."""
    from alembic import command

    from . import migration_progress as mp

    due = due_revisions(current)
    shown = str(backup) if backup else None
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        for i, rev in enumerate(due):
            if listener is not None:
                listener(mp.Progress(rev, i, len(due), backup=shown))
                mp.report = _relay(listener, mp.Progress(rev, i, len(due), backup=shown))
            try:
                command.upgrade(cfg, rev)
            finally:
                mp.report = mp._nobody
        if listener is not None:
            listener(mp.Progress(due[-1] if due else SCHEMA_HEAD, len(due), len(due), backup=shown))


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


def _is_sqlite(path: Path) -> bool:
    """Whether SQLite reads the file as a database. Asked through SQLite, not by reading the
    header ourselves: closing a plain file handle would drop every POSIX lock this process holds
    on the file, and a connection already open to it (tests, a second window) could then see a
    WAL another process removed."""
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)  # no -wal/-shm made
        try:
            con.execute("PRAGMA schema_version").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return "not a database" not in str(exc)
    return True


def _check_file(path: Path, *, create: bool) -> None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise DatabaseError(f"{path} cannot be read: {exc.strerror}") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise DatabaseError(f"{path} is a folder, not a Tilldesk database")
        if not stat.S_ISREG(st.st_mode):  # a fifo or a device would block or never end
            raise DatabaseError(f"{path} is not a regular file, so it cannot be a Tilldesk database")
        if st.st_size and not _is_sqlite(path):
            raise DatabaseError(f"{path} is not a Tilldesk database (it is not an SQLite file)")
        if not os.access(path, os.W_OK):
            raise DatabaseError(f"{path} is read-only: Tilldesk needs to write to its database")
    elif not create:
        raise DatabaseMissing(f"{path} does not exist; pass --create to make a new database there")
    directory = path.parent
    if not directory.exists():
        if not create:
            raise DatabaseMissing(f"the folder {directory} does not exist")
        directory.mkdir(parents=True, exist_ok=True)
    if not directory.is_dir():
        raise DatabaseError(f"{directory} is not a folder")
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


def _not_ours(path: Path) -> DatabaseError:
    return DatabaseError(f"{path} is an SQLite database of another program, not a Tilldesk database. "
                         "Nothing was changed.")


def _unknown_revision(path: Path, revision: str) -> DatabaseError:
    return DatabaseError(f"{path} is not a Tilldesk database or from a newer Tilldesk (schema "
                         f"{revision[:40]!r}); install the newer Tilldesk to open it. Nothing was changed.")


def _recognise(path: Path) -> None:
    """Refuse, without writing, a file that is not Tilldesk's or is from a newer Tilldesk.

    Opened read-write but only read: the engine's connect hook switches the file to WAL (a
    change), and a read-only handle cannot remove a WAL file's -wal/-shm on close."""
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=rw", uri=True)
        try:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            rows = con.execute("SELECT version_num FROM alembic_version").fetchall() \
                if "alembic_version" in tables else []
        finally:
            con.close()
    except sqlite3.Error:
        return  # not a database: opening it says so
    if app_id not in (0, APPLICATION_ID):
        raise _not_ours(path)
    if app_id == 0 and not tables:
        return  # an empty SQLite file: a new database
    revision = str(rows[0][0]) if len(rows) == 1 else None
    if app_id == 0 and (revision is None or not CORE_TABLES <= tables):
        raise _not_ours(path)
    if revision is None:
        raise DatabaseError(f"{path} is a damaged Tilldesk database (its schema revision is missing); "
                            "nothing was changed")
    if revision != SCHEMA_HEAD and revision not in _known_revisions():
        raise _unknown_revision(path, revision)


def _mark(engine: Engine) -> None:
    with engine.connect() as conn:
        if conn.exec_driver_sql("PRAGMA application_id").scalar() != APPLICATION_ID:
            conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.commit()
        else:
            conn.rollback()


def open_database(path: str | os.PathLike[str], *, migrate: bool = True, create: bool = True,
                  progress: Any = None) -> Database:
    """``progress``: a ``migration_progress.Listener`` told of each revision a migration applies
    (called on this thread; the window's dialog runs this on a worker and relays it)."""
    if not str(path).strip():
        raise DatabaseMissing("the database path is empty")
    path = Path(path).expanduser().resolve()
    _check_file(path, create=create)
    existed = path.exists() and path.stat().st_size > 0
    if existed:
        _recognise(path)
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
        _mark(engine)
        factory = sessionmaker(engine, expire_on_commit=False, autoflush=True)
        return Database(path=path, engine=engine, session_factory=factory)
    head = head_revision()
    if current is not None and current not in _known_revisions():
        engine.dispose()
        raise _unknown_revision(path, current)
    backup_path = None
    if current != head:
        if not migrate:
            engine.dispose()
            raise DatabaseError(f"{path} needs an upgrade from schema {current} to {head}")
        if existed:
            backup_path = _backup(path, current)
            log.info("backed up %s to %s before migrating %s -> %s", path, backup_path, current, head)
        try:
            _upgrade(engine, current, progress, backup_path)
        except Exception as exc:
            engine.dispose()
            kept = f"; the backup taken before it is kept: {backup_path}" if backup_path else ""
            raise DatabaseError(f"upgrading {path} failed and was rolled back, so the file is as it was "
                                f"({exc.__class__.__name__}: {getattr(exc, 'orig', exc)}){kept}") from exc
    _mark(engine)
    factory = sessionmaker(engine, expire_on_commit=False, autoflush=True)
    return Database(path=path, engine=engine, session_factory=factory, backup_path=backup_path)
