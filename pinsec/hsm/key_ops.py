"""Key management on the :class:`~pinsec.Hsm`: generate, import (key blocks, LMK blocks, and in the
Authorised state clear keys and components), export, label, check values, destroy, DUKPT derivation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from .._hex import parse_hex
from ..backends import _dukpt
from ..backends.base import StoredKey
from ..errors import (
    DataError,
    InvalidKeyError,
    KeyPolicyError,
    PinsecError,
)
from ..keys import KeyAttributes, KeyHandle, check_label
from . import policy
from ._core import _HsmCore, _log
from .components import combine

_DEFAULT_LENGTH: Final = {"T": 16, "A": 16, "H": 32}
_LENGTHS: Final = {"T": (16, 24), "A": (16, 24, 32), "H": tuple(range(16, 65))}


class _KeyOps(_HsmCore):
    __slots__ = ()

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
        combined = combine(components, kcvs, attributes.algorithm.value)
        try:
            self._length(attributes, len(combined))
            label = self._free_label(label)
            self._gate("import_clear_key")
            stored = self._backend.import_clear_key(bytes(combined), attributes, admit=self._kcv_check(kcv))
        finally:
            combined[:] = bytes(len(combined))
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
        stored_block = self._backend_op("stored_block", lacks="keeps no LMK-wrapped key blocks", code="no_keystore",
                                        field="key")
        block: str = stored_block(key)
        return block

    def import_stored_key_block(self, key_block: str) -> KeyHandle:
        """Take a key that arrives as a key block under this HSM's LMK (as :meth:`stored_key_block` gives
        it): bulk workers and host commands carry keys this way. Needs an Hsm with an LMK."""
        if not isinstance(key_block, str):
            raise DataError("a key block is a str", field="key_block")
        adopt = self._backend_op("import_stored_block", lacks="has no LMK", code="no_keystore", field="key_block")
        handle = self._handle(adopt(key_block))
        _log.info("took key %s %s kcv=%s under the LMK", handle.id, handle.attributes.letters(), handle.kcv)
        return handle

    def kcv(self, key: KeyHandle) -> str:
        """The key check value, computed by the backend (legacy 3 bytes for TDES, AES-CMAC 5 bytes for AES)."""
        key = self._known(key)
        self._gate("kcv")
        return self._backend.kcv(key)

    def check_value(self, key: KeyHandle, *, method: str = "legacy", length: int | None = None) -> str:
        """A TDES or AES key's check value by ``method``: ``legacy`` (the key encrypting a zero block, ANSI
        X9.24; 3 bytes unless ``length`` says, up to the block) or ``cmac`` (CMAC of zeros, 5 bytes unless
        ``length`` says), or ``halves`` for a CVK pair only (a double-length TDES key of usage C0: the legacy
        value of CVK A and of CVK B, 3 bytes each unless ``length`` says, as payShield's AW and AU give them;
        no other key's halves are checked one by one). Host commands and the AWS endpoint give them; the
        software backend computes them."""
        key = self._known(key)
        if key.attributes.algorithm.value not in ("T", "A") or method not in ("legacy", "cmac", "halves"):
            raise DataError("check values here are legacy, cmac or halves, of TDES or AES keys", field="method")
        if method == "halves" and (key.attributes.usage.value != "C0" or key.attributes.algorithm.value != "T"
                                   or key.length != 16):
            raise DataError("check values of halves are given only for a CVK pair (C0, double-length TDES)",
                            code="no_kcv_method", field="method")
        compute = self._backend_op("check_value_of", lacks="gives only its own KCVs", code="no_kcv_method",
                                   field="method")
        self._gate("kcv")
        value: str = compute(key, method, length)
        return value

    def destroy(self, key: KeyHandle) -> None:
        """Remove a key from the backend (and from the key store); its material is wiped."""
        key = self._known(key)
        self._gate("destroy")
        self._backend.destroy(key)
        _log.info("destroyed key %s", key.id)


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

