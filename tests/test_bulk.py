"""Bulk translation: correct output, rejects, resume after a crash, and 2 workers == 1 worker."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

import pinsec
from pinsec import KeyAttributes, pinblock
from pinsec.bulk import TranslateSpec, read_records, translate_file
from pinsec.cli import main
from pinsec.errors import DataError

LMK = "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
SRC = bytes.fromhex("F039121BEC83D26B169BDCD5B22AAF8F")  # TR-31:2018 A.7.2.1 clear key, used as a ZPK
DST = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
AES_DST = bytes.fromhex("AF8CB133A78F8DC2D1359F18527593FB")


class Crash(Exception):
    pass


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, str], dict[str, str]]:
    monkeypatch.setenv("PINSEC_LMK", LMK)  # workers read the LMK from their environment
    store = tmp_path / "keys.json"
    hsm = pinsec.Hsm(keystore=store, authorized=True)
    ids = {
        "src": hsm.import_clear_key(SRC, KeyAttributes("P0", "T", "D")).id,
        "dst": hsm.import_clear_key(DST, KeyAttributes("P0", "T", "E")).id,
        "aes": hsm.import_clear_key(AES_DST, KeyAttributes("P0", "A", "E")).id,
    }
    rng = random.Random(7)
    pins: dict[str, str] = {}
    rows = []
    for i in range(230):
        pin = "".join(rng.choice("0123456789") for _ in range(rng.randint(4, 12)))
        pan = "4" + "".join(rng.choice("0123456789") for _ in range(15))
        block = pinblock.encipher(SRC, pin, pan).hex().upper()
        if i % 50 == 17:
            block = "NOT-HEX"
        elif i % 50 == 33:
            pan = pan[:-1] + str((int(pan[-2]) + 1) % 10) + pan[-1]  # PAN differs: a field check fails
        else:
            pins[f"r{i:04d}"] = pin
        rows.append({"id": f"r{i:04d}", "pin_block": block, "pan": pan})
    src = tmp_path / "in.csv"
    with src.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["id", "pin_block", "pan"])
        w.writeheader()
        w.writerows(rows)
    return store, ids, pins


def _run(store: Path, ids: dict[str, str], src: Path, out: Path, **kw: object) -> pinsec.bulk.BulkSummary:
    dst = ids.get(str(kw.pop("dst", "dst")))
    fmt = int(kw.pop("dst_format", 0))  # type: ignore[call-overload]
    spec = TranslateSpec(ids["src"], 0, str(dst), fmt)
    return translate_file(src, out, hsm=pinsec.Hsm(keystore=store), spec=spec, chunk_size=40, **kw)  # type: ignore[arg-type]


def test_translates_every_good_record_and_rejects_the_rest(setup, tmp_path: Path) -> None:
    store, ids, pins = setup
    pans = {r.id: r.pan for r in read_records(tmp_path / "in.csv")}
    s = _run(store, ids, tmp_path / "in.csv", tmp_path / "out.csv")
    assert (s.translated, s.rejected, s.resumed_from) == (len(pins), 230 - len(pins), 0)
    with (tmp_path / "out.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert [r["id"] for r in rows] == sorted(pins)
    for r in rows:
        assert pinblock.decipher(DST, r["pin_block"], pans[r["id"]]) == pins[r["id"]]
    with (tmp_path / "out.rejects.csv").open() as f:
        rejects = {r["id"]: r["error"] for r in csv.DictReader(f)}
    # Bad hex and a field check failing after decipherment give the same code: no format oracle.
    assert rejects["r0017"] == "invalid_pin_block" and rejects["r0033"] == "invalid_pin_block"
    assert not list(tmp_path.glob("*.partial")) and not list(tmp_path.glob("*.progress"))
    text = (tmp_path / "out.rejects.csv").read_text() + (tmp_path / "out.csv").read_text()
    assert not any(pan in text for pan in pans.values())


def test_resume_after_a_crash_gives_the_same_output(setup, tmp_path: Path) -> None:
    store, ids, _ = setup
    _run(store, ids, tmp_path / "in.csv", tmp_path / "whole.csv")

    def crash(done: int) -> None:
        if done >= 120:
            raise Crash

    with pytest.raises(Crash):
        _run(store, ids, tmp_path / "in.csv", tmp_path / "out.csv", on_commit=crash)
    assert not (tmp_path / "out.csv").exists()
    # a half-written chunk after the last commit must be dropped on resume
    with (tmp_path / "out.csv.partial").open("a") as f:
        f.write("r9999,DEADBEEF")
    s = _run(store, ids, tmp_path / "in.csv", tmp_path / "out.csv")
    assert s.resumed_from == 120
    assert (tmp_path / "out.csv").read_text() == (tmp_path / "whole.csv").read_text()
    assert (tmp_path / "out.rejects.csv").read_text() == (tmp_path / "whole.rejects.csv").read_text()


def test_two_workers_equal_one(setup, tmp_path: Path) -> None:
    store, ids, _ = setup
    _run(store, ids, tmp_path / "in.csv", tmp_path / "one.csv")
    _run(store, ids, tmp_path / "in.csv", tmp_path / "two.csv", workers=2)
    assert (tmp_path / "two.csv").read_text() == (tmp_path / "one.csv").read_text()
    assert (tmp_path / "two.rejects.csv").read_text() == (tmp_path / "one.rejects.csv").read_text()


def test_jsonl_to_aes_iso4_with_the_cli(setup, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store, ids, pins = setup
    recs = list(read_records(tmp_path / "in.csv"))
    (tmp_path / "in.jsonl").write_text("".join(json.dumps({"id": r.id, "pin_block": r.pin_block, "pan": r.pan}) + "\n"
                                               for r in recs))
    code = main(["--json", "bulk", "translate", "--keystore", str(store), "--input", str(tmp_path / "in.jsonl"),
                 "--output", str(tmp_path / "out.jsonl"), "--src-key", ids["src"], "--src-format", "0",
                 "--dst-key", ids["aes"], "--dst-format", "4", "--workers", "2", "--chunk-size", "64"])
    assert code == 1  # done, with rejects (the file holds bad records on purpose)
    assert json.loads(capsys.readouterr().out)["translated"] == len(pins)
    pans = {r.id: r.pan for r in recs}
    for line in (tmp_path / "out.jsonl").read_text().splitlines():
        row = json.loads(line)
        assert pinblock.decipher(AES_DST, row["pin_block"], pans[row["id"]], format=4) == pins[row["id"]]


def test_progress_of_another_run_is_refused(setup, tmp_path: Path) -> None:
    store, ids, _ = setup

    def crash(done: int) -> None:
        raise Crash

    with pytest.raises(Crash):
        _run(store, ids, tmp_path / "in.csv", tmp_path / "out.csv", on_commit=crash)
    with pytest.raises(pinsec.errors.DataError):
        _run(store, ids, tmp_path / "in.csv", tmp_path / "out.csv", dst="aes", dst_format=4)


def test_progress_bar_on_a_terminal_only(setup, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    store, ids, _ = setup
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    _run(store, ids, tmp_path / "in.csv", tmp_path / "tty.csv")
    assert "230/230" in screen.getvalue()
    quiet = io.StringIO()
    monkeypatch.setattr(sys, "stderr", quiet)
    _run(store, ids, tmp_path / "in.csv", tmp_path / "quiet.csv")
    assert quiet.getvalue() == ""


def test_dukpt_records_share_derivations_and_bad_ksns_are_rejected(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # X9.24-1:2009 A.4: BDK, and the published encrypted PIN blocks of counters 1 and 2 (PIN 1234).
    monkeypatch.setenv("PINSEC_LMK", LMK)
    hsm = pinsec.Hsm(keystore=tmp_path / "keys.json", authorized=True)
    bdk = hsm.import_clear_key(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"), KeyAttributes("B0", "T", "X"))
    dst = hsm.import_clear_key(DST, KeyAttributes("P0", "T", "E"))
    rows = [("t1", "1B9C1845EB993A7A", "FFFF9876543210E00001"), ("t2", "10A01C8D02C69107", "FFFF9876543210E00002"),
            ("bad-ksn", "1B9C1845EB993A7A", "FFFF9876543210E007FF"), ("no-ksn", "1B9C1845EB993A7A", "")]
    src = tmp_path / "dukpt.csv"
    src.write_text("id,pin_block,pan,ksn\n" + "".join(f"{i},{b},4012345678909,{k}\n" for i, b, k in rows))
    s = translate_file(src, tmp_path / "out.csv", hsm=hsm, spec=TranslateSpec(bdk.id, 0, dst.id, 0))
    assert (s.translated, s.rejected) == (2, 2)
    with (tmp_path / "out.csv").open() as f:
        for r in csv.DictReader(f):
            assert pinblock.decipher(DST, r["pin_block"], "4012345678909") == "1234"
    assert "ksn_counter_bits" in (tmp_path / "out.rejects.csv").read_text()


def test_any_executor_the_caller_passes(setup, tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    store, ids, _ = setup
    _run(store, ids, tmp_path / "in.csv", tmp_path / "one.csv")
    with ThreadPoolExecutor(max_workers=3) as pool:  # stands in for Dask's client.get_executor()
        _run(store, ids, tmp_path / "in.csv", tmp_path / "pool.csv", executor=pool)
    assert (tmp_path / "pool.csv").read_text() == (tmp_path / "one.csv").read_text()


def test_a_dukpt_file_of_many_devices_goes_through_the_batch_engine(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # With numpy, a BDK source gets chunks of DUKPT_CHUNK records by default, so each chunk's keys come from
    # the vectorised engine; every translated block must still decipher to its PIN under the destination key.
    engine = pytest.importorskip("pinsec.batch.dukpt_tdes")
    from pinsec.bulk import translate as bulk_translate
    from pinsec.dukpt import tdes

    monkeypatch.setenv("PINSEC_LMK", LMK)
    hsm = pinsec.Hsm(keystore=tmp_path / "keys.json", authorized=True)
    bdk_key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")  # ANSI X9.24-1:2009 A.4
    bdk = hsm.import_clear_key(bdk_key, KeyAttributes("B0", "T", "X"))
    dst = hsm.import_clear_key(DST, KeyAttributes("P0", "T", "E"))
    rng = random.Random(12)
    lines = []
    for i in range(1200):
        ksn = ((rng.getrandbits(59) << 21) | (1 << rng.randrange(21))).to_bytes(10, "big")
        pin, pan = f"{rng.randrange(10**4, 10**6)}", f"4{rng.randrange(10**14, 10**15)}"
        block = tdes.encrypt_pin_block(bdk_key, ksn, pin, pan)
        lines.append((f"r{i}", block.hex().upper(), pan, ksn.hex().upper(), pin))
    src = tmp_path / "fleet.csv"
    src.write_text("id,pin_block,pan,ksn\n" + "".join(f"{i},{b},{p},{k}\n" for i, b, p, k, _ in lines))
    calls: list[int] = []
    real = engine.derive_from_table
    monkeypatch.setattr(engine, "derive_from_table", lambda *a: calls.append(len(a[1])) or real(*a))
    s = translate_file(src, tmp_path / "out.csv", hsm=hsm, spec=TranslateSpec(bdk.id, 0, dst.id, 0))
    assert (s.translated, s.rejected) == (1200, 0)
    assert calls == [1200] and bulk_translate.DUKPT_CHUNK >= 1200
    with (tmp_path / "out.csv").open() as f:
        got = {r["id"]: r["pin_block"] for r in csv.DictReader(f)}
    for i, _, pan, _, pin in lines:
        assert pinblock.decipher(DST, got[i], pan) == pin


@pytest.mark.parametrize("size", [0, -5, True])
def test_a_bad_chunk_size_is_refused(setup, tmp_path: Path, size: object) -> None:
    store, ids, _ = setup
    spec = TranslateSpec(ids["src"], 0, ids["dst"], 0)
    with pytest.raises(DataError) as info:
        translate_file(tmp_path / "in.csv", tmp_path / "out.csv", hsm=pinsec.Hsm(keystore=store), spec=spec,
                       chunk_size=size)  # type: ignore[arg-type]
    assert info.value.field == "workers"
    assert not (tmp_path / "out.csv").exists()
