"""The software backend: the embedded default, an HSM emulator built on pinsec's tier-1 functions.

Keys live in this process, in ``bytearray`` buffers wiped on destroy; with a :class:`~pinsec.keystore.KeyStore`
they also persist on disk as key blocks under the local master key. Nothing leaves the backend in clear
except through :meth:`export_clear_key`, which :class:`pinsec.Hsm` calls only in the Authorised state and
which refuses a key stored as non-exportable whatever the caller claims.

Every method that names a key reads the key's attributes from this backend's own record: a handle whose
attributes differ from the stored ones is refused (``handle_mismatch``), so attributes are a property of
the stored key, never of the caller's object. The backend refuses to be pickled.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, NoReturn

from .. import _crypto, emv, kcv, mac, pin, pinblock, tr31
from .._crypto import adjust_parity
from .._rsa import WrappingKey
from ..errors import (
    DataError,
    InvalidKeyError,
    KeyPolicyError,
    PinsecError,
    UnsupportedOperation,
    VerificationError,
)
from ..keys import KeyAttributes, KeyHandle
from ..keystore import KeyStore
from ..variant_lmk import VariantLmk
from . import _dukpt
from .base import OPERATIONS, Admit, Capability, MacAlgorithm, MacKey, PinKey, PinVerification, StoredKey
from .rsa_import import RsaImportSupport
from .variant import VariantLmkSupport

__all__ = ["SoftwareBackend", "adjust_parity", "check_not_degenerate", "check_value"]


def check_value(material: bytes, algorithm: str) -> str:
    """The check value shown on handles: legacy 3-byte KCV for TDES, 5-byte AES-CMAC KCV for AES (X9.24-1:2017),
    and for HMAC keys the CMAC-free legacy form is undefined, so the first 3 bytes of HMAC(key, zeros)."""
    if algorithm == "T":
        return kcv.legacy_kcv(material, algorithm="T")
    if algorithm == "A":
        return kcv.cmac_kcv(material)
    return _crypto.hmac_sha256(material, bytes(16))[:3].hex().upper()


def check_not_degenerate(material: bytes, algorithm: str) -> None:
    """Refuse a TDES key that is single DES in disguise: equal halves (K1 = K2, or K2 = K3 for three
    keys), compared without the parity bits.

    >>> check_not_degenerate(bytes.fromhex("0123456789ABCDEF0123456789ABCDEE"), "T")
    Traceback (most recent call last):
    ...
    pinsec.errors.InvalidKeyError: a TDES key with equal halves is single DES in disguise
    """
    if algorithm != "T":
        return
    parts = [bytes(b & 0xFE for b in material[i:i + 8]) for i in range(0, len(material), 8)]
    if len(parts) >= 2 and (parts[0] == parts[1] or parts[-1] == parts[-2]):
        raise InvalidKeyError("a TDES key with equal halves is single DES in disguise", code="weak_key",
                              field="key")


def _padding(method: int) -> mac.Padding:
    if method not in (1, 2, 3):
        raise DataError("padding must be ISO 9797-1 method 1, 2 or 3", field="padding")
    return method  # type: ignore[return-value]


@dataclass
class _Entry:
    material: bytearray
    stored: StoredKey

    def __repr__(self) -> str:
        return f"_Entry({self.stored!r})"


class SoftwareBackend(VariantLmkSupport, RsaImportSupport):
    """An in-process HSM emulator; thread-safe; optionally persistent through a :class:`KeyStore`.

    With ``variant_lmk`` it also takes and gives keys and PINs under a payShield variant LMK
    (:mod:`pinsec.backends.variant`), and with ``old_variant_lmk`` (a payShield's key change storage) takes
    them under the LMK being replaced, to give them back under the new one (neither may be the public test
    set); it takes keys wrapped under RSA wrapping keys it makes (:mod:`pinsec.backends.rsa_import`). The
    published test LMK set is public, so it cannot share a backend with a key store: a test-mode HSM holds
    nothing secret.
    """

    name = "software"

    def __init__(self, store: KeyStore | None = None, *, variant_lmk: VariantLmk | None = None,
                 old_variant_lmk: VariantLmk | None = None) -> None:
        if variant_lmk is not None and not isinstance(variant_lmk, VariantLmk):
            raise DataError("variant_lmk must be a VariantLmk", field="variant_lmk")
        if old_variant_lmk is not None and (not isinstance(old_variant_lmk, VariantLmk) or variant_lmk is None):
            raise DataError("old_variant_lmk is a VariantLmk, beside a variant_lmk to migrate to",
                            field="old_variant_lmk")
        if old_variant_lmk is not None and (old_variant_lmk.is_test or variant_lmk.is_test):  # type: ignore[union-attr]
            # from the public set, a "cryptogram" is a clear key or PIN the caller chose; into it, a secret
            # key or PIN would come out as good as clear
            raise KeyPolicyError("the public test LMK takes no part in a migration: anything under it is as good "
                                 "as clear", code="test_lmk_migration", field="old_variant_lmk")
        if variant_lmk is not None and variant_lmk.is_test and store is not None:
            raise KeyPolicyError("the payShield test LMK is public: it cannot share an HSM with a key store "
                                 "(load a secret variant LMK instead)", code="test_lmk_with_keystore",
                                 field="variant_lmk")
        self._lock = threading.RLock()
        self._store = store
        self._keys: dict[str, _Entry] = {}
        self._variant_lmk = variant_lmk
        self._old_variant_lmk = old_variant_lmk
        self._variant_ids: set[str] = set()
        self._wrapping_keys: dict[str, WrappingKey] = {}
        self._reload()

    def _reload(self) -> None:
        """(Re)read the key store: keys other processes added appear, keys they destroyed go."""
        if self._store is None:
            return
        with self._lock:
            loaded = self._store.load()
            labels = self._store.labels()
            for key_id in [k for k in self._keys if k not in loaded and k not in self._variant_ids]:
                _crypto.wipe(self._keys.pop(key_id).material)
            for key_id, (attributes, material) in loaded.items():
                if key_id not in self._keys:
                    self._keys[key_id] = self._entry(key_id, material, attributes)
                entry = self._keys[key_id]
                if entry.stored.label != labels.get(key_id):
                    entry.stored = replace(entry.stored, label=labels.get(key_id))

    def __repr__(self) -> str:
        return f"SoftwareBackend(keys={len(self._keys)}, persistent={self._store is not None})"

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError("an HSM backend holds keys and cannot be pickled")

    # ------------------------------------------------------------------------------------------ keys

    def capabilities(self) -> Mapping[str, Capability]:
        caps = {op: Capability(True, "inside the pinsec process") for op in OPERATIONS}
        caps["export_clear_key"] = Capability(False, "returns the clear key to the caller")
        return caps

    def list_keys(self) -> list[StoredKey]:
        self._reload()
        with self._lock:
            return [e.stored for e in self._keys.values()]

    def _lookup(self, key_id: str) -> _Entry:
        with self._lock:
            entry = self._keys.get(key_id)
            if entry is None and self._store is not None and self._store.path is not None:
                self._reload()
                entry = self._keys.get(key_id)
        if entry is None:
            raise InvalidKeyError("no such key in this HSM", code="unknown_key", field="key")
        return entry

    def stored_key(self, key_id: str) -> StoredKey:
        return self._lookup(key_id).stored

    def label_key(self, key_id: str, label: str | None) -> StoredKey:
        with self._lock:
            entry = self._lookup(key_id)
            if self._store is not None:
                self._store.label(key_id, label)
            elif label is not None and any(e.stored.label == label or k == label for k, e in self._keys.items()
                                           if k != key_id):
                raise DataError("another key already has that label (or id)", code="label_taken", field="label")
            entry.stored = replace(entry.stored, label=label)
            return entry.stored

    @staticmethod
    def _entry(key_id: str, material: bytes, attributes: KeyAttributes) -> _Entry:
        alg = attributes.algorithm.value
        if alg == "T":
            _crypto.check_tdes_key(material)
        elif alg == "A":
            _crypto.check_aes_key(material)
        elif alg == "H":
            if not 16 <= len(material) <= 64:
                raise InvalidKeyError(f"HMAC key is {len(material)} bytes, expected 16 to 64", field="key")
        else:
            raise InvalidKeyError(f"the software HSM holds T, A and H keys, not algorithm {alg}", field="algorithm")
        check_not_degenerate(material, alg)
        stored = StoredKey(key_id, attributes, len(material), check_value(material, alg))
        return _Entry(bytearray(material), stored)

    def _add(self, material: bytes, attributes: KeyAttributes, admit: Admit | None, key_id: str | None = None,
             block: str | None = None, *, persist: bool = True) -> StoredKey:
        """Keep a key: its record is built, admitted by the Hsm's check, stored, and only then usable
        (``persist=False``: in memory only, whatever the key store)."""
        entry = self._entry(key_id or secrets.token_hex(8), material, attributes)
        if admit is not None:
            admit(entry.stored)
        with self._lock:
            if self._store is not None and persist:
                if block is None:
                    self._store.add(entry.stored.id, attributes, material)
                else:
                    self._store.adopt(entry.stored.id, block)
            self._keys[entry.stored.id] = entry
        return entry.stored

    def _record(self, key: KeyHandle) -> _Entry:
        """The stored entry of ``key``, refused if the handle's attributes are not the stored ones."""
        entry = self._lookup(key.id)
        s = entry.stored
        if (key.attributes, key.length, key.kcv) != (s.attributes, s.length, s.kcv):
            raise KeyPolicyError("the handle does not match the key stored under its id", code="handle_mismatch",
                                 field="key")
        return entry

    def _material(self, key: KeyHandle) -> bytes:
        return bytes(self._record(key).material)

    def generate_key(self, attributes: KeyAttributes, length: int, *, admit: Admit | None = None) -> StoredKey:
        material = secrets.token_bytes(length)
        if attributes.algorithm.value == "T":
            material = adjust_parity(material)
        return self._add(material, attributes, admit)

    def import_clear_key(self, material: bytes, attributes: KeyAttributes, *, admit: Admit | None = None
                         ) -> StoredKey:
        return self._add(material, attributes, admit)

    def import_key_block(self, block: str, kbpk: KeyHandle, *, lenient: bool, admit: Admit | None = None
                         ) -> StoredKey:
        header, key = tr31.unwrap(self._material(kbpk), block, lenient=lenient)
        attributes = KeyAttributes(header.key_usage, header.algorithm, header.mode_of_use, header.key_version,
                                   header.exportability)
        return self._add(key, attributes, admit)

    def import_stored_block(self, block: str, *, admit: Admit | None = None) -> StoredKey:
        """A key that arrives wrapped under this backend's LMK (bulk workers, host commands)."""
        if self._store is None:
            raise UnsupportedOperation("this software HSM has no LMK", code="no_keystore", field="keystore")
        attributes, material = self._store.unwrap(block)
        return self._add(material, attributes, admit, block=block)

    def export_key_block(self, key: KeyHandle, kbpk: KeyHandle, *, version: str) -> str:
        entry = self._record(key)
        if entry.stored.attributes.exportability.value == "N":
            raise KeyPolicyError("key is stored as non-exportable (N)", code="not_exportable", field="exportability")
        header = f"{version}0000{entry.stored.attributes.letters()}0000"
        return tr31.wrap(self._material(kbpk), bytes(entry.material), header)

    def _clear_material(self, key_id: str) -> bytes:
        """The clear key by id: for a hybrid backend (PKCS#11) that mirrors this one into its device."""
        return bytes(self._lookup(key_id).material)

    def stored_block(self, key: KeyHandle) -> str:
        """The key as the key store holds it: a key block under the LMK (for workers sharing the LMK)."""
        if self._store is None:
            raise UnsupportedOperation("this software HSM has no key store, so no LMK-wrapped form of its keys",
                                       code="no_keystore", field="keystore")
        self._record(key)
        return self._store.block(key.id)

    def export_clear_key(self, key: KeyHandle) -> bytes:
        entry = self._record(key)
        if entry.stored.attributes.exportability.value == "N":
            raise KeyPolicyError("key is stored as non-exportable (N)", code="not_exportable", field="exportability")
        return bytes(entry.material)

    def kcv(self, key: KeyHandle) -> str:
        return check_value(self._material(key), key.attributes.algorithm.value)

    def check_value_of(self, key: KeyHandle, method: str, length: int | None) -> str:
        """A TDES or AES key's check value by ``method`` (legacy: the key encrypting zeros; cmac)."""
        return kcv.kcv(self._material(key), algorithm=key.attributes.algorithm.value, method=method,  # type: ignore[arg-type]
                       length=length)

    def destroy(self, key: KeyHandle) -> None:
        with self._lock:
            self._record(key)
            if self._store is not None and key.id not in self._variant_ids:
                self._store.remove(key.id)
            self._variant_ids.discard(key.id)
            entry = self._keys.pop(key.id)
            _crypto.wipe(entry.material)

    # ------------------------------------------------------------------------------------------ PINs

    def _pin_key(self, side: PinKey) -> bytes:
        material = self._material(side.key)
        if side.ksn is None:
            return material
        return _dukpt.working_key(material, side.key.attributes.algorithm.value, side.ksn, "pin",
                                  side.dukpt_key_type)

    def encrypt_pin(self, pin: bytearray, pan: str | None, dst: PinKey) -> bytes:
        return pinblock.encipher_digits(self._pin_key(dst), pin, dst.pan_in_block(pan), format=dst.format)

    def translate_pin(self, block: bytes, src: PinKey, dst: PinKey, pan: str | None) -> bytes:
        return self.translate_pin_counted(block, src, dst, pan)[0]

    def translate_pin_counted(self, block: bytes, src: PinKey, dst: PinKey, pan: str | None) -> tuple[bytes, int]:
        """:meth:`translate_pin`, also giving the PIN length (host commands return it)."""
        digits = pinblock.decipher_digits(self._pin_key(src), block, src.pan_in_block(pan), format=src.format)
        try:
            out = pinblock.encipher_digits(self._pin_key(dst), digits, dst.pan_in_block(pan), format=dst.format)
            return out, len(digits)
        finally:
            _crypto.wipe(digits)

    def translate_pin_batch(
        self, items: list[tuple[bytes, str | None, bytes | None]], src: PinKey, dst: PinKey
    ) -> list[bytes | PinsecError]:
        """Translate many (block, PAN, source KSN) items; DUKPT source keys are derived in one batch, so
        a device's IPEK and intermediate keys are computed once per call. Errors come back per item."""
        results: list[bytes | PinsecError] = []
        src_keys: list[bytes | None] = [None] * len(items)
        if src.key.attributes.usage.value == "B0":
            material = self._material(src.key)
            alg = src.key.attributes.algorithm.value
            good = []
            for i, (_, _, ksn) in enumerate(items):
                try:
                    _dukpt.working_key_check(alg, ksn)
                    good.append(i)
                except PinsecError:
                    pass
            batch = _dukpt.working_keys(material, alg, [items[i][2] or b"" for i in good], "pin",
                                        src.dukpt_key_type)
            for i, key in zip(good, batch, strict=True):
                src_keys[i] = key
        for i, (block, pan, ksn) in enumerate(items):
            try:
                derived = src_keys[i]
                key = derived if derived is not None else self._pin_key(
                    PinKey(src.key, src.format, ksn, src.dukpt_key_type))
                digits = pinblock.decipher_digits(key, block, src.pan_in_block(pan), format=src.format)
                try:
                    results.append(pinblock.encipher_digits(self._pin_key(dst), digits, dst.pan_in_block(pan),
                                                            format=dst.format))
                finally:
                    _crypto.wipe(digits)
            except PinsecError as exc:
                results.append(exc)
        return results

    def check_pin(self, block: bytes, src: PinKey, pan: str | None, pin: bytearray) -> None:
        digits = pinblock.decipher_digits(self._pin_key(src), block, src.pan_in_block(pan), format=src.format)
        try:
            if not hmac.compare_digest(digits, pin):
                raise VerificationError("PIN did not verify", code="pin_mismatch", field="pin")
        finally:
            _crypto.wipe(digits)

    def derive_dukpt_key(
        self, bdk: KeyHandle, ksn: bytes, *, purpose: str, key_type: str | None, attributes: KeyAttributes,
        admit: Admit | None = None,
    ) -> StoredKey:
        material = self._material(bdk)
        return self._add(_dukpt.working_key(material, bdk.attributes.algorithm.value, ksn, purpose, key_type),
                         attributes, admit)

    def _value(self, digits: bytearray, how: PinVerification, pan: str | None) -> str:
        pvk = self._material(how.pvk)
        clear = digits.decode("ascii")  # a str cannot be wiped: it lives only for this call
        if how.method == "ibm3624":
            return pin.ibm3624_offset(pvk, clear, how.validation_data, how.decimalization_table,
                                      pin_check_length=how.pin_check_length)
        return pin.visa_pvv(pvk, pan or "", how.pvki, clear)

    def pin_verification_value(self, block: bytes, src: PinKey, pan: str | None, how: PinVerification) -> str:
        digits = pinblock.decipher_digits(self._pin_key(src), block, src.pan_in_block(pan), format=src.format)
        try:
            return self._value(digits, how, pan)
        finally:
            _crypto.wipe(digits)

    def verify_pin(self, block: bytes, src: PinKey, pan: str | None, how: PinVerification, value: str) -> None:
        expected = self.pin_verification_value(block, src, pan, how)
        n = len(expected)
        if len(value) < n or not hmac.compare_digest(expected, value[:n]):
            raise VerificationError("PIN did not verify", code="pin_mismatch", field="pin")

    def _offset_digits(self, offset: str, how: PinVerification) -> bytearray:
        """The ASCII digits of the PIN an IBM 3624 offset stands for (the caller wipes them)."""
        clear = pin.ibm3624_pin_from_offset(self._material(how.pvk), offset, how.validation_data,
                                            how.decimalization_table)
        return bytearray(clear.encode("ascii"))  # the str lives only for this call

    def pin_block_from_offset(self, offset: str, how: PinVerification, dst: PinKey, pan: str | None) -> bytes:
        """The PIN an IBM 3624 offset stands for (the natural PIN with offset zeros), as a PIN block."""
        digits = self._offset_digits(offset, how)
        try:
            return pinblock.encipher_digits(self._pin_key(dst), digits, dst.pan_in_block(pan), format=dst.format)
        finally:
            _crypto.wipe(digits)

    def generate_pin(self, length: int, dst: PinKey, pan: str | None) -> bytes:
        digits = pin.generate_pin(length)
        try:
            return pinblock.encipher_digits(self._pin_key(dst), digits, dst.pan_in_block(pan), format=dst.format)
        finally:
            _crypto.wipe(digits)

    def card_verification_value(self, key: KeyHandle, pan: str, expiry: str, service_code: str) -> str:
        return pin.cvv(self._material(key), pan, expiry, service_code)

    def _emv_key(self, key: KeyHandle, pan_block: bytes, session: bytes | None) -> bytes:
        card_key = emv.derive_icc_master_key(self._material(key), pan_block)
        return card_key if session is None else emv.derive_session_key(card_key, session)

    def emv_cryptogram(self, key: KeyHandle, pan_block: bytes, session: bytes | None, data: bytes) -> bytes:
        return emv.application_cryptogram(self._emv_key(key, pan_block, session), data)

    def emv_arpc(self, key: KeyHandle, pan_block: bytes, session: bytes | None, arqc: bytes, arc: bytes) -> bytes:
        return emv.arpc_method_1(self._emv_key(key, pan_block, session), arqc, arc)

    # ------------------------------------------------------------------------------------------ data

    def crypt_data(self, key: KeyHandle, data: bytes, *, decrypt: bool, mode: str, iv: bytes, ksn: bytes | None,
                   purpose: str, dukpt_key_type: str | None) -> bytes:
        """Whole blocks under a data key or a DUKPT data key (the Hsm checked usage, mode and lengths)."""
        material = self._material(key)
        algorithm = key.attributes.algorithm.value
        if ksn is not None:
            material = _dukpt.working_key(material, algorithm, ksn, purpose, dukpt_key_type)
            algorithm = _dukpt.working_key_algorithm(algorithm, dukpt_key_type)
        if algorithm == "T":
            if mode == "ECB":
                ecb = _crypto.tdes_ecb(material)
                return ecb.decrypt(data) if decrypt else ecb.encrypt(data)
            return (_crypto.tdes_cbc_decrypt if decrypt else _crypto.tdes_cbc_encrypt)(material, iv, data)
        if mode == "ECB":
            return (_crypto.aes_ecb_decrypt if decrypt else _crypto.aes_ecb_encrypt)(material, data)
        return (_crypto.aes_cbc_decrypt if decrypt else _crypto.aes_cbc_encrypt)(material, iv, data)

    # ------------------------------------------------------------------------------------------ MACs

    def _mac_key(self, key: MacKey) -> bytes:
        material = self._material(key.key)
        if key.ksn is None:
            return material
        return _dukpt.working_key(material, key.key.attributes.algorithm.value, key.ksn, f"mac_{key.direction}",
                                  key.dukpt_key_type)

    def generate_mac(self, key: MacKey, data: bytes, length: int | None) -> bytes:
        material = self._mac_key(key)
        algorithm = key.algorithm
        if algorithm is MacAlgorithm.ISO9797_1_ALG1:
            return mac.cbc_mac(material, data, padding=_padding(key.padding), length=length or 8)
        if algorithm is MacAlgorithm.ISO9797_1_ALG3:
            return mac.retail_mac(material, data, padding=_padding(key.padding), length=length or 8)
        if algorithm is MacAlgorithm.CMAC:
            tdes_key = _dukpt.working_key_algorithm(key.key.attributes.algorithm.value, key.dukpt_key_type) == "T"
            return mac.cmac(material, data, algorithm="tdes" if tdes_key else "aes", length=length)
        if algorithm is MacAlgorithm.HMAC_SHA256:
            return mac.hmac_sha256(material, data, length=length)
        raise DataError(f"MAC algorithm {algorithm} is not supported", field="algorithm")

    def verify_mac(self, key: MacKey, data: bytes, mac_value: bytes) -> None:
        mac.verify(self.generate_mac(key, data, len(mac_value)), mac_value)
