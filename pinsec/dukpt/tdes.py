"""TDES DUKPT per ANSI X9.24-1:2009: host derivation and the originator's future key registers.

The KSN is 10 bytes: a 59-bit key set ID and device ID, then a 21-bit transaction counter. A valid
originator counter has 1 to 10 one-bits (the originator skips the others), so a device performs at most
1,048,575 transactions.

Host side: :func:`derive_ipek`, :func:`derive_transaction_key`, :func:`derive_working_key` and the batch
form :func:`derive_working_keys`. Originator side: :class:`Originator`. ANSI X9.24-1:2009 Annex A.4:

>>> bdk = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
>>> derive_ipek(bdk, "FFFF9876543210E00000").hex().upper()
'6AC292FAA1315B4D858AB3A3D7D5933A'
>>> derive_working_key(bdk, "FFFF9876543210E00001", KeyUsage.PIN).hex().upper()
'042666B49184CF5C68DE9628D0397B36'
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from math import comb
from typing import Final

from .. import _crypto, batch, mac, pinblock
from .._hex import parse_hex
from ..errors import DataError, InvalidKeyError, KsnError
from ._direction import by_direction
from ._registers import advance, registers_at
from ._state import seal, unseal

__all__ = [
    "COUNTER_BITS",
    "MAX_COUNTER_ONE_BITS",
    "MAX_TRANSACTIONS",
    "KeyUsage",
    "Originator",
    "Transaction",
    "check_ksn",
    "decrypt_data",
    "decrypt_pin_block",
    "derive_ipek",
    "derive_transaction_key",
    "derive_working_key",
    "derive_working_keys",
    "encrypt_data",
    "encrypt_pin_block",
    "generate_mac",
    "verify_mac",
]

COUNTER_BITS: Final = 21
COUNTER_MASK: Final = (1 << COUNTER_BITS) - 1
MAX_COUNTER_ONE_BITS: Final = 10
#: Counters of 21 bits with 1 to 10 one-bits: sum of C(21, k) for k = 1..10 = 2**20 - 1.
MAX_TRANSACTIONS: Final = 1_048_575

_KEY_MASK: Final = 0xC0C0C0C000000000C0C0C0C000000000
_M64: Final = (1 << 64) - 1


class KeyUsage(Enum):
    """Working keys of X9.24-1:2009, each the transaction key XOR a variant constant.

    The data keys also pass through the 2009 one-way function unless ``data_variant_only`` is asked.
    """

    PIN = 0x00000000000000FF00000000000000FF
    MAC_REQUEST = 0x000000000000FF00000000000000FF00
    MAC_RESPONSE = 0x00000000FF00000000000000FF000000
    DATA_REQUEST = 0x0000000000FF00000000000000FF0000
    DATA_RESPONSE = 0x000000FF00000000000000FF00000000


_DATA_USAGES: Final = frozenset({KeyUsage.DATA_REQUEST, KeyUsage.DATA_RESPONSE})


# ----------------------------------------------------------------------------------------------- inputs


def _ksn(ksn: bytes | str, *, lenient: bool = False, allow_zero: bool = False) -> int:
    raw = parse_hex(ksn, field="KSN", lengths=(10,), error=KsnError)
    value = int.from_bytes(raw, "big")
    counter = value & COUNTER_MASK
    if not lenient:
        if counter == 0 and not allow_zero:
            raise KsnError("KSN transaction counter is zero: no key is derived for it", code="ksn_counter_zero",
                           field="ksn")
        ones = counter.bit_count()
        if ones > MAX_COUNTER_ONE_BITS:
            raise KsnError(
                f"KSN transaction counter has {ones} one-bits; an originator never uses more than 10",
                code="ksn_counter_bits", field="ksn",
            )
    return value


def _key16(key: bytes, what: str) -> int:
    if not isinstance(key, (bytes, bytearray)) or len(key) != 16:
        n = len(key) if isinstance(key, (bytes, bytearray)) else type(key).__name__
        raise InvalidKeyError(f"{what} must be a 16-byte double-length TDES key (got {n})", field=what)
    return int.from_bytes(key, "big")


def check_ksn(ksn: bytes | str) -> bytes:
    """Validate a KSN as an originator would use it (10 bytes, counter of 1 to 10 one-bits); return it.

    >>> check_ksn("FFFF9876543210E00000")
    Traceback (most recent call last):
    ...
    pinsec.errors.KsnError: KSN transaction counter is zero: no key is derived for it
    """
    return _ksn(ksn).to_bytes(10, "big")


def _bdk(bdk: bytes) -> bytes:
    if not isinstance(bdk, (bytes, bytearray)):
        raise InvalidKeyError(f"BDK must be bytes, not {type(bdk).__name__}", field="bdk")
    _crypto.check_tdes_key(bytes(bdk), what="BDK")
    return bytes(bdk)


def _usage(usage: KeyUsage) -> KeyUsage:
    if not isinstance(usage, KeyUsage):
        raise DataError(f"usage must be a tdes.KeyUsage, not {type(usage).__name__}", field="usage")
    return usage


# ---------------------------------------------------------------------------------------------- crypto

#: C0C0C0C000000000 on every 8-byte part of a 16- or 24-byte BDK, as an integer.
_BDK_MASKS: Final = {n: int.from_bytes(bytes.fromhex("C0C0C0C000000000") * (n // 8), "big") for n in (16, 24)}


def _bdk_contexts(bdk: bytes) -> tuple[_crypto.Ecb, _crypto.Ecb]:
    """TDES contexts for the BDK (checked by :func:`_bdk`) and the BDK XOR C0C0C0C000000000 on every 8-byte
    part (X9.24-1: the IPEK's right half), from the bounded context cache while the BDK repeats."""
    n = len(bdk)
    masked = (int.from_bytes(bdk, "big") ^ _BDK_MASKS[n]).to_bytes(n, "big")
    return _crypto.cached_ecb(bdk, "T"), _crypto.cached_ecb(masked, "T")


_LEFT_MASK: Final = _KEY_MASK >> 64
_RIGHT_MASK: Final = _KEY_MASK & _M64


def _nrkgp(key: int, data: int) -> int:
    """The non-reversible key generation process of X9.24-1:2009 (A.2) on a 128-bit key register.

    Right half: DES under the key's left half of (data XOR right half), XOR right half. Left half: the
    same with the key XOR C0C0C0C000000000C0C0C0C000000000.
    """
    left, right = key >> 64, key & _M64
    des = _crypto.des_block
    new_right = int.from_bytes(des(left.to_bytes(8, "big"), (data ^ right).to_bytes(8, "big")), "big") ^ right
    left ^= _LEFT_MASK
    right ^= _RIGHT_MASK
    new_left = int.from_bytes(des(left.to_bytes(8, "big"), (data ^ right).to_bytes(8, "big")), "big") ^ right
    return (new_left << 64) | new_right


def _ipek(bdk: bytes, ksn: int) -> int:
    block = ((ksn >> 16) & ~(COUNTER_MASK >> 16)).to_bytes(8, "big")
    plain, masked = _bdk_contexts(bdk)
    return int.from_bytes(plain.encrypt(block) + masked.encrypt(block), "big")


def _walk(ipek: int, ksn: int) -> int:
    """Derive the transaction key by walking the counter's one-bits from the top (A.3 host algorithm)."""
    bits = ksn & COUNTER_MASK
    reg = (ksn & _M64) & ~COUNTER_MASK
    key = ipek
    while bits:
        top = 1 << (bits.bit_length() - 1)
        reg |= top
        key = _nrkgp(key, reg)
        bits ^= top
    return key


def _working(key: int, usage: KeyUsage, data_variant_only: bool) -> bytes:
    variant = (key ^ usage.value).to_bytes(16, "big")
    if usage in _DATA_USAGES and not data_variant_only:
        ecb = _crypto.tdes_ecb(variant)
        return ecb.encrypt(variant[:8]) + ecb.encrypt(variant[8:])
    return variant


# ------------------------------------------------------------------------------------------------ host


def derive_ipek(bdk: bytes, ksn: bytes | str) -> bytes:
    """The initial PIN encryption key (IPEK) of the device: the BDK encrypts the KSN's left 8 bytes with
    the counter cleared, once as is and once XOR C0C0C0C000000000C0C0C0C000000000. Any counter is accepted.
    """
    return _ipek(_bdk(bdk), _ksn(ksn, lenient=True)).to_bytes(16, "big")


def derive_transaction_key(ipek: bytes, ksn: bytes | str, *, lenient: bool = False) -> bytes:
    """The current transaction key for ``ksn`` from the IPEK (before any variant).

    ``lenient=True`` derives for counters an originator never uses (more than 10 one-bits, or zero).

    >>> ipek = bytes.fromhex("6AC292FAA1315B4D858AB3A3D7D5933A")
    >>> derive_transaction_key(ipek, "FFFF9876543210E00001").hex().upper()
    '042666B49184CFA368DE9628D0397BC9'
    """
    return _walk(_key16(ipek, "IPEK"), _ksn(ksn, lenient=lenient)).to_bytes(16, "big")


def derive_working_key(
    bdk: bytes, ksn: bytes | str, usage: KeyUsage, *, data_variant_only: bool = False, lenient: bool = False
) -> bytes:
    """The working key of ``usage`` for ``ksn``: PIN, MAC request/response, data request/response.

    ``data_variant_only=True`` returns the plain data variant without the 2009 one-way function, as some
    devices use.
    """
    usage = _usage(usage)
    value = _ksn(ksn, lenient=lenient)
    return _working(_walk(_ipek(_bdk(bdk), value), value), usage, data_variant_only)


def derive_working_keys(
    bdk: bytes, ksns: Iterable[bytes | str], usage: KeyUsage, *, data_variant_only: bool = False,
    lenient: bool = False,
) -> list[bytes]:
    """:func:`derive_working_key` for many KSNs, sharing IPEKs and intermediate keys.

    KSNs of one device share their IPEK and the keys of common counter prefixes (consecutive counters of
    one terminal share all but the last steps). The memo lives only for this call. Large batches of many
    devices go to the vectorised engine (:mod:`pinsec.batch.dukpt_tdes`, with numpy installed) when its
    measured cost model says it is faster; the keys are the same either way.
    """
    usage = _usage(usage)
    bdk = _bdk(bdk)
    ksns = ksns if isinstance(ksns, list) else list(ksns)
    values: list[int] | None = None
    if len(ksns) > 256 and batch.available():
        from ..batch import dukpt_tdes

        # binary KSNs are checked and read on arrays; any other input, or any KSN whose counter the array
        # check does not pass, is read one by one (which raises the first KSN's error, as for small batches)
        table = dukpt_tdes.ksn_table(ksns)
        if table is None or not (lenient or dukpt_tdes.counters_valid(table)):
            values = [_ksn(k, lenient=lenient) for k in ksns]
            table = dukpt_tdes.table_of(values)
        if dukpt_tdes.faster_than_one_by_one(len(table), dukpt_tdes.devices(table)):
            one_way = usage in _DATA_USAGES and not data_variant_only
            return dukpt_tdes.derive_from_table(bdk, table, usage.value, one_way)
    if values is None:
        values = [_ksn(k, lenient=lenient) for k in ksns]
    ipeks: dict[int, int] = {}
    memo: dict[tuple[int, int], int] = {}
    out: list[bytes] = []
    for value in values:
        device = value & ~COUNTER_MASK
        ipek = ipeks.get(device)
        if ipek is None:
            ipek = ipeks[device] = _ipek(bdk, value)
        counter = value & COUNTER_MASK
        # find the longest memoised prefix of the counter (its top bits)
        key, prefix = ipek, 0
        for shift in range(0, COUNTER_BITS):
            candidate = counter & ~((1 << shift) - 1)
            hit = memo.get((device, candidate))
            if hit is not None:
                key, prefix = hit, candidate
                break
        reg = (value & _M64) & ~COUNTER_MASK
        bits = counter & ~prefix
        current = prefix
        while bits:
            top = 1 << (bits.bit_length() - 1)
            current |= top
            key = _nrkgp(key, reg | current)
            memo[(device, current)] = key
            bits ^= top
        out.append(_working(key, usage, data_variant_only))
    return out


# ---------------------------------------------------------------------------------- PIN and MAC helpers


def encrypt_pin_block(bdk: bytes, ksn: bytes | str, pin: str, pan: str | None, *, format: int = 0) -> bytes:
    """Encipher an ISO 9564-1 PIN block (formats 0-3) under the DUKPT PIN key of ``ksn``.

    >>> encrypt_pin_block(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"), "FFFF9876543210E00001", "1234",
    ...                   "4012345678909").hex().upper()
    '1B9C1845EB993A7A'
    """
    return pinblock.encipher(derive_working_key(bdk, ksn, KeyUsage.PIN), pin, pan, format=format)


def decrypt_pin_block(bdk: bytes, ksn: bytes | str, block: bytes | str, pan: str | None, *, format: int = 0) -> str:
    """Decipher a PIN block under the DUKPT PIN key of ``ksn`` and return its PIN (every field checked)."""
    return pinblock.decipher(derive_working_key(bdk, ksn, KeyUsage.PIN), block, pan, format=format)


def _mac_usage(direction: str) -> KeyUsage:
    return by_direction(direction, KeyUsage.MAC_REQUEST, KeyUsage.MAC_RESPONSE, what="MAC")


def generate_mac(
    bdk: bytes, ksn: bytes | str, data: bytes, *, direction: str = "request", length: int = 8
) -> bytes:
    """ANSI X9.19 retail MAC (ISO 9797-1 algorithm 3, padding method 1) under the request or response MAC key.

    X9.24-1:2009 A.4, counter 1 (the standard prints the leftmost 4 bytes):

    >>> generate_mac(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"), "FFFF9876543210E00001",
    ...              b"4012345678909D987", length=4).hex().upper()
    '9CCC7817'
    """
    return mac.retail_mac(derive_working_key(bdk, ksn, _mac_usage(direction)), data, length=length)


def verify_mac(bdk: bytes, ksn: bytes | str, data: bytes, mac_value: bytes, *, direction: str = "request") -> None:
    """Verify a retail MAC under the DUKPT MAC key; raises :class:`~pinsec.errors.VerificationError`."""
    mac.verify_retail_mac(derive_working_key(bdk, ksn, _mac_usage(direction)), data, mac_value)


def _data_usage(direction: str) -> KeyUsage:
    return by_direction(direction, KeyUsage.DATA_REQUEST, KeyUsage.DATA_RESPONSE, what="data")


def encrypt_data(
    bdk: bytes, ksn: bytes | str, data: bytes, *, direction: str = "request", iv: bytes = bytes(8),
    data_variant_only: bool = False,
) -> bytes:
    """TDES-CBC encrypt ``data`` (zero-padded to whole blocks, ISO 9797-1 method 1) under the request or
    response data encryption key.

    X9.24-1:2009 A.4, counter 1, message ASCII "4012345678909D987":

    >>> encrypt_data(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"), "FFFF9876543210E00001",
    ...              b"4012345678909D987").hex().upper()
    'FC0D53B7EA1FDA9EE68AAF2E70D9B9506229BE2AA993F04F'
    """
    key = derive_working_key(bdk, ksn, _data_usage(direction), data_variant_only=data_variant_only)
    return _crypto.tdes_cbc_encrypt(key, iv, mac.pad(data, 1))


def decrypt_data(
    bdk: bytes, ksn: bytes | str, data: bytes, *, direction: str = "request", iv: bytes = bytes(8),
    data_variant_only: bool = False,
) -> bytes:
    """TDES-CBC decrypt under the request or response data encryption key (padding is left in place)."""
    key = derive_working_key(bdk, ksn, _data_usage(direction), data_variant_only=data_variant_only)
    return _crypto.tdes_cbc_decrypt(key, iv, bytes(data))


# ------------------------------------------------------------------------------------------ originator


@dataclass(frozen=True)
class Transaction:
    """The KSN of one originator transaction and its working keys (``repr`` shows the KSN only)."""

    ksn: bytes
    transaction_key: bytes = field(repr=False)

    def key(self, usage: KeyUsage, *, data_variant_only: bool = False) -> bytes:
        """The working key of ``usage`` for this transaction."""
        return _working(int.from_bytes(self.transaction_key, "big"), _usage(usage), data_variant_only)

    @property
    def pin_key(self) -> bytes:
        return self.key(KeyUsage.PIN)

    @property
    def counter(self) -> int:
        return int.from_bytes(self.ksn, "big") & COUNTER_MASK


_STATE_MAGIC: Final = b"PSDT1"


class Originator:
    """The terminal side of TDES DUKPT (X9.24-1:2009 A.2): 21 future key registers and the counter.

    Each :meth:`next` returns the next transaction's KSN and keys, then generates the future keys the
    standard's "New Key" process generates and erases the used one. Counters with more than 10 one-bits
    are skipped; after 1,048,575 transactions :meth:`next` raises :class:`~pinsec.errors.KsnError`.

    >>> o = Originator.from_bdk(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"), "FFFF9876543210E00000")
    >>> t = o.next()
    >>> t.ksn.hex().upper(), t.pin_key.hex().upper()
    ('FFFF9876543210E00001', '042666B49184CF5C68DE9628D0397B36')
    """

    __slots__ = ("_base", "_counter", "_registers")

    def __init__(self, ipek: bytes, ksn: bytes | str) -> None:
        """Load the initial key: ``ksn`` is the initial KSN (its counter bits are ignored and start at 0)."""
        key = _key16(ipek, "IPEK")
        value = _ksn(ksn, lenient=True)
        self._base = value & ~COUNTER_MASK
        self._registers: list[int | None] = [None] * COUNTER_BITS
        self._fill(key, 0, COUNTER_BITS)
        self._counter = 1

    @classmethod
    def from_bdk(cls, bdk: bytes, ksn: bytes | str) -> Originator:
        """Test rigs: derive the IPEK from the BDK and load it."""
        return cls(derive_ipek(bdk, ksn), ksn)

    @classmethod
    def resume_at(cls, ipek: bytes, ksn: bytes | str) -> Originator:
        """Test rigs: an originator whose next transaction uses ``ksn``'s counter, with the future key
        registers the standard's process would hold there (derived host-side from the IPEK)."""
        key = _key16(ipek, "IPEK")
        value = _ksn(ksn)
        self = cls.__new__(cls)
        self._base = value & ~COUNTER_MASK
        counter = value & COUNTER_MASK
        self._counter = counter
        self._registers = registers_at(counter, COUNTER_BITS, MAX_COUNTER_ONE_BITS,
                                       lambda target: _walk(key, self._base | target))
        return self

    def __repr__(self) -> str:
        return f"Originator(ksn={self.ksn.hex().upper()}, remaining={self.remaining})"

    def _fill(self, key: int, counter: int, below: int) -> None:
        """Generate the future keys for ``counter | bit`` for every bit position below ``below``."""
        reg = (self._base & _M64) | counter
        for p in range(below - 1, -1, -1):
            self._registers[p] = _nrkgp(key, reg | (1 << p))

    @property
    def ksn(self) -> bytes:
        """The KSN the next transaction will use."""
        return (self._base | (self._counter & COUNTER_MASK)).to_bytes(10, "big")

    @property
    def remaining(self) -> int:
        """How many transactions the originator can still perform."""
        return _valid_counters_from(self._counter)

    def next(self) -> Transaction:
        """The next transaction's KSN and keys; then the standard's "New Key" process."""
        counter = self._counter
        if counter >> COUNTER_BITS:
            raise KsnError("the originator's counter is exhausted: no more transactions with this initial key",
                           code="ksn_exhausted", field="ksn")
        key, self._counter = advance(self._registers, counter, MAX_COUNTER_ONE_BITS, self._fill)
        return Transaction((self._base | counter).to_bytes(10, "big"), key.to_bytes(16, "big"))

    def __iter__(self) -> Iterator[Transaction]:
        while not self._counter >> COUNTER_BITS:
            yield self.next()

    def save(self) -> bytes:
        """The originator's state (it holds keys: store it as the terminal's secure memory)."""
        regs = b"".join(b"\x00" + bytes(16) if r is None else b"\x01" + r.to_bytes(16, "big") for r in self._registers)
        return seal(_STATE_MAGIC + self._base.to_bytes(10, "big") + struct.pack(">I", self._counter) + regs)

    @classmethod
    def restore(cls, state: bytes) -> Originator:
        """An originator from :meth:`save`'s bytes (after a terminal reboots)."""
        state = unseal(state, "TDES")
        n = len(_STATE_MAGIC) + 10 + 4 + 17 * COUNTER_BITS
        if len(state) != n or not state.startswith(_STATE_MAGIC):
            raise DataError("not a saved TDES DUKPT originator state", code="originator_state", field="state")
        self = cls.__new__(cls)
        off = len(_STATE_MAGIC)
        self._base = int.from_bytes(state[off : off + 10], "big")
        (self._counter,) = struct.unpack(">I", state[off + 10 : off + 14])
        regs = state[off + 14 :]
        self._registers = []
        for i in range(COUNTER_BITS):
            chunk = regs[17 * i : 17 * i + 17]
            if chunk[0] not in (0, 1):
                raise DataError("saved originator state is corrupt", code="originator_state", field="state")
            self._registers.append(int.from_bytes(chunk[1:], "big") if chunk[0] else None)
        # the counter starts at 1 and ends at most one jump past the last one: 0x1FF800 + 0x800 = 2^21
        if self._base & COUNTER_MASK or not 1 <= self._counter <= 1 << COUNTER_BITS:
            raise DataError("saved originator state is corrupt", code="originator_state", field="state")
        return self


def _valid_counters_from(counter: int) -> int:
    """How many counters from ``counter`` (1 or more) to the last have 1 to 10 one-bits."""
    if counter >> COUNTER_BITS:
        return 0
    total = 0
    ones = 0
    for p in range(COUNTER_BITS - 1, -1, -1):
        bit = 1 << p
        if counter & bit:
            ones += 1
        else:
            # the counters that share the prefix above p and have a one at p: any p lower bits, within budget
            budget = MAX_COUNTER_ONE_BITS - ones - 1
            total += sum(comb(p, k) for k in range(budget + 1))
    return total + (ones <= MAX_COUNTER_ONE_BITS)
