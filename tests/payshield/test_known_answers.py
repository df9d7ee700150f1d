"""Known answers through a real socket: each command's response equals a published or independently
computed value (tests/payshield/vectors.py says where each comes from)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pinsec import pinblock
from pinsec.backends.software import adjust_parity
from pinsec.dukpt import tdes
from pinsec.variant_lmk import VariantLmk, unwrap_under, wrap_under

from . import vectors as v
from .client import Client

LMK = VariantLmk.test()
ROOT = Path(__file__).resolve().parents[2]


def _vector(name: str, vector_id: str) -> dict[str, object]:
    data = json.loads((ROOT / "vectors" / name).read_text())
    return next(x for x in data["vectors"] if x["id"] == vector_id)


def _under_lmk(key_hex: str, key_type: str) -> str:
    """A published clear key put under the test LMK (scheme U)."""
    return wrap_under(LMK.kek(key_type), adjust_parity(bytes.fromhex(key_hex)), "U")


def _clear(cryptogram: str, key_type: str) -> bytes:
    return unwrap_under(LMK.kek(key_type), cryptogram)[1]


def test_nc_gives_the_lmk_check_value_and_firmware(client: Client) -> None:
    assert client.call("NC") == ("ND", "00", LMK.check_value() + "0001-PSEC")


@pytest.mark.parametrize(("fields", "kcv"), v.BU)
def test_bu_check_values(client: Client, fields: str, kcv: str) -> None:
    assert client.call("BU" + fields) == ("BV", "00", kcv)


def test_bu_takes_the_kcv_type_a_production_codec_sends(client: Client) -> None:
    # github:softwaregroup-bg/ut-codec-payshield, test/config/test.js, generateKeyCheckValueEncode: after the
    # key, [";" key type] for code FF, then ";", reserved "00", KCV type ("1": 6 H, "0": 16 H); its decode
    # samples answer "BV00" with 6 and with 16 hex digits. ThalesSim's first BU answer (key type 000, code 00)
    # gives the values.
    fields, kcv = v.BU[0]
    key = fields[3:]
    assert client.call(f"BU{fields};001") == ("BV", "00", kcv[:6])
    assert client.call(f"BU{fields};000") == ("BV", "00", kcv)
    assert client.call(f"BUFF1{key};000;001") == ("BV", "00", kcv[:6])
    assert client.call(f"BUFF1{key};000") == ("BV", "00", kcv)
    for bad in (";011", ";002", ";00", ";0011"):
        assert client.call(f"BU{fields}{bad}")[1] == "15", bad


def test_a6_imports_a_key_under_a_zmk(client: Client) -> None:
    assert client.call("A6" + v.A6[0]) == ("A7", "00", v.A6[1])


def test_a8_exports_a_key_under_a_zmk(client: Client) -> None:
    assert client.call("A8" + v.A8[0]) == ("A9", "00", v.A8[1])


def test_fa_and_gc_translate_a_zpk_between_zmk_and_lmk(client: Client) -> None:
    # A6's key type 001 is a ZPK: FA gives the same cryptogram, with the 16-digit check value (its first 6
    # are A6's) or, with ;UU1, the 6-digit one.
    zpk, kcv6 = v.A6[1][:33], v.A6[1][33:]
    rc, err, out = client.call("FA" + v.ZMK + v.ZPK_UNDER_ZMK)
    assert (rc, err, out[:33], out[33:39], len(out)) == ("FB", "00", zpk, kcv6, 49)
    assert client.call("FA" + v.ZMK + v.ZPK_UNDER_ZMK + ";UU1") == ("FB", "00", zpk + kcv6)
    assert client.call("GC" + v.ZMK + zpk + ";UU1") == ("GD", "00", v.ZPK_UNDER_ZMK + kcv6)


def test_ca_translates_tpk_to_zpk(client: Client) -> None:
    assert client.call("CA" + v.CA[0]) == ("CB", "00", v.CA[1])


def test_cc_translates_zpk_to_zpk(client: Client) -> None:
    # CA's result under ZPK goes back to the TPK's block: CC from ZPK to the TPK's key as a ZPK cryptogram
    # is not possible (key types differ), so translate ZPK -> ZPK (the same key) and check the PIN.
    rc, err, out = client.call(f"CC{v.ZPK}{v.ZPK}12{v.ZPK_BLOCK_1234}0101{v.ACCOUNT_1234}")
    assert (rc, err, out[:2], out[-2:]) == ("CD", "00", "04", "01")
    clear = _clear(v.ZPK, "001")
    assert pinblock.decipher(clear, out[2:18], v.ACCOUNT_1234 + "0") == "1234"


def test_ci_translates_a_tdes_dukpt_pin_block_to_a_zpk(client: Client) -> None:
    rc, err, out = client.call(f"CI{v.BDK}{v.ZPK}605{v.DUKPT_KSN}{v.DUKPT_BLOCK}01{v.DUKPT_ACCOUNT}")
    assert (rc, err, out[:2], out[-2:]) == ("CJ", "00", "04", "01")
    assert _clear(v.BDK, "009").hex().upper() == "0123456789ABCDEFFEDCBA9876543210"
    assert pinblock.decipher(_clear(v.ZPK, "001"), out[2:18], v.DUKPT_ACCOUNT + "0") == "1234"


@pytest.mark.parametrize(("fields", "cvv"), v.CW)
def test_cw_generates_a_cvv(client: Client, fields: str, cvv: str) -> None:
    assert client.call("CW" + fields) == ("CX", "00", cvv)


@pytest.mark.parametrize(("fields", "error"), v.CY)
def test_cy_verifies_a_cvv(client: Client, fields: str, error: str) -> None:
    assert client.call("CY" + fields) == ("CZ", error, "")


def test_cw_with_psec_cvv_example(client: Client) -> None:
    x = _vector("pin_verification.json", "cvv-psec-doc")
    cvk = _under_lmk(str(x["cvk"]), "402")
    assert client.call(f"CW{cvk}{x['pan']};{x['expiry']}{x['service_code']}") == ("CX", "00", x["expected"]["cvv"])  # type: ignore[index]


# psec's Visa PVV vector visa-pvv-1: PVK 0123456789ABCDEFFEDCBA9876543210, PAN 1122334455667788 (account
# 233445566778), PVKI 1, PIN 4524 -> PVV 8523.
PVV_ACCOUNT = "233445566778"


def _zpk_block(pin: str, account: str) -> str:
    return pinblock.encipher(_clear(v.ZPK, "001"), pin, account + "0").hex().upper()


def test_ec_and_dc_verify_a_visa_pvv(client: Client) -> None:
    x = _vector("pin_verification.json", "visa-pvv-1")
    pvk = _under_lmk(str(x["pvk"]), "002")
    block = _zpk_block("4524", PVV_ACCOUNT)
    assert client.call(f"EC{v.ZPK}{pvk}{block}01{PVV_ACCOUNT}18523") == ("ED", "00", "")
    assert client.call(f"EC{v.ZPK}{pvk}{block}01{PVV_ACCOUNT}18524") == ("ED", "01", "")
    tpk_block = pinblock.encipher(_clear(v.TPK, "002"), "4524", PVV_ACCOUNT + "0").hex().upper()
    assert client.call(f"DC{v.TPK}{pvk}{tpk_block}01{PVV_ACCOUNT}18523") == ("DD", "00", "")


def test_je_jg_dg_carry_a_pin_under_the_lmk(client: Client) -> None:
    x = _vector("pin_verification.json", "visa-pvv-1")
    pvk = _under_lmk(str(x["pvk"]), "002")
    block = _zpk_block("4524", PVV_ACCOUNT)
    rc, err, lmk_pin = client.call(f"JE{v.ZPK}{block}01{PVV_ACCOUNT}")
    assert (rc, err, len(lmk_pin)) == ("JF", "00", 5)
    assert lmk_pin == LMK.encrypt_pin(bytearray(b"4524"), PVV_ACCOUNT)
    assert client.call(f"JG{v.ZPK}01{PVV_ACCOUNT}{lmk_pin}") == ("JH", "00", block)
    assert client.call(f"DG{pvk}{lmk_pin}{PVV_ACCOUNT}1") == ("DH", "00", "8523")
    tpk_block = pinblock.encipher(_clear(v.TPK, "002"), "4524", PVV_ACCOUNT + "0").hex().upper()
    assert client.call(f"JC{v.TPK}{tpk_block}01{PVV_ACCOUNT}") == ("JD", "00", lmk_pin)


# psec's IBM 3624 vectors: PVK as above, table 1234567890123456, validation data 1122334455667788 (the
# payShield field 11223344556N with an account ending 67788), PIN 4524 -> offset 0000, 5635 -> 1111.
IBM_ACCOUNT = "000000067788"
#: check length 04, account, decimalisation table, validation data (N: the account's last 5 digits)
IBM_TAIL = f"04{IBM_ACCOUNT}1234567890123456" + "11223344556N"


@pytest.mark.parametrize(("pin", "offset"), [("4524", "0000"), ("5635", "1111")])
def test_ea_da_de_use_ibm_3624_offsets(client: Client, pin: str, offset: str) -> None:
    x = _vector("pin_verification.json", "ibm3624-1-offset")
    pvk = _under_lmk(str(x["pvk"]), "002")
    block = _zpk_block(pin, IBM_ACCOUNT)
    tail = IBM_TAIL
    fields = f"{pvk}12{block}01{tail}{offset}FFFFFFFF"
    assert client.call(f"EA{v.ZPK}{fields}") == ("EB", "00", "")
    wrong = f"{pvk}12{block}01{tail}{(int(offset) + 1) % 10000:04d}FFFFFFFF"
    assert client.call(f"EA{v.ZPK}{wrong}") == ("EB", "01", "")
    tpk_block = pinblock.encipher(_clear(v.TPK, "002"), pin, IBM_ACCOUNT + "0").hex().upper()
    assert client.call(f"DA{v.TPK}{pvk}12{tpk_block}01{tail}{offset}FFFFFFFF") == ("DB", "00", "")
    lmk_pin = client.call(f"JE{v.ZPK}{block}01{IBM_ACCOUNT}")[2]
    assert client.call(f"DE{pvk}{lmk_pin}{tail}") == ("DF", "00", offset + "FFFFFFFF")


def test_m6_m8_retail_mac(client: Client) -> None:
    x = _vector("mac.json", "x919-A4-counter1-request")
    key = _under_lmk(str(x["key"]), "008")
    data = str(x["data"])
    n = f"{len(data):04X}"  # hex input: the length counts the hex digits sent
    mac = x["expected"]["mac"]  # type: ignore[index]
    assert client.call(f"M601131008{key}{n}{data}") == ("M7", "00", mac)
    assert client.call(f"M601031008{key}{n}{data}") == ("M7", "00", mac[:8])
    assert client.call(f"M801131008{key}{n}{data}{mac}") == ("M9", "00", "")
    assert client.call(f"M801131008{key}{n}{data}{mac[:-1]}0") == ("M9", "01", "")


def test_m0_m2_data_encryption(client: Client) -> None:
    # NIST SP 800-67 Rev. 1 Appendix B: three-key TDES ECB of "The qufck brown fox jump" (tests/test_data_ops.py)
    from ..test_data_ops import FOX, FOX_ECB, TDES3

    zek = wrap_under(LMK.kek("00A"), adjust_parity(bytes.fromhex(TDES3)), "T")
    assert adjust_parity(bytes.fromhex(TDES3)) == bytes.fromhex(TDES3)  # the published key has odd parity
    n = f"{len(FOX):04X}"  # hex in and out: lengths count the hex digits sent (48)
    assert client.call(f"M0001100A{zek}{n}{FOX}") == ("M1", "00", "0030" + FOX_ECB)
    assert client.call(f"M2001100A{zek}{n}{FOX_ECB}") == ("M3", "00", "0030" + FOX.upper())
    # binary out: 24 bytes, length 0018
    assert client.call(f"M0001000A{zek}{n}{FOX}") == ("M1", "00", "0018" + bytes.fromhex(FOX_ECB).decode("latin-1"))
    # CBC chains: the response starts with the IV for a following command (the last ciphertext block)
    rc, err, out = client.call(f"M0011100A{zek}{'0' * 16}{n}{FOX}")
    assert (rc, err) == ("M1", "00") and out[:16] == out[-16:]
    assert client.call(f"M2011100A{zek}{'0' * 16}{out[16:20]}{out[20:]}")[2][20:] == FOX.upper()
    assert client.call(f"M0001100A{zek}000E{FOX[:14]}") == ("M1", "06", "")  # 7 bytes: not whole blocks
    assert client.call(f"M0001100A{zek}000F{FOX[:15]}") == ("M1", "06", "")  # an odd number of hex digits


def test_fc_fe_translate_a_tpk_between_zmk_and_lmk(client: Client) -> None:
    assert client.call("FC" + v.FC[0]) == ("FD", "00", v.FC[1])
    assert client.call("FE" + v.FE[0]) == ("FF", "00", v.FE[1])


def test_hc_gives_one_new_key_under_the_current_key_and_the_lmk(client: Client) -> None:
    rc, err, out = client.call("HC" + v.TPK)
    assert (rc, err, len(out)) == ("HD", "00", 66)
    current = _clear(v.TPK, "002")
    assert unwrap_under(current, out[:33])[1] == _clear(out[33:], "002")
    assert _clear(out[33:], "002") != current


def test_no_and_gm_read_to_their_last_field(client: Client) -> None:
    assert client.call("NO00")[1] == "00"
    assert client.call("NO00X")[1] == "15"
    assert client.call(f"GM06{len(v.FOX):05d}{v.FOX}")[1] == "00"
    assert client.call(f"GM06{len(v.FOX):05d}{v.FOX}X")[1] == "15"


@pytest.mark.parametrize(("pan", "error"), [("4" * 11, "15"), ("4" * 12, "00"), ("4" * 19, "00"), ("4" * 20, "15"),
                                            ("41234567890123A5", "15")])
def test_cw_takes_a_pan_of_12_to_19_digits(client: Client, pan: str, error: str) -> None:
    assert client.call(f"CW{v.CVK_UNDER_LMK}{pan};8701101")[1] == error
    if error == "00":
        assert client.call(f"CW{v.CVK_UNDER_LMK}{pan};8701101X")[1] == "15"  # data after the last field


def test_gm_hashes(client: Client) -> None:
    for hash_id, digest in v.GM.items():
        rc, err, out = client.call(f"GM{hash_id}{len(v.FOX):05d}{v.FOX}")
        assert (rc, err, out.encode("latin-1").hex().upper()) == ("GN", "00", digest)
    assert client.call(f"GM99{len(v.FOX):05d}{v.FOX}")[1] == "05"


def test_ja_generates_a_pin_under_the_lmk(client: Client) -> None:
    for length in (4, 6, 12):
        rc, err, lmk_pin = client.call(f"JA{v.ACCOUNT_1234}{length:02d}")
        assert (rc, err, len(lmk_pin)) == ("JB", "00", length + 1)
        block = client.call(f"JG{v.ZPK}01{v.ACCOUNT_1234}{lmk_pin}")[2]
        pin = pinblock.decipher(_clear(v.ZPK, "001"), block, v.ACCOUNT_1234 + "0")
        assert len(pin) == length
    assert client.call(f"JA{v.ACCOUNT_1234}03")[1] == "24"


def test_ee_derives_the_pin_of_an_ibm_offset(client: Client) -> None:
    # psec's ibm3624-2: offset 1111 under the published PVK and table stands for PIN 5635
    x = _vector("pin_verification.json", "ibm3624-1-offset")
    pvk = _under_lmk(str(x["pvk"]), "002")
    rc, err, lmk_pin = client.call(f"EE{pvk}1111FFFFFFFF{IBM_TAIL}")
    assert (rc, err) == ("EF", "00")
    block = client.call(f"JG{v.ZPK}01{IBM_ACCOUNT}{lmk_pin}")[2]
    assert pinblock.decipher(_clear(v.ZPK, "001"), block, IBM_ACCOUNT + "0") == "5635"


def test_cu_changes_a_pin_against_its_pvv(client: Client) -> None:
    # psec's visa-pvv-1: PIN 4524, PVKI 1 -> PVV 8523; the new PIN's PVV is checked with tier-1 visa_pvv
    from pinsec.pin import visa_pvv

    x = _vector("pin_verification.json", "visa-pvv-1")
    pvk_clear = bytes.fromhex(str(x["pvk"]))
    pvk = _under_lmk(str(x["pvk"]), "002")
    old, new = _zpk_block("4524", PVV_ACCOUNT), _zpk_block("9731", PVV_ACCOUNT)
    expected = visa_pvv(pvk_clear, "1122334455667788", "1", "9731")
    assert client.call(f"CU001{v.ZPK}{pvk}{old}01{PVV_ACCOUNT}18523{new}") == ("CV", "00", expected)
    assert client.call(f"CU001{v.ZPK}{pvk}{old}01{PVV_ACCOUNT}18524{new}") == ("CV", "01", "")
    assert client.call(f"CU003{v.ZPK}{pvk}{old}01{PVV_ACCOUNT}18523{new}")[1] == "04"


def test_qk_moves_a_pin_under_the_lmk_to_a_new_account(client: Client) -> None:
    # QK as github:softwaregroup-bg/ut-codec-payshield (test/config/test.js, translateAccountNumber) lays it out:
    # the PIN under the LMK, the account, the new account (12 N each); QL00 and the PIN under the LMK
    new_account = "987650000012"
    lmk_pin = LMK.encrypt_pin(bytearray(b"4524"), PVV_ACCOUNT)
    rc, err, moved = client.call(f"QK{lmk_pin}{PVV_ACCOUNT}{new_account}")
    assert (rc, err) == ("QL", "00") and LMK.decrypt_pin(moved, new_account) == bytearray(b"4524")
    assert client.call(f"QK{lmk_pin}{new_account}{PVV_ACCOUNT}")[1] == "14"  # not that account's PIN
    # one digit short: the fields split one place off, leaving 4 characters for a PIN (5 at least)
    assert client.call(f"QK{lmk_pin}{PVV_ACCOUNT}{new_account[:-1]}")[1] == "15"
    assert client.call(f"QK{PVV_ACCOUNT}{new_account}")[1] == "15"  # no PIN
    assert client.call(f"QK{lmk_pin}{PVV_ACCOUNT}98765000001X")[1] == "15"


def test_ba_ng_clear_pins_need_the_authorised_state(client: Client) -> None:
    account = v.ACCOUNT_1234
    assert client.call(f"BA1234F{account}") == ("BB", "17", "")
    assert client.call(f"NG{account}{LMK.encrypt_pin(bytearray(b'1234'), account)}") == ("NH", "17", "")
    from pinsec.payshield import PayShieldServer, make_hsm, running

    with running(PayShieldServer(make_hsm(VariantLmk.test(), authorized=True))) as at, \
            Client((at.host, at.port)) as rig:
        lmk_pin = rig.call(f"BA1234F{account}")
        assert lmk_pin == ("BB", "00", LMK.encrypt_pin(bytearray(b"1234"), account))
        assert rig.call(f"NG{account}{lmk_pin[2]}") == ("NH", "00", "1234F")
        assert rig.call(f"BA12F{account}")[1] == "24"  # too short a PIN
        bad = lmk_pin[2][:-1] + str((int(lmk_pin[2][-1]) + 1) % 10)
        assert rig.call(f"NG{account}{bad}")[1] == "14"
        # RA cancels the Authorised state, for good and for every connection
        assert rig.call("RA") == ("RB", "00", "")
        with Client((at.host, at.port)) as other:
            assert other.call(f"BA1234F{account}") == ("BB", "17", "")
        assert rig.call(f"NG{account}{lmk_pin[2]}") == ("NH", "17", "")
        assert rig.call("RA") == ("RB", "00", "")
    assert client.call("RA") == ("RB", "00", "")  # not authorised to begin with: nothing changes
    assert client.call("RAx")[1] == "15"


@pytest.mark.parametrize("options", [";UU0", ";UU1", ";XU0"])
def test_hc_takes_the_three_options_the_manual_lists(client: Client, options: str) -> None:
    # "If present the following three fields must be present": scheme under the TMK, LMK scheme, KCV type
    rc, err, out = client.call("HC" + v.TPK + options)
    assert (rc, err) == ("HD", "00") and out[0] == options[1] and out[33] == "U"
    assert unwrap_under(_clear(v.TPK, "002"), out[:33])[1] == _clear(out[33:], "002")


@pytest.mark.parametrize(("code", "bad", "error"), [("HC", ";UU2", "15"), ("HC", ";UU", "15"), ("HA", ";UU1", "15"),
                                                   ("HA", ";UZ0", "26"), ("HC", ";TU0", "26")])
def test_hc_and_ha_option_refusals(client: Client, code: str, bad: str, error: str) -> None:
    assert client.call(code + v.TPK + bad)[1] == error


@pytest.mark.parametrize("options", ["", ";UU0", ";XX0"])
def test_ha_gives_a_tak_under_the_tmk_and_the_lmk(client: Client, options: str) -> None:
    rc, err, out = client.call("HA" + v.TPK + options)
    assert (rc, err, len(out)) == ("HB", "00", 66)
    tak = _clear(out[33:], "003")  # under LMK pair 16-17 as a TAK
    assert unwrap_under(_clear(v.TPK, "002"), out[:33])[1] == tak
    # the TAK works as one: M6 with it (ISO 9797-1 algorithm 3) then M8 verifies the MAC
    message = "4E6F77206973207468652074696D6520666F7220616C6C20"
    mac = client.call("M6" + "0" + "1" + "1" + "3" + "0" + "003" + out[33:] + "0030" + message)
    assert mac[1] == "00"
    assert client.call("M8" + "0" + "1" + "1" + "3" + "0" + "003" + out[33:] + "0030" + message + mac[2])[1] == "00"


# CK and CM: the same psec vectors, the PIN block coming from a TDES DUKPT terminal (X9.24-1:2009 A.4's BDK,
# under the LMK as vectors.BDK; the block made by pinsec.dukpt.tdes, which X9.24-1's published blocks check)
def _dukpt_block(pin: str, account: str, ksn: str) -> str:
    return tdes.encrypt_pin_block(_clear(v.BDK, "009"), ksn, pin, account + "0").hex().upper()


@pytest.mark.parametrize("ksn", ["FFFF9876543210E00001", "FFFF9876543210E00012", "FFFF9876543210EFF800"])
def test_cm_verifies_a_dukpt_pin_against_a_visa_pvv(client: Client, ksn: str) -> None:
    x = _vector("pin_verification.json", "visa-pvv-1")
    pvk = _under_lmk(str(x["pvk"]), "002")
    block = _dukpt_block("4524", PVV_ACCOUNT, ksn)
    assert client.call(f"CM{v.BDK}{pvk}605{ksn}{block}{PVV_ACCOUNT}18523") == ("CN", "00", "")
    assert client.call(f"CM{v.BDK}{pvk}605{ksn}{block}{PVV_ACCOUNT}18524") == ("CN", "01", "")
    other = "FFFF9876543210E00002" if ksn.endswith("1") else "FFFF9876543210E00001"  # a block of another KSN
    # under another KSN's key the block does not decode (for these three blocks: 20, no PIN at all)
    assert client.call(f"CM{v.BDK}{pvk}605{other}{block}{PVV_ACCOUNT}18523")[1] == "20"


@pytest.mark.parametrize(("pin", "offset"), [("4524", "0000"), ("5635", "1111")])
def test_ck_verifies_a_dukpt_pin_against_an_ibm_offset(client: Client, pin: str, offset: str) -> None:
    x = _vector("pin_verification.json", "ibm3624-1-offset")
    pvk = _under_lmk(str(x["pvk"]), "002")
    block = _dukpt_block(pin, IBM_ACCOUNT, "FFFF9876543210E00001")
    fields = f"{v.BDK}{pvk}605FFFF9876543210E00001{block}{IBM_TAIL}{offset}FFFFFFFF"
    assert client.call(f"CK{fields}") == ("CL", "00", "")
    wrong = f"{(int(offset) + 1) % 10000:04d}"
    assert client.call(f"CK{fields[:-12]}{wrong}FFFFFFFF") == ("CL", "01", "")


def test_ck_cm_refusals(client: Client) -> None:
    x = _vector("pin_verification.json", "visa-pvv-1")
    pvk = _under_lmk(str(x["pvk"]), "002")
    block = _dukpt_block("4524", PVV_ACCOUNT, "FFFF9876543210E00001")
    assert client.call(f"CM{v.ZPK}{pvk}605FFFF9876543210E00001{block}{PVV_ACCOUNT}18523")[1] == "10"  # not a BDK
    assert client.call(f"CM{v.BDK}{v.ZPK}605FFFF9876543210E00001{block}{PVV_ACCOUNT}18523")[1] == "11"  # nor a PVK
    assert client.call(f"CM{v.BDK}{pvk}605FFFF9876543210E00001{block}{PVV_ACCOUNT}1852")[1] == "15"
    assert client.call(f"CK{v.BDK}{pvk}605FFFF9876543210E00001{block}{IBM_TAIL}")[1] == "15"  # no offset


@pytest.mark.parametrize("code", ["DC", "EC", "DA", "EA"])
def test_a_pvk_that_fails_parity_is_error_11(client: Client, code: str) -> None:
    # the manuals: 10 is the TPK's or ZPK's parity, 11 the PVK's
    key = v.TPK if code[0] == "D" else v.ZPK
    block = _zpk_block("4524", PVV_ACCOUNT)
    tail = f"{block}01{PVV_ACCOUNT}18523" if code[1] == "C" else f"12{block}01{IBM_TAIL}0000FFFFFFFF"
    assert client.call(f"{code}{key}{v.ZPK}{tail}")[1] == "11"  # a ZPK is no PVK under LMK pair 14-15


def test_m0_as_a_production_codec_lays_it_out(client: Client) -> None:
    # github:softwaregroup-bg/ut-codec-payshield, test/config/test.js, encryptDataBlockEncode set 1: mode 00,
    # hex in and out, key type 00B (a DEK), the key, messageDataLengthHex "20" for 32 hex digits (16 bytes).
    # Its key is under its own LMK, so a DEK under the test LMK takes its place; the layout is the codec's.
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
    from cryptography.hazmat.primitives.ciphers import Cipher, modes

    clear = adjust_parity(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"))
    dek = wrap_under(LMK.kek("00B"), clear, "U")
    message = "0400980C0002AE900AF140D0C21230D7"
    enc = Cipher(TripleDES(clear + clear[:8]), modes.ECB()).encryptor()  # OpenSSL directly, K1 K2 K1
    want = (enc.update(bytes.fromhex(message)) + enc.finalize()).hex().upper()
    assert client.call(f"M0001100B{dek}0020{message}") == ("M1", "00", "0020" + want)
    assert client.call(f"M2001100B{dek}0020{want}") == ("M3", "00", "0020" + message)
    assert client.call(f"M0001100C{dek}0020{message}")[1] == "05"
    # set 1 of the same: input format "2" (text: the 32 characters are the 32 bytes), hex out; and
    # decryptDataBlockEncode set 1: hex in, output format "2" (text) for the 64 hex digits of 32 bytes
    text = message.encode("ascii")
    enc = Cipher(TripleDES(clear + clear[:8]), modes.ECB()).encryptor()
    under = (enc.update(text) + enc.finalize()).hex().upper()
    assert client.call(f"M0002100B{dek}0020{message}") == ("M1", "00", "0040" + under)
    assert client.call(f"M2001200B{dek}0040{under}") == ("M3", "00", "0020" + message)


def test_m4_translates_data_from_one_key_to_another(client: Client) -> None:
    # M4 as github:softwaregroup-bg/ut-codec-payshield (test/config/test.js, translateDataBlockEncode set 0) lays
    # it out: modes 00 00, hex in and out, source key type 00B and key, destination key type 00B and key,
    # length "0020" for 32 hex digits, and M500 + length + data back. Its keys are under its own LMK, so DEKs
    # under the test LMK take their place; the values are checked with OpenSSL directly.
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
    from cryptography.hazmat.primitives.ciphers import Cipher, modes

    src_clear = adjust_parity(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"))
    dst_clear = adjust_parity(bytes.fromhex("89ABCDEF0123456776543210FEDCBA98"))
    src, dst = (wrap_under(LMK.kek("00B"), k, "U") for k in (src_clear, dst_clear))
    plain = bytes.fromhex("0400980C0002AE900AF140D0C21230D7")

    def ecb(key: bytes, data: bytes, decrypt: bool = False) -> bytes:
        c = Cipher(TripleDES(key + key[:8]), modes.ECB())
        op = c.decryptor() if decrypt else c.encryptor()
        return op.update(data) + op.finalize()

    under_src, under_dst = ecb(src_clear, plain).hex().upper(), ecb(dst_clear, plain).hex().upper()
    assert client.call("M4000011" + f"00B{src}00B{dst}0020{under_src}") == ("M5", "00", "0020" + under_dst)
    assert client.call("M4000010" + f"00B{src}00B{dst}0020{under_src}") == (
        "M5", "00", "0010" + bytes.fromhex(under_dst).decode("latin-1"))
    zek = wrap_under(LMK.kek("00A"), dst_clear, "U")  # a ZEK on either side
    assert client.call("M4000011" + f"00B{src}00A{zek}0020{under_src}") == ("M5", "00", "0020" + under_dst)
    for fields, error in [("010011", "68"), ("000111", "68"), ("990011", "02"), ("000031", "03"),
                          ("000013", "04")]:
        assert client.call(f"M4{fields}00B{src}00B{dst}0020{under_src}")[1] == error, fields
    assert client.call(f"M4000011001{src}00B{dst}0020{under_src}")[1] == "05"
    assert client.call(f"M400001100B{src}00B{src[:-1]}00020{under_src}")[1] == "11"  # destination parity
    assert client.call(f"M400001100B{src[:-1]}000B{dst}0020{under_src}")[1] == "10"  # source parity
    assert client.call(f"M400001100B{dst}00B{dst}0020{under_src}") == ("M5", "00", "0020" + under_src)  # a no-op
    assert client.call(f"M400001100B{src}00B{dst}001E{under_src[:30]}")[1] == "06"  # not whole blocks


# BK and FW: the offset or PVV of the PIN in a block (layouts as github:softwaregroup-bg/ut-codec-payshield's
# messages.json sends them), against psec's published IBM 3624 and Visa PVV vectors
@pytest.mark.parametrize(("pin", "offset"), [("4524", "0000"), ("5635", "1111")])
def test_bk_gives_the_ibm_offset_of_a_selected_pin(client: Client, pin: str, offset: str) -> None:
    x = _vector("pin_verification.json", "ibm3624-1-offset")
    pvk = _under_lmk(str(x["pvk"]), "002")
    zpk_block = _zpk_block(pin, IBM_ACCOUNT)
    assert client.call(f"BK001{v.ZPK}{pvk}{zpk_block}01{IBM_TAIL}") == ("BL", "00", offset + "FFFFFFFF")
    tpk_block = pinblock.encipher(_clear(v.TPK, "002"), pin, IBM_ACCOUNT + "0").hex().upper()
    assert client.call(f"BK002{v.TPK}{pvk}{tpk_block}01{IBM_TAIL}") == ("BL", "00", offset + "FFFFFFFF")


def test_du_changes_a_pin_against_its_ibm_offset(client: Client) -> None:
    # DU as the codec above sends it (verifyPinGenerateOffset: key type, key, PVK, current block, format, check
    # length, account, table, validation data, current offset, new block; DV00 and the new offset), against
    # psec's IBM 3624 vectors: PIN 4524 -> offset 0000, 5635 -> 1111
    x = _vector("pin_verification.json", "ibm3624-1-offset")
    pvk = _under_lmk(str(x["pvk"]), "002")
    old, new = _zpk_block("4524", IBM_ACCOUNT), _zpk_block("5635", IBM_ACCOUNT)
    assert client.call(f"DU001{v.ZPK}{pvk}{old}01{IBM_TAIL}0000FFFFFFFF{new}") == ("DV", "00", "1111FFFFFFFF")
    assert client.call(f"DU001{v.ZPK}{pvk}{old}01{IBM_TAIL}0001FFFFFFFF{new}") == ("DV", "01", "")
    tpk = pinblock.encipher(_clear(v.TPK, "002"), "5635", IBM_ACCOUNT + "0").hex().upper()
    tpk_new = pinblock.encipher(_clear(v.TPK, "002"), "4524", IBM_ACCOUNT + "0").hex().upper()
    assert client.call(f"DU002{v.TPK}{pvk}{tpk}01{IBM_TAIL}1111FFFFFFFF{tpk_new}") == ("DV", "00", "0000FFFFFFFF")
    assert client.call(f"DU003{v.ZPK}{pvk}{old}01{IBM_TAIL}0000FFFFFFFF{new}")[1] == "04"
    assert client.call(f"DU001{v.ZPK}{pvk}{old}01{IBM_TAIL}0000FFFFFFFF")[1] == "15"  # no new PIN block


def test_fw_gives_the_visa_pvv_of_a_selected_pin(client: Client) -> None:
    x = _vector("pin_verification.json", "visa-pvv-1")
    pvk = _under_lmk(str(x["pvk"]), "002")
    block = _zpk_block("4524", PVV_ACCOUNT)
    assert client.call(f"FW001{v.ZPK}{pvk}{block}01{PVV_ACCOUNT}1") == ("FX", "00", "8523")


@pytest.mark.parametrize(("command", "error"), [
    ("FW003" + v.ZPK, "04"),                                             # key type 001 or 002
    (f"FW001{v.ZPK}{v.ZPK}{'0' * 16}01{PVV_ACCOUNT}1", "11"),           # a ZPK is no PVK under the LMK
    (f"BK001{v.ZPK}{v.ZPK}{'0' * 16}01{IBM_TAIL}", "11"),
    (f"FW001{v.ZPK}", "15"),
])
def test_bk_fw_refusals(client: Client, command: str, error: str) -> None:
    assert client.call(command)[1] == error


def test_de_names_its_pvk_parity_as_10(client: Client) -> None:
    # DE has one key, the PVK: the codec above lists 10 as "PVK parity error" for DE (11 is a second key's)
    lmk_pin = LMK.encrypt_pin(bytearray(b"4524"), IBM_ACCOUNT)
    assert client.call(f"DE{v.ZPK}{lmk_pin}{IBM_TAIL}")[1] == "10"


# M0/M2 and M6/M8 field errors as the manuals number them (the codec above lists them: M0 02 mode, 03 input
# format, 04 output format, 05 key type, 06 message length; M6 02 mode, 03 input format, 04 MAC algorithm,
# 05 key type, 06 message length, 09 padding)
@pytest.mark.parametrize(("fields", "error"), [
    ("99", "02"), ("02", "68"), ("03", "68"),       # mode; 02 and 03 (CFB) are modes this server does not offer
    ("0051", "03"), ("0015", "04"), ("0011", "05"), ("0011", "06"),
])
def test_m0_field_errors(client: Client, fields: str, error: str) -> None:
    zek = wrap_under(LMK.kek("00A"), adjust_parity(bytes(range(1, 17))), "U")
    body = {"02": "0211", "03": "0311", "99": "9911"}.get(fields, fields)
    tail = {"05": f"00C{zek}0010" + "00" * 8, "06": f"00A{zek}0011" + "00" * 8}.get(error, f"00A{zek}0010" + "00" * 8)
    assert client.call(f"M0{body}{tail}")[1] == error


@pytest.mark.parametrize(("fields", "error"), [
    ("9" + "1113003", "02"), ("1" + "1113003", "68"), ("0" + "7113003", "03"), ("0" + "1153003", "04"),
    ("0" + "1137003", "09"), ("0" + "1113004", "05"), ("0" + "1213003", "15"),   # MAC size 0 or 1
])
def test_m6_field_errors(client: Client, fields: str, error: str) -> None:
    tak = wrap_under(LMK.kek("003"), adjust_parity(bytes(range(1, 17))), "U")
    assert client.call(f"M6{fields}{tak}0010" + "00" * 8)[1] == error


def test_m6_message_length_errors(client: Client) -> None:
    tak = wrap_under(LMK.kek("003"), adjust_parity(bytes(range(1, 17))), "U")
    mac = client.call(f"M601131003{tak}0010" + "00" * 8)[2]
    assert client.call(f"M601131003{tak}0010" + "00" * 8 + "7")[1] == "15"        # data after the message
    assert client.call(f"M801131003{tak}0010" + "00" * 8 + mac + "7")[1] == "15"  # after the MAC
    assert client.call(f"M601131003{tak}0011" + "00" * 8)[1] == "06"  # longer than the message
    assert client.call(f"M601130003{tak}000E" + "00" * 7)[1] == "06"  # no padding, not whole blocks
    assert client.call(f"M601131003{tak}000F" + "0" * 15)[1] == "06"  # an odd number of hex digits
