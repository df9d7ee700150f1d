"""Load: 8 connections, 1,000 mixed requests each, all in flight before any answer is read; every
answer comes back on its own connection, in order, under its own header, with the right content."""

from __future__ import annotations

from pinsec.payshield import RunningServer

from ..threads import run_in_threads
from . import vectors as v
from .client import Client

_MIX = [
    ("NC", "ND", None),
    ("CA" + v.CA[0], "CB", v.CA[1]),
    ("BU" + v.BU[1][0], "BV", v.BU[1][1]),
    ("CW" + v.CW[0][0], "CX", v.CW[0][1]),
    ("B20004ping", "B3", "ping"),
    ("CC" + v.ZPK + "U" + "0" * 32 + "12" + v.ZPK_BLOCK_1234 + "0101" + v.ACCOUNT_1234, "CD", ""),  # an error
]


def test_eight_connections_a_thousand_requests_each(server: RunningServer) -> None:
    def one(n: int) -> list[str]:
        failures = []
        with Client((server.host, server.port)) as c:
            for i in range(1000):
                c.send(_MIX[(n + i) % len(_MIX)][0], header=f"{n}{i:03d}")
            for i in range(1000):
                _, reply, expected = _MIX[(n + i) % len(_MIX)]
                rc, err, fields = c.recv(header=f"{n}{i:03d}")
                if rc != reply or (expected is not None and fields != expected) or (expected != "" and err != "00"):
                    failures.append(f"connection {n} request {i}: {rc} {err} {fields}")
        return failures

    failures = run_in_threads(one, 8)
    assert not failures, failures[:5]
