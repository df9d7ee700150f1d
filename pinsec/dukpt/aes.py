"""AES DUKPT per ANSI X9.24-3:2017: initial keys, intermediate derivation keys, working keys of every
type and usage, the originator's state machine, and the update-initial-key derivation.

The KSN is 12 bytes: the 8-byte initial key ID and a 32-bit transaction counter with at most 16 one-bits.
Every key is derived by AES-ECB encrypting 16-byte derivation data under the parent key, one block per
128 bits of the derived key:

    01 || block counter || key usage (2) || algorithm (2) || length in bits (2) || context (8)

with context = the initial key ID for the initial key, else IK ID[4:8] || counter. ANSI X9.24-3:2017
supplement, AES-128 BDK:

>>> bdk = bytes.fromhex("FEDCBA9876543210F1F1F1F1F1F1F1F1")
>>> derive_initial_key(bdk, "1234567890123456").hex().upper()
'1273671EA26AC29AFA4D1084127652A1'
>>> derive_working_key(bdk, "123456789012345600000001", KeyUsage.PIN_ENCRYPTION, KeyType.AES128).hex().upper()
'AF8CB133A78F8DC2D1359F18527593FB'
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
from ..errors import DataError, InvalidKeyError, KeyPolicyError, KsnError
from ._direction import by_direction
from ._registers import advance, registers_at
from ._state import seal, unseal

__all__ = [
    "BDK_KEY_TYPES",
    "MAX_COUNTER_ONE_BITS",
    "MAX_TRANSACTIONS",
    "UPDATE_COUNTER",
    "KeyType",
    "KeyUsage",
    "Originator",
    "Transaction",
    "check_ksn",
    "decrypt_data",
    "decrypt_pin_block",
    "derivation_data",
    "derive_initial_key",
    "derive_intermediate_key",
    "derive_update_key",
    "derive_working_key",
    "derive_working_key_from_initial_key",
    "derive_working_keys",
    "encrypt_data",
    "encrypt_pin_block",
    "generate_cmac",
    "generate_hmac",
    "verify_cmac",
]

MAX_COUNTER_ONE_BITS: Final = 16
#: Counters of 32 bits with 1 to 16 one-bits.
MAX_TRANSACTIONS: Final = sum(comb(32, k) for k in range(1, 17))
#: The counter whose key encryption key protects a new initial key (X9.24-3 "update initial key").
UPDATE_COUNTER: Final = 0xFFFFFFFF
_COUNTER_MASK: Final = 0xFFFFFFFF


class KeyUsage(Enum):
    """The key usage indicator of X9.24-3:2017 derivation data."""

    KEY_ENCRYPTION_KEY = 0x0002
    PIN_ENCRYPTION = 0x1000
    MAC_GENERATION = 0x2000
    MAC_VERIFICATION = 0x2001
    MAC_BOTH_WAYS = 0x2002
    DATA_ENCRYPTION_ENCRYPT = 0x3000
    DATA_ENCRYPTION_DECRYPT = 0x3001
    DATA_ENCRYPTION_BOTH_WAYS = 0x3002
    KEY_DERIVATION = 0x8000
    KEY_DERIVATION_INITIAL_KEY = 0x8001


class KeyType(Enum):
    """Derived key types of X9.24-3:2017: (algorithm indicator, length in bits, strength rank)."""

    TDES2 = (0x0000, 128, 1)
    TDES3 = (0x0001, 192, 2)
    AES128 = (0x0002, 128, 3)
    AES192 = (0x0003, 192, 4)
    AES256 = (0x0004, 256, 5)
    #: HMAC keys: algorithm indicator 0005 of X9.24-3:2017 Table 2, with the key length in bits.
    HMAC128 = (0x0005, 128, 3)
    HMAC192 = (0x0005, 192, 4)
    HMAC256 = (0x0005, 256, 5)

    @property
    def algorithm(self) -> int:
        return self.value[0]

    @property
    def bits(self) -> int:
        return self.value[1]

    @property
    def length(self) -> int:
        """Bytes."""
        return self.value[1] // 8


#: The key type of a BDK (and of its initial and intermediate keys) by its length in bytes.
BDK_KEY_TYPES: Final = {16: KeyType.AES128, 24: KeyType.AES192, 32: KeyType.AES256}
_BDK_TYPES: Final = BDK_KEY_TYPES


# ----------------------------------------------------------------------------------------------- inputs


def _bdk_type(key: bytes, what: str) -> KeyType:
    if not isinstance(key, (bytes, bytearray)):
        raise InvalidKeyError(f"{what} must be bytes, not {type(key).__name__}", field=what)
    kt = _BDK_TYPES.get(len(key))
    if kt is None:
        raise InvalidKeyError(f"{what} is {len(key)} bytes; an AES DUKPT {what} is 16, 24 or 32 bytes", field=what)
    return kt


def _ksn(ksn: bytes | str, *, lenient: bool = False) -> tuple[bytes, int]:
    raw = parse_hex(ksn, field="KSN", lengths=(12,), error=KsnError)
    counter = int.from_bytes(raw[8:], "big")
    if lenient and counter:
        return raw[:8], counter
    if counter == 0:
        raise KsnError("KSN transaction counter is zero: no key is derived for it", code="ksn_counter_zero",
                       field="ksn")
    ones = counter.bit_count()
    if ones > MAX_COUNTER_ONE_BITS:
        raise KsnError(f"KSN transaction counter has {ones} one-bits; AES DUKPT allows at most 16",
                       code="ksn_counter_bits", field="ksn")
    return raw[:8], counter


def check_ksn(ksn: bytes | str) -> bytes:
    """Validate a KSN as an originator would use it (12 bytes, counter of 1 to 16 one-bits); return it."""
    ik_id, counter = _ksn(ksn)
    return ik_id + counter.to_bytes(4, "big")


def _ik_id(initial_key_id: bytes | str) -> bytes:
    return parse_hex(initial_key_id, field="initial key ID", lengths=(8,), error=KsnError)


def _usage(usage: KeyUsage) -> KeyUsage:
    if not isinstance(usage, KeyUsage):
        raise DataError(f"usage must be an aes.KeyUsage, not {type(usage).__name__}", field="usage")
    return usage


def _key_type(key_type: KeyType, parent: KeyType) -> KeyType:
    if not isinstance(key_type, KeyType):
        raise DataError(f"key_type must be an aes.KeyType, not {type(key_type).__name__}", field="key_type")
    if key_type.value[2] > parent.value[2]:
        raise KeyPolicyError(
            f"a {key_type.name} working key would be stronger than its {parent.name} base derivation key",
            code="key_stronger_than_bdk", field="key_type",
        )
    return key_type


# ---------------------------------------------------------------------------------------------- derive

def _ecb(key: bytes) -> _crypto.Ecb:
    """A reusable AES-ECB context per key (BDKs and initial keys repeat across calls)."""
    return _crypto.cached_ecb(key, "A")


def derivation_data(usage: int, key_type: KeyType, context: bytes) -> bytes:
    """The X9.24-3 derivation data of a key: one 16-byte block per 128 bits of the derived key.

    AES-ECB of all blocks under the parent key, truncated to the key's length, is the derived key (a
    PKCS#11 token does it with ``CKM_AES_ECB_ENCRYPT_DATA`` on the same bytes).

    >>> derivation_data(0x8001, KeyType.AES128, bytes.fromhex("1234567890123456")).hex().upper()
    '01018001000200801234567890123456'
    """
    head = struct.pack(">HHH", usage, key_type.algorithm, key_type.bits)
    return b"".join(bytes((1, i)) + head + context for i in range(1, (key_type.bits + 127) // 128 + 1))


def _heads(usage: int, key_type: KeyType) -> tuple[bytes, ...]:
    """The first 8 bytes of each derivation data block (what comes before the context)."""
    data = derivation_data(usage, key_type, b"")
    return tuple(data[i:i + 8] for i in range(0, len(data), 8))


def _derive(parent: _crypto.Ecb, usage: int, key_type: KeyType, context: bytes) -> bytes:
    """X9.24-3 key derivation: one AES block per 128 bits of the derived key, truncated to its length."""
    return parent.encrypt(derivation_data(usage, key_type, context))[: key_type.length]


def derive_initial_key(bdk: bytes, initial_key_id: bytes | str) -> bytes:
    """The device's initial key, of the BDK's type, from the 8-byte initial key ID."""
    kt = _bdk_type(bdk, "BDK")
    return _derive(_ecb(bytes(bdk)), KeyUsage.KEY_DERIVATION_INITIAL_KEY.value, kt, _ik_id(initial_key_id))


def _working(derivation_key: bytes, ik_id: bytes, counter: int, usage: KeyUsage, key_type: KeyType) -> bytes:
    data = derivation_data(usage.value, key_type, ik_id[4:] + counter.to_bytes(4, "big"))
    return _crypto.aes_blocks(derivation_key, data)[: key_type.length]


#: The constant first 8 bytes of each derivation block of an intermediate (usage 8000) key, per key type.
_STEP_HEADS: Final = {kt: _heads(KeyUsage.KEY_DERIVATION.value, kt) for kt in KeyType}


def _walk(key: bytes, kt: KeyType, suffix: bytes, working: int, bits: int,
          memo: dict[tuple[bytes, int], bytes] | None = None, ik_id: bytes = b"") -> bytes:
    """Walk ``bits`` from the top, each one-bit deriving the next intermediate key (usage 8000, the BDK's
    type) from ``key``, the key of counter prefix ``working``. The hot path of every derivation."""
    heads = _STEP_HEADS[kt]
    n = kt.length
    aes = _crypto.aes_blocks
    # Derivation data as one integer per block: head || suffix || counter, the counter ORed in per step.
    bases = [int.from_bytes(h + suffix + bytes(4), "big") for h in heads]
    single = len(bases) == 1
    while bits:
        top = 1 << (bits.bit_length() - 1)
        working |= top
        bits ^= top
        if single:
            key = aes(key, (bases[0] | working).to_bytes(16, "big"))
        else:
            key = aes(key, b"".join((b | working).to_bytes(16, "big") for b in bases))[:n]
        if memo is not None:
            memo[(ik_id, working)] = key
    return key


def _intermediate(initial_key: bytes, kt: KeyType, ik_id: bytes, counter: int) -> bytes:
    """The intermediate derivation key of ``counter``: one derivation per one-bit, from the top."""
    return _walk(initial_key, kt, ik_id[4:], 0, counter)


def derive_intermediate_key(bdk: bytes, ksn: bytes | str) -> bytes:
    """The intermediate derivation key of a KSN (what the standard's supplement lists per counter); any
    non-zero counter, including ones an originator skips and the update counter FFFFFFFF."""
    kt = _bdk_type(bdk, "BDK")
    ik_id, counter = _ksn(ksn, lenient=True)
    return _intermediate(derive_initial_key(bdk, ik_id), kt, ik_id, counter)





def derive_working_key_from_initial_key(
    initial_key: bytes, ksn: bytes | str, usage: KeyUsage, key_type: KeyType
) -> bytes:
    """:func:`derive_working_key` from the device's initial key instead of the BDK."""
    kt = _bdk_type(initial_key, "initial key")
    usage, key_type = _usage(usage), _key_type(key_type, kt)
    ik_id, counter = _ksn(ksn)
    return _working(_intermediate(bytes(initial_key), kt, ik_id, counter), ik_id, counter, usage, key_type)


def derive_working_key(
    bdk: bytes, ksn: bytes | str, usage: KeyUsage, key_type: KeyType, *, lenient: bool = False
) -> bytes:
    """The working key of ``usage`` and ``key_type`` for ``ksn``.

    A working key stronger than the BDK (e.g. AES-256 from an AES-128 BDK) is a
    :class:`~pinsec.errors.KeyPolicyError`. ``lenient=True`` derives for counters with more than 16
    one-bits, which an originator never uses (the supplement lists one).
    """
    kt = _bdk_type(bdk, "BDK")
    usage, key_type = _usage(usage), _key_type(key_type, kt)
    ik_id, counter = _ksn(ksn, lenient=lenient)
    initial = derive_initial_key(bdk, ik_id)
    return _working(_intermediate(initial, kt, ik_id, counter), ik_id, counter, usage, key_type)


def derive_working_keys(bdk: bytes, ksns: Iterable[bytes | str], usage: KeyUsage, key_type: KeyType) -> list[bytes]:
    """:func:`derive_working_key` for many KSNs, sharing initial keys and the intermediate keys of common
    counter prefixes (consecutive counters of one device). The memo lives only for this call. Large batches
    of many devices go to the vectorised engine (:mod:`pinsec.batch.dukpt_aes`, with numpy installed) when
    its measured cost model says it is faster; the keys are the same either way."""
    kt = _bdk_type(bdk, "BDK")
    usage, key_type = _usage(usage), _key_type(key_type, kt)
    ksns = ksns if isinstance(ksns, list) else list(ksns)
    parsed: list[tuple[bytes, int]] | None = None
    if len(ksns) > 256 and batch.available():
        from ..batch import dukpt_aes

        # binary KSNs are checked and read on arrays; any other input, or a counter the array check does not
        # pass, is read one by one (which raises the first KSN's error, as for small batches)
        table = dukpt_aes.ksn_table(ksns)
        if table is None or not dukpt_aes.counters_valid(table):
            parsed = [_ksn(k) for k in ksns]
            table = dukpt_aes.table_of(parsed)
        if dukpt_aes.faster_than_one_by_one(len(table), dukpt_aes.devices(table)):
            return dukpt_aes.derive_from_table(bytes(bdk), table, usage, key_type)
    if parsed is None:
        parsed = [_ksn(k) for k in ksns]
    initials: dict[bytes, bytes] = {}
    memo: dict[tuple[bytes, int], bytes] = {}
    out = []
    for ik_id, counter in parsed:
        initial = initials.get(ik_id)
        if initial is None:
            initial = initials[ik_id] = derive_initial_key(bdk, ik_id)
        key, prefix = initial, 0
        for shift in range(32):
            candidate = counter & ~((1 << shift) - 1)
            hit = memo.get((ik_id, candidate))
            if hit is not None:
                key, prefix = hit, candidate
                break
        key = _walk(key, kt, ik_id[4:], prefix, counter & ~prefix, memo, ik_id)
        out.append(_working(key, ik_id, counter, usage, key_type))
    return out


def derive_update_key(bdk: bytes, initial_key_id: bytes | str, key_type: KeyType) -> bytes:
    """The "update initial key" key encryption key: usage 0002 at the reserved counter FFFFFFFF.

    A host sends a device its new initial key encrypted under this key; the device derives it from its
    current initial key the same way (:meth:`Originator.update_key`).
    """
    kt = _bdk_type(bdk, "BDK")
    key_type = _key_type(key_type, kt)
    ik_id = _ik_id(initial_key_id)
    derivation = _intermediate(derive_initial_key(bdk, ik_id), kt, ik_id, UPDATE_COUNTER)
    return _working(derivation, ik_id, UPDATE_COUNTER, KeyUsage.KEY_ENCRYPTION_KEY, key_type)


# ---------------------------------------------------------------------------------- PIN and MAC helpers


def encrypt_pin_block(
    bdk: bytes, ksn: bytes | str, pin: str, pan: str, *, key_type: KeyType = KeyType.AES128,
    rng: pinblock.Rng | None = None,
) -> bytes:
    """Encipher an ISO 9564-1 format 4 PIN block under the DUKPT PIN key of ``ksn``.

    X9.24-3:2017 supplement, "Calculation of AES PIN Block Format 4" (fixed random fill):

    >>> fixed = lambda n: bytes.fromhex("2F69ADDE2E9E7ACE")[:n]
    >>> encrypt_pin_block(bytes.fromhex("FEDCBA9876543210F1F1F1F1F1F1F1F1"), "123456789012345600000001", "1234",
    ...                   "4111111111111111", rng=fixed).hex().upper()
    'A912150391AB65A67E52883D81CE2D15'
    """
    key = derive_working_key(bdk, ksn, KeyUsage.PIN_ENCRYPTION, key_type)
    return pinblock.encipher(key, pin, pan, format=4, rng=rng)


def decrypt_pin_block(
    bdk: bytes, ksn: bytes | str, block: bytes | str, pan: str, *, key_type: KeyType = KeyType.AES128
) -> str:
    """Decipher a format 4 PIN block under the DUKPT PIN key of ``ksn`` (every field checked)."""
    key = derive_working_key(bdk, ksn, KeyUsage.PIN_ENCRYPTION, key_type)
    return pinblock.decipher(key, block, pan, format=4)


def _mac_usage(direction: str) -> KeyUsage:
    return by_direction(direction, KeyUsage.MAC_GENERATION, KeyUsage.MAC_VERIFICATION, what="MAC")


def generate_cmac(
    bdk: bytes, ksn: bytes | str, data: bytes, *, direction: str = "request", key_type: KeyType = KeyType.AES128,
    length: int | None = None,
) -> bytes:
    """AES-CMAC under the DUKPT MAC key: request MACs with the MAC generation key (usage 2000), response
    MACs with the MAC verification key (usage 2001)."""
    key = derive_working_key(bdk, ksn, _mac_usage(direction), key_type)
    return mac.cmac(key, data, algorithm="tdes" if key_type in (KeyType.TDES2, KeyType.TDES3) else "aes",
                    length=length)


def verify_cmac(
    bdk: bytes, ksn: bytes | str, data: bytes, mac_value: bytes, *, direction: str = "request",
    key_type: KeyType = KeyType.AES128,
) -> None:
    """Verify a (possibly truncated) CMAC under the DUKPT MAC key; raises VerificationError."""
    mac.verify(generate_cmac(bdk, ksn, data, direction=direction, key_type=key_type, length=len(mac_value)),
               mac_value)


def _data_usage(direction: str) -> KeyUsage:
    return by_direction(direction, KeyUsage.DATA_ENCRYPTION_ENCRYPT, KeyUsage.DATA_ENCRYPTION_DECRYPT, what="data")


def encrypt_data(
    bdk: bytes, ksn: bytes | str, data: bytes, *, direction: str = "request", key_type: KeyType = KeyType.AES128,
    iv: bytes = bytes(16),
) -> bytes:
    """AES-CBC encrypt ``data``, zero-padded to whole blocks, under the data encryption key (request:
    usage 3000, response: usage 3001)."""
    key = derive_working_key(bdk, ksn, _data_usage(direction), key_type)
    return _crypto.aes_cbc_encrypt(key, iv, mac.pad(data, 1, 16))


def decrypt_data(
    bdk: bytes, ksn: bytes | str, data: bytes, *, direction: str = "request", key_type: KeyType = KeyType.AES128,
    iv: bytes = bytes(16),
) -> bytes:
    """AES-CBC decrypt under the data encryption key (padding is left in place)."""
    key = derive_working_key(bdk, ksn, _data_usage(direction), key_type)
    return _crypto.aes_cbc_decrypt(key, iv, bytes(data))


def generate_hmac(
    bdk: bytes, ksn: bytes | str, data: bytes, *, direction: str = "request", key_type: KeyType = KeyType.HMAC128,
) -> bytes:
    """HMAC-SHA-256 under the DUKPT MAC key of an HMAC key type."""
    if key_type not in (KeyType.HMAC128, KeyType.HMAC192, KeyType.HMAC256):
        raise DataError("generate_hmac needs an HMAC key type", field="key_type")
    return mac.hmac_sha256(derive_working_key(bdk, ksn, _mac_usage(direction), key_type), data)


# ------------------------------------------------------------------------------------------ originator


@dataclass(frozen=True)
class Transaction:
    """One originator transaction: its KSN and a way to derive any working key (``repr`` shows the KSN)."""

    ksn: bytes
    derivation_key: bytes = field(repr=False)
    key_type_of_bdk: KeyType = field(repr=False)

    def key(self, usage: KeyUsage, key_type: KeyType = KeyType.AES128) -> bytes:
        """The working key of ``usage`` and ``key_type`` for this transaction."""
        usage, key_type = _usage(usage), _key_type(key_type, self.key_type_of_bdk)
        counter = int.from_bytes(self.ksn[8:], "big")
        return _working(self.derivation_key, self.ksn[:8], counter, usage, key_type)

    @property
    def counter(self) -> int:
        return int.from_bytes(self.ksn[8:], "big")


_STATE_MAGIC: Final = b"PSDA1"


class Originator:
    """The terminal side of AES DUKPT: 32 intermediate derivation key registers and the counter.

    >>> o = Originator(bytes.fromhex("1273671EA26AC29AFA4D1084127652A1"), "1234567890123456")
    >>> t = o.next()
    >>> t.ksn.hex().upper(), t.key(KeyUsage.PIN_ENCRYPTION).hex().upper()
    ('123456789012345600000001', 'AF8CB133A78F8DC2D1359F18527593FB')
    """

    __slots__ = ("_counter", "_ik_id", "_kt", "_registers")

    def __init__(self, initial_key: bytes, initial_key_id: bytes | str) -> None:
        """Load an initial key: registers get the derivation keys of counters 1, 2, 4, ... 2**31."""
        self._kt = _bdk_type(initial_key, "initial key")
        self._ik_id = _ik_id(initial_key_id)
        self._registers: list[bytes | None] = [None] * 32
        self._fill(bytes(initial_key), 0, 32)
        self._counter = 1

    @classmethod
    def from_bdk(cls, bdk: bytes, initial_key_id: bytes | str) -> Originator:
        """Test rigs: derive the initial key from the BDK and load it."""
        return cls(derive_initial_key(bdk, initial_key_id), initial_key_id)

    @classmethod
    def resume_at(cls, initial_key: bytes, ksn: bytes | str) -> Originator:
        """Test rigs: an originator whose next transaction uses ``ksn``'s counter, with the registers the
        standard's process would hold there (derived host-side from the initial key)."""
        kt = _bdk_type(initial_key, "initial key")
        ik_id, counter = _ksn(ksn)
        self = cls.__new__(cls)
        self._kt, self._ik_id, self._counter = kt, ik_id, counter
        self._registers = registers_at(counter, 32, MAX_COUNTER_ONE_BITS,
                                       lambda target: _intermediate(bytes(initial_key), kt, ik_id, target))
        return self

    def __repr__(self) -> str:
        return f"Originator(ksn={self.ksn.hex().upper()}, key_type={self._kt.name})"

    def _fill(self, key: bytes, counter: int, below: int) -> None:
        ecb = _crypto.aes_ecb(key)
        suffix = self._ik_id[4:]
        for p in range(below - 1, -1, -1):
            self._registers[p] = _derive(ecb, KeyUsage.KEY_DERIVATION.value, self._kt,
                                         suffix + (counter | (1 << p)).to_bytes(4, "big"))

    @property
    def ksn(self) -> bytes:
        """The KSN the next transaction will use."""
        return self._ik_id + (self._counter & _COUNTER_MASK).to_bytes(4, "big")

    @property
    def exhausted(self) -> bool:
        """True once the counter has passed the last one (it ends at 2**32, one jump past FFFF0000)."""
        return bool(self._counter >> 32)

    def next(self) -> Transaction:
        """The next transaction; then the derivation keys of the counters below it, as the standard does."""
        counter = self._counter
        if self.exhausted:
            raise KsnError("the originator's counter is exhausted: load or update the initial key",
                           code="ksn_exhausted", field="ksn")
        key, self._counter = advance(self._registers, counter, MAX_COUNTER_ONE_BITS, self._fill)
        return Transaction(self._ik_id + counter.to_bytes(4, "big"), key, self._kt)

    def __iter__(self) -> Iterator[Transaction]:
        while not self.exhausted:
            yield self.next()

    def update_key(self, key_type: KeyType = KeyType.AES128) -> bytes:
        """The key encryption key protecting a new initial key from the host: usage 0002 at the reserved
        counter FFFFFFFF, derived from the register of counter 80000000 (so only before that counter is used).
        """
        key_type = _key_type(key_type, self._kt)
        key = self._registers[31]
        if key is None:
            raise KsnError("the register of counter 80000000 was used: no update key can be derived",
                           code="originator_state", field="state")
        key = _walk(key, self._kt, self._ik_id[4:], 1 << 31, (1 << 31) - 1)
        return _working(key, self._ik_id, UPDATE_COUNTER, KeyUsage.KEY_ENCRYPTION_KEY, key_type)

    def update_initial_key(self, new_initial_key: bytes, new_initial_key_id: bytes | str) -> None:
        """Replace the initial key (after the host sent a new one) and restart the counter."""
        fresh = Originator(new_initial_key, new_initial_key_id)
        self._kt, self._ik_id, self._registers, self._counter = fresh._kt, fresh._ik_id, fresh._registers, 1

    def save(self) -> bytes:
        """The originator's state (it holds keys: keep it in the terminal's secure memory)."""
        n = self._kt.length
        regs = b"".join(b"\x00" + bytes(n) if r is None else b"\x01" + r for r in self._registers)
        return seal(_STATE_MAGIC + bytes([n]) + self._ik_id + struct.pack(">Q", self._counter) + regs)

    @classmethod
    def restore(cls, state: bytes) -> Originator:
        """An originator from :meth:`save`'s bytes."""
        state = unseal(state, "AES")
        head = len(_STATE_MAGIC)
        n = state[head] if len(state) > head else None
        if not state.startswith(_STATE_MAGIC) or n not in _BDK_TYPES:
            raise DataError("not a saved AES DUKPT originator state", code="originator_state", field="state")
        if len(state) != head + 1 + 8 + 8 + 32 * (n + 1):
            raise DataError("saved AES DUKPT originator state is truncated", code="originator_state", field="state")
        self = cls.__new__(cls)
        self._kt = _BDK_TYPES[n]
        self._ik_id = state[head + 1 : head + 9]
        (self._counter,) = struct.unpack(">Q", state[head + 9 : head + 17])
        if not 1 <= self._counter <= 1 << 32:  # it starts at 1 and ends one jump past FFFF0000
            raise DataError("saved AES DUKPT originator state is corrupt", code="originator_state", field="state")
        regs = state[head + 17 :]
        self._registers = []
        for i in range(32):
            chunk = regs[i * (n + 1) : (i + 1) * (n + 1)]
            if chunk[0] not in (0, 1):
                raise DataError("saved AES DUKPT originator state is corrupt", code="originator_state", field="state")
            self._registers.append(chunk[1:] if chunk[0] else None)
        return self
