"""Way in 4: key blocks are bound to their KBPK's algorithm and strength; weak keys and LMKs are refused.

The attack blocks are made with tier-1 :func:`pinsec.tr31.wrap` under the published KBPKs, as an attacker
who learned a KBPK, or a misbehaving peer, could make them: each would make the Hsm read the KBPK's bytes
as a key of another algorithm, or carry a key under a weaker one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import pinsec
from pinsec import KeyAttributes, tr31
from pinsec.errors import InvalidKeyError, KeyPolicyError

from ..conformance.conftest import AES_KBPK, TDES_KBPK, TDES_TEST_KEY
from .conftest import World

AES256 = bytes(range(1, 33))
TDES3 = bytes.fromhex("0123456789ABCDEFFEDCBA987654321089ABCDEF01234567")
EQUAL_HALVES = bytes.fromhex("0123456789ABCDEF0123456789ABCDEF")
EQUAL_BUT_PARITY = bytes.fromhex("0123456789ABCDEF0023456789ABCDEE")  # halves differ in parity bits only


@pytest.mark.parametrize(("kbpk", "version"), [("tdes_kbpk", "D"), ("tdes_kbpk", "E"), ("aes128_kbpk", "B"),
                                               ("aes128_kbpk", "C"), ("aes128_kbpk", "A")])
def test_a_version_of_the_other_algorithm_is_refused_both_ways(world: World, kbpk: str, version: str) -> None:
    # A 16-byte AES KBPK under a TDES version would be read as a 2-key TDES key, and the reverse.
    world.plant("aes128_kbpk", bytes.fromhex("00112233445566778899AABBCCDDEEFF"), "K1", "A", "B")
    key = world.keys["tdes_zpk"]
    with pytest.raises(KeyPolicyError) as info:
        world.hsm.export_key_block(key, kbpk=world.keys[kbpk], version=version)
    assert info.value.code == "wrong_version"
    block = tr31.wrap(world.clear[kbpk], world.clear["tdes_zpk"], f"{version}0000P0TB00E0000")
    before = len(world.hsm.list_keys())
    with pytest.raises(KeyPolicyError) as info:
        world.hsm.import_key_block(block, kbpk=world.keys[kbpk], lenient=True)
    assert info.value.code == "wrong_version"
    assert len(world.hsm.list_keys()) == before


def test_version_a_never_on_export_and_on_import_only_lenient(world: World) -> None:
    with pytest.raises(KeyPolicyError) as info:
        world.hsm.export_key_block(world.keys["tdes_zpk"], kbpk=world.keys["tdes_kbpk"], version="A")
    assert info.value.code == "wrong_version"
    block = tr31.wrap(TDES_KBPK, TDES_TEST_KEY, "A0000P0TB00E0000")
    with pytest.raises(KeyPolicyError):
        world.hsm.import_key_block(block, kbpk=world.keys["tdes_kbpk"])
    assert world.hsm.import_key_block(block, kbpk=world.keys["tdes_kbpk"], lenient=True).kcv == "08D7B4"


@pytest.mark.parametrize(("key", "header"), [(AES256, "B0000P0AB00E0000"), (TDES3, "B0000P0TB00E0000")])
def test_a_key_stronger_than_its_kbpk_is_refused_on_import(world: World, key: bytes, header: str) -> None:
    block = tr31.wrap(TDES_KBPK, key, header)  # a 2-key TDES KBPK
    before = len(world.hsm.list_keys())
    with pytest.raises(KeyPolicyError) as info:
        world.hsm.import_key_block(block, kbpk=world.keys["tdes_kbpk"])
    assert info.value.code == "weak_kbpk"
    assert len(world.hsm.list_keys()) == before


def test_a_key_stronger_than_its_kbpk_is_refused_on_export(world: World) -> None:
    strong = world.hsm.generate_key(KeyAttributes("P0", "A", "B", "00", "E"), length=32)
    with pytest.raises(KeyPolicyError) as info:
        world.hsm.export_key_block(strong, kbpk=world.keys["tdes_kbpk"])
    assert info.value.code == "weak_kbpk"
    aes128_kbpk = world.hsm.generate_key(KeyAttributes("K1", "A", "B"), length=16)
    with pytest.raises(KeyPolicyError) as info:
        world.hsm.export_key_block(strong, kbpk=aes128_kbpk)
    assert info.value.code == "weak_kbpk"


def test_a_kbpk_cannot_wrap_itself(world: World) -> None:
    kbpk = world.hsm.generate_key(KeyAttributes("K1", "A", "B", "00", "E"), length=32)
    with pytest.raises(KeyPolicyError) as info:
        world.hsm.export_key_block(kbpk, kbpk=kbpk)
    assert info.value.code == "same_key"


@pytest.mark.parametrize("material", [EQUAL_HALVES, EQUAL_BUT_PARITY, TDES_TEST_KEY[:8] * 3,
                                      TDES_TEST_KEY + TDES_TEST_KEY[8:]])
def test_single_des_in_disguise_is_refused(world: World, material: bytes) -> None:
    with pytest.raises(InvalidKeyError) as info:
        world.rig.import_clear_key(material, KeyAttributes("P0", "T", "B"))
    assert info.value.code == "weak_key"
    block = tr31.wrap(AES_KBPK, material, "D0000P0TB00E0000")
    with pytest.raises(InvalidKeyError):
        world.hsm.import_key_block(block, kbpk=world.keys["aes_kbpk"])


@pytest.mark.parametrize("lmk", [bytes(range(16)), bytes(range(24)), bytes(32), b"\x5a" * 32])
def test_weak_lmks_are_refused(tmp_path: Path, lmk: bytes) -> None:
    with pytest.raises(InvalidKeyError) as info:
        pinsec.Hsm(keystore=tmp_path / "keys.json", lmk=lmk)
    assert info.value.code == "weak_lmk"


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o644])
def test_an_lmk_file_others_can_read_is_refused(tmp_path: Path, mode: int) -> None:
    lmk_file = tmp_path / "lmk.hex"
    lmk_file.write_text(bytes(range(32)).hex())
    lmk_file.chmod(mode)
    with pytest.raises(InvalidKeyError) as info:
        pinsec.Hsm(keystore=tmp_path / "keys.json", lmk_file=lmk_file)
    assert info.value.code == "lmk_file_permissions"
    lmk_file.chmod(0o600)
    assert pinsec.Hsm(keystore=tmp_path / "keys.json", lmk_file=lmk_file).list_keys() == []
