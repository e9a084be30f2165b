"""Till codes: part of every invoice and credit note number, one gapless sequence per till,
validated with a message naming the field, and frozen once a number was taken with them. On a
real SQLite file and on the in-memory unit of work alike (the ``shop`` fixture)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from app.domain.errors import InvalidValue
from app.domain.tills import code_of_prefix, validate_till_code
from app.services import queries, refunds, tills
from app.services.errors import InputError
from app.services.settings import load_settings, save_settings
from tests.conftest import create_draft, mark_paid

YEAR = datetime.now(UTC).year


@pytest.mark.parametrize("bad", ["", "A", "ABCDEFG", "A-1", "A 1", "Ä1", "cn", 12])
def test_a_bad_code_is_refused_naming_the_field(bad: object) -> None:
    with pytest.raises(InvalidValue) as e:
        validate_till_code(bad)
    assert e.value.field == "till_code" and "\n" not in str(e.value)


def test_codes_are_upper_cased_and_prefixes_name_their_till() -> None:
    assert validate_till_code(" a1 ") == "A1" and validate_till_code("back99") == "BACK99"
    assert [code_of_prefix(p) for p in ("TD", "TD-CN", "TD-A1", "TD-A1-CN")] == [None, None, "A1", "A1"]


def test_numbers_carry_the_code_and_each_till_counts_on_its_own(shop: Any) -> None:
    before = mark_paid(shop, create_draft(shop).id)
    assert before.invoice_number == f"TD-{YEAR}-000001"  # a file without a code numbers as it did
    tills.set_till(shop.uow(), "a1", "Front desk")
    first = mark_paid(shop, create_draft(shop).id)
    second = mark_paid(shop, create_draft(shop).id)
    assert (first.invoice_number, second.invoice_number) == (f"TD-A1-{YEAR}-000001", f"TD-A1-{YEAR}-000002")
    cn = refunds.refund_order({"order_id": first.id, "amount": "1.00",
                               "tenders": [{"kind": "cash", "amount": "1.00"}]}, shop.uow()).value
    assert cn.refunds[0].credit_note_number == f"TD-A1-CN-{YEAR}-000001"
    # old numbers still resolve, and the new ones too
    for o in (before, first):
        assert queries.resolve_id("order", o.invoice_number, shop.uow()) == o.id
    assert load_settings(shop.uow()).till_code == "A1" and load_settings(shop.uow()).till_name == "Front desk"


def test_the_code_is_frozen_once_it_numbered_an_invoice(shop: Any) -> None:
    tills.set_till(shop.uow(), "A1")
    tills.set_till(shop.uow(), "B2")  # nothing numbered yet: free to change
    mark_paid(shop, create_draft(shop).id)
    for change in (lambda: tills.set_till(shop.uow(), "C3"),
                   lambda: save_settings({"till_code": "C3"}, shop.uow()),
                   lambda: save_settings({"till_code": None}, shop.uow())):
        with pytest.raises((InvalidValue, InputError)) as e:
            change()
        assert "till_code" in str(e.value) and "B2" in str(e.value)
    assert tills.show_till(shop.uow())["till_code"] == "B2"
    assert mark_paid(shop, create_draft(shop).id).invoice_number == f"TD-B2-{YEAR}-000002"
    tills.set_till(shop.uow(), "B2", "Renamed")  # the same code with a new name is no change of code
    assert tills.show_till(shop.uow())["till_name"] == "Renamed"


def test_a_bad_code_in_settings_writes_nothing(shop: Any) -> None:
    save_settings({"till_name": "Counter"}, shop.uow())
    with pytest.raises((InvalidValue, InputError)) as e:
        save_settings({"till_name": "Changed", "till_code": "no way"}, shop.uow())
    assert "till_code" in str(e.value)
    s = load_settings(shop.uow())
    assert s.till_name == "Counter" and s.till_code is None


def test_the_till_identity_is_minted_once_and_kept(shop: Any) -> None:
    assert tills.show_till(shop.uow())["till_id"] is None
    minted = tills.identity(shop.uow()).till_id
    assert minted.startswith("till_") and tills.show_till(shop.uow())["till_id"] == minted
    mark_paid(shop, create_draft(shop).id)
    tills.set_till(shop.uow(), "Z9")
    assert tills.identity(shop.uow()) == tills.TillIdentity(code="Z9", till_id=minted)
