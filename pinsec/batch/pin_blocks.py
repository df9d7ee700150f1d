"""ISO 9564-1 PIN blocks many at a time under one key: every block built or parsed and checked in a
``bytearray``, then one cipher call over all of them (two for format 4's two passes), so the cost of
setting up the cipher is paid once per batch instead of once per block. No numpy needed.

The results equal :func:`pinsec.pinblock.encipher` and :func:`pinsec.pinblock.decipher` block by block
(with the same random source, formats 1, 3 and 4 draw their fill in the same order). A bad item stops the
whole call before anything is enciphered or returned: the error is the one the single call raises, with
the item's index in its message and in its ``field`` (``pin[3]``); no PIN, PAN or block is in it.

>>> from pinsec import pinblock
>>> key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
>>> pans = ["4012345678909", "4111111111111111"]
>>> blocks = encipher_many(key, ["1234", "98765"], pans)
>>> blocks[0] == pinblock.encipher(key, "1234", pans[0])
True
>>> decipher_many(key, blocks, pans)
['1234', '98765']
>>> encipher_many(key, ["1234", "12a4"], pans)
Traceback (most recent call last):
...
pinsec.errors.PinError: item 1: PIN holds a character that is not a decimal digit
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

from .. import _crypto
from ..errors import DataError, PinsecError
from ..pinblock import (
    PinBlockFormat,
    Rng,
    _block_size,
    _decipher_hint,
    _digits,
    _field_digits,
    _format,
    _key,
    _pan_bytes,
    _parse_block,
    _pin_field,
)

__all__ = ["decipher_many", "encipher_many"]

_T = TypeVar("_T")


@contextmanager
def _item(i: int) -> Iterator[None]:
    """Re-raise a pinsec error of item ``i`` with the index in its message and field."""
    try:
        yield
    except PinsecError as exc:
        raise type(exc)(f"item {i}: {exc}", code=exc.code, field=f"{exc.field or 'item'}[{i}]") from None


def _each(items: Sequence[_T], pans: Sequence[str | None], what: str) -> None:
    if isinstance(items, (str, bytes, bytearray)) or isinstance(pans, (str, bytes)):
        raise DataError(f"{what} and pans are sequences, one PAN (or None) per item", field=what)
    if len(items) != len(pans):
        raise DataError(f"{len(items)} {what} but {len(pans)} PANs: give one PAN (or None) per item", field="pans")


def _pans(pans: Sequence[str | None], fmt: PinBlockFormat) -> list[bytes | None]:
    out = []
    for i, pan in enumerate(pans):
        with _item(i):
            out.append(_pan_bytes(pan, fmt))
    return out


def _xor_pans(buf: bytearray, pan_fields: list[bytes | None], size: int) -> None:
    for i, pan_field in enumerate(pan_fields):
        if pan_field is not None:
            for j, b in enumerate(pan_field):
                buf[size * i + j] ^= b


def encipher_many(key: bytes | str, pins: Sequence[str | bytes | bytearray], pans: Sequence[str | None], *,
                  format: int = 0, rng: Rng | None = None) -> list[bytes]:
    """:func:`pinsec.pinblock.encipher` for many PINs (``pans[i]`` for ``pins[i]``) under one key."""
    fmt = _format(format)
    ecb = _key(key, fmt)
    _each(pins, pans, "pins")
    pan_fields = _pans(pans, fmt)
    size = _block_size(fmt)
    draw: Callable[[int], bytes] = rng or secrets.token_bytes
    buf = bytearray()
    try:
        for i, pin in enumerate(pins):
            with _item(i):
                field = _pin_field(_digits(pin), fmt, draw)
            buf += field
            _crypto.wipe(field)
        if fmt is PinBlockFormat.ISO_4:
            ecb.encrypt_into(buf)
        _xor_pans(buf, pan_fields, size)
        if buf:
            ecb.encrypt_into(buf)
        return [bytes(buf[size * i:size * (i + 1)]) for i in range(len(pins))]
    finally:
        _crypto.wipe(buf)


def decipher_many(key: bytes | str, blocks: Sequence[bytes | str], pans: Sequence[str | None], *,
                  format: int = 0) -> list[str]:
    """:func:`pinsec.pinblock.decipher` for many blocks (``pans[i]`` for ``blocks[i]``) under one key."""
    fmt = _format(format)
    ecb = _key(key, fmt)
    _each(blocks, pans, "blocks")
    pan_fields = _pans(pans, fmt)
    size = _block_size(fmt)
    buf = bytearray()
    for i, block in enumerate(blocks):
        with _item(i):
            buf += _parse_block(block, fmt, "PIN block")
    pins: list[str] = []
    try:
        if buf:
            ecb.decrypt_into(buf)
        _xor_pans(buf, pan_fields, size)
        if fmt is PinBlockFormat.ISO_4 and buf:
            ecb.decrypt_into(buf)
        for i, pan_field in enumerate(pan_fields):
            hint = _decipher_hint(bool(pan_field))
            field = buf[size * i:size * (i + 1)]
            try:
                with _item(i):
                    digits = _field_digits(field, fmt, hint)
                pins.append(digits.decode("ascii"))
                _crypto.wipe(digits)
            finally:
                _crypto.wipe(field)
        return pins
    finally:
        _crypto.wipe(buf)
