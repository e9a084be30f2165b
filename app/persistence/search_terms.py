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


def indexed_part(word: str) -> str:
    """What of a word the trigram index is asked for. An email's domain (`@example.com`) is shared
    by most customers, so each of its trigrams lists most of the rows: on a million orders a whole
    email took 50 to 150 ms in the index, its part before the `@` 9 to 28 ms. The whole word is
    then checked with LIKE on the rows found (match_terms)."""
    if "@" in word:
        local = word.split("@", 1)[0]
        if len(local) >= TRIGRAM:
            return local
    return word


def match_terms(q: str | None) -> tuple[str | None, list[str]]:
    """The search box as (an FTS5 MATCH expression for its words of 3+ characters, all of which
    must appear, or None; the words to check with LIKE on the rows found: the shorter ones, and the
    whole of a word the index was asked only part of). Each indexed word is one quoted phrase, so
    nothing typed is read as FTS5 syntax."""
    if not q or not q.strip():
        return None, []
    parts = q.lower().replace("#", " ").split()
    long = [w for w in parts if len(w) >= TRIGRAM]
    checked = [w for w in parts if len(w) < TRIGRAM]
    indexed = []
    for w in long:
        part = indexed_part(w)
        indexed.append(part)
        if part != w:
            checked.append(w)
    expr = " AND ".join('"' + w.replace('"', '""') + '"' for w in indexed) if indexed else None
    return expr, checked
