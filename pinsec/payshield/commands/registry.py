"""The table of host command handlers, filled by the command modules as they are imported."""

from __future__ import annotations

from collections.abc import Callable

from ..request import Request

__all__ = ["BINARY", "COMMANDS", "Handler", "command"]

#: A handler reads its fields from the request and returns the response fields after the error code, or
#: raises :class:`~pinsec.payshield.fields.CommandError` or a pinsec error.
Handler = Callable[[Request], str]
COMMANDS: dict[str, Handler] = {}
#: Commands with binary fields: any byte, X'19 included, may come before the trailer.
BINARY: set[str] = set()


def command(code: str, *, binary: bool = False) -> Callable[[Handler], Handler]:
    """Register the handler of host command ``code`` (``binary``: its fields hold raw bytes)."""
    def register(handler: Handler) -> Handler:
        COMMANDS[code] = handler
        if binary:
            BINARY.add(code)
        return handler

    return register
