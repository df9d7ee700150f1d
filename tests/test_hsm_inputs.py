"""The Hsm's own input checks (hsm/_core.py), each reached with otherwise-valid input: a wrong type or form
gets a typed pinsec error naming the field, never a TypeError or AttributeError from deeper down and never
a partial result. Found untested by a mutation run of hsm/_core.py (docs/testing.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pinsec import Hsm, KeyAttributes, kcv
from pinsec.backends.software import SoftwareBackend
from pinsec.errors import DataError, PanError, VerificationError

ZPK = KeyAttributes("P0", "T", "B")
# a key from 16 distinct bytes; its legacy KCV (TDES of zeros) computed by pinsec.kcv, itself checked
# against the published KCVs in tests/test_tr31.py
KEY = bytes(range(1, 17))


@pytest.mark.parametrize("store", [{"keystore": "STORE"}, {"lmk": "00" * 32}, {"lmk_file": "LMK"}])
def test_a_backend_and_a_key_store_together_are_refused(store: dict[str, str], tmp_path: Path) -> None:
    # each of the three ways of naming the software backend's key store, alone, with an explicit backend
    given = {k: (str(tmp_path / v) if k != "lmk" else v) for k, v in store.items()}
    with pytest.raises(DataError) as info:
        Hsm(SoftwareBackend(), **given)  # type: ignore[arg-type]
    assert info.value.field == "keystore"


@pytest.mark.parametrize("call", ["generate_key", "import_clear_key"])
def test_attributes_must_be_key_attributes(call: str) -> None:
    hsm = Hsm(authorized=True)
    letters = "P0TB"  # the right letters, as a str instead of KeyAttributes
    with pytest.raises(DataError) as info:
        if call == "generate_key":
            hsm.generate_key(letters)  # type: ignore[arg-type]
        else:
            hsm.import_clear_key(KEY, letters)  # type: ignore[arg-type]
    assert info.value.field == "attributes"
    assert hsm.list_keys() == []


@pytest.mark.parametrize("expected", [123456, "ÄÖÜÄÖÜ"])
def test_an_expected_kcv_must_be_hex_text(expected: object) -> None:
    hsm = Hsm(authorized=True)
    with pytest.raises(DataError) as info:
        hsm.import_clear_key(KEY, ZPK, kcv=expected)  # type: ignore[arg-type]
    assert info.value.field == "kcv"
    assert hsm.list_keys() == []


def test_the_right_expected_kcv_admits_the_key() -> None:
    hsm = Hsm(authorized=True)
    handle = hsm.import_clear_key(KEY, ZPK, kcv=kcv.legacy_kcv(KEY)[:6].lower())
    assert handle.kcv == kcv.legacy_kcv(KEY)


@pytest.mark.parametrize("expected", [123456, "ÄÖÜÄÖÜ"])
def test_a_component_kcv_that_is_not_hex_text_is_a_mismatch(expected: object) -> None:
    hsm = Hsm(authorized=True)
    parts = [KEY, bytes(range(21, 37))]
    with pytest.raises(VerificationError) as info:
        hsm.import_key_components(parts, ZPK, kcvs=[expected, kcv.legacy_kcv(parts[1])])  # type: ignore[list-item]
    assert info.value.field == "component 1"
    assert hsm.list_keys() == []


def test_a_pan_that_is_not_text_is_refused_for_a_format_without_pan() -> None:
    # ISO format 1 does not bind the PAN, so no PAN check runs on the block; a PAN given anyway is checked
    hsm = Hsm(authorized=True)
    zpk = hsm.generate_key(ZPK)
    block = hsm.encrypt_pin("1234", key=zpk, format=1, pan=None)
    with pytest.raises(PanError) as info:
        hsm.translate_pin(block, src_key=zpk, src_format=1, dst_key=zpk, dst_format=1,
                          pan=4111111111111111)  # type: ignore[arg-type]
    assert info.value.field == "pan"


def test_a_dukpt_key_type_is_checked_even_for_a_key_that_is_not_a_bdk() -> None:
    hsm = Hsm(authorized=True)
    zpk = hsm.generate_key(ZPK)
    block = hsm.encrypt_pin("1234", key=zpk, format=1, pan=None)
    with pytest.raises(DataError) as info:
        hsm.translate_pin(block, src_key=zpk, src_format=1, dst_key=zpk, dst_format=1, pan=None,
                          src_dukpt_key_type="AES999")
    assert (info.value.field, info.value.code) == ("dukpt_key_type", "unknown_key_type")


def test_a_pin_that_is_not_text_is_refused() -> None:
    hsm = Hsm(authorized=True)
    zpk = hsm.generate_key(ZPK)
    with pytest.raises(DataError) as info:
        hsm.encrypt_pin(1234, key=zpk, format=1, pan=None)  # type: ignore[arg-type]
    assert info.value.field == "pin"
