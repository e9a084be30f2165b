"""Which file `--db` may open: a missing one only with --create or --demo, never an empty path,
never a fifo or a folder, and only a Tilldesk database (by `PRAGMA application_id`, or for files
from before the marker a known revision with Tilldesk's tables). Everything refused stays
byte-identical."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from app.persistence.db import APPLICATION_ID, DatabaseError, open_database
from tests.cli.inproc import call, refused
from tests.migrations.make_schema_0001 import FIXTURE, empty_at_revision


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def app_id(path: Path) -> int:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(con.execute("PRAGMA application_id").fetchone()[0])
    finally:
        con.close()


def test_a_missing_db_is_refused_without_create_and_nothing_is_made(tmp_path: Path) -> None:
    missing = tmp_path / "sub" / "shop.sqlit"
    line = refused(call("--db", str(missing), "draft", "list"))
    assert "--db" in line and "does not exist" in line and "--create" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("flag", ["--create", "--demo"])
def test_create_or_demo_make_a_new_marked_database(tmp_path: Path, flag: str) -> None:
    db = tmp_path / "new" / "shop.sqlite"
    res = call("draft", "list", "--db", str(db), flag)  # global options after the subcommand
    assert res.code == 0, res
    assert db.is_file() and app_id(db) == APPLICATION_ID


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_db_path_is_refused(tmp_path: Path, value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILLDESK_DB", str(tmp_path / "default.sqlite"))
    line = refused(call("--db", value, "draft", "list"))
    assert "--db: the path is empty" in line
    assert list(tmp_path.iterdir()) == []


def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "f.sqlite"
    os.mkfifo(fifo)
    line = refused(call("--db", str(fifo), "draft", "list"), code=1)
    assert "not a regular file" in line


def test_a_folder_is_refused(tmp_path: Path) -> None:
    line = refused(call("--db", str(tmp_path), "draft", "list"), code=1)
    assert "is a folder" in line


def _foreign(path: Path, alembic_rows: list[str]) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    for r in alembic_rows:
        con.execute("INSERT INTO alembic_version VALUES (?)", (r,))
    con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    con.execute("INSERT INTO notes (body) VALUES ('buy milk')")
    con.commit()
    con.close()


@pytest.mark.parametrize("rows", [["0001"], ["0003"], []], ids=["at-0001", "at-head", "empty-alembic"])
def test_another_programs_alembic_database_is_refused_byte_identical(tmp_path: Path, rows: list[str]) -> None:
    other = tmp_path / "other.sqlite"
    _foreign(other, rows)
    before = digest(other)
    line = refused(call("--db", str(other), "draft", "list"), code=1)
    assert "another program" in line and "Nothing was changed" in line
    with pytest.raises(DatabaseError, match="another program"):
        open_database(other)
    assert digest(other) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite"]


def test_a_foreign_application_id_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    empty_at_revision(other, "0003")  # Tilldesk's tables, but another program's marker
    con = sqlite3.connect(other)
    con.execute("PRAGMA application_id = 1234")
    con.commit()
    con.close()
    before = digest(other)
    assert "another program" in refused(call("--db", str(other), "draft", "list"), code=1)
    assert digest(other) == before


def test_an_unknown_revision_is_not_tilldesk_or_newer(tmp_path: Path) -> None:
    db = tmp_path / "shop.sqlite"
    assert call("--db", str(db), "--create", "draft", "list").code == 0
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num = 'zz_unknown'")
    con.commit()
    con.close()
    before = digest(db)
    line = refused(call("--db", str(db), "draft", "list"), code=1)
    assert "not a Tilldesk database or from a newer Tilldesk" in line and "zz_unknown" in line
    assert digest(db) == before


@pytest.mark.parametrize("revision", ["0001", "0002", "0003"])
def test_tilldesk_files_from_before_the_marker_open_and_get_it(tmp_path: Path, revision: str) -> None:
    db = tmp_path / "till.sqlite"
    empty_at_revision(db, revision)
    con = sqlite3.connect(db)
    con.execute("PRAGMA application_id = 0")  # as every file before the marker was
    con.commit()
    con.close()
    assert app_id(db) == 0
    res = call("--db", str(db), "draft", "list")
    assert res.code == 0, res
    assert app_id(db) == APPLICATION_ID


def test_the_committed_first_release_fixture_opens_and_gets_the_marker(tmp_path: Path) -> None:
    db = tmp_path / "till.sqlite"
    shutil.copy(FIXTURE, db)
    assert app_id(db) == 0
    res = call("--db", str(db), "order", "list")
    assert res.code == 0, res
    assert app_id(db) == APPLICATION_ID
