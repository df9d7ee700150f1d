"""MACs on the :class:`~pinsec.Hsm`: the key's TR-31 usage fixes the algorithm; a BDK with a KSN computes
with its DUKPT MAC key."""

from __future__ import annotations

from typing import Final

from ..backends import _dukpt
from ..backends.base import MacAlgorithm, MacKey
from ..errors import (
    DataError,
    KeyPolicyError,
)
from ..keys import KeyHandle
from . import policy
from ._core import _HsmCore

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


class _MacOps(_HsmCore):
    __slots__ = ()

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

