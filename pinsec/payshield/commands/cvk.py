"""CVK pairs: AS (generate one under the LMK), AW (from a ZMK to the LMK) and AU (from the LMK to a ZMK).

A CVK pair is one double-length key whose halves are CVK A and CVK B (key type 402, usage C0). It travels
as 32 hex digits (each half ECB under the key-encrypting key, the legacy form) or as ``U`` / ``X`` + 32
hex digits. The check value is, by default, one per half (6 H each, "backwards compatible"), or with KCV
type 1 the 6-digit check value of the whole key; the ``Hsm`` gives per-half values for CVK pairs only.
"""

from __future__ import annotations

from ...keys import KeyHandle
from ..fields import CommandError
from ..request import Request
from .registry import command

_CVK = {"key_type": "402", "usage": "C0"}


def _options(req: Request, reserved_first: bool) -> tuple[str, str]:
    """The optional ``;`` + (reserved, LMK scheme) for AW or (ZMK scheme, reserved) for AU, and the KCV type.
    The scheme is ``0`` (the form the pair came in), ``X`` or ``U``; the reserved byte must be ``0``."""
    f = req.fields
    if not f.optional(";"):
        return "0", "0"
    first, second = f.text(1, "reserved" if reserved_first else "key scheme (ZMK)"), f.text(1, (
        "key scheme (LMK)" if reserved_first else "reserved"))
    reserved, scheme = (first, second) if reserved_first else (second, first)
    if reserved != "0":
        raise CommandError("15", "reserved option is not 0")
    kcv_type = f.text(1, "key check value type")
    if scheme not in ("0", "X", "U"):
        raise CommandError("26", "a CVK pair travels plain (0), X or U")
    if kcv_type not in ("0", "1"):
        raise CommandError("15", "key check value type")
    return scheme, kcv_type


def _form(scheme: str, came_in: str) -> str:
    """The scheme to send the pair out in, and whether without its letter (the plain 32 H form)."""
    if scheme != "0":
        return scheme
    return came_in[0] if came_in[:1] in ("U", "X") else ""  # a U or X key field is the letter and 32 H


def _out(cryptogram: str, letter: str) -> str:
    return cryptogram if letter else cryptogram[1:]


def _check_values(req: Request, cvk: KeyHandle, kcv_type: str) -> str:
    if kcv_type == "1":
        return req.hsm.check_value(cvk, length=3)
    return req.hsm.check_value(cvk, method="halves")


@command("AW")
def aw(req: Request) -> str:
    """CVK pair from ZMK to LMK: ZMK, CVK A/B under the ZMK (32 H or U/X + 32 H), [; reserved, LMK scheme,
    KCV type]. The pair under LMK pair 14-15 variant 4, check values (A and B, 6 H each; or 6 H)."""
    f = req.fields
    zmk = req.key(f.key("ZMK"), key_type="000", usage="K0")
    wrapped = f.key("CVK pair under ZMK", plain=32)
    scheme, kcv_type = _options(req, reserved_first=True)
    f.end()
    cvk = req.key_under(wrapped, kek=zmk, **_CVK)
    letter = _form(scheme, wrapped)
    return _out(req.hsm.lmk_key(cvk, key_type="402", scheme=letter or "X"), letter) + _check_values(req, cvk, kcv_type)


@command("AU")
def au(req: Request) -> str:
    """CVK pair from LMK to ZMK: ZMK, CVK A/B under the LMK (32 H or U/X + 32 H), [; ZMK scheme, reserved,
    KCV type]. The pair under the ZMK, check values (A and B, 6 H each; or 6 H)."""
    f = req.fields
    zmk = req.key(f.key("ZMK"), key_type="000", usage="K0")
    text = f.key("CVK pair", plain=32)
    cvk = req.key(text, key_type="402", usage="C0", source=False)
    scheme, kcv_type = _options(req, reserved_first=False)
    f.end()
    letter = _form(scheme, text)
    return _out(req.hsm.export_key_under_kek(cvk, kek=zmk, scheme=letter or "X"), letter) + _check_values(
        req, cvk, kcv_type)


@command("AS")
def as_(req: Request) -> str:
    """Generate a CVK pair: [; reserved, LMK scheme, KCV type]. The pair under LMK pair 14-15 variant 4 (32 H
    without an LMK scheme, else X or U + 32 H), check values (A and B, 6 H each; or 6 H)."""
    scheme, kcv_type = _options(req, reserved_first=True)
    req.fields.end()
    cvk = req.keep(req.hsm.generate_lmk_key(key_type="402", usage="C0"))
    letter = "" if scheme == "0" else scheme
    return _out(req.hsm.lmk_key(cvk, key_type="402", scheme=letter or "X"), letter) + _check_values(req, cvk, kcv_type)
