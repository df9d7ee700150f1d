"""Fields that many key commands read the same way: a key type code, a key scheme, a key check value type,
and the usage a key type takes when the command does not say. Each refuses a bad value with the error code
the host command manuals give for it."""

from __future__ import annotations

from ...hsm.variant_policy import KEY_TYPES
from ...keys import KeyHandle
from ..fields import CommandError
from ..request import Request


def key_type_code(code: str) -> str:
    """A key type code of the variant LMK's table (000 ZMK, 001 ZPK, 002 TPK/TMK/PVK, ...): error 04 else."""
    if code.upper() not in KEY_TYPES:
        raise CommandError("04", "key type code")
    return code.upper()


def default_usage(key_type: str) -> str:
    """The usage a key of ``key_type`` takes when the command does not say (its first, in TR-31 order)."""
    return sorted(KEY_TYPES[key_type][1])[0]


def key_length(flag: str) -> int:
    """A key length flag (BU, BW): 1 double length, 2 triple, as bytes; 0, single length, is refused as PCI
    requires (27); anything else is 05."""
    if flag == "0":
        raise CommandError("27", "single-length DES keys are not taken (PCI)")
    if flag not in ("1", "2"):
        raise CommandError("05", "key length flag")
    return 16 if flag == "1" else 24


def key_scheme(letter: str) -> str:
    """A key scheme the variant LMK writes: X, U, Y or T (error 26 else)."""
    if letter not in ("X", "U", "Y", "T"):
        raise CommandError("26", "key scheme")
    return letter


def check_value(req: Request, key: KeyHandle, kcv_type: str) -> str:
    """The key check value a key check value type field asks for: 0 for 16 H, 1 for 6 H (error 15 else). A
    TDES key's is the legacy one (the key enciphering zeros); an AES key's (an ``S`` key block) is CMAC's,
    as X9.24-1:2017 gives AES keys theirs and as A0 returns it with a key block."""
    if kcv_type not in ("0", "1"):
        raise CommandError("15", "key check value type")
    method = "cmac" if key.attributes.algorithm.value == "A" else "legacy"
    return req.hsm.check_value(key, method=method, length=8 if kcv_type == "0" else 3)


def typed_key(key_type: str, text: str, allowed: tuple[str, ...], *, error: str = "05") -> str:
    """A command's key type field checked against the key field: one of ``allowed``, or ``FFF`` for an ``S``
    key block (its own header says what it is; the first allowed type stands in). Else ``error``, the
    command's key type error (05 for the data and MAC commands, 04 for the PIN commands)."""
    if key_type in allowed:
        return key_type
    if key_type == "FFF" and text.startswith("S"):
        return allowed[0]
    raise CommandError(error, f"key type: {', '.join(allowed)}, or FFF with a key block")
