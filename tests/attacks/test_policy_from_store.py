"""Way in 2: policy comes from the stored key, never from the caller's handle or the backend object."""

from __future__ import annotations

import copy
import pickle

import pytest

import pinsec
import pinsec.keys
from pinsec import KeyAttributes, KeyHandle
from pinsec.errors import InvalidKeyError, KeyPolicyError

from ..conformance.conftest import TDES_TEST_KEY
from .conftest import World


def _forge(like: KeyHandle, attributes: KeyAttributes) -> KeyHandle:
    """A handle naming a real key but claiming other attributes, made the way an attacker could: through
    pinsec's private constructor, and by writing slots behind the immutability guard."""
    forged = pinsec.keys._make_handle(id=like.id, attributes=attributes, kcv=like.kcv, length=like.length)
    assert forged.attributes == attributes
    return forged


def _forge_by_slots(like: KeyHandle, attributes: KeyAttributes) -> KeyHandle:
    forged = object.__new__(KeyHandle)
    for name, value in (("_id", like.id), ("_attributes", attributes), ("_kcv", like.kcv), ("_length", like.length)):
        object.__setattr__(forged, name, value)
    return forged


@pytest.mark.parametrize("forge", [_forge, _forge_by_slots])
def test_a_forged_exportable_handle_exports_nothing(world: World, forge: object) -> None:
    bdk = world.keys["tdes_bdk"]  # stored B0/X, non-exportable
    claims = KeyAttributes("B0", "T", "X", "00", "E")
    with pytest.raises(KeyPolicyError) as info:
        world.hsm.export_key_block(forge(bdk, claims), kbpk=world.keys["aes_kbpk"])  # type: ignore[operator]
    assert info.value.code == "handle_mismatch"


@pytest.mark.parametrize("forge", [_forge, _forge_by_slots])
def test_a_pin_key_cannot_be_renamed_into_a_kbpk(world: World, forge: object) -> None:
    zpk = world.keys["tdes_zpk"]  # stored P0: if it could wrap, its key blocks would be chosen-key material
    as_kbpk = forge(zpk, KeyAttributes("K1", "T", "B"))  # type: ignore[operator]
    with pytest.raises(KeyPolicyError) as info:
        world.hsm.export_key_block(world.keys["tdes_zpk"], kbpk=as_kbpk)
    assert info.value.code == "handle_mismatch"
    with pytest.raises(KeyPolicyError):
        world.hsm.generate_mac(forge(zpk, KeyAttributes("M1", "T", "C")), b"data")  # type: ignore[operator]


def test_the_backend_refuses_forged_handles_and_non_exportable_keys(world: World) -> None:
    # Whoever holds the backend object itself still cannot widen a key: backends read their own records.
    bdk = world.keys["tdes_bdk"]
    with pytest.raises(KeyPolicyError) as info:
        world.backend.export_clear_key(_forge(bdk, KeyAttributes("B0", "T", "X", "00", "E")))
    assert info.value.code == "handle_mismatch"
    with pytest.raises(KeyPolicyError) as info:
        world.backend.export_clear_key(bdk)
    assert info.value.code == "not_exportable"
    with pytest.raises(KeyPolicyError) as info:
        world.backend.export_key_block(bdk, world.keys["aes_kbpk"], version="D")
    assert info.value.code == "not_exportable"


def test_the_hsm_gives_no_way_to_its_backend(world: World) -> None:
    info = world.hsm.backend
    for name in ("export_clear_key", "clear_material", "_clear_material", "import_clear_key", "encrypt_pin",
                 "check_pin", "export_key_block", "translate_pin"):
        assert not hasattr(info, name), name
    assert info.name in ("software", "pkcs11") and info.capabilities() and info.list_keys()
    assert not hasattr(world.hsm, "__dict__")
    assert not hasattr(pinsec.keys, "make_handle")
    with pytest.raises(TypeError):
        KeyHandle(object(), id="x", attributes=KeyAttributes("P0", "T", "B"), kcv="000000", length=16)


@pytest.mark.parametrize("thing", ["hsm", "backend", "info"])
def test_nothing_holding_keys_pickles_or_copies(world: World, thing: str) -> None:
    obj = {"hsm": world.hsm, "backend": world.backend, "info": world.hsm.backend}[thing]
    with pytest.raises(TypeError):
        pickle.dumps(obj)
    if thing == "hsm":
        with pytest.raises(TypeError):
            copy.copy(obj)
        with pytest.raises(TypeError):
            copy.deepcopy(obj)


def test_a_handle_from_another_hsm_names_nothing_here(world: World) -> None:
    other = pinsec.Hsm(authorized=True)
    foreign = other.import_clear_key(TDES_TEST_KEY, KeyAttributes("B0", "T", "X", "00", "E"))
    with pytest.raises(InvalidKeyError) as info:
        world.hsm.export_key_block(foreign, kbpk=world.keys["aes_kbpk"])
    assert info.value.code == "unknown_key"


def test_a_handle_of_a_destroyed_key_is_dead(world: World) -> None:
    k = world.hsm.generate_key(KeyAttributes("P0", "T", "B", "00", "E"))
    world.hsm.destroy(k)
    with pytest.raises(InvalidKeyError):
        world.hsm.export_key_block(k, kbpk=world.keys["aes_kbpk"])
