"""The originator's register scheme that X9.24-1 (21-bit counter, at most 10 one-bits) and X9.24-3
(32-bit counter, at most 16 one-bits) share: one register per counter bit, holding the key of the next
counter whose lowest one-bit is that bit."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ..errors import KsnError

K = TypeVar("K")


def advance(
    registers: list[K | None], counter: int, max_ones: int, fill: Callable[[K, int, int], None]
) -> tuple[K, int]:
    """Use the register of ``counter``'s lowest one-bit and run the standard's "New Key" process.

    Below ``max_ones`` one-bits, ``fill(key, counter, position)`` generates the keys of the counters with
    each lower bit added, and the counter steps by one; at ``max_ones`` it jumps by its lowest one-bit,
    skipping every counter with more one-bits. The used register is erased. Returns the key and the next
    counter.
    """
    low = counter & -counter
    pos = low.bit_length() - 1
    key = registers[pos]
    if key is None:  # cannot happen unless a restored state was inconsistent
        raise KsnError("the originator's register for this counter is empty", code="originator_state",
                       field="state")
    if counter.bit_count() < max_ones:
        fill(key, counter, pos)
        following = counter + 1
    else:
        following = counter + low
    registers[pos] = None
    return key, following


def registers_at(counter: int, bits: int, max_ones: int, key_of: Callable[[int], K]) -> list[K | None]:
    """The registers the standard's process holds just before ``counter`` is used: for every bit from
    ``counter``'s lowest one-bit up, the key (``key_of(target)``, derived host-side) of the counter sharing
    ``counter``'s higher bits with that bit set, when that counter is still to come and valid. The bits
    below are empty: the process fills them only when ``counter`` itself is used, so a resumed
    originator saves the same state as one that ran to ``counter``."""
    registers: list[K | None] = [None] * bits
    # the position of the counter's lowest one-bit
    lowest = (counter & -counter).bit_length() - 1
    for p in range(lowest, bits):
        target = (counter & ~((1 << (p + 1)) - 1)) | (1 << p)
        if target >= counter and target.bit_count() <= max_ones:
            registers[p] = key_of(target)
    return registers
