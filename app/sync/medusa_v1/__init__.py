"""The Medusa v1 (1.20) backend: the seed's draft-order ``/pay`` flow, integer minor units,
``x-medusa-access-token``. Nothing outside this package builds a v1 request or reads a v1
answer; the sync reaches it through :class:`app.sync.ports.Backend`, registered as
``"medusa-v1"`` in :mod:`app.sync.registry`.
"""
