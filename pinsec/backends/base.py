"""The backend interface: coarse, at the level of payment HSM commands.

:class:`pinsec.Hsm` enforces key usage, mode of use and the PCI translation rules before it calls a
backend, so a backend only stores keys and computes. Backends report per operation, through
:meth:`Backend.capabilities`, whether the operation stays inside the device or exposes clear key or PIN
material to the host; ``Hsm(require_in_device=True)`` refuses the exposing paths. (A wide primitive-level
interface, as pyca/cryptography once had, was tried elsewhere and abandoned; commands are the right grain.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Protocol, runtime_checkable

from ..errors import PinsecError
from ..keys import KeyAttributes, KeyHandle

__all__ = [
    "OPERATIONS",
    "Admit",
    "Backend",
    "Capability",
    "MacAlgorithm",
    "MacKey",
    "PinKey",
    "PinVerification",
    "StoredKey",
]

#: Every operation a backend implements, as named in :meth:`Backend.capabilities`.
OPERATIONS = (
    "generate_key",
    "import_clear_key",
    "import_key_block",
    "export_key_block",
    "export_clear_key",
    "kcv",
    "destroy",
    "encrypt_pin",
    "translate_pin",
    "translate_pin_dukpt",
    "check_pin",
    "derive_dukpt_key",
    "generate_mac",
    "verify_mac",
    "pin_verification_value",
    "verify_pin",
    "generate_pin",
    "card_verification_value",
    "emv_cryptogram",
)


@dataclass(frozen=True)
class Capability:
    """Whether an operation runs inside the device (``in_device``) and, if not, what it exposes."""

    in_device: bool
    note: str = ""


@dataclass(frozen=True)
class StoredKey:
    """What a backend tells about a key it holds: id, attributes, length and check value (never the key)."""

    id: str
    attributes: KeyAttributes
    length: int
    kcv: str
    #: A unique name the key can be found by, besides its id (None: no label).
    label: str | None = None


#: The Hsm's check of a new key's record (attributes, length, KCV), run by the backend after it has built
#: the key and before it keeps or persists it: raising refuses the key and nothing is left behind.
Admit = Callable[[StoredKey], None]


@dataclass(frozen=True)
class PinKey:
    """One side of a PIN operation: a zone key, or a BDK with the KSN of the terminal (DUKPT).

    ``dukpt_key_type`` names the AES DUKPT working key type of the PIN key (``"AES128"``, ``"TDES2"`` ...);
    TDES DUKPT ignores it.
    """

    key: KeyHandle
    format: int
    ksn: bytes | None = None
    dukpt_key_type: str | None = None
    #: The PAN as this side's block carries it, when that differs from the operation's PAN (the ISO 4
    #: account-number form some services document); None: the operation's PAN.
    block_pan: str | None = None

    def pan_in_block(self, pan: str | None) -> str | None:
        """The PAN this side's PIN block is built with."""
        return self.block_pan if self.block_pan is not None else pan


class MacAlgorithm(str, Enum):
    """MAC algorithms, each tied to the TR-31 usage of the keys that may compute it."""

    ISO9797_1_ALG1 = "iso9797-1-alg1"  # usages M0, M1: CBC-MAC under a TDES key
    ISO9797_1_ALG3 = "iso9797-1-alg3"  # usage M3: X9.19 retail MAC (also TDES DUKPT MAC keys)
    CMAC = "cmac"  # usage M6: AES-CMAC or TDES-CMAC (also AES DUKPT MAC keys)
    HMAC_SHA256 = "hmac-sha256"  # usage M7


@dataclass(frozen=True)
class MacKey:
    """A MAC key, or a BDK with a KSN (DUKPT MAC keys: ``direction`` request or response)."""

    key: KeyHandle
    algorithm: MacAlgorithm
    ksn: bytes | None = None
    direction: str = "request"
    padding: int = 1
    dukpt_key_type: str | None = None


@dataclass(frozen=True)
class PinVerification:
    """How a PIN is verified: ``method`` ``ibm3624`` (offset) or ``visa-pvv``, under the PVK handle.

    IBM 3624 uses ``validation_data`` (16 hex digits), ``decimalization_table`` and ``pin_check_length``;
    Visa PVV uses ``pvki``.
    """

    method: str
    pvk: KeyHandle
    validation_data: str = ""
    decimalization_table: str = ""
    pin_check_length: int | None = None
    pvki: str = ""


@runtime_checkable
class Backend(Protocol):
    """What an HSM backend implements. Keys are named by :class:`KeyHandle` (the backend's id inside)."""

    name: str

    def capabilities(self) -> Mapping[str, Capability]:
        """Per operation in :data:`OPERATIONS`: does it stay inside the device?"""
        ...

    def list_keys(self) -> list[StoredKey]:
        """Every key the backend holds (a persistent store gives back the same ids when reopened)."""
        ...

    def stored_key(self, key_id: str) -> StoredKey:
        """The backend's own record of a key (attributes are read from here on every use)."""
        ...

    def generate_key(self, attributes: KeyAttributes, length: int, *, admit: Admit | None = None) -> StoredKey: ...

    def import_clear_key(self, material: bytes, attributes: KeyAttributes, *, admit: Admit | None = None
                         ) -> StoredKey: ...

    def import_key_block(self, block: str, kbpk: KeyHandle, *, lenient: bool, admit: Admit | None = None
                         ) -> StoredKey:
        """Unwrap and store; the block's header becomes the key's attributes."""
        ...

    def label_key(self, key_id: str, label: str | None) -> StoredKey:
        """Give a key a label (None removes it); refused when another key holds that label."""
        ...

    def export_key_block(self, key: KeyHandle, kbpk: KeyHandle, *, version: str) -> str:
        """Wrap; refused for a key the backend stores as non-exportable."""
        ...

    def export_clear_key(self, key: KeyHandle) -> bytes:
        """The clear key; refused for a key the backend stores as non-exportable."""
        ...

    def kcv(self, key: KeyHandle) -> str: ...

    def destroy(self, key: KeyHandle) -> None: ...

    def encrypt_pin(self, pin: bytearray, pan: str | None, dst: PinKey) -> bytes:
        """Encipher ``pin`` (ASCII digits, wiped by the caller) as a PIN block under ``dst``."""
        ...

    def translate_pin(self, block: bytes, src: PinKey, dst: PinKey, pan: str | None) -> bytes: ...

    def translate_pin_batch(
        self, items: list[tuple[bytes, str | None, bytes | None]], src: PinKey, dst: PinKey
    ) -> list[bytes | PinsecError]:
        """Translate many (block, PAN, source KSN) items under one source and destination; a failed item
        comes back as its error. DUKPT derivations share IPEKs and intermediate keys within the call."""
        ...

    def check_pin(self, block: bytes, src: PinKey, pan: str | None, pin: bytearray) -> None:
        """Raise :class:`~pinsec.errors.VerificationError` unless ``block`` holds ``pin``."""
        ...

    def derive_dukpt_key(
        self, bdk: KeyHandle, ksn: bytes, *, purpose: str, key_type: str | None, attributes: KeyAttributes,
        admit: Admit | None = None,
    ) -> StoredKey:
        """Derive a DUKPT working key into the backend (``purpose``: pin, mac_request, ... see Hsm)."""
        ...

    def generate_mac(self, key: MacKey, data: bytes, length: int | None) -> bytes: ...

    def verify_mac(self, key: MacKey, data: bytes, mac: bytes) -> None: ...

    def pin_verification_value(self, block: bytes, src: PinKey, pan: str | None, how: PinVerification) -> str:
        """The IBM 3624 offset or Visa PVV of the PIN inside ``block`` (issuer PIN change)."""
        ...

    def verify_pin(self, block: bytes, src: PinKey, pan: str | None, how: PinVerification, value: str) -> None:
        """Raise :class:`~pinsec.errors.VerificationError` unless the PIN in ``block`` matches ``value``."""
        ...

    def generate_pin(self, length: int, dst: PinKey, pan: str | None) -> bytes:
        """A random PIN, returned only as a PIN block enciphered under ``dst``."""
        ...

    def card_verification_value(self, key: KeyHandle, pan: str, expiry: str, service_code: str) -> str: ...

    def emv_cryptogram(self, key: KeyHandle, pan_block: bytes, session: bytes | None, data: bytes) -> bytes:
        """The application cryptogram of ``data`` under the card key derived from the issuer master key
        ``key`` (EMV option A) or, with ``session`` (R), under the common session key from R."""
        ...

    def emv_arpc(self, key: KeyHandle, pan_block: bytes, session: bytes | None, arqc: bytes, arc: bytes) -> bytes:
        """ARPC method 1 under the card key derived from ``key`` or, with ``session`` (R), under the common
        session key from R. The Hsm asks only for a verified ARQC."""
        ...
