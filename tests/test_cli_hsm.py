"""``pinsec key ...`` and ``pinsec translate`` against a key store, as an acquirer's operator would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pinsec import kcv, pinblock
from pinsec.cli import main

LMK = "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object] | str, str]:
    code = main(["--json", *argv])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else ""), err


def test_acquirer_flow(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "lmk.hex").write_text(LMK)
    (tmp_path / "lmk.hex").chmod(0o600)
    monkeypatch.setenv("PINSEC_LMK_FILE", str(tmp_path / "lmk.hex"))
    store = str(tmp_path / "keys.json")
    # X9.24-1:2009 A.4 BDK (published KCV 08D7B4) as two components whose XOR is it; each component's KCV
    # comes from pinsec.kcv, checked against the KC blocks of published TR-31 vectors (tests/test_tr31.py).
    c1 = "F0E1D2C3B4A5968778695A4B3C2D1E0F"
    c2 = bytes(a ^ b for a, b in zip(bytes.fromhex(c1), bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"),
                                     strict=True)).hex()
    ceremony = ["key", "import", "--keystore", store, "--usage", "B0", "--algorithm", "T", "--mode", "X",
                "--component", c1, "--component", c2, "--component-kcv", kcv.legacy_kcv(bytes.fromhex(c1)),
                "--component-kcv", kcv.legacy_kcv(bytes.fromhex(c2)), "--kcv", "08D7B4"]
    code, _, err = run(capsys, *ceremony)
    assert code == 2 and "not_authorized" in err
    code, bdk, _ = run(capsys, *ceremony, "--authorized")
    assert code == 0 and isinstance(bdk, dict) and bdk["kcv"] == "08D7B4" and bdk["exportability"] == "N"
    code, zpk, _ = run(capsys, "key", "import", "--keystore", store, "--usage", "P0", "--algorithm", "T", "--mode",
                       "B", "--exportability", "E", "--component", "F039121BEC83D26B169BDCD5B22AAF8F",
                       "--authorized")
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


def test_pin_cvv_and_mac_operations_on_stored_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import pinsec

    monkeypatch.setenv("PINSEC_LMK", LMK)
    store = str(tmp_path / "keys.json")
    rig = pinsec.Hsm(keystore=store, authorized=True)
    test_key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    zpk = rig.import_clear_key(bytes.fromhex("F039121BEC83D26B169BDCD5B22AAF8F"), pinsec.KeyAttributes("P0", "T", "B"))
    visa = rig.import_clear_key(test_key, pinsec.KeyAttributes("V2", "T", "C"))
    cvk = rig.import_clear_key(test_key, pinsec.KeyAttributes("C0", "T", "C"))
    bdk = rig.import_clear_key(test_key, pinsec.KeyAttributes("B0", "T", "X"))
    block = pinblock.encipher(bytes.fromhex("F039121BEC83D26B169BDCD5B22AAF8F"), "4524", "1122334455667788").hex()
    pin_args = ["--keystore", store, "--block", block, "--key", zpk.id, "--format", "0", "--pan", "1122334455667788",
                "--pvk", visa.id, "--method", "visa-pvv", "--pvki", "1"]
    # psec's test values: PVK 0123..3210, PAN 1122334455667788, PVKI 1, PIN 4524 -> PVV 8523
    code, out, _ = run(capsys, "hsm", "pin-value", *pin_args)
    assert code == 0 and out == {"pvv": "8523"}
    assert run(capsys, "hsm", "verify-pin", *pin_args, "--pvv", "8523")[0] == 0
    code, _, err = run(capsys, "hsm", "verify-pin", *pin_args, "--pvv", "8524")
    assert code == 2 and "pin_mismatch" in err
    # psec's documented CVV: CVK 0123..3210, PAN 1234567890123456, expiry 9912, service code 220 -> 170
    card = ["--keystore", store, "--key", cvk.id, "--pan", "1234567890123456", "--expiry", "9912", "--service-code",
            "220"]
    assert run(capsys, "hsm", "cvv", *card)[1] == {"cvv": "170"}
    assert run(capsys, "hsm", "verify-cvv", *card, "--cvv", "170")[0] == 0
    assert "cvv_mismatch" in run(capsys, "hsm", "verify-cvv", *card, "--cvv", "171")[2]
    # ANSI X9.24-1:2009 A.4: request MAC of "4012345678909D987" at KSN FFFF9876543210E00001 is 9CCC7817
    msg = ["--keystore", store, "--key", bdk.id, "--data", b"4012345678909D987".hex(), "--ksn", "FFFF9876543210E00001"]
    assert run(capsys, "hsm", "mac", *msg, "--length", "4")[1] == {"mac": "9CCC7817"}
    assert run(capsys, "hsm", "verify-mac", *msg, "--mac", "9CCC7817")[0] == 0
    assert "mac_mismatch" in run(capsys, "hsm", "verify-mac", *msg, "--mac", "9CCC7818")[2]


def test_labels_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINSEC_LMK", LMK)
    store = str(tmp_path / "keys.json")
    code, k, _ = run(capsys, "key", "generate", "--keystore", store, "--usage", "P0", "--algorithm", "A", "--mode",
                     "B", "--label", "zone key")
    assert code == 0 and isinstance(k, dict) and k["label"] == "zone key"
    code, listing, _ = run(capsys, "key", "list", "--keystore", store)
    assert isinstance(listing, dict) and listing["keys"][0]["label"] == "zone key"  # type: ignore[index]
    code, _, err = run(capsys, "key", "generate", "--keystore", store, "--usage", "P0", "--algorithm", "A", "--mode",
                       "B", "--label", "zone key")
    assert code == 2 and "label_taken" in err
    code, out, _ = run(capsys, "key", "label", "--keystore", store, "--key", "zone key", "--label", "old zone key")
    assert code == 0 and isinstance(out, dict) and out["id"] == k["id"] and out["label"] == "old zone key"
    assert run(capsys, "key", "destroy", "--keystore", store, "--key", "old zone key")[0] == 0
