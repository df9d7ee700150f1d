"""The bounded cipher-context cache of pinsec._crypto (used by tier-1 PIN blocks and AES DUKPT): a key used
as TDES and as AES gets two contexts, the cache never grows past its bound, and clearing it drops every
context. Results are checked against fresh contexts (OpenSSL through `cryptography`)."""

from __future__ import annotations

import pytest

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


def test_in_place_ciphering_matches_the_copying_path_and_refuses_partial_blocks() -> None:
    # FIPS 197 C.1: AES-128 key 000102..0F enciphers 00112233..FF to 69C4E0D86A7B0430D8CDB78070B4C55A
    from pinsec.errors import DataError

    ecb = _crypto.aes_ecb(bytes(range(16)))
    buf = bytearray.fromhex("00112233445566778899AABBCCDDEEFF") * 2
    ecb.encrypt_into(buf)
    assert buf.hex().upper() == "69C4E0D86A7B0430D8CDB78070B4C55A" * 2
    ecb.decrypt_into(buf)
    assert buf == bytearray.fromhex("00112233445566778899AABBCCDDEEFF") * 2
    short = bytearray(15)
    with pytest.raises(DataError):
        ecb.encrypt_into(short)
    assert short == bytearray(15)


def test_a_number_is_never_taken_for_a_key_of_that_many_zero_bytes() -> None:
    # bytes(16) is sixteen zeros: a cache keyed on bytes(key) must not hand the all-zero key's context to 16
    from pinsec import pinblock
    from pinsec.errors import InvalidKeyError

    _crypto.cached_ecb(bytes(16), "T")
    _crypto.cached_ecb(bytes(16), "A")
    for fmt in (0, 4):
        with pytest.raises(InvalidKeyError):
            pinblock.encipher(16, "1234", "4111111111111111", format=fmt)  # type: ignore[arg-type]


def test_a_key_is_checked_when_first_seen_with_its_format_in_the_error() -> None:
    from pinsec import pinblock
    from pinsec.errors import InvalidKeyError

    with pytest.raises(InvalidKeyError, match="format 0 key"):
        pinblock.encipher(bytes(20), "1234", "4111111111111111", format=0)
    with pytest.raises(InvalidKeyError, match="format 4 key"):
        pinblock.encipher(bytes(20), "1234", "4111111111111111", format=4)
    assert ("T", bytes(20)) not in _crypto._ECB_CACHE and ("A", bytes(20)) not in _crypto._ECB_CACHE


def test_two_passes_with_a_value_between_match_two_separate_passes() -> None:
    # ISO 9564-1 format 4: E(E(field) XOR PAN field); checked against OpenSSL directly (FIPS 197 C.1 key)
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    from pinsec.errors import DataError

    key = bytes(range(16))
    field, between = bytes.fromhex("441234AAAAAAAAAA" + "0123456789ABCDEF"), bytes(range(100, 116))

    def openssl(data: bytes, decrypt: bool = False) -> bytes:
        c = Cipher(algorithms.AES(key), modes.ECB())
        op = c.decryptor() if decrypt else c.encryptor()
        return op.update(data) + op.finalize()

    want = openssl(bytes(a ^ b for a, b in zip(openssl(field), between, strict=True)))
    ecb = _crypto.aes_ecb(key)
    buf = bytearray(field)
    ecb.encrypt_twice_into(buf, between)
    assert bytes(buf) == want
    ecb.decrypt_twice_into(buf, between)
    assert bytes(buf) == field
    for bad_buf, bad_between in ((bytearray(15), bytes(15)), (bytearray(16), bytes(15))):
        with pytest.raises(DataError):
            ecb.encrypt_twice_into(bad_buf, bad_between)
