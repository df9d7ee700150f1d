"""The Hsm's key operations (hsm/key_ops.py), every refusal reached with otherwise-valid input and nothing
kept after one; key lengths per algorithm; labels; the in-device gate of each operation against a backend
that runs everything host-side. Found untested by an honest mutation run of hsm/key_ops.py (docs/testing.md)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

import pytest

from pinsec import Hsm, KeyAttributes, kcv
from pinsec.backends.base import Capability
from pinsec.backends.software import SoftwareBackend
from pinsec.errors import DataError, InvalidKeyError, KeyPolicyError, UnsupportedOperation

ZPK = KeyAttributes("P0", "T", "B")
ZPK_E = KeyAttributes("P0", "T", "B", "00", "E")
HMAC = KeyAttributes("M7", "H", "C")
AES_KBPK = KeyAttributes("K1", "A", "B")
TDES_KBPK = KeyAttributes("K1", "T", "B")
BDK = KeyAttributes("B0", "T", "X")
KEY = bytes(range(1, 17))


def rig() -> Hsm:
    return Hsm(authorized=True)


# ------------------------------------------------------------------------------------------------ lengths

def test_default_lengths() -> None:
    hsm = rig()
    assert [hsm.generate_key(a).length for a in (ZPK, KeyAttributes("P0", "A", "B"), HMAC)] == [16, 16, 32]


@pytest.mark.parametrize(("attributes", "good", "bad"), [
    (ZPK, [16, 24], [8, 17, 32]),
    (KeyAttributes("P0", "A", "B"), [16, 24, 32], [17, 20, 48]),
    (HMAC, [16, 40, 64], [15, 65]),
])
def test_lengths_per_algorithm(attributes: KeyAttributes, good: list[int], bad: list[int]) -> None:
    hsm = rig()
    for n in good:
        assert hsm.generate_key(attributes, length=n).length == n
        assert hsm.import_clear_key(bytes(range(1, n + 1)), attributes).length == n
    before = len(hsm.list_keys())
    for n in bad:
        with pytest.raises(InvalidKeyError) as info:
            hsm.generate_key(attributes, length=n)
        assert info.value.field == "length"
        with pytest.raises(InvalidKeyError) as info:
            hsm.import_clear_key(bytes(range(1, n + 1)), attributes)
        assert info.value.field == "length"
    assert len(hsm.list_keys()) == before


@pytest.mark.parametrize("length", [True, "16", 16.0])
def test_a_length_that_is_not_an_int_is_refused(length: object) -> None:
    with pytest.raises(InvalidKeyError) as info:
        rig().generate_key(ZPK, length=length)  # type: ignore[arg-type]
    assert info.value.field == "length"


@pytest.mark.parametrize(("usage", "algorithm", "mode"), [("D0", "D", "B"), ("D1", "R", "B"), ("S0", "E", "S")])
def test_algorithms_the_hsm_cannot_hold(usage: str, algorithm: str, mode: str) -> None:
    hsm = rig()
    with pytest.raises(DataError) as info:
        hsm.generate_key(KeyAttributes(usage, algorithm, mode), length=16)
    assert info.value.field == "algorithm"
    assert hsm.list_keys() == []


@pytest.mark.parametrize("n", [15, 65])
def test_hmac_components_of_a_length_hmac_keys_cannot_have(n: int) -> None:
    # TDES and AES components of a bad length already fail their KCVs; HMAC check values take any length,
    # so the key's own length rule is what refuses these
    from pinsec.backends.software import check_value

    hsm = rig()
    parts = [bytes(range(1, n + 1)), bytes(range(100, 100 + n))]
    with pytest.raises(InvalidKeyError) as info:
        hsm.import_key_components(parts, HMAC, kcvs=[check_value(p, "H") for p in parts])
    assert info.value.field == "length"
    assert hsm.list_keys() == []


# ------------------------------------------------------------------------------------------------- inputs

def test_a_key_name_must_be_text() -> None:
    with pytest.raises(InvalidKeyError) as info:
        rig().key(123)  # type: ignore[arg-type]
    assert (info.value.code, info.value.field) == ("unknown_key", "key_id")


def test_clear_material_must_be_bytes_or_hex() -> None:
    hsm = rig()
    with pytest.raises(DataError) as info:
        hsm.import_clear_key([KEY[:8], KEY[8:]], ZPK)  # type: ignore[arg-type]
    assert info.value.field == "material"
    assert hsm.list_keys() == []


@pytest.mark.parametrize("block", ["", None, b"D0112P0TB00E0000"])
def test_a_key_block_must_be_a_non_empty_str(block: object) -> None:
    hsm = rig()
    kbpk = hsm.generate_key(AES_KBPK)
    with pytest.raises(DataError) as info:
        hsm.import_key_block(block, kbpk=kbpk)  # type: ignore[arg-type]
    assert info.value.field == "key_block"
    assert len(hsm.list_keys()) == 1


def test_a_stored_key_block_must_be_a_str() -> None:
    with pytest.raises(DataError) as info:
        rig().import_stored_key_block(b"D0112B0TX00N0000")  # type: ignore[arg-type]
    assert info.value.field == "key_block"


@pytest.mark.parametrize("version", ["DD", "", 4])
def test_an_export_version_is_one_letter(version: object) -> None:
    hsm = rig()
    key, kbpk = hsm.generate_key(ZPK_E), hsm.generate_key(AES_KBPK)
    with pytest.raises(DataError) as info:
        hsm.export_key_block(key, kbpk=kbpk, version=version)  # type: ignore[arg-type]
    assert info.value.field == "version"


def test_version_a_is_never_exported_and_lenient_is_not_offered() -> None:
    hsm = rig()
    key, kbpk = hsm.generate_key(ZPK_E), hsm.generate_key(TDES_KBPK)
    with pytest.raises(KeyPolicyError) as info:
        hsm.export_key_block(key, kbpk=kbpk, version="A")
    assert (info.value.code, info.value.field) == ("wrong_version", "version")
    assert "lenient" not in str(info.value)  # export has no lenient mode to point to


def test_a_non_exportable_key_never_leaves_in_clear(caplog: pytest.LogCaptureFixture) -> None:
    hsm = rig()
    key = hsm.generate_key(ZPK)  # exportability N by default
    caplog.set_level(logging.INFO, logger="pinsec.audit")
    with pytest.raises(KeyPolicyError) as info:
        hsm.export_clear_key(key)
    assert (info.value.code, info.value.field) == ("not_exportable", "exportability")
    assert not [r for r in caplog.records if r.name == "pinsec.audit"]  # the audit trail records no export


@pytest.mark.parametrize(("attributes", "method"), [(ZPK, "sha256"), (ZPK, None), (HMAC, "legacy"), (HMAC, "cmac")])
def test_check_value_methods_and_algorithms(attributes: KeyAttributes, method: object) -> None:
    hsm = rig()
    key = hsm.generate_key(attributes)
    with pytest.raises(DataError) as info:
        hsm.check_value(key, method=method)  # type: ignore[arg-type]
    assert info.value.field == "method"


CVK = KeyAttributes("C0", "T", "C")


def test_check_values_of_halves_are_for_a_cvk_pair() -> None:
    hsm = rig()
    pair = hsm.import_clear_key(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"), CVK)
    assert hsm.check_value(pair, method="halves") == "D5D44FA68CDC"  # ThalesSim's AW answer for this pair
    assert hsm.check_value(pair, method="halves", length=2) == "D5D4A68C"


@pytest.mark.parametrize(("attributes", "length"), [(ZPK, 16), (CVK, 24), (KeyAttributes("C0", "A", "C"), 16)])
def test_no_other_key_has_its_halves_checked(attributes: KeyAttributes, length: int) -> None:
    # a check value per half of any key would let each half be searched on its own
    hsm = rig()
    key = hsm.generate_key(attributes, length=length)
    with pytest.raises(DataError) as info:
        hsm.check_value(key, method="halves")
    assert (info.value.code, info.value.field) == ("no_kcv_method", "method")


def test_a_dukpt_key_comes_only_from_a_bdk() -> None:
    hsm = rig()
    zpk = hsm.generate_key(ZPK)
    with pytest.raises(KeyPolicyError) as info:
        hsm.derive_dukpt_key(zpk, "FFFF9876543210E00001")
    assert (info.value.code, info.value.field) == ("dukpt_ksn", "bdk_ksn")
    assert len(hsm.list_keys()) == 1


@pytest.mark.parametrize("purpose", ["nonsense", 1, "PIN"])
def test_a_dukpt_purpose_is_one_of_the_five(purpose: object) -> None:
    hsm = rig()
    bdk = hsm.import_clear_key(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"), BDK)
    with pytest.raises(DataError) as info:
        hsm.derive_dukpt_key(bdk, "FFFF9876543210E00001", purpose=purpose)  # type: ignore[arg-type]
    assert info.value.field == "purpose"
    assert len(hsm.list_keys()) == 1


# ------------------------------------------------------------------------------------------------- labels

def _generated(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("generated key")]


@pytest.mark.parametrize("label", ["", " padded", "tab\there", "é"])
def test_a_bad_label_is_refused_before_any_key_is_made(label: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="pinsec")
    hsm = rig()
    with pytest.raises(DataError) as info:
        hsm.generate_key(ZPK, label=label)
    assert (info.value.code, info.value.field) == ("invalid_label", "label")
    assert hsm.list_keys() == []
    assert _generated(caplog) == []  # refused up front, not made and then thrown away


def test_a_label_is_unique_and_no_key_takes_another_key_s_id(caplog: pytest.LogCaptureFixture) -> None:
    hsm = rig()
    first = hsm.generate_key(ZPK, label="acquirer zpk")
    caplog.set_level(logging.INFO, logger="pinsec")
    for label in ("acquirer zpk", first.id):
        with pytest.raises(DataError) as info:
            hsm.generate_key(ZPK, label=label)
        assert (info.value.code, info.value.field) == ("label_taken", "label")
    assert hsm.list_keys() == [first]
    assert _generated(caplog) == []


class _LabelRace(SoftwareBackend):
    """Another caller takes the label between the Hsm's check and its labelling (the race _labelled covers)."""

    def label_key(self, key_id: str, label: str | None):  # type: ignore[no-untyped-def]
        raise DataError("another key already has that label (or id)", code="label_taken", field="label")


def test_a_key_whose_label_was_taken_meanwhile_does_not_stay() -> None:
    hsm = Hsm(_LabelRace(), authorized=True)
    with pytest.raises(DataError):
        hsm.generate_key(ZPK, label="contested")
    assert hsm.list_keys() == []


# ---------------------------------------------------------------------------------------------- audit

def test_a_key_ceremony_is_audited(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="pinsec.audit")
    parts = [KEY, bytes(range(21, 37))]
    key = rig().import_key_components(parts, ZPK, kcvs=[kcv.legacy_kcv(p) for p in parts])
    assert any(r.getMessage().startswith("import_key_components") and key.id in r.getMessage()
               for r in caplog.records if r.name == "pinsec.audit")


# ------------------------------------------------------------------------------------ the in-device gate

class _HostSide(SoftwareBackend):
    """A backend that says it runs every operation outside a device (as a pure-software third-party
    backend would): an Hsm that requires in-device operations must refuse each one before calling it."""

    def capabilities(self) -> Mapping[str, Capability]:
        return {op: Capability(False, "host-side for this test") for op in super().capabilities()}


def test_every_key_operation_is_gated_when_in_device_is_required() -> None:
    backend = _HostSide()
    loose = Hsm(backend, authorized=True)
    strict = Hsm(backend, authorized=True, require_in_device=True)
    key = loose.generate_key(ZPK_E)
    parts = [KEY, bytes(range(21, 37))]
    calls: dict[str, Callable[[], object]] = {
        "generate_key": lambda: strict.generate_key(ZPK),
        "import_clear_key": lambda: strict.import_clear_key(KEY, ZPK),
        "import_clear_key (components)": lambda: strict.import_key_components(
            parts, ZPK, kcvs=[kcv.legacy_kcv(p) for p in parts]),
        "kcv": lambda: strict.kcv(key),
        "kcv (check_value)": lambda: strict.check_value(key, method="cmac"),
        "destroy": lambda: strict.destroy(key),
    }
    for name, call in calls.items():
        before = loose.list_keys()
        with pytest.raises(UnsupportedOperation) as info:
            call()
        assert info.value.code == "not_in_device", name
        assert info.value.field == name.split(" ")[0], name
        assert loose.list_keys() == before, name
