"""The request / response direction of DUKPT MAC and data keys, shared by both DUKPT flavours."""

from __future__ import annotations

from typing import TypeVar

from ..errors import DataError

T = TypeVar("T")


def by_direction(direction: str, request: T, response: T, *, what: str) -> T:
    """``request`` or ``response`` by ``direction``; anything else is a :class:`DataError`."""
    if direction == "request":
        return request
    if direction == "response":
        return response
    raise DataError(f"{what} direction must be request or response", field="direction")
