"""The bounded cipher-context cache of pinsec._crypto (used by tier-1 PIN blocks and AES DUKPT): a key used
as TDES and as AES gets two contexts, the cache never grows past its bound, and clearing it drops every
context. Results are checked against fresh contexts (OpenSSL through `cryptography`)."""

from __future__ import annotations

from pinsec import _crypto


def test_one_key_two_algorithms_two_contexts() -> None:
    key = bytes(range(1, 17))
    tdes, aes = _crypto.cached_ecb(key, "T"), _crypto.cached_ecb(key, "A")
    assert tdes is not aes
    assert tdes.encrypt(bytes(8)) == _crypto.tdes_ecb(key).encrypt(bytes(8))
    assert aes.encrypt(bytes(16)) == _crypto.aes_ecb(key).encrypt(bytes(16))
    assert _crypto.cached_ecb(key, "A") is aes


def test_bounded_and_clearable() -> None:
    _crypto.clear_cached_ecbs()
    first = _crypto.cached_ecb(bytes(16), "A")
    for i in range(1, 100):
        _crypto.cached_ecb(i.to_bytes(16, "big"), "A")
    assert len(_crypto._ECB_CACHE) == _crypto._ECB_CACHE_SIZE == 64
    assert _crypto.cached_ecb(bytes(16), "A") is not first  # the oldest fell out
    _crypto.clear_cached_ecbs()
    assert len(_crypto._ECB_CACHE) == 0
