"""EMV issuer operations on the :class:`~pinsec.Hsm`: verify an application cryptogram (ARQC, TC or AAC)
under an issuer master key for application cryptograms (TR-31 E0), and answer a verified ARQC with an
ARPC. The card's key and any session key are derived inside and never leave."""

from __future__ import annotations

import hmac
from typing import Literal

from .. import emv
from .._hex import sized_bytes
from ..errors import DataError, InvalidKeyError, VerificationError
from ..keys import KeyHandle
from . import policy
from ._core import _HsmCore

SessionKey = Literal["none", "common", "mastercard"]
ArpcKey = Literal["card", "session"]


class _EmvOps(_HsmCore):
    __slots__ = ()

    def verify_arqc(
        self,
        key: KeyHandle,
        arqc: bytes,
        *,
        pan_block: bytes,
        data: bytes,
        session_key: SessionKey = "none",
        atc: bytes | None = None,
        unpredictable_number: bytes | None = None,
        arc: bytes | None = None,
        arpc_key: ArpcKey = "card",
    ) -> bytes | None:
        """Raise :class:`VerificationError` unless ``arqc`` is the application cryptogram of ``data`` for the
        card; with ``arc`` (2 bytes), return the ARPC (method 1) for that verified cryptogram.

        ``key`` is the issuer master key (usage E0, TDES, double length); the card's key is derived from it
        and ``pan_block`` (EMV option A, :func:`pinsec.emv.pan_block`). ``session_key`` says which key
        computes the cryptogram: ``"none"`` the card's key itself (Visa CVN 10, the payShield KQ command's
        scheme 0), ``"common"`` EMV's common session key from the ``atc`` (CSK cards), ``"mastercard"``
        MasterCard's session key from the ``atc`` and ``unpredictable_number`` (M/Chip 2, KQ's scheme 1).
        ``data`` is 1 to 255 bytes, zero-padded to whole blocks (a scheme's 80 pad is the caller's). The
        ARPC is under the card's key (``arpc_key="card"``, as the KQ command gives it and Visa CVN 10 and
        MasterCard CVN 16 cards check it) or under the cryptogram's session key (``arpc_key="session"``, as CSK
        cards such as MasterCard CVN 20 check it; not with ``session_key="none"``).

        There is no ARPC for a cryptogram that did not verify: an ARPC is the card key's TDES of a block
        the caller would otherwise choose freely, which enciphers MasterCard session key derivation data
        as well as anything else (the session keys in clear).
        """
        key = self._known(key)
        policy.check_key(key.attributes, operation="application cryptogram", usages={"E0"}, modes={"X", "N"},
                         algorithms={"T"})
        if key.length != 16:
            raise InvalidKeyError("an issuer master key for application cryptograms is a double-length key",
                                  field="key")
        arqc = sized_bytes(arqc, 8, field="arqc")
        pan_block = sized_bytes(pan_block, 8, field="pan_block")
        if not isinstance(data, (bytes, bytearray)) or not 1 <= len(data) <= 255:
            raise DataError("transaction data is 1 to 255 bytes", field="data")
        if arc is not None:
            arc = sized_bytes(arc, 2, field="arc")
        session = self._session_data(session_key, atc, unpredictable_number)
        if arpc_key not in ("card", "session") or (arpc_key == "session" and session is None):
            raise DataError("arpc_key is card, or session with a session key", field="arpc_key")
        self._gate("emv_cryptogram")
        expected = self._backend.emv_cryptogram(key, pan_block, session, bytes(data))
        if not hmac.compare_digest(expected, arqc):
            raise VerificationError("application cryptogram did not verify", code="arqc_mismatch", field="arqc")
        if arc is None:
            return None
        return self._backend.emv_arpc(key, pan_block, session if arpc_key == "session" else None, arqc, arc)

    @staticmethod
    def _session_data(session_key: object, atc: bytes | None, un: bytes | None) -> bytes | None:
        """R for the session key derivation, or None for the card's key itself."""
        if session_key == "none":
            return None
        if session_key == "common":
            return emv.common_session_data(atc)  # type: ignore[arg-type]
        if session_key == "mastercard":
            return emv.mastercard_session_data(atc, un)  # type: ignore[arg-type]
        raise DataError("session_key is 'none', 'common' or 'mastercard'", field="session_key")
