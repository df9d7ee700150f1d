"""The payShield host message: a 2-byte big-endian length, a header of the configured length (echoed),
the command code, the fields, and an optional X'19 + trailer; the response carries the header, the
response code (the command code with its second character incremented), a 2-digit error code, the
response fields and the trailer if one came."""

from __future__ import annotations

import logging

from ..errors import PinsecError
from ..hsm import Hsm
from .commands import BINARY, COMMANDS
from .errors import error_code
from .fields import CommandError
from .request import Request

__all__ = ["answer", "frame", "response_code"]

_log = logging.getLogger("pinsec.payshield")


def response_code(command: str) -> str:
    """``A0`` -> ``A1``, ``NC`` -> ``ND``: the second character incremented."""
    return command[0] + chr(ord(command[1]) + 1)


def frame(payload: bytes) -> bytes:
    """``payload`` with its 2-byte big-endian length in front."""
    return len(payload).to_bytes(2, "big") + payload


def _trailer(body: str) -> str | None:
    """The trailer of a command that failed before its fields were all read (best effort)."""
    at = body.rfind("\x19")
    return None if at < 0 or len(body) - at - 1 > 32 else body[at + 1:]


def _failed_trailer(code: str, request: Request, body: str) -> str | None:
    """The trailer to echo with an error: the one the fields reached, else a guess from the end of the
    body; none for a command whose binary fields may hold X'19 anywhere."""
    if request.fields.trailer is not None:
        return request.fields.trailer
    return None if code in BINARY else _trailer(body)


def answer(hsm: Hsm, message: bytes, header_length: int) -> bytes:
    """The response message (without its length prefix) to one command message (without its prefix).

    Never raises: a message too short for a header and command code gets response code ``ZZ`` and error
    ``15``; an unknown command its response code and ``68``; an unexpected failure ``41`` (logged).
    """
    header = message[:header_length]
    text = message[header_length:].decode("latin-1")
    code = text[:2]
    if len(message) < header_length + 2 or not code.isascii() or not code.isalnum():
        return header + b"ZZ15"
    reply = response_code(code)
    handler = COMMANDS.get(code)
    body = text[2:]
    if handler is None:
        error: str = "68"
        fields, trailer = "", _trailer(body)
        return _reply(header, reply, error, fields, trailer)
    request = Request(hsm, body, header_length)
    try:
        fields = handler(request)
        error, trailer = "00", request.fields.trailer
    except CommandError as exc:  # the reason names a field, never its value: for integrators, at debug level
        _log.debug("host command %s answered %s: %s", code, exc.code, exc)
        error, fields, trailer = exc.code, "", _failed_trailer(code, request, body)
    except PinsecError as exc:
        error, fields, trailer = error_code(exc), "", _failed_trailer(code, request, body)
    except Exception:  # never let one command take the server down
        _log.exception("host command %s failed unexpectedly", code)
        error, fields, trailer = "41", "", _failed_trailer(code, request, body)
    finally:
        request.close()
    return _reply(header, reply, error, fields, trailer)


def _reply(header: bytes, reply: str, error: str, fields: str, trailer: str | None) -> bytes:
    suffix = "" if trailer is None else "\x19" + trailer
    return header + (reply + error + fields + suffix).encode("latin-1")
