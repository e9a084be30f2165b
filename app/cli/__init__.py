"""The command line over the services, for back-office staff and scripts.

Prints JSON in Medusa's response shapes on stdout. On failure: one clear line on stderr and
exit code 2 for bad input, 1 for anything else. `tilldesk` with no subcommand opens the window.

`main` holds the parser and the command table, `common` what every command shares, and one
module per command group (`catalog`, `drafts`, `orders`); the sync commands live in app.sync.cli.
"""

from __future__ import annotations

from app.cli.common import EXIT_BAD_INPUT, EXIT_FAILURE, BadInput, version
from app.cli.main import build_parser, main

__all__ = ["EXIT_BAD_INPUT", "EXIT_FAILURE", "BadInput", "build_parser", "main", "version"]
