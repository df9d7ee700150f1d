"""Running a network front end on its own event loop in a background thread (tests, demos, benchmarks)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

__all__ = ["RunningServer", "Startable", "StreamServer", "running"]


class StreamServer:
    """A TCP server (TLS with ``tls``) serving each connection in :meth:`serve_connection`; closing it
    stops listening and ends every open connection at once, a TLS peer that never answers the closing
    handshake included."""

    def __init__(self, *, tls: ssl.SSLContext | None = None) -> None:
        self._tls = tls
        self._server: asyncio.Server | None = None
        self._open: dict[asyncio.Task[None], asyncio.StreamWriter] = {}
        self._tasks: set[asyncio.Task[None]] = set()  # every connection's task, until its socket is closed

    async def start(self, host: str, port: int) -> tuple[str, int]:
        """Listen; the (host, port) actually bound (port 0 picks a free one)."""
        self._server = await asyncio.start_server(self._client, host, port, ssl=self._tls)
        address = self._server.sockets[0].getsockname()
        return address[0], address[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        await asyncio.sleep(0)  # a connection accepted just before closing gets its task running
        while self._tasks:
            for task in list(self._tasks):
                writer = self._open.get(task)
                if writer is not None:
                    writer.transport.abort()
                task.cancel()
            # includes the tasks already closing their socket: none is left pending when the loop ends
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await asyncio.sleep(0)
        self._open.clear()

    async def serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._open[task] = writer
        try:
            await self.serve_connection(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass  # the client went away (mid-message too) or the server is closing
        finally:
            self._open.pop(task, None)
            writer.close()
            try:
                await asyncio.wait_for(writer.wait_closed(), timeout=1)
            except (OSError, asyncio.TimeoutError, asyncio.CancelledError):
                writer.transport.abort()
            finally:
                self._tasks.discard(task)


class Startable(Protocol):
    """A front end: listen, and end every connection."""

    async def start(self, host: str, port: int) -> tuple[str, int]: ...

    async def close(self) -> None: ...


@dataclass(frozen=True)
class RunningServer:
    """A server running in a background thread: where it listens."""

    host: str
    port: int

    @property
    def url(self) -> str:
        """``http://host:port`` (what an HTTP client's ``endpoint_url`` takes)."""
        return f"http://{self.host}:{self.port}"


@contextlib.contextmanager
def running(server: Startable, host: str = "127.0.0.1", port: int = 0) -> Iterator[RunningServer]:
    """Run ``server`` on its own event loop in a background thread for the ``with`` block."""
    loop = asyncio.new_event_loop()
    started: concurrent.futures.Future[tuple[str, int]] = concurrent.futures.Future()
    stop = asyncio.Event()

    async def main() -> None:
        try:
            started.set_result(await server.start(host, port))
        except Exception as exc:  # bind errors of every kind reach the caller, not the thread
            started.set_exception(exc)
            return
        await stop.wait()
        await server.close()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), name="pinsec-server", daemon=True)
    thread.start()
    try:
        yield RunningServer(*started.result(timeout=10))
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=10)
        loop.close()
