"""DUKPT working keys for the backends: one place that maps an HSM purpose to the tier-1 derivations.

Purposes follow the transaction's direction, as an acquirer host sees it: ``pin``, ``mac_request``,
``mac_response``, ``data_request``, ``data_response``. TDES DUKPT (X9.24-1:2009) uses its variants; AES
DUKPT (X9.24-3:2017) derives the key of the matching usage (request = what the terminal generates or
encrypts, response = what it verifies or decrypts) and of the requested working key type.
"""

from __future__ import annotations

from typing import Final

from ..dukpt import aes, tdes
from ..errors import DataError, KsnError

__all__ = [
    "PURPOSES",
    "aes_key_type",
    "aes_usage",
    "working_key",
    "working_key_algorithm",
    "working_key_check",
    "working_keys",
]

PURPOSES: Final = ("pin", "mac_request", "mac_response", "data_request", "data_response")

_TDES: Final = {
    "pin": tdes.KeyUsage.PIN,
    "mac_request": tdes.KeyUsage.MAC_REQUEST,
    "mac_response": tdes.KeyUsage.MAC_RESPONSE,
    "data_request": tdes.KeyUsage.DATA_REQUEST,
    "data_response": tdes.KeyUsage.DATA_RESPONSE,
}
_AES: Final = {
    "pin": aes.KeyUsage.PIN_ENCRYPTION,
    "mac_request": aes.KeyUsage.MAC_GENERATION,
    "mac_response": aes.KeyUsage.MAC_VERIFICATION,
    "data_request": aes.KeyUsage.DATA_ENCRYPTION_ENCRYPT,
    "data_response": aes.KeyUsage.DATA_ENCRYPTION_DECRYPT,
}


def _purpose(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise DataError(f"DUKPT purpose {purpose!r} is not one of {', '.join(PURPOSES)}", field="purpose")
    return purpose


def aes_usage(purpose: str) -> aes.KeyUsage:
    """The AES DUKPT key usage of an HSM purpose."""
    return _AES[_purpose(purpose)]


def aes_key_type(name: str | None) -> aes.KeyType:
    """The AES DUKPT working key type named (``AES128`` when None), or :class:`DataError` naming the choices.

    >>> aes_key_type("tdes2").name
    'TDES2'
    >>> aes_key_type("AES512")
    Traceback (most recent call last):
    ...
    pinsec.errors.DataError: unknown AES DUKPT key type 'AES512': one of TDES2, TDES3, AES128, ...
    """
    if name is None:
        return aes.KeyType.AES128
    if isinstance(name, str) and name.isascii():
        found = aes.KeyType.__members__.get(name.upper())
        if found is not None:
            return found
    shown = name if isinstance(name, str) and name.isascii() and name.isprintable() and len(name) <= 16 else "?"
    raise DataError(f"unknown AES DUKPT key type {shown!r}: one of {', '.join(aes.KeyType.__members__)}",
                    code="unknown_key_type", field="dukpt_key_type")


def working_key_algorithm(bdk_algorithm: str, key_type: str | None) -> str:
    """The TR-31 algorithm letter of the working key: ``T`` for TDES DUKPT and AES DUKPT TDES key types,
    ``H`` for AES DUKPT HMAC key types, ``A`` otherwise."""
    if bdk_algorithm == "T":
        return "T"
    name = aes_key_type(key_type).name
    return "T" if name.startswith("TDES") else ("H" if name.startswith("HMAC") else "A")


def working_keys(
    bdk: bytes, bdk_algorithm: str, ksns: list[bytes], purpose: str, key_type: str | None
) -> list[bytes]:
    """:func:`working_key` for many KSNs at once, sharing IPEKs / initial keys and intermediate keys of
    common counter prefixes within the call (the tier-1 batch derivations)."""
    purpose = _purpose(purpose)
    if bdk_algorithm == "T":
        return tdes.derive_working_keys(bdk, ksns, _TDES[purpose])
    if bdk_algorithm == "A":
        return aes.derive_working_keys(bdk, ksns, _AES[purpose], aes_key_type(key_type))
    raise DataError(f"a BDK of algorithm {bdk_algorithm} cannot derive DUKPT keys (T or A)", field="bdk")


def working_key_check(bdk_algorithm: str, ksn: bytes | None) -> bytes:
    """Validate a KSN for a BDK of this algorithm (raises KsnError naming what is wrong)."""
    if ksn is None:
        raise KsnError("a DUKPT record needs its KSN", field="ksn")
    return tdes.check_ksn(ksn) if bdk_algorithm == "T" else aes.check_ksn(ksn)


def working_key(bdk: bytes, bdk_algorithm: str, ksn: bytes, purpose: str, key_type: str | None) -> bytes:
    """Derive the DUKPT working key for ``purpose`` from a BDK of TR-31 algorithm ``T`` or ``A``."""
    purpose = _purpose(purpose)
    if bdk_algorithm == "T":
        return tdes.derive_working_key(bdk, ksn, _TDES[purpose])
    if bdk_algorithm == "A":
        return aes.derive_working_key(bdk, ksn, _AES[purpose], aes_key_type(key_type))
    raise DataError(f"a BDK of algorithm {bdk_algorithm} cannot derive DUKPT keys (T or A)", field="bdk")
