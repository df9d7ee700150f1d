"""The payShield host-command server: asyncio over TCP (optionally TLS), many connections, requests
pipelined on each (answered in order, so a client matches them by header), a slow or silent client
holding up only its own connection."""

from __future__ import annotations

import asyncio
import logging
import ssl

from .._serving import Connections
from ..errors import DataError
from ..hsm import Hsm
from .wire import answer, frame

__all__ = ["PayShieldServer"]

_log = logging.getLogger("pinsec.payshield")


class PayShieldServer:
    """Answers payShield host commands with ``hsm`` (whose backend holds the variant LMK)."""

    def __init__(self, hsm: Hsm, *, header_length: int = 4, tls: ssl.SSLContext | None = None) -> None:
        if isinstance(header_length, bool) or not isinstance(header_length, int) or not 0 <= header_length <= 255:
            raise DataError("header length is 0 to 255 characters", field="header_length")
        self.hsm = hsm
        self.header_length = header_length
        self._tls = tls
        self._server: asyncio.Server | None = None
        self._connections = Connections()

    async def start(self, host: str = "127.0.0.1", port: int = 1500) -> tuple[str, int]:
        """Listen; the (host, port) actually bound (port 0 picks a free one)."""
        self._server = await asyncio.start_server(self._client, host, port, ssl=self._tls)
        address = self._server.sockets[0].getsockname()
        _log.info("payShield host commands on %s:%d (header %d)", address[0], address[1], self.header_length)
        return address[0], address[1]

    async def serve_forever(self) -> None:
        assert self._server is not None
        async with self._server:
            await self._server.serve_forever()

    async def close(self) -> None:
        """Stop listening and end every connection."""
        if self._server is not None:
            self._server.close()
        await self._connections.close_all()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        task = self._connections.add(writer)
        try:
            while True:
                size = int.from_bytes(await reader.readexactly(2), "big")
                message = await reader.readexactly(size)
                writer.write(frame(answer(self.hsm, message, self.header_length)))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass  # the client went away (mid-frame too) or the server is closing: nothing can be answered
        finally:
            await self._connections.finish(task, writer)
            _log.debug("client %s gone", peer)
