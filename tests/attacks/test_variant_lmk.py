"""Way in 9: the payShield variant LMK. Keys come in under a key type only as a usage it allows, keys bound
by key blocks never go out under the variant scheme, a key never travels under a weaker ZMK, and the
public test LMK never meets a secret key.

Cryptograms are made with tier-1 :func:`pinsec.variant_lmk.wrap_under`, as anyone holding the (public)
test LMK can make them.
"""

from __future__ import annotations

import secrets

import pytest

from pinsec import Hsm, KeyAttributes, pinblock
from pinsec.backends.software import SoftwareBackend, adjust_parity
from pinsec.errors import InvalidKeyError, KeyPolicyError, PinBlockError, PinError, UnsupportedOperation
from pinsec.keystore import KeyStore
from pinsec.variant_lmk import TEST_LMK, VariantLmk, wrap_under

TEST = VariantLmk.test()
SECRET = VariantLmk([adjust_parity(secrets.token_bytes(16)) for _ in TEST_LMK])
ZPK = adjust_parity(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"))
ACCOUNT = "401234567890"


def _hsm(lmk: VariantLmk = TEST, **kw: object) -> Hsm:
    return Hsm(SoftwareBackend(variant_lmk=lmk), **kw)  # type: ignore[arg-type]


def test_the_test_lmk_never_shares_a_backend_with_a_key_store() -> None:
    with pytest.raises(KeyPolicyError) as info:
        SoftwareBackend(KeyStore(None, bytes(range(32))), variant_lmk=TEST)
    assert info.value.code == "test_lmk_with_keystore"
    SoftwareBackend(KeyStore(None, bytes(range(32))), variant_lmk=SECRET)  # a secret one may


def test_a_key_type_admits_only_its_usages() -> None:
    hsm = _hsm()
    zpk = wrap_under(TEST.kek("001"), ZPK, "U")
    for usage in ("K0", "V2", "C0", "B0", "M3"):  # a ZPK cryptogram asked to be a ZMK, PVK, CVK, BDK, MAC key
        with pytest.raises(KeyPolicyError) as info:
            hsm.import_lmk_key(zpk, key_type="001", usage=usage)
        assert info.value.code == "wrong_key_type"
    with pytest.raises(KeyPolicyError) as info:
        hsm.import_lmk_key(zpk, key_type="301", usage="P0")  # a variant of the pair this HSM does not take
    assert info.value.code == "unknown_key_type"
    assert hsm.list_keys() == []


def test_a_cryptogram_under_another_key_type_fails_parity() -> None:
    hsm = _hsm()
    as_zpk = wrap_under(TEST.kek("001"), ZPK, "U")
    with pytest.raises(InvalidKeyError) as info:
        hsm.import_lmk_key(as_zpk, key_type="002", usage="P0")  # read as a TPK: another LMK pair
    assert info.value.code == "key_parity"


def test_a_key_block_key_never_goes_out_under_the_variant_lmk() -> None:
    hsm = _hsm(SECRET)
    generated = hsm.generate_key(KeyAttributes("P0", "T", "B", "00", "E"))
    with pytest.raises(KeyPolicyError) as info:
        hsm.lmk_key(generated, key_type="001")
    assert info.value.code == "not_variant_key"
    zmk = hsm.generate_lmk_key(key_type="000", usage="K0")
    with pytest.raises(KeyPolicyError) as info:
        hsm.export_key_under_kek(generated, kek=zmk)
    assert info.value.code == "not_variant_key"


def test_a_key_never_travels_under_a_weaker_or_its_own_kek() -> None:
    hsm = _hsm()
    zmk = hsm.generate_lmk_key(key_type="000", usage="K0")
    triple = hsm.generate_lmk_key(key_type="001", usage="P0", length=24)
    with pytest.raises(KeyPolicyError) as info:
        hsm.export_key_under_kek(triple, kek=zmk, scheme="T")
    assert info.value.code == "weak_kbpk"
    with pytest.raises(KeyPolicyError) as info:
        hsm.export_key_under_kek(zmk, kek=zmk)
    assert info.value.code == "same_key"
    clear_zmk = adjust_parity(secrets.token_bytes(16))
    zmk2 = hsm.import_lmk_key(wrap_under(TEST.kek("000"), clear_zmk, "U"), key_type="000", usage="K0")
    before = len(hsm.list_keys())
    with pytest.raises(KeyPolicyError) as info:
        hsm.import_key_under_kek(wrap_under(clear_zmk, adjust_parity(secrets.token_bytes(24)), "T"), kek=zmk2,
                                 key_type="001", usage="P0")
    assert info.value.code == "weak_kbpk"
    assert len(hsm.list_keys()) == before


def test_only_a_zmk_or_tmk_carries_keys() -> None:
    hsm = _hsm()
    zpk = hsm.generate_lmk_key(key_type="001", usage="P0")
    other = hsm.generate_lmk_key(key_type="001", usage="P0")
    with pytest.raises(KeyPolicyError) as info:
        hsm.export_key_under_kek(other, kek=zpk)
    assert info.value.code == "wrong_usage"


def test_under_the_test_lmk_a_pin_leaves_only_from_keys_that_came_in_under_it() -> None:
    # a backend with a secret key next to the test LMK cannot exist (above); but a key generated in the
    # test-mode HSM by the ordinary API is not a variant key either: its PINs never go under the test LMK
    hsm = _hsm(authorized=True)
    inner = hsm.generate_key(KeyAttributes("P0", "T", "B"))
    block = hsm.generate_pin(key=inner, format=0, pan=ACCOUNT + "0")
    with pytest.raises(KeyPolicyError) as info:
        hsm.lmk_pin_from_block(block, key=inner, format=0, pan=ACCOUNT + "0", account=ACCOUNT)
    assert info.value.code == "test_lmk"
    # under a secret LMK the same is allowed: the LMK is not public
    secret = _hsm(SECRET)
    key = secret.generate_key(KeyAttributes("P0", "T", "B"))
    out = secret.lmk_pin_from_block(secret.generate_pin(key=key, format=0, pan=ACCOUNT + "0"), key=key, format=0,
                                    pan=ACCOUNT + "0", account=ACCOUNT)
    assert len(out) == 5


def test_pin_content_errors_are_one_code() -> None:
    hsm = _hsm()
    zpk = hsm.import_lmk_key(wrap_under(TEST.kek("001"), ZPK, "U"), key_type="001", usage="P0")
    codes = set()
    for block in (pinblock.encipher(ZPK, "1234", ACCOUNT + "0", format=1),  # format 1 read as 0
                  pinblock.encipher(ZPK, "1234", "9" * 13),                # another PAN
                  bytes(8)):
        with pytest.raises(PinBlockError) as info:
            hsm.lmk_pin_from_block(block, key=zpk, format=0, pan=ACCOUNT + "0", account=ACCOUNT)
        codes.add((info.value.code, str(info.value), info.value.__context__ is None))
    assert codes == {("invalid_pin_block", "the PIN block did not decode under this key, format and PAN", True)}
    lmk_pin = TEST.encrypt_pin(bytearray(b"1234"), ACCOUNT)
    for bad in (lmk_pin[:-1] + str((int(lmk_pin[-1]) + 3) % 10), "12", "x" * 6, lmk_pin + "0" * 9):
        with pytest.raises(PinError) as perr:
            hsm.lmk_pin_to_block(bad, account=ACCOUNT, key=zpk, format=0, pan=ACCOUNT + "0")
        assert perr.value.code == "invalid_lmk_pin"


def test_an_hsm_without_a_variant_lmk_refuses_every_variant_call() -> None:
    hsm = Hsm()
    assert not hsm.test_mode
    with pytest.raises(UnsupportedOperation) as info:
        hsm.import_lmk_key("U" + "00" * 16, key_type="001", usage="P0")
    assert info.value.code == "no_variant_lmk"
    with pytest.raises(UnsupportedOperation):
        _ = hsm.variant_lmk_check_value
