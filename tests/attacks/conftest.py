"""The attacker's position: a default-state :class:`pinsec.Hsm` and its public API (and the CLI).

A test rig (the Authorised state) plants keys with published clear values into a backend; the attacker
holds ``world.hsm``, a default-state Hsm over the same backend, and must get no clear key or PIN out of
it. Every test here is written as an attack and asserts that it fails. Both backends are attacked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

import pinsec
from pinsec import KeyAttributes, KeyHandle
from pinsec.backends import Backend, SoftwareBackend

from ..conformance.conftest import AES_BDK, AES_KBPK, AES_ZPK, TDES_KBPK, TDES_TEST_KEY, TDES_ZPK
from ..softhsm import pkcs11_backend

BACKENDS: dict[str, Callable[[], Backend]] = {"software": SoftwareBackend, "pkcs11": pkcs11_backend}
#: IBM 3624 / Visa PVK: the classic test key under a V1 and a V2 usage (psec's test suite uses it).
PVK = TDES_TEST_KEY
PAN = "4012345678909"


@dataclass
class World:
    """A backend with planted keys; ``hsm`` is the attacker's default-state Hsm, ``rig`` the test rig."""

    backend: Backend
    rig: pinsec.Hsm
    hsm: pinsec.Hsm
    keys: dict[str, KeyHandle] = field(default_factory=dict)
    clear: dict[str, bytes] = field(default_factory=dict)

    def plant(self, name: str, material: bytes, usage: str, algorithm: str, mode: str, exportability: str = "N"
              ) -> KeyHandle:
        handle = self.rig.import_clear_key(material, KeyAttributes(usage, algorithm, mode, "00", exportability))
        self.keys[name], self.clear[name] = handle, material
        return handle


def make_world(backend: Backend) -> World:
    w = World(backend, pinsec.Hsm(backend, authorized=True), pinsec.Hsm(backend))
    w.plant("tdes_bdk", TDES_TEST_KEY, "B0", "T", "X")
    w.plant("aes_bdk", AES_BDK, "B0", "A", "X")
    w.plant("tdes_zpk", TDES_ZPK, "P0", "T", "B", "E")
    w.plant("aes_zpk", AES_ZPK, "P0", "A", "B", "E")
    w.plant("aes_kbpk", AES_KBPK, "K1", "A", "B")
    w.plant("tdes_kbpk", TDES_KBPK, "K1", "T", "B")
    w.plant("ibm_pvk", PVK, "V1", "T", "C")
    w.plant("visa_pvk", PVK, "V2", "T", "C")
    w.plant("mk_ac", TDES_TEST_KEY, "E0", "T", "X")  # an issuer master key for application cryptograms
    return w


@pytest.fixture(params=sorted(BACKENDS))
def world(request: pytest.FixtureRequest) -> World:
    return make_world(BACKENDS[request.param]())
