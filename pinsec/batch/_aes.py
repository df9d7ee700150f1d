"""AES (FIPS 197) on bit planes: many lanes, each with its own key and block, in one pass.

A block is 128 planes (:mod:`pinsec.batch._planes`: byte ``b``'s bit 7 is row ``8 * b``), a key 128, 192
or 256. The S-box is computed, not looked up: the inverse in GF(2^8) taken in the tower field
GF((2^4)^2) (GF(2^4) modulo z^4 + z + 1, then y^2 + y + 8), where it costs one GF(2^4) multiplication, a
GF(2^4) inverse (a 24-operation circuit, :mod:`pinsec.batch._gf16_inverse`) and two more multiplications, with
linear maps into and out of the tower basis (the affine transformation folded into the way out). A
GF(2^4) multiplication is the 16 partial products (one AND of broadcast arrays) summed by a fixed XOR
map; every linear map is a gather of rows and a segmented XOR. So an S-box layer over all sixteen bytes of
all lanes is some thirty array operations, with no table look-up and no branch on data. The field
constants and maps are derived here from their definitions, and ``tests/test_batch_aes.py`` checks the
S-box on all 256 inputs and every lane of AES against OpenSSL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np

from ._gf16_inverse import gf16_inverse
from ._planes import Planes

# --------------------------------------------------------------------------------------- field arithmetic


def _gf16_mul(a: int, b: int) -> int:
    r = 0
    for i in range(4):
        if (b >> i) & 1:
            r ^= a << i
    for k in (6, 5, 4):
        if (r >> k) & 1:
            r ^= 0x13 << (k - 4)
    return r


def _aes_mul(a: int, b: int) -> int:
    r = 0
    while b:
        if b & 1:
            r ^= a
        a <<= 1
        if a & 0x100:
            a ^= 0x11B
        b >>= 1
    return r


_LAMBDA: Final = 8  # y^2 + y + 8 has no root in GF(2^4) (t^2 + t never equals 8), so it is irreducible


def _tower_mul(a: int, b: int) -> int:
    a1, a0, b1, b0 = a >> 4, a & 15, b >> 4, b & 15
    high = _gf16_mul(a1, b1) ^ _gf16_mul(a1, b0) ^ _gf16_mul(a0, b1)
    return (high << 4) | (_gf16_mul(_gf16_mul(a1, b1), _LAMBDA) ^ _gf16_mul(a0, b0))


def _tower_power(a: int, n: int) -> int:
    r = 1
    for _ in range(n):
        r = _tower_mul(r, a)
    return r


def _isomorphism() -> list[int]:
    """Images in the tower field of the AES field's basis x^0..x^7: powers of a root of the AES polynomial
    x^8 + x^4 + x^3 + x + 1 in the tower field (the smallest one)."""
    alpha = next(a for a in range(256) if _tower_power(a, 8) ^ _tower_power(a, 4) ^ _tower_power(a, 3) ^ a ^ 1 == 0)
    return [_tower_power(alpha, i) for i in range(8)]


def _apply(columns: Sequence[int], x: int) -> int:
    r = 0
    for i, column in enumerate(columns):
        if (x >> i) & 1:
            r ^= column
    return r


_TO_TOWER: Final = _isomorphism()
_FROM_TOWER: Final = {_apply(_TO_TOWER, x): x for x in range(256)}


def _affine(b: int) -> int:
    """FIPS 197 5.1.1's affine transformation without its constant 0x63."""
    rotl = [((b << n) | (b >> (8 - n))) & 0xFF for n in range(5)]
    return rotl[0] ^ rotl[1] ^ rotl[2] ^ rotl[3] ^ rotl[4]


# ------------------------------------------------------------------------------------ maps on bit rows
# Rows of a byte: index r is bit 7 - r (the plane order). Rows of a GF(2^4) value: index i is z^i.


def _linear(n_in: int, outputs: Sequence[int]) -> tuple[tuple[int, ...], ...]:
    """For each output, the input rows whose XOR it is (``outputs[k]`` a bit mask over ``n_in`` rows)."""
    terms = tuple(tuple(i for i in range(n_in) if (mask >> i) & 1) for mask in outputs)
    assert all(terms), "every output of these maps depends on some input"
    return terms


def _map_of(function: object, n_in: int, n_out: int) -> tuple[tuple[int, ...], ...]:
    """The terms of a GF(2)-linear ``function`` from ``n_in`` input rows to ``n_out`` output
    rows, each given as an int whose bit ``i`` is row ``i``."""
    assert callable(function)
    images = [function(1 << i) for i in range(n_in)]
    return _linear(n_in, [sum(1 << i for i in range(n_in) if (images[i] >> k) & 1) for k in range(n_out)])


def _byte_rows(value: int) -> int:
    """A byte as row bits (row r = bit 7 - r)."""
    return sum(1 << r for r in range(8) if (value >> (7 - r)) & 1)


def _from_byte_rows(rows: int) -> int:
    return sum(1 << (7 - r) for r in range(8) if (rows >> r) & 1)


# into the tower: byte rows -> 8 rows: a0 (z^0..z^3), then a1 (z^0..z^3)
_IN: Final = _map_of(lambda rows: (lambda t: (t & 15) | ((t >> 4) << 4))(_apply(_TO_TOWER, _from_byte_rows(rows))),
                     8, 8)
# out of the tower with the affine map: rows a0 (4), a1 (4) -> byte rows
_OUT: Final = _map_of(lambda rows: _byte_rows(_affine(_FROM_TOWER[rows])), 8, 8)
#: The rows (bit 7 - r) where the S-box's constant 0x63 has a one.
_CONSTANT_ROWS: Final = tuple(r for r in range(8) if (0x63 >> (7 - r)) & 1)
# lambda * a1^2 + a0^2 from rows a0 (4), a1 (4)
_DELTA_LINEAR: Final = _map_of(lambda rows: _gf16_mul(_gf16_mul(rows >> 4, rows >> 4), _LAMBDA)
                               ^ _gf16_mul(rows & 15, rows & 15), 8, 4)
# GF(2^4) product of rows a (4) and b (4) from the 16 partial products a_i & b_j at index 4 * i + j
_PRODUCT: Final = _linear(16, [sum(1 << (4 * i + j) for i in range(4) for j in range(4)
                                   if (_gf16_mul(1 << i, 1 << j) >> k) & 1) for k in range(4)])


def _map(rows: Planes, terms: tuple[tuple[int, ...], ...]) -> Planes:
    """Rows ``out[k]`` = XOR of ``rows[..., i, :]`` for i in ``terms[k]`` (XORed in place: no gathered copy)."""
    out = np.empty((*rows.shape[:-2], len(terms), rows.shape[-1]), dtype=np.uint64)
    for k, rows_k in enumerate(terms):
        if len(rows_k) == 1:
            out[..., k, :] = rows[..., rows_k[0], :]
            continue
        acc = out[..., k, :]
        np.bitwise_xor(rows[..., rows_k[0], :], rows[..., rows_k[1], :], out=acc)
        for i in rows_k[2:]:
            acc ^= rows[..., i, :]
    return out


def _mul(a: Planes, b: Planes) -> Planes:
    """GF(2^4) products of rows ``a`` (..., 4, n) and ``b`` (4, n), broadcast over leading axes of ``a``."""
    products = a[..., :, None, :] & b[:, :]
    return _map(products.reshape(*products.shape[:-3], 16, products.shape[-1]), _PRODUCT)


def sbox(x: Planes) -> Planes:
    """The AES S-box on byte rows ``x`` of shape (8, n): returns (8, n)."""
    t = _map(x, _IN)
    a0, a1 = t[:4], t[4:]
    delta = _map(t, _DELTA_LINEAR)
    delta ^= _mul(a1, a0)
    inverse = np.stack(gf16_inverse(*delta))
    pair = np.empty((2, 4, x.shape[-1]), dtype=np.uint64)
    np.bitwise_xor(a0, a1, out=pair[0])
    pair[1] = a1
    halves = _mul(pair, inverse)  # the tower inverse: (a0 + a1) / delta, a1 / delta
    out = _map(halves.reshape(8, -1), _OUT)
    for r in _CONSTANT_ROWS:  # + 0x63: the rows of its one-bits inverted in place
        np.invert(out[r], out=out[r])
    return out


# ------------------------------------------------------------------------------------------------ cipher
# Inside, a state or key is bit-major: shape (8, bytes, words), [r, b] = bit 7 - r of byte b.

_ONES: Final = np.uint64(0xFFFFFFFFFFFFFFFF)
#: ShiftRows: byte 4c + r of the new state is byte 4((c + r) mod 4) + r of the old (FIPS 197 5.1.2).
_SHIFT_ROWS: Final = np.array([4 * ((c + r) % 4) + r for c in range(4) for r in range(4)], dtype=np.intp)
_RCON: Final = (0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1B, 0x36)


def _bit_major(planes: Planes) -> Planes:
    return np.ascontiguousarray(planes.reshape(-1, 8, planes.shape[-1]).transpose(1, 0, 2))


def _byte_major(state: Planes) -> Planes:
    return np.ascontiguousarray(state.transpose(1, 0, 2)).reshape(-1, state.shape[-1])


def _sub(state: Planes) -> Planes:
    _, count, words = state.shape
    return sbox(state.reshape(8, count * words)).reshape(8, count, words)


def _mix_columns(state: Planes) -> Planes:
    """FIPS 197 5.1.3 on bit-major rows, column by column for all lanes:
    out_r = 2 s_r + 3 s_(r+1) + s_(r+2) + s_(r+3) = xtime(t_r) + s_(r+1) + t_(r+2), with t_r = s_r + s_(r+1);
    xtime is a shift of the bit rows and 0x1B where bit 7 was set. Row slices, no rolled copies."""
    s = state.reshape(8, 4, 4, -1)  # [bit, column, row, word]
    t = np.empty_like(s)
    out = np.empty_like(s)
    for r in range(4):
        np.bitwise_xor(s[:, :, r], s[:, :, (r + 1) % 4], out=t[:, :, r])
    for r in range(4):
        np.bitwise_xor(t[:, :, (r + 2) % 4], s[:, :, (r + 1) % 4], out=out[:, :, r])
    out[:7] ^= t[1:]  # xtime: bit 7 - k of the result is bit 7 - (k + 1) of t (rows are bit 7 first)
    out[7] ^= t[0]
    for row in (3, 4, 6):  # bits 4, 3 and 1: the reduction by x^8 + x^4 + x^3 + x + 1
        out[row] ^= t[0]
    return out.reshape(state.shape)


def _expand(key: Planes) -> list[Planes]:
    """FIPS 197 5.2: the round keys, each bit-major (8, 16, words)."""
    k = _bit_major(key)
    nk = k.shape[1] // 4
    rounds = nk + 6
    w = [k[:, 4 * i:4 * i + 4] for i in range(nk)]
    for i in range(nk, 4 * (rounds + 1)):
        temp = w[i - 1]
        if i % nk == 0:
            temp = _sub(temp[:, [1, 2, 3, 0]])
            rcon = _RCON[i // nk - 1]
            for r in range(8):
                if (rcon >> (7 - r)) & 1:
                    temp[r, 0] ^= _ONES
        elif nk > 6 and i % nk == 4:
            temp = _sub(temp)
        w.append(w[i - nk] ^ temp)
    return [np.concatenate(w[4 * r:4 * r + 4], axis=1) for r in range(rounds + 1)]


def _rcon_column(rcon: int) -> Planes:
    return np.array([_ONES if (rcon >> (7 - r)) & 1 else np.uint64(0) for r in range(8)], dtype=np.uint64)[:, None]


_RCON_COLUMNS: Final = tuple(_rcon_column(rcon) for rcon in _RCON)
#: RotWord of the round key's last word (bytes 12-15), as byte indices.
_ROT_LAST: Final = np.array([13, 14, 15, 12], dtype=np.intp)


def _encrypt_128(block: Planes, key: Planes) -> Planes:
    """AES-128 with the key schedule run alongside the rounds: round ``r``'s SubWord goes through the same
    S-box layer as its SubBytes (twenty bytes at once)."""
    round_key = _bit_major(key)
    state = _bit_major(block) ^ round_key
    for r in range(10):
        substituted = _sub(np.concatenate((state, round_key[:, _ROT_LAST]), axis=1))
        state = substituted[:, _SHIFT_ROWS]
        words = round_key.reshape(8, 4, 4, -1).copy()
        words[:, 0] ^= substituted[:, 16:]
        words[:, 0, 0] ^= _RCON_COLUMNS[r]
        for i in (1, 2, 3):  # w'0 = w0 ^ t, w'i = w'(i-1) ^ wi
            words[:, i] ^= words[:, i - 1]
        round_key = words.reshape(8, 16, -1)
        if r < 9:
            state = _mix_columns(state)
        state ^= round_key
    return _byte_major(state)


def encrypt(block: Planes, key: Planes) -> Planes:
    """AES-encipher every lane of ``block`` (128 planes) under its lane of ``key`` (128, 192 or 256)."""
    if key.shape[0] == 128:
        return _encrypt_128(block, key)
    round_keys = _expand(key)
    state = _bit_major(block) ^ round_keys[0]
    for rk in round_keys[1:-1]:
        state = _mix_columns(_sub(state)[:, _SHIFT_ROWS])
        state ^= rk
    state = _sub(state)[:, _SHIFT_ROWS] ^ round_keys[-1]
    return _byte_major(state)
