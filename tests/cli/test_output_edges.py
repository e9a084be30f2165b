"""Failed commands change nothing, and a command that did its work says so even when writing its
result fails: `invoice --out` checks the destination before a print is recorded or archived;
`mark-paid` to /dev/full or a closed stdout says it was paid and only the output failed (exit 1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.inproc import call, refused
from tests.conftest import REPO, db_fingerprint, draft_body


@pytest.fixture()
def shop(tmp_path: Path) -> Path:
    db = tmp_path / "shop.sqlite"
    assert call("--db", str(db), "--demo", "catalog", "regions").code == 0
    for _ in range(2):
        assert call("--db", str(db), "draft", "create", stdin=json.dumps(draft_body())).code == 0
    res = call("--db", str(db), "draft", "mark-paid", "#1", "--tender", "cash=500")
    assert res.code == 0, res
    return db


def archive(db: Path) -> list[str]:
    folder = db.parent / f"{db.stem}-invoices"
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.pdf")) if folder.exists() else []


def _out_cases(tmp: Path) -> list[tuple[str, list[str], str]]:
    exists = tmp / "exists.pdf"
    exists.write_bytes(b"keep me")
    return [
        (str(exists), [], "exists; pass --force"),
        (str(tmp / "no-such-folder" / "x.pdf"), [], "does not exist"),
        (str(tmp), [], "is a folder"),
        (str(tmp / ("n" * 300 + ".pdf")), [], "too long"),
        ("", [], "--out: the file name is empty"),
    ]


def test_a_failed_invoice_out_records_no_print_and_archives_nothing(shop: Path) -> None:
    before, files = db_fingerprint(shop), archive(shop)
    for out, extra, words in _out_cases(shop.parent):
        line = refused(call("--db", str(shop), "invoice", "#1", "--out", out, *extra))
        assert words in line, (out[:80], line)
        assert db_fingerprint(shop) == before and archive(shop) == files
    assert (shop.parent / "exists.pdf").read_bytes() == b"keep me"
    # the first copy that really reaches a file is the original, not COPY 2
    res = call("--db", str(shop), "invoice", "#1", "--out", str(shop.parent / "first.pdf"))
    assert res.code == 0, res
    assert json.loads(res.out)["invoice"]["copy_number"] == 0
    assert (shop.parent / "first.pdf").read_bytes().startswith(b"%PDF")
    res = call("--db", str(shop), "invoice", "#1", "--out", str(shop.parent / "exists.pdf"), "--force")
    assert res.code == 0 and json.loads(res.out)["invoice"]["copy_number"] == 1
    assert (shop.parent / "exists.pdf").read_bytes().startswith(b"%PDF")


def test_an_unknown_order_leaves_no_reserved_file(shop: Path) -> None:
    out = shop.parent / "never.pdf"
    assert "does not exist" in refused(call("--db", str(shop), "invoice", "#77", "--out", str(out)))
    assert not out.exists()


def _run(db: Path, *args: str, **kw: object) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO), "TILLDESK_DB": "/nonexistent"}
    return subprocess.run([sys.executable, "-m", "ui", "--db", str(db), *args], capture_output=False,
                          cwd=REPO, env=env, timeout=120, stderr=subprocess.PIPE, **kw)  # type: ignore[call-overload]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_mark_paid_to_a_full_disk_says_it_was_paid_and_exits_1(shop: Path) -> None:
    with open("/dev/full", "wb") as full:
        res = _run(shop, "draft", "mark-paid", "#2", "--tender", "cash=500", stdout=full)
    lines = res.stderr.decode().strip().splitlines()
    assert res.returncode == 1 and len(lines) == 1, res.stderr
    assert "the draft was paid" in lines[0] and "do not run the command again" in lines[0]
    assert "No space left" in lines[0]
    listed = call("--db", str(shop), "order", "list")
    assert listed.code == 0, listed
    assert json.loads(listed.out)["count"] == 2  # it really was paid, once


def test_a_closed_stdout_says_it_was_done(shop: Path) -> None:
    res = _run(shop, "draft", "cancel", "#2", stdout=None, pass_fds=(), preexec_fn=lambda: os.close(1))
    lines = res.stderr.decode().strip().splitlines()
    assert res.returncode == 1 and len(lines) == 1, res.stderr
    assert "cancel was done" in lines[0] and "standard output is closed" in lines[0]
    shown = json.loads(call("--db", str(shop), "draft", "show", "#2").out)["draft_order"]
    assert shown["status"] == "canceled" or shown.get("canceled_at")


def test_a_read_only_command_to_a_full_disk_says_nothing_changed(shop: Path) -> None:
    with open("/dev/full", "wb") as full:
        res = _run(shop, "draft", "list", stdout=full)
    lines = res.stderr.decode().strip().splitlines()
    assert res.returncode == 1 and len(lines) == 1 and "nothing was changed" in lines[0], res.stderr
