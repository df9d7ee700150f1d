"""The :class:`Hsm` facade: keys behind handles, policy first, then the backend.

Every operation validates its inputs, resolves each handle against the backend's own record of the key
(attributes are read from where the key is stored, never from the caller's object) and checks usage, mode
of use and algorithm (and, for PIN translation, the PCI PIN 3-3 matrix) before it calls the backend, so
every backend refuses misuse the same way.

Two states, as on a payShield:

* the default state: keys enter only as key blocks under a KEK, as key blocks under the LMK, generated
  inside, or derived (DUKPT); no call takes or gives a clear key or a clear PIN;
* the Authorised state (``Hsm(authorized=True)``), for test rigs and key ceremonies: clear keys, XOR key
  components, clear PINs in (:meth:`Hsm.encrypt_pin`, :meth:`Hsm.check_pin`) and clear key export. Each
  use is written to the ``pinsec.audit`` log (operation, key id, attributes, KCV; never material).

With ``require_in_device=True`` an operation the backend would run with clear material on the host is
refused with :class:`~pinsec.errors.UnsupportedOperation`.
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, NoReturn, TypeVar

from .. import pinblock
from .._hex import parse_hex
from ..backends import _dukpt
from ..backends.base import Admit, Backend, Capability, MacAlgorithm, MacKey, PinKey, PinVerification, StoredKey
from ..errors import (
    DataError,
    InvalidKeyError,
    KeyPolicyError,
    PanError,
    PinBlockError,
    PinError,
    PinsecError,
    UnsupportedOperation,
    VerificationError,
)
from ..pin import STANDARD_DECIMALIZATION_TABLE, check_decimalization_table
from . import policy
from .keys import KeyAttributes, KeyHandle, _make_handle, check_label
from .keystore import KeyStore, load_lmk

__all__ = ["BackendInfo", "Hsm"]

_log = logging.getLogger("pinsec.hsm")
_audit = logging.getLogger("pinsec.audit")
_T = TypeVar("_T")

_DEFAULT_LENGTH: Final = {"T": 16, "A": 16, "H": 32}
_LENGTHS: Final = {"T": (16, 24), "A": (16, 24, 32), "H": tuple(range(16, 65))}
#: MAC algorithm of each TR-31 MAC key usage.
_MAC_BY_USAGE: Final = {
    "M0": MacAlgorithm.ISO9797_1_ALG1,
    "M1": MacAlgorithm.ISO9797_1_ALG1,
    "M3": MacAlgorithm.ISO9797_1_ALG3,
    "M6": MacAlgorithm.CMAC,
    "M7": MacAlgorithm.HMAC_SHA256,
}
#: MAC algorithm of a DUKPT MAC key, by the working key's algorithm.
_DUKPT_MAC: Final = {"T": MacAlgorithm.ISO9797_1_ALG3, "A": MacAlgorithm.CMAC, "H": MacAlgorithm.HMAC_SHA256}
#: Errors about what is inside a PIN block; at the Hsm edge they all become one (no format oracle).
_PIN_CONTENT_ERRORS: Final = (PinBlockError, PinError, PanError)


def _pin_block_failed() -> PinBlockError:
    return PinBlockError("the PIN block did not decode under this key, format and PAN", code="invalid_pin_block",
                         field="pin_block")


def _opaque(call: Callable[[], _T]) -> _T:
    """Run a call that deciphers a PIN block; any error about the block's content becomes the one
    ``invalid_pin_block``, raised outside the ``except`` so not even ``__context__`` keeps the detail."""
    try:
        return call()
    except _PIN_CONTENT_ERRORS:
        pass
    raise _pin_block_failed()


class BackendInfo:
    """What an :class:`Hsm` tells about its backend: name, capabilities and key records. No key operation
    and no clear material is reachable through it."""

    __slots__ = ("_capabilities", "_list", "_name")

    def __init__(self, backend: Backend) -> None:
        self._name = backend.name
        self._capabilities = backend.capabilities
        self._list = backend.list_keys

    @property
    def name(self) -> str:
        return self._name

    def capabilities(self) -> Mapping[str, Capability]:
        return self._capabilities()

    def list_keys(self) -> list[StoredKey]:
        return self._list()

    def __repr__(self) -> str:
        return f"BackendInfo(name={self._name!r})"

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError("BackendInfo cannot be pickled")


class Hsm:
    """A payment HSM: keys live in a backend and callers hold opaque :class:`KeyHandle` objects.

    The default state takes and gives no clear key or PIN; a test rig opens the Authorised state:

    >>> import pinsec
    >>> rig = pinsec.Hsm(authorized=True)
    >>> zpk = rig.import_clear_key(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"),
    ...                            pinsec.KeyAttributes(usage="P0", algorithm="T", mode_of_use="B"))
    >>> zpk.kcv
    '08D7B4'
    >>> block = rig.encrypt_pin("1234", pan="4012345678909", key=zpk, format=0)
    >>> rig.check_pin(block, key=zpk, format=0, pan="4012345678909", pin="1234")
    >>> pinsec.Hsm().import_clear_key(bytes(16), pinsec.KeyAttributes("P0", "T", "B"))
    Traceback (most recent call last):
    ...
    pinsec.errors.KeyPolicyError: import_clear_key takes clear key or PIN material: only in the Authorised ...
    """

    __slots__ = ("__weakref__", "_authorized", "_backend", "_require_in_device", "_tables")

    def __init__(
        self,
        backend: Backend | None = None,
        *,
        keystore: str | os.PathLike[str] | None = None,
        lmk: bytes | str | None = None,
        lmk_file: str | os.PathLike[str] | None = None,
        authorized: bool = False,
        require_in_device: bool = False,
        decimalization_tables: Sequence[str] = (STANDARD_DECIMALIZATION_TABLE,),
    ) -> None:
        if backend is not None and (keystore is not None or lmk is not None or lmk_file is not None):
            raise DataError("give a backend or a keystore / LMK, not both (the key store is the software "
                            "backend's)", field="keystore")
        if backend is None:
            from ..backends.software import SoftwareBackend

            store = None
            if keystore is not None or lmk is not None or lmk_file is not None:
                store = KeyStore(keystore, load_lmk(lmk, lmk_file))
            backend = SoftwareBackend(store)
        self._backend = backend
        self._authorized = authorized is True
        self._require_in_device = require_in_device
        # The decimalisation-table attack mitigation: IBM 3624 operations accept only these tables.
        self._tables = frozenset(check_decimalization_table(t) for t in decimalization_tables)

    def __repr__(self) -> str:
        return (f"Hsm(backend={self._backend.name}, authorized={self._authorized}, "
                f"require_in_device={self._require_in_device})")

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError("an Hsm holds keys and cannot be pickled: send keys to other processes as key blocks")

    def __copy__(self) -> NoReturn:
        raise TypeError("an Hsm cannot be copied")

    def __deepcopy__(self, memo: Any) -> NoReturn:
        raise TypeError("an Hsm cannot be copied")

    @property
    def backend(self) -> BackendInfo:
        """The backend's name, capabilities and key records (no operations, no material)."""
        return BackendInfo(self._backend)

    @property
    def authorized(self) -> bool:
        """True in the Authorised state (clear keys and PINs may cross the API)."""
        return self._authorized

    # --------------------------------------------------------------------------------------- plumbing

    def _gate(self, operation: str, *variants: str) -> None:
        """Refuse an operation the backend would run outside the device, when in-device is required.

        ``variants`` name the specific path (e.g. a MAC algorithm), which a backend may report apart.
        """
        if not self._require_in_device:
            return
        caps = self._backend.capabilities()
        cap = next((caps[k] for k in [f"{operation}:{v}" for v in variants] + [operation] if k in caps), None)
        if cap is None or not cap.in_device:
            why = cap.note if cap is not None else "not offered"
            raise UnsupportedOperation(
                f"{operation} would expose clear material outside the device on backend {self._backend.name} "
                f"({why}) and this Hsm requires in-device operations",
                code="not_in_device", field=operation,
            )

    def _authorize(self, operation: str) -> None:
        """Clear keys and PINs cross the API only in the Authorised state; refusals are audited too."""
        if not self._authorized:
            _audit.warning("refused %s: not in the Authorised state", operation)
            raise KeyPolicyError(f"{operation} takes clear key or PIN material: only in the Authorised state, "
                                 "Hsm(authorized=True)", code="not_authorized", field=operation)

    @staticmethod
    def _audited(operation: str, key: KeyHandle) -> None:
        _audit.info("%s key=%s attributes=%s kcv=%s", operation, key.id, key.attributes.letters(), key.kcv)

    @staticmethod
    def _handle(stored: StoredKey) -> KeyHandle:
        return _make_handle(id=stored.id, attributes=stored.attributes, kcv=stored.kcv, length=stored.length,
                            label=stored.label)

    @staticmethod
    def _attributes(attributes: KeyAttributes) -> KeyAttributes:
        if not isinstance(attributes, KeyAttributes):
            raise DataError(f"attributes must be KeyAttributes, not {type(attributes).__name__}", field="attributes")
        return attributes

    def _known(self, key: KeyHandle, what: str = "key") -> KeyHandle:
        """The handle, checked against the backend's record of its key: the key must exist here and the
        handle's attributes, length and KCV must be the stored ones (a handle is a name, not a capability)."""
        if not isinstance(key, KeyHandle):
            raise InvalidKeyError(f"{what} must be a KeyHandle from this Hsm, not {type(key).__name__}", field=what)
        stored = self._backend.stored_key(key.id)
        if (key.attributes, key.length, key.kcv) != (stored.attributes, stored.length, stored.kcv):
            raise KeyPolicyError(f"{what} handle does not match the key this HSM holds under its id",
                                 code="handle_mismatch", field=what)
        return key

    @staticmethod
    def _kcv_check(expected: str | None) -> Admit | None:
        """An admission check that the new key's KCV is ``expected`` (the whole KCV, or a prefix of 3 bytes
        or more)."""
        if expected is None:
            return None
        if not isinstance(expected, str) or not expected.isascii():
            raise DataError("an expected KCV is hex text", field="kcv")
        want = expected.upper()

        def admit(stored: StoredKey) -> None:
            if len(want) < 6 or not hmac.compare_digest(stored.kcv[:len(want)], want):
                raise VerificationError("the key does not match the expected KCV; it was not kept",
                                        code="kcv_mismatch", field="kcv")

        return admit

    # ------------------------------------------------------------------------------------------- keys

    def key(self, name: str) -> KeyHandle:
        """The handle of a key by id or label (e.g. after reopening a key store)."""
        if not isinstance(name, str):
            raise InvalidKeyError("a key id or label is a str", code="unknown_key", field="key_id")
        try:
            return self._handle(self._backend.stored_key(name))
        except InvalidKeyError:
            found = next((s for s in self._backend.list_keys() if s.label == name), None)
            if found is None:
                raise InvalidKeyError("no key with that id or label in this HSM", code="unknown_key",
                                      field="key_id") from None
            return self._handle(found)

    def label(self, key: KeyHandle, label: str | None) -> KeyHandle:
        """Give a key a unique label, usable wherever its id is (None removes it); the new handle."""
        key = self._known(key)
        stored = self._backend.label_key(key.id, None if label is None else check_label(label))
        return self._handle(stored)

    def _free_label(self, label: str | None) -> str | None:
        if label is None:
            return None
        check_label(label)
        if any(s.label == label or s.id == label for s in self._backend.list_keys()):
            raise DataError("another key already has that label (or id)", code="label_taken", field="label")
        return label

    def _labelled(self, handle: KeyHandle, label: str | None) -> KeyHandle:
        """Label a key just made; if the label was taken meanwhile, the new key does not stay."""
        if label is None:
            return handle
        try:
            return self.label(handle, label)
        except PinsecError:
            self._backend.destroy(handle)
            raise

    def list_keys(self) -> list[KeyHandle]:
        """Handles of every key the backend holds."""
        return [self._handle(s) for s in self._backend.list_keys()]

    def generate_key(self, attributes: KeyAttributes, *, length: int | None = None, label: str | None = None
                     ) -> KeyHandle:
        """Generate a random key inside the backend (TDES keys get odd parity).

        Default lengths: TDES 16 bytes, AES 16, HMAC 32. The key is non-exportable unless ``attributes``
        say otherwise (``exportability="E"``).
        """
        attributes = self._attributes(attributes)
        n = self._length(attributes, length)
        label = self._free_label(label)
        self._gate("generate_key")
        handle = self._handle(self._backend.generate_key(attributes, n))
        _log.info("generated key %s %s kcv=%s", handle.id, attributes.letters(), handle.kcv)
        return self._labelled(handle, label)

    @staticmethod
    def _length(attributes: KeyAttributes, length: int | None) -> int:
        alg = attributes.algorithm.value
        if alg not in _LENGTHS:
            raise DataError(f"cannot hold keys of algorithm {alg} (T, A or H)", field="algorithm")
        n = _DEFAULT_LENGTH[alg] if length is None else length
        if isinstance(n, bool) or not isinstance(n, int) or n not in _LENGTHS[alg]:
            raise InvalidKeyError(f"a key of algorithm {alg} cannot be {n} bytes", field="length")
        return n

    def import_clear_key(self, material: bytes | str, attributes: KeyAttributes, *, kcv: str | None = None,
                         label: str | None = None) -> KeyHandle:
        """Authorised state only: import a clear key (test rigs). ``kcv``, when given, must match or nothing
        is kept."""
        self._authorize("import_clear_key")
        attributes = self._attributes(attributes)
        if not isinstance(material, (bytes, bytearray, str)):
            raise DataError("a clear key is bytes or hex; use import_key_components for components",
                            field="material")
        raw = parse_hex(material, field="key", error=InvalidKeyError)
        self._length(attributes, len(raw))
        label = self._free_label(label)
        self._gate("import_clear_key")
        handle = self._handle(self._backend.import_clear_key(raw, attributes, admit=self._kcv_check(kcv)))
        self._audited("import_clear_key", handle)
        return self._labelled(handle, label)

    def import_key_components(
        self,
        components: Sequence[bytes | str],
        attributes: KeyAttributes,
        *,
        kcvs: Sequence[str],
        kcv: str | None = None,
        label: str | None = None,
    ) -> KeyHandle:
        """Authorised state only: a key ceremony. The key is the XOR of 2 or 3 clear components, each
        checked against its KCV (``kcvs``, in order) before they are combined; ``kcv`` checks the result.
        Any mismatch raises :class:`VerificationError` naming the component, and nothing is kept."""
        self._authorize("import_key_components")
        attributes = self._attributes(attributes)
        if isinstance(components, (bytes, bytearray, str)) or not 2 <= len(components) <= 3:
            raise DataError("a key ceremony takes 2 or 3 components", field="components")
        if isinstance(kcvs, str) or len(kcvs) != len(components):
            raise DataError(f"give one KCV per component ({len(components)})", field="kcvs")
        raw = [parse_hex(p, field=f"component {i + 1}", error=InvalidKeyError) for i, p in enumerate(components)]
        if len({len(r) for r in raw}) != 1:
            raise InvalidKeyError("key components differ in length", field="components")
        n = self._length(attributes, len(raw[0]))
        label = self._free_label(label)
        from ..backends.software import check_value

        for i, (part, expected) in enumerate(zip(raw, kcvs, strict=True)):
            want = expected.upper() if isinstance(expected, str) and expected.isascii() else ""
            if len(want) < 6 or not hmac.compare_digest(check_value(part, attributes.algorithm.value)[:len(want)],
                                                        want):
                raise VerificationError(f"component {i + 1} does not match its KCV", code="kcv_mismatch",
                                        field=f"component {i + 1}")
        combined = bytearray(n)
        for part in raw:
            for j, b in enumerate(part):
                combined[j] ^= b
        self._gate("import_clear_key")
        try:
            stored = self._backend.import_clear_key(bytes(combined), attributes, admit=self._kcv_check(kcv))
        finally:
            combined[:] = bytes(n)
        handle = self._handle(stored)
        self._audited("import_key_components", handle)
        return self._labelled(handle, label)

    def import_key_block(self, key_block: str, *, kbpk: KeyHandle, lenient: bool = False, label: str | None = None
                         ) -> KeyHandle:
        """Unwrap a TR-31 / X9.143 key block under ``kbpk`` (usage K0 or K1, mode B or D); the block's
        header becomes the key's attributes.

        Versions A, B, C need a TDES KBPK and D, E an AES one (version A only with ``lenient``), and a key
        stronger than the KBPK is refused."""
        kbpk = self._known(kbpk, "kbpk")
        policy.check_key(kbpk.attributes, operation="unwrap a key block", usages={"K0", "K1"}, modes={"B", "D", "N"})
        if not isinstance(key_block, str) or not key_block:
            raise DataError("a key block is a non-empty str", field="key_block")
        policy.check_block_version(key_block[0], kbpk.attributes, exporting=False, lenient=lenient)
        label = self._free_label(label)
        self._gate("import_key_block")

        def admit(stored: StoredKey) -> None:
            policy.check_wrapping_strength(stored.attributes, stored.length, kbpk.attributes, kbpk.length)

        handle = self._handle(self._backend.import_key_block(key_block, kbpk, lenient=lenient, admit=admit))
        _log.info("imported key block as %s %s kcv=%s", handle.id, handle.attributes.letters(), handle.kcv)
        return self._labelled(handle, label)

    def export_key_block(self, key: KeyHandle, *, kbpk: KeyHandle, version: str | None = None) -> str:
        """Wrap ``key`` as a key block under ``kbpk`` (usage K0 or K1, mode B or E).

        Refused for a non-exportable key, a KBPK weaker than the key, the key itself as KBPK, or a version
        that does not fit the KBPK (B or C under TDES, D or E under AES; default D under AES, B under TDES).
        """
        key, kbpk = self._known(key), self._known(kbpk, "kbpk")
        if key.id == kbpk.id:
            raise KeyPolicyError("a key cannot wrap itself", code="same_key", field="kbpk")
        policy.check_export(key.attributes, key.length, kbpk.attributes, kbpk.length)
        v = version if version is not None else ("D" if kbpk.attributes.algorithm.value == "A" else "B")
        if not isinstance(v, str) or len(v) != 1:
            raise DataError("a key block version is one letter", field="version")
        policy.check_block_version(v, kbpk.attributes, exporting=True)
        self._gate("export_key_block")
        block = self._backend.export_key_block(key, kbpk, version=v)
        _log.info("exported key %s under %s as version %s", key.id, kbpk.id, v)
        return block

    def export_clear_key(self, key: KeyHandle) -> bytes:
        """Authorised state only: the clear key, never for a key stored as non-exportable (N)."""
        self._authorize("export_clear_key")
        key = self._known(key)
        if key.attributes.exportability.value == "N":
            raise KeyPolicyError("key is marked non-exportable (N)", code="not_exportable", field="exportability")
        self._gate("export_clear_key")
        self._audited("export_clear_key", key)
        return self._backend.export_clear_key(key)

    def stored_key_block(self, key: KeyHandle) -> str:
        """The key as the key store holds it: a key block under the LMK, ciphertext only.

        This is how keys reach bulk workers that share the LMK (:mod:`pinsec.bulk`); a backend without an
        LMK raises :class:`UnsupportedOperation`.
        """
        key = self._known(key)
        stored_block = getattr(self._backend, "stored_block", None)
        if stored_block is None:
            raise UnsupportedOperation(f"backend {self._backend.name} keeps no LMK-wrapped key blocks",
                                       code="no_keystore", field="key")
        block: str = stored_block(key)
        return block

    def import_stored_key_block(self, key_block: str) -> KeyHandle:
        """Take a key that arrives as a key block under this HSM's LMK (as :meth:`stored_key_block` gives
        it): bulk workers and host commands carry keys this way. Needs an Hsm with an LMK."""
        if not isinstance(key_block, str):
            raise DataError("a key block is a str", field="key_block")
        adopt = getattr(self._backend, "import_stored_block", None)
        if adopt is None:
            raise UnsupportedOperation(f"backend {self._backend.name} has no LMK", code="no_keystore",
                                       field="key_block")
        handle = self._handle(adopt(key_block))
        _log.info("took key %s %s kcv=%s under the LMK", handle.id, handle.attributes.letters(), handle.kcv)
        return handle

    def kcv(self, key: KeyHandle) -> str:
        """The key check value, computed by the backend (legacy 3 bytes for TDES, AES-CMAC 5 bytes for AES)."""
        key = self._known(key)
        self._gate("kcv")
        return self._backend.kcv(key)

    def destroy(self, key: KeyHandle) -> None:
        """Remove a key from the backend (and from the key store); its material is wiped."""
        key = self._known(key)
        self._gate("destroy")
        self._backend.destroy(key)
        _log.info("destroyed key %s", key.id)

    # ------------------------------------------------------------------------------------------- PINs

    @staticmethod
    def _format(value: int, field: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 4:
            raise DataError(f"{field} must be an ISO 9564-1 format 0-4", field=field)
        return int(value)

    @staticmethod
    def _ksn(ksn: bytes | str | None, side: str) -> bytes | None:
        return None if ksn is None else parse_hex(ksn, field=f"{side}_ksn", lengths=(10, 12))

    @staticmethod
    def _pan(pan: str | None, fmt: int, field: str = "pan") -> str | None:
        """Check the caller's PAN before any block is deciphered (its errors may say what is wrong; errors
        found inside a block may not)."""
        if fmt in policy.PAN_BOUND_FORMATS:
            try:
                pinblock.pan_field(pan, format=fmt)  # type: ignore[arg-type]
            except PanError as exc:
                raise PanError(str(exc), code=exc.code, field=field) from None
        elif pan is not None and not isinstance(pan, str):
            raise PanError("PAN must be a str of digits", field=field)
        return pan

    def _pin_side(
        self, key: KeyHandle, fmt: int, ksn: bytes | None, key_type: str | None, *, side: str, modes: set[str]
    ) -> PinKey:
        key = self._known(key, f"{side}_key")
        a = key.attributes
        if key_type is not None:
            _dukpt.aes_key_type(key_type)
        if policy.check_dukpt_source(a, ksn, side=side):
            algorithm = _dukpt.working_key_algorithm(a.algorithm.value, key_type)
        else:
            policy.check_key(a, operation=f"{'decrypt' if side == 'src' else 'encrypt'} a PIN block",
                             usages={"P0"}, modes=modes)
            algorithm = a.algorithm.value
        policy.check_pin_key_algorithm(algorithm, fmt, side=side)
        return PinKey(key, fmt, ksn, key_type)

    def _pin_block(self, block: bytes | str, fmt: int) -> bytes:
        return parse_hex(block, field="PIN block", lengths=(pinblock.block_size(fmt),), error=PinBlockError)

    @staticmethod
    def _pin_digits(pin: str) -> bytearray:
        if not isinstance(pin, str):
            raise DataError(f"PIN must be a str, not {type(pin).__name__}", field="pin")
        return bytearray(pin.encode("ascii", errors="replace"))

    def _decipher_side(self, key: KeyHandle, fmt: int, ksn: bytes | str | None, key_type: str | None) -> PinKey:
        """The source of an operation that deciphers a PIN block: a P0 key (mode B or D) or a BDK + KSN."""
        return self._pin_side(key, fmt, self._ksn(ksn, "src"), key_type, side="src", modes={"B", "D", "N"})

    def encrypt_pin(
        self,
        pin: str,
        *,
        pan: str | None,
        key: KeyHandle,
        format: int,
        ksn: bytes | str | None = None,
        dukpt_key_type: str | None = None,
    ) -> bytes:
        """Authorised state only (a clear PIN goes in): encipher a PIN as an ISO 9564-1 block under a PIN key
        (P0, mode B or E) or, with ``ksn``, under the DUKPT PIN key of a BDK (a terminal, for test rigs)."""
        self._authorize("encrypt_pin")
        fmt = self._format(format, "format")
        side = self._pin_side(key, fmt, self._ksn(ksn, "dst"), dukpt_key_type, side="dst", modes={"B", "E", "N"})
        self._gate("encrypt_pin")
        digits = self._pin_digits(pin)
        try:
            out = self._backend.encrypt_pin(digits, pan, side)
        finally:
            digits[:] = bytes(len(digits))
        self._audited("encrypt_pin", side.key)
        return out

    def translate_pin(
        self,
        block: bytes | str,
        *,
        src_key: KeyHandle,
        src_format: int,
        dst_key: KeyHandle,
        dst_format: int,
        pan: str | None,
        src_ksn: bytes | str | None = None,
        dst_ksn: bytes | str | None = None,
        dst_pan: str | None = None,
        src_dukpt_key_type: str | None = None,
        dst_dukpt_key_type: str | None = None,
    ) -> bytes:
        """Translate a PIN block from one key and format to another, inside the backend.

        Sources: a PIN key (P0, mode B or D), or a BDK (B0) with the terminal's ``src_ksn`` (TDES or AES
        DUKPT from the BDK's algorithm; ``src_dukpt_key_type`` is the AES DUKPT PIN key type, AES128 by
        default). Destinations: a PIN key (P0, mode B or E), or a BDK with ``dst_ksn`` (test rigs).
        PCI PIN 3-3 decides which formats may follow which; ISO 4 needs AES keys, 0-3 TDES keys; a
        ``dst_pan`` different from ``pan`` is refused for PAN-bound formats.
        """
        sf, df = self._format(src_format, "src_format"), self._format(dst_format, "dst_format")
        policy.check_translation(sf, df, pan, dst_pan)
        src = self._decipher_side(src_key, sf, src_ksn, src_dukpt_key_type)
        dst = self._pin_side(dst_key, df, self._ksn(dst_ksn, "dst"), dst_dukpt_key_type, side="dst",
                             modes={"B", "E", "N"})
        self._pan(pan, sf)
        self._pan(pan, df)
        raw = self._pin_block(block, sf)
        self._gate("translate_pin_dukpt" if src.ksn is not None or dst.ksn is not None else "translate_pin")
        out = _opaque(lambda: self._backend.translate_pin(raw, src, dst, pan))
        _log.debug("translated a PIN block %s/%d -> %s/%d", src.key.id, sf, dst.key.id, df)
        return out

    def translate_pins(
        self,
        items: Sequence[tuple[bytes | str, str | None, bytes | str | None]],
        *,
        src_key: KeyHandle,
        src_format: int,
        dst_key: KeyHandle,
        dst_format: int,
        src_dukpt_key_type: str | None = None,
        dst_dukpt_key_type: str | None = None,
    ) -> list[bytes | PinsecError]:
        """Translate many ``(block, pan, src_ksn)`` items with one source and destination (bulk work).

        Policy is checked once, as for :meth:`translate_pin`; each item is validated on its own and a bad
        item comes back as its :class:`~pinsec.errors.PinsecError` (the others are translated). With a BDK
        source, the DUKPT keys of the batch are derived together: a device's IPEK and intermediate keys
        once per call. As for one block, every failure about a block's content is ``invalid_pin_block``.
        """
        sf, df = self._format(src_format, "src_format"), self._format(dst_format, "dst_format")
        policy.check_translation(sf, df, None, None)
        src_key = self._known(src_key, "src_key")
        dukpt = src_key.attributes.usage.value == "B0"
        probe_ksn = b"" if dukpt else None
        src = self._pin_side(src_key, sf, probe_ksn, src_dukpt_key_type, side="src", modes={"B", "D", "N"})
        dst = self._pin_side(dst_key, df, None, dst_dukpt_key_type, side="dst", modes={"B", "E", "N"})
        src = PinKey(src.key, sf, None, src_dukpt_key_type)
        ready: list[tuple[bytes, str | None, bytes | None]] = []
        slots: list[int | PinsecError] = []
        for block, pan, ksn in items:
            try:
                raw_ksn = self._ksn(ksn, "src") if dukpt else None
                if not dukpt and ksn is not None:
                    raise KeyPolicyError("a KSN was given but the source key is not a BDK", code="dukpt_ksn",
                                         field="src_ksn")
                self._pan(pan, sf)
                self._pan(pan, df)
                ready.append((self._pin_block(block, sf), pan, raw_ksn))
                slots.append(len(ready) - 1)
            except PinsecError as exc:
                slots.append(exc)
        self._gate("translate_pin_dukpt" if dukpt else "translate_pin")
        done = self._backend.translate_pin_batch(ready, src, dst) if ready else []
        done = [_pin_block_failed() if isinstance(d, _PIN_CONTENT_ERRORS) else d for d in done]
        return [done[s] if isinstance(s, int) else s for s in slots]

    def check_pin(
        self,
        block: bytes | str,
        *,
        key: KeyHandle,
        format: int,
        pan: str | None,
        pin: str,
        ksn: bytes | str | None = None,
        dukpt_key_type: str | None = None,
    ) -> None:
        """Authorised state only (a clear PIN goes in, and a yes/no on it is a PIN oracle): raise
        :class:`VerificationError` unless ``block`` holds ``pin`` (constant-time compare)."""
        self._authorize("check_pin")
        fmt = self._format(format, "format")
        side = self._decipher_side(key, fmt, ksn, dukpt_key_type)
        self._pan(pan, fmt)
        raw = self._pin_block(block, fmt)
        self._gate("check_pin")
        digits = self._pin_digits(pin)
        self._audited("check_pin", side.key)
        try:
            _opaque(lambda: self._backend.check_pin(raw, side, pan, digits))
        finally:
            digits[:] = bytes(len(digits))

    # ----------------------------------------------------------------------------------------- DUKPT

    def derive_dukpt_key(
        self,
        bdk: KeyHandle,
        ksn: bytes | str,
        *,
        purpose: str = "pin",
        key_type: str | None = None,
        attributes: KeyAttributes | None = None,
    ) -> KeyHandle:
        """Derive a DUKPT working key into a handle: ``purpose`` pin, mac_request, mac_response,
        data_request or data_response; ``key_type`` for AES DUKPT (AES128 by default).

        The key keeps its variant's usage and is non-exportable (P0/B, M3, M6 or M7/C, D0/B); ``attributes``
        may only narrow the mode of use (P0 and D0: B, E or D; MAC keys: C, G or V) and set the version.
        """
        bdk = self._known(bdk, "bdk")
        raw_ksn = self._ksn(ksn, "")
        policy.check_dukpt_source(bdk.attributes, raw_ksn, side="bdk")
        if not isinstance(purpose, str) or purpose not in _dukpt.PURPOSES:
            raise DataError(f"DUKPT purpose is one of {', '.join(_dukpt.PURPOSES)}", field="purpose")
        algorithm = _dukpt.working_key_algorithm(bdk.attributes.algorithm.value, key_type)
        attributes = policy.dukpt_working_attributes(
            purpose, algorithm, None if attributes is None else self._attributes(attributes))
        assert raw_ksn is not None
        self._gate("derive_dukpt_key", "T" if bdk.attributes.algorithm.value == "T" else
                   ("A-TDES" if algorithm == "T" else "A"))
        stored = self._backend.derive_dukpt_key(bdk, raw_ksn, purpose=purpose, key_type=key_type,
                                                attributes=attributes)
        return self._handle(stored)

    # ------------------------------------------------------------------------------------------- MACs

    def _mac_key(
        self, key: KeyHandle, algorithm: MacAlgorithm | str | None, ksn: bytes | str | None, direction: str,
        padding: int, key_type: str | None, *, modes: set[str], operation: str,
    ) -> MacKey:
        key = self._known(key)
        raw_ksn = self._ksn(ksn, "mac")
        a = key.attributes
        if direction not in ("request", "response"):
            raise DataError("direction must be request or response", field="direction")
        if policy.check_dukpt_source(a, raw_ksn, side="mac"):
            native = _DUKPT_MAC[_dukpt.working_key_algorithm(a.algorithm.value, key_type)]
        else:
            policy.check_key(a, operation=operation, usages=set(_MAC_BY_USAGE), modes=modes)
            native = _MAC_BY_USAGE[a.usage.value]
        try:
            chosen = native if algorithm is None else MacAlgorithm(algorithm)
        except ValueError:
            raise DataError(f"unknown MAC algorithm {algorithm!r}", field="algorithm") from None
        if chosen is not native:
            raise KeyPolicyError(f"key usage {a.usage.value} computes {native.value}, not {chosen.value}",
                                 code="wrong_usage", field="algorithm")
        if isinstance(padding, bool) or padding not in (1, 2, 3):
            raise DataError("padding must be ISO 9797-1 method 1, 2 or 3", field="padding")
        return MacKey(key, chosen, raw_ksn, direction, padding, key_type)

    @staticmethod
    def _mac_variants(mk: MacKey) -> tuple[str, ...]:
        if mk.ksn is None:
            return (mk.algorithm.value,)
        algorithm = _dukpt.working_key_algorithm(mk.key.attributes.algorithm.value, mk.dukpt_key_type)
        return (f"dukpt-{algorithm}",)

    def generate_mac(
        self,
        key: KeyHandle,
        data: bytes,
        *,
        algorithm: MacAlgorithm | str | None = None,
        ksn: bytes | str | None = None,
        direction: str = "request",
        padding: int = 1,
        length: int | None = None,
        dukpt_key_type: str | None = None,
    ) -> bytes:
        """Generate a MAC under an M-usage key (mode C or G), whose usage fixes the algorithm (M0/M1 ISO
        9797-1 alg 1, M3 alg 3, M6 CMAC, M7 HMAC-SHA-256), or under a BDK with ``ksn`` (TDES DUKPT: retail
        MAC with the request/response MAC key; AES DUKPT: AES-CMAC)."""
        mk = self._mac_key(key, algorithm, ksn, direction, padding, dukpt_key_type, modes={"C", "G", "N"},
                           operation="generate a MAC")
        self._gate("generate_mac", *self._mac_variants(mk))
        return self._backend.generate_mac(mk, bytes(data), length)

    def verify_mac(
        self,
        key: KeyHandle,
        data: bytes,
        mac: bytes,
        *,
        algorithm: MacAlgorithm | str | None = None,
        ksn: bytes | str | None = None,
        direction: str = "request",
        padding: int = 1,
        dukpt_key_type: str | None = None,
    ) -> None:
        """Verify a MAC (mode C or V); raises :class:`VerificationError` on mismatch."""
        mk = self._mac_key(key, algorithm, ksn, direction, padding, dukpt_key_type, modes={"C", "V", "N"},
                           operation="verify a MAC")
        self._gate("verify_mac", *self._mac_variants(mk))
        self._backend.verify_mac(mk, bytes(data), bytes(mac))

    # ------------------------------------------------------------------------- PIN verification, CVV

    def _verification(
        self, pvk: KeyHandle, method: str, validation_data: str | None, decimalization_table: str | None,
        pin_check_length: int | None, pvki: str | None, *, modes: set[str],
    ) -> PinVerification:
        pvk = self._known(pvk, "pvk")
        usages = {"ibm3624": {"V1", "V0"}, "visa-pvv": {"V2", "V0"}}.get(method)
        if usages is None:
            raise DataError("PIN verification method must be ibm3624 or visa-pvv", field="method")
        policy.check_key(pvk.attributes, operation=f"{method} PIN verification", usages=usages, modes=modes,
                         algorithms={"T"})
        if method == "visa-pvv":
            if pvki is None:
                raise DataError("Visa PVV needs the PVKI", field="pvki")
            return PinVerification(method, pvk, pvki=pvki)
        table = decimalization_table or STANDARD_DECIMALIZATION_TABLE
        if check_decimalization_table(table) not in self._tables:
            raise KeyPolicyError(
                "decimalization table is not one this HSM approves (table attack mitigation); add it with "
                "Hsm(decimalization_tables=...)", code="unapproved_decimalization_table", field="decimalization_table",
            )
        if validation_data is None:
            raise DataError("IBM 3624 needs the validation data (16 hex digits)", field="validation_data")
        return PinVerification(method, pvk, validation_data, table, pin_check_length)

    def verify_pin(
        self,
        block: bytes | str,
        *,
        key: KeyHandle,
        format: int,
        pan: str | None,
        pvk: KeyHandle,
        method: str = "ibm3624",
        offset: str | None = None,
        pvv: str | None = None,
        pvki: str | None = None,
        validation_data: str | None = None,
        decimalization_table: str | None = None,
        pin_check_length: int | None = None,
        ksn: bytes | str | None = None,
        dukpt_key_type: str | None = None,
    ) -> None:
        """Verify the PIN inside an encrypted block against an IBM 3624 offset or a Visa PVV.

        The block is deciphered inside the operation (the PIN key: P0 mode B or D, or a BDK with ``ksn``),
        and the value compared in constant time; a mismatch raises :class:`VerificationError`. The PVK is
        a TDES key of usage V1 (IBM 3624) or V2 (Visa PVV), or V0, with mode C or V. IBM 3624 accepts only
        approved decimalisation tables (default: the standard 0123456789012345).
        """
        fmt = self._format(format, "format")
        side = self._decipher_side(key, fmt, ksn, dukpt_key_type)
        how = self._verification(pvk, method, validation_data, decimalization_table, pin_check_length, pvki,
                                 modes={"C", "V", "N"})
        value = offset if method == "ibm3624" else pvv
        if not isinstance(value, str) or not value.isascii() or not value.isdigit():
            raise DataError(f"{'offset' if method == 'ibm3624' else 'PVV'} must be decimal digits 0-9",
                            field="offset" if method == "ibm3624" else "pvv")
        self._pan(pan, fmt)
        raw = self._pin_block(block, fmt)
        self._gate("verify_pin")
        _opaque(lambda: self._backend.verify_pin(raw, side, pan, how, value))

    def pin_verification_value(
        self,
        block: bytes | str,
        *,
        key: KeyHandle,
        format: int,
        pan: str | None,
        pvk: KeyHandle,
        method: str = "ibm3624",
        pvki: str | None = None,
        validation_data: str | None = None,
        decimalization_table: str | None = None,
        pin_check_length: int | None = None,
        ksn: bytes | str | None = None,
    ) -> str:
        """The IBM 3624 offset or Visa PVV of the PIN inside an encrypted block (issuer PIN selection and
        change); the PVK needs mode C or G."""
        fmt = self._format(format, "format")
        side = self._decipher_side(key, fmt, ksn, None)
        how = self._verification(pvk, method, validation_data, decimalization_table, pin_check_length, pvki,
                                 modes={"C", "G", "N"})
        self._pan(pan, fmt)
        raw = self._pin_block(block, fmt)
        self._gate("pin_verification_value")
        return _opaque(lambda: self._backend.pin_verification_value(raw, side, pan, how))

    def generate_pin(
        self, *, length: int = 4, key: KeyHandle, format: int, pan: str | None, ksn: bytes | str | None = None
    ) -> bytes:
        """A random PIN, returned only as a PIN block enciphered under ``key`` (P0, mode B or E)."""
        fmt = self._format(format, "format")
        side = self._pin_side(key, fmt, self._ksn(ksn, "dst"), None, side="dst", modes={"B", "E", "N"})
        if isinstance(length, bool) or not isinstance(length, int) or not 4 <= length <= 12:
            raise DataError("PIN length must be 4 to 12", field="length")
        self._gate("generate_pin")
        return self._backend.generate_pin(length, side, pan)

    def _cvk(self, key: KeyHandle, modes: set[str]) -> KeyHandle:
        key = self._known(key)
        policy.check_key(key.attributes, operation="card verification value", usages={"C0"}, modes=modes,
                         algorithms={"T"})
        if key.length != 16:
            raise InvalidKeyError("a CVK is a 16-byte double-length key", field="key")
        return key

    def generate_cvv(self, key: KeyHandle, *, pan: str, expiry: str, service_code: str) -> str:
        """CVV / CVC (service code from the track), CVV2 (``000``) or iCVV (``999``) under a C0 key (mode C
        or G)."""
        cvk = self._cvk(key, {"C", "G", "N"})
        self._gate("card_verification_value")
        return self._backend.card_verification_value(cvk, pan, expiry, service_code)

    def verify_cvv(self, key: KeyHandle, value: str, *, pan: str, expiry: str, service_code: str) -> None:
        """Raise :class:`VerificationError` unless ``value`` is the card verification value (mode C or V)."""
        cvk = self._cvk(key, {"C", "V", "N"})
        self._gate("card_verification_value")
        expected = self._backend.card_verification_value(cvk, pan, expiry, service_code)
        if not isinstance(value, str) or not hmac.compare_digest(expected, value):
            raise VerificationError("card verification value did not verify", code="cvv_mismatch", field="cvv")
