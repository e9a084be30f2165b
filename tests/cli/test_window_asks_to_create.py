"""`tilldesk --db NEW.sqlite` opening the window asks before creating a database (a typo such as
`shop.sqlit` would otherwise open an empty shop). The question is the real QMessageBox call,
answered by the test; the window itself is replaced by a recorder so no event loop runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from ui import launcher


@pytest.fixture()
def asked(qapp: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    seen: dict[str, Any] = {"questions": [], "opened": []}

    def run(app: Any) -> int:
        seen["opened"].append(app.db.path)
        app.close()
        return 0

    monkeypatch.setattr(launcher, "run", run)
    return seen


def _answer(monkeypatch: pytest.MonkeyPatch, seen: dict[str, Any], button: QMessageBox.StandardButton) -> None:
    def question(parent: Any, title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
        seen["questions"].append(text)
        return button

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))


def test_no_means_no_file_and_a_clean_refusal(tmp_path: Path, asked: dict[str, Any],
                                             monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "shop.sqlit"
    _answer(monkeypatch, asked, QMessageBox.StandardButton.No)
    with pytest.raises(SystemExit) as exc:
        launcher.main(["--db", str(missing)])
    assert exc.value.code == 2
    assert len(asked["questions"]) == 1 and str(missing) in asked["questions"][0]
    assert asked["opened"] == [] and not missing.exists()
    assert "does not exist" in capsys.readouterr().err


def test_yes_creates_the_database_and_opens_the_window(tmp_path: Path, asked: dict[str, Any],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    new = tmp_path / "shop.sqlite"
    _answer(monkeypatch, asked, QMessageBox.StandardButton.Yes)
    assert launcher.main(["--db", str(new)]) == 0
    assert len(asked["questions"]) == 1
    assert asked["opened"] == [new.resolve()] and new.is_file()


def test_an_existing_database_is_not_asked_about(tmp_path: Path, asked: dict[str, Any],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "shop.sqlite"
    _answer(monkeypatch, asked, QMessageBox.StandardButton.Yes)
    assert launcher.main(["--db", str(db), "--create"]) == 0  # --create: made without a question
    assert launcher.main(["--db", str(db)]) == 0
    assert asked["questions"] == [] and asked["opened"] == [db.resolve()] * 2
