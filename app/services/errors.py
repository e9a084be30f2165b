"""Turning pydantic's validation errors into per-field messages shop staff can act on."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from app.domain.errors import InvalidValue

M = TypeVar("M", bound=BaseModel)


_NAMED = re.compile(r"^([a-z_][a-z0-9_]*): (.+)$", re.S)


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str


class InputError(InvalidValue):
    """A command was rejected before anything was touched; `errors` names every bad field."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        first = errors[0] if errors else FieldError("", "invalid input")
        super().__init__(first.message, field=first.field or None)

    def __str__(self) -> str:
        return "; ".join(f"{e.field}: {e.message}" if e.field else e.message for e in self.errors)


def _msg(err: dict[str, Any]) -> str:
    msg = str(err.get("msg", "invalid"))
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    if err.get("type") == "extra_forbidden":
        return "is not a field Tilldesk knows"
    if err.get("type") == "missing":
        return "is required"
    return msg[0].lower() + msg[1:] if msg else msg


def from_validation_error(exc: ValidationError, prefix: str = "") -> InputError:
    errors = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if not str(p).startswith("function-"))
        msg = _msg(dict(err))
        # Model-level validators name their field as "field: message"; move it into the path.
        m = _NAMED.match(msg)
        if m:
            loc = f"{loc}.{m.group(1)}" if loc else m.group(1)
            msg = m.group(2)
        errors.append(FieldError(field=(prefix + loc) if loc else prefix.rstrip("."), message=msg))
    return InputError(errors)


def parse(model: type[M], data: M | Mapping[str, Any], prefix: str = "") -> M:
    """Validate `data` into the command `model`, raising InputError with every bad field named.
    A command already built (and so validated) passes through."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc, prefix) from None
