"""TDES DUKPT (ANSI X9.24-1:2009) working keys for many KSNs at once, on bit planes.

Host derivation per KSN: the IPEK (two TDES encryptions under the BDK, which every lane shares, so one
`cryptography` call enciphers all of them), then one non-reversible key generation step (two DES
encryptions under the lane's own key register) per one-bit of the transaction counter, then the usage
variant and, for the data keys, the 2009 one-way function (TDES under the lane's own key). The steps
whose key differs per lane run bitsliced (:mod:`pinsec.batch._des`) across all lanes at once.

Lanes are sorted by the number of one-bits in their counter, so step ``k`` runs only on the lanes that
have a ``k``-th one-bit (a prefix of the sorted lanes, rounded up to a 64-lane word; the extra lanes of
that word are computed and then discarded by a mask, not a branch). Work is done in chunks of
:data:`CHUNK` lanes, so memory stays bounded whatever the batch size.

Inputs are KSN values already checked by :mod:`pinsec.dukpt.tdes`; callers use
:func:`pinsec.dukpt.tdes.derive_working_keys`, which chooses this engine above the batch size where it is
faster.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

from .. import _crypto
from . import _des, in_chunks, threads
from ._ksn_table import KsnTable, byte_table, counters_in_use, distinct
from ._planes import Planes, to_planes
from ._walk import answer, be_bytes, by_weight, constant, keep, steps

#: Lanes per chunk: 2,048 words of 64 lanes per bit plane keep the working set in the caches. Chunks run on
#: one thread unless ``PINSEC_BATCH_THREADS`` says otherwise: a DES round is some 850 array calls of about a
#: microsecond, and two threads handing the GIL back and forth that often ran at 0.6-0.9x of one (measured on
#: 65,536 and 262,144 KSNs; benchmarks/rows/batch.py prints both).
CHUNK: Final = 64 * 2048

_COUNTER_BITS: Final = 21
_COUNTER_MASK: Final = (1 << _COUNTER_BITS) - 1
_KEY_MASK_HALF: Final = 0xC0C0C0C000000000
_M64: Final = (1 << 64) - 1

_MASK: Final = constant(_KEY_MASK_HALF, 64)


def faster_than_one_by_one(lanes: int, devices: int) -> bool:
    """Whether this engine beats :func:`pinsec.dukpt.tdes.derive_working_keys`' own walk for ``lanes`` KSNs
    of ``devices`` distinct devices.

    ``benchmarks/compare.py batch`` prints both paths' times by batch size and shape; on the 2-core
    reference machine the walk costs about 150 us per device (its IPEK and up to ten steps) and 20 us per
    further KSN of a device (the memo shares counter prefixes), and this engine about 40 ms per call (the
    array operations of up to ten steps, whatever the lane count) and 12 us per lane. Both scale alike with
    the machine, so the crossing (some 300 KSNs of distinct devices, 4,000 of one device) moves little.
    """
    walk = 150 * devices + 20 * (lanes - devices)
    return 40_000 + 12 * lanes < walk


def ksn_table(ksns: Sequence[object]) -> KsnTable | None:
    """The KSNs as an (n, 10) byte table when every one is 10 bytes (bytes or bytearray), else None."""
    return byte_table(ksns, 10)


def table_of(values: Sequence[int]) -> KsnTable:
    """80-bit KSN values as an (n, 10) byte table."""
    return np.frombuffer(b"".join(v.to_bytes(10, "big") for v in values), dtype=np.uint8).reshape(-1, 10)


def _counters(table: KsnTable) -> npt.NDArray[np.uint32]:
    """The 21-bit transaction counters of a KSN table."""
    t = table[:, 7:].astype(np.uint32)
    return np.asarray(((t[:, 0] & 0x1F) << 16) | (t[:, 1] << 8) | t[:, 2], dtype=np.uint32)


def counters_valid(table: KsnTable) -> bool:
    """Whether every counter is one an originator uses: 1 to 10 one-bits (X9.24-1:2009 A.2)."""
    return counters_in_use(_counters(table), 10)


def devices(table: KsnTable) -> int:
    """How many distinct devices (KSNs without their counter) the table holds."""
    heads = np.ascontiguousarray(table[:, :8])
    heads[:, 7] &= 0xE0
    return distinct(heads)


def derive_working_keys(bdk: bytes, ksns: Sequence[int], usage: int, one_way: bool) -> list[bytes]:
    """16-byte working keys for the 80-bit KSN values ``ksns`` under ``bdk``, in order.

    ``usage`` is the 128-bit variant constant; ``one_way`` asks for the data keys' TDES one-way function.
    """
    return derive_from_table(bdk, table_of(ksns), usage, one_way)


def derive_from_table(bdk: bytes, table: KsnTable, usage: int, one_way: bool) -> list[bytes]:
    """:func:`derive_working_keys` for KSNs already in a table (:func:`ksn_table`, :func:`table_of`)."""
    return in_chunks(table, CHUNK, lambda part: _chunk(bdk, part, usage, one_way),  # type: ignore[arg-type]
                     workers=threads(default=1))


def _chunk(bdk: bytes, table: KsnTable, usage: int, one_way: bool) -> list[bytes]:
    n = len(table)
    high = (table[:, 0].astype(np.uint64) << np.uint64(8)) | table[:, 1]  # the KSN's top 16 bits
    low = np.ascontiguousarray(table[:, 2:]).view(">u8").ravel().astype(np.uint64)  # its low 64 bits
    # IPEK: TDES of the KSN's top 64 bits with the counter cleared, under the BDK and the BDK XOR C0C0...
    blocks = be_bytes(((high << np.uint64(48)) | (low >> np.uint64(16))) & ~np.uint64(_COUNTER_MASK >> 16))
    data = blocks.tobytes()
    masked_bdk = _crypto.xor(bdk, (_KEY_MASK_HALF.to_bytes(8, "big")) * (len(bdk) // 8))
    left = np.frombuffer(_crypto.tdes_ecb_encrypt(bdk, data), dtype=np.uint8).reshape(n, 8)
    right = np.frombuffer(_crypto.tdes_ecb_encrypt(masked_bdk, data), dtype=np.uint8).reshape(n, 8)

    order, weights = by_weight(low & np.uint64(_COUNTER_MASK))
    key_left, key_right = to_planes(left[order]), to_planes(right[order])
    # the KSN's low 64 bits on planes: rows 0-42 the register's fixed part, rows 43-63 the counter
    ksn_planes = to_planes(be_bytes(low[order]))
    fixed = ksn_planes[:64 - _COUNTER_BITS]
    for w, prefix, partial in steps(ksn_planes[64 - _COUNTER_BITS:], weights):
        _step(key_left, key_right, np.concatenate((fixed[:, :w], prefix)), w, partial)

    if usage:
        key_left ^= constant(usage >> 64, 64)
        key_right ^= constant(usage & _M64, 64)
    if one_way:  # each half TDES-enciphered under the whole variant key
        half = key_left.shape[1]
        key = np.concatenate((np.concatenate((key_left, key_left), axis=1),
                              np.concatenate((key_right, key_right), axis=1)))
        done = _des.tdes_encrypt(np.concatenate((key_left, key_right), axis=1), key)
        key_left, key_right = done[:, :half], done[:, half:]
    return answer([key_left, key_right], order, n, 16)


def _step(key_left: Planes, key_right: Planes, data: Planes, w: int, partial: Planes | None) -> None:
    """One non-reversible key generation step (X9.24-1 A.2) on the first ``w`` words of lanes, in place.

    ``partial``, when the last word is only partly active, marks the lanes that take the new key."""
    left, right = key_left[:, :w], key_right[:, :w]
    right_masked = right ^ _MASK
    keys = np.concatenate((left, left ^ _MASK), axis=1)
    blocks = np.concatenate((data ^ right, data ^ right_masked), axis=1)
    enc = _des.encrypt(blocks, keys)
    new_right, new_left = enc[:, :w] ^ right, enc[:, w:] ^ right_masked
    key_left[:, :w] = keep(left, new_left, partial)
    key_right[:, :w] = keep(right, new_right, partial)
