"""A real Medusa 1.20.11 server for Tilldesk's integration tests (see server.py, seed.py, fixtures.py)."""

from .server import MEDUSA_V1_VERSION, MedusaV1Server

__all__ = ["MEDUSA_V1_VERSION", "MedusaV1Server"]
