"""Way in 3: DUKPT working keys keep their variant's usage and stay non-exportable."""

from __future__ import annotations

import pytest

from pinsec import KeyAttributes
from pinsec.errors import DataError, KeyPolicyError

from .conftest import World

KSN, AES_KSN = "FFFF9876543210E00001", "123456789012345600000001"


@pytest.mark.parametrize(("purpose", "attributes"), [
    ("pin", KeyAttributes("K1", "T", "B")),          # a PIN key that could wrap keys
    ("pin", KeyAttributes("M3", "T", "C")),          # a PIN key as a MAC key: a MAC oracle on PIN-key output
    ("pin", KeyAttributes("D0", "T", "B")),          # a PIN key that decrypts data: clear PIN blocks out
    ("mac_request", KeyAttributes("P0", "T", "B")),  # a MAC key as a PIN key
    ("data_request", KeyAttributes("P0", "T", "D")),
    ("pin", KeyAttributes("P0", "T", "B", "00", "E")),  # an exportable derived PIN key
    ("pin", KeyAttributes("P0", "T", "B", "00", "S")),
    ("pin", KeyAttributes("P0", "A", "B")),          # the algorithm is the derivation's, not the caller's
])
def test_widening_a_tdes_dukpt_key_is_refused(world: World, purpose: str, attributes: KeyAttributes) -> None:
    before = len(world.hsm.list_keys())
    with pytest.raises(KeyPolicyError) as info:
        world.hsm.derive_dukpt_key(world.keys["tdes_bdk"], KSN, purpose=purpose, attributes=attributes)
    assert info.value.code == "dukpt_attributes"
    assert len(world.hsm.list_keys()) == before


@pytest.mark.parametrize(("purpose", "attributes"), [
    ("pin", KeyAttributes("P0", "T", "E")), ("pin", KeyAttributes("P0", "T", "D")),
    ("mac_request", KeyAttributes("M3", "T", "G")), ("mac_response", KeyAttributes("M3", "T", "V")),
    ("data_response", KeyAttributes("D0", "T", "D", "07")),
])
def test_narrowing_is_allowed(world: World, purpose: str, attributes: KeyAttributes) -> None:
    k = world.hsm.derive_dukpt_key(world.keys["tdes_bdk"], KSN, purpose=purpose, attributes=attributes)
    assert k.attributes == attributes


def test_aes_dukpt_keys_keep_usage_too(world: World) -> None:
    bdk = world.keys["aes_bdk"]
    assert world.hsm.derive_dukpt_key(bdk, AES_KSN, purpose="mac_request").attributes.letters() == "M6AC00N"
    with pytest.raises(KeyPolicyError):
        world.hsm.derive_dukpt_key(bdk, AES_KSN, purpose="pin", attributes=KeyAttributes("K1", "A", "B"))
    with pytest.raises(KeyPolicyError) as info:  # an HMAC key type cannot be a PIN key
        world.hsm.derive_dukpt_key(bdk, AES_KSN, purpose="pin", key_type="HMAC128")
    assert info.value.code == "wrong_algorithm"
    with pytest.raises(DataError) as data:
        world.hsm.derive_dukpt_key(bdk, AES_KSN, purpose="pin", key_type="AES512")
    assert data.value.code == "unknown_key_type"


def test_derived_keys_never_leave(world: World) -> None:
    for purpose in ("pin", "mac_request", "data_request"):
        k = world.hsm.derive_dukpt_key(world.keys["tdes_bdk"], KSN, purpose=purpose)
        assert k.attributes.exportability.value == "N"
        with pytest.raises(KeyPolicyError) as info:
            world.hsm.export_key_block(k, kbpk=world.keys["aes_kbpk"])
        assert info.value.code == "not_exportable"
        with pytest.raises(KeyPolicyError):
            world.hsm.export_key_block(world.keys["tdes_zpk"], kbpk=k)  # nor wrap anything
