"""What every SQL repository shares: the unit of work's session and its change log, and the
search-box helpers of the list views."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.domain.changes import ChangeLog


class SqlRepository:
    def __init__(self, s: Session, log: ChangeLog | None = None) -> None:
        self.s = s
        self.log = log if log is not None else ChangeLog()


def like(q: str) -> str:
    return "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def words(column: Any, q: str | None) -> list[Any]:
    """Every word of the search box must appear somewhere in the row's search text."""
    if not q or not q.strip():
        return []
    return [column.like(like(w), escape="\\") for w in q.lower().replace("#", " ").split()]


def display_ids(q: str | None) -> tuple[str | None, list[int]]:
    """'#12' in the search box means display id 12 exactly, not every row whose text holds a 12
    (a phone number, a year); for orders it is the order's own number, not its draft's."""
    if not q:
        return q, []
    parts = q.split()
    wanted = [int(w[1:]) for w in parts if len(w) > 1 and w[0] == "#" and w[1:].isdigit()]
    rest = " ".join(w for w in parts if not (len(w) > 1 and w[0] == "#" and w[1:].isdigit()))
    return rest, wanted


#: A text search counts its matches up to this many (app.services.dto.ListPage.count).
COUNT_CAP = 10_000

#: Words this long or longer are answered by the trigram indexes (migration 0007).
TRIGRAM = 3


def match_terms(q: str | None) -> tuple[str | None, list[str]]:
    """The search box as (an FTS5 MATCH expression for its words of 3+ characters, all of which
    must appear, or None; its shorter words, to check with LIKE). Each long word is one quoted
    phrase, so nothing typed is read as FTS5 syntax."""
    if not q or not q.strip():
        return None, []
    parts = q.lower().replace("#", " ").split()
    long = [w for w in parts if len(w) >= TRIGRAM]
    short = [w for w in parts if len(w) < TRIGRAM]
    expr = " AND ".join('"' + w.replace('"', '""') + '"' for w in long) if long else None
    return expr, short


def fts_table(name: str) -> Any:
    """A search index (app.persistence.search_index) as a selectable: its rowid, and the MATCH."""
    from sqlalchemy import column, table

    return table(name, column("rowid"))


def matches(name: str, expr: str) -> Any:
    from sqlalchemy import literal_column

    return literal_column(name).op("MATCH")(expr)
