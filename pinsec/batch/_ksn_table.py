"""KSNs as byte tables, what both vectorised DUKPTs take large batches of binary KSNs in: checked and read
on arrays instead of one Python call per KSN."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

KsnTable = npt.NDArray[np.uint8]


def byte_table(ksns: Sequence[object], width: int) -> KsnTable | None:
    """The KSNs as an (n, ``width``) byte table when every one is ``width`` bytes (of type bytes or
    bytearray; anything else, subclasses included, goes the one-by-one way), else None."""
    # type and len through map: a Python-level check per KSN cost a tenth of a 65,536-KSN AES batch
    if not set(map(type, ksns)) <= {bytes, bytearray} or not set(map(len, ksns)) <= {width}:  # type: ignore[arg-type]
        return None
    return np.frombuffer(b"".join(ksns), dtype=np.uint8).reshape(-1, width)  # type: ignore[arg-type]


def counters_in_use(counters: npt.NDArray[np.uint32], max_ones: int) -> bool:
    """Whether every counter is one an originator uses: not zero, at most ``max_ones`` one-bits."""
    return bool(np.all((counters != 0) & (np.bitwise_count(counters) <= max_ones)))


def distinct(heads: KsnTable) -> int:
    """How many distinct rows an (n, 8) byte table holds: by a sort (np.unique's hashing took twenty times
    as long for 65,536 rows)."""
    if not len(heads):
        return 0
    values = np.sort(np.ascontiguousarray(heads).view(np.uint64).reshape(-1))
    return 1 + int(np.count_nonzero(values[1:] != values[:-1]))
