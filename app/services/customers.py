"""Customers taken on the phone: created locally (and pushed to the backend by the sync), with a
look for similar existing customers first so the shop does not collect duplicates."""

from __future__ import annotations

from typing import Any

from app.domain import ids
from app.domain.catalog import Customer, CustomerAddress
from app.domain.changes import OpResult
from app.domain.errors import InvalidValue

from .commands import NewCustomer
from .context import UnitOfWork
from .errors import parse


def similar_customers(cmd: NewCustomer | dict[str, Any], uow: UnitOfWork, limit: int = 5) -> list[Customer]:
    """Existing customers with the same email or phone, or the same first and last name."""
    cmd = parse(NewCustomer, cmd)
    found: dict[str, Customer] = {}
    with uow:
        by_email = uow.customers.by_email(str(cmd.email))
        if by_email is not None:
            found[by_email.id] = by_email
        if cmd.phone:
            for c in uow.customers.search(cmd.phone.lstrip("+"), limit):
                found.setdefault(c.id, c)
        name = " ".join(x for x in (cmd.first_name, cmd.last_name) if x)
        if name:
            for c in uow.customers.search(name, limit):
                if (c.first_name or "").lower() == (cmd.first_name or "").lower() and \
                        (c.last_name or "").lower() == (cmd.last_name or "").lower():
                    found.setdefault(c.id, c)
    return list(found.values())[:limit]


def create_customer(cmd: NewCustomer | dict[str, Any], uow: UnitOfWork) -> OpResult[Customer]:
    cmd = parse(NewCustomer, cmd)
    with uow:
        if uow.customers.by_email(str(cmd.email)) is not None:
            raise InvalidValue(f"a customer with the email {cmd.email} already exists", field="email")
        addresses: tuple[CustomerAddress, ...] = ()
        if cmd.address is not None:
            a = cmd.address
            addresses = (CustomerAddress(
                id=ids.new_id("cuaddr"), first_name=a.first_name or cmd.first_name,
                last_name=a.last_name or cmd.last_name, company=a.company, address_1=a.address_1,
                address_2=a.address_2, city=a.city, province=a.province, postal_code=a.postal_code,
                country_code=a.country_code, phone=a.phone or cmd.phone, is_default_shipping=True,
                is_default_billing=True),)
        customer = Customer(id=ids.new_id(ids.PREFIXES["customer"]), email=str(cmd.email), first_name=cmd.first_name,
                            last_name=cmd.last_name, phone=cmd.phone, company_name=cmd.company_name,
                            addresses=addresses)
        uow.customers.add(customer, created_locally=True)
        uow.commit()
        return OpResult(customer, uow.changes)
