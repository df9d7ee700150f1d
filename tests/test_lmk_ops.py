"""Hsm variant LMK operations: each refusal reached with otherwise-valid input (the survivors of a mutation
run of hsm/lmk_ops.py, one test each)."""

from __future__ import annotations

import logging
import secrets

import pytest

from pinsec import Hsm, KeyAttributes, KeyHandle, pinblock
from pinsec.backends.software import SoftwareBackend, adjust_parity
from pinsec.errors import DataError, KeyPolicyError, PanError
from pinsec.variant_lmk import TEST_LMK, VariantLmk, wrap_under

SECRET = VariantLmk([adjust_parity(secrets.token_bytes(16)) for _ in TEST_LMK])
ZPK = adjust_parity(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"))
ACCOUNT = "401234567890"


def _hsm(**kw: object) -> Hsm:
    return Hsm(SoftwareBackend(variant_lmk=SECRET), **kw)


def test_generated_keys_are_double_or_triple_length() -> None:
    hsm = _hsm()
    assert hsm.generate_lmk_key(key_type="001", usage="P0", length=24).length == 24
    with pytest.raises(DataError) as info:
        hsm.generate_lmk_key(key_type="001", usage="P0", length=8)
    assert info.value.field == "length"


def test_form_key_takes_triple_length_and_is_audited(caplog: pytest.LogCaptureFixture) -> None:
    from pinsec import kcv

    caplog.set_level(logging.INFO, logger="pinsec.audit")
    parts = [bytes(range(1, 25)), bytes(range(31, 55))]
    key = _hsm(authorized=True).form_lmk_key(parts, kcvs=[kcv.legacy_kcv(p) for p in parts], key_type="001",
                                             usage="P0")
    assert key.length == 24
    assert any(r.getMessage().startswith("form_lmk_key") and key.id in r.getMessage() for r in caplog.records)
    with pytest.raises(Exception) as info:
        _hsm(authorized=True).form_lmk_key([bytes(8), bytes(range(8))], kcvs=["8CA64D", kcv.legacy_kcv(
            bytes(range(8)) * 2)], key_type="001", usage="P0")
    assert getattr(info.value, "code", "") in ("kcv_mismatch", "invalid_key")


def test_a_key_goes_out_only_as_a_type_its_usage_allows_and_in_a_scheme_that_fits() -> None:
    hsm = _hsm()
    zpk = hsm.import_lmk_key(wrap_under(SECRET.kek("001"), ZPK, "U"), key_type="001", usage="P0")
    with pytest.raises(KeyPolicyError) as info:
        hsm.lmk_key(zpk, key_type="000")  # a PIN key never goes out as a ZMK
    assert info.value.code == "wrong_key_type"
    for scheme in ("T", "Y", "Z", 1):
        with pytest.raises(DataError) as err:
            hsm.lmk_key(zpk, key_type="001", scheme=scheme)
        assert err.value.code == "key_scheme"
    triple = hsm.generate_lmk_key(key_type="001", usage="P0", length=24)
    assert hsm.lmk_key(triple, key_type="001", scheme="Y")[0] == "Y"


def test_a_non_exportable_key_is_refused_by_the_hsm_itself() -> None:
    hsm = _hsm()
    zmk = hsm.generate_lmk_key(key_type="000", usage="K0")
    kept = hsm.generate_key(KeyAttributes("P0", "T", "B", "00", "N"))
    with pytest.raises(KeyPolicyError) as info:
        hsm.export_key_under_kek(kept, kek=zmk)
    assert info.value.code == "not_exportable"


def test_a_bad_pan_is_named_before_any_block_is_deciphered() -> None:
    hsm = _hsm()
    zpk = hsm.import_lmk_key(wrap_under(SECRET.kek("001"), ZPK, "U"), key_type="001", usage="P0")
    block = pinblock.encipher(ZPK, "1234", ACCOUNT + "0")
    iso1 = pinblock.encipher(ZPK, "1234", format=1)
    with pytest.raises(PanError):  # ISO 1 carries no PAN: the ISO 0 destination's PAN is checked first
        hsm.translate_pin_counted(iso1, src_key=zpk, src_format=1, dst_key=zpk, dst_format=0, pan="40123X")
    with pytest.raises(PanError):
        hsm.lmk_pin_from_block(block, key=zpk, format=0, pan="40123X", account=ACCOUNT)
    with pytest.raises(PanError):
        hsm.lmk_pin_to_block(SECRET.encrypt_pin(bytearray(b"1234"), ACCOUNT), account=ACCOUNT, key=zpk, format=0,
                             pan="40123X")


@pytest.mark.parametrize("length", [3, 13, True, "4"])
def test_a_generated_pin_is_4_to_12_digits(length: object) -> None:
    with pytest.raises(DataError) as info:
        _hsm().generate_lmk_pin(length=length, account=ACCOUNT)
    assert info.value.field == "length"
    assert len(_hsm().generate_lmk_pin(length=12, account=ACCOUNT)) == 13


@pytest.mark.parametrize("offset", ["123", "1234567890123", "12a4", "١٢٣٤", 1234])
def test_an_offset_is_4_to_12_digits(offset: object) -> None:
    hsm = _hsm(decimalization_tables=("0123456789012345",))
    pvk = hsm.generate_lmk_key(key_type="002", usage="V1")
    with pytest.raises(DataError) as info:
        hsm.lmk_pin_from_offset(offset, account=ACCOUNT, pvk=pvk, validation_data="4012345678909000")
    assert info.value.field == "offset"
    assert len(hsm.lmk_pin_from_offset("123456789012", account=ACCOUNT, pvk=pvk,
                                       validation_data="4012345678909000")) == 13


# ------------------------------------------------------------------------- keys from components under the LMK
def _component(material: bytes, key_type: str = "000") -> str:
    return wrap_under(SECRET.kek(key_type), material, "X")[1:]


ODD = [adjust_parity(bytes(range(i, i + 16))) for i in (1, 40, 90)]


def test_components_under_the_lmk_combine_by_xor_and_are_audited(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="pinsec.audit")
    hsm = _hsm(authorized=True)
    key = hsm.form_lmk_key_from_components([_component(p) for p in ODD], key_type="000", usage="K0")
    xor = bytes(a ^ b ^ c for a, b, c in zip(*ODD, strict=True))  # three odd-parity parts: odd already
    assert hsm.lmk_key(key, key_type="000", scheme="X") == wrap_under(SECRET.kek("000"), xor, "X")
    assert any(r.getMessage().startswith("form_lmk_key_from_components") for r in caplog.records)


@pytest.mark.parametrize("count", [0, 1, 10])
def test_two_to_nine_components(count: int) -> None:
    with pytest.raises(DataError) as info:
        _hsm(authorized=True).form_lmk_key_from_components([_component(ODD[0])] * count, key_type="000",
                                                           usage="K0")
    assert (info.value.code, info.value.field) == ("component_count", "components")


def test_components_are_a_list_not_one_string() -> None:
    with pytest.raises(DataError) as info:
        _hsm(authorized=True).form_lmk_key_from_components(_component(ODD[0]) * 2, key_type="000", usage="K0")
    assert info.value.code == "component_count"


def test_each_component_has_odd_parity_and_one_length() -> None:
    from pinsec.errors import InvalidKeyError

    hsm = _hsm(authorized=True)
    even = bytes([ODD[1][0] ^ 1]) + ODD[1][1:]
    with pytest.raises(InvalidKeyError) as info:
        hsm.form_lmk_key_from_components([_component(ODD[0]), _component(even)], key_type="000", usage="K0")
    assert (info.value.code, info.value.field) == ("key_parity", "component 2")
    triple = adjust_parity(bytes(range(100, 124)))
    with pytest.raises(InvalidKeyError) as info:
        hsm.form_lmk_key_from_components([_component(ODD[0]), wrap_under(SECRET.kek("000"), triple, "Y")[1:]],
                                         key_type="000", usage="K0")
    assert (info.value.code, info.value.field) == ("key_length", "component 2")


def test_components_of_another_key_type_do_not_decrypt_to_odd_parity() -> None:
    from pinsec.errors import InvalidKeyError

    with pytest.raises(InvalidKeyError) as info:
        _hsm(authorized=True).form_lmk_key_from_components([_component(p, "001") for p in ODD[:2]],
                                                           key_type="000", usage="K0")
    assert info.value.code == "key_parity"


# ---------------------------------------------------------------- a PIN block against the PIN under the LMK
def _zpk_and_block(pin: str) -> tuple[Hsm, KeyHandle, bytes]:
    hsm = _hsm()
    zpk = hsm.import_lmk_key(wrap_under(SECRET.kek("001"), ZPK, "U"), key_type="001", usage="P0")
    return hsm, zpk, pinblock.encipher(ZPK, pin, "4" + ACCOUNT + "7")


def test_verify_pin_against_lmk() -> None:
    from pinsec.errors import PinBlockError, PinError, VerificationError

    hsm, zpk, block = _zpk_and_block("2468")
    pan = "4" + ACCOUNT + "7"
    right = SECRET.encrypt_pin(bytearray(b"2468"), ACCOUNT)
    hsm.verify_pin_against_lmk(block, key=zpk, format=0, pan=pan, lmk_pin=right, account=ACCOUNT)
    with pytest.raises(VerificationError):
        hsm.verify_pin_against_lmk(block, key=zpk, format=0, pan=pan,
                                   lmk_pin=SECRET.encrypt_pin(bytearray(b"2469"), ACCOUNT), account=ACCOUNT)
    for not_a_pin in ("1234", "12A45", right + "0" * 9):  # too short, not digits, too long: never decodes
        with pytest.raises(PinError) as info:
            hsm.verify_pin_against_lmk(block, key=zpk, format=0, pan=pan, lmk_pin=not_a_pin, account=ACCOUNT)
        assert info.value.code == "invalid_lmk_pin" and not isinstance(info.value, PinBlockError)
    with pytest.raises(PinBlockError) as blocked:  # a block that is not this account's: one opaque error
        hsm.verify_pin_against_lmk(block, key=zpk, format=0, pan="4" + ACCOUNT[:-1] + "57",
                                   lmk_pin=right, account=ACCOUNT)
    assert blocked.value.code == "invalid_pin_block"


def test_a_pin_under_the_lmk_moves_to_a_new_account_inside() -> None:
    from pinsec.errors import PinError

    hsm = _hsm()
    new_account = "409876543210"
    moved = hsm.rebind_lmk_pin(SECRET.encrypt_pin(bytearray(b"2468"), ACCOUNT), account=ACCOUNT,
                               new_account=new_account)
    assert SECRET.decrypt_pin(moved, new_account) == bytearray(b"2468")
    # too short, not digits: never a PIN under the LMK, one opaque error (another account's PIN decodes one
    # time in ten, its check digit passing by chance under a random LMK, so it is no test of this)
    for not_a_pin in ("1234", "12A45"):
        with pytest.raises(PinError) as info:
            hsm.rebind_lmk_pin(not_a_pin, account=ACCOUNT, new_account=new_account)
        assert info.value.code == "invalid_lmk_pin"
    for bad, field in (({"account": ACCOUNT[:-1]}, "account"), ({"new_account": "40987654321X"}, "new_account")):
        with pytest.raises(DataError) as named:
            hsm.rebind_lmk_pin(moved, **{"account": ACCOUNT, "new_account": new_account, **bad})
        assert (named.value.code, named.value.field) == ("account", field)


def test_erasing_key_change_storage_is_audited_once(caplog: pytest.LogCaptureFixture) -> None:
    from pinsec.errors import UnsupportedOperation

    caplog.set_level(logging.INFO, logger="pinsec.audit")
    old = VariantLmk([adjust_parity(secrets.token_bytes(16)) for _ in TEST_LMK])
    hsm = Hsm(SoftwareBackend(variant_lmk=SECRET, old_variant_lmk=old))
    under_old = old.encrypt_pin(bytearray(b"2468"), ACCOUNT)
    assert SECRET.decrypt_pin(hsm.migrate_lmk_pin(under_old, account=ACCOUNT), ACCOUNT) == bytearray(b"2468")
    def erased() -> list[str]:
        return [r.getMessage() for r in caplog.records if "erase_key_change_storage" in r.getMessage()]

    hsm.erase_key_change_storage()
    assert erased() == ["erase_key_change_storage: the old LMK is gone"]
    hsm.erase_key_change_storage()  # nothing left: not an error, and not a second "gone"
    assert len(erased()) == 1
    with pytest.raises(UnsupportedOperation) as info:
        hsm.migrate_lmk_pin(under_old, account=ACCOUNT)
    assert info.value.code == "no_old_lmk"
