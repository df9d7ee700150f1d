"""AW and AU: a CVK pair between a ZMK and the LMK, through a real socket.

The check values are ThalesSim's published answers for the CVK pair of its CVV tests (vectors.CVK_*); the
cryptogram under the ZMK is the pair's halves, each under the ZMK (payShield's legacy 32 H form, or its
scheme when one is asked for), computed here with the variant LMK module that tests/payshield/vectors.py
checks against ThalesSim and a tool capture. A pair that goes out with AU must come back with AW unchanged.
"""

from __future__ import annotations

import pytest

from pinsec.variant_lmk import VariantLmk, unwrap_under, wrap_under

from . import vectors as v
from .client import Client

LMK = VariantLmk.test()
ZMK_CLEAR = unwrap_under(LMK.kek("000"), v.ZMK)[1]
CVK = bytes.fromhex(v.CVK_CLEAR)
CVK_UNDER_ZMK = wrap_under(ZMK_CLEAR, CVK, "X")[1:]  # the legacy form: no scheme letter


def test_the_lmk_cryptogram_holds_thalessims_clear_pair() -> None:
    assert unwrap_under(LMK.kek("402"), v.CVK_UNDER_LMK) == ("X", CVK)


def test_au_gives_the_pair_under_the_zmk_with_a_check_value_per_half(client: Client) -> None:
    assert client.call("AU" + v.ZMK + v.CVK_UNDER_LMK) == ("AV", "00", CVK_UNDER_ZMK + v.CVK_KCV_HALVES)
    assert client.call("AU" + v.ZMK + v.CVK_UNDER_LMK + ";001") == ("AV", "00", CVK_UNDER_ZMK + v.CVK_KCV)


def test_aw_gives_thalessims_cryptogram_and_check_values(client: Client) -> None:
    assert client.call("AW" + v.ZMK + CVK_UNDER_ZMK) == ("AX", "00", v.CVK_UNDER_LMK + v.CVK_KCV_HALVES)
    assert client.call("AW" + v.ZMK + CVK_UNDER_ZMK + ";000") == ("AX", "00", v.CVK_UNDER_LMK + v.CVK_KCV_HALVES)
    assert client.call("AW" + v.ZMK + CVK_UNDER_ZMK + ";001") == ("AX", "00", v.CVK_UNDER_LMK + v.CVK_KCV)


@pytest.mark.parametrize("scheme", ["U", "X"])
def test_schemes_asked_for_are_given(client: Client, scheme: str) -> None:
    under_zmk = wrap_under(ZMK_CLEAR, CVK, scheme)
    under_lmk = wrap_under(LMK.kek("402"), CVK, scheme)
    assert client.call("AU" + v.ZMK + v.CVK_UNDER_LMK + f";{scheme}01") == ("AV", "00", under_zmk + v.CVK_KCV)
    assert client.call("AW" + v.ZMK + CVK_UNDER_ZMK + f";0{scheme}1") == ("AX", "00", under_lmk + v.CVK_KCV)
    # scheme 0 (or no options): the form the pair came in
    assert client.call("AW" + v.ZMK + under_zmk) == ("AX", "00", under_lmk + v.CVK_KCV_HALVES)
    assert client.call("AU" + v.ZMK + under_lmk + ";001") == ("AV", "00", under_zmk + v.CVK_KCV)


def test_a_generated_pair_goes_out_and_comes_back(client: Client) -> None:
    code, err, out = client.call("A00402U")
    assert (code, err) == ("A1", "00")
    under_lmk = out[:33]
    sent = client.call("AU" + v.ZMK + under_lmk + ";U00")
    assert sent[1] == "00"
    assert client.call("AW" + v.ZMK + sent[2][:33] + ";0U0") == ("AX", "00", under_lmk + sent[2][33:])


def _flip_parity(cryptogram: str) -> str:
    # the last hex digit's lowest bit: the clear key under the same KEK keeps its length, loses its parity
    # with probability 1 - 2^-8 per byte; the ciphertext change garbles one 8-byte half
    return cryptogram[:-1] + format(int(cryptogram[-1], 16) ^ 1, "X")


@pytest.mark.parametrize(("command", "want"), [
    ("AU" + _flip_parity(v.ZMK) + v.CVK_UNDER_LMK, "10"),               # the ZMK
    ("AU" + v.ZMK + _flip_parity(v.CVK_UNDER_LMK), "11"),               # the CVK pair
    ("AU" + v.ZMK + v.ZPK, "11"),                                       # a ZPK is not a CVK under the LMK
    ("AW" + _flip_parity(v.ZMK) + CVK_UNDER_ZMK, "10"),
    ("AW" + v.ZMK + _flip_parity(CVK_UNDER_ZMK), "11"),
    ("AU" + v.ZMK + v.CVK_UNDER_LMK + ";010", "15"),                    # the reserved byte is 0
    ("AW" + v.ZMK + CVK_UNDER_ZMK + ";1U0", "15"),
    ("AU" + v.ZMK + v.CVK_UNDER_LMK + ";T00", "26"),                    # a pair is double length
    ("AU" + v.ZMK + v.CVK_UNDER_LMK + ";Q02", "26"),                    # the scheme is checked first
    ("AU" + v.ZMK + v.CVK_UNDER_LMK + "7", "15"),                       # data after the last field
    ("AW" + v.ZMK + CVK_UNDER_ZMK + ";0Z0", "26"),
    ("AU" + v.ZMK + v.CVK_UNDER_LMK + ";002", "15"),                    # KCV type 0 or 1
    ("AW" + v.ZMK + CVK_UNDER_ZMK + "5", "15"),                         # an Atalla variant is not taken
    ("AW" + v.ZMK + CVK_UNDER_ZMK[:-1], "15"),                          # a short pair
    ("AU" + v.ZMK + v.CVK_UNDER_LMK[:16], "15"),                        # one half alone (16 H)
])
def test_errors(client: Client, command: str, want: str) -> None:
    assert client.call(command)[1] == want


def _kcvs_of(clear: bytes) -> tuple[str, str]:
    """(per-half check values, whole-key check value) computed on the host from the clear pair."""
    from pinsec import kcv

    # a half's check value is single DES of zeros under it: TDES with the half as both keys
    return kcv.legacy_kcv(clear[:8] * 2) + kcv.legacy_kcv(clear[8:] * 2), kcv.legacy_kcv(clear)


@pytest.mark.parametrize(("options", "scheme", "whole"), [("", "", False), (";000", "", False), (";0U0", "U", False),
                                                           (";0X1", "X", True)])
def test_as_generates_a_pair_under_the_lmk_that_cw_and_cy_use(client: Client, options: str, scheme: str,
                                                              whole: bool) -> None:
    code, err, out = client.call("AS" + options)
    assert (code, err) == ("AT", "00")
    size = 33 if scheme else 32
    cryptogram, check = out[:size], out[size:]
    assert cryptogram[:1] == scheme or not scheme
    clear = unwrap_under(LMK.kek("402"), cryptogram)[1]  # under LMK pair 14-15 variant 4
    halves, full = _kcvs_of(clear)
    assert check == (full if whole else halves)
    cvv = client.call(f"CW{cryptogram}4123456789012345;8701101")
    assert cvv[1] == "00" and client.call(f"CY{cryptogram}{cvv[2]}4123456789012345;8701101") == ("CZ", "00", "")
    assert client.call("AS" + options)[2][:size] != cryptogram  # random


@pytest.mark.parametrize(("options", "want"), [(";0T0", "26"), (";1U0", "15"), (";0U2", "15"), (";0U", "15"),
                                               (";0U0X", "15")])
def test_as_refusals(client: Client, options: str, want: str) -> None:
    assert client.call("AS" + options)[1] == want
