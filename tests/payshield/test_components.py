"""A4 and GY: keys formed from components that are under the LMK, only in the Authorised state; ThalesSim's
known answers (tests/payshield/vectors.py) through a real socket."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pinsec.payshield import PayShieldServer, make_hsm, running
from pinsec.variant_lmk import VariantLmk, unwrap_under, wrap_under

from . import vectors as v
from .client import Client

LMK = VariantLmk.test()
PARTS = "".join(v.ZMK_COMPONENTS)


@pytest.fixture(scope="module")
def authorised() -> Iterator[Client]:
    with running(PayShieldServer(make_hsm(VariantLmk.test(), authorized=True))) as at, \
            Client((at.host, at.port)) as c:
        yield c


def test_without_an_lmk_scheme_the_key_comes_back_as_its_components_came(authorised: Client) -> None:
    # GY (no options): plain components give a plain key (ThalesSim's answer), U ones a U key, and where
    # forms differ the first component's; GG always X
    clear = [unwrap_under(LMK.kek("000"), "X" + c)[1] for c in v.ZMK_COMPONENTS]
    as_u = [wrap_under(LMK.kek("000"), k, "U") for k in clear]
    key_u = authorised.call("GY3" + "".join(as_u))
    assert key_u == ("GZ", "00", wrap_under(LMK.kek("000"), unwrap_under(LMK.kek("000"), "X" + v.GY[:32])[1], "U")
                     + v.GY[32:])
    mixed = authorised.call("GY3" + "X" + v.ZMK_COMPONENTS[0] + as_u[1] + v.ZMK_COMPONENTS[2])
    assert mixed == ("GZ", "00", "X" + v.GY)
    assert authorised.call("GY3" + v.ZMK_COMPONENTS[0] + as_u[1] + v.ZMK_COMPONENTS[2]) == ("GZ", "00", v.GY)
    assert authorised.call("GY3" + PARTS + "7")[1] == "15"          # data after the last field


def test_a4_takes_plain_components_and_reads_to_its_last_field(authorised: Client) -> None:
    plain = authorised.call("A43000X" + PARTS)
    assert plain == authorised.call("A43000X" + "".join("X" + p for p in v.ZMK_COMPONENTS))
    assert plain[1] == "00"
    assert authorised.call("A43000X" + PARTS + "7")[1] == "15"


def test_gy_forms_thalessims_zmk(authorised: Client) -> None:
    assert authorised.call("GY3" + PARTS) == ("GZ", "00", v.GY)
    assert authorised.call("GY3" + PARTS + ";0U1") == ("GZ", "00", v.GY_U)
    assert authorised.call("GY3" + PARTS + ";0X0") == ("GZ", "00", "X" + v.GY)


def test_gg_forms_thalessims_zmk(authorised: Client) -> None:
    assert authorised.call("GG" + v.GG[0]) == ("GH", "00", v.GG[1])
    assert authorised.call("GG" + v.GG[0] + ";0U1") == ("GH", "00", v.GY_U)
    assert authorised.call("GG" + v.GG[0][:64])[1] == "15"  # two components: GG takes three


def test_a4_forms_thalessims_key(authorised: Client) -> None:
    parts = "".join("X" + p for p in v.ZMK_COMPONENTS)
    assert authorised.call("A43000X" + parts) == ("A5", "00", v.A4)


def test_two_components_get_odd_parity_set(authorised: Client) -> None:
    # two odd-parity components XOR to even parity; the formed key has odd parity set, as a payShield does
    first, second = v.ZMK_COMPONENTS[:2]
    code, err, out = authorised.call("GY2" + first + second + ";0U1")
    assert (code, err) == ("GZ", "00")
    clear = [unwrap_under(LMK.kek("000"), c)[1] for c in (first, second)]
    xor = bytes(a ^ b for a, b in zip(*clear, strict=True))
    formed = unwrap_under(LMK.kek("000"), out[:33])[1]
    assert all(bin(b).count("1") % 2 for b in formed)  # odd parity...
    assert all(a ^ b in (0, 1) for a, b in zip(formed, xor, strict=True))  # ...set in the low bit of each byte
    assert formed != xor


def test_not_in_the_authorised_state(client: Client) -> None:
    assert client.call("GY3" + PARTS)[1] == "17"
    assert client.call("GG" + PARTS)[1] == "17"
    assert client.call("A43000X" + "".join("X" + p for p in v.ZMK_COMPONENTS))[1] == "17"


def _single_in_disguise() -> str:
    """Three odd-parity components under LMK 04-05 whose XOR is a single DES key twice."""
    one, two = (unwrap_under(LMK.kek("000"), c)[1] for c in v.ZMK_COMPONENTS[:2])
    single = bytes.fromhex("0123456789ABCDEF") * 2
    three = bytes(a ^ b ^ c for a, b, c in zip(one, two, single, strict=True))
    return "".join(wrap_under(LMK.kek("000"), k, "X")[1:] for k in (one, two, three))


@pytest.mark.parametrize(("command", "error"), [
    ("GY1" + v.ZMK_COMPONENTS[0], "15"),                                  # one component is not forming
    ("GYA" + PARTS, "15"),
    ("GY3" + PARTS[:-1], "15"),                                           # a short component
    ("GY3" + PARTS + ";1U0", "15"),                                       # the reserved option
    ("GY3" + PARTS + ";0T0", "26"),                                       # a double-length key is X or U
    ("GY3" + _single_in_disguise(), "75"),                                # they combine to K || K
    ("GY2" + v.ZMK_COMPONENTS[0] + wrap_under(LMK.kek("001"), bytes(range(16)), "X")[1:], "10"),  # not a ZMK
    ("A43999X" + "".join("X" + p for p in v.ZMK_COMPONENTS), "04"),
    # A4's number of components: 03, as github:softwaregroup-bg/ut-codec-payshield lists it ("Invalid number
    # of components")
    ("A41000X" + "X" + v.ZMK_COMPONENTS[0], "03"),
    ("A4A000X" + "".join("X" + p for p in v.ZMK_COMPONENTS), "03"),
])
def test_refusals(authorised: Client, command: str, error: str) -> None:
    assert authorised.call(command)[1] == error
