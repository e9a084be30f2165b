"""How far a schema migration at start-up has got, for whoever shows it (the window's dialog).

The start-up reports each revision as it begins (``Progress.index`` of ``Progress.count``). A long
migration may also report inside its revision by calling the module-level ``report(done, total)``
(for instance every 10,000 rows copied); looked up at call time, so write it as
``migration_progress.report(done, total)`` after ``from app.persistence import migration_progress``.
Outside a migration that the start-up watches, ``report`` does nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Progress:
    revision: str  # the revision being applied (the head once all are done)
    index: int  # how many of the due revisions are finished
    count: int  # how many revisions are due
    done: int = 0  # within the revision, as the migration reported it (0 of 0: nothing reported)
    total: int = 0
    backup: str | None = None  # the copy of the file taken before migrating, kept whatever happens

    @property
    def fraction(self) -> float:
        """0.0 to 1.0 over the whole migration (a display figure, never money)."""
        if self.count <= 0:
            return 1.0
        inner = min(self.done / self.total, 1.0) if self.total > 0 else 0.0
        return min((self.index + inner) / self.count, 1.0)


Report = Callable[[int, int], None]
Listener = Callable[[Progress], None]


def _nobody(done: int, total: int) -> None:
    return None


report: Report = _nobody
