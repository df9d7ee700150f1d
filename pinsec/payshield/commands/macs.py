"""MACs: M6 (generate) and M8 (verify), ISO 9797-1 algorithms 1 and 3 under a TAK (003) or ZAK (008), or key
type FFF and a key block of usage M1 or M3,
whole messages (mode flag 0), field errors numbered as the manuals number them (02 mode, 03 input format, 04
MAC algorithm, 05 key type, 06 message length, 09 padding); MA, MC and ME (the older commands: a 4-byte MAB
under a TAK, generate, verify, and verify then MAC again under a second TAK).

The multi-block modes (M6/M8 modes 1-3, MQ, MS) are not answered: they hand the CBC chain value to the host
in clear between blocks, which makes the MAC key's first half a single-DES encryption oracle (each half then
falls to a 2^56 search, not the pair to 2^112)."""

from __future__ import annotations

from ...keys import KeyHandle
from ..fields import CommandError
from ..request import Request
from .key_fields import typed_key
from .registry import command

#: MAC algorithm field -> the TR-31 usage whose key computes it (M1: ISO 9797-1 alg 1, M3: alg 3).
_ALGORITHMS = {"1": "M1", "3": "M3"}


def _mac_fields(req: Request) -> tuple[KeyHandle, bytes, int, int]:
    """(key, message, MAC length in bytes, padding method) of M6 / M8."""
    f = req.fields
    mode = f.text(1, "mode flag")
    if mode != "0":  # 1-3 are the multi-block modes, refused by design (the module docstring says why)
        raise CommandError("68" if mode in ("1", "2", "3") else "02", "only whole messages (mode flag 0)")
    input_format = f.text(1, "input format flag")
    if input_format not in ("0", "1", "2"):
        raise CommandError("03", "input format flag")
    size = f.text(1, "MAC size")
    if size not in ("0", "1"):
        raise CommandError("15", "MAC size")
    usage = _ALGORITHMS.get(f.text(1, "MAC algorithm"))
    if usage is None:
        raise CommandError("04", "MAC algorithm")
    padding = f.text(1, "padding method")
    if padding not in ("0", "1", "2", "3"):
        raise CommandError("09", "padding method")
    key_type = f.text(3, "key type").upper()
    text = f.key("MAC key")
    key = req.key(text, key_type=typed_key(key_type, text, ("003", "008")), usage=usage)
    if key.attributes.usage.value != usage:  # an S key block brings its own usage: it must be the algorithm's
        raise CommandError("04", "the key block's usage is not the MAC algorithm asked for")
    message = f.message(hex_input=input_format == "1", error="06")
    if padding == "0" and len(message) % 8:
        raise CommandError("06", "without padding the message is whole 8-byte blocks")
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


def _tak(req: Request, what: str = "TAK", *, source: bool = True) -> KeyHandle:
    """A double-length TAK (key type 003) computing the ANSI X9.19 retail MAC (ISO 9797-1 algorithm 3)."""
    return req.key(req.fields.key(what), key_type="003", usage="M3", source=source)


def _data(req: Request) -> bytes:
    """The data to the end of the message: at most 4096 characters."""
    data = req.fields.rest()
    req.fields.end()
    if len(data) > 4096:
        raise CommandError("15", "data longer than 4096 characters")
    return data.encode("latin-1")


def _mab(req: Request, key: KeyHandle, data: bytes) -> bytes:
    """The 4-byte MAB: ANSI X9.19 over the data zero-padded to whole blocks (ISO 9797-1 padding method 1)."""
    return req.hsm.generate_mac(key, data, padding=1, length=4)


@command("MA")
def ma(req: Request) -> str:
    """TAK, then the data (to the end of the message, at most 4096 characters). The MAB (8 H)."""
    key = _tak(req)
    return _mab(req, key, _data(req)).hex().upper()


def _verified(req: Request, key: KeyHandle, mab: bytes) -> bytes:
    message = _data(req)
    req.hsm.verify_mac(key, message, mab, padding=1)
    return message


@command("MC")
def mc(req: Request) -> str:
    """TAK, MAB (8 H), the data. 00 or 01."""
    key = _tak(req)
    _verified(req, key, bytes.fromhex(req.fields.hex(8, "MAB")))
    return ""


@command("ME")
def me(req: Request) -> str:
    """Verify a MAB and generate one under a second TAK: source TAK, destination TAK, MAB (8 H), the data. The
    destination MAB (8 H), only when the source MAB verifies (else 01)."""
    source = _tak(req, "source TAK")
    destination = _tak(req, "destination TAK", source=False)
    message = _verified(req, source, bytes.fromhex(req.fields.hex(8, "MAB")))
    return _mab(req, destination, message).hex().upper()
