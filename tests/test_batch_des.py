"""The bitsliced DES of pinsec.batch: bit planes, the generated S-box circuits, DES and TDES on planes.

Every lane is checked against `cryptography` (OpenSSL's DES), an independent implementation; the
S-box circuits are checked against the FIPS 46-3 tables on all 64 inputs each."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

np = pytest.importorskip("numpy")

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES  # noqa: E402
from cryptography.hazmat.primitives.ciphers import Cipher, modes  # noqa: E402

from pinsec.batch import _des, _des_sboxes, _planes, _synth  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _openssl_des(key: bytes, block: bytes, *, decrypt: bool = False) -> bytes:
    full = {8: key * 3, 16: key + key[:8], 24: key}[len(key)]  # single DES is TDES with K1 = K2 = K3
    cipher = Cipher(TripleDES(full), modes.ECB())
    ctx = cipher.decryptor() if decrypt else cipher.encryptor()
    return ctx.update(block) + ctx.finalize()


def _lanes(seed: int, n: int, width: int) -> np.ndarray:
    return np.frombuffer(random.Random(seed).randbytes(n * width), dtype=np.uint8).reshape(n, width)


def test_the_sbox_module_is_what_the_generator_writes() -> None:
    assert (ROOT / "pinsec/batch/_des_sboxes.py").read_text() == _synth.des_module_source()


def test_every_sbox_table_row_is_a_permutation() -> None:
    # FIPS 46-3: each row of each S-box is a permutation of 0..15
    for box in _synth.DES_SBOXES:
        for row in range(4):
            assert sorted(box[16 * row:16 * row + 16]) == list(range(16))


@pytest.mark.parametrize("k", range(8))
def test_each_sbox_circuit_equals_its_table_on_all_inputs(k: int) -> None:
    # evaluate the circuit once on truth tables: input i as the 64-bit table of "bit i of x"
    inputs = [np.uint64(t) for t in _synth.Circuit(6).inputs]
    outputs = [int(o) for o in _des_sboxes.SBOXES[k](*inputs)]
    for x in range(64):
        row, column = ((x >> 4) & 2) | (x & 1), (x >> 1) & 15
        value = sum(((o >> x) & 1) << (3 - j) for j, o in enumerate(outputs))
        assert value == _synth.DES_SBOXES[k][row * 16 + column], (k, x)


@given(st.integers(1, 200), st.sampled_from([8, 16, 24]), st.randoms(use_true_random=False))
def test_planes_round_trip(lanes: int, width: int, rng: random.Random) -> None:
    values = np.frombuffer(rng.randbytes(lanes * width), dtype=np.uint8).reshape(lanes, width)
    planes = _planes.to_planes(values)
    assert planes.shape == (8 * width, _planes.words(lanes))
    kept = planes.copy()
    assert (_planes.from_planes(planes, lanes) == values).all()
    assert (planes == kept).all()  # reading the planes back leaves them as they were


@pytest.mark.parametrize(("lane", "bit"), [(0, 0), (0, 63), (63, 0), (64, 7), (100, 40), (127, 63)])
def test_plane_layout(lane: int, bit: int) -> None:
    # one set bit lands in row `bit`, word lane // 64, at bit 63 - lane % 64; the lane mask agrees
    values = np.zeros((128, 8), dtype=np.uint8)
    values[lane, bit // 8] = 0x80 >> (bit % 8)
    planes = _planes.to_planes(values)
    assert [tuple(i) for i in np.argwhere(planes)] == [(bit, lane // 64)]
    assert int(planes[bit, lane // 64]) == 1 << (63 - lane % 64)
    active = np.zeros(128, dtype=np.bool_)
    active[lane] = True
    assert int(_planes.lane_mask(active)[lane // 64]) == 1 << (63 - lane % 64)


@pytest.mark.parametrize("lanes", [1, 63, 64, 65, 3000])
def test_des_on_planes_equals_openssl(lanes: int) -> None:
    keys, blocks = _lanes(lanes, lanes, 8), _lanes(lanes + 1, lanes, 8)
    enc = _planes.from_planes(_des.encrypt(_planes.to_planes(blocks), _planes.to_planes(keys)), lanes)
    for i in range(lanes):
        assert bytes(enc[i]) == _openssl_des(bytes(keys[i]), bytes(blocks[i])), i
    dec = _planes.from_planes(_des.decrypt(_planes.to_planes(enc), _planes.to_planes(keys)), lanes)
    assert (dec == blocks).all()


@pytest.mark.parametrize("key_bytes", [16, 24])
def test_tdes_on_planes_equals_openssl(key_bytes: int) -> None:
    lanes = 500
    keys, blocks = _lanes(key_bytes, lanes, key_bytes), _lanes(7, lanes, 8)
    enc = _planes.from_planes(_des.tdes_encrypt(_planes.to_planes(blocks), _planes.to_planes(keys)), lanes)
    for i in range(lanes):
        assert bytes(enc[i]) == _openssl_des(bytes(keys[i]), bytes(blocks[i])), i


def test_the_published_single_des_example() -> None:
    # J. Orlin Grabbe, "The DES Algorithm Illustrated": key 133457799BBCDFF1, plaintext 0123456789ABCDEF
    key, block = bytes.fromhex("133457799BBCDFF1"), bytes.fromhex("0123456789ABCDEF")
    out = _des.encrypt(_planes.to_planes(np.frombuffer(block, np.uint8).reshape(1, 8)),
                       _planes.to_planes(np.frombuffer(key, np.uint8).reshape(1, 8)))
    assert bytes(_planes.from_planes(out, 1)[0]).hex().upper() == "85E813540F0AB405"
    assert _openssl_des(key, block).hex().upper() == "85E813540F0AB405"


@pytest.mark.slow
def test_a_million_lanes_equal_openssl() -> None:
    # the bar: every lane of 10**6 random keys and blocks equals cryptography's result
    lanes = 1_000_000
    seed = int.from_bytes(os.urandom(4), "big")
    keys, blocks = _lanes(seed, lanes, 8), _lanes(seed + 1, lanes, 8)
    enc = np.empty_like(blocks)
    step = 131_072
    for start in range(0, lanes, step):
        part = slice(start, start + step)
        n = len(blocks[part])
        enc[part] = _planes.from_planes(_des.encrypt(_planes.to_planes(blocks[part]), _planes.to_planes(keys[part])), n)
    for i in range(lanes):
        key = bytes(keys[i])
        assert bytes(enc[i]) == Cipher(TripleDES(key * 3), modes.ECB()).encryptor().update(bytes(blocks[i])), (seed, i)
