"""Each error code the server gives, reached through a real socket with otherwise-valid input."""

from __future__ import annotations

import pytest

from pinsec import pinblock
from pinsec.payshield import COMMANDS
from pinsec.variant_lmk import VariantLmk, unwrap_under, wrap_under

from . import vectors as v
from .client import Client

LMK = VariantLmk.test()
ACCOUNT = v.ACCOUNT_1234
BLOCK = v.ZPK_BLOCK_1234
ZPK_CLEAR = unwrap_under(LMK.kek("001"), v.ZPK)[1]


def _cc(src: str = v.ZPK, dst: str = v.ZPK, max_len: str = "12", block: str = BLOCK, sf: str = "01", df: str = "01",
        account: str = ACCOUNT) -> str:
    return f"CC{src}{dst}{max_len}{block}{sf}{df}{account}"


def test_baseline_is_00(client: Client) -> None:
    assert client.call(_cc())[:2] == ("CD", "00")


def test_01_verification_failure(client: Client) -> None:
    assert client.call("CY" + v.CY[1][0]) == ("CZ", "01", "")


def test_04_key_type(client: Client) -> None:
    assert client.call("A00999U") == ("A1", "04", "")  # a key type code this HSM does not take
    assert client.call("A008ZU")[:2] == ("A1", "04")  # not a key type code at all


def test_05_key_length_flag(client: Client) -> None:
    assert client.call("BU013" + v.ZPK) == ("BV", "05", "")


def test_10_11_parity_of_source_and_destination(client: Client) -> None:
    # the ZPK's cryptogram read as a TPK (another LMK pair): the decrypted key has bad parity
    assert client.call(f"CA{v.ZPK}{v.ZPK}12{BLOCK}0101{ACCOUNT}")[:2] == ("CB", "10")
    assert client.call(_cc(dst=v.TPK))[:2] == ("CD", "11")


def test_14_pin_under_lmk(client: Client) -> None:
    good = LMK.encrypt_pin(bytearray(b"1234"), ACCOUNT)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert client.call(f"JG{v.ZPK}01{ACCOUNT}{good}") == ("JH", "00", BLOCK)
    assert client.call(f"JG{v.ZPK}01{ACCOUNT}{bad}") == ("JH", "14", "")


def test_15_invalid_input(client: Client) -> None:
    assert client.call(_cc(account="55000002532X")) == ("CD", "15", "")
    assert client.call(_cc()[:-3]) == ("CD", "15", "")  # a short field
    assert client.call(_cc() + "junk") == ("CD", "15", "")  # data after the last field


def test_20_pin_block_content(client: Client) -> None:
    bad = pinblock.encipher(ZPK_CLEAR, "1234", ACCOUNT + "0", format=1).hex().upper()  # format 1 read as 0
    assert client.call(_cc(block=bad)) == ("CD", "20", "")


def test_23_69_pin_block_format_codes(client: Client) -> None:
    assert client.call(_cc(df="99")) == ("CD", "23", "")
    assert client.call(_cc(df="03")) == ("CD", "69", "")  # IBM 3624 block: a payShield code pinsec refuses
    assert client.call(_cc(df="34")) == ("CD", "69", "")  # ISO 0 to ISO 2: PCI PIN 3-3 forbids it


def test_24_pin_longer_than_the_maximum(client: Client) -> None:
    assert client.call(_cc(max_len="03")) == ("CD", "24", "")


def test_25_decimalisation_table_not_approved(client: Client) -> None:
    pvk = wrap_under(LMK.kek("002"), bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"), "U")
    fields = f"{v.ZPK}{pvk}12{BLOCK}0104{ACCOUNT}9876543210987654" + "11223344556N" + "0000FFFFFFFF"
    assert client.call("EA" + fields) == ("EB", "25", "")


def test_26_27_key_scheme_and_length(client: Client) -> None:
    assert client.call("A00001Z") == ("A1", "26", "")
    assert client.call("BU010" + v.ZPK) == ("BV", "27", "")  # length flag says single, the key is double
    single = wrap_under(LMK.kek("001"), bytes.fromhex("0123456789ABCDEF"), "Z")
    assert client.call(_cc(src=single)) == ("CD", "27", "")  # single-length DES: refused


def test_29_function_not_permitted(client: Client) -> None:
    # a ZMK may not carry a key stronger than itself: a triple-length key under a double-length ZMK
    triple = client.call("A00001T")[2][:49]
    assert client.call(f"A8001{v.ZMK}{triple}U") == ("A9", "29", "")


def test_68_command_not_implemented(client: Client) -> None:
    assert client.call("ZZ") == ("Z[", "68", "")
    assert client.call("M610131008" + v.ZPK)[:2] == ("M7", "68")  # multi-block MACs


def test_75_single_key_masquerading(client: Client) -> None:
    masquerade = wrap_under(LMK.kek("001"), bytes.fromhex("0123456789ABCDEF0123456789ABCDEF"), "U")
    assert client.call(_cc(src=masquerade)) == ("CD", "75", "")


def test_80_data_length(client: Client) -> None:
    assert client.call("B20010ABC") == ("B3", "80", "")


@pytest.mark.parametrize("code", sorted(set(COMMANDS) - {"NC", "RA"}))  # NC and RA take no fields
def test_every_command_answers_empty_and_garbage_input_with_an_error(client: Client, code: str) -> None:
    # BI's and AS's fields are all optional and BS has none: an empty body, with or without an empty trailer, is
    # a whole command
    empty = () if code in ("BI", "AS", "BS") else ("", "\x19")
    for body in (*empty, "U", "%", "Z" * 300, "\xff" * 40):
        rc, err, _ = client.call(code + body)
        assert rc == code[0] + chr(ord(code[1]) + 1)
        assert err != "00" and err != "41", (code, body, err)


def test_the_docs_list_every_command_the_server_answers_and_no_other() -> None:
    # docs/payshield.md's command table ("| A0 / A1 | ...", pairs sharing a row "| MI / MJ, MG / MH |") and
    # the README's count must stay true to the registry
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    table = [line for line in (root / "docs/payshield.md").read_text().splitlines()
             if re.match(r"^\| [A-Z0-9]{2} / [A-Z0-9]{2}[ ,]", line)]
    documented = {code for line in table for code in re.findall(r"([A-Z0-9]{2}) / [A-Z0-9]{2}", line.split("|")[1])}
    documented -= {code for code in documented if code.isdigit()}  # the error code table's "02 / 03" rows
    assert documented == set(COMMANDS)
    assert f"{len(COMMANDS)} commands" in (root / "README.md").read_text()
