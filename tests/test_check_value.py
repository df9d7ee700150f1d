"""Hsm.check_value: legacy and CMAC check values at the lengths host commands and the AWS endpoint give."""

from __future__ import annotations

import pytest

from pinsec import Hsm, KeyAttributes
from pinsec.errors import DataError

TDES = "0123456789ABCDEFFEDCBA9876543210"  # ANSI X9.24-1:2009 Annex A's BDK: KCV 08D7B4
AES = "3F419E1CB7079442AA37474C2EFBF8B8"  # TR-31:2018 A.7.4's key: AES-CMAC KCV 08793E (vectors/tr31.json)


@pytest.fixture
def rig() -> Hsm:
    return Hsm(authorized=True)


def test_lengths_and_methods(rig: Hsm) -> None:
    tdes = rig.import_clear_key(TDES, KeyAttributes("P0", "T", "B"))
    assert rig.check_value(tdes) == "08D7B4"
    assert rig.check_value(tdes, length=8) == "08D7B4FB629D0885"  # the key encrypting zeros (_crypto's doctest)
    aes = rig.import_clear_key(AES, KeyAttributes("P0", "A", "B"))
    assert rig.check_value(aes, method="cmac", length=3) == "08793E" == aes.kcv[:6]


@pytest.mark.parametrize(("kw", "field"), [({"method": "sha1"}, "method"), ({"length": 9}, "length"),
                                           ({"length": 1}, "length")])
def test_refusals(rig: Hsm, kw: dict[str, object], field: str) -> None:
    tdes = rig.import_clear_key(TDES, KeyAttributes("P0", "T", "B"))
    with pytest.raises(DataError):
        rig.check_value(tdes, **kw)  # type: ignore[arg-type]
    hmac_key = rig.import_clear_key(bytes(range(32)), KeyAttributes("M7", "H", "C"))
    with pytest.raises(DataError):
        rig.check_value(hmac_key)
