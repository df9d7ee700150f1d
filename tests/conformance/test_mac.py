"""MAC generation and verification in the HSM, against published values and tier-1 functions."""

from __future__ import annotations

import pytest

from pinsec import KeyAttributes, mac
from pinsec.errors import VerificationError

from .conftest import AES_ZPK, TDES_TEST_KEY, Keys

# ANSI X9.24-1:2009 A.4, KSN FFFF9876543210E00001: request MAC of ASCII "4012345678909D987" under the
# MAC request key (X9.19 retail MAC, zero padding) is 9CCC7817 (leftmost 4 bytes), 9CCC78173FC4FB64 in full.
MESSAGE = b"4012345678909D987"
KSN = "FFFF9876543210E00001"


def test_tdes_dukpt_request_mac(keys: Keys) -> None:
    full = keys.hsm.generate_mac(keys.tdes_bdk, MESSAGE, ksn=KSN)
    assert full.hex().upper() == "9CCC78173FC4FB64"
    assert keys.hsm.generate_mac(keys.tdes_bdk, MESSAGE, ksn=KSN, length=4).hex().upper() == "9CCC7817"
    keys.hsm.verify_mac(keys.tdes_bdk, MESSAGE, bytes.fromhex("9CCC7817"), ksn=KSN)


def test_tdes_dukpt_response_mac(keys: Keys) -> None:
    out = keys.hsm.generate_mac(keys.tdes_bdk, MESSAGE, ksn=KSN, direction="response", length=4)
    assert out.hex().upper() == "20364223"


def test_zone_mac_keys_match_tier1(keys: Keys) -> None:
    hsm = keys.hsm
    m3 = hsm.import_clear_key(TDES_TEST_KEY, KeyAttributes("M3", "T", "C"))
    m1 = hsm.import_clear_key(TDES_TEST_KEY, KeyAttributes("M1", "T", "C"))
    m6 = hsm.import_clear_key(AES_ZPK, KeyAttributes("M6", "A", "C"))
    data = b"Now is the time for all "
    assert hsm.generate_mac(m3, data) == mac.retail_mac(TDES_TEST_KEY, data)
    assert hsm.generate_mac(m1, data, padding=2) == mac.cbc_mac(TDES_TEST_KEY, data, padding=2)
    assert hsm.generate_mac(m6, data) == mac.cmac(AES_ZPK, data)
    hsm.verify_mac(m6, data, mac.cmac(AES_ZPK, data, length=8))
    with pytest.raises(VerificationError):
        hsm.verify_mac(m3, data + b"!", mac.retail_mac(TDES_TEST_KEY, data))
