"""Several threads translating and MACing at once through one HSM; every result checked."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

from pinsec import KeyAttributes, mac, pinblock

from .conftest import AES_ZPK, TDES_ZPK, Keys


def test_concurrent_translations(keys: Keys) -> None:
    hsm = keys.hsm
    m6 = hsm.import_clear_key(AES_ZPK, KeyAttributes("M6", "A", "C"))

    def work(seed: int) -> int:
        checked = 0
        for i in range(60):
            pin = str(1000 + (seed * 7919 + i * 104729) % 9000)
            pan = "4" + str(10**14 + seed * 1000 + i)
            block = pinblock.encipher(TDES_ZPK, pin, pan)
            out = hsm.translate_pin(block, src_key=keys.tdes_zpk, src_format=0, dst_key=keys.aes_zpk,
                                    dst_format=4, pan=pan)
            assert pinblock.decipher(AES_ZPK, out, pan, format=4) == pin
            ksn = f"FFFF9876543210E{(seed * 64 + i + 1):05X}"
            dukpt = hsm.translate_pin(out, src_key=keys.aes_zpk, src_format=4, dst_key=keys.tdes_bdk, dst_format=0,
                                      dst_ksn=ksn, pan=pan)
            hsm.check_pin(dukpt, key=keys.tdes_bdk, ksn=ksn, format=0, pan=pan, pin=pin)
            data = os.urandom(40)
            assert hsm.generate_mac(m6, data) == mac.cmac(AES_ZPK, data)
            checked += 1
        return checked

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert sum(pool.map(work, range(6))) == 360
