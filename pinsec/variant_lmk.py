"""The Thales payShield *variant* LMK: 20 double-length TDES key pairs, the key type table, and the key
schemes Z, X, U, Y and T by which keys travel encrypted under the LMK or under a zone master key.

This is a key-wrapping format of the backend layer (the software backend holds the LMK; the
:class:`~pinsec.Hsm` decides which key may be wrapped how). What it does, as the payShield host command
manuals describe it and as independent implementations reproduce it:

* A key type code is three characters ``VPP``: ``V`` the variant (0-9), ``PP`` the LMK pair code
  (``00`` = LMK pair 04-05, ``01`` = 06-07, ``02`` = 14-15, ``03`` = 16-17 ... ``0E`` = 38-39).
* Variant ``v`` XORs the first byte of the pair's left key with ``A6 5A 6A DE 2B 50 74 9C FA`` (v = 1-9).
* Schemes ``Z`` (single length, no tag), ``X`` (double) and ``Y`` (triple) encrypt each 8-byte part of
  the key with TDES-ECB under the (variant) pair. Schemes ``U`` (double) and ``T`` (triple) XOR the first
  byte of the pair's *right* key with ``A6``, ``5A`` (U) or ``6A``, ``DE``, ``2B`` (T), one value per part.
  The same schemes wrap a key under a ZMK (the ZMK in place of the LMK pair, no key type variant).

Checked against the values ThalesSim's tests give for the published test LMK (``tests/payshield``).

The published **test LMK set** (:meth:`VariantLmk.test`) is public: anything under it is as good as
clear. It is for test environments, as a payShield in test mode; load a secret set for anything else.

Two things a payShield does that Thales has not published, so pinsec does its own, documented here:

* :meth:`VariantLmk.check_value` (the NC command's LMK check value): TDES-encrypt 8 zero bytes under pair
  00-01, the result under pair 02-03, and so on through 38-39; the 16 hex digits of the last result.
* PINs under LMK pair 02-03 (:meth:`VariantLmk.encrypt_pin`): ``L + 1`` decimal digits for an ``L``-digit
  PIN, as on a payShield. The PIN followed by its Luhn check digit, each digit added modulo 10 to a
  keystream of decimal digits taken (bytes below 250, modulo 10) from TDES-ECB under pair 02-03 of the
  12-digit account number (BCD), the PIN length and a block counter. Deterministic per account and PIN, as
  the payShield's form is; it carries no integrity beyond the check digit.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final, NoReturn, SupportsIndex

from . import _crypto
from .errors import DataError, InvalidKeyError, PinError

__all__ = ["KEY_SCHEMES", "LMK_PAIR_CODES", "TEST_LMK", "VariantLmk", "check_key_type", "unwrap_under", "wrap_under"]

#: The payShield test LMK set, pairs 00-01 to 38-39 (payShield host command manuals, "Test LMK"; the same
#: values ship with ThalesSim and other emulators).
TEST_LMK: Final = (
    "01010101010101017902CD1FD36EF8BA", "20202020202020203131313131313131",
    "40404040404040405151515151515151", "61616161616161617070707070707070",
    "80808080808080809191919191919191", "A1A1A1A1A1A1A1A1B0B0B0B0B0B0B0B0",
    "C1C1010101010101D0D0010101010101", "E0E0010101010101F1F1010101010101",
    "1C587F1C13924FEF0101010101010101", "01010101010101010101010101010101",
    "02020202020202020404040404040404", "07070707070707071010101010101010",
    "13131313131313131515151515151515", "16161616161616161919191919191919",
    "1A1A1A1A1A1A1A1A1C1C1C1C1C1C1C1C", "23232323232323232525252525252525",
    "26262626262626262929292929292929", "2A2A2A2A2A2A2A2A2C2C2C2C2C2C2C2C",
    "2F2F2F2F2F2F2F2F3131313131313131", "01010101010101010101010101010101",
)
_VARIANTS: Final = (0x00, 0xA6, 0x5A, 0x6A, 0xDE, 0x2B, 0x50, 0x74, 0x9C, 0xFA)
_SCHEME_VARIANTS: Final = {"U": (0xA6, 0x5A), "T": (0x6A, 0xDE, 0x2B)}
#: Key scheme -> key length in bytes.
KEY_SCHEMES: Final = {"Z": 8, "X": 16, "U": 16, "Y": 24, "T": 24}
#: LMK pair code (the last two characters of a key type code) -> index of the pair (04-05 is index 2).
LMK_PAIR_CODES: Final = {"00": 2, "01": 3, "02": 7, "03": 8, "04": 9, "05": 10, "06": 11, "07": 12, "08": 13,
                         "09": 14, "0A": 15, "0B": 16, "0C": 17, "0D": 18, "0E": 19}
_PIN_PAIR: Final = 1  # LMK pair 02-03


def check_key_type(key_type: str) -> tuple[int, int]:
    """The (LMK pair index, variant) of a key type code such as ``001``; a typed error otherwise."""
    if not isinstance(key_type, str) or len(key_type) != 3 or not key_type[0].isdigit() or not key_type.isascii():
        raise DataError("a key type code is 3 characters: variant digit and LMK pair code", code="key_type",
                        field="key_type")
    pair = LMK_PAIR_CODES.get(key_type[1:].upper())
    if pair is None:
        raise DataError("unknown LMK pair code in the key type", code="key_type", field="key_type")
    return pair, int(key_type[0])


def _split(cryptogram: str, field: str) -> tuple[str, bytes]:
    """(scheme, ciphertext) of a key field: 16 hex (Z), 32 hex (X), or a scheme letter and its hex."""
    if not isinstance(cryptogram, str) or not cryptogram.isascii():
        raise InvalidKeyError(f"{field} is not a key field", code="key_scheme", field=field)
    tag = cryptogram[:1].upper()
    if tag in KEY_SCHEMES:
        scheme, body = tag, cryptogram[1:]
    elif len(cryptogram) in (16, 32, 48):
        scheme, body = {16: "Z", 32: "X", 48: "Y"}[len(cryptogram)], cryptogram
    else:
        raise InvalidKeyError(f"{field} has no key scheme this HSM knows (Z, X, U, Y, T)", code="key_scheme",
                              field=field)
    try:
        raw = bytes.fromhex(body)
    except ValueError:
        raise InvalidKeyError(f"{field} is not hex after its scheme", code="key_scheme", field=field) from None
    if len(raw) != KEY_SCHEMES[scheme] or len(body) != 2 * len(raw):
        raise InvalidKeyError(f"{field} has the wrong length for scheme {scheme}", code="key_length", field=field)
    return scheme, raw


def _parts(kek: bytes, scheme: str) -> list[_crypto.Ecb]:
    """One TDES context per 8-byte part of a key of ``scheme`` under ``kek``."""
    if len(kek) not in (16, 24):
        raise InvalidKeyError("a key-encrypting key here is double or triple length", code="key_length",
                              field="kek")
    variants = _SCHEME_VARIANTS.get(scheme, (0,) * (KEY_SCHEMES[scheme] // 8))
    out = []
    for v in variants:
        k = bytearray(kek)
        k[8] ^= v  # the first byte of the second key
        out.append(_crypto.tdes_ecb(bytes(k)))
    return out


def wrap_under(kek: bytes, key: bytes, scheme: str) -> str:
    """``key`` encrypted under ``kek`` (an LMK pair with its variant applied, or a ZMK) in ``scheme``,
    tagged with the scheme letter (none for Z)."""
    if KEY_SCHEMES.get(scheme) != len(key):
        raise InvalidKeyError(f"a {len(key)}-byte key cannot travel in scheme {scheme}", code="key_scheme",
                              field="key_scheme")
    body = b"".join(e.encrypt(key[8 * i:8 * i + 8]) for i, e in enumerate(_parts(kek, scheme)))
    return ("" if scheme == "Z" else scheme) + body.hex().upper()


def unwrap_under(kek: bytes, cryptogram: str, *, field: str = "key") -> tuple[str, bytes]:
    """(scheme, clear key) of a key field encrypted under ``kek``."""
    scheme, raw = _split(cryptogram, field)
    key = b"".join(e.decrypt(raw[8 * i:8 * i + 8]) for i, e in enumerate(_parts(kek, scheme)))
    return scheme, key


class VariantLmk:
    """A variant LMK set: 20 pairs of double-length TDES keys (00-01 ... 38-39)."""

    __slots__ = ("_check_value", "_pairs", "is_test")

    def __init__(self, pairs: list[bytes] | tuple[bytes, ...], *, is_test: bool = False) -> None:
        if len(pairs) != 20 or any(not isinstance(p, bytes) or len(p) != 16 for p in pairs):
            raise InvalidKeyError("a variant LMK is 20 pairs of 16 bytes", field="variant_lmk")
        self._pairs = tuple(pairs)
        self._check_value = ""
        #: True for the published test set: keys and PINs under it are as good as clear.
        self.is_test = is_test

    @classmethod
    def test(cls) -> VariantLmk:
        """The payShield test LMK set (public values)."""
        return cls([bytes.fromhex(p) for p in TEST_LMK], is_test=True)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> VariantLmk:
        """Read 20 lines of 32 hex digits (blank lines and lines starting with ``;`` or ``#`` skipped)."""
        try:
            text = Path(path).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise DataError(f"cannot read the variant LMK file: {type(exc).__name__}", code="variant_lmk_file",
                            field="variant_lmk") from None
        lines = [line.strip() for line in text.splitlines()]
        lines = [line for line in lines if line and line[0] not in ";#"]
        try:
            pairs = [bytes.fromhex(line) for line in lines]
        except ValueError:
            raise DataError("a variant LMK file holds hex lines only", code="variant_lmk_file",
                            field="variant_lmk") from None
        lmk = cls(pairs)
        lmk.is_test = lmk._pairs == cls.test()._pairs
        return lmk

    def __repr__(self) -> str:
        return f"VariantLmk(test={self.is_test})"

    def __reduce_ex__(self, protocol: SupportsIndex) -> NoReturn:
        raise TypeError("an LMK cannot be pickled")

    def kek(self, key_type: str) -> bytes:
        """The LMK pair of ``key_type`` with its variant applied."""
        pair, variant = check_key_type(key_type)
        k = bytearray(self._pairs[pair])
        k[0] ^= _VARIANTS[variant]
        return bytes(k)

    def check_value(self) -> str:
        """pinsec's LMK check value for the NC command (see the module notes: Thales's is not public)."""
        if not self._check_value:
            value = bytes(8)
            for pair in self._pairs:
                value = _crypto.tdes_ecb(pair).encrypt(value)
            self._check_value = value.hex().upper()
        return self._check_value

    # ------------------------------------------------------------------------------ PINs under 02-03

    def _keystream(self, account: str, length: int) -> list[int]:
        if not (isinstance(account, str) and len(account) == 12 and account.isascii() and account.isdigit()):
            raise DataError("the account number is 12 digits", code="account", field="account")
        ecb = _crypto.tdes_ecb(self._pairs[_PIN_PAIR])
        digits: list[int] = []
        counter = 0
        while len(digits) < length:
            block = ecb.encrypt(bytes.fromhex(account) + bytes([length, counter]))
            digits += [b % 10 for b in block if b < 250]
            counter += 1
        return digits[:length]

    def encrypt_pin(self, pin: bytearray, account: str) -> str:
        """The PIN (ASCII digits, 4-12) under LMK pair 02-03 for ``account``: ``len(pin) + 1`` digits."""
        if not 4 <= len(pin) <= 12 or not all(0x30 <= c <= 0x39 for c in pin):
            raise PinError("a PIN is 4 to 12 digits", code="pin_length", field="pin")
        plain = [c - 0x30 for c in pin]
        plain.append(_luhn_digit(plain))
        stream = self._keystream(account, len(plain))
        return "".join(str((p + k) % 10) for p, k in zip(plain, stream, strict=True))

    def decrypt_pin(self, value: str, account: str) -> bytearray:
        """The ASCII digits of a PIN under LMK pair 02-03 (the caller wipes them)."""
        if not (isinstance(value, str) and 5 <= len(value) <= 13 and value.isascii() and value.isdigit()):
            raise PinError("a PIN under the LMK is 5 to 13 digits", code="lmk_pin", field="pin")
        stream = self._keystream(account, len(value))
        plain = [(int(c) - k) % 10 for c, k in zip(value, stream, strict=True)]
        if _luhn_digit(plain[:-1]) != plain[-1]:
            raise PinError("the PIN under the LMK does not decode for this account", code="lmk_pin", field="pin")
        return bytearray(0x30 + d for d in plain[:-1])


def _luhn_digit(digits: list[int]) -> int:
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return (10 - total % 10) % 10
