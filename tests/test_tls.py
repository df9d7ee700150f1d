"""Both servers over TLS, as their clients reach them: a TLS socket to the payShield server, boto3 with a
CA bundle to the AWS endpoint."""

from __future__ import annotations

import socket
import ssl
from pathlib import Path

import boto3

from pinsec.aws import make_server
from pinsec.payshield import PayShieldServer, hsm_in_test_mode, running
from pinsec.variant_lmk import VariantLmk

from .tls_cert import self_signed


def _server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def test_payshield_over_tls(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    client = ssl.create_default_context(cafile=str(cert))
    with running(PayShieldServer(hsm_in_test_mode(), tls=_server_context(cert, key))) as at, \
            socket.create_connection((at.host, at.port), timeout=10) as raw, \
            client.wrap_socket(raw, server_hostname="127.0.0.1") as conn:
        conn.sendall(b"\x00\x060000NC")
        reply = conn.recv(100)
    assert reply[2:] == b"0000ND00" + VariantLmk.test().check_value().encode() + b"0001-PSEC"


def test_aws_endpoint_over_tls(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    with running(make_server(tls=_server_context(cert, key))) as at:
        control = boto3.client("payment-cryptography", endpoint_url=f"https://127.0.0.1:{at.port}",
                               region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y",
                               verify=str(cert))
        assert control.list_keys()["Keys"] == []
