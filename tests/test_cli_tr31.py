"""``pinsec tr31`` and ``pinsec kcv`` from the shell."""

from __future__ import annotations

import json

import pytest

from pinsec.cli import main

KBPK = "88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6"  # TR-31:2018 A.7.4
A74 = ("D0112P0AE00E0000B82679114F470F540165EDFBF7E250FCEA43F810D215F8D207E2E417"
       "C07156A27E8E31DA05F7425509593D03A457DC34")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_inspect_needs_no_kbpk_and_shows_no_key(capsys: pytest.CaptureFixture[str]) -> None:
    block = "B0120B0TX12S0200KS1800604B120F9292800000PB080000" + "0" * 72
    code, out, _ = run(capsys, "--json", "tr31", "inspect", block)
    assert code == 0
    data = json.loads(out)
    assert (data["key_usage"], data["mode_of_use"], data["key_version"]) == ("B0", "X", "12")
    assert data["optional_blocks"][0] == {"id": "KS", "data": "00604B120F9292800000"}
    assert "key" not in data


def test_unwrap_published_block(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "tr31", "unwrap", A74, "--kbpk", KBPK)[:2] == (0, "3F419E1CB7079442AA37474C2EFBF8B8\n")


def test_wrap_then_unwrap(capsys: pytest.CaptureFixture[str]) -> None:
    code, block, _ = run(capsys, "tr31", "wrap", "--kbpk", KBPK, "--key", "0123456789ABCDEFFEDCBA9876543210",
                         "--header", "D0000K0TB00E0000", "--key-check", "legacy")
    assert code == 0 and "KC0C0008D7B4" in block
    assert run(capsys, "tr31", "unwrap", block.strip(), "--kbpk", KBPK)[1] == "0123456789ABCDEFFEDCBA9876543210\n"


def test_kcv(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "kcv", "0123456789ABCDEFFEDCBA9876543210", "--algorithm", "T")[1] == "08D7B4\n"
    for key, hint in (("0123456789ABCDEFFEDCBA9876543210", "--algorithm T or A"), ("00" * 32, "--algorithm A")):
        code, out, err = run(capsys, "kcv", key)  # nothing inferred silently
        assert (code, out) == (2, "") and "algorithm_required" in err and hint in err
    assert run(capsys, "kcv", "3F419E1CB7079442AA37474C2EFBF8B8", "--algorithm", "A", "--method", "cmac")[1] == (
        "08793E25AB\n")


def test_tampered_block_fails_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "tr31", "unwrap", A74[:-1] + "0", "--kbpk", KBPK)
    assert (code, out) == (2, "") and "key_block_mac" in err and err.count("\n") == 1
