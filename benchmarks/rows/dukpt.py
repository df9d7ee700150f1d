"""TDES DUKPT: pinsec against pydukpt on the same uniform KSNs; AES DUKPT (no Python peer exists)."""

from __future__ import annotations

import pydukpt
from _inputs import AES_BDK, TDES_BDK, aes_ksns, tdes_ksns

from pinsec.dukpt import aes, tdes
from rows import Row

_TDES = tdes_ksns(4000)
_AES = aes_ksns(4000)


def _pinsec_tdes(n: int) -> None:
    for ksn in _TDES[:n]:
        tdes.derive_working_key(TDES_BDK, ksn, tdes.KeyUsage.PIN)


def _pydukpt(n: int) -> None:
    for ksn in _TDES[:n]:
        pydukpt.pin_key(pydukpt.derive_key(pydukpt.derive_ipek(TDES_BDK, ksn), ksn))


def _pinsec_aes(n: int) -> None:
    for ksn in _AES[:n]:
        aes.derive_working_key(AES_BDK, ksn, aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128)


ROWS = [
    Row("TDES DUKPT PIN key, uniform counters", "pinsec", _pinsec_tdes),
    Row("TDES DUKPT PIN key, uniform counters", "pydukpt 0.1.0", _pydukpt),
    Row("AES-128 DUKPT PIN key, uniform counters", "pinsec", _pinsec_aes),
]
