"""``pinsec demo``: a short end-to-end run of pinsec's capabilities, checking itself as it goes."""

from __future__ import annotations

import argparse

from .. import pinblock
from .._hex import to_hex
from ..errors import VerificationError
from . import Output, Parser, add_command

# Published test values: ANSI X9.24-1:2009 Annex A.4 (PIN 1234, PAN 4012345678909), the well-known TDES
# test key 0123456789ABCDEFFEDCBA9876543210, and the AES key of the X9.24-3:2017 supplement's first
# format 4 example.
ORDER = 0  # first in --help
PIN, PAN = "1234", "4012345678909"
ZONE_KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
AES_ZONE_KEY = bytes.fromhex("AF8CB133A78F8DC2D1359F18527593FB")


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise VerificationError(f"demo step failed: {what}", code="demo_failed")


def _demo(args: argparse.Namespace) -> Output:
    lines: list[str] = []
    steps: dict[str, str] = {}

    clear = pinblock.encode(PIN, PAN, format=0)
    _check(to_hex(clear) == "041274EDCBA9876F", "ISO 0 clear block differs from X9.24-1 A.4")
    lines.append(f"ISO 9564 format 0 clear block for the X9.24-1 A.4 test PIN: {to_hex(clear)}")

    block0 = pinblock.encipher(ZONE_KEY, PIN, PAN, format=0)
    _check(pinblock.decipher(ZONE_KEY, block0, PAN, format=0) == PIN, "ISO 0 round trip")
    lines.append(f"enciphered under a TDES zone key: {to_hex(block0)}; deciphers and checks out")

    block4 = pinblock.encipher(AES_ZONE_KEY, PIN, PAN, format=4)
    _check(pinblock.decipher(AES_ZONE_KEY, block4, PAN, format=4) == PIN, "ISO 4 round trip")
    lines.append(f"ISO 9564 format 4 under an AES key (random fill, so it differs each run): {to_hex(block4)}")

    steps.update(iso0_clear=to_hex(clear), iso0_enciphered=to_hex(block0), iso4_enciphered=to_hex(block4))
    lines.append("demo: all steps checked")
    return Output("\n".join(lines), {"steps": steps, "ok": True})


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    add_command(sub, "demo", _demo, "an end-to-end demo on the embedded software HSM")
