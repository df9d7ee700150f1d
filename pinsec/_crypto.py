"""The only module that calls block-cipher primitives.

Everything here works on clear ``bytes`` and validates key lengths, so the standard modules above it
never touch ``cryptography`` directly. TDES keys of 8, 16 or 24 bytes are expanded to the 24-byte form
``cryptography`` keeps supported (K1 K1 K1 for single DES, K1 K2 K1 for two-key TDES), so no deprecated
key-size path is ever taken.

For hot paths that reuse one key (DUKPT registers, a BDK's IPEK derivation, a zone key translating many
blocks), :func:`tdes_ecb` and :func:`aes_ecb` return a reusable :class:`Ecb` whose encryptor and
decryptor contexts are created once: ECB carries no state between blocks, so a context may process any
number of independent ``update`` calls.
"""

from __future__ import annotations

import hmac as _hmac
from collections import OrderedDict
from collections.abc import Callable
from hashlib import sha256
from threading import Lock
from typing import Final

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, CipherContext, algorithms, modes
from cryptography.hazmat.primitives.cmac import CMAC

from .errors import DataError, InvalidKeyError

__all__ = [
    "AES_BLOCK",
    "TDES_BLOCK",
    "Ecb",
    "aes_blocks",
    "aes_cbc_decrypt",
    "aes_cbc_encrypt",
    "aes_cmac",
    "aes_ctr",
    "aes_ecb",
    "aes_ecb_decrypt",
    "aes_ecb_encrypt",
    "check_aes_key",
    "check_tdes_key",
    "des_block",
    "des_cbc_encrypt",
    "des_ecb_encrypt",
    "hmac_sha256",
    "tdes_cbc_decrypt",
    "tdes_cbc_encrypt",
    "tdes_cmac",
    "tdes_ecb",
    "tdes_ecb_decrypt",
    "tdes_ecb_encrypt",
    "wipe",
    "xor",
    "xor_into",
]

TDES_BLOCK: Final = 8
AES_BLOCK: Final = 16
_ECB: Final = modes.ECB()  # noqa: S305  (ECB is what ISO 9564, X9.24 and TR-31 specify)


def wipe(buf: bytearray) -> None:
    """Overwrite a mutable buffer of clear material with zeros."""
    buf[:] = bytes(len(buf))


def xor_into(buf: bytearray, other: bytes) -> None:
    """XOR ``other`` into ``buf`` in place (equal lengths)."""
    if len(buf) != len(other):
        raise DataError(f"cannot XOR {len(buf)} bytes with {len(other)} bytes", field="data")
    for i, b in enumerate(other):
        buf[i] ^= b


def xor(a: bytes, b: bytes) -> bytes:
    """XOR two byte strings of equal length.

    >>> xor(b"\\x0f\\xf0", b"\\xff\\xff").hex()
    'f00f'
    """
    if len(a) != len(b):
        raise DataError(f"cannot XOR {len(a)} bytes with {len(b)} bytes", field="data")
    n = len(a)
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(n, "big")


def adjust_parity(key: bytes) -> bytes:
    """Set odd parity on every byte of a DES/TDES key (the low bit of each byte), as key generation does.

    >>> adjust_parity(bytes(8)).hex()
    '0101010101010101'
    """
    return bytes(b & 0xFE | (bin(b >> 1).count("1") + 1) % 2 for b in key)


def check_tdes_key(key: bytes, *, allow_single: bool = False, what: str = "key") -> bytes:
    """Validate a TDES key (16 or 24 bytes; 8 with ``allow_single``) and return its 24-byte form."""
    if not isinstance(key, (bytes, bytearray, memoryview)):
        raise InvalidKeyError(f"{what} must be bytes, not {type(key).__name__}", field=what)
    key = bytes(key)
    n = len(key)
    if n == 24:
        return key
    if n == 16:
        return key + key[:8]
    if n == 8 and allow_single:
        return key * 3
    allowed = "8, 16 or 24" if allow_single else "16 or 24"
    raise InvalidKeyError(f"{what} is {n} bytes; a TDES key is {allowed} bytes", field=what)


def check_aes_key(key: bytes, *, what: str = "key") -> bytes:
    """Validate an AES key of 16, 24 or 32 bytes."""
    if not isinstance(key, (bytes, bytearray, memoryview)):
        raise InvalidKeyError(f"{what} must be bytes, not {type(key).__name__}", field=what)
    key = bytes(key)
    if len(key) not in (16, 24, 32):
        raise InvalidKeyError(f"{what} is {len(key)} bytes; an AES key is 16, 24 or 32 bytes", field=what)
    return key


def _check_blocks(data: bytes | bytearray, block: int) -> None:
    if len(data) % block:
        raise DataError(f"data is {len(data)} bytes, not a multiple of the {block}-byte block", field="data")


class Ecb:
    """A reusable ECB encryptor/decryptor pair for one key.

    >>> e = tdes_ecb(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"))
    >>> e.decrypt(e.encrypt(bytes(16))) == bytes(16)
    True
    """

    __slots__ = ("_block", "_cipher", "_dec", "_enc")

    def __init__(self, algorithm: TripleDES | algorithms.AES, block: int) -> None:
        self._cipher = Cipher(algorithm, _ECB)
        self._enc: CipherContext | None = None
        self._dec: CipherContext | None = None
        self._block = block

    @property
    def _encryptor(self) -> CipherContext:
        if self._enc is None:
            self._enc = self._cipher.encryptor()
        return self._enc

    @property
    def _decryptor(self) -> CipherContext:
        if self._dec is None:
            self._dec = self._cipher.decryptor()
        return self._dec

    def __repr__(self) -> str:
        return f"<{type(self).__name__} block={self._block}>"

    def encrypt(self, data: bytes) -> bytes:
        """Encrypt whole blocks."""
        _check_blocks(data, self._block)
        return self._encryptor.update(data)

    def decrypt(self, data: bytes) -> bytes:
        """Decrypt whole blocks."""
        _check_blocks(data, self._block)
        return self._decryptor.update(data)

    def encrypt_into(self, buf: bytearray) -> None:
        """Encrypt ``buf`` in place, leaving no other copy of its clear content behind (best effort)."""
        self._into(self._encryptor, buf)

    def decrypt_into(self, buf: bytearray) -> None:
        """Decrypt ``buf`` in place; the clear result exists only in ``buf``, which the caller wipes."""
        self._into(self._decryptor, buf)

    def encrypt_twice_into(self, buf: bytearray, between: bytes) -> None:
        """``buf`` = E(E(buf) XOR ``between``) in place (ISO 9564-1 format 4's two passes with the PAN field
        between them), through one scratch buffer that is wiped; the value between is ciphertext."""
        self._twice(self._encryptor, buf, between)

    def decrypt_twice_into(self, buf: bytearray, between: bytes) -> None:
        """``buf`` = D(D(buf) XOR ``between``) in place; the clear result exists only in ``buf``."""
        self._twice(self._decryptor, buf, between)

    def _twice(self, ctx: CipherContext, buf: bytearray, between: bytes) -> None:
        size = len(buf)
        if size % self._block or len(between) != size:
            _check_blocks(buf, self._block)
            raise DataError(f"the value between the passes is {len(between)} bytes, not {size}", field="data")
        room = size + self._block - 1
        scratch = bytearray(room)
        try:
            ctx.update_into(buf, scratch)
            once = int.from_bytes(memoryview(scratch)[:size], "big") ^ int.from_bytes(between, "big")
            ctx.update_into(once.to_bytes(size, "big"), scratch)  # once enciphered: not clear material
            buf[:] = memoryview(scratch)[:size]
        finally:
            scratch[:] = bytes(room)

    def _into(self, ctx: CipherContext, buf: bytearray) -> None:
        size = len(buf)
        if size % self._block:
            _check_blocks(buf, self._block)  # raises
        room = size + self._block - 1  # what update_into asks for; ECB fills exactly ``size`` of it
        scratch = bytearray(room)
        try:
            ctx.update_into(buf, scratch)
            buf[:] = memoryview(scratch)[:size]
        finally:
            scratch[:] = bytes(room)  # the wipe, inline: this runs four times per format 4 round trip


def tdes_ecb(key: bytes, *, allow_single: bool = False) -> Ecb:
    """A reusable TDES-ECB context (single DES with ``allow_single`` and an 8-byte key)."""
    return Ecb(TripleDES(check_tdes_key(key, allow_single=allow_single)), TDES_BLOCK)


def aes_ecb(key: bytes) -> Ecb:
    """A reusable AES-ECB context."""
    return Ecb(algorithms.AES(check_aes_key(key)), AES_BLOCK)


_ECB_CACHE: OrderedDict[tuple[str, bytes], Ecb] = OrderedDict()
_ECB_CACHE_SIZE: Final = 64
_ECB_CACHE_LOCK = Lock()


def cached_ecb(key: bytes, algorithm: str, *, check: Callable[[bytes], bytes] | None = None) -> Ecb:
    """A reusable ECB context for ``key`` (``"T"`` TDES of 16 or 24 bytes, ``"A"`` AES), from a bounded
    cache of the last 64 keys added: PIN and derivation keys repeat across calls, and building a context
    costs more than the block it enciphers. Contexts may be shared between threads. The cache holds the
    keys it was given (as immutable copies) until they fall out of it or :func:`clear_cached_ecbs` drops
    them; docs/security.md says so. ``check`` validates a key the caller has not (its own error messages):
    it runs when the key is first seen, since a key found in the cache passed it then."""
    if not isinstance(key, (bytes, bytearray, memoryview)):  # bytes() of a number would be zeros: refuse
        return _new_ecb(key, algorithm, check)  # (raises the typed error, in the caller's words if it checks)
    tag = (algorithm, bytes(key))
    ctx = _ECB_CACHE.get(tag)  # a dict read is atomic: hits take no lock
    if ctx is not None:
        return ctx
    ctx = _new_ecb(key, algorithm, check)
    with _ECB_CACHE_LOCK:
        _ECB_CACHE[tag] = ctx
        while len(_ECB_CACHE) > _ECB_CACHE_SIZE:  # the oldest entry goes first
            _ECB_CACHE.popitem(last=False)
    return ctx


def _new_ecb(key: bytes, algorithm: str, check: Callable[[bytes], bytes] | None) -> Ecb:
    checked = key if check is None else check(key)
    return aes_ecb(checked) if algorithm == "A" else tdes_ecb(checked)


def clear_cached_ecbs() -> None:
    """Drop every cached context (their key schedules are cleansed as OpenSSL frees them)."""
    with _ECB_CACHE_LOCK:
        _ECB_CACHE.clear()


def tdes_ecb_encrypt(key: bytes, data: bytes) -> bytes:
    """TDES-ECB encrypt whole 8-byte blocks under a 16- or 24-byte key.

    >>> tdes_ecb_encrypt(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"), bytes(8)).hex().upper()
    '08D7B4FB629D0885'
    """
    return tdes_ecb(key).encrypt(data)


def tdes_ecb_decrypt(key: bytes, data: bytes) -> bytes:
    """TDES-ECB decrypt whole 8-byte blocks under a 16- or 24-byte key."""
    return tdes_ecb(key).decrypt(data)


def des_ecb_encrypt(key: bytes, data: bytes) -> bytes:
    """Single-DES ECB encrypt under an 8-byte key (used by DUKPT's non-reversible key generation)."""
    if len(key) != 8:
        raise InvalidKeyError(f"single DES key is {len(key)} bytes, expected 8", field="key")
    return tdes_ecb(key, allow_single=True).encrypt(data)


def des_block(key: bytes, block: bytes) -> bytes:
    """Single-DES encrypt one 8-byte block under an 8-byte key, unchecked: the DUKPT hot path.

    Callers guarantee the lengths (DUKPT builds both from 64-bit integers); everything else should use
    :func:`des_ecb_encrypt`.
    """
    return Cipher(TripleDES(key * 3), _ECB).encryptor().update(block)


def aes_blocks(key: bytes, data: bytes) -> bytes:
    """AES-ECB encrypt whole blocks under a key of valid length, unchecked: the AES DUKPT hot path.

    Callers guarantee the key and data lengths; everything else should use :func:`aes_ecb_encrypt`.
    """
    return Cipher(algorithms.AES(key), _ECB).encryptor().update(data)


def des_cbc_encrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    """Single-DES CBC encrypt whole blocks under an 8-byte key (ISO 9797-1 MAC algorithm 3's chain)."""
    if len(key) != 8:
        raise InvalidKeyError(f"single DES key is {len(key)} bytes, expected 8", field="key")
    _check_blocks(data, TDES_BLOCK)
    ctx = _cbc(TripleDES(key * 3), iv, TDES_BLOCK).encryptor()
    return ctx.update(data) + ctx.finalize()


def _cbc(algorithm: TripleDES | algorithms.AES, iv: bytes, block: int) -> Cipher[modes.CBC]:
    if len(iv) != block:
        raise DataError(f"IV is {len(iv)} bytes, expected {block}", field="iv")
    return Cipher(algorithm, modes.CBC(iv))


def tdes_cbc_encrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    """TDES-CBC encrypt whole blocks (no padding)."""
    _check_blocks(data, TDES_BLOCK)
    ctx = _cbc(TripleDES(check_tdes_key(key)), iv, TDES_BLOCK).encryptor()
    return ctx.update(data) + ctx.finalize()


def tdes_cbc_decrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    """TDES-CBC decrypt whole blocks (no padding)."""
    _check_blocks(data, TDES_BLOCK)
    ctx = _cbc(TripleDES(check_tdes_key(key)), iv, TDES_BLOCK).decryptor()
    return ctx.update(data) + ctx.finalize()


def aes_ecb_encrypt(key: bytes, data: bytes) -> bytes:
    """AES-ECB encrypt whole 16-byte blocks."""
    return aes_ecb(key).encrypt(data)


def aes_ecb_decrypt(key: bytes, data: bytes) -> bytes:
    """AES-ECB decrypt whole 16-byte blocks."""
    return aes_ecb(key).decrypt(data)


def aes_cbc_encrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    """AES-CBC encrypt whole blocks (no padding)."""
    _check_blocks(data, AES_BLOCK)
    ctx = _cbc(algorithms.AES(check_aes_key(key)), iv, AES_BLOCK).encryptor()
    return ctx.update(data) + ctx.finalize()


def aes_cbc_decrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    """AES-CBC decrypt whole blocks (no padding)."""
    _check_blocks(data, AES_BLOCK)
    ctx = _cbc(algorithms.AES(check_aes_key(key)), iv, AES_BLOCK).decryptor()
    return ctx.update(data) + ctx.finalize()


def aes_ctr(key: bytes, counter_block: bytes, data: bytes) -> bytes:
    """AES-CTR with a 16-byte initial counter block (ISO 20038 key blocks); encrypts and decrypts."""
    if len(counter_block) != AES_BLOCK:
        raise DataError(f"counter block is {len(counter_block)} bytes, expected 16", field="counter_block")
    ctx = Cipher(algorithms.AES(check_aes_key(key)), modes.CTR(counter_block)).encryptor()
    return ctx.update(data) + ctx.finalize()


def aes_cmac(key: bytes, data: bytes) -> bytes:
    """AES-CMAC (NIST SP 800-38B), full 16-byte tag.

    SP 800-38B D.1, Example 2:

    >>> aes_cmac(bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c"),
    ...          bytes.fromhex("6bc1bee22e409f96e93d7e117393172a")).hex()
    '070a16b46b4d4144f79bdd9dd04a287c'
    """
    c = CMAC(algorithms.AES(check_aes_key(key)))
    c.update(bytes(data))
    return c.finalize()


def tdes_cmac(key: bytes, data: bytes) -> bytes:
    """TDES-CMAC (NIST SP 800-38B), full 8-byte tag, 16- or 24-byte key."""
    c = CMAC(TripleDES(check_tdes_key(key)))
    c.update(bytes(data))
    return c.finalize()


def hmac_sha256(key: bytes, data: bytes) -> bytes:
    """HMAC-SHA-256 (FIPS 198-1)."""
    return _hmac.new(bytes(key), bytes(data), sha256).digest()
