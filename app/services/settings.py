"""The till's settings: declared once with defaults (like Picard's), stored in the database,
validated per field. Secrets are NOT settings: the API key lives in the keyring or environment."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.domain.invoice_numbers import validate_prefix
from app.domain.permissions import GuardedAction
from app.domain.tills import validate_till_code

from . import guard
from .audit import record as audit_record
from .context import UnitOfWork
from .errors import parse
from .tills import check_code_change


class ShopDetails(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    name: Annotated[str, Field(max_length=200)] = "My shop"
    address_1: str | None = None
    address_2: str | None = None
    city: str | None = None
    postal_code: str | None = None
    province: str | None = None
    country_code: str | None = None
    phone: str | None = None
    email: str | None = None
    tax_id: str | None = None
    footer: str | None = None
    logo_path: str | None = None


class TillSettings(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, validate_assignment=True)
    till_name: Annotated[str, Field(min_length=1, max_length=60)] = "Till 1"
    invoice_prefix: str = "TD"
    # part of every invoice and credit note number (TD-A1-2026-000001); None only in files from
    # before till codes, which keep numbering TD-2026-000001 until they are given one
    till_code: str | None = None
    locale: str = "en_US"
    default_region_id: str | None = None
    default_sales_channel_id: str | None = None
    shop: ShopDetails = Field(default_factory=ShopDetails)
    # printing
    default_printer: str | None = None  # None: the system default
    print_dialog: bool = True
    auto_print_receipt: bool = False
    escpos_host: str | None = None
    escpos_port: Annotated[int, Field(ge=1, le=65535)] = 9100
    # barcode scanner (keyboard wedge): a burst of at least scanner_min_length characters, each
    # within scanner_max_gap_ms of the last, ended by Enter, is a scan wherever the focus is
    scanner_max_gap_ms: Annotated[int, Field(ge=5, le=200)] = 35
    scanner_min_length: Annotated[int, Field(ge=2, le=64)] = 5
    # sync (the API key is deliberately absent)
    backend_url: str | None = None
    backend_kind: str = "medusa-v2"
    sync_interval_seconds: Annotated[int, Field(ge=30, le=86400)] = 300
    # staff: the window locks itself after this many minutes without a key or a click (0: never)
    idle_lock_minutes: Annotated[int, Field(ge=0, le=480)] = 5
    # counter: Mark Paid refuses without an open shift (services.shifts.shift_required)
    require_shift: bool = False

    @field_validator("invoice_prefix")
    @classmethod
    def _prefix(cls, v: str) -> str:
        return validate_prefix(v)

    @field_validator("till_code", mode="before")
    @classmethod
    def _till_code(cls, v: object) -> str | None:
        return None if v is None or (isinstance(v, str) and not v.strip()) else validate_till_code(v)


KEYS = tuple(TillSettings.model_fields)
# Changing where the till syncs to is its own guarded action (GuardedAction.BACKEND).
BACKEND_KEYS = ("backend_url", "backend_kind", "sync_interval_seconds")


def load_settings(uow: UnitOfWork) -> TillSettings:
    with uow:
        stored = uow.settings.all()
    return TillSettings.model_validate({k: v for k, v in stored.items() if k in KEYS})


def save_settings(changes: dict[str, Any], uow: UnitOfWork) -> TillSettings:
    with uow:
        current = {k: v for k, v in uow.settings.all().items() if k in KEYS}
        merged = parse(TillSettings, {**current, **changes})
        check_code_change(uow, TillSettings.model_validate(current).till_code, merged.till_code)
        if merged.default_region_id:
            uow.catalog.region(merged.default_region_id)
        if merged.default_sales_channel_id:
            uow.catalog.sales_channel(merged.default_sales_channel_id)
        new = merged.model_dump(mode="json")
        old = TillSettings.model_validate(current).model_dump(mode="json")
        changed = {k: v for k, v in new.items() if old.get(k) != v}
        backend = {k: v for k, v in changed.items() if k in BACKEND_KEYS}
        others = {k: v for k, v in changed.items() if k not in BACKEND_KEYS}
        if backend:
            guard.require(uow, GuardedAction.BACKEND)
            audit_record(uow, "backend_changed", None, backend)
        if others:
            guard.require(uow, GuardedAction.SETTINGS)
            audit_record(uow, "settings_changed", None, others)
        for k, v in new.items():
            uow.settings.set(k, v)
        uow.commit()
        return merged
