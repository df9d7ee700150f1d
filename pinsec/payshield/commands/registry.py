"""The table of host command handlers, filled by the command modules as they are imported."""

from __future__ import annotations

from collections.abc import Callable

from ..request import Request

__all__ = ["COMMANDS", "Handler", "command"]

#: A handler reads its fields from the request and returns the response fields after the error code, or
#: raises :class:`~pinsec.payshield.fields.CommandError` or a pinsec error.
Handler = Callable[[Request], str]
COMMANDS: dict[str, Handler] = {}


def command(code: str) -> Callable[[Handler], Handler]:
    """Register the handler of host command ``code``."""
    def register(handler: Handler) -> Handler:
        COMMANDS[code] = handler
        return handler

    return register
