"""ISO 9564-1 PIN blocks: formats 0, 1, 2, 3 (TDES, 8 bytes) and 4 (AES, 16 bytes).

=======  ==========================================================  ====================
format   clear PIN block                                             enciphered under
=======  ==========================================================  ====================
0        ``0 N PIN F..F`` XOR ``0000 || 12 rightmost PAN digits``    TDES-ECB
         (the check digit excluded)
1        ``1 N PIN R..R`` (R: random transaction field 0-F)          TDES-ECB
2        ``2 N PIN F..F`` (ICC offline PIN)                          TDES-ECB
3        ``3 N PIN R..R`` (R: random A-F) XOR format 0's PAN field   TDES-ECB
4        PIN field ``4 N PIN A..A || 8 random bytes``; PAN field     AES, two passes with
         ``M || PAN || 0..0`` (M = PAN length - 12, 0 if shorter)    the PAN field between
=======  ==========================================================  ====================

``encode`` returns the clear block (formats 0-3) or the clear 16-byte PIN field (format 4, whose PAN is
only bound in by the encipherment); ``decode`` checks every field the standard defines and raises
:class:`~pinsec.errors.PinBlockError` naming the failed check. ``encipher`` and ``decipher`` do both
steps; after decipherment a wrong key or PAN shows as a failed field check, never as a PIN.

>>> encode("1234", "4012345678909", format=0).hex().upper()
'041274EDCBA9876F'
>>> key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
>>> decipher(key, encipher(key, "1234", "4012345678909"), "4012345678909")
'1234'
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from enum import IntEnum
from typing import Final

from . import _crypto
from ._hex import parse_hex
from .errors import DataError, PanError, PinBlockError, PinError

__all__ = [
    "PAN_MAX_DIGITS",
    "PAN_MIN_DIGITS",
    "PAN_MIN_DIGITS_FORMAT_4",
    "PIN_MAX_DIGITS",
    "PIN_MIN_DIGITS",
    "PinBlockFormat",
    "Rng",
    "block_size",
    "decipher",
    "decipher_digits",
    "decode",
    "encipher",
    "encipher_digits",
    "encode",
    "pan_field",
]

#: A source of random bytes with the signature of :func:`secrets.token_bytes`; tests inject fixed ones.
Rng = Callable[[int], bytes]

PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 12
#: ISO/IEC 7812-1: a PAN is at most 19 digits. Formats 0 and 3 take the 12 rightmost digits before the
#: check digit, so pinsec asks for a card-like PAN there: a 6-digit IIN, an account digit and the check
#: digit at the least. Format 4 encodes the whole PAN with its length and defines short PANs (right-
#: justified in 12 digits, M = 0; the X9.24-3 and psec vectors use a 1-digit PAN), so any 1 to 19 digits.
PAN_MIN_DIGITS = 8
PAN_MIN_DIGITS_FORMAT_4 = 1
PAN_MAX_DIGITS = 19

_DIGITS = frozenset("0123456789")


class PinBlockFormat(IntEnum):
    """The ISO 9564-1 PIN block formats; plain ints 0-4 are accepted wherever a format is."""

    ISO_0 = 0
    ISO_1 = 1
    ISO_2 = 2
    ISO_3 = 3
    ISO_4 = 4


_PAN_BOUND = frozenset({PinBlockFormat.ISO_0, PinBlockFormat.ISO_3, PinBlockFormat.ISO_4})


_FORMATS: Final = tuple(PinBlockFormat)


def _format(value: int) -> PinBlockFormat:
    if type(value) is int and 0 <= value <= 4:  # the common case first (bool is not int by type)
        return _FORMATS[value]
    if isinstance(value, bool) or not isinstance(value, int):
        raise DataError(f"PIN block format must be an int 0-4, not {type(value).__name__}", field="format")
    try:
        return PinBlockFormat(value)
    except ValueError:
        raise DataError(f"PIN block format {value} is not an ISO 9564-1 format (0-4)", field="format") from None


def block_size(format: int) -> int:
    """Bytes in a PIN block of this format: 8 for formats 0-3, 16 for format 4.

    >>> block_size(0), block_size(PinBlockFormat.ISO_4)
    (8, 16)
    """
    return 16 if _format(format) is PinBlockFormat.ISO_4 else 8


def _check_pin(pin: str) -> str:
    if not isinstance(pin, str):
        raise PinError(f"PIN must be a str of digits, not {type(pin).__name__}", field="pin")
    if not PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS:
        raise PinError(
            f"PIN is {len(pin)} digits; ISO 9564-1 allows {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS}",
            code="bad_pin_length",
            field="pin",
        )
    if not _DIGITS.issuperset(pin):
        raise PinError("PIN holds a character that is not a decimal digit", code="bad_pin_digit", field="pin")
    return pin


def _check_pan(pan: str | None, fmt: PinBlockFormat) -> str:
    if pan is None:
        raise PanError(
            f"format {int(fmt)} binds the PIN to the PAN: a PAN is required", code="pan_required", field="pan"
        )
    if not isinstance(pan, str):
        raise PanError(f"PAN must be a str of digits, not {type(pan).__name__}", field="pan")
    if not _DIGITS.issuperset(pan):
        raise PanError("PAN holds a character that is not a decimal digit", code="bad_pan_digit", field="pan")
    low = PAN_MIN_DIGITS_FORMAT_4 if fmt is PinBlockFormat.ISO_4 else PAN_MIN_DIGITS
    if not low <= len(pan) <= PAN_MAX_DIGITS:
        raise PanError(
            f"PAN is {len(pan)} digits; format {int(fmt)} takes {low} to {PAN_MAX_DIGITS}",
            code="bad_pan_length",
            field="pan",
        )
    return pan


def _pan_field(pan: str, fmt: PinBlockFormat) -> bytes:
    if fmt is PinBlockFormat.ISO_4:
        m = max(0, len(pan) - 12)
        digits = f"{m}{pan.rjust(12, '0')}".ljust(32, "0")
        return bytes.fromhex(digits)
    account = pan[:-1][-12:].rjust(12, "0")
    return bytes.fromhex("0000" + account)


def pan_field(pan: str, *, format: int = 0) -> bytes:
    """The PAN field that formats 0 and 3 XOR into the block (8 bytes), or format 4's (16 bytes).

    >>> pan_field("4012345678909").hex().upper()
    '0000401234567890'
    >>> pan_field("4111111111111111", format=4).hex().upper()
    '44111111111111111000000000000000'
    """
    fmt = _format(format)
    if fmt not in _PAN_BOUND:
        raise DataError(f"format {int(fmt)} has no PAN field", code="no_pan_field", field="format")
    return _pan_field(_check_pan(pan, fmt), fmt)


def _random_nibbles(rng: Rng, count: int, *, low: int) -> list[int]:
    """``count`` random nibbles from ``low`` to 0xF, unbiased (rejection sampling on bytes)."""
    span = 16 - low
    limit = 256 - 256 % span
    out: list[int] = []
    while len(out) < count:
        out.extend(low + b % span for b in rng(count - len(out)) if b < limit)
    return out[:count]


#: The fixed fill nibble of the formats that have one (1 and 3 draw theirs at random).
_FILL_NIBBLE: Final = {PinBlockFormat.ISO_0: 0xF, PinBlockFormat.ISO_2: 0xF, PinBlockFormat.ISO_4: 0xA}


def _pin_field(digits: bytes | bytearray, fmt: PinBlockFormat, rng: Rng) -> bytearray:
    """The clear PIN field (before any PAN XOR) built in a bytearray from ASCII PIN digits, nibble by
    nibble: no immutable copy of the PIN is made."""
    n = len(digits)
    fill = None
    if fmt is PinBlockFormat.ISO_1:
        fill = _random_nibbles(rng, 14 - n, low=0)
    elif fmt is PinBlockFormat.ISO_3:
        fill = _random_nibbles(rng, 14 - n, low=0xA)
    field = bytearray(8)
    field[0] = (int(fmt) << 4) | n
    pos = 2  # nibble position: even ones are high nibbles
    for d in digits:
        if pos & 1:
            field[pos >> 1] |= d - 0x30
        else:
            field[pos >> 1] = (d - 0x30) << 4
        pos += 1
    if fill is None:
        nibble = _FILL_NIBBLE[fmt]
        if pos & 1:
            field[pos >> 1] |= nibble
            pos += 1
        for i in range(pos >> 1, 8):
            field[i] = nibble * 0x11
    else:
        for nibble in fill:
            if pos & 1:
                field[pos >> 1] |= nibble
            else:
                field[pos >> 1] = nibble << 4
            pos += 1
    if fmt is PinBlockFormat.ISO_4:
        tail = rng(8)
        if len(tail) != 8:
            raise DataError(f"rng returned {len(tail)} bytes, expected 8", field="rng")
        field += tail
    return field


def _digits(pin: str | bytes | bytearray) -> bytes | bytearray:
    """Validate a PIN (str, or ASCII digits in bytes for callers that wipe them) and return ASCII digits."""
    if isinstance(pin, (bytes, bytearray)):
        if not PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS or not all(0x30 <= d <= 0x39 for d in pin):
            raise PinError("PIN must be 4 to 12 ASCII decimal digits", code="bad_pin", field="pin")
        return pin
    return _check_pin(pin).encode("ascii")


def encode(pin: str, pan: str | None = None, *, format: int = 0, rng: Rng | None = None) -> bytes:
    """Build the clear PIN block (formats 0-3, 8 bytes) or the clear PIN field (format 4, 16 bytes).

    ``pan`` is required for formats 0 and 3 and ignored by 1, 2 and 4 (format 4 binds the PAN in
    :func:`encipher`). ``rng`` supplies the random fill of formats 1, 3 and 4 (default
    :func:`secrets.token_bytes`): formats 1 and 3 draw one byte per fill digit, format 1 keeping
    ``b % 16`` and format 3 mapping it to ``0xA + b % 6`` (bytes of 252 and more are drawn again, so A-F
    stay uniform); format 4 takes 8 bytes as they are.

    >>> encode("1234", format=2).hex().upper()
    '241234FFFFFFFFFF'
    >>> fixed = lambda n: bytes.fromhex("2F69ADDE2E9E7ACE")[:n]
    >>> encode("1234", format=4, rng=fixed).hex().upper()
    '441234AAAAAAAAAA2F69ADDE2E9E7ACE'
    """
    fmt = _format(format)
    digits = _digits(pin)
    xor_pan = fmt in (PinBlockFormat.ISO_0, PinBlockFormat.ISO_3)
    pan_bytes = _pan_field(_check_pan(pan, fmt), fmt) if xor_pan else None
    field = _pin_field(digits, fmt, rng or secrets.token_bytes)
    if pan_bytes is not None:
        _crypto.xor_into(field, pan_bytes)
    return bytes(field)


def _fail(check: str, message: str, hint: str) -> PinBlockError:
    return PinBlockError(message + hint, code=f"bad_{check}", field=check)


#: The fill rule of each format that has one: the fill nibble (format 3: the lowest, A-F), as said in errors.
_FILL_RULE: Final = {PinBlockFormat.ISO_0: (0xF, "F"), PinBlockFormat.ISO_2: (0xF, "F"),
                     PinBlockFormat.ISO_3: (0xA, "A to F"), PinBlockFormat.ISO_4: (0xA, "A")}


def _field_digits(field: bytearray, fmt: PinBlockFormat, hint: str) -> bytearray:
    """Check every field of a clear PIN block / PIN field, in order (control, length, digits, fill); return
    the PIN as ASCII digits (in a bytearray, wiped again if a later check fails)."""
    first = field[0]
    if first >> 4 != int(fmt):
        raise _fail("control", f"control field is {first >> 4:X}, format {int(fmt)} requires {int(fmt)}", hint)
    n = first & 0xF
    if not PIN_MIN_DIGITS <= n <= PIN_MAX_DIGITS:
        raise _fail("pin_length", f"PIN length field is {n}; ISO 9564-1 allows 4 to 12", hint)
    digits = bytearray(n)
    try:
        for i in range(n):  # PIN digit i is nibble i + 2: the low nibble of a byte when i is odd
            byte = field[(i + 2) >> 1]
            nibble = byte & 0xF if i & 1 else byte >> 4
            if nibble > 9:
                raise _fail("pin_digit", "PIN field holds a nibble that is not a decimal digit", hint)
            digits[i] = 0x30 + nibble
        rule = _FILL_RULE.get(fmt)
        if rule is not None:
            fill, name = rule
            for pos in range(2 + n, 16):
                byte = field[pos >> 1]
                nibble = byte & 0xF if pos & 1 else byte >> 4
                if nibble < fill if fmt is PinBlockFormat.ISO_3 else nibble != fill:
                    raise _fail("fill", f"fill digits are not all {name} as format {int(fmt)} requires", hint)
    except PinBlockError:
        _crypto.wipe(digits)
        raise
    return digits


def _block_size(fmt: PinBlockFormat) -> int:
    """Bytes in a PIN block of ``fmt``: 16 for format 4 (AES), 8 for the others."""
    return 16 if fmt is PinBlockFormat.ISO_4 else 8


def _decipher_hint(pan_bound: bool) -> str:
    """What a failed field check after decipherment points at: the key, and the PAN when one was XORed."""
    return " (after decipherment: wrong key or PAN?)" if pan_bound else " (after decipherment: wrong key?)"


def _parse_block(block: bytes | str, fmt: PinBlockFormat, what: str) -> bytes:
    return parse_hex(block, field=what, lengths=(_block_size(fmt),), error=PinBlockError)


def decode(block: bytes | str, pan: str | None = None, *, format: int = 0) -> str:
    """Check a clear PIN block (or format 4 clear PIN field) and return its PIN.

    Checks, in order: block length, the PAN (formats 0 and 3), the control field, the PIN length field,
    that every PIN digit is decimal, and the fill of the format (F for 0 and 2, A-F for 3, A for the
    PIN field of 4; format 1's transaction field may hold anything).

    >>> decode("041274EDCBA9876F", "4012345678909")
    '1234'
    >>> decode("041274EDCBA9876F", "4012345678917")
    Traceback (most recent call last):
    ...
    pinsec.errors.PinBlockError: fill digits are not all F as format 0 requires
    """
    fmt = _format(format)
    field = bytearray(_parse_block(block, fmt, "PIN block"))
    if fmt in (PinBlockFormat.ISO_0, PinBlockFormat.ISO_3):
        _crypto.xor_into(field, _pan_field(_check_pan(pan, fmt), fmt))
    return _field_digits(field, fmt, "").decode("ascii")


#: The key check of each format, with the name its errors give the key; run when a key is first seen (a key
#: the context cache holds passed it then).
_KEY_CHECKS: Final = {fmt: functools.partial(_crypto.check_aes_key, what="format 4 key (AES)")
                      if fmt is PinBlockFormat.ISO_4 else
                      functools.partial(_crypto.check_tdes_key, what=f"format {int(fmt)} key (TDES)")
                      for fmt in PinBlockFormat}


def _key(key: bytes | str, fmt: PinBlockFormat) -> _crypto.Ecb:
    raw = parse_hex(key, field="key", error=PinBlockError) if isinstance(key, str) else key
    return _crypto.cached_ecb(raw, "A" if fmt is PinBlockFormat.ISO_4 else "T", check=_KEY_CHECKS[fmt])


def _pan_bytes(pan: str | None, fmt: PinBlockFormat) -> bytes | None:
    return _pan_field(_check_pan(pan, fmt), fmt) if fmt in _PAN_BOUND else None


def encipher_digits(
    key: bytes | str, pin: str | bytes | bytearray, pan: str | None = None, *, format: int = 0,
    rng: Rng | None = None,
) -> bytes:
    """:func:`encipher` for callers that hold the PIN as ASCII digits in a ``bytearray`` they wipe.

    The clear PIN block is built and enciphered in a ``bytearray`` that is zeroed before returning.

    >>> key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    >>> decipher(key, encipher_digits(key, bytearray(b"1234"), "4012345678909"), "4012345678909")
    '1234'
    """
    fmt = _format(format)
    ecb = _key(key, fmt)
    digits = _digits(pin)
    pan_bytes = _pan_bytes(pan, fmt)
    field = _pin_field(digits, fmt, rng or secrets.token_bytes)
    try:
        if fmt is PinBlockFormat.ISO_4:
            assert pan_bytes is not None
            ecb.encrypt_twice_into(field, pan_bytes)  # E(E(PIN field) XOR PAN field)
            return bytes(field)
        if pan_bytes is not None:
            _crypto.xor_into(field, pan_bytes)
        ecb.encrypt_into(field)
        return bytes(field)
    finally:
        _crypto.wipe(field)


def decipher_digits(key: bytes | str, block: bytes | str, pan: str | None = None, *, format: int = 0) -> bytearray:
    """:func:`decipher` returning the PIN as ASCII digits in a ``bytearray`` the caller wipes.

    Every clear intermediate lives in a ``bytearray`` zeroed before returning.

    >>> key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    >>> decipher_digits(key, encipher(key, "1234", "4012345678909"), "4012345678909")
    bytearray(b'1234')
    """
    fmt = _format(format)
    ecb = _key(key, fmt)
    field = bytearray(_parse_block(block, fmt, "PIN block"))
    pan_bytes = _pan_bytes(pan, fmt)
    hint = _decipher_hint(bool(pan_bytes))
    try:
        if fmt is PinBlockFormat.ISO_4:
            assert pan_bytes is not None
            ecb.decrypt_twice_into(field, pan_bytes)  # D(D(block) XOR PAN field)
        else:
            ecb.decrypt_into(field)
            if pan_bytes is not None:
                _crypto.xor_into(field, pan_bytes)
        return _field_digits(field, fmt, hint)
    finally:
        _crypto.wipe(field)


def encipher(
    key: bytes | str, pin: str, pan: str | None = None, *, format: int = 0, rng: Rng | None = None
) -> bytes:
    """Encode and encipher: TDES-ECB for formats 0-3 (16- or 24-byte key); for format 4, AES two-pass
    with the PAN field XORed in between (16-, 24- or 32-byte key, PAN required).

    ANSI X9.24-3:2017 supplement, "Calculation of AES PIN Block Format 4":

    >>> fixed = lambda n: bytes.fromhex("2F69ADDE2E9E7ACE")[:n]
    >>> encipher("AF8CB133A78F8DC2D1359F18527593FB", "1234", "4111111111111111", format=4, rng=fixed).hex().upper()
    'A912150391AB65A67E52883D81CE2D15'
    """
    if not isinstance(pin, str):
        raise PinError(f"PIN must be a str of digits, not {type(pin).__name__}", field="pin")
    return encipher_digits(key, pin, pan, format=format, rng=rng)


def decipher(key: bytes | str, block: bytes | str, pan: str | None = None, *, format: int = 0) -> str:
    """Decipher a PIN block and return its PIN after every field check of :func:`decode`.

    A failed check after decipherment raises :class:`~pinsec.errors.PinBlockError` whose message adds
    that the key or PAN may be wrong.

    >>> decipher("AF8CB133A78F8DC2D1359F18527593FB", "A912150391AB65A67E52883D81CE2D15",
    ...          "4111111111111111", format=4)
    '1234'
    """
    digits = decipher_digits(key, block, pan, format=format)
    try:
        return digits.decode("ascii")
    finally:
        _crypto.wipe(digits)
