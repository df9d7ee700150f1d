"""payShield host commands answered in-process (python -m pytest benchmarks/test_bench_payshield.py);
benchmarks/compare.py payshield times them over TCP too."""

from __future__ import annotations

from pinsec.payshield import answer, hsm_in_test_mode

CA = (b"0000CAU8463435FC4B4DAA0C49025272C29B12CU1EF828AA8F6B80EB83E19FBC373F3A85126428EB94035AF53B0101"
      b"550000025321")


def test_nc(benchmark) -> None:
    hsm = hsm_in_test_mode()
    assert benchmark(answer, hsm, b"0000NC", 4)[:8] == b"0000ND00"


def test_ca(benchmark) -> None:
    hsm = hsm_in_test_mode()
    assert benchmark(answer, hsm, CA, 4) == b"0000CB000491DDDA0A7C12CFAA01"
