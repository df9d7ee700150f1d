"""DES (FIPS 46-3) on bit planes: many lanes, each with its own key and block, in one pass.

A block is 64 planes (:mod:`pinsec.batch._planes`), a key 64 planes (parity bits ignored, as DES does).
The initial and final permutations, the expansion, P and the key schedule are choices of rows, computed
once here; the S-boxes are the circuits of :mod:`pinsec.batch._des_sboxes`. No branch or index depends on
a key or data value.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from ._des_sboxes import SBOXES
from ._planes import Planes

# FIPS 46-3 tables, 1-based as printed there.
_IP: Final = (58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6,
              64, 56, 48, 40, 32, 24, 16, 8, 57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3,
              61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7)
_E: Final = (32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17, 16, 17, 18, 19,
             20, 21, 20, 21, 22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1)
_P: Final = (16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13,
             30, 6, 22, 11, 4, 25)
_PC1: Final = (57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60,
               52, 44, 36, 63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29,
               21, 13, 5, 28, 20, 12, 4)
_PC2: Final = (14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2, 41, 52,
               31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32)
_SHIFTS: Final = (1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1)



def _round_key_rows() -> tuple[tuple[int, ...], ...]:
    """For each round, the 48 key planes (0-based key bit numbers) its subkey is made of."""
    c, d = [b - 1 for b in _PC1[:28]], [b - 1 for b in _PC1[28:]]
    rounds = []
    for shift in _SHIFTS:
        c, d = c[shift:] + c[:shift], d[shift:] + d[:shift]
        cd = c + d
        rounds.append(tuple(cd[b - 1] for b in _PC2))
    return tuple(rounds)


_IP_ROWS: Final = np.array([b - 1 for b in _IP], dtype=np.intp)
_FP_ROWS: Final = np.argsort(_IP_ROWS)  # the final permutation is the inverse of the initial one
#: S-box output q (0-31, S1's four first) is bit _P_INVERSE[q] of f, the round function's output.
_P_INVERSE: Final = tuple(_P.index(q + 1) for q in range(32))
_KEY_ROWS: Final = _round_key_rows()


def _rounds(block: Planes, key: Planes, order: tuple[tuple[int, ...], ...]) -> Planes:
    lr = block[_IP_ROWS]  # a fresh array: its halves are worked on in place
    left, right = lr[:32], lr[32:]
    for subkey in order:
        for k, sbox in enumerate(SBOXES):
            inputs = [right[_E[6 * k + i] - 1] ^ key[subkey[6 * k + i]] for i in range(6)]
            for j, out in enumerate(sbox(*inputs)):
                left[_P_INVERSE[4 * k + j]] ^= out  # f = P(S(E(R) ^ K)) lands on L row by row
        left, right = right, left
    return np.concatenate((right, left))[_FP_ROWS]


def encrypt(block: Planes, key: Planes) -> Planes:
    """DES-encipher every lane of ``block`` (64 planes) under its lane of ``key`` (64 planes)."""
    return _rounds(block, key, _KEY_ROWS)


def decrypt(block: Planes, key: Planes) -> Planes:
    """DES-decipher every lane of ``block`` under its lane of ``key``."""
    return _rounds(block, key, _KEY_ROWS[::-1])


def tdes_encrypt(block: Planes, key: Planes) -> Planes:
    """TDES-EDE encipher under a double- (128 planes) or triple-length (192 planes) key per lane."""
    k1, k2 = key[:64], key[64:128]
    k3 = key[128:192] if len(key) == 192 else k1
    return encrypt(decrypt(encrypt(block, k1), k2), k3)
