"""The payShield host-command server: asyncio over TCP (optionally TLS), many connections, requests
pipelined on each (answered in order, so a client matches them by header), a slow or silent client
holding up only its own connection."""

from __future__ import annotations

import asyncio
import logging
import ssl

from .._serving import StreamServer
from ..errors import DataError
from ..hsm import Hsm
from .wire import answer, frame

__all__ = ["PayShieldServer"]

_log = logging.getLogger("pinsec.payshield")


class PayShieldServer(StreamServer):
    """Answers payShield host commands with ``hsm`` (whose backend holds the variant LMK)."""

    def __init__(self, hsm: Hsm, *, header_length: int = 4, tls: ssl.SSLContext | None = None) -> None:
        if isinstance(header_length, bool) or not isinstance(header_length, int) or not 0 <= header_length <= 255:
            raise DataError("header length is 0 to 255 characters", field="header_length")
        super().__init__(tls=tls)
        self.hsm = hsm
        self.header_length = header_length

    async def start(self, host: str = "127.0.0.1", port: int = 1500) -> tuple[str, int]:
        address = await super().start(host, port)
        _log.info("payShield host commands on %s:%d (header %d)", address[0], address[1], self.header_length)
        return address

    async def serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Frames in, answers out, in order, until the client goes."""
        while True:
            size = int.from_bytes(await reader.readexactly(2), "big")
            message = await reader.readexactly(size)
            writer.write(frame(answer(self.hsm, message, self.header_length)))
            await writer.drain()
