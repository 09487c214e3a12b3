"""How an event's payload is stored: the JSON object in `events.data` and back, a field with a default
left out while it has it (unless marked `always`), a trailing underscore dropped from the key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, Self, TypeVar

from kiosk.errors import KioskError


class PayloadError(KioskError):
    """A stored payload that lacks a key its kind needs, or an unknown kind."""


@dataclass(frozen=True)
class Payload:
    """Base of every payload: the JSON object stored in `events.data`, and back."""

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.default is not MISSING and value == f.default and not f.metadata.get("always"):
                continue
            data[f.name.rstrip("_")] = value
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        """The payload of a stored object; keys it does not know are left aside."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            key = f.name.rstrip("_")
            if key in data:
                values[f.name] = data[key]
            elif f.default is MISSING:
                raise PayloadError(f"a {cls.__name__} event has no {key!r} in {dict(data)!r}")
        return cls(**values)


T = TypeVar("T")


def always(default: T) -> T:
    """A field read as `default` when a row lacks it, yet always written."""
    return field(default=default, metadata={"always": True})
