"""Key handles, key import/export and check values, on every backend."""

from __future__ import annotations

import copy
import pickle

import pytest

import pinsec
from pinsec import KeyAttributes, KeyHandle, kcv
from pinsec.backends import Backend
from pinsec.errors import InvalidKeyError, KeyPolicyError, UnsupportedOperation, VerificationError

from .conftest import AES_KBPK, TDES_KBPK, TDES_TEST_KEY, Keys

# TR-31:2018 A.7.4 (openemv/tr31 test6): a P0 AES key block under the AES-256 KBPK above.
A74_BLOCK = ("D0112P0AE00E0000B82679114F470F540165EDFB"
             "F7E250FCEA43F810D215F8D207E2E417C07156A27E8E31DA05F7425509593D03A457DC34")


def test_classic_test_key_kcv(hsm: pinsec.Hsm) -> None:
    # The KCV of 0123456789ABCDEFFEDCBA9876543210 is the widely published 08D7B4.
    k = hsm.import_clear_key(TDES_TEST_KEY, KeyAttributes("P0", "T", "B"))
    assert k.kcv == "08D7B4"
    assert hsm.kcv(k) == "08D7B4"


# Components whose XOR is the classic test key (published KCV 08D7B4); none is zero, and their OR differs
# from their XOR, so combining them any other way misses the published KCV.
COMPONENTS = [bytes.fromhex("F0F0F0F0F0F0F0F00F0F0F0F0F0F0F0F"), bytes.fromhex("3C3C3C3C3C3C3C3CC3C3C3C3C3C3C3C3")]
COMPONENTS.append(bytes(a ^ b ^ c for a, b, c in zip(TDES_TEST_KEY, *COMPONENTS, strict=True)))


@pytest.mark.parametrize("count", [2, 3])
def test_components_xor_into_the_key_and_are_checked(hsm: pinsec.Hsm, count: int) -> None:
    parts = COMPONENTS[:2] if count == 3 else [COMPONENTS[0], bytes(a ^ b for a, b in zip(TDES_TEST_KEY,
                                                                                        COMPONENTS[0], strict=True))]
    parts = COMPONENTS if count == 3 else parts
    kcvs = [kcv.legacy_kcv(p, algorithm="T") for p in parts]
    z = hsm.import_key_components([p.hex() for p in parts], KeyAttributes("P0", "T", "B"), kcvs=kcvs, kcv="08D7B4")
    assert z.kcv == "08D7B4"
    before = len(hsm.list_keys())
    for i in range(count):
        wrong = list(kcvs)
        wrong[i] = "000000"
        with pytest.raises(VerificationError) as info:
            hsm.import_key_components(parts, KeyAttributes("P0", "T", "B"), kcvs=wrong)
        assert info.value.field == f"component {i + 1}"
    with pytest.raises(VerificationError):
        hsm.import_key_components(parts, KeyAttributes("P0", "T", "B"), kcvs=kcvs, kcv="08D7B5")
    assert len(hsm.list_keys()) == before


def test_expected_kcv_mismatch_keeps_nothing(hsm: pinsec.Hsm) -> None:
    before = len(hsm.list_keys())
    with pytest.raises(VerificationError):
        hsm.import_clear_key(TDES_TEST_KEY, KeyAttributes("P0", "T", "B"), kcv="ABCDEF")
    assert len(hsm.list_keys()) == before


def test_handle_is_opaque_frozen_and_not_picklable(keys: Keys) -> None:
    h = keys.tdes_zpk
    text = repr(h) + str(h)
    assert "P0" in text and h.kcv in text
    assert "F039121BEC83D26B" not in text.upper()
    with pytest.raises(TypeError):
        pickle.dumps(h)
    with pytest.raises(AttributeError):
        h._id = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        KeyHandle(object(), id="x", attributes=h.attributes, kcv="000000", length=16)
    assert copy.deepcopy(h) is h
    assert not hasattr(h, "__dict__")


def test_generate_key_lengths_and_parity(hsm: pinsec.Hsm) -> None:
    for length in (16, 24):
        k = hsm.generate_key(KeyAttributes("P0", "T", "B", "00", "E"), length=length)
        assert k.length == length and len(k.kcv) == 6
        material = hsm.export_clear_key(k)
        assert all(bin(b).count("1") % 2 == 1 for b in material)
    with pytest.raises(InvalidKeyError):
        hsm.generate_key(KeyAttributes("P0", "T", "B"), length=8)


def test_export_import_key_block_round_trip(keys: Keys) -> None:
    hsm = keys.hsm
    for kbpk, version in ((keys.aes_kbpk, "D"), (keys.tdes_kbpk, "B"), (keys.tdes_kbpk, "C")):
        block = hsm.export_key_block(keys.tdes_zpk, kbpk=kbpk, version=version)
        assert block.startswith(version) and block[5:12] == "P0TB00E"
        back = hsm.import_key_block(block, kbpk=kbpk)
        assert back.kcv == keys.tdes_zpk.kcv
        assert back.attributes == keys.tdes_zpk.attributes


def test_import_published_key_block(keys: Keys) -> None:
    k = keys.hsm.import_key_block(A74_BLOCK, kbpk=keys.aes_kbpk)
    assert k.attributes.letters() == "P0AE00E"
    assert k.length == 16
    assert k.kcv[:6] == "08793E"  # AES-CMAC KCV of the published clear key 3F419E1CB7079442AA37474C2EFBF8B8


def test_tampered_key_block_is_refused(keys: Keys) -> None:
    block = keys.hsm.export_key_block(keys.aes_zpk, kbpk=keys.aes_kbpk)
    flipped = block[:-1] + ("0" if block[-1] != "0" else "1")
    with pytest.raises(VerificationError):
        keys.hsm.import_key_block(flipped, kbpk=keys.aes_kbpk)


def test_export_refusals(keys: Keys) -> None:
    hsm = keys.hsm
    with pytest.raises(KeyPolicyError) as info:
        hsm.export_key_block(keys.aes_zpk, kbpk=keys.tdes_kbpk)
    assert info.value.code == "weak_kbpk"
    secret = hsm.import_clear_key(TDES_TEST_KEY, KeyAttributes("P0", "T", "B", "00", "N"))
    with pytest.raises(KeyPolicyError) as info:
        hsm.export_key_block(secret, kbpk=keys.aes_kbpk)
    assert info.value.code == "not_exportable"
    with pytest.raises(KeyPolicyError) as info:
        hsm.export_key_block(keys.tdes_zpk, kbpk=keys.aes_zpk)
    assert info.value.code == "wrong_usage"
    with pytest.raises(KeyPolicyError) as info:
        keys.production.export_clear_key(keys.production.key(keys.tdes_zpk.id))
    assert info.value.code == "not_authorized"
    with pytest.raises(KeyPolicyError) as info:
        hsm.export_clear_key(secret)
    assert info.value.code == "not_exportable"


def test_unwrap_only_kbpk_cannot_wrap(keys: Keys) -> None:
    unwrap_only = keys.hsm.import_clear_key(AES_KBPK, KeyAttributes("K1", "A", "D"))
    with pytest.raises(KeyPolicyError) as info:
        keys.hsm.export_key_block(keys.tdes_zpk, kbpk=unwrap_only)
    assert info.value.code == "wrong_mode"
    wrap_only = keys.hsm.import_clear_key(TDES_KBPK, KeyAttributes("K1", "T", "E"))
    block = keys.hsm.export_key_block(keys.tdes_zpk, kbpk=wrap_only)
    with pytest.raises(KeyPolicyError):
        keys.hsm.import_key_block(block, kbpk=wrap_only)


def test_destroy(keys: Keys) -> None:
    keys.hsm.destroy(keys.tdes_zpk)
    with pytest.raises(InvalidKeyError):
        keys.hsm.kcv(keys.tdes_zpk)
    with pytest.raises(InvalidKeyError):
        keys.hsm.key(keys.tdes_zpk.id)


def test_require_in_device_refuses_clear_export(backend: Backend) -> None:
    strict = pinsec.Hsm(backend, require_in_device=True, authorized=True)
    k = strict.import_clear_key(TDES_TEST_KEY, KeyAttributes("P0", "T", "B", "00", "E"))
    with pytest.raises(UnsupportedOperation):
        strict.export_clear_key(k)
