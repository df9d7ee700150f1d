"""Every published ISO 9564-1 vector in vectors/iso9564.json passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from pinsec import vectors

FILE = Path(__file__).resolve().parent.parent / "vectors" / "iso9564.json"
VECTORS = vectors.load(FILE)


def test_file_covers_every_format() -> None:
    formats = {v["format"] for v in VECTORS}
    assert formats == {0, 1, 2, 3, 4}
    assert all(v["source"] for v in VECTORS)


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_vector(vector: dict[str, object]) -> None:
    result = vectors.check_vector(vector, file=str(FILE))
    assert result.ok, result.reason
