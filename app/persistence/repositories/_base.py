"""What every SQL repository shares: the unit of work's session and its change log, and the
search-box helpers of the list views."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.domain.changes import ChangeLog
from app.persistence.search_terms import COUNT_CAP, TRIGRAM, display_ids, like, match_terms

__all__ = ["SqlRepository", "like", "words", "display_ids", "match_terms", "COUNT_CAP", "TRIGRAM", "fts_table",
           "matches", "newest_matches", "PICK_CAP"]

#: A type-ahead pick list (products, customers) is sorted by name from at most this many matches,
#: the newest: a fragment such as "knif" matches 7,000 of 100,000 variants, and joining and
#: sorting all of them took 30 ms a keystroke where these take 2. The pick list shows 20 or 25
#: rows, so a fragment matching hundreds is typed on either way; a scanned SKU or barcode is
#: looked up exactly, not through this list.
PICK_CAP = 500


class SqlRepository:
    def __init__(self, s: Session, log: ChangeLog | None = None) -> None:
        self.s = s
        self.log = log if log is not None else ChangeLog()

    def _hold(self, row: Any) -> Any:
        """Keep ``row`` alive for the rest of the unit of work. The session's identity map holds
        rows weakly: a draft read, turned into a domain object and dropped was read again (five
        statements with its lines and addresses) by the next ``get`` of the same unit of work;
        Mark Paid read its draft three times, and the invoice its order twice."""
        self.s.info.setdefault("tilldesk_held", {})[(type(row), id(row))] = row
        return row


def words(column: Any, q: str | None) -> list[Any]:
    """Every word of the search box must appear somewhere in the row's search text."""
    if not q or not q.strip():
        return []
    return [column.like(like(w), escape="\\") for w in q.lower().replace("#", " ").split()]


def fts_table(name: str) -> Any:
    """A search index (app.persistence.search_index) as a selectable: its rowid, and the MATCH."""
    from sqlalchemy import column, table

    return table(name, column("rowid"))


def matches(name: str, expr: str) -> Any:
    from sqlalchemy import literal_column

    return literal_column(name).op("MATCH")(expr)


def newest_matches(name: str, expr: str) -> Any:
    """The rowids of the ``PICK_CAP`` newest rows the index ``name`` matches, for ``rowid IN (...)``."""
    from sqlalchemy import select

    fts = fts_table(name)
    return select(fts.c.rowid).where(matches(name, expr)).order_by(fts.c.rowid.desc()).limit(PICK_CAP)
