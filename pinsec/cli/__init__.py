"""The ``pinsec`` command line.

Each capability registers its sub-commands from a module of this package: every module here with a
``register(subparsers)`` function is found and registered, in the order of its ``ORDER`` (default 50).
A handler returns an :class:`Output`; ``main`` prints it as text, or as JSON with ``--json``. Any
:class:`~pinsec.errors.PinsecError` becomes one line on stderr and exit status 2 (with ``--json`` also an
object ``{"error", "code", "field"}`` on stdout); so does a usage error, a closed output pipe, an OS error
and SIGTERM. Ctrl-C is one line and exit status 130. Never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import pkgutil
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from ..errors import PinsecError

__all__ = [
    "Output",
    "Parser",
    "add_command",
    "add_group",
    "add_positional_or_option",
    "ascii_int",
    "create_secret_file",
    "main",
    "pin_value",
    "positional_or_option",
    "positive_int",
]


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


def pin_value(text: str) -> str:
    """The PIN from ``--pin``, or the first line of stdin with ``--pin -`` (keeps it out of shell history)."""
    return sys.stdin.readline().strip() if text == "-" else str(text)


def add_positional_or_option(parser: Parser, name: str, help: str) -> None:
    """``NAME`` as the first argument or as ``--name`` (one vocabulary: every command names it the same)."""
    parser.add_argument(name, nargs="?", help=f"{help} (or --{name})")
    parser.add_argument(f"--{name}", dest=f"{name}_option", metavar=name.upper(), help=help)


def positional_or_option(args: argparse.Namespace, name: str) -> str:
    value = getattr(args, f"{name}_option", None) or getattr(args, name, None)
    if not value:
        from ..errors import DataError

        raise DataError(f"give the {name}: as the first argument or with --{name}", code="missing_argument",
                        field=name)
    return str(value)


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1 (a count of zero would silently do nothing)."""
    value = ascii_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        if message.startswith("the following arguments are required") and any(
                isinstance(a, argparse._SubParsersAction) for a in self._actions):
            self.print_help(sys.stderr)  # a bare group: show its commands
            raise SystemExit(2)
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


def add_group(sub: argparse._SubParsersAction[Parser], name: str, help: str) -> argparse._SubParsersAction[Parser]:
    """A command group (``pinsec NAME ACTION``); its leaves are added with :func:`add_command`."""
    group = sub.add_parser(name, help=help, description=help)
    return group.add_subparsers(dest="action", required=True, parser_class=Parser)


def create_secret_file(path: str, text: str) -> str:
    """Write ``text`` to a new file only its owner can read (mode 600, whatever the umask); an existing file
    is never overwritten (keys under an old LMK would be lost). The absolute path."""
    from ..errors import DataError

    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise DataError("--out names a file that exists; an LMK file is never overwritten (keys under the old "
                        "LMK would be lost)", code="file_exists", field="out") from None
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot create the --out file ({getattr(exc, 'strerror', None) or type(exc).__name__})",
                        code="io_error", field="out") from None
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(text)
    os.chmod(path, 0o600)
    return os.path.abspath(path)


def build_parser() -> Parser:
    from .. import __version__

    parser = Parser(prog="pinsec", description="Payment HSM functions: PIN blocks, DUKPT, TR-31, an HSM.",
                    epilog="Run 'pinsec COMMAND --help' for a command's options; docs/cli.md lists them all.")
    parser.add_argument("--json", action="store_true", help="print results, and errors, as JSON")
    parser.add_argument("--version", action="version", version=f"pinsec {__version__}", help="print the version")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for module in _command_modules():
        module.register(sub)
    _add_examples(parser, ())
    return parser


def _add_examples(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
    """Every command's ``--help`` ends with an example (``pinsec.cli.examples``)."""
    from .examples import EXAMPLES

    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        example = EXAMPLES.get(path)
        if example is not None:
            parser.epilog = f"example:\n  pinsec {' '.join(path)} {example}".rstrip()
            parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return
    for name, child in subs[0].choices.items():
        _add_examples(child, (*path, name))


class _Terminated(Exception):
    """SIGTERM, raised in the main thread so that cleanup runs as for Ctrl-C."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated


def _fail(args: argparse.Namespace | None, code: str, message: str, field: str | None = None) -> None:
    """One line on stderr; with --json also the error as a JSON object on stdout."""
    print(f"pinsec: error: {code}: {message}", file=sys.stderr)
    if args is not None and getattr(args, "json", False):
        with contextlib.suppress(OSError):
            print(json.dumps({"error": message, "code": code, "field": field}, sort_keys=True))


def _usage(parser: argparse.ArgumentParser, argv: Sequence[str]) -> int:
    """Bare ``pinsec`` or ``pinsec GROUP``: the usage with the commands listed, exit status 2."""
    target = parser
    for word in argv:
        choices = next((a.choices for a in target._actions if isinstance(a, argparse._SubParsersAction)), None)
        if not isinstance(choices, dict) or word not in choices:
            break
        target = choices[word]
    target.print_help(sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 done, 1 done with failures or rejects, 2 error or
    usage, 130 interrupted by Ctrl-C)."""
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(words)
    except SystemExit as stop:  # a usage error (one line already printed), --help or --version
        return stop.code if isinstance(stop.code, int) else 2
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        return _usage(parser, [w for w in words if not w.startswith("-")])
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if _main_thread() else None
    try:
        out = handler(args)
        if args.json:
            print(json.dumps(out.data, indent=2, sort_keys=True))
        elif out.text:
            print(out.text)
        sys.stdout.flush()
    except PinsecError as exc:
        _fail(args, exc.code, str(exc), exc.field)
        return 2
    except BrokenPipeError:  # the reader went away (`pinsec ... | head -1`): stop quietly, say so once
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print("pinsec: error: broken_pipe: the output was closed before everything was written", file=sys.stderr)
        return 2
    except OSError as exc:  # a file the library did not wrap: still one line, no traceback
        _fail(args, "io_error", exc.strerror or type(exc).__name__)
        return 2
    except KeyboardInterrupt:
        print(f"pinsec: interrupted{getattr(args, 'interrupt_hint', '')}", file=sys.stderr)
        return 130
    except _Terminated:
        print(f"pinsec: error: terminated{getattr(args, 'interrupt_hint', '')}", file=sys.stderr)
        return 2
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return out.exit_code


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
