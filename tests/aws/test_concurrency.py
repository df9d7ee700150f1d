"""Many concurrent clients: 8 boto3 clients in 8 threads, 40 mixed requests each, every answer right."""

from __future__ import annotations

from typing import Any

from pinsec import pinblock

from ..threads import run_in_threads
from .conftest import clients_for
from .test_data import KSN, PAN, TERMINAL_BLOCK, ZPK, keys  # noqa: F401  (keys is a fixture)


def test_eight_clients_at_once(endpoint: Any, keys: dict[str, str]) -> None:  # noqa: F811
    def one(n: int) -> list[str]:
        aws = clients_for(endpoint)
        failures = []
        for i in range(40):
            try:
                if (n + i) % 2:
                    out = aws.data.translate_pin_data(
                        IncomingKeyIdentifier=keys["bdk"], OutgoingKeyIdentifier=keys["zpk"],
                        EncryptedPinBlock=TERMINAL_BLOCK,
                        IncomingTranslationAttributes={"IsoFormat0": {"PrimaryAccountNumber": PAN}},
                        OutgoingTranslationAttributes={"IsoFormat0": {"PrimaryAccountNumber": PAN}},
                        IncomingDukptAttributes={"KeySerialNumber": KSN})
                    assert pinblock.decipher(ZPK, out["PinBlock"], PAN) == "1234"
                else:
                    assert aws.control.get_key(KeyIdentifier=keys["zpk"])["Key"]["KeyArn"] == keys["zpk"]
            except Exception as exc:
                failures.append(f"client {n} request {i}: {exc!r}")
        return failures

    failures = run_in_threads(one, 8)
    assert not failures, failures[:3]
