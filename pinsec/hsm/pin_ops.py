"""PIN operations on the :class:`~pinsec.Hsm`: encipher (Authorised state), translate one or many, check
(Authorised state), verify against IBM 3624 offsets and Visa PVVs, PIN verification values, PIN
generation, and card verification values."""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from ..backends.base import PinKey, PinVerification
from ..errors import (
    DataError,
    InvalidKeyError,
    KeyPolicyError,
    PinsecError,
    VerificationError,
)
from ..keys import KeyHandle
from ..pin import STANDARD_DECIMALIZATION_TABLE, check_decimalization_table
from . import policy
from ._core import _PIN_CONTENT_ERRORS, _HsmCore, _log, _opaque, _pin_block_failed


class _PinOps(_HsmCore):
    __slots__ = ()

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
        iso4_pan: str = "pan",
    ) -> bytes:
        """Translate a PIN block from one key and format to another, inside the backend.

        Sources: a PIN key (P0, mode B or D), or a BDK (B0) with the terminal's ``src_ksn`` (TDES or AES
        DUKPT from the BDK's algorithm; ``src_dukpt_key_type`` is the AES DUKPT PIN key type, AES128 by
        default). Destinations: a PIN key (P0, mode B or E), or a BDK with ``dst_ksn`` (test rigs).
        PCI PIN 3-3 decides which formats may follow which; ISO 4 needs AES keys, 0-3 TDES keys; a
        ``dst_pan`` different from ``pan`` is refused for PAN-bound formats. ``iso4_pan="account"`` builds and
        reads ISO 4 blocks with the account-number form of the PAN (the 12 rightmost digits before the check
        digit) instead of the whole PAN.
        """
        sf, df = self._format(src_format, "src_format"), self._format(dst_format, "dst_format")
        policy.check_translation(sf, df, pan, dst_pan)
        src = self._iso4_form(self._decipher_side(src_key, sf, src_ksn, src_dukpt_key_type), pan, iso4_pan)
        dst = self._iso4_form(self._pin_side(dst_key, df, self._ksn(dst_ksn, "dst"), dst_dukpt_key_type, side="dst",
                                             modes={"B", "E", "N"}), pan, iso4_pan)
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
        iso4_pan: str = "pan",
    ) -> None:
        """Verify the PIN inside an encrypted block against an IBM 3624 offset or a Visa PVV.

        The block is deciphered inside the operation (the PIN key: P0 mode B or D, or a BDK with ``ksn``),
        and the value compared in constant time; a mismatch raises :class:`VerificationError`. The PVK is
        a TDES key of usage V1 (IBM 3624) or V2 (Visa PVV), or V0, with mode C or V. IBM 3624 accepts only
        approved decimalisation tables (default: the standard 0123456789012345).
        """
        fmt = self._format(format, "format")
        side = self._iso4_form(self._decipher_side(key, fmt, ksn, dukpt_key_type), pan, iso4_pan)
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
        iso4_pan: str = "pan",
    ) -> str:
        """The IBM 3624 offset or Visa PVV of the PIN inside an encrypted block (issuer PIN selection and
        change); the PVK needs mode C or G."""
        fmt = self._format(format, "format")
        side = self._iso4_form(self._decipher_side(key, fmt, ksn, None), pan, iso4_pan)
        how = self._verification(pvk, method, validation_data, decimalization_table, pin_check_length, pvki,
                                 modes={"C", "G", "N"})
        self._pan(pan, fmt)
        raw = self._pin_block(block, fmt)
        self._gate("pin_verification_value")
        return _opaque(lambda: self._backend.pin_verification_value(raw, side, pan, how))

    def generate_pin(
        self, *, length: int = 4, key: KeyHandle, format: int, pan: str | None, ksn: bytes | str | None = None,
        iso4_pan: str = "pan",
    ) -> bytes:
        """A random PIN, returned only as a PIN block enciphered under ``key`` (P0, mode B or E)."""
        fmt = self._format(format, "format")
        side = self._iso4_form(self._pin_side(key, fmt, self._ksn(ksn, "dst"), None, side="dst",
                                              modes={"B", "E", "N"}), pan, iso4_pan)
        if isinstance(length, bool) or not isinstance(length, int) or not 4 <= length <= 12:
            raise DataError("PIN length must be 4 to 12", field="length")
        self._gate("generate_pin")
        return self._backend.generate_pin(length, side, pan)

    def pin_from_offset(
        self, offset: str, *, pvk: KeyHandle, validation_data: str, decimalization_table: str | None = None,
        key: KeyHandle, format: int, pan: str | None, iso4_pan: str = "pan",
    ) -> bytes:
        """The PIN an IBM 3624 offset stands for under the PVK (V1, mode C or G), returned only as a PIN
        block under ``key`` (P0, mode B or E): an offset of zeros gives the natural PIN. Issuers re-derive
        a customer's PIN this way to mail it or move it to another scheme."""
        how = self._verification(pvk, "ibm3624", validation_data, decimalization_table, None, None,
                                 modes={"C", "G", "N"})
        if not (isinstance(offset, str) and 4 <= len(offset) <= 12 and offset.isascii() and offset.isdigit()):
            raise DataError("an offset is 4 to 12 decimal digits", field="offset")
        fmt = self._format(format, "format")
        side = self._iso4_form(self._pin_side(key, fmt, None, None, side="dst", modes={"B", "E", "N"}), pan,
                               iso4_pan)
        self._pan(pan, fmt)
        compute = self._backend_op("pin_block_from_offset", lacks="cannot derive PINs from offsets",
                                   code="no_pin_from_offset", field="offset")
        self._gate("generate_pin")
        block: bytes = compute(offset, how, side, pan)
        return block

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

