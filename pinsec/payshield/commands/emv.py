"""EMV: KQ (verify an ARQC, TC or AAC and, with it, generate the ARPC), as the payShield 10K legacy host
command manual lays it out: mode flag, scheme ID, MK-AC (key type 109, LMK pair 28-29 variant 1), the
pre-formatted PAN/PAN sequence number block (8 B), ATC (2 B), unpredictable number (4 B), for modes 0 and 1
the transaction data length (2 H), the data (binary) and ``;``, then the cryptogram (8 B) and for modes 1
and 2 the authorisation response code (2 B). Scheme 0 (Visa VSDC, UKIS) computes the cryptogram under the
card's key, scheme 1 (Europay, M/Chip) under MasterCard's session key from the ATC and unpredictable number;
the ARPC (method 1) is under the card's key.

Mode 2 (an ARPC for a cryptogram the HSM has not verified) is refused with 68: the ARPC is the card key's
TDES of a block the host would choose freely, which gives out M/Chip session keys in clear, and a TDES
oracle under every card's key."""

from __future__ import annotations

from typing import Final

from ..fields import CommandError
from ..request import Request
from .registry import command

#: Scheme ID -> the Hsm's session key choice.
_SCHEMES: Final = {"0": "none", "1": "mastercard"}


@command("KQ", binary=True)
def kq(req: Request) -> str:
    """Mode flag (0 verify, 1 verify and ARPC, 2 ARPC only: refused), scheme ID, MK-AC, PAN/PSN, ATC, UN,
    [data length, data, ``;``], ARQC/TC/AAC, [ARC]. 00 (and for mode 1 the ARPC, 8 B) or 01."""
    f = req.fields
    mode = f.text(1, "mode flag")
    if mode not in ("0", "1", "2"):
        raise CommandError("04", "mode flag")
    scheme = f.text(1, "scheme ID")
    if scheme not in _SCHEMES:
        raise CommandError("05", "scheme ID")
    if mode == "2":
        raise CommandError("68", "an ARPC for a cryptogram this HSM did not verify")
    mk_ac = req.key(f.key("MK-AC", plain=32), key_type="109", usage="E0")
    pan_block, atc, un = f.binary(8, "PAN/PAN sequence number"), f.binary(2, "ATC"), f.binary(4, "UN")
    length = int(f.hex(2, "transaction data length"), 16)
    data = f.binary(length, "transaction data")
    if not f.optional(";"):
        raise CommandError("15", "delimiter after the transaction data")
    arqc = f.binary(8, "ARQC/TC/AAC")
    arc = f.binary(2, "ARC") if mode == "1" else None
    f.end()
    arpc = req.hsm.verify_arqc(mk_ac, arqc, pan_block=pan_block, data=data,
                               session_key=_SCHEMES[scheme],  # type: ignore[arg-type]
                               atc=atc, unpredictable_number=un, arc=arc)
    return "" if arpc is None else arpc.decode("latin-1")
