"""`python -m app.cli`: the command line without the window."""

from app.cli.main import main

raise SystemExit(main())
