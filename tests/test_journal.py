"""The bulk journal (pinsec.bulk.journal) on its own: what each commit makes durable and in which order,
every way a progress file can be damaged or disagree with the partial files, a resume right after the start,
a resume between the final renames, and OS failures as pinsec errors. A --quick mutation run of journal.py
found 26 of its 67 mutants unnoticed by the bulk tests."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pinsec.bulk import journal as journal_module
from pinsec.bulk.journal import Journal, io_errors
from pinsec.errors import DataError, PinError

OUT_HEADER, REJ_HEADER = "id,pin_block\n", "id,line,error\n"  # of different lengths on purpose


def _journal(tmp_path: Path, fingerprint: str = "f" * 64) -> Journal:
    return Journal(tmp_path / "out.csv", tmp_path / "rej.csv", fingerprint, OUT_HEADER, REJ_HEADER)


def _progress(tmp_path: Path) -> dict[str, object]:
    return json.loads((tmp_path / "out.csv.progress").read_text())


# ------------------------------------------------------------------------------------------------ errors

def test_os_failures_become_one_line_pinsec_errors() -> None:
    with pytest.raises(DataError) as info, io_errors("open the thing"):
        raise PermissionError(13, "Permission denied")
    assert (str(info.value), info.value.code, info.value.field) == (
        "cannot open the thing: Permission denied", "io_error", "file")
    assert info.value.__cause__ is None and info.value.__suppress_context__
    with pytest.raises(DataError) as info, io_errors("open the thing"):
        raise ValueError("embedded null byte")  # no strerror: the exception's type is said, not its text
    assert str(info.value) == "cannot open the thing: ValueError"
    with pytest.raises(PinError), io_errors("open the thing"):
        raise PinError("a pinsec error passes through as it is")


# ------------------------------------------------------------------------------------------ durability

def test_a_commit_makes_data_then_progress_durable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    j = _journal(tmp_path)
    j.start()
    synced: list[tuple[str, int]] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        name = os.readlink(f"/proc/self/fd/{fd}")
        synced.append((os.path.basename(name), os.fstat(fd).st_size))  # what the kernel has for it then
        real_fsync(fd)

    monkeypatch.setattr(journal_module.os, "fsync", fsync)
    j.commit(["a,1\n", "b,2\n"], ["c,3,bad\n"], 3)
    out_size = len(OUT_HEADER) + len("a,1\nb,2\n")
    rej_size = len(REJ_HEADER) + len("c,3,bad\n")
    progress_size = len(json.dumps({"fingerprint": "f" * 64, "done": 3, "output_size": out_size,
                                    "rejects_size": rej_size, "finishing": False}))
    # each file's bytes are flushed before it is synced, the progress after both, then its folder
    assert synced == [("out.csv.partial", out_size), ("rej.csv.partial", rej_size),
                      ("out.csv.progress.tmp", progress_size), (tmp_path.name, synced[3][1])]
    synced.clear()
    j.finish()
    # the finishing mark (file, then folder), then the renames and the mark's removal (folder)
    assert [name for name, _ in synced] == ["out.csv.progress.tmp", tmp_path.name, tmp_path.name]


def test_no_descriptor_is_left_open(tmp_path: Path) -> None:
    before = len(os.listdir("/proc/self/fd"))
    j = _journal(tmp_path)
    j.start()
    for i in range(50):
        j.commit([f"r{i},X\n"], [], 1)
    j.finish()
    assert len(os.listdir("/proc/self/fd")) == before


# ---------------------------------------------------------------------------------------------- resume

def test_a_fresh_start_records_its_progress_at_once(tmp_path: Path) -> None:
    assert _journal(tmp_path).start() == 0
    assert _progress(tmp_path)["done"] == 0
    # killed before its first commit: the next run resumes from zero with exactly the headers
    again = _journal(tmp_path)
    assert again.start() == 0
    assert (tmp_path / "out.csv.partial").read_text() == OUT_HEADER
    assert (tmp_path / "rej.csv.partial").read_text() == REJ_HEADER
    again.commit(["r1,X\n"], [], 1)
    again.finish()
    assert (tmp_path / "out.csv").read_text() == OUT_HEADER + "r1,X\n"
    assert j_finished(again)


def j_finished(j: Journal) -> bool:
    return j.finished is True and not (j.output.with_name(j.output.name + ".progress")).exists()


def test_a_half_written_chunk_is_dropped_on_resume(tmp_path: Path) -> None:
    j = _journal(tmp_path)
    j.start()
    j.commit(["r1,X\n"], [], 1)
    with (tmp_path / "out.csv.partial").open("a") as f:
        f.write("r2,half")  # the chunk after the last commit, cut short
    again = _journal(tmp_path)
    assert again.start() == 1
    assert (tmp_path / "out.csv.partial").read_text() == OUT_HEADER + "r1,X\n"


@pytest.mark.parametrize("change", ["missing output", "missing rejects", "short output"])
def test_partial_files_that_disagree_with_the_progress_are_refused(tmp_path: Path, change: str) -> None:
    j = _journal(tmp_path)
    j.start()
    j.commit(["r1,X\n"], ["r2,2,bad\n"], 2)
    if change == "missing output":
        (tmp_path / "out.csv.partial").unlink()
    elif change == "missing rejects":
        (tmp_path / "rej.csv.partial").unlink()
    else:
        (tmp_path / "out.csv.partial").write_text(OUT_HEADER)
    with pytest.raises(DataError) as info:
        _journal(tmp_path).start()
    assert info.value.code == "progress_damaged"


@pytest.mark.parametrize("field", ["done", "output_size", "rejects_size"])
@pytest.mark.parametrize("value", [-1, "3", True, 1.5, None])
def test_progress_numbers_must_be_counts(tmp_path: Path, field: str, value: object) -> None:
    j = _journal(tmp_path)
    j.start()
    state = _progress(tmp_path)
    state[field] = value
    (tmp_path / "out.csv.progress").write_text(json.dumps(state))
    with pytest.raises(DataError) as info:
        _journal(tmp_path).start()
    assert info.value.code == "progress_damaged"


def test_a_run_killed_between_the_final_renames_completes_them(tmp_path: Path) -> None:
    j = _journal(tmp_path)
    j.start()
    j.commit(["r1,X\n"], [], 1)
    j._save(finishing=True)  # the first step of finish(), then the process dies before any rename
    os.replace(tmp_path / "out.csv.partial", tmp_path / "out.csv")  # or after the first one
    again = _journal(tmp_path)
    assert again.start() == 1
    assert (tmp_path / "out.csv").read_text() == OUT_HEADER + "r1,X\n"
    assert (tmp_path / "rej.csv").read_text() == REJ_HEADER
    assert j_finished(again)
    again.finish()  # nothing left to do
    assert (tmp_path / "out.csv").read_text() == OUT_HEADER + "r1,X\n"
