"""LMK migration from key change storage (the old LMK, ``--old-variant-lmk``): BW (a key from the old LMK to
the new) and BG (a PIN from the old LMK to the new).

BW: key type code (2 characters: an LMK pair code ``00``-``0E``, variant 0, or ``FF`` for the 3-character key
type after a ``;``), key length flag (``0`` single, ``1`` double, ``2`` triple), the key under the old LMK,
[``;`` key type], [``;`` reserved ``0``, LMK scheme, reserved ``0``]. The key under the new LMK, in the
scheme asked for or the one it came in. BG: account (12 N), PIN under the old LMK. The PIN under the new.
Without key change storage both answer ``13`` (an LMK error, as the manuals name it). BS (no fields) erases
key change storage, for every connection: BW and BG answer ``13`` from then on."""

from __future__ import annotations

from ...variant_lmk import LMK_PAIR_CODES
from ..fields import CommandError
from ..request import Request
from .key_fields import default_usage, key_length, key_scheme, key_type_code
from .registry import command


@command("BW")
def bw(req: Request) -> str:
    """Key type code, length flag, key under the old LMK, [; key type], [; 0, LMK scheme, 0]. The key."""
    f = req.fields
    code, expected = f.text(2, "key type code").upper(), key_length(f.text(1, "key length flag"))
    text = f.key("key", plain=32)
    if text[0] == "Z":
        raise CommandError("27", "a single-length (scheme Z) key is not taken (PCI)")
    if code == "FF":
        if not f.optional(";"):
            raise CommandError("15", "key type code FF needs ; and the key type")
        key_type = key_type_code(f.text(3, "key type"))
    elif code in LMK_PAIR_CODES:
        key_type = key_type_code("0" + code)
    else:
        raise CommandError("04", "key type code")
    scheme = None
    if f.optional(";"):
        reserved, letter, reserved2 = f.text(1, "reserved"), f.text(1, "key scheme (LMK)"), f.text(1, "reserved")
        if reserved != "0" or reserved2 != "0":
            raise CommandError("15", "reserved option is not 0")
        scheme = None if letter == "0" else key_scheme(letter)
    f.end()
    # the key field is 32 H (plain, double length), U/X + 32 H or T/Y + 48 H; an S key block fits no length
    # flag here
    length = {32: 16, 33: 16, 49: 24}.get(len(text))
    if length != expected:
        raise CommandError("05", "the key length flag does not fit the key")
    key = req.key(text, key_type=key_type, usage=default_usage(key_type), old_lmk=True)
    out = scheme or (text[0] if text[0] in "UXTY" else "X")
    cryptogram = req.hsm.lmk_key(key, key_type=key_type, scheme=out)
    return cryptogram if text[0] in "UXTY" or scheme else cryptogram[1:]


@command("BG")
def bg(req: Request) -> str:
    """Account (12 N), PIN under the old LMK (to the end). The PIN under the new LMK."""
    f = req.fields
    account = f.digits(12, "account")
    lmk_pin = f.rest()
    f.end()
    return req.hsm.migrate_lmk_pin(lmk_pin, account=account)


@command("BS")
def bs(req: Request) -> str:
    """Erase key change storage (the old LMK): no fields, nothing back but the error code."""
    req.fields.end()
    req.hsm.erase_key_change_storage()
    return ""
