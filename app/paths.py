"""Where Tilldesk keeps its database by default. A module of its own so the command line's quick
lists (app.cli.quick) find the file without importing the bootstrap's SQLAlchemy wiring."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "Tilldesk"


def default_db_path() -> Path:
    env = os.environ.get("TILLDESK_DB")
    if env:
        return Path(env)
    return user_data_path(APP_NAME, appauthor=False) / "tilldesk.sqlite"
