"""Every refusal branch of :mod:`pinsec.hsm.policy`, each reached with otherwise-valid input, and the
in-device gate on every operation a hybrid PKCS#11 backend runs on the host.

Rules: PCI PIN Security Requirement 3-3 (translation matrix, no PAN change between PAN-bound formats);
ISO 9564-1:2017 (format 4 is the AES format, 0-3 the TDES ones); ANSI X9.24-1 / X9.143 (a key is never
protected by a weaker key; key block versions per KBPK algorithm); X9.24-3 (DUKPT working key usages).
"""

from __future__ import annotations

import pytest

import pinsec
from pinsec import KeyAttributes, pinblock
from pinsec.errors import KeyPolicyError, UnsupportedOperation
from pinsec.hsm import policy

from .softhsm import pkcs11_backend

PAN, OTHER_PAN = "4012345678909", "4012345678917"


@pytest.mark.parametrize("dst_format", [0, 3, 4])
@pytest.mark.parametrize("src_format", [0, 1, 3, 4])
def test_pan_change_is_refused_into_every_pan_bound_format(src_format: int, dst_format: int) -> None:
    policy.check_translation(src_format, dst_format, PAN, PAN)  # the same PAN: fine
    policy.check_translation(src_format, dst_format, PAN, None)
    with pytest.raises(KeyPolicyError) as info:
        policy.check_translation(src_format, dst_format, PAN, OTHER_PAN)
    assert info.value.code == "pan_change"


def test_pan_change_is_allowed_into_format_1_and_within_format_2() -> None:
    policy.check_translation(1, 1, PAN, OTHER_PAN)
    policy.check_translation(2, 2, PAN, OTHER_PAN)


@pytest.mark.parametrize(("src", "dst"), [(5, 0), (0, 5), (-1, 0), (0, -1)])
def test_unknown_formats_are_refused(src: int, dst: int) -> None:
    with pytest.raises(KeyPolicyError) as info:
        policy.check_translation(src, dst, PAN, None)
    assert info.value.code == "forbidden_translation"


@pytest.mark.parametrize("side", ["src", "dst"])
def test_pin_key_algorithm_per_format(side: str) -> None:
    for fmt in range(4):
        policy.check_pin_key_algorithm("T", fmt, side=side)
        with pytest.raises(KeyPolicyError) as info:
            policy.check_pin_key_algorithm("A", fmt, side=side)
        assert (info.value.code, info.value.field) == ("wrong_algorithm", f"{side}_key")
    policy.check_pin_key_algorithm("A", 4, side=side)
    for alg in ("T", "H", "D"):
        with pytest.raises(KeyPolicyError):
            policy.check_pin_key_algorithm(alg, 4, side=side)


def test_strength_ranking() -> None:
    # X9.24-1:2017 / SP 800-57 strengths: 2-key TDES 80 bits < 3-key 112 < AES-128 < AES-192 < AES-256.
    order = [("D", 8), ("T", 16), ("T", 24), ("A", 16), ("A", 24), ("A", 32)]
    ranks = [policy.key_strength(a, n) for a, n in order]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert policy.key_strength("H", 16) == policy.key_strength("A", 16)
    assert policy.key_strength("H", 32) == policy.key_strength("A", 32)
    assert policy.key_strength("A", 20) == policy.key_strength("Q", 16) == 0


@pytest.mark.parametrize(("key", "kbpk", "ok"), [
    (("A", 24), ("A", 16), False), (("A", 24), ("A", 24), True), (("A", 32), ("A", 24), False),
    (("A", 24), ("A", 32), True), (("T", 24), ("T", 16), False), (("T", 16), ("T", 24), True),
    (("A", 16), ("T", 24), False), (("T", 24), ("A", 16), True), (("H", 32), ("A", 24), False),
])
def test_wrapping_strength(key: tuple[str, int], kbpk: tuple[str, int], ok: bool) -> None:
    k = KeyAttributes("P0" if key[0] != "H" else "M7", key[0], "B" if key[0] != "H" else "C")
    w = KeyAttributes("K1", kbpk[0], "B")
    if ok:
        policy.check_wrapping_strength(k, key[1], w, kbpk[1])
    else:
        with pytest.raises(KeyPolicyError) as info:
            policy.check_wrapping_strength(k, key[1], w, kbpk[1])
        assert info.value.code == "weak_kbpk"


@pytest.mark.parametrize(("version", "kbpk", "exporting", "lenient", "ok"), [
    ("B", "T", True, False, True), ("C", "T", True, False, True), ("A", "T", True, False, False),
    ("A", "T", True, True, False), ("A", "T", False, False, False), ("A", "T", False, True, True),
    ("D", "T", False, True, False), ("E", "T", True, False, False), ("D", "A", True, False, True),
    ("E", "A", False, False, True), ("B", "A", False, True, False), ("C", "A", True, False, False),
    ("Z", "A", False, True, False),
])
def test_block_version_per_kbpk(version: str, kbpk: str, exporting: bool, lenient: bool, ok: bool) -> None:
    attrs = KeyAttributes("K1", kbpk, "B")
    if ok:
        policy.check_block_version(version, attrs, exporting=exporting, lenient=lenient)
    else:
        with pytest.raises(KeyPolicyError) as info:
            policy.check_block_version(version, attrs, exporting=exporting, lenient=lenient)
        assert info.value.code == "wrong_version"


def test_export_refusals_each_on_its_own() -> None:
    key, kbpk = KeyAttributes("P0", "T", "B", "00", "E"), KeyAttributes("K1", "A", "B")
    policy.check_export(key, 16, kbpk, 32)
    for bad_kbpk, code in ((KeyAttributes("K1", "A", "D"), "wrong_mode"), (KeyAttributes("P0", "A", "B"),
                                                                          "wrong_usage")):
        with pytest.raises(KeyPolicyError) as info:
            policy.check_export(key, 16, bad_kbpk, 32)
        assert info.value.code == code
    with pytest.raises(KeyPolicyError) as info:
        policy.check_export(KeyAttributes("P0", "T", "B", "00", "N"), 16, kbpk, 32)
    assert info.value.code == "not_exportable"
    policy.check_export(KeyAttributes("P0", "T", "B", "00", "S"), 16, kbpk, 32)
    with pytest.raises(KeyPolicyError) as info:
        policy.check_export(KeyAttributes("P0", "A", "B", "00", "E"), 32, KeyAttributes("K1", "T", "B"), 24)
    assert info.value.code == "weak_kbpk"


def test_check_key_branches() -> None:
    a = KeyAttributes("P0", "T", "B")
    policy.check_key(a, operation="x", usages={"P0"}, modes={"B"}, algorithms={"T"})
    for kwargs, code in (({"usages": {"K1"}}, "wrong_usage"), ({"modes": {"E"}}, "wrong_mode"),
                         ({"algorithms": {"A"}}, "wrong_algorithm")):
        args = {"usages": {"P0"}, "modes": {"B"}, "algorithms": {"T"}, **kwargs}
        with pytest.raises(KeyPolicyError) as info:
            policy.check_key(a, operation="x", **args)  # type: ignore[arg-type]
        assert info.value.code == code


def test_dukpt_source_branches() -> None:
    bdk, zpk = KeyAttributes("B0", "T", "X"), KeyAttributes("P0", "T", "B")
    assert policy.check_dukpt_source(bdk, b"\x00" * 10, side="src") is True
    assert policy.check_dukpt_source(zpk, None, side="src") is False
    for attrs, ksn in ((bdk, None), (zpk, b"\x00" * 10)):
        with pytest.raises(KeyPolicyError) as info:
            policy.check_dukpt_source(attrs, ksn, side="src")
        assert info.value.code == "dukpt_ksn"


@pytest.mark.parametrize(("purpose", "algorithm", "letters"), [
    ("pin", "T", "P0TB00N"), ("pin", "A", "P0AB00N"), ("mac_request", "T", "M3TC00N"),
    ("mac_response", "A", "M6AC00N"), ("mac_request", "H", "M7HC00N"), ("data_request", "T", "D0TB00N"),
    ("data_response", "A", "D0AB00N"),
])
def test_dukpt_defaults(purpose: str, algorithm: str, letters: str) -> None:
    assert policy.dukpt_working_attributes(purpose, algorithm, None).letters() == letters


def test_dukpt_refusals() -> None:
    for purpose, algorithm in (("pin", "H"), ("data_request", "H"), ("nonsense", "T")):
        with pytest.raises(KeyPolicyError):
            policy.dukpt_working_attributes(purpose, algorithm, None)


# ----------------------------------------------------------------------------------- the in-device gate

def test_every_host_side_operation_is_refused_when_in_device_is_required() -> None:
    backend = pkcs11_backend()
    rig = pinsec.Hsm(backend, authorized=True)
    strict = pinsec.Hsm(backend, require_in_device=True, authorized=True)
    zpk = rig.import_clear_key(bytes.fromhex("F039121BEC83D26B169BDCD5B22AAF8F"), KeyAttributes("P0", "T", "B", "00",
                                                                                                "E"))
    bdk = rig.import_clear_key(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"), KeyAttributes("B0", "T", "X"))
    kbpk = rig.import_clear_key(bytes(range(1, 33)), KeyAttributes("K1", "A", "B"))
    pvk = rig.import_clear_key(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"), KeyAttributes("V1", "T", "C"))
    cvk = rig.import_clear_key(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"), KeyAttributes("C0", "T", "C"))
    block = pinblock.encipher(bytes.fromhex("F039121BEC83D26B169BDCD5B22AAF8F"), "1234", PAN)
    key_block = rig.export_key_block(zpk, kbpk=kbpk)
    calls = {
        "import_key_block": lambda: strict.import_key_block(key_block, kbpk=kbpk),
        "export_key_block": lambda: strict.export_key_block(zpk, kbpk=kbpk),
        "export_clear_key": lambda: strict.export_clear_key(zpk),
        "encrypt_pin": lambda: strict.encrypt_pin("1234", pan=PAN, key=zpk, format=0),
        "check_pin": lambda: strict.check_pin(block, key=zpk, format=0, pan=PAN, pin="1234"),
        "translate_pin": lambda: strict.translate_pin(block, src_key=zpk, src_format=0, dst_key=zpk, dst_format=3,
                                                      pan=PAN),
        "translate_pin_dukpt": lambda: strict.translate_pin(block, src_key=bdk, src_format=0,
                                                            src_ksn="FFFF9876543210E00001", dst_key=zpk,
                                                            dst_format=0, pan=PAN),
        "verify_pin": lambda: strict.verify_pin(block, key=zpk, format=0, pan=PAN, pvk=pvk, offset="0000",
                                                validation_data="4012345678909000"),
        "pin_verification_value": lambda: strict.pin_verification_value(block, key=zpk, format=0, pan=PAN, pvk=pvk,
                                                                        validation_data="4012345678909000"),
        "generate_pin": lambda: strict.generate_pin(key=zpk, format=0, pan=PAN),
        "card_verification_value": lambda: strict.generate_cvv(cvk, pan=PAN, expiry="2612", service_code="101"),
        "derive_dukpt_key": lambda: strict.derive_dukpt_key(bdk, "FFFF9876543210E00001"),
        "generate_key": lambda: strict.generate_key(KeyAttributes("P0", "A", "B")),
        "import_clear_key": lambda: strict.import_clear_key(bytes(range(16)), KeyAttributes("P0", "A", "B")),
    }
    assert {op for op, cap in backend.capabilities().items() if not cap.in_device and ":" not in op} >= set(calls) - {
        "import_clear_key"}
    for op, call in calls.items():
        if backend.capabilities()[op].in_device:
            continue
        before = len(rig.list_keys())
        with pytest.raises(UnsupportedOperation) as info:
            call()
        assert info.value.code == "not_in_device", op
        assert len(rig.list_keys()) == before, op


def test_a_variant_key_usage_outside_the_table_is_malformed_input() -> None:
    from pinsec.errors import DataError
    from pinsec.hsm.variant_policy import attributes_for

    for usage in ("Z9", 1, "K1"):
        with pytest.raises(DataError) as info:
            attributes_for("001", usage)  # type: ignore[arg-type]
        assert info.value.field == "usage"


# ------------------------------------------------- refusals an honest mutation run of policy.py found untested

def test_a_pin_key_of_the_wrong_algorithm_is_told_which_it_needs() -> None:
    with pytest.raises(KeyPolicyError) as info:
        policy.check_pin_key_algorithm("T", 4, side="src")
    assert str(info.value).endswith("it needs an AES key")
    with pytest.raises(KeyPolicyError) as info:
        policy.check_pin_key_algorithm("A", 0, side="dst")
    assert str(info.value).endswith("it needs a TDES key") and info.value.field == "dst_key"


def test_version_a_is_refused_on_import_unless_lenient_is_asked() -> None:
    with pytest.raises(KeyPolicyError) as info:
        policy.check_block_version("A", KeyAttributes("K1", "T", "B"), exporting=False)
    assert "unless lenient=True" in str(info.value)
    policy.check_block_version("A", KeyAttributes("K1", "T", "B"), exporting=False, lenient=True)


def test_a_dukpt_working_key_may_not_widen_its_mode_to_n() -> None:
    # N (no restriction) is a mode TR-31 allows for P0, D0 and the MAC usages, but not a narrowing of
    # the variant's mode
    for purpose, letters in (("pin", ("P0", "T")), ("data_request", ("D0", "T")), ("mac_request", ("M3", "T"))):
        with pytest.raises(KeyPolicyError) as info:
            policy.dukpt_working_attributes(purpose, letters[1], KeyAttributes(letters[0], letters[1], "N", "00", "N"))
        assert (info.value.code, info.value.field) == ("dukpt_attributes", "mode_of_use")


def test_strength_ranks() -> None:
    ranks = [policy.key_strength(a, n) for a, n in (("D", 8), ("T", 16), ("T", 24), ("A", 16), ("A", 24), ("A", 32))]
    assert ranks == [0, 1, 2, 3, 4, 5]
    assert (policy.key_strength("H", 16), policy.key_strength("H", 32), policy.key_strength("H", 64)) == (3, 5, 5)
    assert policy.key_strength("T", 8) == policy.key_strength("R", 256) == 0
