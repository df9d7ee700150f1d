"""The payShield console operations as CLI commands: never host commands, only with --authorized."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from pinsec.cli import main
from pinsec.variant_lmk import VariantLmk

from . import vectors as v

# The ANSI X9.24-1:2009 Annex A BDK 0123456789ABCDEFFEDCBA9876543210 as two components; their KCVs are the
# legacy check values of each (D5D44F is the published KCV of single-DES key 0123456789ABCDEF).
C1, K1 = "0123456789ABCDEF0123456789ABCDEF", "D5D44F"
C2, K2 = "0000000000000000FFFFFFFFFFFFFFFF", "9295B5"


def _form(*extra: str) -> list[str]:
    return ["--json", "payshield", "form-key", "--key-type", "009", "--component", C1, "--component", C2,
            "--component-kcv", K1, "--component-kcv", K2, *extra]


def test_form_key_gives_the_bdk_cryptogram_thalessim_uses(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_form("--authorized", "--kcv", "08D7B4")) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["key"], out["kcv"], out["usage"], out["test_lmk"]) == (v.BDK, "08D7B4", "B0", True)


@pytest.mark.parametrize(("extra", "code"), [
    ((), "not_authorized"),
    (("--authorized", "--kcv", "08D7B5"), "kcv_mismatch"),
    (("--authorized", "--usage", "P0"), "wrong_key_type"),
])
def test_form_key_refusals(extra: tuple[str, ...], code: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_form(*extra)) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out)["code"] == code
    assert v.BDK not in captured.out + captured.err


def test_a_wrong_component_is_named_and_nothing_is_formed(capsys: pytest.CaptureFixture[str]) -> None:
    argv = _form("--authorized")
    argv[argv.index(K2)] = "9295B6"
    assert main(argv) == 2
    out = json.loads(capsys.readouterr().out)
    assert (out["code"], out["field"]) == ("kcv_mismatch", "component 2")


def test_generate_lmk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "variant.lmk"
    assert main(["payshield", "generate-lmk", "--out", str(path)]) == 2  # not authorized
    assert not path.exists()
    assert main(["--json", "payshield", "generate-lmk", "--authorized", "--out", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lmk = VariantLmk.load(path)
    assert not lmk.is_test and out["check_value"] == lmk.check_value()
    lines = [x for x in path.read_text().splitlines() if not x.startswith(";")]
    assert len(lines) == 20 == len(set(lines))
    assert all(bin(b).count("1") % 2 == 1 for line in lines for b in bytes.fromhex(line))
    assert main(["payshield", "generate-lmk", "--authorized", "--out", str(path)]) == 2  # never overwritten
