"""A seeded fuzz over the real command line and the service commands, against a real SQLite file.

Every input must end in exit 0 or 2 (DomainError for a service call), with exactly one line on
stderr when it fails, and when it fails the database must be unchanged (a dump of every row).
A few hundred cases by default; more with TILLDESK_FUZZ_CASES=5000 (and another seed with
TILLDESK_FUZZ_SEED). A failure prints the case number and its input, so it can be replayed."""

from __future__ import annotations

import json
import os
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.bootstrap import start
from app.domain.errors import DomainError
from app.services import drafts, orders
from tests.cli.inproc import call
from tests.conftest import (
    ESPRESSO_250,
    ESPRESSO_250_ID,
    EUR_REGION,
    USD_LOCAL_DELIVERY,
    USD_REGION,
    db_fingerprint,
    draft_body,
)

CASES = int(os.environ.get("TILLDESK_FUZZ_CASES", "250"))
SEED = int(os.environ.get("TILLDESK_FUZZ_SEED", "1414"))

NASTY_TEXT = ["", " ", "#", "#-1", "#0", "#1.5", "²", "#²", "١٢", "１２", "1_000", "5\u00a0", "9" * 23,
              str(10**30), "-1", "0", "1e400", "NaN", "inf", "-0", "x" * 3000, "\udcff", "'; DROP TABLE orders;--",
              "%s%n", "{}", "null", "\n", "\t", "€", "ß" * 200, "0x10", "+5", "1.", ".5", "1,5", "12.345678901234567890",
              "2024-02-30", "9999-12-31", "0001-01-01", "24-1-1", "2024-01-01T25:00", "--", "-v", "--demo", "--help",
              "--create", "cash=", "cash=-5", "gold=5", "card=1:" + "r" * 300, "other=0", "=5", "cash=1=2"]
VALID_ID = ["#1", "#2", "#3", "1", "#4"]
AMOUNTS = ["0", "1", "12.50", "999999999", "1000000000", "0.001", "-1"]
JSON_NASTY = ["true", "false", "null", "[]", "{}", '""', '"' + "x" * 2000 + '"', "1e400", "-1", "0", str(10**30),
              '"１２"', '"1_000"', "[" * 40 + "]" * 40, '"\\ud800"', "1.5", "NaN", '"5\\u00a0"', '{"a": [1, {"b": null}]}',
              '"' + "\\u0000" + '"', "12345678901234567890123456789"]


def _pick(rng: random.Random, good: list[str]) -> str:
    return rng.choice(NASTY_TEXT) if rng.random() < 0.5 else rng.choice(good)


def _options(rng: random.Random, opts: dict[str, list[str]]) -> list[str]:
    out: list[str] = []
    for name, good in opts.items():
        if rng.random() < 0.5:
            out += [name, _pick(rng, good)]
    return out


def _mutate_json(rng: random.Random, body: dict[str, Any]) -> str:
    """The body with one to three leaves or containers replaced by hostile JSON (spliced as text,
    so 1e400, NaN and lone surrogates reach the parser as they would from a file)."""
    body = json.loads(json.dumps(body))
    marks: dict[str, str] = {}
    for n in range(rng.randint(1, 3)):
        node: Any = body
        path: list[Any] = []
        while isinstance(node, (dict, list)) and node and rng.random() < 0.7:
            key = rng.choice(list(node)) if isinstance(node, dict) else rng.randrange(len(node))
            path.append(key)
            node = node[key]
        if not path:
            key = rng.choice(["metadata", "items", "region_id", "email", "zzz", "shipping_address", "promo_codes"])
            path = [key]
        parent = body
        for k in path[:-1]:
            parent = parent[k]
        mark = f"@@{n}@@"
        marks[mark] = rng.choice(JSON_NASTY)
        parent[path[-1]] = mark
    text = json.dumps(body)
    for mark, raw in marks.items():
        text = text.replace(json.dumps(mark), raw)
    if rng.random() < 0.05:
        text = text[: rng.randrange(len(text) + 1)]
    return text


def _v1_body() -> dict[str, Any]:
    return {"email": "a@example.com", "region_id": USD_REGION, "discounts": [{"code": "WELCOME10"}],
            "shipping_methods": [{"option_id": USD_LOCAL_DELIVERY, "price": 450}],
            "items": [{"variant_id": ESPRESSO_250_ID, "quantity": 2}, {"title": "x", "unit_price": 1999, "quantity": 1}]}


def cli_case(rng: random.Random) -> tuple[list[str], str | None]:
    ids = lambda: _pick(rng, VALID_ID)  # noqa: E731
    kind = rng.randrange(12)
    stdin = None
    if kind == 0:
        args = ["draft", "list", *_options(rng, {"--q": ["ann", "#1"], "--status": ["open", "completed"],
                                                   "--from": ["2024-01-01"], "--to": ["2030-01-01"],
                                                   "--limit": ["1", "50"], "--offset": ["0", "3"]})]
    elif kind == 1:
        args = ["order", rng.choice(["list", "show", "complete", "cancel", "archive"])]
        args += _options(rng, {"--limit": ["5"], "--offset": ["0"], "--from": ["2024-01-01"]}) if args[1] == "list" \
            else [ids()]
    elif kind == 2:
        ref = rng.choice([["--sku", _pick(rng, [ESPRESSO_250])], ["--title", _pick(rng, ["Gift"])],
                          ["--variant-id", _pick(rng, [ESPRESSO_250_ID])], ["--barcode", _pick(rng, ["2481700000060"])]])
        args = ["draft", "add-item", ids(), *ref, *_options(rng, {"--unit-price": AMOUNTS, "--quantity": ["1", "3"]})]
    elif kind == 3:
        args = ["draft", "update-item", ids(), _pick(rng, ["item_x"]),
                *_options(rng, {"--quantity": ["2"], "--unit-price": AMOUNTS})]
    elif kind == 4:
        args = ["draft", "set-shipping", ids(), _pick(rng, [USD_LOCAL_DELIVERY]), *_options(rng, {"--amount": AMOUNTS})]
    elif kind == 5:
        args = ["draft", rng.choice(["apply-promo", "remove-promo"]), ids(), _pick(rng, ["WELCOME10", "NOPE"])]
    elif kind == 6:
        args = ["draft", "mark-paid", ids()]
        for _ in range(rng.randint(0, 3)):
            args += ["--tender", _pick(rng, ["cash=1000", "card=5:ref", "other=1"])]
    elif kind == 7:
        args = ["draft", "create"]
        stdin = _mutate_json(rng, draft_body())
    elif kind == 8:
        args = ["draft", "create", "--medusa-v1"]
        stdin = _mutate_json(rng, _v1_body())
    elif kind == 9:
        args = ["draft", "update", ids()]
        stdin = _mutate_json(rng, {"email": "b@example.com", "metadata": {"k": "v"}, "region_id": EUR_REGION})
    elif kind == 10:
        args = ["catalog", _pick(rng, ["regions", "variants", "customers", "shipping-options", "promotions"]),
                *_options(rng, {"--q": ["espresso"], "--limit": ["5"], "--region": [USD_REGION]})]
    else:  # shuffled tokens: usage errors of every kind
        pool = ["draft", "order", "catalog", "list", "show", "--limit", "--tender", "#1", "create", *NASTY_TEXT[:30]]
        # (always a command first: with none, the entry point opens the window)
        args = [rng.choice(["draft", "order", "catalog"]), *(rng.choice(pool) for _ in range(rng.randint(0, 5)))]
    if rng.random() < 0.15:  # global options after the subcommand
        args.append(rng.choice(["-v", "--demo", "--create"]))
    return args, stdin


def _raw(text: str, fallback: dict[str, Any]) -> Any:
    """The mutated body as the window could hand it over: parsed WITHOUT jsonio's checks, so lone
    surrogates, 1E+400 and deep nesting reach the services (which must refuse them themselves)."""
    try:
        return json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError):
        return fallback


def service_case(rng: random.Random, app: Any) -> Any:
    """One service command with a mutated body, straight into the services (the window's path)."""
    kind = rng.randrange(5)
    if kind == 0:
        base = draft_body()
        body = _raw(_mutate_json(rng, base), base)
        return lambda: drafts.create_draft(body, app.uow())
    draft_id = _draft_id(app, rng)
    if kind == 1:
        base = {"draft_id": draft_id, "email": "c@example.com", "metadata": {"a": 1}}
        body = _raw(_mutate_json(rng, base), base)
        return lambda: drafts.update_draft(body, app.uow())
    if kind == 2:
        base = {"draft_id": draft_id, "variant_sku": ESPRESSO_250, "quantity": 2}
        body = _raw(_mutate_json(rng, base), base)
        return lambda: drafts.add_line_item(body, app.uow())
    if kind == 3:
        base = {"draft_id": draft_id, "shipping_option_id": USD_LOCAL_DELIVERY, "amount": "4.50"}
        body = _raw(_mutate_json(rng, base), base)
        return lambda: drafts.set_shipping_method(body, app.uow())
    base = {"draft_id": draft_id, "tenders": [{"kind": "cash", "amount": "1000"}]}
    body = _raw(_mutate_json(rng, base), base)
    return lambda: orders.mark_paid(body, app.uow())


def _draft_id(app: Any, rng: random.Random) -> str:
    from app.services import queries

    page = queries.list_drafts({"limit": 20}, app.uow())
    return rng.choice([e.id for e in page.entries]) if page.entries else "draft_none"


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("fuzz") / "shop.sqlite"
    assert call("--db", str(db), "--demo", "catalog", "regions").code == 0
    for _ in range(4):
        assert call("--db", str(db), "draft", "create", stdin=json.dumps(draft_body())).code == 0
    assert call("--db", str(db), "draft", "mark-paid", "#4", "--tender", "cash=1000").code == 0
    return db


def test_fuzz_the_command_line_and_the_services(shop: Path) -> None:
    rng = random.Random(SEED)
    app = start(shop, create=False)
    failures: list[str] = []
    before = db_fingerprint(shop)
    counts = {0: 0, 2: 0, "service_ok": 0, "service_refused": 0}
    try:
        for n in range(CASES):
            case_rng = random.Random(rng.getrandbits(64))
            if case_rng.random() < 0.75:
                args, stdin = cli_case(case_rng)
                res = call("--db", str(shop), *args, stdin=stdin)
                what = f"case {n}: tilldesk {' '.join(repr(a[:80]) for a in args)} <<< {(stdin or '')[:200]!r}"
                if res.code not in (0, 2):
                    failures.append(f"{what}: exit {res.code}: {res.err[:300]}")
                    continue
                if res.code == 0:
                    counts[0] += 1
                    before = db_fingerprint(shop)
                    continue
                counts[2] += 1
                lines = res.lines
                one = len(lines) == 1 or ("-v" in args and lines and lines[-1].startswith("tilldesk: "))
                if not one or res.out or not lines[-1].startswith("tilldesk: ") or len(lines[-1]) > 420:
                    failures.append(f"{what}: not one short line: out={res.out[:100]!r} err={res.err[:300]!r}")
            else:
                action = service_case(case_rng, app)
                what = f"case {n}: service {action.__code__.co_names}"
                try:
                    action()
                except DomainError as exc:
                    counts["service_refused"] += 1
                    if "\n" in str(exc) or len(str(exc)) > 2000:
                        failures.append(f"{what}: message is not one line: {str(exc)[:200]!r}")
                except Exception as exc:  # noqa: BLE001 - the point: nothing else may escape
                    failures.append(f"{what}: {type(exc).__name__}: {str(exc)[:300]}")
                    continue
                else:
                    counts["service_ok"] += 1
                    before = db_fingerprint(shop)
                    continue
            after = db_fingerprint(shop)
            if after != before:
                failures.append(f"{what}: failed but changed the database")
                before = after
    finally:
        app.close()
    assert not failures, f"{len(failures)} of {CASES} cases failed (seed {SEED}):\n" + "\n".join(failures[:20])
    assert counts[2] > CASES // 4  # the generator really produces bad input...
    assert counts[0] + counts["service_ok"] > 0  # ...and some good input too
