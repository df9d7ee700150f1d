"""The fields behind the bitsliced AES S-box: GF(2^8) of FIPS 197, GF(2^4) modulo z^4 + z + 1, and the
tower field GF((2^4)^2) modulo y^2 + y + 15 with the isomorphism between the two representations of GF(2^8).

In the tower an element is a1 y + a0 (a1 the high nibble); its inverse is ((a0 + a1) + a1 y) / delta with
delta = 15 a1^2 + a1 a0 + a0^2 in GF(2^4), so inverting a byte costs one GF(2^4) inverse and three
GF(2^4) multiplications. Everything here is derived from those definitions at import; nothing is a copied table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final


def gf16_mul(a: int, b: int) -> int:
    """Product in GF(2^4) modulo z^4 + z + 1 (bit k is the coefficient of z^k)."""
    r = 0
    for i in range(4):
        if (b >> i) & 1:
            r ^= a << i
    for k in (6, 5, 4):
        if (r >> k) & 1:
            r ^= 0x13 << (k - 4)
    return r


def aes_mul(a: int, b: int) -> int:
    """Product in FIPS 197's GF(2^8) modulo x^8 + x^4 + x^3 + x + 1."""
    r = 0
    while b:
        if b & 1:
            r ^= a
        a <<= 1
        if a & 0x100:
            a ^= 0x11B
        b >>= 1
    return r


#: The tower's polynomial y^2 + y + LAMBDA: irreducible over GF(2^4) as no t has t^2 + t = LAMBDA.
LAMBDA: Final = 15
assert all(gf16_mul(t, t) ^ t != LAMBDA for t in range(16))


def _tower_mul(a: int, b: int) -> int:
    a1, a0, b1, b0 = a >> 4, a & 15, b >> 4, b & 15
    high = gf16_mul(a1, b1) ^ gf16_mul(a1, b0) ^ gf16_mul(a0, b1)
    return (high << 4) | (gf16_mul(gf16_mul(a1, b1), LAMBDA) ^ gf16_mul(a0, b0))


def _tower_power(a: int, n: int) -> int:
    r = 1
    for _ in range(n):
        r = _tower_mul(r, a)
    return r


def apply(columns: Sequence[int], x: int) -> int:
    """The GF(2)-linear map whose image of bit ``i`` is ``columns[i]``, applied to ``x``."""
    r = 0
    for i, column in enumerate(columns):
        if (x >> i) & 1:
            r ^= column
    return r


#: The root of the AES polynomial x^8 + x^4 + x^3 + x + 1 in the tower field that defines the isomorphism.
#: Any of its eight roots, with any of the eight lambdas that keep y^2 + y + lambda irreducible, gives a
#: correct S-box; building :mod:`pinsec.batch._aes_sbox`'s program for all 64 pairs, this root with
#: lambda = 15 gave the fewest gates (123; 124 to 130 for most others).
ALPHA: Final = 42


def _isomorphism() -> list[int]:
    """Images in the tower field of the AES field's basis x^0..x^7: the powers of :data:`ALPHA`."""
    assert _tower_power(ALPHA, 8) ^ _tower_power(ALPHA, 4) ^ _tower_power(ALPHA, 3) ^ ALPHA ^ 1 == 0
    return [_tower_power(ALPHA, i) for i in range(8)]


#: Tower images of the AES field's basis, and the inverse map (tower value -> AES value).
TO_TOWER: Final = _isomorphism()
FROM_TOWER: Final = {apply(TO_TOWER, x): x for x in range(256)}


def affine(b: int) -> int:
    """FIPS 197 5.1.1's affine transformation without its constant 0x63."""
    rotl = [((b << n) | (b >> (8 - n))) & 0xFF for n in range(5)]
    return rotl[0] ^ rotl[1] ^ rotl[2] ^ rotl[3] ^ rotl[4]
