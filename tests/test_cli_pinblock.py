"""The ``pinsec pinblock`` and ``pinsec demo`` commands: hex in, hex out, one-line errors with exit 2."""

from __future__ import annotations

import io
import json

import pytest

from pinsec.cli import main

KEY = "0123456789ABCDEFFEDCBA9876543210"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_encode_prints_the_published_block(capsys: pytest.CaptureFixture[str]) -> None:
    # ANSI X9.24-1:2009 A.4: PIN 1234, PAN 4012345678909.
    assert run(capsys, "pinblock", "encode", "--pin", "1234", "--pan", "4012345678909") == (
        0, "041274EDCBA9876F\n", "")


def test_decode_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "pinblock", "decode", "--block", "241234FFFFFFFFFF", "--format", "2", "--json")
    assert code == 0
    assert json.loads(out) == {"format": 2, "pin": "1234"}


def test_encipher_then_decipher_round_trip(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "pinblock", "encipher", "--key", KEY, "--pin", "97531", "--pan", "4012345678909")
    assert code == 0 and len(out.strip()) == 16
    code, pin, _ = run(capsys, "pinblock", "decipher", "--key", KEY, "--block", out.strip(), "--pan", "4012345678909")
    assert (code, pin) == (0, "97531\n")


def test_format4_vector(capsys: pytest.CaptureFixture[str]) -> None:
    # ANSI X9.24-3:2017 supplement, "Calculation of AES PIN Block Format 4".
    code, out, _ = run(capsys, "pinblock", "decipher", "--format", "4", "--key", "AF8CB133A78F8DC2D1359F18527593FB",
                       "--block", "A912150391AB65A67E52883D81CE2D15", "--pan", "4111111111111111")
    assert (code, out) == (0, "1234\n")


def test_pin_from_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("1234\n"))
    assert run(capsys, "pinblock", "encode", "--pin", "-", "--format", "2")[1] == "241234FFFFFFFFFF\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["pinblock", "decipher", "--key", KEY, "--block", "0000000000000000", "--pan", "4012345678909"],
        ["pinblock", "encode", "--pin", "123", "--pan", "4012345678909"],
        ["pinblock", "encipher", "--key", "ABCD", "--pin", "1234", "--pan", "4012345678909"],
        ["pinblock", "encode", "--pan", "4012345678909"],
        ["pinblock", "encode", "--pin", "1234", "--format", "7"],
        ["nonsense"],
    ],
)
def test_errors_are_one_line_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    try:
        code, out, err = run(capsys, *argv)
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
        out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("pinsec")
    assert "1234" not in err and KEY not in err


def test_demo_checks_itself(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["ok"] is True
    assert data["key_block_header"].startswith("D0")
    assert len(data["zone_pin_block"]) == 32  # ISO 4 under an AES zone key
