"""The HSM conformance suite: every test here runs unchanged against every backend.

Backends are listed in ``BACKENDS``; each factory returns a fresh backend. The ``hsm`` fixture is a test rig
over it (the Authorised state, so keys can be imported with published clear values and results checked
with tier-1 functions and published vectors); ``keys.production`` is a default-state Hsm over the same
backend, which is what an application holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

import pinsec
from pinsec import KeyAttributes, KeyHandle
from pinsec.backends import Backend, SoftwareBackend

from ..softhsm import pkcs11_backend

BACKENDS: dict[str, Callable[[], Backend]] = {"software": SoftwareBackend, "pkcs11": pkcs11_backend}

# Published clear keys: the X9.24-1:2009 A.4 BDK (also the classic 0123...3210 test key, KCV 08D7B4), the
# X9.24-3:2017 supplement AES-128 BDK, and the TR-31:2018 A.7 KBPKs.
TDES_TEST_KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
AES_BDK = bytes.fromhex("FEDCBA9876543210F1F1F1F1F1F1F1F1")
TDES_ZPK = bytes.fromhex("F039121BEC83D26B169BDCD5B22AAF8F")
AES_ZPK = bytes.fromhex("AF8CB133A78F8DC2D1359F18527593FB")
AES_KBPK = bytes.fromhex("88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6")
TDES_KBPK = bytes.fromhex("89E88CF7931444F334BD7547FC3F380C")


@dataclass
class Keys:
    """Handles for the published keys above, in one HSM."""

    hsm: pinsec.Hsm
    production: pinsec.Hsm
    tdes_bdk: KeyHandle
    aes_bdk: KeyHandle
    tdes_zpk: KeyHandle
    aes_zpk: KeyHandle
    aes_kbpk: KeyHandle
    tdes_kbpk: KeyHandle


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> Backend:
    return BACKENDS[request.param]()


@pytest.fixture
def hsm(backend: Backend) -> pinsec.Hsm:
    return pinsec.Hsm(backend, authorized=True)


@pytest.fixture
def keys(hsm: pinsec.Hsm, backend: Backend) -> Keys:
    def imp(material: bytes, usage: str, algorithm: str, mode: str, exportability: str = "E") -> KeyHandle:
        return hsm.import_clear_key(material, KeyAttributes(usage, algorithm, mode, "00", exportability))

    return Keys(
        hsm=hsm,
        production=pinsec.Hsm(backend),
        tdes_bdk=imp(TDES_TEST_KEY, "B0", "T", "X"),
        aes_bdk=imp(AES_BDK, "B0", "A", "X"),
        tdes_zpk=imp(TDES_ZPK, "P0", "T", "B"),
        aes_zpk=imp(AES_ZPK, "P0", "A", "B"),
        aes_kbpk=imp(AES_KBPK, "K1", "A", "B"),
        tdes_kbpk=imp(TDES_KBPK, "K1", "T", "B"),
    )
