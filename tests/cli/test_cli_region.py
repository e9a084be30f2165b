"""Tax only from the draft's region, through the command line: the same refusal as the services
(exit 2, one line naming the field) and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import bad, ok, run
from tests.conftest import db_fingerprint, draft_body

DE_ADDRESS = {"first_name": "Zoë", "city": "Köln", "country_code": "de", "postal_code": "50672"}


def test_a_usd_draft_with_a_german_address_is_refused_on_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "shop.sqlite"
    d = ok(run(db, "draft", "create", stdin=json.dumps(draft_body()), demo=True))["draft_order"]
    before = db_fingerprint(db)
    line = bad(run(db, "draft", "create", stdin=json.dumps(draft_body(shipping_address=DE_ADDRESS))))
    assert line == "tilldesk: shipping_address: country DE is not in region United States (us)"
    line = bad(run(db, "draft", "update", d["id"], stdin=json.dumps({"billing_address": DE_ADDRESS})))
    assert "billing_address: country DE is not in region United States (us)" in line
    assert db_fingerprint(db) == before
