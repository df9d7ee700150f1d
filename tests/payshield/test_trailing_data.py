"""Every PIN and data command read to its last field: a request it answers, that request with one character
more (15: data after the last field), and with a trailer (the same answer, the trailer echoed). A command that
stopped reading early, or that skipped the end of its fields, would answer the longer request or lose the
trailer. The requests are the known-answer tests' (tests/payshield/test_known_answers.py, whose vectors say
where each value comes from)."""

from __future__ import annotations

import pytest

from pinsec import pinblock
from pinsec.variant_lmk import VariantLmk

from . import vectors as v
from .client import Client
from .test_known_answers import (
    IBM_ACCOUNT,
    IBM_TAIL,
    PVV_ACCOUNT,
    _clear,
    _dukpt_block,
    _under_lmk,
    _vector,
    _zpk_block,
)

LMK = VariantLmk.test()


def _requests() -> list[tuple[str, str]]:
    """(request, its answer's response code and error code) for the commands under test."""
    pvk = _under_lmk(str(_vector("pin_verification.json", "visa-pvv-1")["pvk"]), "002")
    pvv_block, ibm_block = _zpk_block("4524", PVV_ACCOUNT), _zpk_block("4524", IBM_ACCOUNT)
    tpk_pvv = pinblock.encipher(_clear(v.TPK, "002"), "4524", PVV_ACCOUNT + "0").hex().upper()
    tpk_ibm = pinblock.encipher(_clear(v.TPK, "002"), "4524", IBM_ACCOUNT + "0").hex().upper()
    lmk_pvv = LMK.encrypt_pin(bytearray(b"4524"), PVV_ACCOUNT)
    lmk_ibm = LMK.encrypt_pin(bytearray(b"4524"), IBM_ACCOUNT)
    dukpt_pvv = _dukpt_block("4524", PVV_ACCOUNT, "FFFF9876543210E00001")
    dukpt_ibm = _dukpt_block("4524", IBM_ACCOUNT, "FFFF9876543210E00001")
    offset = "0000FFFFFFFF"
    return [
        (f"CA{v.TPK}{v.ZPK}12{tpk_pvv}0101{PVV_ACCOUNT}", "CB00"),
        (f"CC{v.ZPK}{v.ZPK}12{pvv_block}0101{PVV_ACCOUNT}", "CD00"),
        (f"CI{v.BDK}{v.ZPK}605{v.DUKPT_KSN}{v.DUKPT_BLOCK}01{v.DUKPT_ACCOUNT}", "CJ00"),
        (f"G0{v.BDK}{v.ZPK}605{v.DUKPT_KSN}{v.DUKPT_BLOCK}0101{v.DUKPT_ACCOUNT}", "G100"),
        (f"JC{v.TPK}{tpk_pvv}01{PVV_ACCOUNT}", "JD00"),
        (f"JE{v.ZPK}{pvv_block}01{PVV_ACCOUNT}", "JF00"),
        (f"JG{v.ZPK}01{PVV_ACCOUNT}{lmk_pvv}", "JH00"),
        (f"BC{v.TPK}{tpk_pvv}01{PVV_ACCOUNT}{lmk_pvv}", "BD00"),
        (f"BE{v.ZPK}{pvv_block}01{PVV_ACCOUNT}{lmk_pvv}", "BF00"),
        (f"DC{v.TPK}{pvk}{tpk_pvv}01{PVV_ACCOUNT}18523", "DD00"),
        (f"EC{v.ZPK}{pvk}{pvv_block}01{PVV_ACCOUNT}18523", "ED00"),
        (f"DA{v.TPK}{pvk}12{tpk_ibm}01{IBM_TAIL}{offset}", "DB00"),
        (f"EA{v.ZPK}{pvk}12{ibm_block}01{IBM_TAIL}{offset}", "EB00"),
        (f"CM{v.BDK}{pvk}605FFFF9876543210E00001{dukpt_pvv}{PVV_ACCOUNT}18523", "CN00"),
        (f"CK{v.BDK}{pvk}605FFFF9876543210E00001{dukpt_ibm}{IBM_TAIL}{offset}", "CL00"),
        (f"DG{pvk}{lmk_pvv}{PVV_ACCOUNT}1", "DH00"),
        (f"DE{pvk}{lmk_ibm}{IBM_TAIL}", "DF00"),
        (f"EE{pvk}{offset}{IBM_TAIL}", "EF00"),
        (f"CU001{v.ZPK}{pvk}{pvv_block}01{PVV_ACCOUNT}18523{pvv_block}", "CV00"),
        (f"DU001{v.ZPK}{pvk}{ibm_block}01{IBM_TAIL}{offset}{ibm_block}", "DV00"),
        (f"BK001{v.ZPK}{pvk}{ibm_block}01{IBM_TAIL}", "BL00"),
        (f"FW001{v.ZPK}{pvk}{pvv_block}01{PVV_ACCOUNT}1", "FX00"),
        (f"JA{PVV_ACCOUNT}04", "JB00"),
        (f"QK{lmk_pvv}{PVV_ACCOUNT}{IBM_ACCOUNT}", "QL00"),
    ]


@pytest.mark.parametrize(("request_text", "answer"), _requests(), ids=lambda x: x[:2] if len(x) > 4 else None)
def test_every_field_is_read_and_the_trailer_comes_back(client: Client, request_text: str, answer: str) -> None:
    rc, err, out = client.call(request_text)
    assert rc + err == answer
    # one more character is data after the last field, except where the last field runs to the end (a PIN
    # under the LMK in JG, BC and BE; DG, DE and QK find their fixed fields from the end): there it is read
    # as part of the field, and the answer changes
    longer = client.call(request_text + "7")
    assert longer != (rc, err, out), request_text[:2]
    if request_text[:2] not in ("JG", "BC", "BE", "DG", "DE", "QK"):
        assert longer[1] == "15", request_text[:2]
    # JA's PIN is random: compare what is not
    with_trailer = client.call(request_text + "%00\x19trailer")
    assert with_trailer[:2] == (rc, err) and with_trailer[2].endswith("\x19trailer"), request_text[:2]
    if request_text[:2] != "JA":
        assert with_trailer[2] == out + "\x19trailer"


def test_m0_reads_to_the_end_of_its_message(client: Client) -> None:
    from pinsec.backends.software import adjust_parity
    from pinsec.variant_lmk import wrap_under

    zek = wrap_under(LMK.kek("00A"), adjust_parity(bytes(range(1, 17))), "U")
    assert client.call(f"M0001100A{zek}0010{'00' * 8}")[1] == "00"
    assert client.call(f"M0001100A{zek}0010{'00' * 8}7")[1] == "15"


def test_a_pin_as_long_as_the_maximum_is_taken(client: Client) -> None:
    block = _zpk_block("4524", PVV_ACCOUNT)
    assert client.call(f"CC{v.ZPK}{v.ZPK}04{block}0101{PVV_ACCOUNT}")[:2] == ("CD", "00")
    assert client.call(f"CC{v.ZPK}{v.ZPK}03{block}0101{PVV_ACCOUNT}")[:2] == ("CD", "24")


def test_the_destination_zpk_is_the_second_key_for_parity(client: Client) -> None:
    # 11 is the destination key's parity error (JG's JH11 among the production codec's decode samples)
    broken = v.ZPK[:-1] + ("0" if v.ZPK[-1] != "0" else "1")
    assert client.call(f"CI{v.BDK}{broken}605{v.DUKPT_KSN}{v.DUKPT_BLOCK}01{v.DUKPT_ACCOUNT}")[1] == "11"
    assert client.call(f"G0{v.BDK}{broken}605{v.DUKPT_KSN}{v.DUKPT_BLOCK}0101{v.DUKPT_ACCOUNT}")[1] == "11"
    lmk_pin = LMK.encrypt_pin(bytearray(b"4524"), PVV_ACCOUNT)
    assert client.call(f"JG{broken}01{PVV_ACCOUNT}{lmk_pin}")[1] == "11"


def test_a_pvk_pair_may_come_as_32_hex_digits_without_a_scheme(client: Client) -> None:
    from pinsec.backends.software import adjust_parity
    from pinsec.variant_lmk import wrap_under

    clear = adjust_parity(bytes.fromhex(str(_vector("pin_verification.json", "visa-pvv-1")["pvk"])))
    plain = wrap_under(LMK.kek("002"), clear, "X")[1:]  # scheme X's 32 hex digits, without the letter
    block = _zpk_block("4524", PVV_ACCOUNT)
    assert client.call(f"EC{v.ZPK}{plain}{block}01{PVV_ACCOUNT}18523") == ("ED", "00", "")
    lmk_pin = LMK.encrypt_pin(bytearray(b"4524"), PVV_ACCOUNT)
    assert client.call(f"DG{plain}{lmk_pin}{PVV_ACCOUNT}1") == ("DH", "00", "8523")


@pytest.mark.parametrize("data", ["11223344556", "1122334455NN", "112233445566", "1122334455GN"])
def test_pin_validation_data_is_12_characters_with_one_n(client: Client, data: str) -> None:
    pvk = _under_lmk(str(_vector("pin_verification.json", "ibm3624-1-offset")["pvk"]), "002")
    tail = f"04{IBM_ACCOUNT}1234567890123456{data}"
    assert client.call(f"EE{pvk}0000FFFFFFFF{tail}")[1] == "15"


@pytest.mark.parametrize("offset", ["000FFFFFFFFF", "00000FFFFFFF", "00A0FFFFFFFF"])
def test_an_offset_has_the_check_length_in_digits(client: Client, offset: str) -> None:
    pvk = _under_lmk(str(_vector("pin_verification.json", "ibm3624-1-offset")["pvk"]), "002")
    assert client.call(f"EE{pvk}{offset}{IBM_TAIL}")[1] == "15"


def test_fields_found_from_the_end_need_their_length(client: Client) -> None:
    pvk = _under_lmk(str(_vector("pin_verification.json", "visa-pvv-1")["pvk"]), "002")
    lmk_pin = LMK.encrypt_pin(bytearray(b"4524"), PVV_ACCOUNT)
    assert client.call(f"DG{pvk}{lmk_pin}{PVV_ACCOUNT}")[1] == "15"        # no PVKI: 17 characters
    assert client.call(f"DG{pvk}{lmk_pin}{PVV_ACCOUNT[:-1]}A1")[1] == "15"  # not digits
    assert client.call(f"DE{pvk}1234{IBM_TAIL}")[1] == "15"                 # 4 characters of PIN: too short


def test_ja_gives_pins_of_4_to_12_digits(client: Client) -> None:
    assert client.call(f"JA{PVV_ACCOUNT}12")[1] == "00"
    assert client.call(f"JA{PVV_ACCOUNT}13")[1] == "24"


def test_ba_takes_a_pin_padded_with_one_f_then_the_account() -> None:
    from pinsec.payshield import PayShieldServer, make_hsm, running

    with running(PayShieldServer(make_hsm(LMK, authorized=True))) as at, Client((at.host, at.port)) as c:
        assert c.call(f"BA1234F{PVV_ACCOUNT}")[1] == "00"
        for bad in (f"BA1234{PVV_ACCOUNT}", f"BA12A4F{PVV_ACCOUNT}", f"BA1234FF{PVV_ACCOUNT}",
                    f"BA1234F{PVV_ACCOUNT[:-1]}X"):
            assert c.call(bad)[1] == "15", bad
        lmk_pin = LMK.encrypt_pin(bytearray(b"1234"), PVV_ACCOUNT)  # BA and NG give the trailer back
        assert c.call(f"BA1234F{PVV_ACCOUNT}%00\x19tr") == ("BB", "00", lmk_pin + "\x19tr")
        assert c.call(f"NG{PVV_ACCOUNT}{lmk_pin}%00\x19tr") == ("NH", "00", "1234F\x19tr")
