"""Straight-line programs of AND, OR, XOR and NOT over bit planes: built once, run on every lane at once.

A :class:`Builder` records gates on numbered signals (the inputs are signals ``0 .. inputs - 1``); its
:meth:`Builder.linear` writes a GF(2)-linear layer with Boyar and Peralta's distance heuristic, which
needs fewer XORs than Paar's pairing of the most common pair (the AES S-box's output layer: 31 against 38).
:meth:`Builder.program` then assigns every
intermediate signal a scratch row, reusing a row once its signal is dead, so that running the program
allocates nothing: each gate is one numpy call writing into a buffer that is already there (and that stays
in the CPU's cache between gates when the rows are small enough).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np

from ._planes import Planes

_UFUNCS: Final[dict[str, np.ufunc]] = {"xor": np.bitwise_xor, "and": np.bitwise_and, "or": np.bitwise_or,
                                       "not": np.invert}


class Builder:
    """Gates on signals, in the order they are to run."""

    def __init__(self, inputs: int) -> None:
        self.inputs = inputs
        self.gates: list[tuple[str, int, int, int]] = []  # (op, a, b or -1, output signal)
        self._next = inputs

    def gate(self, op: str, a: int, b: int = -1) -> int:
        """A new signal ``a op b`` (``not a`` for ``"not"``)."""
        assert op in _UFUNCS and (b < 0) == (op == "not")
        signal = self._next
        self._next += 1
        self.gates.append((op, a, b, signal))
        return signal

    def linear(self, outputs: Sequence[frozenset[int]]) -> list[int]:
        """Signals for XORs of the given sets of signals (each set non-empty), sharing partial sums.

        Boyar and Peralta's heuristic (J. Boyar, P. Matthews, R. Peralta, "Logic minimization techniques with
        applications to cryptology", J. Cryptology 26, 2013, section 3): keep the signals made so far as
        vectors over the layer's inputs, and for every vector the distance to it (how many XORs of the
        signals made so far reach it); add the XOR of two signals that leaves the smallest sum of the
        outputs' distances (ties: the largest sum of their squares), or at once an output that is one XOR
        away. Adding a vector ``c`` changes a distance ``d(v)`` to ``min(d(v), d(v ^ c) + 1)`` (a sum uses
        ``c`` at most once), one array operation over the 2^n vectors, so layers of up to some twenty inputs
        take milliseconds."""
        inputs = sorted(set().union(*outputs))
        assert all(outputs) and len(inputs) <= 22, "a linear output must depend on some signal; 22 inputs at most"
        n = len(inputs)
        vectors = [sum(1 << inputs.index(s) for s in row) for row in outputs]
        signal = {1 << i: s for i, s in enumerate(inputs)}
        everything = np.arange(1 << n, dtype=np.int64)
        counts = np.zeros(1 << n, dtype=np.int16)  # how many signals' XOR each vector is: popcount at first
        for i in range(n):
            counts += ((everything >> i) & 1).astype(np.int16)
        targets = np.array(sorted(set(vectors) - set(signal)), dtype=np.int64)
        while targets.size:
            made = list(signal)
            pairs: dict[int, tuple[int, int]] = {}
            for i, a in enumerate(made):
                for b in made[i + 1:]:
                    pairs.setdefault(a ^ b, (a, b))
            for c in list(pairs):
                if c in signal:
                    del pairs[c]
            near = [int(t) for t in targets if int(t) in pairs]
            if near:
                c = near[0]
            else:
                candidates = np.array(list(pairs), dtype=np.int64)
                after = np.minimum(counts[targets][None, :], counts[targets[None, :] ^ candidates[:, None]] + 1)
                c = int(candidates[np.lexsort((-(after.astype(np.int64) ** 2).sum(1), after.sum(1)))[0]])
            a, b = pairs[c]
            signal[c] = self.gate("xor", signal[a], signal[b])
            np.minimum(counts, counts[everything ^ c] + 1, out=counts)
            targets = targets[targets != c]
        return [signal[v] for v in vectors]

    def program(self, outputs: Sequence[int]) -> Program:
        """The gates that ``outputs`` need, with scratch rows assigned."""
        return Program(self.inputs, self.gates, outputs)

    def count(self, outputs: Sequence[int]) -> int:
        """How many gates ``outputs`` need."""
        return len(_needed(self.gates, outputs))


def _needed(gates: Sequence[tuple[str, int, int, int]],
            outputs: Sequence[int]) -> list[tuple[str, int, int, int]]:
    live = set(outputs)
    kept = []
    for gate in reversed(gates):
        if gate[3] in live:
            kept.append(gate)
            live.update(gate[1:3])  # NOT's -1 joins too: no gate makes signal -1
    return kept[::-1]


class Program:
    """A straight-line program ready to run: slots ``0 .. inputs - 1`` are the input rows, the next
    ``len(outputs)`` the output rows, the rest :attr:`scratch` rows reused as signals die."""

    def __init__(self, inputs: int, gates: Sequence[tuple[str, int, int, int]], outputs: Sequence[int]) -> None:
        gates = _needed(gates, outputs)
        assert len(set(outputs)) == len(outputs) and all(o >= inputs for o in outputs)
        # the last gate that reads each signal the program makes (inputs are the caller's rows, never freed)
        last_use = {s: i for i, gate in enumerate(gates) for s in gate[1:3]}
        slot = {s: s for s in range(inputs)}
        slot.update({s: inputs + k for k, s in enumerate(outputs)})
        free: list[int] = []
        scratch = 0
        steps = []
        for i, (op, a, b, out) in enumerate(gates):
            for s in {a, b}:  # a row whose signal dies here may take this gate's output
                if s >= inputs and s not in outputs and last_use[s] == i:
                    free.append(slot[s])
            if out not in slot:
                if free:
                    slot[out] = free.pop()
                else:
                    slot[out] = inputs + len(outputs) + scratch
                    scratch += 1
            steps.append((_UFUNCS[op], slot[a], slot[b] if b >= 0 else -1, slot[out]))
        self.inputs, self.outputs, self.scratch = inputs, len(outputs), scratch
        self.gate_count = len(steps)
        self._steps = tuple(steps)

    def bind(self, inputs: Sequence[Planes], outputs: Sequence[Planes], scratch: Sequence[Planes]) -> Bound:
        """The program on these arrays: ``outputs`` from ``inputs``, with ``scratch`` (:attr:`scratch` arrays
        of the inputs' shape). Inputs are only read. Bind once, run many times: a bound step is a ufunc and
        its three arrays, with nothing left to look up (NOT is bound as XOR with a row of ones)."""
        rows = [*inputs, *outputs, *scratch]
        ones = np.full_like(inputs[0], np.uint64(0xFFFFFFFFFFFFFFFF))
        return Bound(tuple((np.bitwise_xor, rows[a], ones, rows[out]) if b < 0 else (f, rows[a], rows[b], rows[out])
                           for f, a, b, out in self._steps))

    def run(self, inputs: Sequence[Planes], outputs: Sequence[Planes], scratch: Sequence[Planes]) -> None:
        """Write the outputs for ``inputs`` into ``outputs`` (see :meth:`bind`)."""
        self.bind(inputs, outputs, scratch).run()


class Bound:
    """A :class:`Program` bound to its arrays (:meth:`Program.bind`)."""

    def __init__(self, steps: tuple[tuple[np.ufunc, Planes, Planes, Planes], ...]) -> None:
        self._steps = steps

    def run(self) -> None:
        for f, a, b, out in self._steps:
            f(a, b, out)
