"""``pinsec vectors check``: per-vector report, summary, non-zero exit on any failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pinsec.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_project_vectors_all_pass(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["vectors", "check", str(ROOT / "vectors")]) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out
    assert out.strip().splitlines()[-1].endswith(" passed, 0 failed")


def test_a_wrong_vector_fails_with_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = {"schema": "pinsec-vectors/1", "topic": "t", "vectors": [
        {"id": "good", "operation": "pinblock.encode", "source": ["ANSI X9.24-1:2009 A.4"],
         "pin": "1234", "pan": "4012345678909", "format": 0, "expected": {"block": "041274EDCBA9876F"}},
        {"id": "bad", "operation": "pinblock.encode", "source": ["altered on purpose"],
         "pin": "1234", "pan": "4012345678909", "format": 0, "expected": {"block": "041274EDCBA9876E"}},
        {"id": "refused", "operation": "pinblock.encode", "source": ["ISO 9564-1: PIN of 4 to 12 digits"],
         "pin": "123", "pan": "4012345678909", "format": 0, "expected": {"error": "PinError"}},
        {"id": "nosource", "operation": "pinblock.encode",
         "pin": "1234", "format": 2, "expected": {"block": "241234FFFFFFFFFF"}},
    ]}
    f = tmp_path / "v.json"
    f.write_text(json.dumps(doc))
    assert main(["--json", "vectors", "check", str(f)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["passed"], data["failed"]) == (2, 2)
    reasons = {r["id"]: r["reason"] for r in data["results"]}
    assert reasons["bad"] == "block differs from the expected value"
    assert reasons["nosource"] == "vector has no source"


def test_not_a_vectors_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "x.json"
    f.write_text("{}")
    assert main(["vectors", "check", str(f)]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_a_field_the_operation_never_reads_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # ANSI X9.24-1:2009 A.4's clear block, with a misspelt field the operation would silently ignore
    doc = {"schema": "pinsec-vectors/1", "topic": "t", "vectors": [
        {"id": "typo", "operation": "pinblock.encode", "source": ["ANSI X9.24-1:2009 A.4"], "pin": "1234",
         "pan": "4012345678909", "format": 0, "fromat": 3, "expected": {"block": "041274EDCBA9876F"}},
    ]}
    f = tmp_path / "v.json"
    f.write_text(json.dumps(doc))
    assert main(["--json", "vectors", "check", str(f)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["results"][0]["reason"] == "unknown field 'fromat' for pinblock.encode"
