"""Key translations between a ZMK and the LMK for every key type a payShield moves that way (FA/GC ZPK,
FC/FE TMK/TPK/PVK, MI/MG TAK, FK/FM ZEK and ZAK, DW/DY BDK, BY ZMK), keys generated under a ZMK (IA, FI), KA
check values and G0, through a real socket. Known answers from ThalesSim's tests (tests/payshield/vectors.py);
where ThalesSim has only single-length cases (which pinsec refuses), the translations are checked against A0's
own cryptograms: a key generated under the LMK and a ZMK must come back the same from either side."""

from __future__ import annotations

import pytest

from pinsec import pinblock
from pinsec.backends.software import adjust_parity
from pinsec.variant_lmk import VariantLmk, unwrap_under, wrap_under

from . import vectors as v
from .client import Client

LMK = VariantLmk.test()


def clear_of(key_type: str, cryptogram: str) -> bytes:
    return unwrap_under(LMK.kek(key_type), cryptogram)[1]


def test_by_translates_a_zmk_from_a_zmk(client: Client) -> None:
    assert client.call("BY" + v.BY[0]) == ("BZ", "00", v.BY[1])


@pytest.mark.parametrize(("fields", "kcv"), v.KA)
def test_ka_check_values(client: Client, fields: str, kcv: str) -> None:
    assert client.call("KA" + fields) == ("KB", "00", kcv)


def test_ka_refuses_a_key_type_code_it_does_not_take(client: Client) -> None:
    assert client.call("KA" + v.ZPK + "09")[1] == "04"


@pytest.mark.parametrize(("key_type", "into", "out_of", "flag"), [
    ("001", "FA", "GC", ""), ("002", "FC", "FE", ""), ("003", "MI", "MG", ""), ("00A", "FK", "FM", "0"),
    ("008", "FK", "FM", "1"), ("009", "DW", "DY", ""), ("000", "BY", None, ""),
])
def test_translations_agree_with_a0(client: Client, key_type: str, into: str, out_of: str | None,
                                    flag: str) -> None:
    code, err, out = client.call("A01" + key_type + "U;0" + v.ZMK + "U")
    assert (code, err) == ("A1", "00")
    under_lmk, under_zmk, kcv = out[:33], out[33:66], out[66:]
    assert client.call(into + flag + v.ZMK + under_zmk + ";UU1")[1:] == ("00", under_lmk + kcv)
    full = client.call(into + flag + v.ZMK + under_zmk)  # no options: scheme U, 16-digit check value
    assert full[1] == "00" and full[2][:33] == under_lmk and full[2][33:39] == kcv and len(full[2]) == 49
    if out_of is not None:
        assert client.call(out_of + flag + v.ZMK + under_lmk + ";UU1")[1:] == ("00", under_zmk + kcv)


@pytest.mark.parametrize("code", ["FK", "FM"])
def test_the_zek_zak_flag_is_0_or_1(client: Client, code: str) -> None:
    assert client.call(code + "2" + v.ZMK + v.ZPK_UNDER_ZMK)[1] == "15"


def test_a_key_of_the_wrong_type_is_refused(client: Client) -> None:
    # a ZPK cryptogram offered where a TAK is expected does not decrypt to a TAK under the LMK's TAK pair
    out = client.call("A01001U;0" + v.ZMK + "U")[2]
    assert client.call("MG" + v.ZMK + out[:33] + ";UU1")[1] == "11"  # parity of the key being translated


def test_g0_translates_a_3des_dukpt_pin_block_to_a_zpk(client: Client) -> None:
    zpk = bytes.fromhex(v.G0_ZPK_CLEAR)
    zpk_under_lmk = wrap_under(LMK.kek("001"), adjust_parity(zpk), "U")
    request = (v.BDK + zpk_under_lmk + "605" + v.G0_KSN + v.G0_BLOCK + "01" + "01" + "401234567890")
    want = pinblock.encipher(adjust_parity(zpk), "1234", "4012345678909").hex().upper()
    assert client.call("G0" + request) == ("G1", "00", "04" + want + "01")
    # the same block through CI, which has no source format field
    assert client.call("CI" + v.BDK + zpk_under_lmk + "605" + v.G0_KSN + v.G0_BLOCK + "01" + "401234567890") == (
        "CJ", "00", "04" + want + "01")


def test_g0_refuses_an_unknown_source_format(client: Client) -> None:
    zpk_under_lmk = wrap_under(LMK.kek("001"), adjust_parity(bytes.fromhex(v.G0_ZPK_CLEAR)), "U")
    request = v.BDK + zpk_under_lmk + "605" + v.G0_KSN + v.G0_BLOCK + "99" + "01" + "401234567890"
    assert client.call("G0" + request)[1] == "23"


@pytest.mark.parametrize(("code", "flag", "back"), [("IA", "", "FA"), ("FI", "0", "FK"), ("FI", "1", "FK")])
def test_generated_keys_come_back_through_the_translations(client: Client, code: str, flag: str, back: str) -> None:
    # ThalesSim's TestGenerateZEKAndCheckTranslation, for each generator: the key under the ZMK, translated
    # to the LMK, is the generator's own key under LMK, with its check value
    code_out, err, out = client.call(code + flag + v.ZMK + ";UU1")
    assert (code_out, err, len(out)) == (chr(ord(code[0])) + chr(ord(code[1]) + 1), "00", 72)
    under_zmk, under_lmk, kcv = out[:33], out[33:66], out[66:]
    assert client.call(back + flag + v.ZMK + under_zmk + ";UU1")[1:] == ("00", under_lmk + kcv)
    assert client.call(code + flag + v.ZMK + ";UU1")[2][33:66] != under_lmk  # a new key each time


def test_a_generated_key_with_the_default_options(client: Client) -> None:
    code, err, out = client.call("IA" + v.ZMK)
    assert (code, err, len(out)) == ("IB", "00", 82)  # two U cryptograms and a 16-digit check value


@pytest.mark.parametrize(("into", "flag"), [("FA", ""), ("FC", ""), ("MI", ""), ("FK", "0"), ("FK", "1"),
                                            ("DW", ""), ("BY", ""), ("A6", "001")])
def test_parity_errors_name_the_key_that_failed(client: Client, into: str, flag: str) -> None:
    # the payShield manuals: 10 the ZMK, 11 the key being imported under it
    def flip(cryptogram: str) -> str:
        return cryptogram[:-1] + format(int(cryptogram[-1], 16) ^ 1, "X")

    tail = "U" if into == "A6" else ""
    assert client.call(into + flag + flip(v.ZMK) + v.ZPK_UNDER_ZMK + tail)[1] == "10"
    assert client.call(into + flag + v.ZMK + flip(v.ZPK_UNDER_ZMK) + tail)[1] == "11"


def test_b0_refuses_thalessims_single_key_in_disguise(client: Client) -> None:
    clear = clear_of("000", v.B0_EQUAL_HALVES[3:36])
    assert clear[:8] == clear[8:]
    assert client.call("B0" + v.B0_EQUAL_HALVES)[1] == "75"


@pytest.mark.parametrize(("key_type", "length_scheme", "other"), [("001", "U", "X"), ("000", "X", "U"),
                                                                  ("009", "T", "Y"), ("402", "U", "X")])
def test_b0_changes_the_scheme_and_nothing_else(client: Client, key_type: str, length_scheme: str,
                                                other: str) -> None:
    code, err, out = client.call("A00" + key_type + length_scheme)
    assert (code, err) == ("A1", "00")
    key = out[:-6]
    clear = clear_of(key_type, key)
    translated = client.call("B0" + key_type + key + other)
    assert translated == ("B1", "00", wrap_under(LMK.kek(key_type), clear, other))
    assert client.call("B0" + key_type + translated[2] + length_scheme) == ("B1", "00", key)


def test_b0_refusals(client: Client) -> None:
    key = client.call("A00001U")[2][:33]
    assert client.call("B0001" + key + "T")[1] == "26"      # a double-length key has no triple scheme
    assert client.call("B0002" + key + "X")[1] == "10"      # not a 002 key under the LMK: parity fails
    assert client.call("B0999" + key + "X")[1] == "04"      # unknown key type
    assert client.call("B0001" + key)[1] == "15"            # no scheme


@pytest.mark.parametrize(("options", "scheme", "length"), [("", "U", 16), (";0U0", "U", 16), (";0X1", "X", 16),
                                                           (";0T0", "T", 24), (";0Y1", "Y", 24)])
def test_bi_generates_a_bdk_under_lmk_28_29(client: Client, options: str, scheme: str, length: int) -> None:
    code, err, out = client.call("BI" + options)
    assert (code, err) == ("BJ", "00") and out[0] == scheme
    clear = clear_of("009", out)
    assert len(clear) == length and all(bin(b).count("1") % 2 for b in clear)  # odd parity, as generated
    assert len({clear[i:i + 8] for i in range(0, length, 8)}) == length // 8  # no repeated part


def test_bi_refusals(client: Client) -> None:
    assert client.call("BI;0Z0")[1] == "26"
    assert client.call("BI;0U2")[1] == "15"
    assert client.call("BI;0U")[1] == "15"


def test_ae_gives_thalessims_answer(client: Client) -> None:
    assert client.call("AE" + v.AE[0]) == ("AF", "00", v.AE[1])
    tmk, key = v.AE[0][:33], v.AE[0][33:]
    as_x = wrap_under(LMK.kek("002"), clear_of("002", key), "X")
    assert client.call("AE" + tmk + as_x) == ("AF", "00", v.AE_X)


def test_ag_gives_a_tak_under_a_tmk(client: Client) -> None:
    tak = client.call("A00003U")[2][:33]
    tmk = v.AE[0][:33]
    out = client.call("AG" + tmk + tak)
    assert out == ("AH", "00", wrap_under(clear_of("002", tmk), clear_of("003", tak), "U"))


@pytest.mark.parametrize(("command", "error"), [
    ("AE" + v.AE[0][:33] + v.ZPK, "11"),          # a ZPK is not a 002 key under the LMK
    ("AG" + v.ZPK + v.AE[0][33:], "10"),          # nor a TMK
    ("AE" + v.AE[0][:33], "15"),
])
def test_ae_ag_refusals(client: Client, command: str, error: str) -> None:
    assert client.call(command)[1] == error


def test_thalessims_ci_case_has_a_single_key_for_its_zpk(client: Client) -> None:
    zpk = clear_of("001", v.CI_WEAK_ZPK[33:66])
    assert zpk == bytes([0x1C]) * 16
    assert client.call("CI" + v.CI_WEAK_ZPK)[1] == "75"


def test_dw_dy_give_thalessims_answers(client: Client) -> None:
    assert client.call("DW" + v.DW[0]) == ("DX", "00", v.DW[1])
    assert client.call("DY" + v.DY[0]) == ("DZ", "00", v.DY[1])
