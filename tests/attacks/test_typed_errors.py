"""Way in 8: whatever an operator or a script types, the answer is a typed pinsec error (CLI: one line on
stderr, exit 2), never a traceback, and no key is left behind by a failed command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import pinsec
from pinsec import KeyAttributes, pinblock
from pinsec.cli import main
from pinsec.errors import DataError, PanError, PinError

from ..conformance.conftest import TDES_TEST_KEY, TDES_ZPK
from .conftest import PAN, World

LMK = "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
ARABIC_INDIC = "\u0661\u0662\u0663\u0664"  # "1234" in Arabic-Indic digits: str.isdigit() says True
FULLWIDTH = "\uff11\uff12\uff13\uff14"


@pytest.fixture
def keystore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str, str]:
    monkeypatch.setenv("PINSEC_LMK", LMK)
    rig = pinsec.Hsm(keystore=tmp_path / "keys.json", authorized=True)
    bdk = rig.import_clear_key(bytes.fromhex("FEDCBA9876543210F1F1F1F1F1F1F1F1"), KeyAttributes("B0", "A", "X"))
    zpk = rig.import_clear_key(TDES_ZPK, KeyAttributes("P0", "T", "B"))
    return str(tmp_path / "keys.json"), bdk.id, zpk.id


def _fails(capsys: pytest.CaptureFixture[str], argv: list[str], code: str) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("pinsec") and code in err, err
    assert "Traceback" not in err


def test_unknown_dukpt_key_type(keystore: tuple[str, str, str], capsys: pytest.CaptureFixture[str]) -> None:
    store, bdk, zpk = keystore
    _fails(capsys, ["translate", "--keystore", store, "--block", "00" * 8, "--pan", PAN, "--src-key", bdk,
                    "--src-format", "0", "--src-ksn", "123456789012345600000001", "--src-dukpt-key-type", "AES512",
                    "--dst-key", zpk, "--dst-format", "0"], "unknown_key_type")


def test_non_ascii_digits_on_the_command_line(keystore: tuple[str, str, str],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    store, _, zpk = keystore
    _fails(capsys, ["translate", "--keystore", store, "--block", "00" * 8, "--pan", PAN, "--src-key", zpk,
                    "--src-format", "\u0660", "--dst-key", zpk, "--dst-format", "0"], "usage")
    _fails(capsys, ["key", "generate", "--keystore", store, "--usage", "P0", "--algorithm", "A", "--mode", "B",
                    "--length", "\u0661\u0666"], "usage")
    _fails(capsys, ["pinblock", "encode", "--pin", ARABIC_INDIC, "--pan", PAN], "pin")


def test_non_ascii_digits_in_the_api(world: World) -> None:
    with pytest.raises(PinError):
        world.rig.encrypt_pin(FULLWIDTH, pan=PAN, key=world.keys["tdes_zpk"], format=0)
    with pytest.raises(PanError):
        world.rig.encrypt_pin("1234", pan="4012345678" + ARABIC_INDIC[:3], key=world.keys["tdes_zpk"], format=0)
    block = pinblock.encipher(TDES_ZPK, "1234", PAN)
    with pytest.raises(DataError) as info:
        world.hsm.verify_pin(block, key=world.keys["tdes_zpk"], format=0, pan=PAN, pvk=world.keys["ibm_pvk"],
                             offset=ARABIC_INDIC, validation_data="4012345678909000")
    assert info.value.field == "offset"


@pytest.mark.parametrize("where", ["keystore", "lmk-file", "input", "output"])
def test_paths_with_a_nul_byte(keystore: tuple[str, str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
                               where: str) -> None:
    store, _, zpk = keystore
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "pin_block": "00" * 8, "pan": PAN}) + "\n")
    paths = {"keystore": store, "input": str(src), "output": str(tmp_path / "out.jsonl")}
    argv = ["bulk", "translate", "--src-key", zpk, "--src-format", "0", "--dst-key", zpk, "--dst-format", "0"]
    if where == "lmk-file":
        argv += ["--lmk-file", str(tmp_path / "lmk\x00.hex")]
    else:
        paths[where] = paths[where].replace("keys", "ke\x00ys").replace("in.", "i\x00n.").replace("out.", "o\x00ut.")
    for name, value in paths.items():
        argv += [f"--{name}", value]
    _fails(capsys, argv, "pinsec: error:")


def test_unwritable_folders(keystore: tuple[str, str, str], tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    store, _, zpk = keystore
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")  # root ignores permission bits; a file where a folder must be stops it
    _fails(capsys, ["key", "generate", "--keystore", str(blocker / "keys.json"), "--usage", "P0", "--algorithm",
                    "A", "--mode", "B"], "keystore_io")
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "pin_block": "00" * 8, "pan": PAN}) + "\n")
    _fails(capsys, ["bulk", "translate", "--keystore", store, "--input", str(src), "--output",
                    str(blocker / "out.jsonl"), "--src-key", zpk, "--src-format", "0", "--dst-key", zpk,
                    "--dst-format", "0"], "io_error")


def test_a_key_whose_kcv_fails_is_not_left_in_the_store(keystore: tuple[str, str, str],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    store, bdk, zpk = keystore
    before = Path(store).read_text()
    _fails(capsys, ["key", "import", "--authorized", "--keystore", store, "--usage", "P0", "--algorithm", "T",
                    "--mode", "B", "--component", TDES_TEST_KEY.hex(), "--kcv", "08D7B5"], "kcv_mismatch")
    assert Path(store).read_text() == before
    assert main(["--json", "key", "list", "--keystore", store]) == 0
    assert {k["id"] for k in json.loads(capsys.readouterr().out)["keys"]} == {bdk, zpk}
