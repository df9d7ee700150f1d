"""No key, PIN, PAN or clear block in any repr, str, exception or log record of any operation."""

from __future__ import annotations

import logging

import pytest

from pinsec import KeyAttributes, pinblock
from pinsec.errors import PinsecError

from .conftest import AES_BDK, AES_KBPK, AES_ZPK, TDES_KBPK, TDES_TEST_KEY, TDES_ZPK, Keys

PIN, PAN = "918273", "4716291836452017"


def _secrets() -> list[str]:
    clear_blocks = [pinblock.encode(PIN, PAN, format=f).hex() for f in (0, 2)]
    keys = [TDES_TEST_KEY, AES_BDK, TDES_ZPK, AES_ZPK, AES_KBPK, TDES_KBPK]
    out = [PIN, PAN, PAN[3:15]] + [k.hex() for k in keys] + [k.hex()[:16] for k in keys] + clear_blocks
    return [s.upper() for s in out]


def test_nothing_secret_shows(keys: Keys, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    hsm = keys.hsm
    texts: list[str] = [repr(hsm), str(hsm), repr(hsm.backend)]
    m3 = hsm.import_clear_key(TDES_TEST_KEY, KeyAttributes("M3", "T", "C"))
    block = pinblock.encipher(TDES_ZPK, PIN, PAN)
    out = hsm.translate_pin(block, src_key=keys.tdes_zpk, src_format=0, dst_key=keys.aes_zpk, dst_format=4, pan=PAN)
    hsm.translate_pin(out, src_key=keys.aes_zpk, src_format=4, dst_key=keys.tdes_bdk, dst_format=0, pan=PAN,
                      dst_ksn="FFFF9876543210E00001")
    hsm.check_pin(block, key=keys.tdes_zpk, format=0, pan=PAN, pin=PIN)
    hsm.generate_mac(m3, b"data")
    kb = hsm.export_key_block(keys.tdes_zpk, kbpk=keys.aes_kbpk)
    hsm.import_key_block(kb, kbpk=keys.aes_kbpk)
    hsm.derive_dukpt_key(keys.aes_bdk, "123456789012345600000001")
    failures = [
        lambda: hsm.check_pin(block, key=keys.tdes_zpk, format=0, pan=PAN, pin="918274"),
        lambda: hsm.translate_pin(block, src_key=keys.tdes_zpk, src_format=0, dst_key=keys.tdes_zpk, dst_format=0,
                                  pan="4716291836452025"),
        lambda: hsm.translate_pin(block, src_key=m3, src_format=0, dst_key=keys.tdes_zpk, dst_format=0, pan=PAN),
        lambda: hsm.encrypt_pin(PIN + "x", pan=PAN, key=keys.tdes_zpk, format=0),
        lambda: hsm.encrypt_pin(PIN, pan=PAN + "x", key=keys.tdes_zpk, format=0),
        # the last character always changes (replacing two with "00" changed nothing 1 time in 256)
        lambda: hsm.import_key_block(kb[:-1] + ("0" if kb[-1] != "0" else "1"), kbpk=keys.aes_kbpk),
        lambda: hsm.import_clear_key(TDES_ZPK, KeyAttributes("P0", "T", "B"), kcv="000000"),
        lambda: keys.production.export_clear_key(keys.production.key(keys.tdes_zpk.id)),
        lambda: keys.production.import_clear_key(TDES_ZPK, KeyAttributes("P0", "T", "B")),
        lambda: keys.production.translate_pin(block, src_key=keys.tdes_zpk, src_format=0, dst_key=keys.aes_zpk,
                                              dst_format=4, pan="4716291836452025"),
    ]
    for call in failures:
        with pytest.raises(PinsecError) as info:
            call()
        texts += [str(info.value), repr(info.value), repr(info.value.__cause__ or "")]
    texts += [repr(h) + str(h) for h in hsm.list_keys()]
    texts += [r.getMessage() + repr(r.args) for r in caplog.records]
    assert caplog.records, "operations are logged"
    blob = "\n".join(texts).upper()
    for secret in _secrets():
        assert secret not in blob
