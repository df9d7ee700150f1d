"""What both vectorised DUKPTs share: lanes sorted by the weight of their transaction counter, the walk over
the counter's one-bits from the top (X9.24-1 A.3, X9.24-3 6.3) on counter planes, constants as plane
columns, and handing keys back in the caller's order.

Step ``k`` of the walk runs on the lanes whose counter has a ``k``-th one-bit: after sorting, a prefix of
the lanes, rounded up to whole 64-lane words; the extra lanes of the last word are computed and then
discarded with a mask (:func:`keep`), not branched around.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from ._planes import Planes, from_planes, lane_mask, words

U64 = npt.NDArray[np.uint64]
_ONES = (1 << 64) - 1


def constant(value: int, bits: int) -> Planes:
    """A column of ``bits`` planes, all-ones where ``value`` (most significant bit first) has a one: XOR it
    onto planes to XOR ``value`` into every lane, or assign it to set every lane to ``value``."""
    rows = [(_ONES if (value >> (bits - 1 - i)) & 1 else 0) for i in range(bits)]
    return np.array(rows, dtype=np.uint64).reshape(bits, 1)


def be_bytes(values: U64) -> npt.NDArray[np.uint8]:
    """64-bit values as (n, 8) big-endian bytes."""
    return values.astype(">u8").view(np.uint8).reshape(-1, 8)


def by_weight(counters: U64) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.uint8]]:
    """The lane order (heaviest counter first, stable) and the sorted one-bit counts."""
    weights = np.bitwise_count(counters)
    order = np.argsort(-weights.astype(np.int64), kind="stable")
    return order, weights[order]


def steps(remaining: Planes, weights: npt.NDArray[np.uint8]) -> Iterator[tuple[int, Planes, Planes | None]]:
    """Walk the counters on ``remaining`` (counter planes of lanes sorted by weight, row 0 the highest bit;
    consumed in place). Each step yields the active words ``w``, the counter prefixes so far of those words
    (the highest one-bits taken up to this step) and, when the last word is only partly active, the mask of
    its lanes that take this step."""
    current = np.zeros_like(remaining)
    for step in range(int(weights[0]) if len(weights) else 0):
        count = int(np.count_nonzero(weights > step))
        w = words(count)
        rest, prefix = remaining[:, :w], current[:, :w]
        above = np.bitwise_or.accumulate(rest, axis=0)
        top = rest.copy()
        top[1:] &= ~above[:-1]  # each lane's highest remaining one-bit
        prefix |= top
        rest ^= top
        yield w, prefix, lane_mask(weights[:64 * w] > step) if count % 64 else None


def keep(old: Planes, new: Planes, partial: Planes | None) -> Planes:
    """``new`` in the lanes ``partial`` marks (all lanes when it is None), ``old`` elsewhere."""
    return new if partial is None else old ^ ((old ^ new) & partial)


def answer(parts: list[Planes], order: npt.NDArray[np.intp], n: int, length: int) -> list[bytes]:
    """The keys on ``parts`` (planes, concatenated lane by lane) as ``length``-byte values in input order;
    the assembly array is zeroed before it is dropped."""
    keys = np.empty((n, sum(p.shape[0] for p in parts) // 8), dtype=np.uint8)
    keys[order] = np.concatenate([from_planes(p, n) for p in parts], axis=1)
    raw = keys[:, :length].tobytes()
    keys.fill(0)
    return [key for (key,) in struct.iter_unpack(f"{length}s", raw)]  # half the time of slicing in a loop
