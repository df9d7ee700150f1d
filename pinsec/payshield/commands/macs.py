"""MACs: M6 (generate) and M8 (verify), ISO 9797-1 algorithms 1 and 3 under a TAK (003) or ZAK (008),
whole messages (mode flag 0)."""

from __future__ import annotations

from ...keys import KeyHandle
from ..fields import CommandError
from ..request import Request
from .registry import command

#: MAC algorithm field -> the TR-31 usage whose key computes it (M1: ISO 9797-1 alg 1, M3: alg 3).
_ALGORITHMS = {"1": "M1", "3": "M3"}


def _mac_fields(req: Request) -> tuple[KeyHandle, bytes, int, int]:
    """(key, message, MAC length in bytes, padding method) of M6 / M8."""
    f = req.fields
    if f.text(1, "mode flag") != "0":
        raise CommandError("68", "only whole messages (mode flag 0)")
    input_format = f.text(1, "input format flag")
    if input_format not in ("0", "1", "2"):
        raise CommandError("15", "input format flag")
    size = f.text(1, "MAC size")
    if size not in ("0", "1"):
        raise CommandError("15", "MAC size")
    usage = _ALGORITHMS.get(f.text(1, "MAC algorithm"))
    if usage is None:
        raise CommandError("15", "MAC algorithm")
    padding = f.text(1, "padding method")
    if padding not in ("0", "1", "2", "3"):
        raise CommandError("15", "padding method")
    key_type = f.text(3, "key type")
    if key_type not in ("003", "008"):
        raise CommandError("04", "key type")
    key = req.key(f.key("MAC key"), key_type=key_type, usage=usage)
    message = f.message(hex_input=input_format == "1")
    if padding == "0" and len(message) % 8:
        raise CommandError("80", "without padding the message is whole 8-byte blocks")
    return key, message, 4 if size == "0" else 8, max(1, int(padding))


@command("M6")
def m6(req: Request) -> str:
    """Mode, input format, MAC size, algorithm, padding, key type, key, message length (4 H), message. The MAC
    (8 H or 16 H)."""
    key, message, length, padding = _mac_fields(req)
    req.fields.end()
    return req.hsm.generate_mac(key, message, padding=padding, length=length).hex().upper()


@command("M8")
def m8(req: Request) -> str:
    """M6's fields, then the MAC (8 H or 16 H). 00 or 01."""
    key, message, length, padding = _mac_fields(req)
    mac = bytes.fromhex(req.fields.hex(2 * length, "MAC"))
    req.fields.end()
    req.hsm.verify_mac(key, message, mac, padding=padding)
    return ""
