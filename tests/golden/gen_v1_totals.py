"""Produce tests/golden/medusa_v1_totals_vectors.json with Medusa 1.20.11's own code: a real server
(tests/medusa_v1_harness) computes each draft order's cart totals, and we record its inputs and
answers. The drafts are never paid, so nothing else on the server changes.

    .venv/bin/python -m tests.golden.gen_v1_totals            # starts and stops its own server
    .venv/bin/python -m tests.golden.gen_v1_totals --json run.json   # or uses a running one

The vectors are checked offline by tests/unit/test_totals_v1_golden.py.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

import httpx

OUT = Path(__file__).resolve().parent / "medusa_v1_totals_vectors.json"

#: (currency, country, rate, region includes_tax): awkward rates on purpose (per-line rounding).
REGIONS = [("usd", "us", 8.875, False), ("usd", "ca", 13.0, False), ("usd", "mx", 7.25, False),
           ("eur", "de", 19.0, True), ("eur", "fr", 5.5, True), ("eur", "at", 20.0, True)]


def _ok(resp: httpx.Response) -> dict[str, Any]:
    if resp.status_code >= 400:
        raise RuntimeError(f"HTTP {resp.status_code}: {resp.text[:800]}")
    data: dict[str, Any] = resp.json()
    return data


def _setup(http: httpx.Client, rng: random.Random) -> dict[str, Any]:
    from tests.medusa_v1_harness.seed import seed_v1

    base_url = str(http.base_url).rstrip("/")
    seed = seed_v1(base_url, http.headers["x-medusa-access-token"], n_products=4, variants_per_product=3)
    regions: list[dict[str, Any]] = []
    existing = _ok(http.get("/admin/regions", params={"limit": 100}))["regions"]
    for cur, country, rate, incl in REGIONS:
        reg = next((r for r in existing if any(c["iso_2"] == country for c in r["countries"])), None)
        if reg is None:
            reg = _ok(http.post("/admin/regions", json={
                "name": f"{country.upper()} {rate}", "currency_code": cur, "tax_rate": rate, "countries": [country],
                "payment_providers": ["manual"], "fulfillment_providers": ["manual"], "includes_tax": incl}))["region"]
        opt = _ok(http.post("/admin/shipping-options", json={
            "name": f"Ship {country}", "region_id": reg["id"], "provider_id": "manual", "data": {},
            "price_type": "flat_rate", "amount": 599 if cur == "usd" else 499, "includes_tax": incl}))["shipping_option"]
        regions.append({"id": reg["id"], "currency": cur, "country": country, "rate": rate, "option": opt["id"]})
    region_ids = [r["id"] for r in regions]
    codes = {}
    # v1: "Fixed discounts can have one region".
    for name, rule, where in (("P10", {"type": "percentage", "value": 10}, region_ids),
                              ("P15", {"type": "percentage", "value": 15}, region_ids),
                              ("P33", {"type": "percentage", "value": 33}, region_ids),
                              ("F500", {"type": "fixed", "value": 500}, [region_ids[0]]),
                              ("F777", {"type": "fixed", "value": 777}, [region_ids[3]])):
        code = f"{name}G{seed.tag}".upper()
        _ok(http.post("/admin/discounts", json={"code": code, "regions": where,
                                                "rule": {**rule, "allocation": "total", "description": name}}))
        codes[code] = {**rule, "regions": where}
    return {"seed": seed, "regions": regions, "codes": codes}


def _case(http: httpx.Client, ctx: dict[str, Any], rng: random.Random, n: int) -> dict[str, Any]:
    region = ctx["regions"][n % len(ctx["regions"])]
    variants = ctx["seed"].variants
    items: list[dict[str, Any]] = []
    for _ in range(rng.randint(1, 4)):
        kind = rng.random()
        v = rng.choice(variants)
        if any(it.get("variant_id") == v.id for it in items):
            continue  # 1.20.11 prices a variant twice in one create wrongly ("... without a price")
        qty = rng.randint(1, 7)
        if kind < 0.55:
            items.append({"variant_id": v.id, "quantity": qty})
        elif kind < 0.8:
            items.append({"variant_id": v.id, "quantity": qty, "unit_price": rng.choice([1, 99, 333, 1499, 1999, 2547])})
        else:
            items.append({"title": "Custom ärger", "unit_price": rng.choice([1, 450, 1001, 2999]), "quantity": qty})
    ship_price = rng.choice([None, 0, 1, 599, 1290, 777])
    method: dict[str, Any] = {"option_id": region["option"]}
    if ship_price is not None:
        method["price"] = ship_price
    usable = [c for c, rule in ctx["codes"].items() if region["id"] in rule["regions"]]
    fixed = [c for c in usable if ctx["codes"][c]["type"] == "fixed"]
    code = (fixed[0] if fixed and n % 4 != 0 else rng.choice([None, *usable])) if n % 5 else None
    body: dict[str, Any] = {"email": f"golden{n}@tilldesk.test", "region_id": region["id"], "items": items,
                            "shipping_methods": [method], "no_notification_order": True,
                            "shipping_address": {"first_name": "G", "last_name": "V", "address_1": "1 Way",
                                                 "city": "X", "postal_code": "1000", "country_code": region["country"]}}
    if code:
        body["discounts"] = [{"code": code}]
    cart = _ok(http.post("/admin/draft-orders", json=body))["draft_order"]["cart"]
    return {
        "name": f"v1-{n:02d} {region['currency']} {region['country']} {region['rate']}%" + (f" {code}" if code else ""),
        "currency": region["currency"], "tax_rate": str(region["rate"]),
        "items": [{"unit_price": i["unit_price"], "quantity": i["quantity"], "custom": i["variant_id"] is None,
                   "includes_tax": bool(i.get("includes_tax"))} for i in cart["items"]],
        "shipping": [{"price": m["price"], "includes_tax": bool(m.get("includes_tax"))} for m in cart["shipping_methods"]],
        "discount": ({"type": ctx["codes"][code]["type"], "value": ctx["codes"][code]["value"]} if code else None),
        "expected": {
            **{k: cart[k] for k in ("subtotal", "discount_total", "raw_discount_total", "item_tax_total",
                                    "shipping_total", "shipping_tax_total", "tax_total", "total")},
            "items": [{k: i.get(k) for k in ("subtotal", "discount_total", "tax_total", "total")} for i in cart["items"]],
        },
    }


def generate(base_url: str, token: str, count: int = 40, seed: int = 12) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    with httpx.Client(base_url=base_url, headers={"x-medusa-access-token": token}, timeout=120) as http:
        ctx = _setup(http, rng)
        return [_case(http, ctx, rng, n) for n in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", help="connection details of a running harness (python -m tests.medusa_v1_harness)")
    parser.add_argument("--count", type=int, default=40)
    args = parser.parse_args()
    if args.json:
        info = json.loads(Path(args.json).read_text())
        vectors = generate(info["base_url"], info["api_token"], args.count)
    else:
        from tests.medusa_v1_harness.server import MedusaV1Server

        with MedusaV1Server() as server:
            vectors = generate(server.base_url, server.api_token, args.count)
    doc = {"medusa": "1.20.11", "source": "cart totals of draft orders on a real Medusa 1.20.11 "
           "(tests/golden/gen_v1_totals.py); amounts in minor units", "vectors": vectors}
    OUT.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(vectors)} vectors to {OUT}")


if __name__ == "__main__":
    main()
