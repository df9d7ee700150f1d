"""Every vector of every file in vectors/ passes (ISO 9564 has its own module with extra coverage checks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pinsec import vectors

ROOT = Path(__file__).resolve().parent.parent / "vectors"
FILES = sorted(p for p in ROOT.glob("*.json") if p.name != "iso9564.json")
CASES = [(f, v) for f in FILES for v in vectors.load(f)]


def test_every_topic_has_a_file() -> None:
    assert {f.name for f in FILES} >= {"dukpt_tdes.json", "dukpt_aes.json", "tr31.json"}


@pytest.mark.parametrize(("file", "vector"), CASES, ids=[f"{f.stem}:{v['id']}" for f, v in CASES])
def test_vector(file: Path, vector: dict[str, object]) -> None:
    assert vector.get("source"), "every vector carries its source"
    result = vectors.check_vector(vector, file=str(file))
    assert result.ok, result.reason
