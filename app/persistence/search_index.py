"""The full-text search indexes (migration 0007): one FTS5 table with the trigram tokenizer per
searched table, over that table's `search_text` (lower-cased names, emails, phones and their
digits, numbers, SKUs and barcodes), kept in step by triggers.

External content (`content=`) keeps no second copy of the text; the index maps trigrams to the
base table's rowid. A trigram index answers any substring of three or more characters, which is
what a search box types; shorter words are checked with LIKE on the rows found (or scanned).

A later migration that rebuilds one of these tables (alembic's batch "recreate") drops its
triggers and may renumber its rowids: it must call `create(conn, [table])` again, which rebuilds
that index. tests/search checks at head that every index is in step."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

#: base table -> its FTS5 table
INDEXED = {"variants": "variants_search", "customers": "customers_search", "orders": "orders_search"}

CHUNK = 50_000  # rows per INSERT ... SELECT while filling: the step at which progress is reported


def fts_name(table: str) -> str:
    return INDEXED[table]


def _exec(conn: Any, sql: str, params: tuple[Any, ...] = ()) -> Any:
    return conn.exec_driver_sql(sql, params) if params else conn.exec_driver_sql(sql)


def drop(conn: Any, tables: Iterable[str] = tuple(INDEXED)) -> None:
    for table in tables:
        fts = INDEXED[table]
        for suffix in ("ai", "ad", "au"):
            _exec(conn, f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        _exec(conn, f"DROP TABLE IF EXISTS {fts}")


def create(conn: Any, tables: Iterable[str] = tuple(INDEXED),
           progress: Callable[[int, int], None] | None = None) -> None:
    """Create the indexes and their triggers, and fill them from the rows already there."""
    tables = list(tables)
    drop(conn, tables)
    for table in tables:
        fts = INDEXED[table]
        _exec(conn, f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}', "
                    "content_rowid='rowid', tokenize='trigram')")
    counts = {t: _exec(conn, f"SELECT count(*), coalesce(min(rowid), 0), coalesce(max(rowid), 0) FROM {t}").one()
              for t in tables}
    total = sum(c[0] for c in counts.values())
    done = 0
    if progress:
        progress(0, total)
    for table in tables:
        fts = INDEXED[table]
        n, lo, hi = counts[table]
        start = lo
        while n and start <= hi:
            res = _exec(conn, f"INSERT INTO {fts}(rowid, search_text) SELECT rowid, search_text FROM {table} "
                              "WHERE rowid >= ? AND rowid < ?", (start, start + CHUNK))
            start += CHUNK
            done += max(res.rowcount or 0, 0)
            if progress:
                progress(min(done, total), total)
        # Written only after the fill, so the fill pays for no trigger.
        _exec(conn, f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
                    f"INSERT INTO {fts}(rowid, search_text) VALUES (new.rowid, new.search_text); END")
        _exec(conn, f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
                    f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); END")
        _exec(conn, f"CREATE TRIGGER {fts}_au AFTER UPDATE OF search_text ON {table} BEGIN "
                    f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); "
                    f"INSERT INTO {fts}(rowid, search_text) VALUES (new.rowid, new.search_text); END")
    if progress:
        progress(total, total)
