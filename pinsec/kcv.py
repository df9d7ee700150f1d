"""Key check values: legacy (encrypt a zero block) and CMAC (ANSI X9.24-1:2017), for TDES and AES keys.

=========  =====================================================  =========================
method     value                                                  usual length
=========  =====================================================  =========================
legacy     leftmost bytes of E(K, zero block)                     3 bytes (6 hex digits)
cmac       leftmost bytes of CMAC(K, zero block), X9.24-1:2017    5 bytes (10 hex digits)
halves     the legacy KCV of each half of a double-length TDES    3 bytes per half
           key as a single DES key (a CVK pair's A and B)
=========  =====================================================  =========================

TR-31 / X9.143 optional blocks KC (check value of the wrapped key) and KP (of the KBPK) carry
``00`` + a legacy KCV or ``01`` + a CMAC KCV; :func:`pinsec.tr31.unwrap` checks both.

>>> legacy_kcv(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"))
'08D7B4'
>>> cmac_kcv(bytes.fromhex("3F419E1CB7079442AA37474C2EFBF8B8"))   # X9.143:2021 8.1 key
'08793E25AB'
>>> halves_kcv(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"))  # ThalesSim's AW answer for this CVK pair
'D5D44FA68CDC'
"""

from __future__ import annotations

from typing import Literal

from . import _crypto
from .errors import DataError

__all__ = ["cmac_kcv", "halves_kcv", "kcv", "legacy_kcv"]

Method = Literal["legacy", "cmac", "halves"]


def _length(length: int, block: int) -> int:
    if not 2 <= length <= block:
        raise DataError(f"KCV length {length} is outside 2..{block} bytes", field="length")
    return length


def legacy_kcv(key: bytes, *, algorithm: str = "T", length: int = 3) -> str:
    """Leftmost ``length`` bytes of the key encrypting a zero block (TDES 8 bytes, AES 16), hex."""
    if algorithm == "T":
        return _crypto.tdes_ecb_encrypt(key, bytes(8))[: _length(length, 8)].hex().upper()
    if algorithm == "A":
        return _crypto.aes_ecb_encrypt(key, bytes(16))[: _length(length, 16)].hex().upper()
    raise DataError(f"legacy KCVs are defined for TDES (T) and AES (A) keys, not {algorithm}", field="algorithm")


def cmac_kcv(key: bytes, *, algorithm: str = "A", length: int = 5) -> str:
    """Leftmost ``length`` bytes of CMAC(key, zero block), hex (ANSI X9.24-1:2017)."""
    if algorithm == "A":
        return _crypto.aes_cmac(key, bytes(16))[: _length(length, 16)].hex().upper()
    if algorithm == "T":
        return _crypto.tdes_cmac(key, bytes(8))[: _length(length, 8)].hex().upper()
    raise DataError(f"CMAC KCVs are defined for TDES (T) and AES (A) keys, not {algorithm}", field="algorithm")


def halves_kcv(key: bytes, *, length: int = 3) -> str:
    """The legacy check values of a double-length TDES key's halves, each as a single DES key, one after the
    other: what a payShield gives for a CVK pair (CVK A, CVK B) by its "backwards compatible" KCV type."""
    if len(key) != 16:
        raise DataError("check values of halves are of a double-length TDES key (16 bytes)", field="key")
    return "".join(legacy_kcv(half + half, length=length) for half in (key[:8], key[8:]))


def kcv(key: bytes, *, algorithm: str, method: Method = "legacy", length: int | None = None) -> str:
    """The check value of ``key`` by ``method`` (legacy 3 bytes or CMAC 5 bytes unless ``length`` says;
    halves 3 bytes per half of a double-length TDES key)."""
    if method == "legacy":
        return legacy_kcv(key, algorithm=algorithm, length=3 if length is None else length)
    if method == "cmac":
        return cmac_kcv(key, algorithm=algorithm, length=5 if length is None else length)
    if method == "halves" and algorithm == "T":
        return halves_kcv(key, length=3 if length is None else length)
    raise DataError(f"KCV method {method!r} is not legacy, cmac or halves (of a TDES key)", field="method")
