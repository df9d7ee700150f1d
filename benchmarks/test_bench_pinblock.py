"""PIN block hot paths: encipher and decipher per format (run: python -m pytest benchmarks/test_bench_pinblock.py)."""

from __future__ import annotations

import pytest

from pinsec import pinblock

TDES_KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
AES_KEY = bytes.fromhex("AF8CB133A78F8DC2D1359F18527593FB")
PAN = "4111111111111111"


@pytest.mark.parametrize("fmt", [0, 1, 3, 4])
def test_encipher(benchmark, fmt: int) -> None:
    key = AES_KEY if fmt == 4 else TDES_KEY
    block = benchmark(pinblock.encipher, key, "1234", PAN, format=fmt)
    assert len(block) == pinblock.block_size(fmt)


@pytest.mark.parametrize("fmt", [0, 1, 3, 4])
def test_decipher(benchmark, fmt: int) -> None:
    key = AES_KEY if fmt == 4 else TDES_KEY
    block = pinblock.encipher(key, "1234", PAN, format=fmt)
    assert benchmark(pinblock.decipher, key, block, PAN, format=fmt) == "1234"
