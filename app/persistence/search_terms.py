"""The search box as SQL wants it, in plain Python (no SQLAlchemy): the repositories and the
command line's read-only lists (app.persistence.quick_read) read the same words the same way."""

from __future__ import annotations


def like(q: str) -> str:
    return "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


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
