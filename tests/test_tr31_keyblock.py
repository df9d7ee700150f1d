"""TR-31 / X9.143 wrap and unwrap (pinsec.tr31.keyblock) at their edges: the default masked key length of
each algorithm (seen in version E, which does not pad), single-length TDES keys, what wrap refuses
(the key, the masked length on both sides of its range, a short random source), and what unwrap refuses
before or after the MAC (lowercase hex in either part, ciphertext too short, and an authenticated block
whose key length field lies). A --quick mutation run of keyblock.py found 26 of its 187 mutants unnoticed.

The lying blocks are made with the module's own binding (as a holder of the KBPK could make them), so
the MAC verifies and the length field is what is refused."""

from __future__ import annotations

import pytest

from pinsec import tr31
from pinsec.errors import InvalidKeyError, KeyBlockHeaderError, VerificationError
from pinsec.tr31 import keyblock

AES_KBPK = bytes.fromhex("88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6")  # TR-31:2018 A.7.4
TDES_KBPK = bytes.fromhex("89E88CF7931444F334BD7547FC3F380C")  # TR-31:2018 A.7.2's KBPK
KEY16 = bytes.fromhex("3F419E1CB7079442AA37474C2EFBF8B8")


@pytest.mark.parametrize(("algorithm", "key", "length"), [
    # version E does not pad: key data = 2 + the algorithm's longest key (TDES 24, AES 32, DES 8) bytes,
    # so the block is 16 (header) + 2 * key data + 32 (MAC) characters, whatever the key's own length
    ("T", bytes(range(1, 17)), 16 + 2 * 26 + 32),
    ("T", bytes(range(1, 25)), 16 + 2 * 26 + 32),
    ("A", KEY16, 16 + 2 * 34 + 32),
    ("A", bytes(range(32)), 16 + 2 * 34 + 32),
])
def test_default_masking_hides_the_key_length(algorithm: str, key: bytes, length: int) -> None:
    usage = "P0" if algorithm != "D" else "D0"
    block = tr31.wrap(AES_KBPK, key, f"E0000{usage}{algorithm}E00N0000")
    assert len(block) == length
    assert tr31.unwrap(AES_KBPK, block)[1] == key


def test_a_single_des_key_in_version_e() -> None:
    block = tr31.wrap(AES_KBPK, bytes(range(1, 9)), "E0000D0DB00N0000")
    assert len(block) == 16 + 2 * 10 + 32
    assert tr31.unwrap(AES_KBPK, block)[1] == bytes(range(1, 9))


def test_a_single_length_tdes_key_is_a_tdes_key() -> None:
    block = tr31.wrap(TDES_KBPK, bytes(range(1, 9)), "B0000P0TE00N0000")
    assert tr31.unwrap(TDES_KBPK, block)[1] == bytes(range(1, 9))


@pytest.mark.parametrize("key", [b"", bytearray(), "00" * 16, None])
def test_the_key_to_wrap_is_non_empty_bytes(key: object) -> None:
    with pytest.raises(InvalidKeyError) as info:
        tr31.wrap(AES_KBPK, key, "D0000P0AE00N0000")  # type: ignore[arg-type]
    assert info.value.field == "key"


@pytest.mark.parametrize(("mask", "ok"), [(-1, False), (0, True), (4096, True), (4097, False)])
def test_masked_key_length_range(mask: int, ok: bool) -> None:
    if ok:
        block = tr31.wrap(AES_KBPK, KEY16, "E0000P0AE00N0000", masked_key_length=mask)
        assert tr31.unwrap(AES_KBPK, block)[1] == KEY16
        assert len(block) == 16 + 2 * (2 + max(mask, 16)) + 32
    else:
        with pytest.raises(KeyBlockHeaderError) as info:
            tr31.wrap(AES_KBPK, KEY16, "D0000P0AE00N0000", masked_key_length=mask)
        assert info.value.field == "masked_key_length"


def test_a_random_source_that_gives_too_few_bytes() -> None:
    with pytest.raises(KeyBlockHeaderError) as info:
        tr31.wrap(AES_KBPK, KEY16, "D0000P0AE00N0000", rng=lambda n: bytes(n - 1))
    assert info.value.field == "rng"


@pytest.mark.parametrize("part", ["key data", "MAC"])
def test_lowercase_hex_is_refused_in_either_part(part: str) -> None:
    block = tr31.wrap(AES_KBPK, KEY16, "D0000P0AE00N0000")
    mac_start = len(block) - 32
    altered = block[:16] + block[16:mac_start].lower() + block[mac_start:] if part == "key data" else \
        block[:mac_start] + block[mac_start:].lower()
    assert altered != block
    with pytest.raises(KeyBlockHeaderError) as info:
        tr31.unwrap(AES_KBPK, altered)
    assert (info.value.code, info.value.field) == ("bad_hex", "key_data")


@pytest.mark.parametrize(("cipher_bytes", "error"), [(2, KeyBlockHeaderError), (3, VerificationError)])
def test_version_e_needs_three_bytes_of_key_data(cipher_bytes: int, error: type[Exception]) -> None:
    # a length field alone (two bytes) is no key; from three bytes on, the MAC decides
    block = f"E{16 + 2 * cipher_bytes + 32:04d}P0AE00N0000" + "00" * cipher_bytes + "00" * 16
    with pytest.raises(error):
        tr31.unwrap(AES_KBPK, block)


def _authenticated(payload: bytes, letters: str = "P0AE") -> str:
    """A version D block over ``payload`` (key length field, key, padding) that the KBPK authenticates."""
    header = f"D{16 + 2 * len(payload) + 32:04d}{letters}00N0000"
    kbek, kbak = keyblock._keys(AES_KBPK, "D")
    tag = keyblock._mac("D", kbak, header.encode("ascii") + payload)
    cipher = keyblock._crypt("D", kbek, tag, payload, decrypt=False)
    return header + cipher.hex().upper() + tag.hex().upper()


def test_an_honest_authenticated_block_unwraps() -> None:
    assert tr31.unwrap(AES_KBPK, _authenticated((128).to_bytes(2, "big") + KEY16 + bytes(14)))[1] == KEY16


@pytest.mark.parametrize("bits", [0, 12, 129, 8 * 31, 8 * 40])
@pytest.mark.parametrize("letters", ["P0AE", "M7HC"])  # an AES key, and an HMAC key (any length is one)
def test_a_key_length_field_that_lies_is_refused(bits: int, letters: str) -> None:
    payload = bits.to_bytes(2, "big") + KEY16 + bytes(14)  # 32 bytes of key data: 30 after the field
    with pytest.raises(KeyBlockHeaderError) as info:
        tr31.unwrap(AES_KBPK, _authenticated(payload, letters))
    assert (info.value.code, info.value.field) == ("bad_key_data", "key_length")


def test_an_hmac_key_of_the_whole_key_data() -> None:
    payload = (8 * 30).to_bytes(2, "big") + KEY16 + bytes(14)
    assert tr31.unwrap(AES_KBPK, _authenticated(payload, "M7HC"))[1] == KEY16 + bytes(14)
