"""payShield variant LMK operations on the :class:`~pinsec.Hsm`: keys as cryptograms under the LMK or a
zone master key, and PINs under LMK pair 02-03 (what host commands such as A0, A6, A8, FA, JC, JE, JG and
DG carry). The backend must hold a variant LMK (``SoftwareBackend(variant_lmk=...)``).

The policy is the Hsm's, as everywhere: a key comes in under a key type only as a usage that type allows
(:mod:`.variant_policy`), a KEK must be K0 and at least as strong as the key it carries, and only keys
that came in under the variant LMK go back out under it. PIN block content errors collapse to one
``invalid_pin_block`` and LMK PIN errors to one ``invalid_lmk_pin`` (no format oracle).

The published test LMK set is public: an Hsm holding it is a test-mode HSM with nothing secret in it (the
backend refuses to put it next to a key store), as a payShield in test mode.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from ..backends.base import PinKey, StoredKey
from ..backends.software import adjust_parity
from ..backends.variant import VariantLmkSupport
from ..errors import DataError, InvalidKeyError, KeyPolicyError, PinError, UnsupportedOperation
from ..keys import KeyHandle
from . import policy, variant_policy
from ._core import _audit, _opaque
from .components import combine
from .pin_ops import _PinOps

__all__: list[str] = []

_T = TypeVar("_T")


def _lmk_pin(call: Callable[[], _T]) -> _T:
    """Run a call that decodes a PIN under the LMK: its decode errors become one ``invalid_lmk_pin``."""
    try:
        return call()
    except PinError:
        pass
    raise PinError("the PIN under the LMK did not decode for this account", code="invalid_lmk_pin", field="lmk_pin")


class _LmkOps(_PinOps):
    __slots__ = ()

    def _variant(self) -> VariantLmkSupport:
        backend = self._backend
        if not isinstance(backend, VariantLmkSupport) or backend.variant_lmk_state() is None:
            raise UnsupportedOperation(f"backend {backend.name} holds no variant LMK", code="no_variant_lmk",
                                       field="variant_lmk")
        return backend

    @property
    def variant_lmk_check_value(self) -> str:
        """The check value of the variant LMK (what the NC host command returns)."""
        state = self._variant().variant_lmk_state()
        assert state is not None
        return state[1]

    @property
    def test_mode(self) -> bool:
        """True when the backend holds the published payShield test LMK: nothing in this Hsm is secret."""
        backend = self._backend
        state = backend.variant_lmk_state() if isinstance(backend, VariantLmkSupport) else None
        return state is not None and state[0]

    # ----------------------------------------------------------------------------------------- keys

    def import_lmk_key(self, cryptogram: str, *, key_type: str, usage: str, old_lmk: bool = False) -> KeyHandle:
        """A key encrypted under the variant LMK as ``key_type`` (e.g. ``001``), to serve as ``usage``; with
        ``old_lmk``, under the LMK being replaced (key change storage), so that :meth:`lmk_key` gives it
        under the current one (the payShield BW command)."""
        attributes = variant_policy.attributes_for(key_type, usage)
        return self._handle(self._variant().import_variant_key(cryptogram, key_type.upper(), attributes,
                                                               old_lmk=old_lmk))

    def migrate_lmk_pin(self, lmk_pin: str, *, account: str) -> str:
        """A PIN under the old LMK (key change storage) as it is under the current LMK (the payShield BG
        command): deciphered and enciphered inside, the clear PIN never out."""
        account = self._account(account)
        self._gate("translate_pin")
        return self._variant().migrate_lmk_pin(lmk_pin, account)

    def rebind_lmk_pin(self, lmk_pin: str, *, account: str, new_account: str) -> str:
        """A PIN under LMK pair 02-03 for ``account`` as it is for ``new_account`` (a card reissued under a
        new account number: the payShield QK host command), deciphered and enciphered inside."""
        account, new_account = self._account(account), self._account(new_account, "new_account")
        backend = self._variant()
        self._gate("translate_pin")
        return _lmk_pin(lambda: backend.rebind_lmk_pin(lmk_pin, account, new_account))

    def erase_key_change_storage(self) -> None:
        """Forget the old LMK held for migration (the payShield BS host command): from then on
        :meth:`import_lmk_key` with ``old_lmk`` and :meth:`migrate_lmk_pin` are refused (``no_old_lmk``), as
        they are without key change storage. Nothing is given out; erasing an empty storage is not an error."""
        if self._variant().erase_old_lmk():
            _audit.info("erase_key_change_storage: the old LMK is gone")

    def generate_lmk_key(self, *, key_type: str, usage: str, length: int = 16) -> KeyHandle:
        """A random TDES key (16 or 24 bytes, odd parity) of ``key_type``, to go out under the variant LMK."""
        attributes = variant_policy.attributes_for(key_type, usage)
        if length not in (16, 24):
            raise DataError("a variant LMK key here is 16 or 24 bytes (no single-length DES)", field="length")
        self._gate("generate_key")
        return self._handle(self._variant().generate_variant_key(attributes, length))

    def form_lmk_key(self, components: Sequence[bytes | str], *, kcvs: Sequence[str], key_type: str, usage: str,
                     kcv: str | None = None) -> KeyHandle:
        """Authorised state only (a payShield console operation): a key of ``key_type`` from 2 or 3 clear
        XOR components, each checked against its KCV first; odd parity is set on the result (an even count
        of odd-parity components XORs to even parity); ``kcv`` checks the key. Then :meth:`lmk_key`."""
        self._authorize("form_lmk_key")
        attributes = variant_policy.attributes_for(key_type, usage)
        backend = self._variant()
        combined = combine(components, kcvs, "T")
        try:
            if len(combined) not in (16, 24):
                raise InvalidKeyError("a variant LMK key here is 16 or 24 bytes (no single-length DES)",
                                      field="components")
            self._gate("import_clear_key")
            stored = backend.adopt_variant_key(adjust_parity(bytes(combined)), attributes,
                                               admit=self._kcv_check(kcv))
        finally:
            combined[:] = bytes(len(combined))
        handle = self._handle(stored)
        self._audited("form_lmk_key", handle)
        return handle

    def form_lmk_key_from_components(self, cryptograms: Sequence[str], *, key_type: str, usage: str) -> KeyHandle:
        """Authorised state only (payShield's A4, GY and GG host commands): a key of ``key_type`` XOR-combined
        from 2 to 9 components, each under the variant LMK as ``key_type`` with odd parity; odd parity is set
        on the result. No clear material crosses the API, but combining keys lets a caller relate a new key to
        old ones, so it is the Authorised state's, as on a payShield. Then :meth:`lmk_key`."""
        self._authorize("form_lmk_key_from_components")
        attributes = variant_policy.attributes_for(key_type, usage)
        if isinstance(cryptograms, str) or not 2 <= len(cryptograms) <= 9:
            raise DataError("a key is formed from 2 to 9 components", code="component_count", field="components")
        self._gate("import_clear_key")
        stored = self._variant().combine_variant_components(list(cryptograms), key_type.upper(), attributes)
        handle = self._handle(stored)
        self._audited("form_lmk_key_from_components", handle)
        return handle

    def lmk_key(self, key: KeyHandle, *, key_type: str, scheme: str = "U") -> str:
        """``key`` encrypted under the variant LMK as ``key_type`` in ``scheme`` (X, U, Y or T); only for a
        key that came in under the variant LMK, and only as a type its usage allows."""
        key = self._known(key)
        variant_policy.check_usage(key_type, key.attributes.usage.value)
        return self._variant().variant_wrap(key, key_type.upper(), self._scheme(scheme, key))

    @staticmethod
    def _scheme(scheme: str, key: KeyHandle) -> str:
        lengths = {"X": 16, "U": 16, "Y": 24, "T": 24}
        if not isinstance(scheme, str) or lengths.get(scheme) != key.length:
            raise DataError(f"key scheme {scheme!s:.2} does not fit a {key.length}-byte key", code="key_scheme",
                            field="key_scheme")
        return scheme

    def _kek(self, kek: KeyHandle) -> KeyHandle:
        kek = self._known(kek, "kek")
        policy.check_key(kek.attributes, operation="carry a key under a ZMK or TMK", usages={"K0"},
                         modes={"B", "N"}, algorithms={"T"})
        return kek

    def import_key_under_kek(self, cryptogram: str, *, kek: KeyHandle, key_type: str, usage: str) -> KeyHandle:
        """A key encrypted under a ZMK or TMK (``kek``, K0) in scheme Z, X, U, Y or T; it can then go out
        under the variant LMK as ``key_type``. A key stronger than the KEK is refused."""
        kek = self._kek(kek)
        attributes = variant_policy.attributes_for(key_type, usage)

        def admit(stored: StoredKey) -> None:
            policy.check_wrapping_strength(stored.attributes, stored.length, kek.attributes, kek.length)

        self._gate("import_key_block")
        return self._handle(self._variant().import_key_under(cryptogram, kek, attributes, admit=admit))

    def export_key_under_kek(self, key: KeyHandle, *, kek: KeyHandle, scheme: str = "U") -> str:
        """``key`` encrypted under a ZMK or TMK (K0) in scheme X, U, Y or T: never a key stronger than the
        KEK, never the KEK itself, never a non-exportable key."""
        key, kek = self._known(key), self._kek(kek)
        if key.id == kek.id:
            raise KeyPolicyError("a key cannot wrap itself", code="same_key", field="kek")
        if key.attributes.exportability.value == "N":
            raise KeyPolicyError("key is marked non-exportable (N)", code="not_exportable", field="exportability")
        policy.check_wrapping_strength(key.attributes, key.length, kek.attributes, kek.length)
        self._gate("export_key_block")
        return self._variant().wrap_under_key(key, kek, self._scheme(scheme, key))

    # ---------------------------------------------------------------------------------------- PINs

    def translate_pin_counted(
        self, block: bytes | str, *, src_key: KeyHandle, src_format: int, dst_key: KeyHandle, dst_format: int,
        pan: str | None, src_ksn: bytes | str | None = None,
    ) -> tuple[bytes, int]:
        """:meth:`translate_pin` (same policy) that also gives the PIN length, as host commands such as CA,
        CC and CI return it; needs the software backend."""
        sf, df = self._format(src_format, "src_format"), self._format(dst_format, "dst_format")
        policy.check_translation(sf, df, pan, None)
        src = self._decipher_side(src_key, sf, src_ksn, None)
        dst = self._pin_side(dst_key, df, None, None, side="dst", modes={"B", "E", "N"})
        self._pan(pan, sf)
        self._pan(pan, df)
        raw = self._pin_block(block, sf)
        backend = self._variant()
        self._gate("translate_pin_dukpt" if src.ksn is not None else "translate_pin")
        return _opaque(lambda: backend.translate_pin_counted(raw, src, dst, pan))

    # ----------------------------------------------------------------------------- PINs under the LMK

    @staticmethod
    def _account(account: str, field: str = "account") -> str:
        if not (isinstance(account, str) and len(account) == 12 and account.isascii() and account.isdigit()):
            raise DataError(f"{field} is 12 digits", code="account", field=field)
        return account

    def lmk_pin_from_block(
        self, block: bytes | str, *, key: KeyHandle, format: int, pan: str | None, account: str,
        ksn: bytes | str | None = None, dukpt_key_type: str | None = None,
    ) -> str:
        """The PIN of an encrypted PIN block, re-encrypted under LMK pair 02-03 for ``account`` (TPK or ZPK
        to LMK). Under the public test LMK only from keys that came in under it."""
        raw, side, backend = self._lmk_pin_source(block, key, format, pan, ksn, dukpt_key_type)
        self._gate("translate_pin")
        return _opaque(lambda: backend.lmk_pin_from_block(raw, side, pan, self._account(account)))

    def _lmk_pin_source(self, block: bytes | str, key: KeyHandle, format: int, pan: str | None,
                        ksn: bytes | str | None, dukpt_key_type: str | None
                        ) -> tuple[bytes, PinKey, VariantLmkSupport]:
        """The checked block, deciphering side and backend of a PIN block met with a PIN under the LMK. Under
        the public test LMK only keys that came in under it: there anyone can make a PIN under the LMK, so
        for any other key a PIN could leave, or PIN guesses be answered."""
        fmt = self._format(format, "format")
        side = self._decipher_side(key, fmt, ksn, dukpt_key_type)
        backend = self._variant()
        if self.test_mode and not backend.variant_origin(side.key.id):
            raise KeyPolicyError("under the public test LMK a PIN block meets the LMK only from a key that came in "
                                 "under it", code="test_lmk", field="key")
        self._pan(pan, fmt)
        return self._pin_block(block, fmt), side, backend

    def verify_pin_against_lmk(
        self, block: bytes | str, *, key: KeyHandle, format: int, pan: str | None, lmk_pin: str, account: str,
        ksn: bytes | str | None = None,
    ) -> None:
        """Raise :class:`VerificationError` unless the PIN block holds the PIN under LMK pair 02-03 for
        ``account`` (the comparison method of payShield's BC and BE; nothing comes out but yes or no). Under
        the public test LMK only for keys that came in under it: there anyone can make a PIN under the LMK, so
        for any other key this would answer PIN guesses."""
        raw, side, backend = self._lmk_pin_source(block, key, format, pan, ksn, None)
        account = self._account(account)
        self._gate("verify_pin")
        try:  # the backend reports an LMK PIN that does not decode as a DataError, which _opaque lets through
            _opaque(lambda: backend.check_pin_against_lmk(raw, side, pan, lmk_pin, account))
        except DataError:
            raise PinError("the PIN under the LMK did not decode for this account", code="invalid_lmk_pin",
                           field="lmk_pin") from None

    def lmk_pin_to_block(self, lmk_pin: str, *, account: str, key: KeyHandle, format: int, pan: str | None
                         ) -> bytes:
        """A PIN under LMK pair 02-03 as a PIN block under ``key`` (P0, mode B or E; LMK to ZPK)."""
        fmt = self._format(format, "format")
        side = self._pin_side(key, fmt, None, None, side="dst", modes={"B", "E", "N"})
        self._pan(pan, fmt)
        account = self._account(account)
        backend = self._variant()
        self._gate("translate_pin")
        return _lmk_pin(lambda: backend.lmk_pin_to_block(lmk_pin, account, side, pan))

    def lmk_pin_from_clear(self, pin: str, *, account: str) -> str:
        """Authorised state only (a clear PIN goes in): ``pin`` under LMK pair 02-03 for ``account``."""
        self._authorize("lmk_pin_from_clear")
        account = self._account(account)
        backend = self._variant()
        digits = self._pin_digits(pin)
        try:
            out = backend.clear_to_lmk_pin(digits, account)
        finally:
            digits[:] = bytes(len(digits))
        _audit.info("lmk_pin_from_clear (a clear PIN in)")
        return out

    def clear_pin_from_lmk(self, lmk_pin: str, *, account: str) -> str:
        """Authorised state only (a clear PIN comes out): the PIN under LMK pair 02-03, in clear."""
        self._authorize("clear_pin_from_lmk")
        account = self._account(account)
        backend = self._variant()
        digits = _lmk_pin(lambda: backend.lmk_pin_to_clear(lmk_pin, account))
        try:
            _audit.info("clear_pin_from_lmk (a clear PIN out)")
            return digits.decode("ascii")
        finally:
            digits[:] = bytes(len(digits))

    def generate_lmk_pin(self, *, length: int, account: str) -> str:
        """A random PIN of ``length`` (4-12) digits, returned only under LMK pair 02-03 for ``account``."""
        if isinstance(length, bool) or not isinstance(length, int) or not 4 <= length <= 12:
            raise DataError("PIN length must be 4 to 12", field="length")
        account = self._account(account)
        backend = self._variant()
        self._gate("generate_pin")
        return backend.random_lmk_pin(length, account)

    def lmk_pin_from_offset(
        self, offset: str, *, account: str, pvk: KeyHandle, validation_data: str,
        decimalization_table: str | None = None,
    ) -> str:
        """The PIN an IBM 3624 offset gives under the PVK (V1, mode C or G), returned only under LMK pair
        02-03 (issuers re-derive a customer's PIN this way to mail or re-encrypt it)."""
        how = self._verification(pvk, "ibm3624", validation_data, decimalization_table, None, None,
                                 modes={"C", "G", "N"})
        if not (isinstance(offset, str) and 4 <= len(offset) <= 12 and offset.isascii() and offset.isdigit()):
            raise DataError("an offset is 4 to 12 decimal digits", field="offset")
        account = self._account(account)
        backend = self._variant()
        self._gate("pin_verification_value")
        return backend.lmk_pin_from_offset(offset, account, how)

    def lmk_pin_verification_value(
        self, lmk_pin: str, *, account: str, pan: str | None, pvk: KeyHandle, method: str = "ibm3624",
        pvki: str | None = None, validation_data: str | None = None, decimalization_table: str | None = None,
        pin_check_length: int | None = None,
    ) -> str:
        """The IBM 3624 offset or Visa PVV of a PIN under LMK pair 02-03 (the PVK needs mode C or G)."""
        how = self._verification(pvk, method, validation_data, decimalization_table, pin_check_length, pvki,
                                 modes={"C", "G", "N"})
        account = self._account(account)
        backend = self._variant()
        self._gate("pin_verification_value")
        return _lmk_pin(lambda: backend.lmk_pin_value(lmk_pin, account, how, pan))
