"""The built-in demo shop: the data a first start loads must be valid enough to push to Medusa as is.

These checks are written separately from the generator's own validation, so a bug in one is not
silently shared by the other.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

import phonenumbers
import pycountry
import pytest
from email_validator import EmailNotValidError, validate_email

REPO = Path(__file__).resolve().parent.parent
DATA_FILE = REPO / "resources" / "demo_shop.json"
GENERATOR = REPO / "resources" / "tools" / "make_demo_shop.py"

ULID_TAIL = re.compile(r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$")  # Crockford base32, 128 bits fit under "7"
MONEY = re.compile(r"^\d+\.\d{2}$")
POSTAL = {
    "us": r"^\d{5}$",
    "de": r"^\d{5}$",
    "fr": r"^\d{5}$",
    "at": r"^\d{4}$",
    "nl": r"^\d{4} [A-Z]{2}$",
    "pl": r"^\d{2}-\d{3}$",
}


@pytest.fixture(scope="module")
def shop() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def all_ids(shop: dict) -> list[tuple[str, str]]:
    """(expected Medusa prefix, id) for every entity in the file."""
    out = [("reg", r["id"]) for r in shop["regions"]]
    out += [("txr", t["id"]) for t in shop["tax_rates"]]
    out += [("sc", s["id"]) for s in shop["sales_channels"]]
    for p in shop["products"]:
        out.append(("prod", p["id"]))
        out += [("variant", v["id"]) for v in p["variants"]]
    out += [("so", s["id"]) for s in shop["shipping_options"]]
    for c in shop["customers"]:
        out.append(("cus", c["id"]))
        out += [("cuaddr", a["id"]) for a in c["addresses"]]
    out += [("promo", p["id"]) for p in shop["promotions"]]
    return out


def ean13_valid(code: str) -> bool:
    if len(code) != 13 or not code.isdigit():
        return False
    weighted = sum(int(d) * w for d, w in zip(code[:12], [1, 3] * 6))
    return (weighted + int(code[12])) % 10 == 0


def region_countries(shop: dict) -> set[str]:
    return {c for r in shop["regions"] for c in r["countries"]}


def assert_valid_phone(number: str, country: str) -> None:
    parsed = phonenumbers.parse(number, None)
    assert phonenumbers.is_valid_number(parsed), number
    assert phonenumbers.region_code_for_number(parsed) == country.upper(), (number, country)
    assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == number, number


def assert_valid_province(province: str | None, country: str) -> None:
    if province is None:
        return
    assert province == province.lower(), province
    sub = pycountry.subdivisions.get(code=province.upper())
    assert sub is not None, f"{province} is not an ISO 3166-2 code"
    assert sub.country_code == country.upper(), (province, country)


def assert_money(amount: str) -> Decimal:
    assert isinstance(amount, str) and MONEY.match(amount), amount
    return Decimal(amount)


# ------------------------------------------------------------------------------------------------


def test_top_level_shape(shop):
    assert shop["format"] == 1
    assert list(shop) == ["format", "store", "regions", "tax_rates", "sales_channels", "products",
                          "shipping_options", "customers", "promotions"]


def test_ids_are_unique_and_medusa_shaped(shop):
    ids = all_ids(shop)
    # Every "id" key in the file is one of these, so none escapes the checks below.
    assert len(ids) == DATA_FILE.read_text(encoding="utf-8").count('"id":')
    counts = Counter(i for _, i in ids)
    assert [i for i, n in counts.items() if n > 1] == []
    for prefix, value in ids:
        head, _, tail = value.partition("_")
        assert head == prefix, value
        assert ULID_TAIL.match(tail), value


def test_ids_sort_in_creation_order(shop):
    # A ULID's time part grows with each id, as if a server created the rows in file order.
    tails = [i.partition("_")[2][:10] for _, i in all_ids(shop)]
    assert tails == sorted(tails)


def test_store_points_at_real_region_and_channel(shop):
    store = shop["store"]
    assert store["default_region_id"] in {r["id"] for r in shop["regions"]}
    assert store["default_sales_channel_id"] in {s["id"] for s in shop["sales_channels"]}
    assert store["locale"] == "en_US"
    assert store["invoice_prefix"] == "TD"
    assert store["till_name"] == "Counter 1"
    assert store["name"] and store["footer"]
    assert store["country_code"] in region_countries(shop)
    assert_valid_phone(store["phone"], store["country_code"])
    assert_valid_province(store["province"], store["country_code"])
    validate_email(store["email"], check_deliverability=False)
    assert re.match(POSTAL[store["country_code"]], store["postal_code"])


def test_regions(shop):
    by_name = {r["name"]: r for r in shop["regions"]}
    us, eu = by_name["United States"], by_name["Europe"]
    assert (us["currency_code"], us["countries"], us["is_tax_inclusive"]) == ("usd", ["us"], False)
    assert (eu["currency_code"], sorted(eu["countries"]), eu["is_tax_inclusive"]) == (
        "eur", ["at", "de", "fr", "nl", "pl"], True)
    seen = [c for r in shop["regions"] for c in r["countries"]]
    assert len(seen) == len(set(seen)), "a country may belong to one region only (Medusa rule)"
    for r in shop["regions"]:
        assert r["automatic_taxes"] is True
        assert pycountry.currencies.get(alpha_3=r["currency_code"].upper()) is not None
        for c in r["countries"]:
            assert c == c.lower() and pycountry.countries.get(alpha_2=c.upper()) is not None


def test_tax_rates(shop):
    rates = {(t["country_code"], t["province_code"]): Decimal(t["rate"]) for t in shop["tax_rates"]}
    assert rates == {
        ("us", None): Decimal("8.875"), ("us", "us-ca"): Decimal("7.25"), ("de", None): Decimal("19"),
        ("fr", None): Decimal("20"), ("at", None): Decimal("20"), ("nl", None): Decimal("21"),
        ("pl", None): Decimal("23"),
    }
    assert len(rates) == len(shop["tax_rates"]), "one default rate per country or province"
    codes = [t["code"] for t in shop["tax_rates"]]
    assert len(codes) == len(set(codes))
    for t in shop["tax_rates"]:
        assert t["is_default"] is True and t["name"]
        assert isinstance(t["rate"], str)
        assert t["country_code"] in region_countries(shop)
        assert_valid_province(t["province_code"], t["country_code"])
    # Every region country is taxable: Medusa applies no tax where no tax region exists.
    assert region_countries(shop) <= {c for c, p in rates if p is None}


def test_sales_channels(shop):
    assert sorted(s["name"] for s in shop["sales_channels"]) == ["Phone orders", "Shop counter"]
    assert all(s["description"] for s in shop["sales_channels"])


def test_catalog_size_and_shape(shop):
    products = shop["products"]
    variants = [v for p in products for v in p["variants"]]
    assert len(products) >= 32
    assert 70 <= len(variants) <= 100
    handles = [p["handle"] for p in products]
    assert len(handles) == len(set(handles))
    for p in products:
        assert re.match(r"^[a-z0-9]+(-[a-z0-9]+)*$", p["handle"]), p["handle"]
        assert p["status"] == "published" and p["title"] and p["description"]
        assert 1 <= len(p["variants"]) <= 4, p["title"]
        keys = {tuple(v["options"]) for v in p["variants"]}
        assert len(keys) == 1, f"{p['title']}: variants disagree on option names"
        combos = [tuple(v["options"].values()) for v in p["variants"]]
        assert len(combos) == len(set(combos)), f"{p['title']}: two variants with the same options"
        if len(p["variants"]) > 1:
            assert keys != {()}, f"{p['title']}: several variants need options to tell them apart"


def test_skus_unique(shop):
    skus = [v["sku"] for p in shop["products"] for v in p["variants"]]
    assert all(re.match(r"^[A-Z0-9]+(-[A-Z0-9]+)+$", s) for s in skus)
    assert [s for s, n in Counter(skus).items() if n > 1] == []


def test_barcodes_are_valid_in_store_ean13(shop):
    barcodes = [v["barcode"] for p in shop["products"] for v in p["variants"]]
    bad = [b for b in barcodes if not ean13_valid(b)]
    assert bad == []
    # 200-299: GS1 restricted circulation, never a real product's number.
    assert all(200 <= int(b[:3]) <= 299 for b in barcodes)
    assert len(barcodes) == len(set(barcodes))


def test_ean13_check_is_able_to_fail():
    assert ean13_valid("4006381333931")  # a well-known valid EAN
    assert not ean13_valid("4006381333932")


def test_every_variant_priced_in_every_region_currency(shop):
    currencies = {r["currency_code"] for r in shop["regions"]}
    with_cents = whole = 0
    for p in shop["products"]:
        for v in p["variants"]:
            listed = [pr["currency_code"] for pr in v["prices"]]
            assert sorted(listed) == sorted(currencies), v["sku"]
            for pr in v["prices"]:
                amount = assert_money(pr["amount"])
                assert amount > 0, v["sku"]
                if amount == amount.to_integral_value():
                    whole += 1
                else:
                    with_cents += 1
    assert with_cents >= 5 and whole >= 5


def test_shipping_options(shop):
    region_ids = {r["id"] for r in shop["regions"]}
    options = shop["shipping_options"]
    for o in options:
        assert o["region_id"] in region_ids
        assert o["price_type"] == "flat"
        assert assert_money(o["amount"]) >= 0
    for rid in region_ids:
        mine = {o["name"]: Decimal(o["amount"]) for o in options if o["region_id"] == rid}
        assert mine["Counter pickup"] == 0
        assert mine["Local delivery"] > 0 and mine["Courier"] > mine["Local delivery"]
    by_name = lambda name: {o["amount"] for o in options if o["name"] == name}  # noqa: E731
    assert len(by_name("Courier")) == len(region_ids), "courier costs differ per region"


def test_customers_and_addresses(shop):
    countries = region_countries(shop)
    customers = shop["customers"]
    assert len(customers) >= 12
    emails = [c["email"].lower() for c in customers]
    assert len(emails) == len(set(emails))
    for c in customers:
        try:
            validate_email(c["email"], check_deliverability=False)
        except EmailNotValidError as exc:  # pragma: no cover - the message names the bad one
            pytest.fail(f"{c['email']}: {exc}")
        assert c["first_name"] and c["last_name"]
        assert 1 <= len(c["addresses"]) <= 2
        assert_valid_phone(c["phone"], c["addresses"][0]["country_code"])
        assert sum(a["is_default_shipping"] for a in c["addresses"]) == 1, c["email"]
        assert sum(a["is_default_billing"] for a in c["addresses"]) == 1, c["email"]
        for a in c["addresses"]:
            assert a["country_code"] in countries, (c["email"], a["country_code"])
            assert a["address_1"] and a["city"] and a["first_name"] and a["last_name"]
            assert re.match(POSTAL[a["country_code"]], a["postal_code"]), a["postal_code"]
            assert_valid_province(a["province"], a["country_code"])
            if a["country_code"] == "us":
                assert a["province"] is not None, "US addresses need a state"
            assert_valid_phone(a["phone"], a["country_code"])


def test_customers_cover_regions_and_non_ascii_names(shop):
    names = {f"{c['first_name']} {c['last_name']}" for c in shop["customers"]}
    assert {"Łukasz Żółć", "Zoë Müller", "François Lefèvre", "José Álvarez"} <= names
    address_countries = {a["country_code"] for c in shop["customers"] for a in c["addresses"]}
    assert address_countries == region_countries(shop)
    assert any(c["company_name"] for c in shop["customers"])


def test_promotions(shop):
    currencies = {r["currency_code"] for r in shop["regions"]}
    promos = {p["code"]: p for p in shop["promotions"]}
    assert len(promos) == len(shop["promotions"])
    for code, p in promos.items():
        assert re.match(r"^[A-Z0-9]+$", code)
        assert p["is_automatic"] is False and p["status"] == "active"
        m = p["application_method"]
        assert m["type"] in {"percentage", "fixed"}
        assert m["target_type"] in {"items", "shipping_methods", "order"}
        assert m["allocation"] in {"each", "across"}
        try:
            value = Decimal(m["value"])
        except InvalidOperation:  # pragma: no cover
            pytest.fail(f"{code}: value {m['value']!r}")
        assert isinstance(m["value"], str) and value > 0
        if m["type"] == "percentage":
            assert value <= 100 and m["currency_code"] is None, code
        else:
            assert m["currency_code"] in currencies, code  # Medusa needs a currency for a fixed amount
            assert_money(m["value"])
        if m["allocation"] == "each" and m["target_type"] == "items":
            assert isinstance(m["max_quantity"], int) and m["max_quantity"] >= 1, code
        else:
            assert m["max_quantity"] is None, code

    def method(code):
        m = promos[code]["application_method"]
        return (m["type"], m["target_type"], m["allocation"], Decimal(m["value"]), m["currency_code"])

    assert method("WELCOME10") == ("percentage", "items", "across", Decimal(10), None)
    assert method("SAVE5") == ("fixed", "items", "across", Decimal(5), "usd")
    assert method("FREESHIP") == ("percentage", "shipping_methods", "across", Decimal(100), None)
    assert any(m["application_method"]["allocation"] == "each" and m["application_method"]["max_quantity"]
               for m in promos.values())
    assert any(m["application_method"]["type"] == "fixed" and m["application_method"]["currency_code"] == "eur"
               for m in promos.values())


def run_generator(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(GENERATOR), *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


def test_generator_reproduces_committed_file(tmp_path):
    out = tmp_path / "demo_shop.json"
    result = run_generator("--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == DATA_FILE.read_bytes()


def test_generator_check_mode_notices_an_edit(tmp_path):
    edited = tmp_path / "demo_shop.json"
    edited.write_bytes(DATA_FILE.read_bytes().replace(b'"8.875"', b'"8.000"'))
    assert run_generator("--check", "--out", str(edited)).returncode == 1
    assert run_generator("--check", "--out", str(DATA_FILE)).returncode == 0


def test_another_seed_changes_ids_only(tmp_path):
    out = tmp_path / "other.json"
    assert run_generator("--seed", "7", "--out", str(out)).returncode == 0
    other = json.loads(out.read_text(encoding="utf-8"))
    committed = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert {i for _, i in all_ids(other)}.isdisjoint({i for _, i in all_ids(committed)})
    strip = re.compile(r'"[a-z_]*id": "[a-z]+_[0-9A-Z]{26}"')
    assert strip.sub("ID", out.read_text(encoding="utf-8")) == strip.sub("ID", DATA_FILE.read_text(encoding="utf-8"))


def test_generator_refuses_invalid_data():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_demo_shop", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data = module.build()
    assert module.validate(data) == []
    data["customers"][0]["addresses"][0]["phone"] = "+1718555"
    data["customers"][1]["addresses"][0]["province"] = "us-zz"
    data["products"][0]["variants"][0]["barcode"] = "2481700000010"
    problems = module.validate(data)
    assert len(problems) == 3, problems
