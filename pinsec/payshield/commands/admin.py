"""Diagnostics and utilities: NC (LMK check value and firmware), NO (status), B2 (echo), GM (hash), RA
(cancel the Authorised state)."""

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


#: NO mode 01's PCI HSM compliance flag: ``0``, some settings are not PCI HSM compliant and key type 002
#: separation is among them (pinsec's key type 002 serves as TPK, TMK or PVK as the command needs).
PCI_HSM_FLAG: Final = "0"


@command("NO")
def no(req: Request) -> str:
    """Mode ``00``: I/O buffer size (1 N, 2 = 16K), Ethernet type (1 N, 1 = TCP), TCP sockets (2 N),
    firmware (9 A), two reserved fields (1 A ``0`` and 4 A ``0000``; the payShield 9000's "DSP fitted" and
    "DSP firmware"). Mode ``01``: the PCI HSM compliance flag (1 N, :data:`PCI_HSM_FLAG`)."""
    mode = req.fields.digits(2, "mode flag")
    if mode not in ("00", "01"):
        raise CommandError("15", "NO mode flag is 00 or 01")
    req.fields.end()
    if mode == "01":
        return PCI_HSM_FLAG
    return "2" + "1" + "64" + FIRMWARE + "0" + "0000"


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


@command("RA")
def ra(req: Request) -> str:
    """Cancel the Authorised state: no fields. From then on the server answers 17 where the state is needed
    (BA, NG), for every connection, until it is started again with ``--authorized``."""
    req.fields.end()
    req.hsm.leave_authorized_state()
    return ""
