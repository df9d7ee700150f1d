"""AES DUKPT (ANSI X9.24-3:2017) working keys for many KSNs at once, on bit planes.

Per KSN: the initial key (AES under the BDK, which every lane shares, so one `cryptography` call enciphers
all lanes' derivation data), one intermediate key per one-bit of the 32-bit counter from the top (AES under
the lane's own key of one or two derivation blocks, truncated to the BDK's length), then the working key
of the asked usage and type (one or two blocks under the intermediate key). The steps under per-lane keys
run bitsliced (:mod:`pinsec.batch._aes`) across all lanes at once, lanes sorted by counter weight
(:mod:`pinsec.batch._walk`), in chunks of :data:`CHUNK` lanes.

Inputs are KSNs already checked by :mod:`pinsec.dukpt.aes`; callers use
:func:`pinsec.dukpt.aes.derive_working_keys`, which chooses this engine above the batch size where it is
faster.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

from .. import _crypto
from ..dukpt.aes import BDK_KEY_TYPES, KeyType, KeyUsage, derivation_data
from . import _aes, in_chunks, threads
from ._ksn_table import KsnTable, byte_table, counters_in_use, distinct
from ._planes import Planes, to_planes
from ._walk import answer, be_bytes, by_weight, constant, keep, steps

#: Lanes per chunk (the AES itself goes through them in blocks of :data:`pinsec.batch._aes.BLOCK_WORDS`
#: words). Chunks run on one thread unless ``PINSEC_BATCH_THREADS`` says otherwise: an S-box layer is some
#: 140 array calls of about a microsecond, and two threads handing the GIL back and forth that often ran at
#: 0.75-0.8x of one (benchmarks/rows/batch.py prints both).
CHUNK: Final = 65_536


def faster_than_one_by_one(lanes: int, devices: int) -> bool:
    """Whether this engine beats :func:`pinsec.dukpt.aes.derive_working_keys`' own walk for ``lanes`` KSNs
    of ``devices`` distinct devices.

    ``benchmarks/compare.py batch`` prints both paths' times by batch size and shape; on the 2-core
    reference machine the walk (OpenSSL's AES with a new key at every step) costs about 56 us per device
    and 10 us per further KSN of a device, and this engine about 12 ms per call (the S-box program's array
    calls, whatever the lanes) and 2.3 us per lane: the crossing is some 220 KSNs of distinct devices,
    1,500 of one device (measured: the engine already wins at 1,024 of one device).
    """
    walk = 56 * devices + 10 * (lanes - devices)
    return 12_000 + 2.3 * lanes < walk


def _heads(usage: int, key_type: KeyType) -> list[Planes]:
    """The first 8 bytes of each derivation block (01, block number, usage, algorithm, length) as columns."""
    data = derivation_data(usage, key_type, bytes(8))
    return [constant(int.from_bytes(data[16 * i:16 * i + 8], "big"), 64) for i in range(len(data) // 16)]


def _derive(key: Planes, heads: list[Planes], context: Planes, bits: int) -> Planes:
    """X9.24-3 derivation under each lane's ``key``: AES of head || context per block, truncated to ``bits``.
    ``context``: 64 planes (the initial key ID's right half and a counter)."""
    w = context.shape[1]
    blocks = [np.concatenate((np.broadcast_to(head, (64, w)), context)) for head in heads]
    if len(blocks) == 1:
        return _aes.encrypt(blocks[0], key)[:bits]
    out = _aes.encrypt(np.concatenate(blocks, axis=1), np.concatenate([key] * len(blocks), axis=1))
    return np.concatenate([out[:, w * i:w * (i + 1)] for i in range(len(blocks))])[:bits]


def ksn_table(ksns: Sequence[object]) -> KsnTable | None:
    """The KSNs as an (n, 12) byte table when every one is 12 bytes (bytes or bytearray), else None."""
    return byte_table(ksns, 12)


def table_of(pairs: Sequence[tuple[bytes, int]]) -> KsnTable:
    """(initial key ID, counter) pairs as an (n, 12) byte table."""
    return np.frombuffer(b"".join(ik + c.to_bytes(4, "big") for ik, c in pairs), dtype=np.uint8).reshape(-1, 12)


def _counters(table: KsnTable) -> npt.NDArray[np.uint32]:
    return np.ascontiguousarray(table[:, 8:]).view(">u4").reshape(-1).astype(np.uint32)


def counters_valid(table: KsnTable) -> bool:
    """Whether every counter is one an originator uses: 1 to 16 one-bits (X9.24-3:2017)."""
    return counters_in_use(_counters(table), 16)


def devices(table: KsnTable) -> int:
    """How many distinct initial key IDs the table holds."""
    return distinct(table[:, :8])


def derive_working_keys(bdk: bytes, ksns: Sequence[tuple[bytes, int]], usage: KeyUsage,
                        key_type: KeyType) -> list[bytes]:
    """Working keys of ``usage`` and ``key_type`` for the (initial key ID, counter) pairs ``ksns``, in order."""
    return derive_from_table(bdk, table_of(ksns), usage, key_type)


def derive_from_table(bdk: bytes, table: KsnTable, usage: KeyUsage, key_type: KeyType) -> list[bytes]:
    """:func:`derive_working_keys` for KSNs already in a table (:func:`ksn_table`, :func:`table_of`)."""
    return in_chunks(table, CHUNK, lambda part: _chunk(bdk, part, usage, key_type),  # type: ignore[arg-type]
                     workers=threads(default=1))


def _chunk(bdk: bytes, table: KsnTable, usage: KeyUsage, key_type: KeyType) -> list[bytes]:
    n = len(table)
    kt = BDK_KEY_TYPES[len(bdk)]
    # every lane's derivation data for its initial key: the blocks' constant heads, then the initial key ID
    initial_data = derivation_data(KeyUsage.KEY_DERIVATION_INITIAL_KEY.value, kt, bytes(8))
    ids = table[:, :8]
    data = np.empty((n, len(initial_data) // 16, 16), dtype=np.uint8)
    data[:, :, :8] = np.frombuffer(initial_data, dtype=np.uint8).reshape(-1, 16)[:, :8]
    data[:, :, 8:] = ids[:, None, :]
    initial = np.frombuffer(_crypto.aes_ecb_encrypt(bdk, data.tobytes()), dtype=np.uint8).reshape(n, -1)
    initial = initial[:, :kt.length]

    context = np.ascontiguousarray(table[:, 4:]).view(">u8").reshape(n).astype(np.uint64)  # ID's right half, counter
    order, weights = by_weight(context & np.uint64(0xFFFFFFFF))
    key = to_planes(initial[order])
    # rows 0-31: the right half of the initial key ID; rows 32-63: the counter
    context_planes = to_planes(be_bytes(context[order]))
    heads = _heads(KeyUsage.KEY_DERIVATION.value, kt)
    for w, prefix, partial in steps(context_planes[32:].copy(), weights):
        new = _derive(key[:, :w], heads, np.concatenate((context_planes[:32, :w], prefix)), kt.bits)
        key[:, :w] = keep(key[:, :w], new, partial)
    working = _derive(key, _heads(usage.value, key_type), context_planes, key_type.bits)
    return answer([working], order, n, key_type.length)
