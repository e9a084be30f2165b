"""The `tilldesk` console entry: the command line from app.cli, with the window plugged in.

Qt is imported only when the window is actually opened, so `tilldesk draft list` stays fast
and works on a machine without a display."""

from __future__ import annotations

import sys
from typing import Any


def _launch(app: Any) -> int:
    from ui.main import run

    return run(app)


def main(argv: list[str] | None = None) -> int:
    from app.cli import main as cli_main

    return cli_main(argv, launch_gui=_launch)


if __name__ == "__main__":
    sys.exit(main())
