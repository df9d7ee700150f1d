from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from pinsec.aws import RunningServer, make_server, running

#: The standard decimalisation table and the one psec's published IBM 3624 vectors use.
TABLES = ("0123456789012345", "1234567890123456")


@dataclass
class Clients:
    """boto3's two clients of the service, pointed at a pinsec endpoint (botocore validates every request
    and parses every response with the service's own models)."""

    control: Any
    data: Any
    server: RunningServer


def clients_for(at: RunningServer) -> Clients:
    kw = {"endpoint_url": at.url, "region_name": "us-east-1", "aws_access_key_id": "AKIDEXAMPLE",
          "aws_secret_access_key": "secret"}
    return Clients(boto3.client("payment-cryptography", **kw), boto3.client("payment-cryptography-data", **kw), at)


@pytest.fixture(scope="package")
def endpoint() -> Iterator[RunningServer]:
    with running(make_server(decimalization_tables=TABLES)) as at:
        yield at


@pytest.fixture
def aws(endpoint: RunningServer) -> Clients:
    return clients_for(endpoint)


def modes(*names: str) -> dict[str, bool]:
    return {name: True for name in names}


def attributes(usage: str, algorithm: str, *mode_names: str) -> dict[str, Any]:
    return {"KeyUsage": usage, "KeyClass": "SYMMETRIC_KEY", "KeyAlgorithm": algorithm,
            "KeyModesOfUse": modes(*mode_names)}
