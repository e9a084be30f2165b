"""One till code per till on a shop server: claimed before the first push, checked again before
every push round, and refused when another till already holds it.

Every till that sends orders claims its code first, and only a till that holds its code sends
orders carrying ``tilldesk_till`` (orders from before till codes carry none), so the claims list
is complete for the question "did another till push orders with this code?" and answers it in
one request: Medusa cannot filter orders by metadata (``metadata[...]`` is ignored on v2 and a
400 on v1), so asking the orders themselves would mean paging through every order of the shop.

The claim is atomic (app/sync/till_claim.py): a customer group whose unique name is the code.
Of two tills claiming the same code at the same instant the server lets exactly one create it;
the other is refused, reads the winner's id, and sends nothing."""

from __future__ import annotations

import logging

from app.domain.tills import claim_conflict
from app.services.tills import TillIdentity
from app.sync.errors import BackendError
from app.sync.ports import Backend, TillClaims
from app.sync.store import SyncStore

log = logging.getLogger(__name__)


class TillCodeTaken(BackendError):
    """Another till holds this till's code on the shop server: nothing is sent until it changes."""

    transient = False


def _claims(backend: object) -> TillClaims | None:
    inner = getattr(backend, "inner", backend)  # MeteredBackend wraps the real one
    return inner if isinstance(inner, TillClaims) else None


def ensure_claim(store: SyncStore, backend: Backend) -> TillIdentity:
    """Claims this till's code on the server (or confirms it holds it); raises TillCodeTaken
    naming the code when another till holds it. A file without a code claims nothing."""
    ident = store.till_identity()
    if ident.code is None:
        return ident
    claims = _claims(backend)
    if claims is None:
        raise TillCodeTaken(f"This shop server kind cannot keep till codes, so the till code {ident.code} "
                            "cannot be checked; nothing is sent.")
    holder = claims.claim_till(ident.code, ident.till_id)
    problem = claim_conflict(ident.code, ident.till_id, holder)
    if problem:
        log.warning("till code %s is held by another till on the shop server", ident.code)
        raise TillCodeTaken(problem)
    return ident


def check_code_free(store: SyncStore, backend: Backend) -> str | None:
    """The refusal, or None: read-only, for ``backend set`` and the window's backend dialog before
    they save (claiming waits for the first push, so testing a server claims nothing)."""
    code, till_id = store.till_code_and_id()  # read only: checking writes nothing to the file
    claims = _claims(backend)
    if code is None or claims is None:
        return None
    holder = claims.till_holder(code)
    if holder is not None and till_id is None:
        return claim_conflict(code, "", holder)  # never claimed from this file: it is another till's
    return claim_conflict(code, till_id or "", holder)
