"""Mutation testing of pinsec's core modules: does the default suite notice a single-line bug?

Run from the repository root (about 20-40 minutes for every module on 2 cores; one module is minutes):

    .venv/bin/python -m tests.mutate                      # every core module
    .venv/bin/python -m tests.mutate pinsec/pin.py -j 2   # one module
    .venv/bin/python -m tests.mutate --list pinsec/mac.py # the mutants, without running anything
    .venv/bin/python -m tests.mutate pinsec/pin.py --quick  # no second chance: where tests are missing, fast

Each mutant changes one thing in one line, chosen from the bugs a payment HSM must never ship: a comparison
or boolean operator flipped, a ``not`` dropped, an arithmetic or bitwise operator swapped (``^`` for
``|`` ...), a whole number off by one, ``True``/``False`` swapped, a ``raise`` deleted, a call statement
deleted (``check(x)`` gone), an ``if`` condition negated. Docstrings, annotations, ``__all__``, error
messages and ``assert`` statements are not mutated.

Every mutant runs against the module's own tests and doctests (``TARGETS``) in a private copy of the
repository, one copy per job; a failing run or a time-out kills it. Survivors are run again against the
whole default suite; a mutant that still survives is reported with its line. Mutants known to be
equivalent (no behaviour changes) are listed with the reason in ``tests/mutation_equivalents.tsv`` and
left out of the score: killed / (mutants - equivalent), per module. ``--json FILE`` writes the report.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = ROOT / "tests" / "mutation_equivalents.tsv"

_PIN_TESTS = ["tests/test_pinblock.py", "tests/test_pinblock_edges.py", "tests/test_vectors_iso9564.py"]
_DUKPT_TESTS = ["tests/test_dukpt_tdes.py", "tests/test_dukpt_aes.py", "tests/test_dukpt_tdes_edges.py",
                "tests/test_dukpt_aes_edges.py", "tests/test_dukpt_batch.py", "tests/test_originator_state.py",
                "tests/test_vectors_files.py"]
_TR31_TESTS = ["tests/test_tr31.py", "tests/test_tr31_refusals.py", "tests/test_tr31_vocabulary.py",
               "tests/test_tr31_header.py", "tests/test_tr31_keyblock.py", "tests/test_tr31_optional_blocks.py",
               "tests/test_tr31_interop.py", "tests/test_vectors_files.py"]
# cheap and direct first: with -x a killed mutant stops at its first failing test; the slow attack search and
# the bulk runs are left to the whole-suite second chance
_HSM_TESTS = ["tests/test_policy.py", "tests/conformance", "tests/test_keystore.py",
              *(f"tests/attacks/test_{name}.py" for name in ("authorised_state", "policy_from_store", "dukpt_variants",
                                                            "key_block_binding", "error_oracles", "keystore_attacks",
                                                            "typed_errors")),
              "tests/test_pkcs11.py", "tests/test_iso4_pan_form.py", "tests/test_check_value.py",
              "tests/test_verification.py", "tests/test_data_ops.py", "tests/test_hsm_inputs.py",
              "tests/test_key_ops.py", "tests/test_pin_ops.py", "tests/test_mac_ops.py", "tests/test_keystore_edges.py"]
_VARIANT_TESTS = ["tests/test_variant_lmk.py", "tests/test_variant_lmk_tables.py", "tests/test_lmk_ops.py",
                  "tests/attacks/test_variant_lmk.py", "tests/payshield"]
_BATCH_TESTS = ["tests/test_batch_des.py", "tests/test_batch_aes.py", "tests/test_slp.py", "tests/test_ksn_table.py",
                "tests/test_batch_dukpt_tdes.py",
                "tests/test_batch_dukpt_aes.py", "tests/test_batch_pin_blocks.py", "tests/test_dukpt_batch.py",
                "tests/test_dukpt_tdes_edges.py", "tests/test_dukpt_aes_edges.py"]
_EMV_TESTS = ["tests/test_emv.py", "tests/conformance/test_emv.py", "tests/attacks/test_emv_oracle.py",
              "tests/payshield/test_emv.py", "tests/test_pkcs11.py"]
#: The payShield server's own tests drive it through sockets; the Hsm below it has its own targets above.
_PAYSHIELD_TESTS = ["tests/payshield", "tests/test_variant_lmk.py"]
#: Core module -> the tests that answer for it (its doctests run too).
TARGETS: dict[str, list[str]] = {
    "pinsec/pinblock.py": _PIN_TESTS,
    "pinsec/dukpt/tdes.py": _DUKPT_TESTS,
    "pinsec/dukpt/aes.py": _DUKPT_TESTS,
    "pinsec/dukpt/_registers.py": _DUKPT_TESTS,
    "pinsec/tr31/header.py": _TR31_TESTS,
    "pinsec/tr31/keyblock.py": _TR31_TESTS,
    "pinsec/tr31/optional_blocks.py": _TR31_TESTS,
    "pinsec/tr31/vocabulary.py": _TR31_TESTS,
    "pinsec/hsm/_core.py": _HSM_TESTS,
    "pinsec/hsm/key_ops.py": _HSM_TESTS,
    "pinsec/hsm/pin_ops.py": _HSM_TESTS,
    "pinsec/hsm/mac_ops.py": _HSM_TESTS,
    "pinsec/hsm/policy.py": _HSM_TESTS,
    "pinsec/keystore.py": _HSM_TESTS,
    "pinsec/pin.py": ["tests/test_verification.py", "tests/test_pin.py", "tests/test_pin_bounds.py",
                      "tests/conformance/test_pin_verification.py", "tests/test_vectors_files.py"],
    "pinsec/mac.py": ["tests/test_verification.py", "tests/test_pin.py", "tests/test_pin_bounds.py",
                      "tests/conformance/test_mac.py", "tests/test_vectors_files.py"],
    "pinsec/kcv.py": ["tests/test_kcv.py", "tests/test_tr31.py", "tests/conformance/test_keys.py"],
    "pinsec/hsm/components.py": ["tests/test_components.py", "tests/attacks/test_authorised_state.py",
                                 "tests/payshield/test_console.py"],
    "pinsec/hsm/variant_policy.py": ["tests/test_policy.py", *_VARIANT_TESTS],
    "pinsec/hsm/lmk_ops.py": _VARIANT_TESTS,
    "pinsec/variant_lmk.py": _VARIANT_TESTS,
    "pinsec/hsm/data_ops.py": ["tests/test_data_ops.py", "tests/aws/test_data.py"],
    "pinsec/emv.py": _EMV_TESTS,
    "pinsec/hsm/emv_ops.py": _EMV_TESTS,
    "pinsec/hsm/rsa_ops.py": ["tests/test_rsa_ops.py", "tests/aws/test_import_export.py", "tests/aws/test_control.py"],
    "pinsec/bulk/journal.py": ["tests/test_journal.py", "tests/test_bulk.py", "tests/attacks/test_bulk_input.py"],
    "pinsec/bulk/records.py": ["tests/test_bulk_records.py", "tests/test_bulk.py", "tests/attacks/test_bulk_input.py"],
    # the payShield host-command server: field parsing, framing, error codes, and every command's checks
    **{f"pinsec/payshield/{name}.py": _PAYSHIELD_TESTS for name in ("fields", "request", "wire", "errors")},
    **{f"pinsec/payshield/commands/{name}.py": _PAYSHIELD_TESTS
       for name in ("admin", "cards", "chaining", "components", "cvk", "data", "emv", "key_fields", "keys", "macs",
                    "migration", "pins")},
    # the batch engine (its generated S-box modules are checked whole: regenerated and compared, and every
    # circuit against its table on all inputs)
    **{f"pinsec/batch/{name}.py": _BATCH_TESTS
       for name in ("__init__", "_planes", "_des", "_aes", "_aes_sbox", "_slp", "_tower", "_ksn_table", "_walk",
                    "dukpt_tdes", "dukpt_aes", "pin_blocks")},
}
#: Passed to every run: fast and deterministic (the 17 s DUKPT end-of-life run is left to the full suite).
PYTEST = ["-x", "-q", "-p", "no:cacheprovider", "--no-header", "-m", "not slow", "--hypothesis-seed=0",
          "-W", "ignore::pytest.PytestUnknownMarkWarning"]

_SWAP_CMP = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE,
             ast.GtE: ast.Gt, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
_SWAP_BIN = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.BitXor: ast.BitOr, ast.BitOr: ast.BitXor,
             ast.BitAnd: ast.BitOr, ast.LShift: ast.RShift, ast.RShift: ast.LShift, ast.Mult: ast.FloorDiv,
             ast.FloorDiv: ast.Mult, ast.Mod: ast.FloorDiv}
_LOGGERS = ("_log", "_audit", "logging", "warnings")


@dataclass(frozen=True)
class Mutant:
    module: str
    line: int
    description: str
    source_line: str
    start: tuple[int, int]
    end: tuple[int, int]
    replacement: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.module, self.description, self.source_line)


def _skipped_nodes(tree: ast.AST) -> set[int]:
    """ids of nodes never mutated: docstrings, annotations, __all__, f-strings, raise arguments, asserts,
    logging calls, and `if TYPE_CHECKING` / `if __name__` blocks."""
    skip: set[int] = set()

    def drop(node: ast.AST | None) -> None:
        if node is not None:
            skip.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for arg in [*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs]:
                drop(arg.annotation)
            drop(node.returns)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value,
                                                                                                     str):
                drop(first)
        if isinstance(node, ast.AnnAssign):
            drop(node.annotation)
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            drop(node)
        if isinstance(node, (ast.JoinedStr, ast.Assert)):
            drop(node)
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            for part in [*node.exc.args, *node.exc.keywords]:
                drop(part)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            base = node.func.value
            if isinstance(base, ast.Name) and base.id in _LOGGERS:
                drop(node)
        call = node.value if isinstance(node, ast.Expr) else None
        if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name) and call.func.value.id in _LOGGERS):
            drop(node)  # the statement too: deleting a log line changes no behaviour
        if isinstance(node, ast.If) and isinstance(node.test, (ast.Name, ast.Compare)):
            text = ast.unparse(node.test)
            if "TYPE_CHECKING" in text or "__name__" in text:
                drop(node)
    return skip


def _variants(node: ast.AST) -> Iterator[tuple[str, str]]:
    """(description, replacement source) for one node."""
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _SWAP_CMP:
        new = copy.deepcopy(node)
        new.ops = [_SWAP_CMP[type(node.ops[0])]()]
        yield f"compare {type(node.ops[0]).__name__} -> {type(new.ops[0]).__name__}", ast.unparse(new)
    elif isinstance(node, ast.BoolOp):
        new = copy.deepcopy(node)
        new.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        yield f"boolean {type(node.op).__name__} -> {type(new.op).__name__}", ast.unparse(new)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield "drop not", f"({ast.unparse(node.operand)})"
    elif isinstance(node, ast.BinOp) and type(node.op) in _SWAP_BIN:
        if isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
            return  # %-formatting of a message
        new = copy.deepcopy(node)
        new.op = _SWAP_BIN[type(node.op)]()
        yield f"operator {type(node.op).__name__} -> {type(new.op).__name__}", ast.unparse(new)
    elif isinstance(node, ast.Constant) and type(node.value) is int:
        yield f"number {node.value} -> {node.value + 1}", repr(node.value + 1)
    elif isinstance(node, ast.Constant) and type(node.value) is bool:
        yield f"{node.value} -> {not node.value}", repr(not node.value)
    elif isinstance(node, ast.Raise):
        yield "delete raise", "pass"
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        yield f"delete call {ast.unparse(node.value.func)}", "pass"
    elif isinstance(node, ast.If) and not isinstance(node.test, (ast.Compare, ast.BoolOp, ast.UnaryOp)):
        yield "negate if", f"if not ({ast.unparse(node.test)}):"


def mutants(module: str, root: Path = ROOT) -> list[Mutant]:
    """Every mutant of one module (as it is under ``root``), in line order."""
    text = (root / module).read_text()
    lines = text.splitlines()
    tree = ast.parse(text)
    skip = _skipped_nodes(tree)
    out = []
    for node in ast.walk(tree):
        if id(node) in skip or not hasattr(node, "lineno") or "no mutate" in lines[node.lineno - 1]:
            continue
        for description, replacement in _variants(node):
            start = (node.lineno, node.col_offset)
            end = (node.end_lineno or node.lineno, node.end_col_offset or 0)
            if isinstance(node, ast.If):  # only the header: `if test:`
                end = (node.test.end_lineno or node.lineno, (node.test.end_col_offset or 0) + 1)
            out.append(Mutant(module, node.lineno, description, lines[node.lineno - 1].strip(), start, end,
                              replacement))
    return sorted(out, key=lambda m: (m.line, m.start, m.description))


def apply(text: str, m: Mutant) -> str:
    """The module's text with one mutant in place (the node's source segment replaced)."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def at(pos: tuple[int, int]) -> int:
        line = lines[pos[0] - 1]
        return offsets[pos[0] - 1] + len(line.encode()[: pos[1]].decode())

    return text[: at(m.start)] + m.replacement + text[at(m.end):]


def load_equivalents() -> dict[tuple[str, str, str], str]:
    out = {}
    if EQUIVALENTS.exists():
        for row in EQUIVALENTS.read_text().splitlines():
            if row.strip() and not row.startswith("#"):
                module, description, source_line, reason = row.split("\t")
                out[(module, description, source_line)] = reason
    return out


@dataclass
class Outcome:
    mutant: Mutant
    status: str  # killed, survived, equivalent
    seconds: float


class Runner:
    """Runs mutants in private copies of the repository, one per job."""

    def __init__(self, jobs: int) -> None:
        self._free: list[Path] = []
        self._base = Path(tempfile.mkdtemp(prefix="pinsec-mutate-"))
        for i in range(jobs):
            copy_root = self._base / f"job{i}"
            shutil.copytree(ROOT, copy_root, ignore=shutil.ignore_patterns(
                ".git", ".venv", "__pycache__", ".hypothesis", ".mypy_cache", ".ruff_cache", ".benchmarks"))
            self._free.append(copy_root)

    @property
    def snapshot(self) -> Path:
        """A copy as it was taken (between mutants every copy is): mutants are found in it, not in the
        working tree, which may change while a long run goes on."""
        return self._base / "job0"

    def close(self) -> None:
        shutil.rmtree(self._base, ignore_errors=True)

    def _pytest(self, root: Path, targets: list[str], timeout: float) -> bool:
        """True when the tests pass (the mutant survived)."""
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"}
        try:
            done = subprocess.run([sys.executable, "-m", "pytest", *PYTEST, *targets], cwd=root, env=env,
                                  capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return False
        return done.returncode == 0

    def baseline(self, targets: list[str]) -> float:
        root = self._free[0]
        started = time.monotonic()
        if not self._pytest(root, targets, 1800):
            raise RuntimeError(f"the unmutated tests fail: {' '.join(targets)}")
        return time.monotonic() - started

    def run(self, m: Mutant, targets: list[str], timeout: float) -> bool:
        root = self._free.pop()
        path = root / m.module
        original = path.read_text()
        try:
            path.write_text(apply(original, m))
            return self._pytest(root, targets, timeout)
        finally:
            path.write_text(original)
            self._free.append(root)


def run_module(module: str, runner: Runner, jobs: int, equivalents: dict[tuple[str, str, str], str],
               full_suite: list[str] | None) -> list[Outcome]:
    targets = [*TARGETS[module], module]
    base = runner.baseline(targets)
    timeout = 3 * base + 10
    found = mutants(module, runner.snapshot)
    todo = [m for m in found if m.key not in equivalents]
    outcomes = [Outcome(m, "equivalent", 0.0) for m in found if m.key in equivalents]

    done = iter(range(1, len(todo) + 1))

    def one(m: Mutant) -> Outcome:
        started = time.monotonic()
        survived = runner.run(m, targets, timeout)
        if survived and full_suite is not None:  # the whole default suite gets a second chance to kill it
            survived = runner.run(m, full_suite, 20 * timeout)
        n = next(done)
        if n % 25 == 0 or n == len(todo):
            print(f"  {module}: {n}/{len(todo)} mutants run", file=sys.stderr, flush=True)
        return Outcome(m, "survived" if survived else "killed", time.monotonic() - started)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        outcomes += list(pool.map(one, todo))
    return sorted(outcomes, key=lambda o: (o.mutant.line, o.mutant.description))


def report(module: str, outcomes: list[Outcome]) -> tuple[int, int, int]:
    killed = sum(o.status == "killed" for o in outcomes)
    equivalent = sum(o.status == "equivalent" for o in outcomes)
    survivors = [o for o in outcomes if o.status == "survived"]
    counted = len(outcomes) - equivalent
    score = 100.0 * killed / counted if counted else 100.0
    print(f"{module}: {killed}/{counted} killed ({score:.1f}%), {equivalent} equivalent", flush=True)
    for o in survivors:
        print(f"  SURVIVED {module}:{o.mutant.line}: {o.mutant.description}: {o.mutant.source_line}", flush=True)
    return killed, counted, equivalent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutate", description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="core modules (default: all of TARGETS)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--list", action="store_true", help="list the mutants only")
    parser.add_argument("--json", help="write the report here")
    parser.add_argument("--quick", action="store_true",
                        help="no second chance against the whole suite: survivors of the module's own tests are "
                             "reported as such (to find where tests are missing; scores come from full runs)")
    args = parser.parse_args(argv)
    modules = args.modules or list(TARGETS)
    unknown = [m for m in modules if m not in TARGETS]
    if unknown:
        parser.error(f"not a core module: {', '.join(unknown)} (see TARGETS)")
    equivalents = load_equivalents()
    if args.list:
        for module in modules:
            for m in mutants(module):
                mark = "  (equivalent)" if m.key in equivalents else ""
                print(f"{module}:{m.line}: {m.description}: {m.source_line}{mark}")
        return 0
    runner = Runner(max(1, args.jobs))
    results: dict[str, list[dict[str, object]]] = {}
    below = []
    full_suite: list[str] | None = None if args.quick else ["tests", "pinsec", "docs"]
    try:
        # The second chance only means something if the unmutated whole suite passes here: a test that fails
        # for this environment's sake (a SIGINT ignored by a background job, say) would count every survivor
        # as killed.
        try:
            if full_suite is not None:
                runner.baseline(full_suite)
        except RuntimeError as exc:
            print(f"nothing measured: {exc}", flush=True)
            return 2
        for module in modules:
            try:
                outcomes = run_module(module, runner, max(1, args.jobs), equivalents, full_suite)
            except RuntimeError as exc:  # the copy's own tests fail: nothing to measure for this module
                print(f"{module}: not measured ({exc})", flush=True)
                below.append(module)
                continue
            killed, counted, _ = report(module, outcomes)
            if counted and killed < 0.95 * counted:
                below.append(module)
            results[module] = [{**asdict(o.mutant), "status": o.status} for o in outcomes]
    finally:
        runner.close()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    print("every module at 95% or more" if not below else f"below 95%: {', '.join(below)}")
    return 0 if not below else 1


if __name__ == "__main__":
    raise SystemExit(main())
