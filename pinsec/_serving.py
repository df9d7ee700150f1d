"""Running a network front end on its own event loop in a background thread (tests, demos, benchmarks)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

__all__ = ["RunningServer", "Startable", "running"]


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
