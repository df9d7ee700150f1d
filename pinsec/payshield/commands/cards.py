"""Card verification values: CW (generate CVV / CVV2 / iCVV), CY (verify)."""

from __future__ import annotations

from ..fields import CommandError
from ..request import Request
from .registry import command


def _card(req: Request) -> tuple[str, str, str]:
    f = req.fields
    pan = f.until(";", "PAN")
    if not 12 <= len(pan) <= 19 or not pan.isdigit():
        raise CommandError("15", "PAN")
    expiry = f.digits(4, "expiry date")
    service_code = f.digits(3, "service code")
    f.end()
    return pan, expiry, service_code


@command("CW")
def cw(req: Request) -> str:
    """CVK pair (32 H or U + 32 H), PAN, ``;``, expiry (YYMM), service code. The CVV (3 N)."""
    cvk = req.key(req.fields.key("CVK pair", plain=32), key_type="402", usage="C0")
    pan, expiry, service_code = _card(req)
    return req.hsm.generate_cvv(cvk, pan=pan, expiry=expiry, service_code=service_code)


@command("CY")
def cy(req: Request) -> str:
    """CVK pair, CVV (3 N), PAN, ``;``, expiry, service code. 00 or 01."""
    cvk = req.key(req.fields.key("CVK pair", plain=32), key_type="402", usage="C0")
    value = req.fields.digits(3, "CVV")
    pan, expiry, service_code = _card(req)
    req.hsm.verify_cvv(cvk, value, pan=pan, expiry=expiry, service_code=service_code)
    return ""
