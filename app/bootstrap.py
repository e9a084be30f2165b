"""The one place that wires real adapters together: the SQLite file, the unit of work factory."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from app.domain.staff import Actor, Approval
from app.paths import default_db_path
from app.persistence.db import Database, open_database
from app.persistence.uow import SqlUnitOfWork
from app.services.demo import load_demo_shop

log = logging.getLogger(__name__)

T = TypeVar("T")

# A manager's approval for the one call running in this thread (App.approved); each worker thread
# has its own context, so an approval never leaks into another thread's unit of work.
_APPROVAL: ContextVar[Approval | None] = ContextVar("tilldesk_approval", default=None)


@dataclass
class App:
    db: Database
    actor: Actor | None = None  # the signed-in staff member (app.services.staff.sign_in)

    def uow(self, approval: Approval | None = None) -> SqlUnitOfWork:
        """A unit of work acting as the signed-in staff member; ``approval``: a manager's PIN
        for the one guarded action this unit of work does (app.services.staff.approve)."""
        approval = approval or _APPROVAL.get()
        actor = self.actor.with_approval(approval) if self.actor is not None and approval else self.actor
        return SqlUnitOfWork(self.db.session_factory, actor)

    def approved(self, approval: Approval, call: Callable[[], T]) -> T:
        """Run ``call`` with every unit of work it opens through ``uow()`` carrying ``approval``:
        the window retrying one guarded action after a manager typed their PIN."""
        token = _APPROVAL.set(approval)
        try:
            return call()
        finally:
            _APPROVAL.reset(token)

    @property
    def archive_dir(self) -> Path:
        """Invoice PDFs are archived beside the database, one file per print."""
        return self.db.path.parent / f"{self.db.path.stem}-invoices"

    def close(self) -> None:
        self.db.dispose()


def start(db_path: str | os.PathLike[str] | None = None, *, demo: bool | None = None,
          create: bool = True, progress: Callable[[Any], None] | None = None) -> App:
    """Open (and migrate) the database. The demo shop is loaded on a first start of the default
    database, or whenever `demo` is True and the catalog is empty. With `create` False a missing
    file is refused instead of made (the command line without --create). ``progress`` hears of each
    revision of a schema migration (app.persistence.migration_progress)."""
    path = Path(db_path) if db_path else default_db_path()
    is_default = db_path is None
    db = open_database(path, create=create, progress=progress)
    app = App(db=db)
    if demo or (demo is None and is_default):
        if load_demo_shop(app.uow()):
            log.info("loaded the demo shop into %s", path)
    return app


PIN_ENV, APPROVER_PIN_ENV = "TILLDESK_PIN", "TILLDESK_APPROVER_PIN"


def _pin(env: str, option: str, name: str) -> str:
    from app.domain.errors import InvalidValue

    pin = os.environ.get(env)
    if not pin:
        raise InvalidValue(f"not set; put the PIN of {option} {name} in this environment variable", field=env)
    return pin


def sign_in_from_env(app: App, name: str | None, approver: str | None) -> App:
    """Who acts in a command (the CLI's ``--staff NAME`` and ``--approver NAME``, also the sync's
    own commands): the PINs come from ``TILLDESK_PIN`` and ``TILLDESK_APPROVER_PIN`` only, never
    from arguments, which other users of the machine can see in the process list. A wrong or
    missing PIN raises a DomainError before anything is written (the failed attempt itself is
    counted and audited by the staff service)."""
    from app.domain.errors import InvalidValue
    from app.services import staff

    if not name:
        if approver:
            raise InvalidValue("also give --staff, the staff member asking for approval", field="--approver")
        return app
    pin = _pin(PIN_ENV, "--staff", name)
    apin = _pin(APPROVER_PIN_ENV, "--approver", approver) if approver else None
    actor = staff.sign_in(name, pin, app.uow(), session=False).value
    if approver and apin:
        actor = actor.with_approval(staff.approve(approver, apin, app.uow()))
    app.actor = actor
    return app
