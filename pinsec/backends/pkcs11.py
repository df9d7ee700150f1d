"""The PKCS#11 backend: pinsec's HSM over a real token (SoftHSMv2 in the tests, a payment HSM in production).

What standard PKCS#11 can do stays in the token: keys are created with complete, minimal templates
(BDKs and intermediate DUKPT keys derive-only; working keys single-purpose; all sensitive and
non-extractable), AES DUKPT runs entirely inside with ``CKM_AES_ECB_ENCRYPT_DATA``, CMAC / HMAC / ISO
9797-1 algorithm 1 MACs are computed by the token, and check values are computed by encrypting zeros or
by CMAC in the token (``CKA_CHECK_VALUE`` is never trusted: SoftHSM gets it wrong on derived keys).

What standard PKCS#11 cannot do inside a token (TDES DUKPT steps, TR-31 import and export, PIN block
translation and verification, retail MACs, CVVs) runs in a *hybrid* mode: with ``hybrid=True`` (the
default) the backend keeps a host copy of the keys that entered through the host and runs those
operations on it. :meth:`capabilities` reports each such operation as exposing clear material, and
``Hsm(require_in_device=True)`` refuses them. A device's own mechanisms (e.g. vendor DUKPT or PIN
translation mechanisms) can be registered by number in ``vendor_mechanisms`` for integrations to use.

python-pkcs11 releases the GIL and SoftHSM then runs without its own locks, so every call into the
module goes through one process-wide lock. Device errors become pinsec errors in one place
(:func:`_device`), with the device's exception on ``__cause__``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Final, NoReturn

from ..dukpt import aes as aes_dukpt
from ..errors import (
    BackendError,
    DataError,
    InvalidKeyError,
    KeyPolicyError,
    PinsecError,
    UnsupportedOperation,
    VerificationError,
)
from ..keys import KeyAttributes, KeyHandle
from . import _dukpt
from .base import OPERATIONS, Admit, Capability, MacAlgorithm, MacKey, PinKey, PinVerification, StoredKey
from .software import SoftwareBackend

__all__ = ["Pkcs11Backend"]

#: One lock for every PKCS#11 call in the process (SoftHSM without its own locking segfaults otherwise).
_LOCK: Final = threading.RLock()
#: Open, logged-in sessions by (module, token label), with a digest of the PIN that logged in: a token
#: accepts one login per process, so a later backend with another PIN is refused here, not let in.
_SESSIONS: dict[tuple[str, str], tuple[Any, bytes]] = {}
#: CKA_LABEL of a pinsec key on a token: ``pinsec:`` + the TR-31 attribute letters (usage, algorithm, mode,
#: version, exportability: 7 characters). CKA_ID is the key id. Key labels live in one token data object
#: (CKO_DATA, application ``pinsec``, label ``pinsec:labels``) as JSON {id: label}: key objects are not
#: modifiable, so that no session can widen a key's capabilities.
LABEL_PREFIX: Final = "pinsec:"
LABELS_OBJECT: Final = "pinsec:labels"

_HYBRID: Final = (
    "import_key_block", "export_key_block", "export_clear_key", "encrypt_pin", "translate_pin",
    "translate_pin_dukpt", "check_pin", "pin_verification_value", "verify_pin", "generate_pin",
    "card_verification_value", "emv_cryptogram", "derive_dukpt_key:T", "generate_mac:iso9797-1-alg3",
    "verify_mac:iso9797-1-alg3", "generate_mac:dukpt-T", "verify_mac:dukpt-T", "derive_dukpt_key:A-TDES",
)


def _pkcs11() -> Any:
    try:
        import pkcs11
    except ImportError as exc:  # pragma: no cover - the extra is installed in the test environment
        raise UnsupportedOperation("the PKCS#11 backend needs python-pkcs11: pip install 'pinsec[pkcs11]'",
                                   code="pkcs11_missing") from exc
    return pkcs11


@contextmanager
def _device(what: str) -> Iterator[None]:
    """Serialise the call and map device errors to pinsec errors (the one place that does)."""
    pkcs11 = _pkcs11()
    with _LOCK:
        try:
            yield
        except pkcs11.exceptions.PinIncorrect as exc:
            raise KeyPolicyError("the token refused the user PIN", code="pin_incorrect", field="pin") from exc
        except pkcs11.exceptions.PKCS11Error as exc:
            name = type(exc).__name__
            if name == "PKCS11Error" and "loading" in str(exc):  # the module file itself
                raise BackendError(f"cannot load the PKCS#11 module: {str(exc).split(': ', 2)[-1]}",
                                   code="module_unavailable", field="module") from exc
            if name in ("KeyFunctionNotPermitted", "KeyTypeInconsistent", "AttributeSensitive"):
                raise KeyPolicyError(f"the device refused {what}: {name}", code="device_policy",
                                     field="key") from exc
            if name in ("MechanismInvalid", "FunctionNotSupported", "MechanismParamInvalid"):
                raise UnsupportedOperation(f"the device cannot do {what}: {name}", code="device_unsupported",
                                           field=what) from exc
            raise BackendError(f"PKCS#11 device error during {what}: {name}", code="device_error",
                               field=what) from exc


def _dbl(block: bytes) -> bytes:
    """Doubling in GF(2^128) (the CMAC subkey step of NIST SP 800-38B)."""
    n = int.from_bytes(block, "big") << 1
    if n >> 128:
        n = (n & ((1 << 128) - 1)) ^ 0x87
    return n.to_bytes(16, "big")


class Pkcs11Backend:
    """An :class:`~pinsec.Hsm` backend over a PKCS#11 token, found by module path and token label."""

    name = "pkcs11"

    def __init__(
        self,
        module: str,
        token_label: str,
        pin: str,
        *,
        hybrid: bool = True,
        persistent: bool = True,
        vendor_mechanisms: Mapping[str, int] | None = None,
    ) -> None:
        pkcs11 = _pkcs11()
        self._p = pkcs11
        key = (os.path.abspath(module), token_label)
        digest = hashlib.sha256(b"pinsec pkcs11 pin" + str(pin).encode()).digest()
        with _device("opening the token"):
            cached = _SESSIONS.get(key)
            if cached is None:
                try:
                    token = pkcs11.lib(module).get_token(token_label=token_label)
                except pkcs11.exceptions.NoSuchToken as exc:
                    raise BackendError(f"no token labelled {token_label!r} in the PKCS#11 module",
                                       code="no_such_token", field="token_label") from exc
                cached = _SESSIONS[key] = (token.open(user_pin=pin, rw=True), digest)
            elif not hmac.compare_digest(cached[1], digest):
                raise KeyPolicyError("the token refused the user PIN (it is logged in with another)",
                                     code="pin_incorrect", field="pin")
        self._session = cached[0]
        self._persistent = persistent
        self._objects: dict[str, Any] = {}
        self._stored: dict[str, StoredKey] = {}
        self._shadow = SoftwareBackend() if hybrid else None
        #: Vendor mechanisms by name, for integrations that know their device (e.g. a DUKPT mechanism).
        self.vendor_mechanisms: dict[str, int] = dict(vendor_mechanisms or {})
        if persistent:
            self._load_token_keys()

    def __repr__(self) -> str:
        return f"Pkcs11Backend(keys={len(self._stored)}, hybrid={self._shadow is not None})"

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError("an HSM backend holds keys and cannot be pickled")

    def close(self) -> None:
        """Forget this backend's keys; session keys (``persistent=False``) are destroyed in the token, token
        keys stay for the next process (``destroy`` removes one for good)."""
        with _device("destroying keys"):
            for obj in self._objects.values():
                if not obj[self._p.Attribute.TOKEN]:
                    obj.destroy()
        self._objects.clear()
        self._stored.clear()

    def _load_token_keys(self) -> None:
        """Find the keys an earlier process left on the token (their attributes are in CKA_LABEL). Keys found
        so work inside the device; hybrid operations need a host copy, which does not outlive its process."""
        a, o = self._p.Attribute, self._p.ObjectClass
        with _device("listing the token's keys"):
            objects = list(self._session.get_objects({a.CLASS: o.SECRET_KEY, a.TOKEN: True}))
        labels = self._token_labels()
        for obj in objects:
            with _device("reading a key's attributes"):
                text, raw_id, key_type = str(obj[a.LABEL]), bytes(obj[a.ID]), obj[a.KEY_TYPE]
                size = None if key_type in (self._p.KeyType.DES2, self._p.KeyType.DES3) else int(obj[a.VALUE_LEN])
            if not text.startswith(LABEL_PREFIX) or len(text) < len(LABEL_PREFIX) + 7:
                continue
            letters = text[len(LABEL_PREFIX):]
            try:
                attributes = KeyAttributes(letters[:2], letters[2], letters[3], letters[4:6], letters[6])
            except PinsecError:
                continue  # not a key pinsec wrote
            length = size if size is not None else (16 if key_type == self._p.KeyType.DES2 else 24)
            key_id = raw_id.decode("ascii", errors="replace")
            stored = StoredKey(key_id, attributes, length, self._token_kcv(obj, attributes) or "", labels.get(key_id))
            self._objects[key_id], self._stored[key_id] = obj, stored

    def _labels_object(self) -> Any:
        a, o = self._p.Attribute, self._p.ObjectClass
        with _device("reading key labels"):
            found = list(self._session.get_objects({a.CLASS: o.DATA, a.TOKEN: True, a.LABEL: LABELS_OBJECT}))
        return found[0] if found else None

    def _token_labels(self) -> dict[str, str]:
        obj = self._labels_object()
        if obj is None:
            return {}
        with _device("reading key labels"):
            raw = bytes(obj[self._p.Attribute.VALUE])
        try:
            labels = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return {}
        return {k: v for k, v in labels.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(
            labels, dict) else {}

    # ------------------------------------------------------------------------------------ capabilities

    def capabilities(self) -> Mapping[str, Capability]:
        caps = {op: Capability(True, "inside the PKCS#11 token") for op in OPERATIONS}
        host = "hybrid: standard PKCS#11 cannot do this inside a token, the host sees clear material"
        for op in _HYBRID:
            caps[op] = Capability(False, host if self._shadow is not None else "not available (hybrid=False)")
        caps["generate_mac"] = caps["verify_mac"] = Capability(
            False, "in the token for CMAC, HMAC, ISO 9797-1 alg 1 and AES DUKPT; hybrid for retail MACs and TDES DUKPT")
        caps["derive_dukpt_key"] = Capability(False, "in the token for AES DUKPT AES keys; hybrid otherwise")
        inside = Capability(True, "inside the PKCS#11 token")
        for op in ("generate_mac", "verify_mac"):
            for variant in ("cmac", "hmac-sha256", "iso9797-1-alg1", "dukpt-A"):
                caps[f"{op}:{variant}"] = inside
        caps["derive_dukpt_key:A"] = inside
        if self._shadow is not None:
            caps["generate_key"] = Capability(False, "hybrid: generated on the host so hybrid operations can use it")
        return caps

    def _host(self, what: str) -> SoftwareBackend:
        if self._shadow is None:
            raise UnsupportedOperation(f"{what} needs clear key material on the host; this backend has "
                                       "hybrid=False", code="not_in_device", field=what)
        return self._shadow

    # ------------------------------------------------------------------------------------------ keys

    def list_keys(self) -> list[StoredKey]:
        return list(self._stored.values())

    def stored_key(self, key_id: str) -> StoredKey:
        stored = self._stored.get(key_id)
        if stored is None:
            raise InvalidKeyError("no such key in this HSM (destroyed, or from another HSM)", code="unknown_key",
                                  field="key")
        return stored

    def label_key(self, key_id: str, label: str | None) -> StoredKey:
        with _LOCK:
            stored = self.stored_key(key_id)
            if label is not None and any(s.label == label or k == label for k, s in self._stored.items()
                                         if k != key_id):
                raise DataError("another key already has that label (or id)", code="label_taken", field="label")
            if self._objects[key_id][self._p.Attribute.TOKEN]:
                self._save_label(key_id, label)
            self._stored[key_id] = stored = replace(stored, label=label)
            return stored

    def _save_label(self, key_id: str, label: str | None) -> None:
        labels = self._token_labels()
        labels.pop(key_id, None)
        if label is not None:
            labels[key_id] = label
        a, o = self._p.Attribute, self._p.ObjectClass
        old = self._labels_object()
        with _device("writing key labels"):  # a new object replaces the old one (tokens may fix CKA_VALUE)
            self._session.create_object({a.CLASS: o.DATA, a.TOKEN: True, a.PRIVATE: True, a.APPLICATION: "pinsec",
                                         a.LABEL: LABELS_OBJECT, a.VALUE: json.dumps(labels, sort_keys=True).encode()})
            if old is not None:
                old.destroy()

    def _object(self, key: KeyHandle) -> Any:
        s = self.stored_key(key.id)
        if (key.attributes, key.length, key.kcv) != (s.attributes, s.length, s.kcv):
            raise KeyPolicyError("the handle does not match the key stored under its id", code="handle_mismatch",
                                 field="key")
        return self._objects[key.id]

    def _keep(self, obj: Any, stored: StoredKey, admit: Admit | None) -> StoredKey:
        """Admit a key made in the token (the Hsm's check); a refused one is destroyed at once."""
        if admit is not None:
            try:
                admit(stored)
            except BaseException:
                with _device("destroying a refused key"):
                    obj.destroy()
                raise
        self._objects[stored.id] = obj
        self._stored[stored.id] = stored
        return stored

    def _template(self, attributes: KeyAttributes, key_id: str, *, extractable: bool = False) -> dict[Any, Any]:
        """Complete and minimal: every capability named, only the usage's granted. A token object with
        ``persistent=True``, its TR-31 attributes in CKA_LABEL."""
        a = self._p.Attribute
        usage, mode = attributes.usage.value, attributes.mode_of_use.value
        derive = usage[0] == "B" or usage in ("E0", "E1", "E2", "E3", "E4", "E5", "E6", "E7")
        mac = usage[0] == "M"
        cmac = usage in ("M6", "M7")
        encrypt = not derive and not cmac and (mode in "BEN" or mac or usage[0] in "VCI")
        decrypt = not derive and not mac and mode in "BDN"
        return {
            a.TOKEN: self._persistent and not extractable, a.PRIVATE: True, a.SENSITIVE: not extractable,
            a.EXTRACTABLE: extractable, a.MODIFIABLE: False,
            a.ID: key_id.encode("ascii"), a.LABEL: f"{LABEL_PREFIX}{attributes.letters()}",
            a.DERIVE: derive, a.ENCRYPT: encrypt, a.DECRYPT: decrypt,
            a.SIGN: cmac and mode in "CGN", a.VERIFY: cmac and mode in "CVN", a.WRAP: False, a.UNWRAP: False,
        }

    def _key_type(self, attributes: KeyAttributes, length: int) -> Any:
        kt = self._p.KeyType
        alg = attributes.algorithm.value
        if alg == "A":
            return kt.AES
        if alg == "H":
            return kt.GENERIC_SECRET
        if alg == "T":
            return kt.DES2 if length == 16 else kt.DES3
        raise InvalidKeyError(f"the PKCS#11 backend holds T, A and H keys, not algorithm {alg}", field="algorithm")

    def _token_kcv(self, obj: Any, attributes: KeyAttributes) -> str | None:
        """The check value computed by the token (legacy TDES, AES-CMAC, HMAC of zeros), or None."""
        a, m = self._p.Attribute, self._p.Mechanism
        alg = attributes.algorithm.value
        with _device("computing a check value"):
            if alg == "H" and obj[a.SIGN]:
                return bytes(obj.sign(bytes(16), mechanism=m.SHA256_HMAC))[:3].hex().upper()
            if alg == "A" and obj[a.SIGN]:
                return bytes(obj.sign(bytes(16), mechanism=m.AES_CMAC))[:5].hex().upper()
            if alg == "A" and obj[a.ENCRYPT]:
                k1 = _dbl(bytes(obj.encrypt(bytes(16), mechanism=m.AES_ECB)))
                return bytes(obj.encrypt(k1, mechanism=m.AES_ECB))[:5].hex().upper()
            if alg == "T" and obj[a.ENCRYPT]:
                return bytes(obj.encrypt(bytes(8), mechanism=m.DES3_ECB))[:3].hex().upper()
            if alg == "A" and obj[a.DERIVE]:
                return self._derive_kcv(obj)
        return None

    def _derive_kcv(self, obj: Any) -> str:
        """AES-CMAC KCV of a derive-only key: E(K, 0) and E(K, K1) through extractable derived copies."""
        a, m, kt = self._p.Attribute, self._p.Mechanism, self._p.KeyType
        tmpl = {a.TOKEN: False, a.SENSITIVE: False, a.EXTRACTABLE: True}

        def encrypt(block: bytes) -> bytes:
            tmp = obj.derive_key(kt.GENERIC_SECRET, 128, mechanism=m.AES_ECB_ENCRYPT_DATA, mechanism_param=block,
                                 template=tmpl)
            try:
                return bytes(tmp[a.VALUE])
            finally:
                tmp.destroy()

        return encrypt(_dbl(encrypt(bytes(16))))[:5].hex().upper()

    def _create(self, key_id: str, material: bytes, attributes: KeyAttributes, kcv: str | None,
                admit: Admit | None = None) -> StoredKey:
        a = self._p.Attribute
        template = self._template(attributes, key_id)
        template.update({a.CLASS: self._p.ObjectClass.SECRET_KEY, a.KEY_TYPE: self._key_type(attributes, len(material)),
                         a.VALUE: material})
        with _device("creating a key"):
            obj = self._session.create_object(template)
        token_kcv = self._token_kcv(obj, attributes)
        return self._keep(obj, StoredKey(key_id, attributes, len(material), token_kcv or kcv or ""), admit)

    def import_clear_key(self, material: bytes, attributes: KeyAttributes, *, admit: Admit | None = None
                         ) -> StoredKey:
        if self._shadow is not None:
            host = self._shadow.import_clear_key(material, attributes, admit=admit)
            return self._create(host.id, material, attributes, host.kcv)
        from .software import check_not_degenerate

        check_not_degenerate(material, attributes.algorithm.value)
        return self._create(secrets.token_hex(8), material, attributes, None, admit)

    def generate_key(self, attributes: KeyAttributes, length: int, *, admit: Admit | None = None) -> StoredKey:
        if self._shadow is not None:
            host = self._shadow.generate_key(attributes, length, admit=admit)
            return self._create(host.id, self._shadow._clear_material(host.id), attributes, host.kcv)
        key_id = secrets.token_hex(8)
        template = self._template(attributes, key_id)
        with _device("generating a key"):
            obj = self._session.generate_key(self._key_type(attributes, length), length * 8
                                             if attributes.algorithm.value != "T" else None, template=template)
        return self._keep(obj, StoredKey(key_id, attributes, length, self._token_kcv(obj, attributes) or ""), admit)

    def kcv(self, key: KeyHandle) -> str:
        value = self._token_kcv(self._object(key), key.attributes)
        if value is None:
            return self._stored[key.id].kcv
        return value

    def destroy(self, key: KeyHandle) -> None:
        obj = self._object(key)
        token_object = bool(obj[self._p.Attribute.TOKEN])
        with _device("destroying a key"):
            obj.destroy()
        if token_object and self._stored[key.id].label is not None:
            self._save_label(key.id, None)
        del self._objects[key.id], self._stored[key.id]
        if self._shadow is not None and key.id in {s.id for s in self._shadow.list_keys()}:
            self._shadow.destroy(key)

    def import_key_block(self, block: str, kbpk: KeyHandle, *, lenient: bool, admit: Admit | None = None
                         ) -> StoredKey:
        self._object(kbpk)
        host = self._host("import_key_block")
        stored = host.import_key_block(block, kbpk, lenient=lenient, admit=admit)
        return self._create(stored.id, host._clear_material(stored.id), stored.attributes, stored.kcv)

    def export_key_block(self, key: KeyHandle, kbpk: KeyHandle, *, version: str) -> str:
        self._object(key)
        self._object(kbpk)
        return self._host("export_key_block").export_key_block(key, kbpk, version=version)

    def export_clear_key(self, key: KeyHandle) -> bytes:
        self._object(key)
        return self._host("export_clear_key").export_clear_key(key)

    # ------------------------------------------------------------------------------------- PIN (hybrid)

    def encrypt_pin(self, pin: bytearray, pan: str | None, dst: PinKey) -> bytes:
        return self._host("encrypt_pin").encrypt_pin(pin, pan, dst)

    def translate_pin(self, block: bytes, src: PinKey, dst: PinKey, pan: str | None) -> bytes:
        return self._host("translate_pin").translate_pin(block, src, dst, pan)

    def translate_pin_batch(
        self, items: list[tuple[bytes, str | None, bytes | None]], src: PinKey, dst: PinKey
    ) -> list[bytes | PinsecError]:
        return self._host("translate_pin").translate_pin_batch(items, src, dst)

    def check_pin(self, block: bytes, src: PinKey, pan: str | None, pin: bytearray) -> None:
        self._host("check_pin").check_pin(block, src, pan, pin)

    def pin_verification_value(self, block: bytes, src: PinKey, pan: str | None, how: PinVerification) -> str:
        return self._host("pin_verification_value").pin_verification_value(block, src, pan, how)

    def verify_pin(self, block: bytes, src: PinKey, pan: str | None, how: PinVerification, value: str) -> None:
        self._host("verify_pin").verify_pin(block, src, pan, how, value)

    def generate_pin(self, length: int, dst: PinKey, pan: str | None) -> bytes:
        return self._host("generate_pin").generate_pin(length, dst, pan)

    def card_verification_value(self, key: KeyHandle, pan: str, expiry: str, service_code: str) -> str:
        return self._host("card_verification_value").card_verification_value(key, pan, expiry, service_code)

    def emv_cryptogram(self, key: KeyHandle, pan_block: bytes, session: bytes | None, data: bytes) -> bytes:
        return self._host("emv_cryptogram").emv_cryptogram(key, pan_block, session, data)

    def emv_arpc(self, key: KeyHandle, pan_block: bytes, session: bytes | None, arqc: bytes, arc: bytes) -> bytes:
        return self._host("emv_cryptogram").emv_arpc(key, pan_block, session, arqc, arc)

    # -------------------------------------------------------------------------------------- AES DUKPT

    def _aes_dukpt_key(self, bdk: KeyHandle, ksn: bytes, usage: aes_dukpt.KeyUsage, key_type: aes_dukpt.KeyType,
                       template: dict[Any, Any]) -> Any:
        """Initial key, intermediate keys and the working key, each derived inside the token."""
        a, m = self._p.Attribute, self._p.Mechanism
        bdk_type = aes_dukpt.BDK_KEY_TYPES[bdk.length]
        if key_type.value[2] > bdk_type.value[2]:
            raise KeyPolicyError(f"a {key_type.name} working key would be stronger than its {bdk_type.name} BDK",
                                 code="key_stronger_than_bdk", field="key_type")
        ik_id, counter = ksn[:8], int.from_bytes(ksn[8:], "big")
        derive_only = {a.TOKEN: False, a.SENSITIVE: True, a.EXTRACTABLE: False, a.DERIVE: True, a.ENCRYPT: False,
                       a.DECRYPT: False, a.SIGN: False, a.VERIFY: False}
        kt = self._p.KeyType
        temps = []
        with _device("AES DUKPT derivation"):
            key = self._object(bdk).derive_key(
                kt.AES, bdk_type.bits, mechanism=m.AES_ECB_ENCRYPT_DATA, template=derive_only,
                mechanism_param=aes_dukpt.derivation_data(aes_dukpt.KeyUsage.KEY_DERIVATION_INITIAL_KEY.value,
                                                          bdk_type, ik_id))
            temps.append(key)
            working = 0
            bits = counter
            while bits:
                top = 1 << (bits.bit_length() - 1)
                working |= top
                bits ^= top
                data = aes_dukpt.derivation_data(aes_dukpt.KeyUsage.KEY_DERIVATION.value, bdk_type,
                                                 ik_id[4:] + working.to_bytes(4, "big"))
                key = key.derive_key(kt.AES, bdk_type.bits, mechanism=m.AES_ECB_ENCRYPT_DATA, mechanism_param=data,
                                     template=derive_only)
                temps.append(key)
            final_type = kt.GENERIC_SECRET if key_type.name.startswith("HMAC") else kt.AES
            data = aes_dukpt.derivation_data(usage.value, key_type, ik_id[4:] + counter.to_bytes(4, "big"))
            out = key.derive_key(final_type, key_type.bits, mechanism=m.AES_ECB_ENCRYPT_DATA, mechanism_param=data,
                                 template=template)
            for tmp in temps:
                tmp.destroy()
        return out

    def derive_dukpt_key(
        self, bdk: KeyHandle, ksn: bytes, *, purpose: str, key_type: str | None, attributes: KeyAttributes,
        admit: Admit | None = None,
    ) -> StoredKey:
        self._object(bdk)
        alg = bdk.attributes.algorithm.value
        kt = _dukpt.aes_key_type(key_type)
        if alg != "A" or kt.name.startswith("TDES"):
            host = self._host("derive_dukpt_key")
            stored = host.derive_dukpt_key(bdk, ksn, purpose=purpose, key_type=key_type, attributes=attributes,
                                           admit=admit)
            return self._create(stored.id, host._clear_material(stored.id), attributes, stored.kcv)
        usage = _dukpt.aes_usage(purpose)
        key_id = secrets.token_hex(8)
        obj = self._aes_dukpt_key(bdk, ksn, usage, kt, self._template(attributes, key_id))
        return self._keep(obj, StoredKey(key_id, attributes, kt.length, self._token_kcv(obj, attributes) or ""), admit)

    # ------------------------------------------------------------------------------------------- MACs

    def _token_mac(self, key: MacKey, data: bytes) -> bytes | None:
        """The full MAC computed in the token, or None when this MAC needs the host (hybrid)."""
        a, m = self._p.Attribute, self._p.Mechanism
        alg = key.key.attributes.algorithm.value
        if key.ksn is not None:
            if alg != "A" or (key.dukpt_key_type or "AES128").upper().startswith("TDES"):
                return None
            usage = aes_dukpt.KeyUsage.MAC_GENERATION if key.direction == "request" else (
                aes_dukpt.KeyUsage.MAC_VERIFICATION)
            kt = _dukpt.aes_key_type(key.dukpt_key_type)
            tmp = self._aes_dukpt_key(key.key, key.ksn, usage, kt, {a.TOKEN: False, a.SIGN: True, a.SENSITIVE: True,
                                                                       a.EXTRACTABLE: False})
            try:
                with _device("CMAC"):
                    return bytes(tmp.sign(bytes(data), mechanism=m.AES_CMAC))
            finally:
                with _device("destroying a temporary key"):
                    tmp.destroy()
        obj = self._object(key.key)
        with _device("MAC generation"):
            if key.algorithm is MacAlgorithm.CMAC:
                return bytes(obj.sign(bytes(data), mechanism=m.AES_CMAC if alg == "A" else m.DES3_CMAC))
            if key.algorithm is MacAlgorithm.HMAC_SHA256:
                return bytes(obj.sign(bytes(data), mechanism=m.SHA256_HMAC))
            if key.algorithm is MacAlgorithm.ISO9797_1_ALG1:
                from ..mac import pad

                chained = bytes(obj.encrypt(pad(data, key.padding), mechanism=m.DES3_CBC, mechanism_param=bytes(8)))
                return chained[-8:]
        return None

    def generate_mac(self, key: MacKey, data: bytes, length: int | None) -> bytes:
        full = self._token_mac(key, data)
        if full is None:
            return self._host("generate_mac").generate_mac(key, data, length)
        if length is None:
            return full
        if not 4 <= length <= len(full):
            raise DataError(f"MAC length {length} is outside 4..{len(full)} bytes", field="length")
        return full[:length]

    def verify_mac(self, key: MacKey, data: bytes, mac_value: bytes) -> None:
        expected = self.generate_mac(key, data, len(mac_value))
        if not hmac.compare_digest(expected, mac_value):
            raise VerificationError("MAC did not verify", code="mac_mismatch", field="mac")

