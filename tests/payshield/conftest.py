from __future__ import annotations

from collections.abc import Iterator

import pytest

from pinsec.payshield import PayShieldServer, RunningServer, make_hsm, running
from pinsec.variant_lmk import VariantLmk

from .client import Client

#: The decimalisation tables the test server approves: the standard one and the one psec's published IBM
#: 3624 vectors use.
TABLES = ("0123456789012345", "1234567890123456")


@pytest.fixture(scope="package")
def server() -> Iterator[RunningServer]:
    """A payShield in test mode (the published test LMK), header length 4, on a free port."""
    hsm = make_hsm(VariantLmk.test(), decimalization_tables=TABLES)
    with running(PayShieldServer(hsm, header_length=4)) as address:
        yield address


@pytest.fixture
def client(server: RunningServer) -> Iterator[Client]:
    with Client((server.host, server.port)) as c:
        yield c
