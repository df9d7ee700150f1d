"""Way in 7: a bulk file an attacker (or a broken feed) shaped: every bad line is a reject, never an abort;
a run killed anywhere resumes; the LMK reaches workers as the caller named it."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

import pinsec
from pinsec import KeyAttributes, pinblock
from pinsec.bulk import TranslateSpec, translate_file
from pinsec.cli import main
from pinsec.errors import DataError

from ..conformance.conftest import TDES_TEST_KEY, TDES_ZPK

LMK = "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
PAN = "4012345678909"


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, TranslateSpec]:
    rig = pinsec.Hsm(keystore=tmp_path / "keys.json", lmk=LMK, authorized=True)
    src = rig.import_clear_key(TDES_ZPK, KeyAttributes("P0", "T", "D"))
    dst = rig.import_clear_key(TDES_TEST_KEY, KeyAttributes("P0", "T", "E"))
    return tmp_path / "keys.json", TranslateSpec(src.id, 0, dst.id, 0)  # ISO 0 is deterministic: runs compare


def _good(i: int) -> dict[str, str]:
    return {"id": f"g{i}", "pin_block": pinblock.encipher(TDES_ZPK, f"{1000 + i}", PAN).hex(), "pan": PAN}


def _rejects(path: Path) -> dict[int, tuple[str, str]]:
    text = path.read_text()
    if path.suffix == ".csv":
        return {int(r["line"]): (r["id"], r["error"]) for r in csv.DictReader(text.splitlines())}
    rows = [json.loads(line) for line in text.splitlines()]
    return {int(r["line"]): (r["id"], r["error"]) for r in rows}


def test_jsonl_lines_of_every_bad_shape_are_rejects(store: tuple[Path, TranslateSpec], tmp_path: Path) -> None:
    keystore, spec = store
    lines = [
        b"\xef\xbb\xbf" + json.dumps(_good(1)).encode(),            # 1: a BOM before the first record
        json.dumps({"id": "m1", "pan": PAN}).encode(),               # 2: no pin_block
        json.dumps({**_good(2), "id": ""}).encode(),                 # 3: empty id
        b"this is not json",                                          # 4
        b'{"id": "u1", "pin_block": "\xff\xfe"}',                     # 5: not UTF-8
        b"[" * 100_000 + b"]" * 100_000,                              # 6: nested past the recursion limit
        b'["a", "list"]',                                             # 7: JSON, not an object
        json.dumps({**_good(3), "pan": 4012345678909}).encode(),      # 8: a number where a string goes
        json.dumps(_good(4)).encode(),                                # 9
    ]
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    s = translate_file(src, tmp_path / "out.jsonl", hsm=pinsec.Hsm(keystore=keystore, lmk=LMK), spec=spec)
    assert (s.translated, s.rejected) == (2, 7)
    assert _rejects(tmp_path / "out.rejects.jsonl") == {
        2: ("m1", "missing_pin_block"), 3: ("", "missing_id"), 4: ("", "invalid_json"), 5: ("", "invalid_encoding"),
        6: ("", "invalid_json"), 7: ("", "invalid_json"), 8: ("g3", "invalid_record"),
    }
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [o["id"] for o in out] == ["g1", "g4"]
    assert pinblock.decipher(TDES_TEST_KEY, out[0]["pin_block"], PAN) == "1001"


def test_csv_rows_of_every_bad_shape_are_rejects(store: tuple[Path, TranslateSpec], tmp_path: Path) -> None:
    keystore, spec = store
    g1, g2 = _good(1), _good(2)
    lines = [
        b"\xef\xbb\xbfid,pin_block,pan",                               # 1: header after a BOM
        f"{g1['id']},{g1['pin_block']},{PAN}".encode(),                # 2
        b"big," + b"A" * 200_000 + b"," + PAN.encode(),                # 3: a field over the csv module's limit
        b"enc,\xff\xfe\xfd," + PAN.encode(),                           # 4: not UTF-8
        b",00112233445566FF," + PAN.encode(),                          # 5: empty id
        b'q1,"unclosed,' + PAN.encode(),                               # 6: a stray quote
        b"short",                                                      # 7: too few fields
        f"{g2['id']},{g2['pin_block']},{PAN}".encode(),                # 8
    ]
    src = tmp_path / "in.csv"
    src.write_bytes(b"\n".join(lines) + b"\n")
    s = translate_file(src, tmp_path / "out.csv", hsm=pinsec.Hsm(keystore=keystore, lmk=LMK), spec=spec)
    assert (s.translated, s.rejected) == (2, 5)
    assert _rejects(tmp_path / "out.rejects.csv") == {
        3: ("", "invalid_csv_row"), 4: ("", "invalid_encoding"), 5: ("", "missing_id"), 6: ("", "invalid_csv_row"),
        7: ("short", "invalid_csv_row"),
    }


def test_a_kill_between_the_final_renames_resumes(store: tuple[Path, TranslateSpec], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    keystore, spec = store
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(_good(i)) + "\n" for i in range(50)) + "not json\n")
    hsm = pinsec.Hsm(keystore=keystore, lmk=LMK)
    translate_file(src, tmp_path / "whole.jsonl", hsm=hsm, spec=spec, chunk_size=7)
    real_replace, calls = os.replace, []

    def dies_on_the_second_rename(a: object, b: object) -> None:
        if str(b).endswith(("out.jsonl", "out.rejects.jsonl")):
            calls.append(b)
            if len(calls) == 2:
                raise KeyboardInterrupt("killed between the renames")
        real_replace(a, b)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", dies_on_the_second_rename)
    with pytest.raises(KeyboardInterrupt):
        translate_file(src, tmp_path / "out.jsonl", hsm=hsm, spec=spec, chunk_size=7)
    monkeypatch.undo()
    assert (tmp_path / "out.jsonl").exists() and not (tmp_path / "out.rejects.jsonl").exists()
    s = translate_file(src, tmp_path / "out.jsonl", hsm=hsm, spec=spec, chunk_size=7)
    assert s.resumed_from == 51 and (s.translated, s.rejected) == (50, 1)  # the whole file's counts
    assert (tmp_path / "out.jsonl").read_text() == (tmp_path / "whole.jsonl").read_text()
    assert (tmp_path / "out.rejects.jsonl").read_text() == (tmp_path / "whole.rejects.jsonl").read_text()
    assert not list(tmp_path.glob("out.jsonl.*"))


@pytest.mark.parametrize("damage", ['{"done": "x"}', "[1, 2]", '{"fingerprint": "F", "done": 3}', "\xff"])
def test_a_damaged_progress_file_is_a_pinsec_error(store: tuple[Path, TranslateSpec], tmp_path: Path,
                                                   damage: str) -> None:
    keystore, spec = store
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(_good(1)) + "\n")
    (tmp_path / "out.jsonl.progress").write_text(damage, encoding="latin-1")
    with pytest.raises(DataError) as info:
        translate_file(src, tmp_path / "out.jsonl", hsm=pinsec.Hsm(keystore=keystore, lmk=LMK), spec=spec)
    assert info.value.code == "progress_damaged"


def test_lmk_file_reaches_the_workers(store: tuple[Path, TranslateSpec], tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    keystore, spec = store
    monkeypatch.delenv("PINSEC_LMK", raising=False)
    monkeypatch.delenv("PINSEC_LMK_FILE", raising=False)
    lmk_file = tmp_path / "lmk.hex"
    lmk_file.write_text(LMK)
    lmk_file.chmod(0o600)
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(_good(i)) + "\n" for i in range(20)))
    code = main(["--json", "bulk", "translate", "--keystore", str(keystore), "--lmk-file", str(lmk_file),
                 "--input", str(src), "--output", str(tmp_path / "out.jsonl"), "--src-key", spec.src_key,
                 "--src-format", "0", "--dst-key", spec.dst_key, "--dst-format", "0", "--workers", "2",
                 "--chunk-size", "5"])
    assert code == 0, capsys.readouterr().err  # no rejects: 0
    assert json.loads(capsys.readouterr().out)["translated"] == 20


@pytest.mark.parametrize("mistake", ["bad header", "unknown key", "workers 0"])
def test_a_refused_start_leaves_nothing_behind(store: tuple[Path, TranslateSpec], tmp_path: Path,
                                               mistake: str) -> None:
    keystore, spec = store
    src = tmp_path / "in.csv"
    src.write_text("identifier,block\n" if mistake == "bad header" else "id,pin_block,pan\n")
    kwargs: dict[str, object] = {"workers": 0} if mistake == "workers 0" else {}
    bad_spec = TranslateSpec("no-such-key", 0, spec.dst_key, 0) if mistake == "unknown key" else spec
    with pytest.raises(pinsec.PinsecError):
        translate_file(src, tmp_path / "out.csv", hsm=pinsec.Hsm(keystore=keystore, lmk=LMK), spec=bad_spec,
                       **kwargs)  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["in.csv", "keys.json", ".keys.json.lock"])
