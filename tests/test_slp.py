"""pinsec.batch._slp: straight-line programs. The S-box's correctness is tests/test_batch_aes.py's (all 256
inputs); here what a correct but worse builder would lose: the XORs Boyar and Peralta's heuristic saves,
the rows the register allocation reuses, and the size the AES S-box program is documented to have."""

from __future__ import annotations

import itertools

import pytest

np = pytest.importorskip("numpy")

from pinsec.batch._aes_sbox import SBOX  # noqa: E402
from pinsec.batch._slp import Builder  # noqa: E402


def _run(builder: Builder, outputs: list[int], inputs: int) -> list[list[int]]:
    """Every output's truth table over all inputs (lanes = input combinations)."""
    program = builder.program(outputs)
    lanes = 1 << inputs
    rows = [np.array([(v >> i) & 1 for v in range(lanes)], dtype=np.uint64) for i in range(inputs)]
    out = [np.empty(lanes, dtype=np.uint64) for _ in outputs]
    program.run(rows, out, [np.empty(lanes, dtype=np.uint64) for _ in range(program.scratch)])
    return [[int(x) & 1 for x in o] for o in out]


def test_all_sums_of_three_inputs_take_four_xors() -> None:
    # four outputs of weight 2 or more need one gate each at least, and ab, ac, bc, ab ^ c reach them all
    b = Builder(3)
    subsets = [frozenset(s) for n in (2, 3) for s in itertools.combinations(range(3), n)]
    signals = b.linear(subsets)
    assert b.count(signals) == 4
    tables = _run(b, signals, 3)
    for subset, table in zip(subsets, tables, strict=True):
        assert table == [sum((v >> i) & 1 for i in subset) % 2 for v in range(8)]


def test_shared_partial_sums_are_shared() -> None:
    # a^b^c and a^b^d: three XORs (a^b once), where computing each apart takes four
    b = Builder(4)
    signals = b.linear([frozenset({0, 1, 2}), frozenset({0, 1, 3})])
    assert b.count(signals) == 3
    assert _run(b, signals, 4) == [[((v ^ (v >> 1) ^ (v >> k)) & 1) for v in range(16)] for k in (2, 3)]


def test_single_signals_and_repeats_cost_nothing() -> None:
    b = Builder(2)
    signals = b.linear([frozenset({0}), frozenset({0, 1}), frozenset({1, 0})])
    assert signals[0] == 0 and signals[1] == signals[2] and b.count(signals[1:]) == 1


def test_a_chain_reuses_its_dead_rows() -> None:
    # x1 = i0 ^ i1, x2 = x1 & i2, x3 = x2 | i3, out = not x3: each temporary dies at the next gate
    b = Builder(4)
    x3 = b.gate("or", b.gate("and", b.gate("xor", 0, 1), 2), 3)
    out = b.gate("not", x3)
    assert b.program([out]).scratch == 1
    assert _run(b, [out], 4) == [[1 - ((((v ^ (v >> 1)) & (v >> 2)) | (v >> 3)) & 1) for v in range(16)]]


def test_the_aes_sbox_program_has_its_documented_size() -> None:
    # docs/batch.md and pinsec/batch/_aes_sbox.py: 123 gates; every gate is an array call per S-box layer,
    # every scratch row a buffer of the block size, so a worse build is slower or bigger
    assert SBOX.gate_count <= 123
    assert SBOX.scratch <= 30
