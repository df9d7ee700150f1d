"""Diagnostics and utilities: NC (LMK check value and firmware), NO (status), B2 (echo), GM (hash)."""

from __future__ import annotations

import hashlib
from typing import Final

from ..fields import CommandError
from ..request import Request
from .registry import command

#: The firmware number NC and NO give: ``xxxx-xxxx``, naming pinsec.
FIRMWARE: Final = "0001-PSEC"


@command("NC")
def nc(req: Request) -> str:
    """LMK check value (16 H) and firmware number (9 A)."""
    req.fields.end()
    return req.hsm.variant_lmk_check_value + FIRMWARE


@command("NO")
def no(req: Request) -> str:
    """Mode ``00``: I/O buffer size (1 N, 2 = 16K), Ethernet type (1 N), TCP sockets (2 N), firmware (9 A)."""
    if req.fields.digits(2, "mode flag") != "00":
        raise CommandError("15", "NO mode flag other than 00")
    req.fields.end()
    return "2" + "1" + "64" + FIRMWARE


@command("B2")
def b2(req: Request) -> str:
    """Echo: the length (4 H) and the data, given back."""
    f = req.fields
    n = int(f.hex(4, "length"), 16)
    if n > f.remaining():
        raise CommandError("80", "echo data shorter than its length")
    data = f.text(n, "data")
    f.end()  # data longer than its length is left over: error 15
    return data


#: GM hash identifiers (payShield host command manual) -> hashlib names.
_HASHES = {"01": "sha1", "02": "md5", "05": "sha224", "06": "sha256", "07": "sha384", "08": "sha512"}


@command("GM")
def gm(req: Request) -> str:
    """Hash a data block: hash identifier (2 N), data length (5 N), data. The hash, in binary. (No key is
    involved: a digest, not a cipher.)"""
    f = req.fields
    name = _HASHES.get(f.digits(2, "hash identifier"))
    if name is None:
        raise CommandError("05", "hash identifier")
    length = f.number(5, "data length")
    data = f.text(length, "data")
    f.end()
    return hashlib.new(name, data.encode("latin-1")).digest().decode("latin-1")
