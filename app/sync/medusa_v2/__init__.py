"""The Medusa v2 backend: its HTTP client, request bodies, answer parsing and catalog mapping.

Nothing outside this package builds a Medusa v2 request or reads a Medusa v2 answer; the sync
reaches it through :class:`app.sync.ports.Backend`, registered as ``"medusa-v2"`` in
:mod:`app.sync.registry`.
"""
