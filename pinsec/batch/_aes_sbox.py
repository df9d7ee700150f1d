"""The AES S-box as one straight-line program of AND, XOR, OR and NOT on its eight input rows.

Built at import from :mod:`pinsec.batch._tower`: the byte goes into the tower field as a1 y + a0, its inverse
is ((a0 + a1) + a1 y) / delta with delta = 15 a1^2 + a1 a0 + a0^2, then the affine map. Each GF(2^4) product
is taken Karatsuba's way twice over (4 = 2 + 2 bits, 2 = 1 + 1): nine ANDs of XORs of each operand's bits,
and the product's bits are XORs of those nine. So the program has four layers:

1. linear in the input rows: the nine Karatsuba terms of a1 and of a0, and the linear part of
   delta (15 a1^2 + a0^2: squaring is linear in characteristic 2); one layer, sharing partial sums;
2. nine ANDs for a1 a0, then delta's four bits (linear, in the input basis of the GF(2^4) inverse circuit
   :func:`pinsec.batch._gf16_inverse.gf16_inverse`), the inverse e (in its output basis) and e's nine
   Karatsuba terms (linear again);
3. eighteen ANDs: e times a0 and e times a1, term by term (the inverse's low nibble e (a0 + a1) is their
   sum, its high nibble e a1);
4. linear in those eighteen: Karatsuba's recombination, the way out of the tower and the affine map folded
   into one layer, then NOT on the rows where 0x63 has a one.

Each linear layer is written by Boyar and Peralta's heuristic (:meth:`pinsec.batch._slp.Builder.linear`):
123 gates (33 AND, 2 OR, 6 NOT, 82 XOR) with no table look-up and no branch on data.
``tests/test_batch_aes.py`` checks the program on all 256 inputs against FIPS 197's definition of the S-box.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from . import _gf16_inverse, _tower
from ._gf16_inverse import gf16_inverse
from ._slp import Builder, Program

# Rows of a byte: row r is bit 7 - r. A linear function of the rows is a frozenset of signals.
Linear = frozenset[int]


def _karatsuba_terms(v: list[Linear]) -> list[Linear]:
    """The nine sums of the bits of a GF(2^4) element ``v`` (v[k] the coefficient of z^k) whose pairwise
    ANDs with another element's make their product: low half, high half, and their sum, each as (bit 0,
    bit 1, bit 0 + bit 1)."""
    low, high = (v[0], v[1]), (v[2], v[3])
    both = (v[0] ^ v[2], v[1] ^ v[3])
    return [t for half in (low, high, both) for t in (half[0], half[1], half[0] ^ half[1])]


def _recombination() -> list[frozenset[int]]:
    """For each bit k of a GF(2^4) product, the indices of the nine term products whose XOR it is."""
    def half(i: int) -> list[set[int]]:  # (x0 + x1 z)(y0 + y1 z) from x0 y0, x1 y1, (x0 + x1)(y0 + y1)
        return [{i}, {i, i + 1, i + 2}, {i + 1}]

    low, high, both = half(0), half(3), half(6)
    poly: list[set[int]] = [set() for _ in range(7)]
    for k in range(3):  # L + (M + L + H) z^2 + H z^4
        poly[k] ^= low[k]
        poly[k + 2] ^= both[k] ^ low[k] ^ high[k]
        poly[k + 4] ^= high[k]
    for k in (6, 5, 4):  # z^4 = z + 1
        poly[k - 4] ^= poly[k]
        poly[k - 3] ^= poly[k]
    return [frozenset(p) for p in poly[:4]]


_RECOMBINATION: Final = _recombination()


def _terms_product(x: int, y: int) -> int:
    """GF(2^4) product through the nine term ANDs: what the program computes, for the check below."""
    def terms(v: int) -> list[int]:
        bits = [(v >> k) & 1 for k in range(4)]
        return [bits[0], bits[1], bits[0] ^ bits[1], bits[2], bits[3], bits[2] ^ bits[3],
                bits[0] ^ bits[2], bits[1] ^ bits[3], bits[0] ^ bits[1] ^ bits[2] ^ bits[3]]

    products = [a & b for a, b in zip(terms(x), terms(y), strict=True)]
    return sum((sum(products[j] for j in _RECOMBINATION[k]) & 1) << k for k in range(4))


assert all(_terms_product(x, y) == _tower.gf16_mul(x, y) for x in range(16) for y in range(16))


class _Signal:
    """A signal of a :class:`Builder` with the operators :func:`gf16_inverse` uses."""

    def __init__(self, builder: Builder, signal: int) -> None:
        self.builder, self.signal = builder, signal

    def _gate(self, op: str, other: _Signal) -> _Signal:
        return _Signal(self.builder, self.builder.gate(op, self.signal, other.signal))

    def __and__(self, other: _Signal) -> _Signal:
        return self._gate("and", other)

    def __or__(self, other: _Signal) -> _Signal:
        return self._gate("or", other)

    def __xor__(self, other: _Signal) -> _Signal:
        return self._gate("xor", other)

    def __invert__(self) -> _Signal:
        return _Signal(self.builder, self.builder.gate("not", self.signal))


def _basis_change(columns: Sequence[int], v: list[Linear]) -> list[Linear]:
    """The four linear functions of the matrix with ``columns`` (images of bits 0..3) times ``v``."""
    return [_xor_all([v[i] for i in range(4) if (columns[i] >> k) & 1]) for k in range(4)]


def _xor_all(parts: list[Linear]) -> Linear:
    out: Linear = frozenset()
    for part in parts:
        out ^= part
    return out


def _row_function(image: Any) -> list[Linear]:
    """The linear functions of the input rows giving each bit of ``image(byte)`` (``image`` GF(2)-linear)."""
    columns = [image(1 << (7 - r)) for r in range(8)]
    return [frozenset(r for r in range(8) if (columns[r] >> k) & 1) for k in range(8)]


def _build() -> Program:
    b = Builder(8)
    tower = _row_function(lambda byte: _tower.apply(_tower.TO_TOWER, byte))
    a0, a1 = tower[:4], tower[4:]
    squares = _row_function(lambda byte: (lambda t: _tower.gf16_mul(_tower.gf16_mul(t >> 4, t >> 4), _tower.LAMBDA)
                                          ^ _tower.gf16_mul(t & 15, t & 15))(_tower.apply(_tower.TO_TOWER, byte)))[:4]
    top = b.linear([*_karatsuba_terms(a1), *_karatsuba_terms(a0), *squares])
    t_a1, t_a0, square = top[:9], top[9:18], top[18:]
    p = [b.gate("and", x, y) for x, y in zip(t_a1, t_a0, strict=True)]
    delta = [frozenset(p[j] for j in _RECOMBINATION[k]) ^ {square[k]} for k in range(4)]
    # the inverse circuit works in other bases (IN delta to OUT e): both maps fold into the linear layers
    y = b.linear(_basis_change(_gf16_inverse.IN, delta))
    e_out = [frozenset({s.signal}) for s in gf16_inverse(*(_Signal(b, v) for v in y))]
    undo_out = {_tower.apply(_gf16_inverse.OUT, x): x for x in range(16)}
    e = _basis_change([undo_out[1 << i] for i in range(4)], e_out)
    t_e = b.linear(_karatsuba_terms(e))
    e_a0 = [b.gate("and", x, y) for x, y in zip(t_e, t_a0, strict=True)]
    e_a1 = [b.gate("and", x, y) for x, y in zip(t_e, t_a1, strict=True)]
    # the inverse's low nibble e (a0 + a1) = e a0 + e a1, its high nibble e a1: linear in the 18 products
    high_bits = [frozenset(e_a1[j] for j in _RECOMBINATION[k]) for k in range(4)]
    nibble_bits = [frozenset(e_a0[j] for j in _RECOMBINATION[k]) ^ high_bits[k] for k in range(4)] + high_bits
    # out of the tower, then the affine map: output row r is bit 7 - r of affine(FROM_TOWER[t])
    images = [_tower.affine(_tower.FROM_TOWER[1 << k]) for k in range(8)]
    rows: list[frozenset[int]] = []
    for r in range(8):
        row: frozenset[int] = frozenset()
        for k in range(8):
            if (images[k] >> (7 - r)) & 1:
                row ^= nibble_bits[k]
        rows.append(row)
    out = b.linear(rows)
    out = [b.gate("not", s) if (0x63 >> (7 - r)) & 1 else s for r, s in enumerate(out)]
    return b.program(out)


#: The S-box: inputs and outputs are the eight rows of a byte, row r bit 7 - r.
SBOX: Final = _build()
