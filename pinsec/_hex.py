"""Hex-or-bytes input parsing shared by every module that takes keys, blocks or KSNs."""

from __future__ import annotations

import binascii
from collections.abc import Collection

from .errors import DataError, InputError

__all__ = ["parse_hex", "sized_bytes", "to_hex"]

_HEX = frozenset("0123456789abcdefABCDEF")


def parse_hex(
    value: bytes | bytearray | memoryview | str,
    *,
    field: str,
    lengths: Collection[int] | None = None,
    error: type[InputError] = DataError,
) -> bytes:
    """Return ``value`` as bytes: bytes pass through, a str must be hex digits (no spaces).

    ``lengths`` is the set of allowed byte lengths; the error names ``field`` but never the value.

    >>> parse_hex("0A0b", field="ksn").hex()
    '0a0b'
    >>> parse_hex("0A0", field="ksn")
    Traceback (most recent call last):
    ...
    pinsec.errors.DataError: ksn is not an even number of hex digits (3 characters)
    """
    if isinstance(value, str):
        if not value:
            raise error(f"{field} is empty", field=field)
        if not _HEX.issuperset(value):
            raise error(f"{field} is not hex: it holds characters other than 0-9 A-F", field=field)
        if len(value) % 2:
            raise error(f"{field} is not an even number of hex digits ({len(value)} characters)", field=field)
        data = binascii.unhexlify(value)
    elif isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
    else:
        raise error(f"{field} must be bytes or a hex string, not {type(value).__name__}", field=field)
    if lengths is not None and len(data) not in lengths:
        allowed = " or ".join(str(n) for n in sorted(lengths))
        raise error(f"{field} is {len(data)} bytes, expected {allowed}", field=field)
    return data


def sized_bytes(value: object, size: int, *, field: str) -> bytes:
    """``value`` as bytes when it is bytes of exactly ``size``, for binary-only fields (EMV's cryptograms,
    counters and PAN blocks, where hex text is not taken); else a :class:`DataError` naming ``field``.

    >>> sized_bytes(b"\\x00\\x1c", 2, field="atc").hex()
    '001c'
    >>> sized_bytes("001C", 2, field="atc")
    Traceback (most recent call last):
    ...
    pinsec.errors.DataError: atc is 2 bytes
    """
    if not isinstance(value, (bytes, bytearray)) or len(value) != size:
        raise DataError(f"{field} is {size} bytes", field=field)
    return bytes(value)


def to_hex(data: bytes) -> str:
    """Uppercase hex, the convention of payment HSM logs and of the vectors files.

    >>> to_hex(b"\\x0a\\xbc")
    '0ABC'
    """
    return data.hex().upper()
