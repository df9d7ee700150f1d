"""``pinsec pin`` and ``pinsec mac`` from the shell."""

from __future__ import annotations

import pytest

from pinsec.cli import main

PVK = "0123456789ABCDEFFEDCBA9876543210"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_pin_commands_reproduce_psec_vectors(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "pin", "ibm3624-offset", "--pvk", PVK, "--pin", "5635", "--validation-data",
               "1122334455667788", "--table", "1234567890123456")[1] == "1111\n"
    assert run(capsys, "pin", "pvv", "--pvk", PVK, "--pan", "1122334455667788", "--pvki", "1", "--pin",
               "4524")[1] == "8523\n"
    assert run(capsys, "pin", "cvv", "--cvk", PVK, "--pan", "1234567890123456", "--expiry", "9912",
               "--service-code", "220")[1] == "170\n"
    code, _, err = run(capsys, "pin", "ibm3624-verify", "--pvk", PVK, "--pin", "5635", "--offset", "1112",
                       "--validation-data", "1122334455667788", "--table", "1234567890123456")
    assert code == 2 and "pin_mismatch" in err and "5635" not in err


def test_mac_commands(capsys: pytest.CaptureFixture[str]) -> None:
    # RFC 4493 example 2 (AES-CMAC).
    args = ["--alg", "cmac-aes", "--key", "2b7e151628aed2a6abf7158809cf4f3c", "--data",
            "6bc1bee22e409f96e93d7e117393172a"]
    assert run(capsys, "mac", "generate", *args)[1] == "070A16B46B4D4144F79BDD9DD04A287C\n"
    assert run(capsys, "mac", "verify", *args, "--mac", "070A16B46B4D4144")[0] == 0
    assert run(capsys, "mac", "verify", *args, "--mac", "070A16B46B4D4145")[0] == 2
