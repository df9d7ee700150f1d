"""Keys formed from components that are themselves under the LMK (Authorised state only, error 17 otherwise):
A4 (any key type), GY and GG (a ZMK). The components are XOR-combined inside the ``Hsm``; odd parity is set on
the result. Forming keys from *clear* components is a console operation, never a host command
(``pinsec payshield form-key``)."""

from __future__ import annotations

from ...keys import KeyHandle
from ..fields import CommandError
from ..request import Request
from .key_fields import check_value, default_usage, key_scheme, key_type_code
from .registry import command


def _components(req: Request, count: str, plain: int, *, error: str = "15") -> list[str]:
    """``count`` (one digit, 2 to 9; else ``error``: A4's manual numbers it 03) key fields."""
    if count not in "23456789" or len(count) != 1:
        raise CommandError(error, "number of components is 2 to 9")
    return [req.fields.key(f"component {i + 1}", plain=plain) for i in range(int(count))]


def _formed(req: Request, components: list[str], key_type: str) -> KeyHandle:
    return req.keep(req.hsm.form_lmk_key_from_components(components, key_type=key_type, usage=default_usage(key_type)))


@command("A4")
def a4(req: Request) -> str:
    """Number of components (1 N, 2-9), key type (3), LMK scheme for the result, the components (each under the
    LMK as that key type). The key under LMK, KCV (6 H)."""
    f = req.fields
    count = f.text(1, "number of components")
    key_type = key_type_code(f.text(3, "key type"))
    scheme = key_scheme(f.text(1, "key scheme (LMK)"))
    components = _components(req, count, 32, error="03")
    f.end()
    key = _formed(req, components, key_type)
    return req.hsm.lmk_key(key, key_type=key_type, scheme=scheme) + req.hsm.check_value(key, length=3)


def _zmk_from(req: Request, components: list[str], as_they_came: bool) -> str:
    """[; reserved 0, LMK scheme, KCV type] after the components; the ZMK under LMK, KCV (16 H, or 6 H with
    KCV type 1). LMK scheme ``0`` or none: the form the components came in (GY) or scheme X (GG)."""
    f = req.fields
    scheme, kcv_type = "0", "0"
    if f.optional(";"):
        if f.text(1, "reserved") != "0":
            raise CommandError("15", "reserved option is not 0")
        scheme, kcv_type = f.text(1, "key scheme (LMK)"), f.text(1, "key check value type")
    f.end()
    came = components[0][0] if len(components[0]) == 33 else ""
    letter = scheme if scheme != "0" else (came if as_they_came else "X")
    key = _formed(req, components, "000")
    out = req.hsm.lmk_key(key, key_type="000", scheme=key_scheme(letter or "X"))
    return (out if letter else out[1:]) + check_value(req, key, kcv_type)


@command("GY")
def gy(req: Request) -> str:
    """A ZMK from components: number (1 N, 2-9), the components (32 H or U/X + 32 H each, under LMK pair 04-05),
    [; reserved 0, LMK scheme (0: the form the components came in), KCV type]. The ZMK under LMK, KCV (16 H,
    or 6 H with KCV type 1)."""
    return _zmk_from(req, _components(req, req.fields.text(1, "number of components"), 32), as_they_came=True)


@command("GG")
def gg(req: Request) -> str:
    """A ZMK from three components (32 H each, under LMK pair 04-05), [; reserved 0, LMK scheme, KCV type]. The
    ZMK under LMK (scheme X unless another is asked, as ThalesSim's published answer has it), KCV."""
    return _zmk_from(req, _components(req, "3", 32), as_they_came=False)
