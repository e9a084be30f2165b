"""Addresses as Medusa's API documents name their fields. Validation of countries, provinces and
phone numbers needs data packages and lives at the edge (services); the domain holds the shape."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

ADDRESS_FIELDS = (
    "first_name", "last_name", "phone", "company", "address_1", "address_2",
    "city", "country_code", "province", "postal_code",
)


@dataclass(frozen=True, slots=True)
class Address:
    id: str
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    company: str | None = None
    address_1: str | None = None
    address_2: str | None = None
    city: str | None = None
    country_code: str | None = None
    province: str | None = None
    postal_code: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    def same_place_as(self, other: "Address | None") -> bool:
        return other is not None and all(getattr(self, f) == getattr(other, f) for f in ADDRESS_FIELDS)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}
