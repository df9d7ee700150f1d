"""Key management: A0 (generate), A6 (import under a ZMK), A8 (export under a ZMK), BU and KA (check
values), translations between a ZMK and the LMK: FA and GC (ZPK), FC and FE (TMK, TPK or PVK), MI and MG
(TAK), FK and FM (ZEK or ZAK), DW and DY (BDK), BY (a ZMK from a ZMK); IA and FI (a new ZPK, ZEK or ZAK
under a ZMK and the LMK), HC (a new TMK, TPK or PVK under the current one), HA (a new TAK under a TMK), BI
(a new BDK), B0 (a key under the LMK in another key scheme), AE and AG (a TMK, TPK or PVK, or a TAK, from
the LMK to a TMK)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from ...keys import KeyAttributes, KeyHandle
from ..fields import CommandError
from ..request import Request
from .key_fields import check_value, default_usage, key_length, key_scheme, key_type_code
from .registry import command


def _kek(req: Request, text: str, flag: str) -> KeyHandle:
    """A ZMK (flag 0, key type 000) or TMK (flag 1, key type 002) serving as K0."""
    if flag not in ("0", "1"):
        raise CommandError("15", "ZMK/TMK flag")
    return req.key(text, key_type="000" if flag == "0" else "002", usage="K0")


@command("A0")
def a0(req: Request) -> str:
    """Generate a key: mode (0, or 1 = also under a ZMK/TMK), key type, LMK scheme; with mode 1 an optional
    ``;`` + ZMK/TMK flag, the ZMK/TMK and the ZMK scheme. Key under LMK, [key under ZMK], KCV (6 H). Key
    type FFF with scheme S makes a key block under the key-block LMK instead (:func:`_a0_key_block`)."""
    f = req.fields
    mode = f.text(1, "mode")
    if mode not in ("0", "1"):
        raise CommandError("15", "A0 mode")
    key_type_field = f.text(3, "key type")
    if f.peek() == "S":
        return _a0_key_block(req, mode, key_type_field)
    key_type = key_type_code(key_type_field)
    lmk_scheme = key_scheme(f.text(1, "key scheme (LMK)"))
    under: tuple[KeyHandle, str] | None = None  # mode 1: the ZMK/TMK and the scheme under it
    if mode == "1":
        flag = f.text(1, "ZMK/TMK flag") if f.optional(";") else "0"
        under = _kek(req, f.key("ZMK/TMK"), flag), key_scheme(f.text(1, "key scheme (ZMK)"))
    f.end()
    key = req.keep(req.hsm.generate_lmk_key(key_type=key_type, usage=default_usage(key_type),
                                            length=24 if lmk_scheme in "TY" else 16))
    out = req.hsm.lmk_key(key, key_type=key_type, scheme=lmk_scheme)
    if under is not None:
        out += req.hsm.export_key_under_kek(key, kek=under[0], scheme=under[1])
    return out + req.hsm.check_value(key, length=3)


#: Key block algorithm fields of A0 -> (TR-31 algorithm, key length).
_KB_ALGORITHMS = {"T2": ("T", 16), "T3": ("T", 24), "A1": ("A", 16), "A2": ("A", 24), "A3": ("A", 32)}


def _a0_key_block(req: Request, mode: str, key_type: str) -> str:
    """A0 under the key-block LMK: key type FFF, scheme S, then ``#`` usage (2 A), algorithm (2 A: T2, T3,
    A1, A2, A3), mode of use (1 A), key version (2 N), exportability (1 A), optional blocks (2 N, 00 here).
    The key as an S key block, KCV (6 H)."""
    f = req.fields
    f.text(1, "key scheme (LMK)")
    f.lmk_identifier()  # before the key block's fields, where the manuals place it for A0
    if mode != "0" or key_type.upper() != "FFF" or not f.optional("#"):
        raise CommandError("15", "a key block A0 is mode 0, key type FFF, then # and the key's header fields")
    usage = f.text(2, "key usage")
    algorithm = _KB_ALGORITHMS.get(f.text(2, "algorithm"))
    mode_of_use, version = f.text(1, "mode of use"), f.digits(2, "key version")
    exportability = f.text(1, "exportability")
    if f.digits(2, "number of optional blocks") != "00":
        raise CommandError("15", "optional blocks are not taken here")
    f.end()
    if algorithm is None:
        raise CommandError("15", "algorithm")
    key = req.keep(req.hsm.generate_key(KeyAttributes(usage, algorithm[0], mode_of_use, version, exportability),
                                        length=algorithm[1]))
    return "S" + req.hsm.stored_key_block(key) + key.kcv[:6]


@command("A6")
def a6(req: Request) -> str:
    """Import a key: key type, ZMK, key under the ZMK, LMK scheme. Key under LMK, KCV (6 H)."""
    f = req.fields
    key_type = key_type_code(f.text(3, "key type"))
    zmk = _kek(req, f.key("ZMK"), "0")
    wrapped = f.key("key under ZMK")
    scheme = key_scheme(f.text(1, "key scheme (LMK)"))
    f.end()
    key = req.key_under(wrapped, kek=zmk, key_type=key_type, usage=default_usage(key_type))
    return req.hsm.lmk_key(key, key_type=key_type, scheme=scheme) + req.hsm.check_value(key, length=3)


@command("A8")
def a8(req: Request) -> str:
    """Export a key: key type, optional ``;`` + ZMK/TMK flag, ZMK/TMK, key under LMK, ZMK scheme. Key under
    the ZMK, KCV (6 H)."""
    f = req.fields
    key_type = key_type_code(f.text(3, "key type"))
    flag = f.text(1, "ZMK/TMK flag") if f.optional(";") else "0"
    kek = _kek(req, f.key("ZMK/TMK"), flag)
    key = req.key(f.key("key"), key_type=key_type, usage=default_usage(key_type), source=False)
    scheme = key_scheme(f.text(1, "key scheme (ZMK)"))
    f.end()
    return req.hsm.export_key_under_kek(key, kek=kek, scheme=scheme) + req.hsm.check_value(key, length=3)


@command("BU")
def bu(req: Request) -> str:
    """Key check value: key type code (2: the LMK pair code, or ``FF`` and ``;`` + 3-character key type after
    the key), key length flag (0, 1, 2), key, [``;`` reserved ``00``, KCV type (0: 16 H, 1: 6 H)]. The KCV
    (16 H unless asked for 6)."""
    f = req.fields
    code = f.text(2, "key type code").upper()
    length = key_length(f.text(1, "key length flag"))
    text = f.key("key")
    key_type = key_type_code(f.text(3, "key type") if code == "FF" and f.optional(";") else "0" + code)
    kcv_type = "0"
    if f.optional(";"):
        if f.text(2, "reserved") != "00":
            raise CommandError("15", "reserved field is not 00")
        kcv_type = f.text(1, "key check value type")
    f.end()
    key = req.key(text, key_type=key_type, usage=default_usage(key_type))
    if key.length != length:
        raise CommandError("27", "key length flag does not match the key")
    return check_value(req, key, kcv_type)


def _translate_options(req: Request) -> tuple[str, str]:
    """The optional ``;`` + ZMK scheme, LMK scheme and KCV type of FA, FC, GC, FE (defaults: U, U, 16 H)."""
    f = req.fields
    if not f.optional(";"):
        return "UU", "0"
    schemes = f.text(2, "key schemes (ZMK, LMK)")
    return schemes, f.text(1, "key check value type")


#: Key types whose key under a ZMK may come without a scheme letter as 32 H (a BDK is never single length).
_PLAIN_DOUBLE: Final = frozenset({"009"})


def _from_zmk(req: Request, key_type: str, usage: str) -> str:
    """ZMK, key under the ZMK [; ZMK scheme, LMK scheme, KCV type]. Key under LMK, KCV (16 H or 6 H)."""
    f = req.fields
    zmk = _kek(req, f.key("ZMK"), "0")
    wrapped = f.key("key under ZMK", plain=32 if key_type in _PLAIN_DOUBLE else 16)
    schemes, kcv_type = _translate_options(req)
    f.end()
    key = req.key_under(wrapped, kek=zmk, key_type=key_type, usage=usage)
    return req.hsm.lmk_key(key, key_type=key_type, scheme=key_scheme(schemes[1])) + check_value(req, key, kcv_type)


def _to_zmk(req: Request, key_type: str, usage: str) -> str:
    """ZMK, key under LMK [; ZMK scheme, LMK scheme, KCV type]. Key under the ZMK, KCV (16 H or 6 H)."""
    f = req.fields
    zmk = _kek(req, f.key("ZMK"), "0")
    key = req.key(f.key("key"), key_type=key_type, usage=usage, source=False)
    schemes, kcv_type = _translate_options(req)
    f.end()
    return req.hsm.export_key_under_kek(key, kek=zmk, scheme=key_scheme(schemes[0])) + check_value(req, key, kcv_type)


def _register(code: str, impl: Callable[[Request, str, str], str], key_type: str, usage: str, what: str) -> None:
    """The translations between a ZMK and the LMK share their layout (the byte after ``;`` that a
    direction does not use is reserved: FA's and FC's ZMK scheme, GC's and FE's LMK scheme)."""
    def handler(req: Request) -> str:
        return impl(req, key_type, usage)

    handler.__doc__ = f"{what}: {impl.__doc__}"
    command(code)(handler)


for _code, _impl, _type, _usage_, _what in (
        ("FA", _from_zmk, "001", "P0", "ZPK from ZMK to LMK"),
        ("GC", _to_zmk, "001", "P0", "ZPK from LMK to ZMK"),
        ("FC", _from_zmk, "002", "P0", "TMK, TPK or PVK from ZMK to LMK"),
        ("FE", _to_zmk, "002", "P0", "TMK, TPK or PVK from LMK to ZMK"),
        ("MI", _from_zmk, "003", "M0", "TAK from ZMK to LMK"),
        ("MG", _to_zmk, "003", "M0", "TAK from LMK to ZMK"),
        ("DW", _from_zmk, "009", "B0", "BDK from ZMK to LMK"),
        ("DY", _to_zmk, "009", "B0", "BDK from LMK to ZMK"),
        ("BY", _from_zmk, "000", "K0", "ZMK from ZMK to LMK")):
    _register(_code, _impl, _type, _usage_, _what)

#: FK and FM's flag: 0 a ZEK, 1 a ZAK (key type, usage).
_ZEK_ZAK: Final = {"0": ("00A", "D0"), "1": ("008", "M0")}


def _zek_or_zak(req: Request, impl: Callable[[Request, str, str], str]) -> str:
    flag = req.fields.text(1, "ZEK/ZAK flag")
    if flag not in _ZEK_ZAK:
        raise CommandError("15", "ZEK/ZAK flag")
    return impl(req, *_ZEK_ZAK[flag])


@command("FK")
def fk(req: Request) -> str:
    """ZEK or ZAK from ZMK to LMK: flag (0 ZEK, 1 ZAK), then as FA. Key under LMK, KCV."""
    return _zek_or_zak(req, _from_zmk)


@command("FM")
def fm(req: Request) -> str:
    """ZEK or ZAK from LMK to ZMK: flag (0 ZEK, 1 ZAK), then as GC. Key under the ZMK, KCV."""
    return _zek_or_zak(req, _to_zmk)


def _generate_under_zmk(req: Request, key_type: str, usage: str) -> str:
    """ZMK [; ZMK scheme, LMK scheme, KCV type]. A new key under the ZMK, under LMK, KCV (16 H or 6 H)."""
    f = req.fields
    zmk = _kek(req, f.key("ZMK"), "0")
    schemes, kcv_type = _translate_options(req)
    f.end()
    lmk_scheme, zmk_scheme = key_scheme(schemes[1]), key_scheme(schemes[0])
    key = req.keep(req.hsm.generate_lmk_key(key_type=key_type, usage=usage,
                                            length=24 if lmk_scheme in "TY" else 16))
    return (req.hsm.export_key_under_kek(key, kek=zmk, scheme=zmk_scheme)
            + req.hsm.lmk_key(key, key_type=key_type, scheme=lmk_scheme) + check_value(req, key, kcv_type))


@command("IA")
def ia(req: Request) -> str:
    """Generate a ZPK: ZMK [; ZMK scheme, LMK scheme, KCV type]. ZPK under the ZMK, under LMK, KCV."""
    return _generate_under_zmk(req, "001", "P0")


@command("FI")
def fi(req: Request) -> str:
    """Generate a ZEK or ZAK: flag (0 ZEK, 1 ZAK), then as IA. The key under the ZMK, under LMK, KCV."""
    return _zek_or_zak(req, _generate_under_zmk)


#: KA's key type codes: the LMK pair of the key (00 ZMK, 01 ZPK, 02 TMK/TPK/PVK, 03 TAK).
_KA_TYPES: Final = {"00": "000", "01": "001", "02": "002", "03": "003"}


@command("KA")
def ka(req: Request) -> str:
    """Key check value: key, key type code (2 N), [; two reserved characters, KCV type (0: 16 H, 1: 6 H)].
    KCV."""
    f = req.fields
    text = f.key("key")
    key_type = _KA_TYPES.get(f.text(2, "key type code"))
    if key_type is None:
        raise CommandError("04", "key type code")
    kcv_type = "0"
    if f.optional(";"):
        f.text(2, "reserved")
        kcv_type = f.text(1, "key check value type")
    f.end()
    return check_value(req, req.key(text, key_type=key_type, usage=default_usage(key_type)), kcv_type)


def _new_under_current(req: Request, key_type: str, usage: str, third: str, allowed: tuple[str, ...]) -> str:
    """The current TMK, TPK or PVK (key type 002), [; scheme under it, LMK scheme, ``third`` (one of
    ``allowed``): HC's KCV type (0 or 1; no KCV is returned) or HA's reserved ``0``]. A new key of
    ``key_type``, serving as ``usage``, under the current key and under the LMK."""
    f = req.fields
    current = req.key(f.key("current key"), key_type="002", usage="K0")
    schemes = "UU"
    if f.optional(";"):
        schemes = f.text(2, "key schemes")
        if f.text(1, third) not in allowed:
            raise CommandError("15", third)
    f.end()
    key = req.keep(req.hsm.generate_lmk_key(key_type=key_type, usage=usage,
                                            length=24 if schemes[1] in "TY" else 16))
    return (req.hsm.export_key_under_kek(key, kek=current, scheme=key_scheme(schemes[0]))
            + req.hsm.lmk_key(key, key_type=key_type, scheme=key_scheme(schemes[1])))


@command("HC")
def hc(req: Request) -> str:
    """Generate a TMK, TPK or PVK: the current key (key type 002, serving as a TMK), [; scheme under it, LMK
    scheme, KCV type]. The new key under the current key, and under LMK."""
    return _new_under_current(req, "002", "P0", "key check value type", ("0", "1"))


@command("HA")
def ha(req: Request) -> str:
    """Generate a TAK: the TMK (key type 002), [; scheme under the TMK, LMK scheme, reserved 0]. The TAK
    under the TMK, and under LMK pair 16-17 (key type 003)."""
    return _new_under_current(req, "003", "M0", "reserved", ("0",))


@command("BI")
def bi(req: Request) -> str:
    """Generate a BDK: [; reserved (ZMK scheme), LMK scheme, KCV type]. The BDK under LMK pair 28-29 (key
    type 009). No check value is returned, as the manuals lay the response out; the KCV type is checked."""
    f = req.fields
    lmk_scheme = "U"
    if f.optional(";"):
        f.text(1, "key scheme (ZMK), reserved")
        lmk_scheme = key_scheme(f.text(1, "key scheme (LMK)"))
        if f.text(1, "key check value type") not in ("0", "1"):
            raise CommandError("15", "key check value type")
    f.end()
    key = req.keep(req.hsm.generate_lmk_key(key_type="009", usage="B0", length=24 if lmk_scheme in "TY" else 16))
    return req.hsm.lmk_key(key, key_type="009", scheme=lmk_scheme)


@command("B0")
def b0(req: Request) -> str:
    """Translate a key to another key scheme: key type (3), the key under LMK, the new LMK scheme (X, U for a
    double-length key; Y, T for triple). The key under LMK in the new scheme."""
    f = req.fields
    key_type = key_type_code(f.text(3, "key type"))
    key = req.key(f.key("key"), key_type=key_type, usage=default_usage(key_type))
    scheme = key_scheme(f.text(1, "key scheme (LMK)"))
    f.end()
    return req.hsm.lmk_key(key, key_type=key_type, scheme=scheme)


def _to_tmk(req: Request, key_type: str, usage: str) -> str:
    """The TMK (key type 002, serving as K0), then the key under LMK: the key under the TMK, in the scheme it
    has under the LMK (U or X for double length, T or Y for triple), as the manuals' examples give it."""
    f = req.fields
    tmk = req.key(f.key("TMK"), key_type="002", usage="K0")
    text = f.key("key")
    key = req.key(text, key_type=key_type, usage=usage, source=False)
    f.end()
    return req.hsm.export_key_under_kek(key, kek=tmk, scheme=key_scheme(text[:1]))


@command("AE")
def ae(req: Request) -> str:
    """TMK, TPK or PVK from LMK to a TMK: the TMK, the key (key type 002). The key under the TMK."""
    return _to_tmk(req, "002", "P0")


@command("AG")
def ag(req: Request) -> str:
    """TAK from LMK to a TMK: the TMK, the TAK (key type 003). The TAK under the TMK."""
    return _to_tmk(req, "003", "M0")
