"""BC and BE: a PIN block checked against the PIN under the LMK (the comparison method), through a real
socket. The blocks are ThalesSim's (PIN 1234 for account 550000025321, ISO format 0 under its TPK and ZPK:
the CA and JE cases in tests/payshield/vectors.py); the PINs under the LMK are pinsec's own form
(docs/payshield.md), made here with the module that defines it."""

from __future__ import annotations

import pytest

from pinsec import Hsm, KeyAttributes
from pinsec.errors import KeyPolicyError
from pinsec.payshield import hsm_in_test_mode
from pinsec.variant_lmk import VariantLmk

from . import vectors as v
from .client import Client

LMK = VariantLmk.test()
TPK_BLOCK = v.CA[0][66 + 2:66 + 18]  # CA's source block: TPK, ZPK, max length, then the block
ACCOUNT = v.ACCOUNT_1234


def _lmk_pin(pin: str) -> str:
    return LMK.encrypt_pin(bytearray(pin.encode()), ACCOUNT)


def test_ca_vector_holds_the_block_this_file_reads() -> None:
    assert v.CA[0].startswith(v.TPK) and TPK_BLOCK == "6428EB94035AF53B"


@pytest.mark.parametrize(("code", "key", "block"), [("BC", v.TPK, TPK_BLOCK), ("BE", v.ZPK, v.ZPK_BLOCK_1234)])
def test_the_right_pin_verifies_and_no_other(client: Client, code: str, key: str, block: str) -> None:
    reply = chr(ord(code[1]) + 1)
    assert client.call(f"{code}{key}{block}01{ACCOUNT}{_lmk_pin('1234')}") == (code[0] + reply, "00", "")
    for other in ("1235", "4321", "12345", "0000"):
        assert client.call(f"{code}{key}{block}01{ACCOUNT}{_lmk_pin(other)}")[1:] == ("01", ""), other


@pytest.mark.parametrize(("command", "error"), [
    (f"BE{v.ZPK}{v.ZPK_BLOCK_1234}01{ACCOUNT}" + "9" * 5, "14"),           # no PIN under the LMK decodes so
    (f"BE{v.ZPK}{v.ZPK_BLOCK_1234}01550000025322{_lmk_pin('1234')}", "14"),  # another account's
    (f"BE{v.ZPK}{v.ZPK_BLOCK_1234}99{ACCOUNT}{_lmk_pin('1234')}", "23"),   # unknown format
    (f"BE{v.TPK}{v.ZPK_BLOCK_1234}01{ACCOUNT}{_lmk_pin('1234')}", "10"),   # a TPK is not a ZPK under the LMK
    (f"BE{v.ZPK}{v.ZPK_BLOCK_1234}01", "15"),                              # no account
])
def test_refusals(client: Client, command: str, error: str) -> None:
    assert client.call(command)[1] == error


def test_under_the_test_lmk_only_keys_that_came_in_under_it() -> None:
    # anyone can make a PIN under the public test LMK: for a key from elsewhere this would answer PIN guesses
    hsm: Hsm = hsm_in_test_mode()
    zpk = hsm.generate_key(KeyAttributes("P0", "T", "B"))
    with pytest.raises(KeyPolicyError) as info:
        hsm.verify_pin_against_lmk(v.ZPK_BLOCK_1234, key=zpk, format=0, pan=None, lmk_pin=_lmk_pin("1234"),
                                   account=ACCOUNT)
    assert info.value.code == "test_lmk"
