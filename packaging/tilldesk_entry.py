"""Entry script for the PyInstaller bundle: the same `tilldesk` command as the installed package."""

import sys

from ui.launcher import main

if __name__ == "__main__":
    sys.exit(main())
