"""The bitsliced AES of pinsec.batch: the computed S-box on all 256 inputs against FIPS 197's definition
(inverse in GF(2^8), then the affine map), its GF(2^4) inverse circuit against the field, and every lane of
AES-128/192/256 against `cryptography` (OpenSSL), an independent implementation."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

np = pytest.importorskip("numpy")

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes  # noqa: E402

from pinsec.batch import _aes, _gf16_inverse, _planes, _synth, _tower  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _fips197_sbox(x: int) -> int:
    """FIPS 197 5.1.1 from its definition: multiplicative inverse in GF(2^8) (0 to 0), then the affine map."""
    inverse = next((y for y in range(1, 256) if _tower.aes_mul(x, y) == 1), 0)
    rotl = [((inverse << n) | (inverse >> (8 - n))) & 0xFF for n in range(5)]
    return rotl[0] ^ rotl[1] ^ rotl[2] ^ rotl[3] ^ rotl[4] ^ 0x63


def test_the_sbox_on_all_inputs() -> None:
    # lanes are the 256 inputs; row r is bit 7 - r
    x = np.array([[(v >> (7 - r)) & 1 for v in range(256)] for r in range(8)], dtype=np.uint64)
    out = _aes.sbox(x) & np.uint64(1)
    values = [sum(int(out[r, v]) << (7 - r) for r in range(8)) for v in range(256)]
    assert values == [_fips197_sbox(v) for v in range(256)]
    # FIPS 197 Figure 7 entries
    assert (values[0x00], values[0x53], values[0xFF]) == (0x63, 0xED, 0x16)


def test_the_gf16_inverse_circuit() -> None:
    assert (ROOT / "pinsec/batch/_gf16_inverse.py").read_text() == _synth.gf16_module_source()
    undo_out = {_tower.apply(_gf16_inverse.OUT, x): x for x in range(16)}
    for v in range(16):  # rows of IN v in, rows of OUT inv(v) out
        y = _tower.apply(_gf16_inverse.IN, v)
        rows = [np.uint64((y >> k) & 1) for k in range(4)]
        out = undo_out[sum((int(b) & 1) << k for k, b in enumerate(_gf16_inverse.gf16_inverse(*rows)))]
        assert out == 0 if v == 0 else _tower.gf16_mul(v, out) == 1, v
    assert len({_tower.apply(_gf16_inverse.IN, x) for x in range(16)}) == 16  # both bases invertible
    assert len(undo_out) == 16


def test_the_fips197_appendix_c_examples() -> None:
    plain = bytes.fromhex("00112233445566778899aabbccddeeff")
    cases = {  # FIPS 197 Appendix C.1, C.2, C.3
        "000102030405060708090a0b0c0d0e0f": "69c4e0d86a7b0430d8cdb78070b4c55a",
        "000102030405060708090a0b0c0d0e0f1011121314151617": "dda97ca4864cdfe06eaf70a0ec0d7191",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f": "8ea2b7ca516745bfeafc49904b496089",
    }
    for key, expected in cases.items():
        k = np.frombuffer(bytes.fromhex(key), np.uint8).reshape(1, -1)
        out = _aes.encrypt(_planes.to_planes(np.frombuffer(plain, np.uint8).reshape(1, 16)), _planes.to_planes(k))
        assert bytes(_planes.from_planes(out, 1)[0]).hex() == expected


@pytest.mark.parametrize("key_bytes", [16, 24, 32])
@pytest.mark.parametrize("lanes", [1, 65, 2000])
def test_aes_on_planes_equals_openssl(key_bytes: int, lanes: int) -> None:
    rng = random.Random(key_bytes * lanes)
    keys = np.frombuffer(rng.randbytes(lanes * key_bytes), np.uint8).reshape(lanes, key_bytes)
    blocks = np.frombuffer(rng.randbytes(lanes * 16), np.uint8).reshape(lanes, 16)
    out = _planes.from_planes(_aes.encrypt(_planes.to_planes(blocks), _planes.to_planes(keys)), lanes)
    for i in range(lanes):
        want = Cipher(algorithms.AES(bytes(keys[i])), modes.ECB()).encryptor().update(bytes(blocks[i]))
        assert bytes(out[i]) == want, i


@pytest.mark.slow
def test_a_million_lanes_equal_openssl() -> None:
    lanes = 1_000_000
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    keys = np.frombuffer(rng.randbytes(lanes * 16), np.uint8).reshape(lanes, 16)
    blocks = np.frombuffer(rng.randbytes(lanes * 16), np.uint8).reshape(lanes, 16)
    step = 65_536
    for start in range(0, lanes, step):
        k, b = keys[start:start + step], blocks[start:start + step]
        out = _planes.from_planes(_aes.encrypt(_planes.to_planes(b), _planes.to_planes(k)), len(b))
        for i in range(len(b)):
            want = Cipher(algorithms.AES(bytes(k[i])), modes.ECB()).encryptor().update(bytes(b[i]))
            assert bytes(out[i]) == want, (seed, start + i)
