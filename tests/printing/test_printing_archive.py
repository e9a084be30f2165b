"""The PDF archive writes each document once and never replaces it."""

from __future__ import annotations

import os
import threading

import pytest

from app.printing.archive import ArchiveExistsError, archive_name, archive_pdf
from app.printing.render import render_invoice_a4, render_receipt

PDF_A = b"%PDF-1.4\n% first\n"
PDF_B = b"%PDF-1.4\n% second\n"


def test_names_follow_the_pattern():
    assert archive_name("INV-0001", "invoice", 0) == "INV-0001-invoice.pdf"
    assert archive_name("INV-0001", "receipt", 2) == "INV-0001-receipt-copy-2.pdf"


@pytest.mark.parametrize("number", ["../etc/passwd", "a/b", "", "x" * 101, ".hidden", "INV 1", "INV..1"])
def test_unsafe_invoice_numbers_are_refused(tmp_path, number):
    with pytest.raises(ValueError, match="invoice_number"):
        archive_pdf(tmp_path, number, "invoice", 0, PDF_A)
    assert list(tmp_path.iterdir()) == []


def test_unknown_kind_and_bad_copy_number_are_refused(tmp_path):
    with pytest.raises(ValueError, match="kind"):
        archive_pdf(tmp_path, "INV-1", "letter", 0, PDF_A)
    with pytest.raises(ValueError, match="copy_number"):
        archive_pdf(tmp_path, "INV-1", "invoice", -1, PDF_A)
    with pytest.raises(ValueError, match="PDF"):
        archive_pdf(tmp_path, "INV-1", "invoice", 0, b"not a pdf")


def test_real_pdfs_are_archived_under_their_names(tmp_path, make_document):
    doc = make_document()
    folder = tmp_path / "archive" / "2026"
    invoice = archive_pdf(folder, doc.invoice_number, "invoice", doc.copy_number, render_invoice_a4(doc))
    receipt = archive_pdf(folder, doc.invoice_number, "receipt", 1, render_receipt(doc))
    assert invoice == folder / "INV-2026-0042-invoice.pdf"
    assert receipt == folder / "INV-2026-0042-receipt-copy-1.pdf"
    assert invoice.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in folder.iterdir()) == [invoice.name, receipt.name]  # no temp files left


def test_an_archived_file_is_never_overwritten(tmp_path):
    path = archive_pdf(tmp_path, "INV-7", "invoice", 0, PDF_A)
    with pytest.raises(ArchiveExistsError, match="never overwritten") as raised:
        archive_pdf(tmp_path, "INV-7", "invoice", 0, PDF_B)
    assert isinstance(raised.value, FileExistsError)
    assert path.read_bytes() == PDF_A
    assert [p.name for p in tmp_path.iterdir()] == ["INV-7-invoice.pdf"]
    # A reprint gets its own name and leaves the original alone.
    copy = archive_pdf(tmp_path, "INV-7", "invoice", 1, PDF_B)
    assert copy.read_bytes() == PDF_B and path.read_bytes() == PDF_A


def test_two_writers_racing_for_one_name_leave_exactly_one_whole_file(tmp_path):
    payloads = [b"%PDF-1.4\n" + bytes([65 + i]) * 200_000 for i in range(8)]
    barrier = threading.Barrier(len(payloads))
    outcomes: list[str] = []

    def write(payload: bytes) -> None:
        barrier.wait()
        try:
            archive_pdf(tmp_path, "INV-RACE", "receipt", 0, payload)
            outcomes.append("written")
        except ArchiveExistsError:
            outcomes.append("refused")

    threads = [threading.Thread(target=write, args=(p,)) for p in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("written") == 1
    assert outcomes.count("refused") == len(payloads) - 1
    stored = (tmp_path / "INV-RACE-receipt.pdf").read_bytes()
    assert stored in payloads
    assert os.listdir(tmp_path) == ["INV-RACE-receipt.pdf"]
