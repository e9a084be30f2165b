"""A real Medusa v2 server for Tilldesk's integration tests (see server.py, seed.py, fixtures.py)."""

from .server import MEDUSA_VERSION, MedusaHarnessError, MedusaServer, MedusaTimings

__all__ = ["MEDUSA_VERSION", "MedusaHarnessError", "MedusaServer", "MedusaTimings"]
