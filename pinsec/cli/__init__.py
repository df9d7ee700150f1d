"""The ``pinsec`` command line.

Each capability registers its sub-commands from a module of this package: every module here with a
``register(subparsers)`` function is found and registered, in the order of its ``ORDER`` (default 50).
A handler returns an :class:`Output`; ``main`` prints it as text, or as JSON with ``--json``. Any
:class:`~pinsec.errors.PinsecError` becomes one line on stderr and exit status 2; so does a usage error.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from ..errors import PinsecError

__all__ = ["Output", "Parser", "add_command", "ascii_int", "main"]


def _command_modules() -> list[Any]:
    """Every module of this package that registers sub-commands, in ``ORDER`` then name order."""
    modules = [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)]
    found = [m for m in modules if hasattr(m, "register")]
    return sorted(found, key=lambda m: (getattr(m, "ORDER", 50), m.__name__))


@dataclass
class Output:
    """What a command prints: ``text`` for people, ``data`` for ``--json``."""

    text: str
    data: dict[str, Any] = field(default_factory=dict)
    exit_code: int = 0


Handler = Callable[[argparse.Namespace], Output]


def ascii_int(text: str) -> int:
    """An argparse type: a whole number written with ASCII digits only (``int`` also takes other scripts'
    digits, e.g. Arabic-Indic, which no payment field allows).

    >>> ascii_int("12"), ascii_int("-1")
    (12, -1)
    >>> ascii_int("\u0663")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: not a whole number in ASCII digits
    """
    body = text[1:] if text[:1] == "-" else text
    if not body or not body.isascii() or not body.isdigit():
        raise argparse.ArgumentTypeError("not a whole number in ASCII digits")
    return int(text)


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: usage: {message}", file=sys.stderr)
        raise SystemExit(2)


def add_command(
    sub: argparse._SubParsersAction[Parser], name: str, handler: Handler, help: str
) -> Parser:
    """Add a leaf command that runs ``handler``; ``--json`` is accepted after it too."""
    parser = sub.add_parser(name, help=help, description=help)
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    parser.set_defaults(handler=handler)
    return parser


def build_parser() -> Parser:
    parser = Parser(prog="pinsec", description="Payment HSM functions: PIN blocks, DUKPT, TR-31, an HSM.")
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for module in _command_modules():
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # a usage error (one line already printed) or --help
        return stop.code if isinstance(stop.code, int) else 2
    handler: Handler = args.handler
    try:
        out = handler(args)
    except PinsecError as exc:
        print(f"pinsec: error: {exc.code}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file the library did not wrap: still one line, no traceback
        print(f"pinsec: error: io_error: {exc.strerror or type(exc).__name__}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(out.data, indent=2, sort_keys=True))
    elif out.text:
        print(out.text)
    return out.exit_code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
