"""``pinsec demo``: an acquirer's day on the embedded software HSM, checking itself as it goes.

1. a BDK enters the HSM and the terminal's DUKPT PIN key is derived into a handle;
2. the terminal's PIN block (the published ANSI X9.24-1:2009 A.4 block) is translated to an AES zone key
   as ISO 9564-1 format 4, and checked;
3. the zone key leaves for the issuer's side as a TR-31 version D key block under a KBPK, and comes back.
"""

from __future__ import annotations

import argparse

from .. import Hsm, KeyAttributes, pinblock
from .._hex import to_hex
from ..errors import VerificationError
from . import Output, Parser, add_command

# Published: ANSI X9.24-1:2009 Annex A.4 (BDK, KSN, PIN 1234, PAN 4012345678909, encrypted PIN block).
BDK = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
KSN = "FFFF9876543210E00001"
ORDER = 0  # first in --help
PIN, PAN = "1234", "4012345678909"
TERMINAL_BLOCK = "1B9C1845EB993A7A"


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise VerificationError(f"demo step failed: {what}", code="demo_failed")


def _demo(args: argparse.Namespace) -> Output:
    lines: list[str] = []
    hsm = Hsm()

    clear = pinblock.encode(PIN, PAN, format=0)
    _check(to_hex(clear) == "041274EDCBA9876F", "ISO 0 clear block differs from X9.24-1 A.4")
    lines.append(f"1. tier 1: ISO 9564 format 0 clear block for the X9.24-1 A.4 test PIN: {to_hex(clear)}")

    bdk = hsm.import_clear_key(BDK, KeyAttributes("B0", "T", "X", "00", "N"))
    pin_key = hsm.derive_dukpt_key(bdk, KSN, purpose="pin")
    as_terminal = hsm.encrypt_pin(PIN, pan=PAN, key=bdk, ksn=KSN, format=0)
    _check(to_hex(as_terminal) == TERMINAL_BLOCK, "DUKPT PIN block differs from X9.24-1 A.4")
    lines.append(f"2. BDK in the HSM (KCV {bdk.kcv}); terminal KSN {KSN}: DUKPT PIN key KCV {pin_key.kcv};"
                 f" the terminal's block would be {to_hex(as_terminal)}, as X9.24-1 A.4 publishes")

    zone = hsm.generate_key(KeyAttributes("P0", "A", "B"), length=16)
    out = hsm.translate_pin(TERMINAL_BLOCK, src_key=bdk, src_format=0, src_ksn=KSN, dst_key=zone, dst_format=4,
                            pan=PAN)
    hsm.check_pin(out, key=zone, format=4, pan=PAN, pin=PIN)
    lines.append(f"3. terminal PIN block {TERMINAL_BLOCK} (ISO 0, DUKPT) -> zone key {zone.kcv} ISO 4: {to_hex(out)}")

    kbpk = hsm.generate_key(KeyAttributes("K1", "A", "B"), length=32)
    block = hsm.export_key_block(zone, kbpk=kbpk, version="D")
    back = hsm.import_key_block(block, kbpk=kbpk)
    _check(back.kcv == zone.kcv and back.attributes == zone.attributes, "key block round trip")
    lines.append(f"4. zone key as a TR-31 key block under an AES-256 KBPK: {block[:16]}... ({len(block)} chars);"
                 f" unwrapped again, KCV {back.kcv}")
    lines.append("demo: all steps checked")
    data = {"ok": True, "pin_key_kcv": pin_key.kcv, "zone_pin_block": to_hex(out), "key_block_header": block[:16]}
    return Output("\n".join(lines), data)


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    add_command(sub, "demo", _demo, "an end-to-end demo on the embedded software HSM")
