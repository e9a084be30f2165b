"""A schema migration at start-up, through the real `tilldesk` start (ui.launcher.main): a file one
revision behind is upgraded on a worker behind a progress dialog, the backup taken before it is
kept and opens, and every order is still there; a migration that fails leaves the file as it was,
keeps the backup and says so in one message."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.persistence import migration_progress
from app.persistence.db import SCHEMA_HEAD, due_revisions, migration_due
from tests.conftest import db_fingerprint
from tests.migrations.make_schema_0001 import build, empty_at_revision
from ui import launcher, migration_dialog

PREVIOUS = due_revisions(None)[-2]  # the revision before the head: "0006" once 0007 exists


def q(path: Path, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    db = tmp_path / "till.sqlite"
    build(db, paid=3)  # real paid, unsynced orders, copied into a first-schema file
    empty_at_revision(db, PREVIOUS)
    assert migration_due(db) == PREVIOUS
    return db


class Watched(migration_dialog.MigrationDialog):
    """The real dialog, remembering whether it was on screen at each step it showed."""

    visible_at: list[bool] = []

    def _show(self, p: migration_progress.Progress) -> None:
        super()._show(p)
        Watched.visible_at.append(self.isVisible())


def _backups(db: Path) -> list[Path]:
    return sorted(db.parent.glob(f"{db.stem}.backup-*"))


def test_start_up_migrates_behind_a_progress_dialog_and_keeps_the_backup(qtbot, old_file, monkeypatch):
    from ui.launcher import main

    orders_before = sorted(q(old_file, "SELECT id, display_id, invoice_number, totals FROM orders"))
    payments_before = sorted(q(old_file, "SELECT id, order_id, amount FROM payments"))
    dialogs: list[Watched] = []
    Watched.visible_at = []
    monkeypatch.setattr(migration_dialog, "MigrationDialog", lambda: dialogs.append(Watched()) or dialogs[-1])
    shown: list[bool] = []

    def show_window(app) -> int:  # the launcher's own run() ends Qt's event loop with quit(), which
        from ui.main_window import MainWindow  # leaves later tests' queued results undelivered

        window = MainWindow(app)
        qtbot.addWidget(window)
        window.show()
        shown.append(window.isVisible())
        window.close()
        return 0

    monkeypatch.setattr(launcher, "run", show_window)

    assert main(["--db", str(old_file)]) == 0 and shown == [True]  # the window was shown after the migration

    (dlg,) = dialogs
    steps = [(p.revision, p.index, p.count) for p in dlg.seen]
    assert steps[0] == (SCHEMA_HEAD, 0, 1) and steps[-1] == (SCHEMA_HEAD, 1, 1)
    assert set(steps[1:-1]) <= {(SCHEMA_HEAD, 0, 1)}  # in between: the revision's own reports
    inner = [(p.done, p.total) for p in dlg.seen[1:-1]]
    assert inner and inner[-1][0] == inner[-1][1] > 0  # 0007 reports its rows, up to all of them
    assert Watched.visible_at and all(Watched.visible_at)  # on screen while the worker migrated
    assert dlg.value() == migration_dialog.STEPS and not dlg.isVisible()
    assert "Database updated to schema" in dlg.labelText()
    (backup,) = _backups(old_file)
    assert backup.name in dlg.labelText()  # the window says where the copy is
    assert q(old_file, "SELECT version_num FROM alembic_version") == [(SCHEMA_HEAD,)]
    assert sorted(q(old_file, "SELECT id, display_id, invoice_number, totals FROM orders")) == orders_before
    assert sorted(q(old_file, "SELECT id, order_id, amount FROM payments")) == payments_before
    # the backup opens, is the file as it was before, and holds the same orders
    assert q(backup, "SELECT version_num FROM alembic_version") == [(PREVIOUS,)]
    assert sorted(q(backup, "SELECT id, display_id, invoice_number, totals FROM orders")) == orders_before
    assert migration_due(old_file) is None


def test_a_failed_migration_leaves_the_file_as_it_was_and_says_why(qtbot, old_file, monkeypatch):
    from ui.launcher import main

    # A file the upgrade cannot write its new revision into (as a damaged or locked-down file would).
    con = sqlite3.connect(old_file)
    con.execute("CREATE TRIGGER no_upgrade BEFORE UPDATE ON alembic_version "
                "BEGIN SELECT RAISE(ABORT, 'this file refuses the upgrade'); END")
    con.commit()
    con.close()
    before = db_fingerprint(old_file)
    messages: list[str] = []

    class Answered(migration_dialog.MigrationDialog):
        def show_failure(self, message: str) -> None:  # the box itself would wait for a click
            messages.append(message)

    monkeypatch.setattr(migration_dialog, "MigrationDialog", Answered)
    with pytest.raises(SystemExit) as ended:
        main(["--db", str(old_file)])
    assert ended.value.code == 1
    (message,) = messages
    assert "rolled back" in message and "as it was" in message and "refuses the upgrade" in message
    assert db_fingerprint(old_file) == before  # not one row changed
    assert q(old_file, "SELECT version_num FROM alembic_version") == [(PREVIOUS,)]
    (backup,) = _backups(old_file)
    assert backup.name in message
    assert q(backup, "SELECT count(*) FROM orders") == [(3,)]


def test_fine_grained_reports_move_the_bar_within_a_revision(qtbot):
    dlg = migration_dialog.MigrationDialog()
    qtbot.addWidget(dlg)

    def opener(listener):
        listener(migration_progress.Progress("0007", 0, 2))
        migration_progress.report = lambda d, t: listener(migration_progress.Progress("0007", 0, 2, d, t))
        try:
            migration_progress.report(500, 1000)
        finally:
            migration_progress.report = migration_progress._nobody
        return "opened"

    assert dlg.run(opener) == "opened"
    assert dlg.value() == 250  # half of the first of two revisions
    assert "500 of 1,000 done" in dlg.labelText() and "(1 of 2)" in dlg.labelText()
