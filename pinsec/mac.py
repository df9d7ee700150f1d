"""Message authentication codes: ISO 9797-1 algorithms 1 and 3, CMAC, HMAC-SHA-256.

Generation returns the MAC; verification returns nothing and raises
:class:`~pinsec.errors.VerificationError` on mismatch (constant-time compare).

>>> key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
>>> mac = retail_mac(key, b"Now is the time for all ")
>>> verify_retail_mac(key, b"Now is the time for all ", mac)
"""

from __future__ import annotations

import hmac
from typing import Literal

from . import _crypto
from .errors import DataError, InvalidKeyError, VerificationError

__all__ = [
    "cbc_mac",
    "cmac",
    "hmac_sha256",
    "pad",
    "retail_mac",
    "verify",
    "verify_cbc_mac",
    "verify_cmac",
    "verify_hmac_sha256",
    "verify_retail_mac",
]

Padding = Literal[1, 2, 3]
CmacAlgorithm = Literal["aes", "tdes"]


def pad(data: bytes, method: int, block: int = 8) -> bytes:
    """ISO/IEC 9797-1:2011 padding: method 1 (zeros; an empty message becomes one zero block), method 2
    (0x80 then zeros), method 3 (a block holding the message length in bits, then the message, then as
    few zeros as make whole blocks; clause 6.3.3).

    >>> pad(b"\\x01", 1).hex(), pad(b"\\x01", 2).hex(), pad(b"", 1).hex()
    ('0100000000000000', '0180000000000000', '0000000000000000')
    >>> pad(bytes.fromhex("1234"), 3).hex().upper()
    '00000000000000101234000000000000'
    """
    data = bytes(data)
    if method == 1:
        if not data:
            return bytes(block)
        return data + bytes(-len(data) % block)
    if method == 2:
        data += b"\x80"
        return data + bytes(-len(data) % block)
    if method == 3:
        return (8 * len(data)).to_bytes(block, "big") + data + bytes(-len(data) % block)
    raise DataError(f"ISO 9797-1 padding method {method} is not supported (1, 2 or 3)", field="padding")


def _truncate(mac: bytes, length: int | None, *, minimum: int = 4) -> bytes:
    if length is None:
        return mac
    if not minimum <= length <= len(mac):
        raise DataError(f"MAC length {length} is outside {minimum}..{len(mac)} bytes", field="length")
    return mac[:length]


def cbc_mac(key: bytes, data: bytes, *, padding: Padding = 1, length: int = 8) -> bytes:
    """ISO 9797-1 MAC algorithm 1 (CBC-MAC, zero IV) with a 16- or 24-byte TDES key.

    >>> cbc_mac(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"), bytes(8)).hex().upper()
    '08D7B4FB629D0885'
    """
    _crypto.check_tdes_key(key)
    chained = _crypto.tdes_cbc_encrypt(key, bytes(8), pad(data, padding))
    return _truncate(chained[-8:], length)


def retail_mac(key: bytes, data: bytes, *, padding: Padding = 1, length: int = 8) -> bytes:
    """ISO 9797-1 MAC algorithm 3 (ANSI X9.19 retail MAC); ``key`` is K1 || K2, 16 bytes.

    Single-DES CBC under K1 over every block, then the last result is decrypted under K2 and
    encrypted under K1: the same as TDES-encrypting the last chained block under K1 K2 K1.
    """
    if len(key) != 16:
        raise InvalidKeyError(f"retail MAC key is {len(key)} bytes, expected 16 (K1 || K2)", field="key")
    blocks = pad(data, padding)
    h = bytes(8)
    if len(blocks) > 8:
        h = _crypto.des_cbc_encrypt(bytes(key[:8]), h, blocks[:-8])[-8:]
    last = _crypto.xor(h, blocks[-8:])
    return _truncate(_crypto.tdes_ecb_encrypt(key, last), length)


def cmac(key: bytes, data: bytes, *, algorithm: CmacAlgorithm = "aes", length: int | None = None) -> bytes:
    """CMAC (NIST SP 800-38B) with an AES key (16, 24, 32 bytes) or, with ``algorithm="tdes"``, a TDES key.

    SP 800-38B D.1, Example 1 (empty message):

    >>> cmac(bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c"), b"").hex()
    'bb1d6929e95937287fa37d129b756746'
    """
    if algorithm == "aes":
        full = _crypto.aes_cmac(key, data)
    elif algorithm == "tdes":
        full = _crypto.tdes_cmac(key, data)
    else:
        raise DataError(f"CMAC algorithm {algorithm!r} is not 'aes' or 'tdes'", field="algorithm")
    return _truncate(full, length)


def hmac_sha256(key: bytes, data: bytes, *, length: int | None = None) -> bytes:
    """HMAC-SHA-256, optionally truncated (at least 16 bytes, per NIST SP 800-107)."""
    return _truncate(_crypto.hmac_sha256(key, data), length, minimum=16)


def verify(expected: bytes, received: bytes) -> None:
    """Raise :class:`VerificationError` unless the two MACs are equal (constant time)."""
    if not hmac.compare_digest(bytes(expected), bytes(received)):
        raise VerificationError("MAC did not verify", code="mac_mismatch", field="mac")


def verify_cbc_mac(key: bytes, data: bytes, mac: bytes, *, padding: Padding = 1) -> None:
    """Verify an ISO 9797-1 algorithm 1 MAC of ``len(mac)`` bytes."""
    verify(cbc_mac(key, data, padding=padding, length=len(mac)), mac)


def verify_retail_mac(key: bytes, data: bytes, mac: bytes, *, padding: Padding = 1) -> None:
    """Verify an ISO 9797-1 algorithm 3 (retail) MAC of ``len(mac)`` bytes."""
    verify(retail_mac(key, data, padding=padding, length=len(mac)), mac)


def verify_cmac(key: bytes, data: bytes, mac: bytes, *, algorithm: CmacAlgorithm = "aes") -> None:
    """Verify a (possibly truncated) CMAC."""
    verify(cmac(key, data, algorithm=algorithm, length=len(mac)), mac)


def verify_hmac_sha256(key: bytes, data: bytes, mac: bytes) -> None:
    """Verify a (possibly truncated) HMAC-SHA-256."""
    verify(hmac_sha256(key, data, length=len(mac)), mac)
