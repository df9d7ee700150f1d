"""NK: chained commands through a real socket. Each chained command must be answered exactly as it is
answered alone on the same connection (the server's own single answers are the reference, each of those
is tested against published values in the other files), in order, with lengths that frame them."""

from __future__ import annotations

import pytest

from . import vectors as v
from .client import Client

ALONE = ["NC", "B20004TEST", "CW" + v.CVK_UNDER_LMK + "4123456789012345;8701101", "BU" + "021" + v.ZMK,
         "ZZnot a command", "CY" + v.CVK_UNDER_LMK + "999" + "4123456789012345;8701101"]


def _split(fields: str) -> list[str]:
    count, rest, out = int(fields[:2]), fields[2:], []
    for _ in range(count):
        n = int(rest[:4])
        out.append(rest[4:4 + n])
        rest = rest[4 + n:]
    assert rest == "", "the lengths cover the whole answer"
    return out


def _raw(client: Client, command: str) -> str:
    """The whole answer to ``command`` sent alone, after the connection's header."""
    client.send(command)
    return client.recv_raw().decode("latin-1")[len(client.header):]


def test_chained_commands_are_answered_as_alone_in_order(client: Client) -> None:
    alone = [_raw(client, c) for c in ALONE]
    body = "".join(f"{len(c):04d}{c}" for c in ALONE)
    code, err, fields = client.call(f"NK0{len(ALONE):02d}{body}")
    assert (code, err) == ("NL", "00")
    assert _split(fields) == alone
    assert alone[4][2:4] == "68"  # an unknown command fails alone
    assert alone[5][2:4] == "01"  # a CVV that does not verify fails alone


def test_with_headers_each_chained_command_has_its_own(client: Client) -> None:
    chained = ["H001NC", "H002B20002OK"]
    code, err, fields = client.call("NK102" + "".join(f"{len(c):04d}{c}" for c in chained))
    assert (code, err) == ("NL", "00")
    first, second = _split(fields)
    assert first.startswith("H001ND00") and second == "H002B300OK"


@pytest.mark.parametrize(("command", "error"), [
    ("NK2010002NC", "51"),                  # header flag
    ("NK0000002NC", "52"),                  # no commands
    ("NK0AB0002NC", "52"),                  # not a number
    ("NK0020002NC", "15"),                  # fewer commands than announced
    ("NK0010009NC", "15"),                  # a length past the end
    ("NK0010002NCX", "15"),                 # data after the last command
    ("NK0010X02NC", "15"),                  # a length that is not decimal
    ("NK0010011NK0010002NC", "68"),         # NK inside NK
])
def test_refusals(client: Client, command: str, error: str) -> None:
    assert client.call(command)[:2] == ("NL", error)


def test_a_failed_chain_guesses_no_trailer_from_inside_its_commands(client: Client) -> None:
    # NK's chained commands are binary to it: an X'19 inside one is that command's, not NK's trailer
    assert client.call("NK0020006NC\x19abc") == ("NL", "15", "")
    assert client.call("NK0010002NC\x19abc")[:2] == ("NL", "00")  # NK's own trailer, after its fields, is NK's
    assert client.call("NK0010002NC\x19abc")[2].endswith("\x19abc")
