"""HTTP/1.1 for the AWS endpoint: h11 (a sans-IO parser with no dependencies of its own) under stdlib
asyncio, keep-alive, a body limit, and a 400 for what h11 refuses to parse. The application is a plain
function from :class:`HttpRequest` to :class:`HttpResponse`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

import h11

from .._serving import StreamServer

__all__ = ["HttpRequest", "HttpResponse", "HttpServer"]

_log = logging.getLogger("pinsec.aws")
#: The largest request body taken (the service's largest field, EncryptData's 4,096 hex digits, is far less).
MAX_BODY: Final = 1 << 20


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)


App = Callable[[HttpRequest], HttpResponse]


class HttpServer(StreamServer):
    """Serves ``app`` over HTTP/1.1 (optionally TLS) on many keep-alive connections."""

    def __init__(self, app: App, *, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(tls=tls)
        self._app = app

    async def start(self, host: str = "127.0.0.1", port: int = 4566) -> tuple[str, int]:
        return await super().start(host, port)

    async def serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Requests in, responses out, while the connection is kept alive; a 400 for what h11 refuses."""
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=64 * 1024)
        try:
            while True:
                request = await self._read(conn, reader)
                if request is None:
                    return
                await self._send(conn, writer, self._app(request))
                if conn.our_state is h11.MUST_CLOSE or conn.their_state is h11.MUST_CLOSE:
                    return
                conn.start_next_cycle()
        except h11.RemoteProtocolError as exc:
            with contextlib.suppress(Exception):
                await self._send(conn, writer, HttpResponse(exc.error_status_hint, b""))

    @staticmethod
    async def _read(conn: h11.Connection, reader: asyncio.StreamReader) -> HttpRequest | None:
        head: h11.Request | None = None
        body = bytearray()
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                data = await reader.read(65536)
                conn.receive_data(data)
                if not data and head is None and conn.their_state is h11.IDLE:
                    return None
                continue
            if isinstance(event, h11.ConnectionClosed):
                return None
            if isinstance(event, h11.Request):
                head = event
            elif isinstance(event, h11.Data):
                body += event.data
                if len(body) > MAX_BODY:
                    raise h11.RemoteProtocolError("request body too large", error_status_hint=413)
            elif isinstance(event, h11.EndOfMessage):
                assert head is not None
                headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in head.headers}
                path = head.target.decode("latin-1").split("?", 1)[0]
                return HttpRequest(head.method.decode("ascii"), path, headers, bytes(body))

    @staticmethod
    async def _send(conn: h11.Connection, writer: asyncio.StreamWriter, response: HttpResponse) -> None:
        headers = [*response.headers, ("Content-Length", str(len(response.body))), ("Server", "pinsec")]
        writer.write(conn.send(h11.Response(status_code=response.status, headers=headers)) or b"")
        if response.body:
            writer.write(conn.send(h11.Data(data=response.body)) or b"")
        writer.write(conn.send(h11.EndOfMessage()) or b"")
        await writer.drain()
