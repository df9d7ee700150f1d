"""PIN block round trips (formats 0 and 4) and TR-31 version D wrap + unwrap: pinsec against psec."""

from __future__ import annotations

import psec.des
import psec.pinblock
import psec.tr31

from pinsec import pinblock, tr31
from rows import Row

TDES_KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
AES_KEY = bytes.fromhex("AF8CB133A78F8DC2D1359F18527593FB")
KBPK = bytes.fromhex("88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6")
PAN = "4111111111111111"


def _pinsec_iso0(n: int) -> None:
    for _ in range(n):
        pinblock.decipher(TDES_KEY, pinblock.encipher(TDES_KEY, "1234", PAN), PAN)


def _psec_iso0(n: int) -> None:
    for _ in range(n):
        block = psec.des.encrypt_tdes_ecb(TDES_KEY, psec.pinblock.encode_pinblock_iso_0("1234", PAN))
        psec.pinblock.decode_pinblock_iso_0(psec.des.decrypt_tdes_ecb(TDES_KEY, block), PAN)


def _pinsec_iso4(n: int) -> None:
    for _ in range(n):
        pinblock.decipher(AES_KEY, pinblock.encipher(AES_KEY, "1234", PAN, format=4), PAN, format=4)


def _psec_iso4(n: int) -> None:
    for _ in range(n):
        psec.pinblock.decipher_pinblock_iso_4(AES_KEY, psec.pinblock.encipher_pinblock_iso_4(AES_KEY, "1234", PAN),
                                              PAN)


def _pinsec_tr31(n: int) -> None:
    for _ in range(n):
        tr31.unwrap(KBPK, tr31.wrap(KBPK, AES_KEY, "D0000P0AE00E0000"))


def _psec_tr31(n: int) -> None:
    for _ in range(n):
        psec.tr31.unwrap(KBPK, psec.tr31.wrap(KBPK, "D0000P0AE00E0000", AES_KEY))


# each side the fastest of five timed runs: one run of 2,000 moves by 5% with the machine's other load
ROWS = [
    Row("ISO 9564 format 0 encipher + decipher", "pinsec", _pinsec_iso0, repeat=5),
    Row("ISO 9564 format 0 encipher + decipher", "psec 1.3.0", _psec_iso0, repeat=5),
    Row("ISO 9564 format 4 encipher + decipher", "pinsec", _pinsec_iso4, repeat=5),
    Row("ISO 9564 format 4 encipher + decipher", "psec 1.3.0", _psec_iso4, repeat=5),
    Row("TR-31 version D wrap + unwrap", "pinsec", _pinsec_tr31, repeat=5),
    Row("TR-31 version D wrap + unwrap", "psec 1.3.0", _psec_tr31, repeat=5),
]
