"""payShield host commands: requests/s through a real TCP socket (one connection, pipelined 100 at a
time) against the same command answered in-process by ``pinsec.payshield.answer`` (no network, no
framing): the ratio is what the server and the loopback cost. NC carries no key; CA imports two keys,
translates a PIN block and destroys the keys (ThalesSim's double-length CA example)."""

from __future__ import annotations

import atexit
import contextlib
import socket
from collections.abc import Callable

from pinsec.payshield import PayShieldServer, answer, hsm_in_test_mode, running
from rows import Row

_CA = (b"0000CAU8463435FC4B4DAA0C49025272C29B12CU1EF828AA8F6B80EB83E19FBC373F3A85126428EB94035AF53B0101"
       b"550000025321")
_NC = b"0000NC"
_stack = contextlib.ExitStack()
_hsm = hsm_in_test_mode()
_at = _stack.enter_context(running(PayShieldServer(hsm_in_test_mode())))
_sock = _stack.enter_context(socket.create_connection((_at.host, _at.port)))
atexit.register(_stack.close)


def _recv(n: int) -> None:
    got = 0
    buffer = b""
    while got < n:
        chunk = _sock.recv(65536)
        if not chunk:
            raise ConnectionError("server went away")
        buffer += chunk
        while len(buffer) >= 2 and len(buffer) >= 2 + int.from_bytes(buffer[:2], "big"):
            buffer = buffer[2 + int.from_bytes(buffer[:2], "big"):]
            got += 1


def _over_tcp(message: bytes) -> Callable[[int], None]:
    framed = len(message).to_bytes(2, "big") + message

    def run(n: int) -> None:
        for start in range(0, n, 100):
            k = min(100, n - start)
            _sock.sendall(framed * k)
            _recv(k)

    return run


def _in_process(message: bytes) -> Callable[[int], None]:
    def run(n: int) -> None:
        for _ in range(n):
            answer(_hsm, message, 4)

    return run


ROWS = [
    Row("payShield NC (diagnostics) requests", "pinsec server over TCP", _over_tcp(_NC), n=5000),
    Row("payShield NC (diagnostics) requests", "in-process answer(), no network", _in_process(_NC), n=5000),
    Row("payShield CA (TPK to ZPK) requests", "pinsec server over TCP", _over_tcp(_CA), n=3000),
    Row("payShield CA (TPK to ZPK) requests", "in-process answer(), no network", _in_process(_CA), n=3000),
]
