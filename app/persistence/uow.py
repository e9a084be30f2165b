"""The SQL unit of work. One unit of work per user action: one transaction (BEGIN IMMEDIATE),
explicit commit, rollback by default. The repositories note what they write in the unit of
work's change log, which the service hands back with its result."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from app.domain.changes import ChangeLog, Changes
from app.domain.staff import Actor

from .repositories import (
    SqlCatalogRepository,
    SqlCounterRepository,
    SqlCustomerRepository,
    SqlDraftRepository,
    SqlOrderRepository,
    SqlOutboxRepository,
    SqlPrintRepository,
    SqlRefundRepository,
    SqlSettingsRepository,
    SqlShiftRepository,
)
from .repositories.staff import SqlAuditRepository, SqlStaffRepository


class SqlUnitOfWork:
    """`with uow:` opens the transaction; `uow.commit()` makes it durable; leaving without
    commit rolls everything back, so an error never leaves half a record behind."""

    settings: SqlSettingsRepository
    counters: SqlCounterRepository
    catalog: SqlCatalogRepository
    customers: SqlCustomerRepository
    drafts: SqlDraftRepository
    orders: SqlOrderRepository
    outbox: SqlOutboxRepository
    prints: SqlPrintRepository
    staff: SqlStaffRepository
    audit: SqlAuditRepository
    shifts: SqlShiftRepository
    refunds: SqlRefundRepository

    def __init__(self, session_factory: Callable[[], Session], actor: Actor | None = None) -> None:
        self._factory = session_factory
        self._actor = actor
        self._session: Session | None = None
        self._log = ChangeLog()

    def __enter__(self) -> SqlUnitOfWork:
        self._session = s = self._factory()
        self._log = log = ChangeLog()
        self.settings = SqlSettingsRepository(s, log)
        self.counters = SqlCounterRepository(s, log)
        self.catalog = SqlCatalogRepository(s, log)
        self.customers = SqlCustomerRepository(s, log)
        self.drafts = SqlDraftRepository(s, log)
        self.orders = SqlOrderRepository(s, log)
        self.outbox = SqlOutboxRepository(s, log)
        self.prints = SqlPrintRepository(s, log)
        self.staff = SqlStaffRepository(s, log)
        self.audit = SqlAuditRepository(s, log)
        self.shifts = SqlShiftRepository(s, log)
        self.refunds = SqlRefundRepository(s, log)
        return self

    def __exit__(self, *exc: object) -> None:
        s = self._open()
        try:
            s.rollback()
        finally:
            s.close()
            self._session = None

    @property
    def actor(self) -> Actor | None:
        """The signed-in staff member this unit of work acts for (None: nobody, or staff is off)."""
        return self._actor

    @property
    def changes(self) -> Changes:
        """What this unit of work wrote so far."""
        return self._log.changes()

    def _open(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is not open: use it in a `with` block")
        return self._session

    def commit(self) -> None:
        self._open().commit()

    def flush(self) -> None:
        self._open().flush()
