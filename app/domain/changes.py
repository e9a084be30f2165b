"""What a user action changed (after Anki's ``OpChanges``): the unit of work notes each write as
it happens, and the service hands the set back with its result, so the window refreshes from the
truth instead of a change set written by hand at each call site."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Changes:
    """What a user action changed, so views refresh only what they show."""

    draft_ids: tuple[str, ...] = ()
    order_ids: tuple[str, ...] = ()
    catalog: bool = False
    settings: bool = False
    outbox: bool = False
    prints: bool = False

    def __bool__(self) -> bool:
        return bool(self.draft_ids or self.order_ids or self.catalog or self.settings or self.outbox
                    or self.prints)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            draft_ids=_union(self.draft_ids, other.draft_ids), order_ids=_union(self.order_ids, other.order_ids),
            catalog=self.catalog or other.catalog, settings=self.settings or other.settings,
            outbox=self.outbox or other.outbox, prints=self.prints or other.prints)


def _union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    return a + tuple(x for x in b if x not in a)


@dataclass(frozen=True, slots=True)
class OpResult(Generic[T]):
    """A service's answer to a user action: its value and what it changed on disk."""

    value: T
    changes: Changes


class ChangeLog:
    """Filled by the repositories as they write, read by the service once it committed. Belongs
    to one unit of work, on one thread."""

    def __init__(self) -> None:
        self._drafts: list[str] = []
        self._orders: list[str] = []
        self._flags: set[str] = set()

    def draft(self, draft_id: str) -> None:
        if draft_id not in self._drafts:
            self._drafts.append(draft_id)

    def order(self, order_id: str) -> None:
        if order_id not in self._orders:
            self._orders.append(order_id)

    def catalog(self) -> None:
        self._flags.add("catalog")

    def settings(self) -> None:
        self._flags.add("settings")

    def outbox(self) -> None:
        self._flags.add("outbox")

    def prints(self) -> None:
        self._flags.add("prints")

    def changes(self) -> Changes:
        f = self._flags
        return Changes(draft_ids=tuple(self._drafts), order_ids=tuple(self._orders), catalog="catalog" in f,
                       settings="settings" in f, outbox="outbox" in f, prints="prints" in f)
