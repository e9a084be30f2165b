"""The atomic till-code claim both Medusa backends make: a customer group named after the code.

A claim is a customer group ``tilldesk-till-<CODE>`` whose metadata holds the claiming till's
``till_id``. Medusa keeps customer group names unique (v2: a unique index on ``name`` among the
groups not deleted; v1: the same index on ``customer_group.name``), so of two tills creating one
code's group at the same moment the database lets exactly one in and refuses the other; the
refused till reads the group and compares the till id. Customer groups are admin-only: shoppers
never see them, and an order does not need to belong to one.

The earlier claim, one key per code in the store's metadata, lost claims: Medusa merges store
metadata read-modify-write without a lock, so tills claiming at the same moment dropped each
other's keys."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.sync.errors import MedusaRequestError

__all__ = ["CLAIM_GROUP", "TILL_ID_KEY", "claim_name", "holder_of", "claim"]

#: The name of the customer group that holds a till code on the shop server.
CLAIM_GROUP = "tilldesk-till-{code}"
#: The key in that group's metadata naming the till that holds the code.
TILL_ID_KEY = "tilldesk_till_id"

Group = dict[str, Any]


def claim_name(code: str) -> str:
    return CLAIM_GROUP.format(code=code)


def holder_of(groups: list[Group]) -> str | None:
    """The till id holding the code, None when no group holds it. A group of that name without a
    till id (made by hand in the admin) holds the code for nobody here: it counts as another
    till's, named by the group's id, so no till sends under a code someone set aside."""
    return _holder(groups[0]) if groups else None


def _holder(group: Group) -> str:
    holder = (group.get("metadata") or {}).get(TILL_ID_KEY)
    return str(holder) if holder else f"customer group {group.get('id', '?')}"


def claim(code: str, till_id: str, find: Callable[[str], list[Group]],
          create: Callable[[str, Mapping[str, Any]], Group]) -> str:
    """Claims ``code`` for ``till_id`` unless a group already holds it; returns the holder.

    ``find(name)`` lists the groups with exactly that name; ``create(name, metadata)`` creates one
    and raises :class:`MedusaRequestError` when the name is taken. A create whose answer was lost
    raises too; the next round's ``find`` then shows whether it went in (and for which till)."""
    name = claim_name(code)
    holder = holder_of(find(name))
    if holder is not None:
        return holder
    try:
        created = create(name, {TILL_ID_KEY: till_id})
    except MedusaRequestError:
        holder = holder_of(find(name))  # another till created it first: the name is taken
        if holder is None:
            raise  # refused for some other reason: the error says why
        return holder
    return _holder(created)
