"""app.printing stays a pure library: no Qt, no database, no other app package but the domain below it
(which holds the one rule for printed money, docs/money-on-paper.md, and the one address format shared
with the window)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
import app.printing.archive, app.printing.document, app.printing.escpos
import app.printing.formatting, app.printing.render, app.printing.sample
from app.printing.render import render_invoice_a4, render_receipt
from app.printing.sample import sample_document
render_invoice_a4(sample_document()); render_receipt(sample_document())
forbidden = ("PySide6", "sqlalchemy", "alembic", "pydantic", "httpx", "ui")
print(json.dumps(sorted(
    name for name in sys.modules
    if name.split(".")[0] in forbidden
    or (name.startswith("app.") and not name.startswith(("app.printing", "app.domain")))
)))
"""


def test_printing_imports_no_qt_no_database_and_no_other_app_package():
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
