"""PIN verification values: IBM 3624 (natural PIN, offset), Visa PVV, and card verification values.

All keys are double-length TDES keys (a single-DES key is its halves repeated). Verification functions
return nothing and raise :class:`~pinsec.errors.VerificationError` on mismatch, comparing in constant
time. Decimalisation tables are checked for form here (16 decimal digits); which tables a caller may
use is HSM policy (:class:`pinsec.Hsm` accepts only approved tables, the decimalisation-table attack
mitigation), since whoever calls these functions already holds the clear PVK.

>>> pvk = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
>>> ibm3624_offset(pvk, "4524", "1122334455667788", "1234567890123456")     # psec test vectors
'0000'
>>> visa_pvv(pvk, "1122334455667788", "1", "4524")
'8523'
"""

from __future__ import annotations

import hmac
import secrets
from typing import Final

from . import _crypto
from .errors import DataError, InvalidKeyError, PanError, PinError, VerificationError

__all__ = [
    "STANDARD_DECIMALIZATION_TABLE",
    "check_decimalization_table",
    "cvv",
    "generate_pin",
    "ibm3624_natural_pin",
    "ibm3624_offset",
    "ibm3624_pin_from_offset",
    "ibm3624_validation_data",
    "verify_cvv",
    "verify_ibm3624",
    "verify_visa_pvv",
    "visa_pvv",
]

#: The decimalisation table of the IBM 3624 documentation: hex digits 0-F map to 0123456789012345.
STANDARD_DECIMALIZATION_TABLE: Final = "0123456789012345"
_DIGITS = frozenset("0123456789")


def _key(key: bytes, what: str) -> bytes:
    if not isinstance(key, (bytes, bytearray)) or len(key) not in (8, 16, 24):
        raise InvalidKeyError(f"{what} must be an 8-, 16- or 24-byte DES/TDES key", field=what)
    return bytes(key) * 2 if len(key) == 8 else bytes(key)


def _digits(value: str, what: str, lengths: range | tuple[int, ...], error: type[DataError] | type[PinError]
            | type[PanError] = DataError) -> str:
    if not isinstance(value, str) or not _DIGITS.issuperset(value) or len(value) not in lengths:
        raise error(f"{what} must be {min(lengths)} to {max(lengths)} decimal digits", field=what.replace(" ", "_"))
    return value


def check_decimalization_table(table: str) -> str:
    """A decimalisation table is 16 decimal digits (the images of hex digits 0-F).

    >>> check_decimalization_table("01234567890123")
    Traceback (most recent call last):
    ...
    pinsec.errors.DataError: decimalization table must be 16 decimal digits
    """
    if not isinstance(table, str) or len(table) != 16 or not _DIGITS.issuperset(table):
        raise DataError("decimalization table must be 16 decimal digits", code="bad_decimalization_table",
                        field="decimalization_table")
    return table


def _decimalize(data: bytes, table: str) -> str:
    return "".join(table[int(c, 16)] for c in data.hex())


def ibm3624_validation_data(pan: str, *, offset: int = 0, length: int = 16, pad: str = "F") -> str:
    """Validation data from a PAN: ``length`` digits from ``offset``, right-padded with ``pad`` to 16.

    >>> ibm3624_validation_data("4012345678909", offset=0, length=12)
    '401234567890FFFF'
    """
    _digits(pan, "PAN", range(8, 20), PanError)
    if offset < 0 or not 1 <= length <= 16 or offset + length > len(pan):
        raise DataError("validation data offset and length must lie within the PAN (at most 16 digits)",
                        field="validation_data")
    if len(pad) != 1 or pad not in "0123456789ABCDEF":
        raise DataError("pad character must be one hex digit", field="pad")
    return pan[offset : offset + length].ljust(16, pad)


def _validation(data: str) -> bytes:
    if not isinstance(data, str) or len(data) != 16 or any(c not in "0123456789ABCDEFabcdef" for c in data):
        raise DataError("validation data must be 16 hex digits (already padded)", field="validation_data")
    return bytes.fromhex(data)


def ibm3624_natural_pin(pvk: bytes, validation_data: str, decimalization_table: str, pin_length: int) -> str:
    """The IBM 3624 natural PIN: the validation data TDES-encrypted under the PVK, decimalised, leftmost
    ``pin_length`` (4 to 12) digits.

    >>> ibm3624_natural_pin(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"), "1122334455667788",
    ...                     "1234567890123456", 4)
    '4524'
    """
    if not isinstance(pin_length, int) or not 4 <= pin_length <= 12:
        raise PinError("PIN length must be 4 to 12", field="pin_length")
    table = check_decimalization_table(decimalization_table)
    encrypted = _crypto.tdes_ecb_encrypt(_key(pvk, "PVK"), _validation(validation_data))
    return _decimalize(encrypted, table)[:pin_length]


def _check_length(pin_length: int, pin_check_length: int | None) -> int:
    n = pin_length if pin_check_length is None else pin_check_length
    if not isinstance(n, int) or not 4 <= n <= pin_length:
        raise DataError("PIN check length must be 4 to the PIN length", field="pin_check_length")
    return n


def ibm3624_offset(
    pvk: bytes, pin: str, validation_data: str, decimalization_table: str, *, pin_check_length: int | None = None
) -> str:
    """The IBM 3624 offset of a customer-selected PIN: (PIN - natural PIN) mod 10, digit by digit, over the
    leftmost ``pin_check_length`` digits (default: the whole PIN)."""
    pin = _digits(pin, "PIN", range(4, 13), PinError)
    n = _check_length(len(pin), pin_check_length)
    natural = ibm3624_natural_pin(pvk, validation_data, decimalization_table, len(pin))
    return "".join(str((int(p) - int(q)) % 10) for p, q in zip(pin[:n], natural[:n], strict=True))


def ibm3624_pin_from_offset(pvk: bytes, offset: str, validation_data: str, decimalization_table: str) -> str:
    """The PIN an offset stands for: (natural PIN + offset) mod 10, digit by digit (PIN length = offset
    length)."""
    offset = _digits(offset, "offset", range(4, 13))
    natural = ibm3624_natural_pin(pvk, validation_data, decimalization_table, len(offset))
    return "".join(str((int(p) + int(q)) % 10) for p, q in zip(natural, offset, strict=True))


def verify_ibm3624(
    pvk: bytes, pin: str, offset: str, validation_data: str, decimalization_table: str, *,
    pin_check_length: int | None = None,
) -> None:
    """Raise :class:`VerificationError` unless ``pin`` matches ``offset`` on the checked digits."""
    pin = _digits(pin, "PIN", range(4, 13), PinError)
    n = _check_length(len(pin), pin_check_length)
    offset = _digits(offset, "offset", range(n, 13))
    expected = ibm3624_offset(pvk, pin, validation_data, decimalization_table, pin_check_length=n)
    if not hmac.compare_digest(expected, offset[:n]):
        raise VerificationError("PIN did not verify (IBM 3624)", code="pin_mismatch", field="pin")


def _select_digits(data: bytes, count: int) -> str:
    """Decimal digits of the hex string left to right, then its A-F digits minus 10 (Visa's rule)."""
    text = data.hex().upper()
    chosen = [c for c in text if c in _DIGITS]
    chosen += [str(int(c, 16) - 10) for c in text if c not in _DIGITS]
    return "".join(chosen[:count])


def visa_pvv(pvk: bytes, pan: str, pvki: str, pin: str) -> str:
    """The Visa PIN verification value: TSP = 11 rightmost PAN digits before the check digit, PVKI, and
    the 4 leftmost PIN digits, TDES-encrypted under the PVK; 4 digits selected from the result."""
    pan = _digits(pan, "PAN", range(12, 20), PanError)
    if not isinstance(pvki, str) or len(pvki) != 1 or pvki not in _DIGITS:
        raise DataError("PVKI must be one decimal digit", field="pvki")
    pin = _digits(pin, "PIN", range(4, 13), PinError)
    tsp = pan[:-1][-11:] + pvki + pin[:4]
    return _select_digits(_crypto.tdes_ecb_encrypt(_key(pvk, "PVK"), bytes.fromhex(tsp)), 4)


def verify_visa_pvv(pvk: bytes, pan: str, pvki: str, pin: str, pvv: str) -> None:
    """Raise :class:`VerificationError` unless ``pvv`` is the PVV of ``pin``."""
    pvv = _digits(pvv, "PVV", (4,))
    if not hmac.compare_digest(visa_pvv(pvk, pan, pvki, pin), pvv):
        raise VerificationError("PIN did not verify (Visa PVV)", code="pin_mismatch", field="pin")


def cvv(cvk: bytes, pan: str, expiry: str, service_code: str) -> str:
    """Visa CVV / Mastercard CVC (3 digits): PAN || expiry || service code, zero-padded to 32 digits; DES
    under key A on the first half, XOR the second half, TDES under A B A; 3 digits selected.

    CVV2 uses service code ``000`` and iCVV ``999``. psec's documented example:

    >>> cvv(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"), "1234567890123456", "9912", "220")
    '170'
    """
    if not isinstance(cvk, (bytes, bytearray)) or len(cvk) != 16:
        raise InvalidKeyError("CVK must be a 16-byte double-length key (A || B)", field="cvk")
    pan = _digits(pan, "PAN", range(8, 20), PanError)
    expiry = _digits(expiry, "expiry", (4,))
    service_code = _digits(service_code, "service code", (3,))
    data = bytes.fromhex((pan + expiry + service_code).ljust(32, "0")[:32])
    left = _crypto.des_ecb_encrypt(bytes(cvk[:8]), data[:8])
    result = _crypto.tdes_ecb_encrypt(bytes(cvk), _crypto.xor(left, data[8:]))
    return _select_digits(result, 3)


def verify_cvv(cvk: bytes, pan: str, expiry: str, service_code: str, value: str) -> None:
    """Raise :class:`VerificationError` unless ``value`` is the CVV."""
    value = _digits(value, "CVV", (3,))
    if not hmac.compare_digest(cvv(cvk, pan, expiry, service_code), value):
        raise VerificationError("card verification value did not verify", code="cvv_mismatch", field="cvv")


def generate_pin(length: int = 4) -> bytearray:
    """A uniformly random PIN as ASCII digits in a ``bytearray`` for the caller to encrypt and wipe.

    :meth:`pinsec.Hsm.generate_pin` uses this and returns only the encrypted PIN block.
    """
    if not isinstance(length, int) or not 4 <= length <= 12:
        raise PinError("PIN length must be 4 to 12", field="length")
    return bytearray(0x30 + secrets.randbelow(10) for _ in range(length))
