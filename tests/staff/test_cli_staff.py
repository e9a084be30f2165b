"""`tilldesk staff`, `tilldesk audit` and `--staff`/`--approver` on acting commands, as a script
uses them: JSON on stdout, one line on stderr, exit 2 for a wrong or missing PIN with nothing
written by the command (the failed attempt itself is counted and audited)."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.cli.main import main
from tests.conftest import REPO, draft_body

# Every table but the two a failed PIN writes to (its count and its audit entry).
ACTED_ON = ("draft_orders", "line_items", "orders", "payments", "outbox", "prints", "settings", "counters")


def acted_on(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = sqlite3.connect(db)
    try:
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in ACTED_ON}
    finally:
        con.close()


class Cli:
    def __init__(self, db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.db, self.capsys, self.mp = db, capsys, monkeypatch

    def __call__(self, *args: str, stdin: str = "", pin: str | None = None,
                 approver_pin: str | None = None) -> tuple[int, Any, str]:
        for env, value in (("TILLDESK_PIN", pin), ("TILLDESK_APPROVER_PIN", approver_pin)):
            if value is None:
                self.mp.delenv(env, raising=False)
            else:
                self.mp.setenv(env, value)
        self.mp.setattr(sys, "stdin", io.StringIO(stdin))
        self.capsys.readouterr()
        try:
            rc = main(["--db", str(self.db), "--demo", *args])
        except SystemExit as exc:
            rc = int(exc.code or 0)
        out = self.capsys.readouterr()
        return rc, json.loads(out.out) if out.out.strip() else None, out.err


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    c = Cli(tmp_path / "till.sqlite", capsys, monkeypatch)
    assert c("staff", "add", "--name", "Olga", "--role", "owner", stdin="86420135\n")[0] == 0
    for name, role, pin in (("Mia", "manager", "2222"), ("Cam", "cashier", "3333")):
        rc, out, err = c("staff", "add", "--name", name, "--role", role, "--staff", "Olga", stdin=pin + "\n",
                         pin="86420135")
        assert rc == 0, err
    return c


def test_staff_add_list_and_the_first_owner(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    c = Cli(tmp_path / "till.sqlite", capsys, monkeypatch)
    rc, _, err = c("staff", "add", "--name", "Cam", "--role", "cashier", stdin="3333\n")
    assert rc == 2 and err == "tilldesk: role: the first staff account must be an owner\n"
    rc, _, err = c("staff", "add", "--name", "Olga", "--role", "owner", stdin="12\n")
    assert rc == 2 and err.startswith("tilldesk: pin: a PIN is 4 to 8 digits")
    rc, _, err = c("staff", "add", "--name", "Olga", "--role", "owner", stdin="")
    assert rc == 2 and "pin: give the new PIN on standard input" in err
    rc, out, _ = c("staff", "list")
    assert rc == 0 and out == {"staff": [], "enabled": False}
    rc, out, _ = c("staff", "add", "--name", "Olga", "--role", "owner", stdin="86420135\n")
    assert rc == 0 and out["staff"]["role"] == "owner" and "pin" not in json.dumps(out).lower()
    rc, _, err = c("staff", "add", "--name", "Cam", "--role", "cashier", stdin="3333\n")
    assert rc == 2 and "sign in first" in err
    rc, out, _ = c("staff", "list")
    assert [m["name"] for m in out["staff"]] == ["Olga"] and out["enabled"] is True


def test_a_wrong_or_missing_pin_is_exit_2_and_the_command_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    body = tmp_path / "draft.json"
    body.write_text(json.dumps(draft_body()))
    before = acted_on(cli.db)
    head = max(e["seq"] for e in cli("audit", "list")[1]["entries"])  # what the set-up put on record
    for kwargs, message in (({}, "sign in first"), ({"pin": "0000"}, "staff: wrong PIN for Cam"),
                            ({"pin": None}, "TILLDESK_PIN: not set")):
        args = ("draft", "create", str(body)) + (("--staff", "Cam") if kwargs else ())
        rc, out, err = cli(*args, **kwargs)
        assert rc == 2 and out is None and message in err and len(err.splitlines()) == 1, err
    assert acted_on(cli.db) == before
    rc, out, _ = cli("audit", "list", "--since", str(head))
    assert [e["action"] for e in out["entries"]] == ["pin_failed"]  # the wrong PIN is on record
    rc, out, _ = cli("draft", "create", str(body), "--staff", "Cam", pin="3333")
    assert rc == 0 and out["draft_order"]["id"]


def test_a_guarded_command_needs_an_approver(cli: Cli, tmp_path: Path) -> None:
    body = tmp_path / "draft.json"
    body.write_text(json.dumps(draft_body()))
    cam = {"pin": "3333"}
    draft = cli("draft", "create", str(body), "--staff", "Cam", **cam)[1]["draft_order"]
    rc, _, err = cli("draft", "mark-paid", draft["id"], "--tender", "cash=1000", "--staff", "Cam", **cam)
    assert rc == 2 and "shift: no shift is open" in err  # staff is on: payments belong to a shift
    assert cli("shift", "open", "--float", "cash=100", "--staff", "Cam", **cam)[0] == 0
    order = cli("draft", "mark-paid", draft["id"], "--tender", "cash=1000", "--staff", "Cam", **cam)[1]["order"]
    before = acted_on(cli.db)
    rc, _, err = cli("order", "cancel", order["id"], "--staff", "Cam", **cam)
    assert rc == 2 and err == "tilldesk: approver: cancel_paid_order needs a manager's approval\n"
    rc, _, err = cli("order", "cancel", order["id"], "--staff", "Cam", "--approver", "Mia", **cam)
    assert rc == 2 and "TILLDESK_APPROVER_PIN: not set" in err
    rc, _, err = cli("order", "cancel", order["id"], "--staff", "Cam", "--approver", "Mia", approver_pin="9", **cam)
    assert rc == 2 and "approver: wrong PIN for Mia" in err
    assert acted_on(cli.db) == before
    rc, out, err = cli("order", "cancel", order["id"], "--staff", "Cam", "--approver", "Mia", approver_pin="2222",
                       **cam)
    assert rc == 0 and out["order"]["status"] == "canceled", err
    entries = cli("audit", "list")[1]["entries"]
    assert [e["action"] for e in entries[-3:]] == ["approval", "order_canceled", "refund"]
    assert entries[-3]["details"]["staff"] == "Cam" and entries[-3]["details"]["approver"] == "Mia"
    assert entries[-1]["details"]["approver_id"] == entries[-3]["details"]["approver_id"]


def test_perms_show_and_set(cli: Cli) -> None:
    rc, out, _ = cli("staff", "perms", "show")
    assert rc == 0 and out["permissions"]["cashier"]["refund"] == "approve"
    assert set(out["permissions"]["owner"].values()) == {"allow"}
    rc, _, err = cli("staff", "perms", "set", "cashier", "refund", "allow", "--staff", "Mia", pin="2222")
    assert rc == 2 and "may not do manage_staff" in err
    rc, _, err = cli("staff", "perms", "set", "cashier", "fly", "allow", "--staff", "Olga", pin="86420135")
    assert rc == 2 and err.startswith("tilldesk: action: 'fly' is not one of")
    rc, out, _ = cli("staff", "perms", "set", "cashier", "refund", "allow", "--staff", "Olga", pin="86420135")
    assert rc == 0 and out["permissions"]["cashier"]["refund"] == "allow"
    rc, out, _ = cli("staff", "disable", "Cam", "--staff", "Olga", pin="86420135")
    assert rc == 0 and out["staff"]["active"] is False


def test_verify_exit_codes_from_a_real_process(cli: Cli) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("TILLDESK_PIN", None)
    cmd = [sys.executable, "-m", "app.cli", "--db", str(cli.db), "audit", "verify"]
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert res.returncode == 0 and json.loads(res.stdout)["ok"] is True
    con = sqlite3.connect(cli.db)
    con.execute("DROP TRIGGER audit_log_no_update")
    con.execute("UPDATE audit_log SET till = 'Back office' WHERE seq = 2")
    con.commit()
    con.close()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert res.returncode == 1 and res.stderr.startswith("tilldesk: audit entry 2: its contents were changed")
