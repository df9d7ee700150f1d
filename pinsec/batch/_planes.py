"""Bit planes: ``n`` lanes of ``b``-byte values as ``8 * b`` rows of 64-bit words (a bit matrix transposed).

Row ``i`` holds bit ``i`` of every lane, bit 0 the most significant bit of the first byte (FIPS 46-3 numbers
it 1); word ``w`` of a row holds lanes ``64 * w + r`` for r = 0..63, lane ``r`` at bit ``63 - r``. Lanes are
padded with zeros to a whole word; :func:`from_planes` drops the padding again. The transposition is the
classic one for a 64 x 64 bit matrix (six rounds of swapping blocks half its size), run on every group of
64 lanes at once.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Planes = npt.NDArray[np.uint64]
Bytes2D = npt.NDArray[np.uint8]

_HALF_MASKS = tuple((j, np.uint64(m)) for j, m in ((32, 0x00000000FFFFFFFF), (16, 0x0000FFFF0000FFFF),
                                                  (8, 0x00FF00FF00FF00FF), (4, 0x0F0F0F0F0F0F0F0F),
                                                  (2, 0x3333333333333333), (1, 0x5555555555555555)))


def words(lanes: int) -> int:
    """How many 64-bit words hold ``lanes`` lanes."""
    return -(-lanes // 64)


def _transpose(m: Planes) -> Planes:
    """Transpose each (64 x 64)-bit matrix of ``m`` (shape (groups, 64), row r bit 63 - c is entry (r, c))
    in place and return it."""
    groups = m.shape[0]
    for j, mask in _HALF_MASKS:
        pairs = m.reshape(groups, 64 // (2 * j), 2, j)
        upper, lower = pairs[:, :, 0, :], pairs[:, :, 1, :]
        t = (upper ^ (lower >> np.uint64(j))) & mask
        upper ^= t
        lower ^= t << np.uint64(j)
    return m


def to_planes(values: Bytes2D) -> Planes:
    """``values``: shape (lanes, 8 * k), uint8. Returns shape (64 * k, words(lanes)), uint64."""
    lanes, width = values.shape
    groups = words(lanes)
    rows = []
    for part in range(width // 8):
        column = np.zeros(groups * 64, dtype=np.uint64)
        column[:lanes] = np.ascontiguousarray(values[:, 8 * part:8 * part + 8]).view(">u8").reshape(lanes)
        rows.append(_transpose(column.reshape(groups, 64)).T)
    return np.ascontiguousarray(np.concatenate(rows))


def from_planes(planes: Planes, lanes: int) -> Bytes2D:
    """The inverse of :func:`to_planes`: shape (lanes, rows / 8), uint8."""
    parts = []
    for part in range(planes.shape[0] // 64):
        m = _transpose(planes[64 * part:64 * part + 64].T.copy())  # a copy: _transpose works in place
        parts.append(m.reshape(-1)[:lanes].astype(">u8").view(np.uint8).reshape(lanes, 8))
    return np.concatenate(parts, axis=1)


def lane_mask(active: npt.NDArray[np.bool_]) -> Planes:
    """One row whose bit for each lane is ``active[lane]``, in the lane order of :func:`to_planes`."""
    padded = np.zeros(words(len(active)) * 64, dtype=np.bool_)
    padded[:len(active)] = active
    return np.packbits(padded).view(">u8").astype(np.uint64)
