"""Running a network front end on its own event loop in a background thread (tests, demos, benchmarks)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

__all__ = ["Connections", "RunningServer", "Startable", "running"]


class Connections:
    """The open client connections of a server, so that closing it ends them all at once (a TLS peer
    that never answers the closing handshake included)."""

    def __init__(self) -> None:
        self._open: dict[asyncio.Task[None], asyncio.StreamWriter] = {}

    def add(self, writer: asyncio.StreamWriter) -> asyncio.Task[None]:
        task = asyncio.current_task()
        assert task is not None
        self._open[task] = writer
        return task

    async def finish(self, task: asyncio.Task[None], writer: asyncio.StreamWriter) -> None:
        """A connection's own end: close it, waiting a moment for the peer (TLS), then abort."""
        self._open.pop(task, None)
        writer.close()
        try:
            await asyncio.wait_for(writer.wait_closed(), timeout=1)
        except (OSError, asyncio.TimeoutError, asyncio.CancelledError):
            writer.transport.abort()

    async def close_all(self) -> None:
        for task, writer in list(self._open.items()):
            writer.transport.abort()
            task.cancel()
        await asyncio.gather(*self._open, return_exceptions=True)
        self._open.clear()


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
