"""Boolean circuits for small substitution boxes, written out as straight-line Python.

A bitsliced cipher evaluates an S-box on bit planes (one lane per bit of a machine word), so the S-box must
be a fixed sequence of AND, XOR, OR and NOT with no table look-up and no branch on data. This module finds
such a sequence for each output bit from its truth table by recursive decomposition on one input ``x``:

    f = f0 ^ (x & (f0 ^ f1))        f0, f1 = f with x = 0, x = 1

choosing at every node the input that gives the fewest operations, with the cheaper special cases
(``x & f1``, ``f0 ^ x``, ``f0 | x``, ...) when a cofactor is constant, and sharing every sub-function
that two outputs need. It is the generator of :mod:`pinsec.batch._des_sboxes` and :mod:`pinsec.batch._gf16_inverse`; run

    python -m pinsec.batch._synth des > pinsec/batch/_des_sboxes.py
    python -m pinsec.batch._synth gf16 > pinsec/batch/_gf16_inverse.py

to write them again (``tests/test_batch_des.py`` and ``tests/test_batch_aes.py`` check that they are what
this module generates and that every circuit equals its table on all inputs). It is not imported at run
time.
"""

from __future__ import annotations

from collections.abc import Sequence

#: FIPS 46-3 S-boxes S1..S8, each 4 rows of 16 (row = first and last input bit, column = the middle four).
DES_SBOXES: tuple[tuple[int, ...], ...] = (
    (14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
     4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13),
    (15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
     0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9),
    (10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
     13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12),
    (7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
     10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14),
    (2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
     4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3),
    (12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
     9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13),
    (4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
     1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12),
    (13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
     7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11),
)


def des_truth_tables(box: Sequence[int]) -> list[int]:
    """The four output bits of a DES S-box (most significant first) as 64-bit truth tables: bit ``x`` of a
    table is the output for the 6-bit input ``x`` (input bit 1 of FIPS 46-3 most significant)."""
    tables = [0, 0, 0, 0]
    for x in range(64):
        row, column = ((x >> 4) & 2) | (x & 1), (x >> 1) & 15
        value = box[row * 16 + column]
        for o in range(4):
            if (value >> (3 - o)) & 1:
                tables[o] |= 1 << x
    return tables


class Circuit:
    """Straight-line code computing some functions of ``n`` inputs named ``a0``.. (``a0`` most significant)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.full = (1 << (1 << n)) - 1
        self.inputs = [self._input(i) for i in range(n)]
        self.names: dict[int, str] = {t: f"a{i}" for i, t in enumerate(self.inputs)}
        self.lines: list[str] = []
        self._cofactors: dict[tuple[int, int], tuple[int, int]] = {}
        self._costs: dict[tuple[int, tuple[int, ...]], tuple[int, tuple[object, ...]]] = {}

    def _input(self, i: int) -> int:
        bit = 1 << (self.n - 1 - i)
        return sum(1 << x for x in range(1 << self.n) if x & bit)

    def cofactors(self, f: int, i: int) -> tuple[int, int]:
        """``f`` with input ``i`` fixed to 0 and to 1, each still a table over all inputs."""
        key = (f, i)
        found = self._cofactors.get(key)
        if found is None:
            bit = 1 << (self.n - 1 - i)
            f0 = f1 = 0
            for x in range(1 << self.n):
                if (f >> (x & ~bit)) & 1:
                    f0 |= 1 << x
                if (f >> (x | bit)) & 1:
                    f1 |= 1 << x
            found = self._cofactors[key] = (f0, f1)
        return found

    def cost(self, f: int, free: tuple[int, ...]) -> tuple[int, tuple[object, ...]]:
        """(operations, plan) of the cheapest decomposition of ``f`` over the inputs ``free``, sharing ignored."""
        key = (f, free)
        found = self._costs.get(key)
        if found is None:
            found = self._costs[key] = self._cheapest(f, free)
        return found

    def _cheapest(self, f: int, free: tuple[int, ...]) -> tuple[int, tuple[object, ...]]:
        if f in (0, self.full) or f in self.inputs:
            return 0, ("leaf",)
        if f ^ self.full in self.inputs:
            return 1, ("not",)
        best: tuple[int, tuple[object, ...]] | None = None
        for i in free:
            f0, f1 = self.cofactors(f, i)
            if f0 == f1:
                continue
            rest = tuple(v for v in free if v != i)
            d = f0 ^ f1
            options: list[tuple[int, tuple[object, ...]]] = []
            if f0 == 0:
                options.append((self.cost(f1, rest)[0] + 1, ("and", i, f1, rest)))
            if f1 == 0:
                options.append((self.cost(f0, rest)[0] + 2, ("andnot", i, f0, rest)))
            if d == self.full:
                options.append((self.cost(f0, rest)[0] + 1, ("xor", i, f0, rest)))
            if f1 == self.full:
                options.append((self.cost(f0, rest)[0] + 1, ("or", i, f0, rest)))
            options.append((self.cost(f0, rest)[0] + self.cost(d, rest)[0] + 2, ("mux", i, f0, d, rest)))
            for option in options:
                if best is None or option[0] < best[0]:
                    best = option
        assert best is not None  # a non-constant function depends on some input
        return best

    def _emit(self, expr: str, f: int) -> str:
        name = f"t{len(self.lines)}"
        self.lines.append(f"{name} = {expr}")
        self.names[f] = name
        return name

    def _not(self, i: int) -> str:
        f = self.inputs[i] ^ self.full
        return self.names[f] if f in self.names else self._emit(f"~a{i}", f)

    def build(self, f: int, free: tuple[int, ...] | None = None) -> str:
        """The name of a value equal to ``f``, emitting the lines that compute it (once)."""
        if f in self.names:
            return self.names[f]
        if f in (0, self.full):
            raise ValueError("constant outputs are not needed by any S-box here")
        free = tuple(range(self.n)) if free is None else free
        _, plan = self.cost(f, free)
        kind = plan[0]
        if kind == "not":
            return self._emit(f"~{self.names[f ^ self.full]}", f)
        i = plan[1]
        assert isinstance(i, int)
        rest = plan[-1]
        assert isinstance(rest, tuple)
        g = plan[2]
        assert isinstance(g, int)
        if kind == "mux" and g == self.full:  # f = ~(x & d)
            d = plan[3]
            assert isinstance(d, int)
            return self._emit(f"~{self._masked(i, d, rest)}", f)
        sub = self.build(g, rest)
        if kind == "and":
            return self._emit(f"a{i} & {sub}", f)
        if kind == "andnot":
            return self._emit(f"{self._not(i)} & {sub}", f)
        if kind == "xor":
            return self._emit(f"{sub} ^ a{i}", f)
        if kind == "or":
            return self._emit(f"{sub} | a{i}", f)
        d = plan[3]
        assert isinstance(d, int)
        return self._emit(f"{sub} ^ {self._masked(i, d, rest)}", f)

    def _masked(self, i: int, d: int, rest: tuple[int, ...]) -> str:
        masked = self.inputs[i] & d
        return self.names.get(masked) or self._emit(f"a{i} & {self.build(d, rest)}", masked)


def function_source(name: str, n: int, tables: Sequence[int]) -> str:
    circuit = Circuit(n)
    outs = [circuit.build(t) for t in tables]
    args = ", ".join(f"a{i}: Any" for i in range(n))
    body = "\n".join(f"    {line}" for line in circuit.lines)
    return f"def {name}({args}) -> tuple[Any, ...]:\n{body}\n    return ({', '.join(outs)},)\n"


def des_module_source() -> str:
    parts = [
        '"""The eight DES S-boxes as straight-line boolean code on bit planes (bitsliced), generated by\n'
        ':mod:`pinsec.batch._synth` from the FIPS 46-3 tables: no table look-up, no branch on data. Each takes\n'
        'the six input planes (FIPS bit 1 first) and returns the four output planes (most significant first).\n'
        'Do not edit: run ``python -m pinsec.batch._synth des > pinsec/batch/_des_sboxes.py``."""\n',
        "from __future__ import annotations\n\nfrom typing import Any\n",
    ]
    for k, box in enumerate(DES_SBOXES):
        parts.append("\n" + function_source(f"s{k + 1}", 6, des_truth_tables(box)))
    parts.append(f"\nSBOXES = ({', '.join(f's{k + 1}' for k in range(8))})\n")
    return "\n".join(parts)


#: The bases the GF(2^4) inverse circuit works in: it maps ``y = IN d`` to ``OUT inv(d)`` (each a 4 x 4 bit
#: matrix given by its columns, the images of z^0..z^3). The S-box's linear layers around it take care of
#: both maps for free, and the circuit shrinks: of the 24 gates of the plain inverse, 17 are left with these
#: (found by generating the circuit for the output bases that gave 20 or fewer gates against every
#: invertible input basis; counted through the S-box's neighbouring layers, 5 fewer gates in all).
GF16_IN_BASIS: tuple[int, ...] = (2, 1, 5, 13)
GF16_OUT_BASIS: tuple[int, ...] = (1, 3, 7, 9)


def gf16_module_source() -> str:
    """The inverse in GF(2^4) (modulo z^4 + z + 1; 0 maps to 0) in the bases :data:`GF16_IN_BASIS` and
    :data:`GF16_OUT_BASIS`, as a circuit on four rows (row ``k`` bit ``k``): the nonlinear core of
    :mod:`pinsec.batch._aes_sbox`'s S-box."""
    from ._tower import apply, gf16_mul

    inverse = [0] + [next(y for y in range(1, 16) if gf16_mul(x, y) == 1) for x in range(1, 16)]
    undo_in = {apply(GF16_IN_BASIS, x): x for x in range(16)}

    def element(x: int) -> int:  # circuit input a_k (bit 3 - k of the table index) is bit k of y
        return sum(((x >> (3 - k)) & 1) << k for k in range(4))

    def function(y: int) -> int:
        return apply(GF16_OUT_BASIS, inverse[undo_in[y]])

    tables = [sum(1 << x for x in range(16) if (function(element(x)) >> k) & 1) for k in range(4)]
    return (
        '"""The inverse in GF(2^4) modulo z^4 + z + 1 (0 to 0) in other bases: ``gf16_inverse`` maps the rows of\n'
        'y = IN d to those of OUT inv(d) (IN and OUT below, each by the images of z^0..z^3), as straight-line\n'
        "boolean code generated by :mod:`pinsec.batch._synth` from the function's table: no look-up, no branch on\n"
        'data.\n'
        'Do not edit: run ``python -m pinsec.batch._synth gf16 > pinsec/batch/_gf16_inverse.py``."""\n'
        "\nfrom __future__ import annotations\n\nfrom typing import Any\n\n"
        f"IN = {GF16_IN_BASIS!r}\nOUT = {GF16_OUT_BASIS!r}\n\n\n"
        + function_source("gf16_inverse", 4, tables)
    )


if __name__ == "__main__":
    import sys

    print({"des": des_module_source, "gf16": gf16_module_source}[sys.argv[1]](), end="")
