"""KQ (ARQC verification and ARPC generation) through a real socket, fields binary as the payShield 10K
legacy host command manual lays them out.

The MK-AC is the classic test key 0123456789ABCDEFFEDCBA9876543210 as key type 109 (LMK pair 28-29
variant 1) under the published test LMK, wrapped with pinsec's variant LMK module (whose cryptograms
tests/payshield/test_known_answers.py checks against ThalesSim's). The card is pyemv's documented option A
example (PAN 12345678901234567, PSN 01); every expected cryptogram and ARPC comes from pyemv 1.5.0
(github:knovichikhin/pyemv), an independent implementation."""

from __future__ import annotations

import pytest

from pinsec import emv
from pinsec.variant_lmk import VariantLmk, wrap_under

from .client import Client

pyemv_ac = pytest.importorskip("pyemv.ac")
pyemv_kd = pytest.importorskip("pyemv.kd")

IMK = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
MK_AC = wrap_under(VariantLmk.test().kek("109"), IMK, "U")
CARD = pyemv_kd.derive_icc_mk_a(IMK, "12345678901234567", "01")
PAN_BLOCK = emv.pan_block("12345678901234567", "01")
ATC, UN, ARC = bytes.fromhex("0019"), bytes.fromhex("3B19253B"), bytes.fromhex("3030")
# binary data holding the bytes a text parser would trip on: ';' (3B), X'19 (the trailer mark) and '%'
DATA = bytes.fromhex("00000000010000000000000009780000000000097825120100") + b";\x19%" + bytes(5)


def _kq(mode: str, scheme: str, arqc: bytes, *, data: bytes = DATA, arc: bytes = ARC, key: str = MK_AC) -> str:
    fields = PAN_BLOCK + ATC + UN + b"%02X" % len(data) + data + b";" + arqc + (arc if mode == "1" else b"")
    return f"KQ{mode}{scheme}{key}" + fields.decode("latin-1")


def _arqc(scheme: str) -> bytes:
    key = CARD if scheme == "0" else pyemv_kd.derive_common_sk(CARD, ATC + bytes(2) + UN)
    return pyemv_ac.generate_ac(key, DATA, padding_type=pyemv_ac.PaddingType.VISA)


def test_the_card_is_pyemvs_example() -> None:
    assert CARD.hex().upper() == "73AD54688CEF2934B0979857E3C719F1"


@pytest.mark.parametrize("scheme", ["0", "1"])
def test_verify_only(client: Client, scheme: str) -> None:
    assert client.call(_kq("0", scheme, _arqc(scheme))) == ("KR", "00", "")


@pytest.mark.parametrize("scheme", ["0", "1"])
def test_verify_and_arpc(client: Client, scheme: str) -> None:
    arqc = _arqc(scheme)
    code, error, fields = client.call(_kq("1", scheme, arqc))
    assert (code, error) == ("KR", "00")
    assert fields.encode("latin-1") == pyemv_ac.generate_arpc_1(CARD, arqc, ARC)


@pytest.mark.parametrize("mode", ["0", "1"])
def test_a_wrong_cryptogram_is_01_and_gets_no_arpc(client: Client, mode: str) -> None:
    arqc = _arqc("1")
    assert client.call(_kq(mode, "1", arqc[:7] + bytes([arqc[7] ^ 1]))) == ("KR", "01", "")
    assert client.call(_kq(mode, "0", arqc)) == ("KR", "01", "")  # scheme 1's cryptogram is not scheme 0's


def test_mode_2_an_arpc_alone_is_refused(client: Client) -> None:
    # KQ mode 2 has no transaction data: PAN block, ATC, UN, then the cryptogram and the ARC
    command = f"KQ21{MK_AC}" + (PAN_BLOCK + ATC + UN + ATC + bytes(2) + UN + ARC).decode("latin-1")
    assert client.call(command) == ("KR", "68", "")


@pytest.mark.parametrize(("command", "error"), [
    (_kq("3", "0", bytes(8)), "04"),                                           # mode flag
    (_kq("0", "2", bytes(8)), "05"),                                           # scheme ID
    (_kq("0", "0", bytes(8), key=wrap_under(VariantLmk.test().kek("402"), IMK, "U")), "10"),  # a CVK, not MK-AC
    (f"KQ00{MK_AC}" + (PAN_BLOCK + ATC + UN + b"02\x01\x02:" + bytes(8)).decode("latin-1"), "15"),  # no ;
    (f"KQ00{MK_AC}" + (PAN_BLOCK + ATC + UN + b"02\x01\x02:" + bytes(7)).decode("latin-1"), "15"),  # nor here
    (f"KQ00{MK_AC}" + (PAN_BLOCK + ATC + UN + b"00;" + bytes(8)).decode("latin-1"), "15"),  # no data
    (f"KQ00{MK_AC}" + (PAN_BLOCK + ATC + UN + b"0G").decode("latin-1"), "15"),                # length not hex
    (_kq("0", "0", bytes(7)), "15"),                                           # cryptogram short
    (_kq("1", "0", bytes(8))[:-1], "15"),                                      # ARC short
])
def test_refusals(client: Client, command: str, error: str) -> None:
    assert client.call(command)[1] == error


def test_the_trailer_comes_back_though_the_data_holds_x19(client: Client) -> None:
    good, bad = _arqc("1"), bytes(8)
    assert client.call(_kq("0", "1", good) + "\x19TRAIL") == ("KR", "00", "\x19TRAIL")
    assert client.call(_kq("0", "1", bad) + "\x19TRAIL") == ("KR", "01", "\x19TRAIL")  # read before the check
    assert client.call(_kq("0", "1", bad)) == ("KR", "01", "")  # no guess from the 19 inside the data


def test_the_mk_ac_may_come_as_32_hex_digits_without_a_scheme(client: Client) -> None:
    plain = wrap_under(VariantLmk.test().kek("109"), IMK, "X")[1:]
    assert client.call(_kq("0", "0", _arqc("0"), key=plain)) == ("KR", "00", "")
