"""DUKPT host derivation per counter weight and for a uniform mix (python -m pytest benchmarks/)."""

from __future__ import annotations

import itertools

import pytest
from _inputs import AES_BDK, TDES_BDK, aes_ksns, tdes_ksns

from pinsec.dukpt import aes, tdes


@pytest.mark.parametrize("ones", [1, 5, 10, None], ids=["1-bit", "5-bits", "10-bits", "uniform"])
def test_tdes_derive_working_key(benchmark, ones: int | None) -> None:
    ksns = itertools.cycle(tdes_ksns(2000, ones=ones))
    key = benchmark(lambda: tdes.derive_working_key(TDES_BDK, next(ksns), tdes.KeyUsage.PIN))
    assert len(key) == 16


@pytest.mark.parametrize("ones", [1, 5, 10, 16, None], ids=["1-bit", "5-bits", "10-bits", "16-bits", "uniform"])
def test_aes_derive_working_key(benchmark, ones: int | None) -> None:
    ksns = itertools.cycle(aes_ksns(2000, ones=ones))
    key = benchmark(lambda: aes.derive_working_key(AES_BDK, next(ksns), aes.KeyUsage.PIN_ENCRYPTION,
                                                   aes.KeyType.AES128))
    assert len(key) == 16


def test_tdes_batch_consecutive_counters(benchmark) -> None:
    ksns = [(int.from_bytes(tdes_ksns(1)[0], "big") & ~0x1FFFFF | c).to_bytes(10, "big") for c in range(1, 1001)]
    keys = benchmark(tdes.derive_working_keys, TDES_BDK, ksns, tdes.KeyUsage.PIN)
    assert len(keys) == 1000


def test_aes_batch_consecutive_counters(benchmark) -> None:
    ksns = [aes_ksns(1)[0][:8] + c.to_bytes(4, "big") for c in range(1, 1001)]
    keys = benchmark(aes.derive_working_keys, AES_BDK, ksns, aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128)
    assert len(keys) == 1000
