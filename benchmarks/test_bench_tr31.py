"""Key block wrap and unwrap per version (python -m pytest benchmarks/test_bench_tr31.py)."""

from __future__ import annotations

import pytest

from pinsec import tr31

KBPK = {"A": bytes(range(16)), "B": bytes(range(24)), "C": bytes(range(16)), "D": bytes(range(32)),
        "E": bytes(range(32))}
KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")


@pytest.mark.parametrize("version", list("ABCDE"))
def test_wrap(benchmark, version: str) -> None:
    block = benchmark(tr31.wrap, KBPK[version], KEY, f"{version}0000P0TE00E0000")
    assert block[0] == version


@pytest.mark.parametrize("version", list("ABCDE"))
def test_unwrap(benchmark, version: str) -> None:
    block = tr31.wrap(KBPK[version], KEY, f"{version}0000P0TE00E0000")
    _, key = benchmark(tr31.unwrap, KBPK[version], block)
    assert key == KEY
