"""The command line's quick lists (app.cli.quick over app.persistence.quick_read, plain sqlite3)
print exactly what the ordinary path (services over the ORM) prints, on a generated shop file with
customers, address-only and email-only orders, refunds and every sync state; they take only what
they can answer the same way, and hand everything else (an older file, another program's, bad
input, a signed-in command) to the ordinary path, whose messages stay the same."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.bootstrap import start
from app.cli import quick
from app.cli.main import main
from app.persistence.quick_read import connect_at_head

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import make_big_shop  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
STATES = ("queued", "in_progress", "synced", "needs_attention", "discarded")


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("quick") / "shop.sqlite"
    make_big_shop.build(path, variants=300, customers=200, n_orders=400, seed=5)
    assert connect_at_head(path) is None  # generated without the marker: the ordinary path reads it first
    start(path).close()  # as a till's first start does: it marks the file as Tilldesk's
    con = sqlite3.connect(path)
    with con:  # every sync state on some sale, so the state column and --sync-state are compared
        ids = [r[0] for r in con.execute("SELECT id FROM outbox WHERE subject_id = '' ORDER BY id")]
        for i, oid in enumerate(ids):
            con.execute("UPDATE outbox SET state = ? WHERE id = ?", (STATES[i % len(STATES)], oid))
        # An order for nobody but an address, and one for an email alone.
        con.execute("UPDATE draft_orders SET customer_id = NULL WHERE id = (SELECT draft_order_id FROM orders "
                    "ORDER BY created_at DESC LIMIT 1)")
        con.execute("UPDATE draft_orders SET customer_id = NULL, shipping_address_id = NULL, billing_address_id = NULL "
                    "WHERE id = (SELECT draft_order_id FROM orders ORDER BY created_at DESC LIMIT 1 OFFSET 1)")
    con.close()
    yield path


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str],
        quick_lists: bool) -> tuple[int, str, str]:
    monkeypatch.setenv(quick.ENV_SWITCH, "1" if quick_lists else "0")
    try:
        code = main(argv)
    except SystemExit as exc:  # a refusal: one line on stderr and the exit code
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


ORDER_ARGS = [
    [], ["--q", "com"], ["--q", "a"], ["--q", "#7"], ["--q", "#7 #12"], ["--q", "#3 com"], ["--q", "smith a"],
    ["--q", "  Smith  "], ["--q", "zzzz-nothing"], ["--q", '"quoted'], ["--q", "50%"], ["--q", "a_b"],
    ["--q", "555"], ["--status", "completed"], ["--status", "canceled", "--status", "archived"],
    ["--sync-state", "needs_attention"], ["--sync-state", "queued", "--sync-state", "in_progress", "--q", "com"],
    ["--from", "2026-03-01"], ["--from", "2026-03-01", "--to", "2026-03-31"], ["--to", "2026-02-15T12:00"],
    ["--from", "2026-05-01T00:00:00+02:00", "--q", "an"], ["--limit", "1"], ["--limit", "1000"],
    ["--offset", "390"], ["--offset", "37", "--limit", "13", "--q", "com"], ["--from", "9999-12-31"],
]


@pytest.mark.parametrize("extra", ORDER_ARGS, ids=lambda a: " ".join(a) or "plain")
def test_order_list_prints_what_the_ordinary_path_prints(shop, capsys, monkeypatch, extra):
    argv = ["--db", str(shop), "order", "list", *extra]
    taken: list[bool] = []
    real = quick.order_list
    monkeypatch.setattr(quick, "order_list", lambda args: taken.append(real(args)) or taken[-1])
    fast = run(capsys, monkeypatch, argv, True)
    slow = run(capsys, monkeypatch, argv, False)
    assert taken == [True, False], fast[2]  # the quick path answered (the switch turned it off the second time)
    assert fast == slow
    assert fast[0] == 0 and '"orders"' in fast[1]


VARIANT_ARGS = [[], ["--q", "a"], ["--q", "co"], ["--q", "ab cd"], ["--q", "%"], ["--limit", "1000"],
                ["--q", "zzzz-nothing"], ["--q", "  "]]


@pytest.mark.parametrize("extra", VARIANT_ARGS, ids=lambda a: " ".join(a) or "plain")
def test_catalog_variants_prints_what_the_ordinary_path_prints(shop, capsys, monkeypatch, extra):
    argv = ["--db", str(shop), "catalog", "variants", *extra]
    fast = run(capsys, monkeypatch, argv, True)
    slow = run(capsys, monkeypatch, argv, False)
    assert fast == slow and fast[0] == 0


def test_a_scanned_sku_or_barcode_comes_first_on_both_paths(shop, capsys, monkeypatch):
    con = sqlite3.connect(shop)
    sku, barcode, title = con.execute("SELECT v.sku, v.barcode, p.title FROM variants v JOIN products p "
                                      "ON p.id = v.product_id WHERE v.sku IS NOT NULL AND v.barcode IS NOT NULL "
                                      "ORDER BY v.id LIMIT 1 OFFSET 17").fetchone()
    con.close()
    for q in (sku, barcode, title.split()[0]):
        argv = ["--db", str(shop), "catalog", "variants", "--q", q]
        fast = run(capsys, monkeypatch, argv, True)
        assert fast == run(capsys, monkeypatch, argv, False)
        if q != title.split()[0]:
            assert f'"sku": "{sku}"' in fast[1].split("}")[0]


BAD = [(["--from", "yesterday"], "'yesterday' is not a date"), (["--to", "2026-13-45"], "is not a date"),
       (["--q", "x" * 1001], "q")]


@pytest.mark.parametrize(("extra", "said"), BAD, ids=["from", "to", "long"])
def test_bad_input_goes_the_ordinary_way_with_its_message(shop, capsys, monkeypatch, extra, said):
    argv = ["--db", str(shop), "order", "list", *extra]
    fast = run(capsys, monkeypatch, argv, True)
    assert fast == run(capsys, monkeypatch, argv, False)
    assert fast[0] == 2 and said in fast[2] and fast[1] == ""


def test_an_email_search_finds_that_email_and_not_its_local_part_elsewhere(shop, capsys, monkeypatch):
    con = sqlite3.connect(shop)
    email = con.execute("SELECT email FROM orders WHERE email LIKE '%@%' ORDER BY id LIMIT 1 OFFSET 5").fetchone()[0]
    con.close()
    local, domain = email.split("@")
    other = f"{local}@{'x' + domain}"
    for quick_lists in (True, False):
        found = run(capsys, monkeypatch, ["--db", str(shop), "order", "list", "--q", email], quick_lists)[1]
        assert '"count": 0' not in found and found.count(f'"email": "{email}"') >= 1
        none = run(capsys, monkeypatch, ["--db", str(shop), "order", "list", "--q", other], quick_lists)[1]
        assert '"count": 0' in none  # the part before the @ matched in the index, the whole word did not


def test_only_a_tilldesk_file_at_this_schema_is_read_quickly(shop, tmp_path):
    assert connect_at_head(tmp_path / "missing.sqlite") is None
    (tmp_path / "empty.sqlite").write_bytes(b"")
    assert connect_at_head(tmp_path / "empty.sqlite") is None
    (tmp_path / "text.sqlite").write_text("not a database at all\n" * 100)
    assert connect_at_head(tmp_path / "text.sqlite") is None
    other = sqlite3.connect(tmp_path / "other.sqlite")
    other.execute("CREATE TABLE alembic_version (version_num TEXT)")
    other.execute("INSERT INTO alembic_version VALUES ('0007')")
    other.commit()
    other.close()
    assert connect_at_head(tmp_path / "other.sqlite") is None  # no Tilldesk marker
    older = tmp_path / "older.sqlite"
    shutil.copy(shop, older)
    con = sqlite3.connect(older)
    con.execute("UPDATE alembic_version SET version_num = '0006'")
    con.commit()
    con.close()
    assert connect_at_head(older) is None  # due a migration: the ordinary path backs up and migrates
    good = connect_at_head(shop)
    assert good is not None
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        good.execute("DELETE FROM orders")  # query_only: the quick path can never write
    good.close()


def test_options_the_quick_path_does_not_handle_take_the_ordinary_one(shop, capsys, monkeypatch):
    taken: list[bool] = []
    real = quick.order_list
    monkeypatch.setattr(quick, "order_list", lambda args: taken.append(real(args)) or taken[-1])
    monkeypatch.delenv("TILLDESK_PIN", raising=False)
    code, out, err = run(capsys, monkeypatch, ["--db", str(shop), "order", "list", "--staff", "Nobody"], True)
    assert taken == [False] and code == 2 and "TILLDESK_PIN" in err  # the sign-in's own message


def test_a_quick_list_never_imports_sqlalchemy(shop):
    code = ("import sys; from app.cli.main import main; "
            f"rc = main(['--db', {str(shop)!r}, 'order', 'list', '--q', 'com']); "
            f"rc2 = main(['--db', {str(shop)!r}, 'catalog', 'variants', '--q', 'co']); "
            "heavy = sorted(m for m in ('sqlalchemy', 'pydantic', 'alembic') if m in sys.modules); "
            "print('heavy:', heavy, rc, rc2, file=sys.stderr)")
    env = {k: v for k, v in os.environ.items() if k != quick.ENV_SWITCH}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert "heavy: [] 0 0" in done.stderr, done.stderr
