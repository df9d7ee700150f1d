"""The batch engines' KSN tables: which inputs are read as one byte table, and the device count the cost
model is given, against plain Python sets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

np = pytest.importorskip("numpy")

from pinsec.batch._ksn_table import byte_table, distinct  # noqa: E402


@given(st.lists(st.binary(min_size=8, max_size=8) | st.sampled_from([bytes(8), b"\xff" * 8, b"\x01" * 8])))
def test_distinct_counts_what_a_set_counts(rows: list[bytes]) -> None:
    table = np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(-1, 8)
    assert distinct(table) == len(set(rows))


def test_distinct_reads_a_column_slice() -> None:
    # the engines pass table[:, :8] of 10- or 12-byte KSNs: a view that is not contiguous
    ksns = [bytes([1] * 8) + b"\x00\x01", bytes([1] * 8) + b"\x00\x02", bytes([2] * 8) + b"\x00\x01"]
    assert distinct(byte_table(ksns, 10)[:, :8]) == 2  # type: ignore[index]


def test_only_bytes_and_bytearray_of_the_width_make_a_table() -> None:
    assert byte_table([b"\x00" * 12, bytearray(12)], 12) is not None
    assert byte_table([b"\x00" * 12, b"\x00" * 11], 12) is None
    assert byte_table([b"\x00" * 12, "0" * 12], 12) is None
    assert byte_table([b"\x00" * 12, memoryview(bytes(12))], 12) is None

    class Ksn(bytes):
        pass

    assert byte_table([Ksn(12)], 12) is None  # a subclass goes the one-by-one way
    assert byte_table([], 12) is not None and byte_table([], 12).shape == (0, 12)  # type: ignore[union-attr]
