"""``pinsec key ...`` and ``pinsec translate`` against a key store, as an acquirer's operator would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pinsec import pinblock
from pinsec.cli import main

LMK = "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object] | str, str]:
    code = main(["--json", *argv])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else ""), err


def test_acquirer_flow(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "lmk.hex").write_text(LMK)
    monkeypatch.setenv("PINSEC_LMK_FILE", str(tmp_path / "lmk.hex"))
    store = str(tmp_path / "keys.json")
    # X9.24-1:2009 A.4 BDK as two components whose XOR is it (the second is the BDK itself).
    code, bdk, _ = run(capsys, "key", "import", "--keystore", store, "--usage", "B0", "--algorithm", "T", "--mode",
                       "X", "--exportability", "N", "--component", "00" * 16, "--component",
                       "0123456789ABCDEFFEDCBA9876543210", "--kcv", "08D7B4")
    assert code == 0 and isinstance(bdk, dict) and bdk["kcv"] == "08D7B4"
    code, zpk, _ = run(capsys, "key", "import", "--keystore", store, "--usage", "P0", "--algorithm", "T", "--mode",
                       "B", "--component", "F039121BEC83D26B169BDCD5B22AAF8F")
    assert isinstance(zpk, dict)
    code, listing, _ = run(capsys, "key", "list", "--keystore", store)
    assert isinstance(listing, dict) and {k["id"] for k in listing["keys"]} == {bdk["id"], zpk["id"]}  # type: ignore[union-attr, index]
    code, out, _ = run(capsys, "translate", "--keystore", store, "--block", "1B9C1845EB993A7A", "--pan",
                       "4012345678909", "--src-key", str(bdk["id"]), "--src-format", "0", "--src-ksn",
                       "FFFF9876543210E00001", "--dst-key", str(zpk["id"]), "--dst-format", "3")
    assert code == 0 and isinstance(out, dict)
    key = bytes.fromhex("F039121BEC83D26B169BDCD5B22AAF8F")
    assert pinblock.decipher(key, str(out["block"]), "4012345678909", format=3) == "1234"
    code, kbpk, _ = run(capsys, "key", "generate", "--keystore", store, "--usage", "K1", "--algorithm", "A",
                        "--mode", "B", "--length", "32")
    assert isinstance(kbpk, dict)
    code, exported, _ = run(capsys, "key", "export", "--keystore", store, "--key", str(zpk["id"]), "--kbpk",
                            str(kbpk["id"]))
    assert code == 0 and isinstance(exported, dict) and str(exported["key_block"]).startswith("D")
    code, _, err = run(capsys, "key", "export", "--keystore", store, "--key", str(bdk["id"]), "--kbpk",
                       str(kbpk["id"]))
    assert code == 2 and "not_exportable" in err
    assert "0123456789ABCDEF" not in Path(store).read_text().upper()


def test_missing_lmk_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PINSEC_LMK", raising=False)
    monkeypatch.delenv("PINSEC_LMK_FILE", raising=False)
    code, _, err = run(capsys, "key", "list", "--keystore", str(tmp_path / "k.json"))
    assert code == 2 and "lmk_missing" in err and err.count("\n") == 1
