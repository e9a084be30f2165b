"""Integration tests share one real Medusa server per backend and test session (it costs about a
minute): the ``medusa_server`` and ``medusa_v1_server`` fixtures come from tests/conftest.py."""

from __future__ import annotations

import sys
from pathlib import Path

# tests/integration has no __init__.py: make the repository's ``tests`` package importable.
_REPO_ROOT = str(Path(__file__).resolve().parents[2])
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)
if getattr(sys.modules.get("tests"), "__file__", "") is None:
    del sys.modules["tests"]
