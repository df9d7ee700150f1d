"""``pinsec dukpt``: published keys from the shell, one-line errors."""

from __future__ import annotations

import json

import pytest

from pinsec.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_tdes_derive_pin_key(capsys: pytest.CaptureFixture[str]) -> None:
    # ANSI X9.24-1:2009 A.4, counter 1.
    assert run(capsys, "dukpt", "tdes", "derive", "--bdk", "0123456789ABCDEFFEDCBA9876543210", "--ksn",
               "FFFF9876543210E00001", "--usage", "pin")[:2] == (0, "042666B49184CF5C68DE9628D0397B36\n")


def test_tdes_originator(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--json", "dukpt", "tdes", "originator", "--bdk", "0123456789ABCDEFFEDCBA9876543210",
                       "--ksn", "FFFF9876543210E00000", "--count", "2")
    assert code == 0
    assert json.loads(out)["transactions"][0] == {"ksn": "FFFF9876543210E00001",
                                                   "pin_key": "042666B49184CF5C68DE9628D0397B36"}


def test_aes_derive(capsys: pytest.CaptureFixture[str]) -> None:
    # ANSI X9.24-3:2017 supplement, AES-128 BDK, counter 1.
    code, out, _ = run(capsys, "dukpt", "aes", "derive", "--bdk", "FEDCBA9876543210F1F1F1F1F1F1F1F1", "--ksn",
                       "123456789012345600000001", "--usage", "pin", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["key"] == "AF8CB133A78F8DC2D1359F18527593FB"
    assert data["initial_key"] == "1273671EA26AC29AFA4D1084127652A1"


@pytest.mark.parametrize("argv", [
    ["dukpt", "tdes", "derive", "--bdk", "0123456789ABCDEFFEDCBA9876543210", "--ksn", "FFFF9876543210E00000"],
    ["dukpt", "aes", "derive", "--bdk", "FEDCBA9876543210F1F1F1F1F1F1F1F1", "--ksn", "123456789012345600000001",
     "--key-type", "aes256"],
    ["dukpt", "aes", "derive", "--bdk", "FEDCBA9876543210F1F1F1F1F1F1F1F1", "--ksn", "123456789012345600000001",
     "--key-type", "des"],
    ["dukpt", "tdes", "derive", "--bdk", "0123", "--ksn", "FFFF9876543210E00001"],
])
def test_errors(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "0123456789ABCDEF" not in err
