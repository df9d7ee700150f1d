"""A payShield host client written from the wire format (payShield host command manuals, "Message
format"): 2-byte big-endian length, header, command code and fields; not pinsec's server classes."""

from __future__ import annotations

import socket


class Client:
    """One TCP connection; ``call`` sends a command and returns (response code, error code, fields)."""

    def __init__(self, address: tuple[str, int], header: str = "0000") -> None:
        self.sock = socket.create_connection(address, timeout=10)
        self.header = header

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send_raw(self, payload: bytes) -> None:
        self.sock.sendall(len(payload).to_bytes(2, "big") + payload)

    def _exactly(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("server closed the connection")
            data += chunk
        return data

    def recv_raw(self) -> bytes:
        return self._exactly(int.from_bytes(self._exactly(2), "big"))

    def send(self, command: str, header: str | None = None) -> None:
        self.send_raw(((self.header if header is None else header) + command).encode("latin-1"))

    def recv(self, header: str | None = None) -> tuple[str, str, str]:
        text = self.recv_raw().decode("latin-1")
        h = self.header if header is None else header
        assert text.startswith(h), f"header not echoed: {text!r}"
        body = text[len(h):]
        return body[:2], body[2:4], body[4:]

    def call(self, command: str) -> tuple[str, str, str]:
        self.send(command)
        return self.recv()
