"""The software backend's side of the payShield variant LMK: keys that arrive as cryptograms under the
LMK or under a zone master key, keys given back in those forms, and PINs under LMK pair 02-03.

A key that came in under the variant LMK (or was generated for it) is marked as such and kept in memory
only (never in the key store): only marked keys go back out under the variant LMK, so a key bound to its
attributes by a key block is never downgraded to the variant scheme. The :class:`~pinsec.Hsm` checks
usages and key types before it calls anything here (:mod:`pinsec.hsm.variant_policy`).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import _crypto, pin, pinblock
from ..errors import DataError, InputError, InvalidKeyError, KeyPolicyError, UnsupportedOperation
from ..keys import KeyAttributes, KeyHandle
from ..variant_lmk import VariantLmk, unwrap_under, wrap_under
from .base import Admit, PinKey, PinVerification, StoredKey

__all__ = ["VariantLmkSupport"]


class VariantLmkSupport:
    """Mixed into :class:`~pinsec.backends.software.SoftwareBackend`."""

    _variant_lmk: VariantLmk | None
    _old_variant_lmk: VariantLmk | None
    _variant_ids: set[str]

    if TYPE_CHECKING:  # provided by the software backend
        def _add(self, material: bytes, attributes: KeyAttributes, admit: Admit | None, key_id: str | None = None,
                 block: str | None = None, *, persist: bool = True) -> StoredKey: ...
        def _material(self, key: KeyHandle) -> bytes: ...
        def _pin_key(self, side: PinKey) -> bytes: ...
        def _value(self, digits: bytearray, how: PinVerification, pan: str | None) -> str: ...
        def _offset_digits(self, offset: str, how: PinVerification) -> bytearray: ...
        def translate_pin_counted(self, block: bytes, src: PinKey, dst: PinKey, pan: str | None
                                  ) -> tuple[bytes, int]: ...
        def check_pin(self, block: bytes, src: PinKey, pan: str | None, pin: bytearray) -> None: ...

    def _lmk(self) -> VariantLmk:
        if self._variant_lmk is None:
            raise UnsupportedOperation("this HSM holds no variant LMK", code="no_variant_lmk", field="variant_lmk")
        return self._variant_lmk

    def _old_lmk(self) -> VariantLmk:
        if self._old_variant_lmk is None:
            raise UnsupportedOperation("this HSM holds no old LMK (key change storage) to migrate from",
                                       code="no_old_lmk", field="old_variant_lmk")
        return self._old_variant_lmk

    def erase_old_lmk(self) -> bool:
        """Forget the old LMK of key change storage; True if there was one."""
        held, self._old_variant_lmk = self._old_variant_lmk is not None, None
        return held

    def variant_lmk_state(self) -> tuple[bool, str] | None:
        """(is the published test set, LMK check value), or None without a variant LMK."""
        lmk = self._variant_lmk
        return None if lmk is None else (lmk.is_test, lmk.check_value())

    def variant_origin(self, key_id: str) -> bool:
        """True for a key that came in under the variant LMK (or was generated for it)."""
        return key_id in self._variant_ids

    def _mark(self, material: bytes, attributes: KeyAttributes, admit: Admit | None) -> StoredKey:
        if any(bin(b).count("1") % 2 == 0 for b in material):
            raise InvalidKeyError("the key does not have odd parity (wrong key, key type or LMK?)",
                                  code="key_parity", field="key")
        stored = self._add(material, attributes, admit, persist=False)
        self._variant_ids.add(stored.id)
        return stored

    def import_variant_key(self, cryptogram: str, key_type: str, attributes: KeyAttributes, *,
                           admit: Admit | None = None, old_lmk: bool = False) -> StoredKey:
        """A key encrypted under the LMK pair and variant of ``key_type`` (of the old LMK in key change storage
        with ``old_lmk``: it goes back out under the current one)."""
        _, key = unwrap_under((self._old_lmk() if old_lmk else self._lmk()).kek(key_type), cryptogram)
        return self._mark(key, attributes, admit)

    def migrate_lmk_pin(self, old_lmk_pin: str, account: str) -> str:
        """A PIN under the old LMK's pair 02-03 (key change storage) under the current LMK's."""
        return self._reencrypt_pin(self._old_lmk(), old_lmk_pin, account, account)

    def rebind_lmk_pin(self, lmk_pin: str, account: str, new_account: str) -> str:
        """A PIN under LMK pair 02-03 for ``account`` as it is for ``new_account``."""
        return self._reencrypt_pin(self._lmk(), lmk_pin, account, new_account)

    def _reencrypt_pin(self, source: VariantLmk, lmk_pin: str, account: str, new_account: str) -> str:
        digits = source.decrypt_pin(lmk_pin, account)
        try:
            return self._lmk().encrypt_pin(digits, new_account)
        finally:
            _crypto.wipe(digits)

    def adopt_variant_key(self, material: bytes, attributes: KeyAttributes, *, admit: Admit | None = None
                          ) -> StoredKey:
        """A key formed from clear components (the Hsm checked them) that will travel under the variant LMK."""
        self._lmk()
        return self._mark(material, attributes, admit)

    def combine_variant_components(self, cryptograms: Sequence[str], key_type: str, attributes: KeyAttributes, *,
                                   admit: Admit | None = None) -> StoredKey:
        """A key XOR-combined from components, each under the LMK pair and variant of ``key_type`` and each with
        odd parity (as every key under the LMK); odd parity is set on the result (an even count of components
        XORs to even parity). The components stay inside: nothing but the new key comes out."""
        kek = self._lmk().kek(key_type)
        combined: bytearray | None = None
        try:
            for i, cryptogram in enumerate(cryptograms, 1):
                part = bytearray(unwrap_under(kek, cryptogram, field=f"component {i}")[1])
                try:
                    if any(bin(b).count("1") % 2 == 0 for b in part):
                        raise InvalidKeyError(f"component {i} does not have odd parity (wrong key type or LMK?)",
                                              code="key_parity", field=f"component {i}")
                    if combined is None:
                        combined = bytearray(len(part))
                    if len(part) != len(combined):
                        raise InvalidKeyError("the components are not all of one length", code="key_length",
                                              field=f"component {i}")
                    for j, b in enumerate(part):
                        combined[j] ^= b
                finally:
                    _crypto.wipe(part)
            if combined is None:
                raise InvalidKeyError("no components", code="key_length", field="components")
            from .software import adjust_parity

            return self._mark(adjust_parity(bytes(combined)), attributes, admit)
        finally:
            if combined is not None:
                _crypto.wipe(combined)

    def generate_variant_key(self, attributes: KeyAttributes, length: int, *, admit: Admit | None = None
                             ) -> StoredKey:
        """A random TDES key (odd parity) meant to travel under the variant LMK."""
        self._lmk()
        from .software import adjust_parity

        return self._mark(adjust_parity(secrets.token_bytes(length)), attributes, admit)

    def import_key_under(self, cryptogram: str, kek: KeyHandle, attributes: KeyAttributes, *,
                         admit: Admit | None = None) -> StoredKey:
        """A key encrypted under ``kek`` (a ZMK or TMK) in a variant or X9.17 scheme."""
        self._lmk()
        _, key = unwrap_under(self._material(kek), cryptogram)
        return self._mark(key, attributes, admit)

    def _variant_record(self, key: KeyHandle) -> bytes:
        material = self._material(key)
        if key.id not in self._variant_ids:
            raise KeyPolicyError("this key did not come in under the variant LMK, so it never goes out under it "
                                 "(its key block attributes would be lost)", code="not_variant_key", field="key")
        return material

    def variant_wrap(self, key: KeyHandle, key_type: str, scheme: str) -> str:
        """``key`` under the LMK pair and variant of ``key_type`` in ``scheme``."""
        return wrap_under(self._lmk().kek(key_type), self._variant_record(key), scheme)

    def wrap_under_key(self, key: KeyHandle, kek: KeyHandle, scheme: str) -> str:
        """``key`` under a ZMK or TMK in ``scheme`` (export)."""
        material = self._variant_record(key)
        if key.attributes.exportability.value == "N":
            raise KeyPolicyError("key is stored as non-exportable (N)", code="not_exportable", field="exportability")
        return wrap_under(self._material(kek), material, scheme)

    # ---------------------------------------------------------------------------- PINs under 02-03

    def _sealed(self, digits: bytearray, account: str) -> str:
        """``digits`` under LMK pair 02-03; the clear digits are wiped whatever happens."""
        try:
            return self._lmk().encrypt_pin(digits, account)
        finally:
            _crypto.wipe(digits)

    def lmk_pin_from_block(self, block: bytes, src: PinKey, pan: str | None, account: str) -> str:
        return self._sealed(pinblock.decipher_digits(self._pin_key(src), block, src.pan_in_block(pan),
                                                     format=src.format), account)

    def lmk_pin_to_block(self, lmk_pin: str, account: str, dst: PinKey, pan: str | None) -> bytes:
        digits = self._lmk().decrypt_pin(lmk_pin, account)
        try:
            return pinblock.encipher_digits(self._pin_key(dst), digits, dst.pan_in_block(pan), format=dst.format)
        finally:
            _crypto.wipe(digits)

    def clear_to_lmk_pin(self, digits: bytearray, account: str) -> str:
        """A clear PIN (ASCII digits, wiped by the caller) under LMK pair 02-03."""
        return self._lmk().encrypt_pin(digits, account)

    def lmk_pin_to_clear(self, lmk_pin: str, account: str) -> bytearray:
        """The clear digits of a PIN under LMK pair 02-03 (the caller wipes them)."""
        return self._lmk().decrypt_pin(lmk_pin, account)

    def random_lmk_pin(self, length: int, account: str) -> str:
        """A random PIN of ``length`` digits, born under LMK pair 02-03."""
        return self._sealed(pin.generate_pin(length), account)

    def lmk_pin_from_offset(self, offset: str, account: str, how: PinVerification) -> str:
        """The PIN an IBM 3624 offset gives (natural PIN + offset), under LMK pair 02-03."""
        return self._sealed(self._offset_digits(offset, how), account)

    def check_pin_against_lmk(self, block: bytes, src: PinKey, pan: str | None, lmk_pin: str, account: str) -> None:
        """:class:`VerificationError` unless the PIN block holds the PIN under LMK pair 02-03 (constant-time
        compare). A PIN under the LMK that does not decode is a ``DataError`` ``invalid_lmk_pin``, kept apart
        from the block's own content errors."""
        try:
            stored = self._lmk().decrypt_pin(lmk_pin, account)
        except InputError:
            raise DataError("the PIN under the LMK did not decode for this account", code="invalid_lmk_pin",
                            field="lmk_pin") from None
        try:
            self.check_pin(block, src, pan, stored)
        finally:
            _crypto.wipe(stored)

    def lmk_pin_value(self, lmk_pin: str, account: str, how: PinVerification, pan: str | None) -> str:
        digits = self._lmk().decrypt_pin(lmk_pin, account)
        try:
            return self._value(digits, how, pan)
        finally:
            _crypto.wipe(digits)
