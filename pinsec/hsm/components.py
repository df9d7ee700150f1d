"""Key ceremonies: a key as the XOR of 2 or 3 clear components, each checked against its check value
before they are combined (a wrong component is named, and nothing is combined)."""

from __future__ import annotations

from collections.abc import Sequence

from .._hex import parse_hex
from ..errors import DataError, InvalidKeyError, VerificationError
from ._core import _kcv_matches

__all__ = ["combine"]


def combine(components: Sequence[bytes | str], kcvs: Sequence[str], algorithm: str) -> bytearray:
    """The XOR of ``components`` (2 or 3, equal lengths), each matching its KCV in ``kcvs`` (the whole
    value or a prefix of 3 bytes or more) for a key of ``algorithm``; the caller wipes the result."""
    from ..backends.software import check_value

    if isinstance(components, (bytes, bytearray, str)) or not 2 <= len(components) <= 3:
        raise DataError("a key ceremony takes 2 or 3 components", field="components")
    if isinstance(kcvs, str) or len(kcvs) != len(components):
        raise DataError(f"give one KCV per component ({len(components)})", field="kcvs")
    raw = [parse_hex(p, field=f"component {i + 1}", error=InvalidKeyError) for i, p in enumerate(components)]
    if len({len(r) for r in raw}) != 1:
        raise InvalidKeyError("key components differ in length", field="components")
    for i, (part, expected) in enumerate(zip(raw, kcvs, strict=True)):
        if not _kcv_matches(check_value(part, algorithm), expected):
            raise VerificationError(f"component {i + 1} does not match its KCV", code="kcv_mismatch",
                                    field=f"component {i + 1}")
    combined = bytearray(len(raw[0]))
    for part in raw:
        for j, b in enumerate(part):
            combined[j] ^= b
    return combined
