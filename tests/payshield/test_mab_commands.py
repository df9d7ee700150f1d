"""MA, MC and ME (a 4-byte MAB under a double-length TAK, the ANSI X9.19 retail MAC) through a real socket,
against psec's published X9.19 vector (vectors/mac.json, x919-A4-counter1-request: its MAC's first 4 bytes are
the MAB). ThalesSim's MA/MC/ME answers use a single-length TAK, which pinsec refuses (error 27 here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pinsec.backends.software import adjust_parity
from pinsec.variant_lmk import VariantLmk, wrap_under

from .client import Client

ROOT = Path(__file__).resolve().parents[2]
LMK = VariantLmk.test()
VECTOR = next(x for x in json.loads((ROOT / "vectors" / "mac.json").read_text())["vectors"]
              if x["id"] == "x919-A4-counter1-request")
KEY = adjust_parity(bytes.fromhex(VECTOR["key"]))
TAK = wrap_under(LMK.kek("003"), KEY, "U")
DATA = bytes.fromhex(VECTOR["data"]).decode("latin-1")  # MA's data field carries the bytes as they are
MAB = VECTOR["expected"]["mac"][:8]


def test_ma_gives_the_published_mab(client: Client) -> None:
    assert client.call("MA" + TAK + DATA) == ("MB", "00", MAB)


def test_ma_gives_the_trailer_back(client: Client) -> None:
    assert client.call("MA" + TAK + DATA + "%00\x19tr") == ("MB", "00", MAB + "\x19tr")


def test_mc_verifies_it_and_refuses_any_other(client: Client) -> None:
    assert client.call("MC" + TAK + MAB + DATA) == ("MD", "00", "")
    wrong = f"{int(MAB, 16) ^ 1:08X}"
    assert client.call("MC" + TAK + wrong + DATA) == ("MD", "01", "")
    assert client.call("MC" + TAK + MAB + DATA[:-1] + chr(ord(DATA[-1]) ^ 1)) == ("MD", "01", "")


def test_me_verifies_then_macs_under_the_second_tak(client: Client) -> None:
    code, err, out = client.call("A00003U")
    assert (code, err) == ("A1", "00")
    second = out[:33]
    want = client.call("MA" + second + DATA)
    assert want[1] == "00"
    assert client.call("ME" + TAK + second + MAB + DATA) == ("MF", "00", want[2])
    assert client.call("ME" + TAK + second + "00000000" + DATA)[1:] == ("01", "")  # no MAB when it fails


@pytest.mark.parametrize(("command", "error"), [
    ("MA" + wrap_under(LMK.kek("003"), KEY[:8], "Z") + "data", "27"),      # a single-length TAK
    ("MA" + wrap_under(LMK.kek("001"), KEY, "U") + "data", "10"),          # a ZPK is not a TAK under the LMK
    ("MA" + TAK + "x" * 4097, "15"),                                       # longer than 4096 characters
    ("MA" + TAK + "x" * 4096, "00"),                                       # 4096 is the most
    ("MC" + TAK + "12345G78" + "data", "15"),                              # the MAB is hex
    ("ME" + TAK + wrap_under(LMK.kek("001"), KEY, "U") + MAB + DATA, "11"),  # the destination key's parity
])
def test_refusals(client: Client, command: str, error: str) -> None:
    assert client.call(command)[1] == error
