"""AES DUKPT derivation into a handle: PKCS#11 (SoftHSMv2, in the token) beside the software backend."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest
from _inputs import AES_BDK, aes_ksns

import pinsec
from pinsec import KeyAttributes

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.softhsm import pkcs11_backend


@pytest.mark.parametrize("backend", ["software", "pkcs11"])
def test_aes_dukpt_derive_into_handle(benchmark, backend: str) -> None:
    hsm = pinsec.Hsm(pkcs11_backend(), authorized=True) if backend == "pkcs11" else pinsec.Hsm(authorized=True)
    bdk = hsm.import_clear_key(AES_BDK, KeyAttributes("B0", "A", "X", "00", "N"))
    ksns = itertools.cycle(aes_ksns(500))

    def derive() -> None:
        hsm.destroy(hsm.derive_dukpt_key(bdk, next(ksns), purpose="pin"))

    benchmark(derive)
