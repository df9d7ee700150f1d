"""Test-vector files: the project's JSON schema and the runner that checks them against pinsec.

A vectors file is one JSON object::

    {
      "schema": "pinsec-vectors/1",
      "topic": "ISO 9564-1 PIN blocks",
      "vectors": [
        {
          "id": "iso0-1",
          "operation": "pinblock.encode",
          "source": ["ANSI X9.24-1:2009 Annex A.4"],
          "pin": "1234", "pan": "4012345678909", "format": 0,
          "expected": {"block": "041274EDCBA9876F"}
        }
      ]
    }

``operation`` names a function registered with :func:`operation`; it receives the vector's input fields
(every key but ``id``, ``operation``, ``source``, ``note`` and ``expected``) and returns a dict of outputs.
Every key of ``expected`` must be in that dict with an equal value (hex compared without regard to case).
``"expected": {"error": "PinBlockError"}`` says the input must be refused with that pinsec error class.
Every vector carries its own ``source``.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import errors
from .errors import DataError, PinsecError

__all__ = ["SCHEMA", "Result", "check_file", "check_vector", "load", "operation", "operations"]

SCHEMA = "pinsec-vectors/1"
_META = frozenset({"id", "operation", "source", "note", "expected"})

Operation = Callable[[Mapping[str, Any]], dict[str, Any]]

_REGISTRY: dict[str, Operation] = {}


def operation(name: str) -> Callable[[Operation], Operation]:
    """Register ``fn`` as the runner of vectors whose ``operation`` is ``name``."""

    def register(fn: Operation) -> Operation:
        if name in _REGISTRY:
            raise RuntimeError(f"vector operation {name!r} registered twice")
        _REGISTRY[name] = fn
        return fn

    return register


def operations() -> dict[str, Operation]:
    """All registered operations, by name."""
    from . import _vector_ops

    for module in pkgutil.iter_modules(_vector_ops.__path__):
        importlib.import_module(f"{_vector_ops.__name__}.{module.name}")
    return dict(_REGISTRY)


@dataclass(frozen=True)
class Result:
    """The outcome of one vector: ``ok``, and a reason when not."""

    file: str
    id: str
    operation: str
    ok: bool
    reason: str = ""


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, str) and isinstance(actual, str):
        return expected.upper() == actual.upper()
    return bool(expected == actual)


class _Recording(dict[str, Any]):
    """The vector's inputs, remembering which fields the operation read."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        super().__init__(data)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.read.add(key)
        return super().__contains__(key)


def check_vector(vector: Mapping[str, Any], *, file: str = "") -> Result:
    """Run one vector and compare its outputs with ``expected``."""
    vid = str(vector.get("id", "?"))
    name = str(vector.get("operation", ""))
    ops = operations()
    if name not in ops:
        return Result(file, vid, name, False, f"unknown operation {name!r}")
    if not vector.get("source"):
        return Result(file, vid, name, False, "vector has no source")
    expected: Mapping[str, Any] = vector.get("expected", {})
    inputs = _Recording({k: v for k, v in vector.items() if k not in _META})
    try:
        actual = ops[name](inputs)
    except PinsecError as exc:
        want = expected.get("error")
        if want is not None and isinstance(exc, getattr(errors, str(want), ())):
            return Result(file, vid, name, True)
        return Result(file, vid, name, False, f"raised {type(exc).__name__} ({exc.code}): {exc}")
    if "error" in expected:
        return Result(file, vid, name, False, f"expected {expected['error']}, got a result")
    unread = sorted(set(inputs) - inputs.read)
    if unread:  # a field the operation never looked at: a typo, or an input the vector thinks matters
        return Result(file, vid, name, False, f"unknown field {unread[0]!r} for {name}")
    for key, want in expected.items():
        if key not in actual:
            return Result(file, vid, name, False, f"operation gives no output {key!r}")
        if not _same(want, actual[key]):
            return Result(file, vid, name, False, f"{key} differs from the expected value")
    return Result(file, vid, name, True)


def load(path: str | Path) -> list[dict[str, Any]]:
    """Read a vectors file and return its vectors, checking the schema."""
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{p}: cannot read a JSON vectors file ({type(exc).__name__})", field="file") from exc
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA or not isinstance(doc.get("vectors"), list):
        raise DataError(f"{p}: not a {SCHEMA} file (schema and vectors list required)", field="file")
    return list(doc["vectors"])


def check_file(path: str | Path) -> list[Result]:
    """Check every vector of one file."""
    return [check_vector(v, file=str(path)) for v in load(path)]


def builtin_folder() -> Path:
    """The published vector files that come with pinsec: beside the package in a checkout, or where the
    wheel installed them (``<prefix>/share/pinsec/vectors``)."""
    import sys

    for candidate in (Path(__file__).resolve().parent.parent / "vectors", Path(sys.prefix) / "share" / "pinsec" /
                      "vectors"):
        if candidate.is_dir() and any(candidate.glob("*.json")):
            return candidate
    from .errors import DataError

    raise DataError("the built-in vector files are not installed with this pinsec", code="no_builtin_vectors",
                    field="builtin")


def check_paths(paths: Iterable[str | Path]) -> list[Result]:
    """Check files and the ``*.json`` files of directories."""
    results: list[Result] = []
    for path in paths:
        p = Path(path)
        files = sorted(p.glob("*.json")) if p.is_dir() else [p]
        for f in files:
            results.extend(check_file(f))
    return results
