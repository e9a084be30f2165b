"""Customers: pulled from the shop server or created at this till (and then pushed)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import selectinload

from app.domain.catalog import Customer
from app.domain.errors import NotFound

from .. import mapping as m
from .. import records as rec
from .. import rows as r
from ..records import ADDRESS_FIELDS
from ._base import SqlRepository, like, match_terms, newest_matches


class SqlCustomerRepository(SqlRepository):
    def get(self, customer_id: str) -> Customer:
        row = self.s.get(r.CustomerRow, customer_id, options=[selectinload(r.CustomerRow.addresses)])
        if row is None:
            raise NotFound(f"customer {customer_id} does not exist", field="customer_id")
        return m.customer(row)

    def names(self, customer_ids: list[str]) -> dict[str, str]:
        """The full names of many customers in one statement (a list page's drafts)."""
        if not customer_ids:
            return {}
        stmt = select(r.CustomerRow.id, r.CustomerRow.first_name, r.CustomerRow.last_name).where(
            r.CustomerRow.id.in_(set(customer_ids)))
        return {i: " ".join(p for p in (first, last) if p) for i, first, last in self.s.execute(stmt)}

    def by_email(self, email: str) -> Customer | None:
        row = self.s.scalars(select(r.CustomerRow).where(func.lower(r.CustomerRow.email) == email.strip().lower())
                             .options(selectinload(r.CustomerRow.addresses))).first()
        return None if row is None else m.customer(row)

    def search(self, q: str, limit: int = 25) -> list[Customer]:
        """Every word in the name, email, company or phone (digits); a phone number typed with
        spaces or + is one number. Words of 3+ characters go through the trigram index (0007)."""
        stmt = select(r.CustomerRow).options(selectinload(r.CustomerRow.addresses))
        digits = "".join(ch for ch in q if ch.isdigit())
        phone_like = len(digits) >= 4 and digits == q.replace(" ", "").lstrip("+")
        expr, short = match_terms(digits if phone_like else q)
        if expr:
            stmt = stmt.where(literal_column("customers.rowid").in_(newest_matches("customers_search", expr)))
        stmt = stmt.where(*[r.CustomerRow.search_text.like(like(w), escape="\\") for w in short])
        stmt = stmt.order_by(r.CustomerRow.last_name, r.CustomerRow.first_name, r.CustomerRow.id).limit(limit)
        return [m.customer(x) for x in self.s.scalars(stmt)]

    def created_locally(self) -> list[Customer]:
        rows = self.s.scalars(select(r.CustomerRow).where(r.CustomerRow.created_locally.is_(True)))
        return [m.customer(x) for x in rows]

    def add(self, c: Customer, *, created_locally: bool) -> None:
        self.log.catalog()
        self.upsert(_customer_dict(c), created_locally=created_locally)

    def upsert(self, d: dict[str, Any], *, created_locally: bool = False) -> None:
        """Insert or replace one customer given in the neutral catalog shape."""
        row = self.s.get(r.CustomerRow, d["id"], options=[selectinload(r.CustomerRow.addresses)])
        values = rec.customer(d)
        if row is None:
            row = r.CustomerRow(created_locally=created_locally, **values)
            self.s.add(row)
        else:
            for k, v in values.items():
                setattr(row, k, v)
        row.addresses = [r.CustomerAddressRow(**a) for a in rec.customer_addresses(d)]

    # -- the sync's view: server ids of customers created here ---------------------------
    def sync_info(self, customer_id: str) -> dict[str, Any] | None:
        """The customer as the push needs it (created here? known to the server as?)."""
        row = self.s.get(r.CustomerRow, customer_id)
        if row is None:
            return None
        return dict(id=row.id, email=row.email, first_name=row.first_name, last_name=row.last_name,
                    phone=row.phone, company_name=row.company_name, created_locally=bool(row.created_locally),
                    server_id=row.server_id, addresses=tuple(
                        {k: getattr(a, k) for k in (*ADDRESS_FIELDS, "is_default_shipping", "is_default_billing")}
                        for a in row.addresses))

    def set_server_id(self, customer_id: str, server_id: str) -> None:
        row = self.s.get(r.CustomerRow, customer_id)
        if row is None:
            raise KeyError(customer_id)
        self.log.catalog()
        row.server_id = server_id

    def local_ids_by_server_id(self) -> dict[str, str]:
        """Customers created at this till and already pushed: server id -> local id."""
        return {sid: lid for lid, sid in self.s.execute(
            select(r.CustomerRow.id, r.CustomerRow.server_id).where(r.CustomerRow.server_id.is_not(None)))
            if sid is not None}

def _customer_dict(c: Customer) -> dict[str, Any]:
    return {"id": c.id, "email": c.email, "first_name": c.first_name, "last_name": c.last_name,
            "phone": c.phone, "company_name": c.company_name, "has_account": c.has_account,
            "addresses": [{k: getattr(a, k) for k in a.__dataclass_fields__} for a in c.addresses]}
