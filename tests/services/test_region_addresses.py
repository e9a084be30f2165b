"""Tax only from the draft's region: an address outside the region's countries is refused in the
services, naming the field, and nothing is written (Medusa refuses such an address too)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.errors import InvalidValue
from app.services import drafts, orders
from tests.conftest import EUR_COURIER, EUR_REGION, NY_ADDRESS, create_draft, db_fingerprint, draft_body

DE_ADDRESS = {"first_name": "Zoë", "last_name": "Müller", "address_1": "Ehrenstraße 1", "city": "Köln",
              "country_code": "de", "postal_code": "50672"}
CA_ADDRESS = {"first_name": "Ann", "address_1": "1 Market St", "city": "San Francisco", "country_code": "us",
              "province": "CA", "postal_code": "94105"}


def test_a_usd_draft_with_a_german_shipping_address_is_refused_naming_the_field(shop) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidValue) as err:
        drafts.create_draft(draft_body(shipping_address=DE_ADDRESS), shop.uow())
    assert err.value.field == "shipping_address"
    assert str(err.value) == "shipping_address: country DE is not in region United States (us)"


def test_a_eur_draft_with_a_californian_billing_address_is_refused(shop) -> None:  # type: ignore[no-untyped-def]
    body = draft_body(region_id=EUR_REGION, shipping_address=DE_ADDRESS, billing_address=CA_ADDRESS,
                      items=[{"title": "Gift wrap", "unit_price": "2.50", "quantity": 1}],
                      shipping_methods=[{"shipping_option_id": EUR_COURIER}])
    with pytest.raises(InvalidValue, match=r"^billing_address: country US is not in region Europe \(at, de") as err:
        drafts.create_draft(body, shop.uow())
    assert err.value.field == "billing_address"


def test_changing_an_address_to_another_regions_country_changes_nothing(app, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    d = create_draft(app)
    before = db_fingerprint(db_path)
    with pytest.raises(InvalidValue) as err:
        drafts.update_draft({"draft_id": d.id, "email": "other@example.com", "shipping_address": DE_ADDRESS},
                            app.uow())
    assert err.value.field == "shipping_address"
    assert db_fingerprint(db_path) == before
    again = drafts.get_draft(d.id, app.uow())
    assert again.email == "ann@example.com" and again.shipping_address.country_code == "us"
    assert again.totals.tax_total > 0  # still New York tax, never German VAT


def test_moving_a_draft_to_a_region_its_address_is_not_in_is_refused(app, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    d = create_draft(app)
    before = db_fingerprint(db_path)
    with pytest.raises(InvalidValue, match="country US is not in region Europe") as err:
        drafts.update_draft({"draft_id": d.id, "region_id": EUR_REGION}, app.uow())
    assert err.value.field == "shipping_address"
    assert db_fingerprint(db_path) == before


def test_an_address_without_a_country_yet_is_taken_and_charged_no_tax(shop) -> None:  # type: ignore[no-untyped-def]
    d = drafts.create_draft(draft_body(shipping_address={"first_name": "Ann", "city": "Somewhere"}),
                            shop.uow()).value
    assert d.totals.tax_total == 0


def test_a_draft_stored_with_a_foreign_address_is_shown_without_that_countrys_tax_and_not_paid(shop) -> None:  # type: ignore[no-untyped-def]
    """A draft saved before this rule (or synced in) may still carry such an address: it is shown
    without the foreign tax, and Mark Paid refuses it with the same message."""
    from dataclasses import replace

    from app.domain.address import Address

    d = create_draft(shop)
    with shop.uow() as uow:
        draft = uow.drafts.get(d.id)
        draft.shipping_address = Address(id=draft.shipping_address.id, **{**DE_ADDRESS, "first_name": "Zoë"})
        uow.drafts.save(draft, "")
        uow.commit()
    shown = drafts.get_draft(d.id, shop.uow())
    assert shown.totals.tax_total == 0 and shown.totals.amount_due == Decimal("53.50")  # 47.50 + 6.00, no VAT
    with pytest.raises(InvalidValue) as err:
        orders.mark_paid({"draft_id": d.id, "tenders": [{"kind": "cash", "amount": "100"}]}, shop.uow())
    assert err.value.field == "shipping_address"
    assert replace(drafts.get_draft(d.id, shop.uow()), updated_at=None).status == "open"


def test_the_same_country_in_its_own_region_is_taxed_as_before(shop) -> None:  # type: ignore[no-untyped-def]
    d = drafts.create_draft(draft_body(shipping_address=dict(NY_ADDRESS)), shop.uow()).value
    assert d.totals.tax_total > 0
