"""The wire protocol through real sockets: header echo, response codes, trailer, LMK identifier,
pipelining, malformed frames, and a slow or dead client never holding up another."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from pinsec.payshield import PayShieldServer, RunningServer, hsm_in_test_mode, running

from .client import Client


def test_header_is_echoed_whatever_it_holds(client: Client) -> None:
    for header in ("0000", "ABCD", "  9 ", "\x00\xff\x19%"):
        client.send("B20002OK", header)
        assert client.recv(header) == ("B3", "00", "OK")


def test_response_code_is_the_command_code_plus_one(client: Client) -> None:
    assert client.call("NC")[0] == "ND"
    assert client.call("B20000")[0] == "B3"
    assert client.call("A0")[0] == "A1"


def test_trailer_and_lmk_identifier(client: Client) -> None:
    assert client.call("B20002OK%00\x19trailer-32") == ("B3", "00", "OK\x19trailer-32")
    assert client.call("NC\x19t") == ("ND", "00", client.call("NC")[2] + "\x19t")
    # 00 names the variant LMK and 01 the key-block LMK, as github:softwaregroup-bg/ut-codec-payshield's key
    # block requests end in %01; other identifiers are not loaded
    assert client.call("NC%01")[:2] == ("ND", "00")
    assert client.call("NC%02") == ("ND", "15", "")
    assert client.call("NC%0") == ("ND", "15", "")
    assert client.call("NC\x19" + "x" * 33) == ("ND", "15", "")
    # a failed command still gives the trailer back
    assert client.call("NO02\x19abc") == ("NP", "15", "\x19abc")


def test_unknown_and_malformed_commands_are_answered(client: Client) -> None:
    assert client.call("XX12") == ("XY", "68", "")
    client.send_raw(b"00")  # shorter than header + command code
    assert client.recv_raw() == b"00ZZ15"
    client.send_raw(b"")
    assert client.recv_raw() == b"ZZ15"
    client.send_raw(b"0000\xe9\xe9")
    assert client.recv_raw() == b"0000ZZ15"
    client.send_raw(b"0000N")  # a header and half a command code
    assert client.recv_raw() == b"0000ZZ15"
    # the connection still works after all that
    assert client.call("B20000") == ("B3", "00", "")


def test_the_trailer_of_an_unanswered_command_comes_back_when_it_can_be_told(client: Client) -> None:
    # an unknown command's fields cannot be read, so the trailer is the text after the last X'19, when that
    # is a trailer's length (32 characters at most)
    assert client.call("XX\x19abc") == ("XY", "68", "\x19abc")
    assert client.call("XX12\x19" + "t" * 32) == ("XY", "68", "\x19" + "t" * 32)
    assert client.call("XX12\x19" + "t" * 33) == ("XY", "68", "")
    assert client.call("XX12\x19") == ("XY", "68", "\x19")


def test_binary_fields_keep_every_byte(client: Client) -> None:
    data = "".join(chr(i) for i in range(256))
    assert client.call(f"B20100{data}") == ("B3", "00", data)


def test_pipelined_requests_come_back_in_order_with_their_headers(client: Client) -> None:
    for i in range(200):
        client.send(f"B20004{i:04d}", header=f"{i:04d}")
    for i in range(200):
        assert client.recv(header=f"{i:04d}") == ("B3", "00", f"{i:04d}")


def test_other_header_lengths() -> None:
    for length in (0, 1, 12):
        with running(PayShieldServer(hsm_in_test_mode(), header_length=length)) as at, \
                Client((at.host, at.port), header="H" * length) as c:
            assert c.call("B20002hi") == ("B3", "00", "hi")


def test_a_silent_or_half_sent_client_blocks_no_one(server: RunningServer) -> None:
    idle = socket.create_connection((server.host, server.port))
    half = socket.create_connection((server.host, server.port))
    half.sendall(b"\x00\x40" + b"0000B2")  # promises 64 bytes, sends 6, then waits
    try:
        with Client((server.host, server.port)) as c:
            start = time.monotonic()
            assert c.call("NC")[:2] == ("ND", "00")
            assert time.monotonic() - start < 2
    finally:
        idle.close()
        half.close()


def test_a_client_that_never_reads_blocks_no_one(server: RunningServer) -> None:
    flood = socket.create_connection((server.host, server.port))
    flood.settimeout(5)
    payload = b"0000B2EA60" + b"x" * 60000
    frame = len(payload).to_bytes(2, "big") + payload
    stop = threading.Event()

    def push() -> None:  # keeps writing, never reads: the server's writes to it back up
        try:
            while not stop.is_set():
                flood.sendall(frame)
        except OSError:
            pass

    pusher = threading.Thread(target=push, daemon=True)
    pusher.start()
    try:
        time.sleep(0.5)
        with Client((server.host, server.port)) as c:
            assert c.call("NC")[:2] == ("ND", "00")
    finally:
        stop.set()
        flood.close()
        pusher.join(timeout=10)


def test_a_client_that_disconnects_mid_frame_leaves_the_server_up(server: RunningServer) -> None:
    s = socket.create_connection((server.host, server.port))
    s.sendall(b"\x00\x10000")
    s.close()
    with Client((server.host, server.port)) as c:
        assert c.call("B20000") == ("B3", "00", "")


@pytest.mark.parametrize("port", [-1, 70000])
def test_bad_port_is_an_error_not_a_hang(port: int) -> None:
    with pytest.raises((OverflowError, OSError, ValueError)), running(PayShieldServer(hsm_in_test_mode()), port=port):
        pass
