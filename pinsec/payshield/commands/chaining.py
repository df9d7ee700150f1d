"""NK: command chaining, many host commands in one message, answered in one message.

The layout (ThalesSim's NK, from the payShield manuals): header flag (1 N: ``0`` the chained commands
carry no message header, ``1`` each carries one of the server's header length), number of commands (2 N,
01-99), then per command its length (4 N) and the command (header, code, fields). The answer: the number of
commands, then per command the length (4 N) of its response and the response (header, response code,
error code, fields), exactly as the command alone would have been answered. A chained command that fails
fails alone; NK's own error code is ``51`` for a bad header flag, ``52`` for a bad number of commands, ``15``
when the lengths do not cover the message, ``68`` for an NK inside an NK."""

from __future__ import annotations

from ..fields import CommandError
from ..request import Request
from .registry import command


@command("NK", binary=True)
def nk(req: Request) -> str:
    """Header flag, number of commands, then (length, command) for each. The number and the responses."""
    from ..wire import answer  # the dispatcher, which imports this module's registry

    f = req.fields
    flag = f.text(1, "header flag")
    if flag not in ("0", "1"):
        raise CommandError("51", "header flag")
    count = f.text(2, "number of commands")
    if not count.isdigit() or count == "00":  # 01-99
        raise CommandError("52", "number of commands")
    header_length = req.header_length if flag == "1" else 0
    chained = []
    for _ in range(int(count)):
        message = f.text(f.number(4, "chained command length"), "chained command")
        if message[header_length:header_length + 2] == "NK":
            raise CommandError("68", "an NK inside an NK")
        chained.append(message.encode("latin-1"))
    f.end()
    responses = [answer(req.hsm, message, header_length).decode("latin-1") for message in chained]
    return count + "".join(f"{len(r):04d}{r}" for r in responses)
