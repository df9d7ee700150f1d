"""Edges of the field reader and of the request's key handling, through real sockets: key block lengths,
message lengths, delimiters, trailers, PIN block format codes, and keys forgotten after every command."""

from __future__ import annotations

import pytest

from pinsec import pinblock
from pinsec.backends.software import adjust_parity
from pinsec.payshield import PayShieldServer, make_hsm, running
from pinsec.payshield.fields import CommandError
from pinsec.payshield.request import Request
from pinsec.variant_lmk import VariantLmk, unwrap_under, wrap_under

from . import vectors as v
from .client import Client

LMK = VariantLmk.test()


def _clear(cryptogram: str, key_type: str) -> bytes:
    return unwrap_under(LMK.kek(key_type), cryptogram)[1]


@pytest.mark.parametrize(("key", "error"), [
    ("SDxxxx" + "0" * 40, "15"),            # a key block whose length is not digits
    ("SD01", "15"),                          # too short to hold a length
    ("SD1000" + "0" * 995, "12"),            # a 4-digit length of 1000 read whole: then no key-block LMK
])
def test_an_s_key_field_reads_its_length(client: Client, key: str, error: str) -> None:
    block = "0" * 16
    assert client.call(f"CA{v.TPK}{key}12{block}0101{v.ACCOUNT_1234}")[1] == error


def test_a_key_block_length_is_four_digits_after_the_version() -> None:
    from pinsec.payshield.fields import Fields

    assert Fields("SD0010abcdeXYZ").key("key") == "SD0010abcde"
    for text in ("SDx100" + "0" * 100, "SD01", "SD 010abcde"):
        with pytest.raises(CommandError) as info:
            Fields(text).key("key")
        assert info.value.code == "15", text


def test_a_delimited_field_or_the_rest_may_be_empty() -> None:
    from pinsec.payshield.fields import Fields

    f = Fields(";2512")
    assert (f.until(";", "PAN"), f.rest()) == ("", "2512")
    for body, trailer in (("%00", None), ("\x19abc", "abc")):
        f = Fields(body)
        assert f.rest() == ""
        f.end()
        assert f.trailer == trailer


def test_a_message_shorter_than_its_length_is_the_commands_length_error(client: Client) -> None:
    zek = wrap_under(LMK.kek("00A"), adjust_parity(bytes(range(1, 17))), "U")
    assert client.call(f"M0001100A{zek}0020{'00' * 8}")[1] == "06"            # 32 digits said, 16 sent
    zak = wrap_under(LMK.kek("008"), adjust_parity(bytes(range(1, 17))), "U")
    assert client.call(f"M601131008{zak}0020{'00' * 8}")[1] == "06"


def test_a_field_read_up_to_a_delimiter_needs_the_delimiter(client: Client) -> None:
    assert client.call(f"CW{v.CVK_UNDER_LMK}41234567890123458701101")[1] == "15"  # no ; after the PAN


def test_a_trailer_right_after_the_code_is_echoed(client: Client) -> None:
    # BA reads its body to the end: a body that is only a trailer is an empty command, answered with it
    assert client.call("BA\x19abc") == ("BB", "15", "\x19abc")


def test_a_trailer_of_32_characters_is_taken(client: Client) -> None:
    assert client.call("B20002OK\x19" + "t" * 32) == ("B3", "00", "OK\x19" + "t" * 32)
    assert client.call("B20002OK\x19" + "t" * 33)[1] == "15"


def test_pin_block_format_codes(client: Client) -> None:
    # 05 is ISO 1 and 47 ISO 3 (PCI PIN 3-3 lets 1 go to 3); 48 (ISO 4) needs an AES key, so a TDES ZPK
    # cannot take it (29), where an unknown code is 23
    tpk, zpk = _clear(v.TPK, "002"), _clear(v.ZPK, "001")
    pan = v.ACCOUNT_1234 + "0"
    iso1 = pinblock.encipher(tpk, "1234", None, format=1).hex().upper()
    rc, err, out = client.call(f"CA{v.TPK}{v.ZPK}12{iso1}0547{v.ACCOUNT_1234}")
    assert (rc, err, out[-2:]) == ("CB", "00", "47")
    assert pinblock.decipher(zpk, out[2:18], pan, format=3) == "1234"
    iso0 = pinblock.encipher(tpk, "1234", pan).hex().upper()
    assert client.call(f"CA{v.TPK}{v.ZPK}12{iso0}0148{v.ACCOUNT_1234}")[1] == "29"
    assert client.call(f"CA{v.TPK}{v.ZPK}12{iso0}0149{v.ACCOUNT_1234}")[1] == "23"


def test_a_key_block_never_comes_in_as_a_key_of_the_old_lmk() -> None:
    # key change storage holds variant LMKs only: an S key offered as one is refused before any LMK is asked
    request = Request(make_hsm(LMK), "", 4)
    with pytest.raises(CommandError) as info:
        request.key("SD0112" + "0" * 106, key_type="001", usage="P0", old_lmk=True)
    assert info.value.code == "15"


def test_the_keys_a_command_brought_in_are_gone_when_it_is_answered() -> None:
    hsm = make_hsm(LMK)
    with running(PayShieldServer(hsm)) as at, Client((at.host, at.port)) as c:
        before = len(hsm.list_keys())
        assert c.call("FA" + v.ZMK + v.ZPK_UNDER_ZMK)[1] == "00"     # a key under the LMK and one under a ZMK
        assert c.call(f"CA{v.TPK}{v.ZPK}12{'0' * 16}0101{v.ACCOUNT_1234}")[0] == "CB"
        assert len(hsm.list_keys()) == before


def test_a_refusal_says_which_field_at_debug_level(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.DEBUG, logger="pinsec.payshield")
    assert client.call(f"CW{v.CVK_UNDER_LMK}41234567890123458701101")[1] == "15"
    assert any(r.getMessage() == "host command CW answered 15: PAN has no ';' after it" for r in caplog.records)
