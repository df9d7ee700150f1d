"""Saved originator states carry a SHA-256 check, so a corrupted terminal memory is refused, not used."""

from __future__ import annotations

import hashlib
import hmac

from ..errors import DataError


def seal(state: bytes) -> bytes:
    """Append a SHA-256 check so that a corrupted saved state is refused rather than used."""
    return state + hashlib.sha256(state).digest()[:8]


def unseal(state: bytes, kind: str) -> bytes:
    if not isinstance(state, (bytes, bytearray)) or len(state) < 9:
        raise DataError(f"not a saved {kind} DUKPT originator state", code="originator_state", field="state")
    body, check = bytes(state[:-8]), bytes(state[-8:])
    if not hmac.compare_digest(hashlib.sha256(body).digest()[:8], check):
        raise DataError(f"saved {kind} DUKPT originator state is corrupt or truncated", code="originator_state",
                        field="state")
    return body
