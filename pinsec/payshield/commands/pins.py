"""PIN commands: CA (TPK to ZPK), CC (ZPK to ZPK), CI and G0 (TDES DUKPT to ZPK), JC and JE (TPK or ZPK to LMK),
JG (LMK to ZPK), DC and EC (verify against a Visa PVV), DA and EA (verify against an IBM 3624 offset),
DG (Visa PVV of a PIN under the LMK), DE (IBM 3624 offset of a PIN under the LMK), JA (a random PIN under
the LMK), EE (the PIN of an IBM 3624 offset, under the LMK), CU (PIN change against a Visa PVV), BA and
NG (clear PINs in and out of the LMK form: the Authorised state only), BK and FW (the IBM offset or Visa PVV
of the PIN in a block: customer-selected PINs), BC and BE (verify a PIN block against
the PIN under the LMK: the comparison method), CK and CM (verify a TDES DUKPT PIN against an IBM 3624 offset
or a Visa PVV), DU (PIN change against an IBM 3624 offset), QK (a PIN under the LMK to a new account number)."""

from __future__ import annotations

from collections.abc import Callable

from ...keys import KeyHandle
from ..fields import CommandError, Fields
from ..request import Request
from .key_fields import typed_key
from .registry import command

_TPK = ("002", "P0")
_ZPK = ("001", "P0")


def _pin_key(req: Request, text: str, kind: tuple[str, str], *, source: bool = True) -> KeyHandle:
    return req.key(text, key_type=kind[0], usage=kind[1], source=source)


def _block(f: Fields) -> str:
    return f.hex(16, "PIN block")


def _translated(req: Request, block: bytes, length: int, max_length: int, dst_format: str) -> str:
    if length > max_length:
        raise CommandError("24", "PIN longer than the maximum PIN length")
    return f"{length:02d}{block.hex().upper()}{dst_format}"


def _zone_translate(req: Request, src_kind: tuple[str, str]) -> str:
    """Source key, destination ZPK, max PIN length, PIN block, source and destination formats, account.
    PIN length, block, destination format."""
    f = req.fields
    src = _pin_key(req, f.key("source key"), src_kind)
    dst = _pin_key(req, f.key("destination ZPK"), _ZPK, source=False)
    max_length = f.number(2, "maximum PIN length")
    block = _block(f)
    sf, df = f.digits(2, "source PIN block format"), f.digits(2, "destination PIN block format")
    account = f.digits(12, "account number")
    f.end()
    out, length = req.hsm.translate_pin_counted(block, src_key=src, src_format=req.pin_format(sf), dst_key=dst,
                                                dst_format=req.pin_format(df), pan=req.pan(account))
    return _translated(req, out, length, max_length, df)




def _ksn(f: Fields) -> str:
    """The KSN descriptor (3 H, read and not needed: the KSN is 20 H with a 21-bit counter) and the KSN."""
    f.hex(3, "KSN descriptor")
    return f.hex(20, "KSN")


def _dukpt_to_zpk(req: Request, *, source_format: bool) -> str:
    """BDK, ZPK, KSN descriptor (3 H), KSN (20 H), PIN block under the DUKPT PIN key, [source format],
    destination format, account. PIN length, block, destination format."""
    f = req.fields
    bdk = req.key(f.key("BDK"), key_type="009", usage="B0")
    dst = _pin_key(req, f.key("ZPK"), _ZPK, source=False)
    ksn = _ksn(f)
    block = _block(f)
    sf = req.pin_format(f.digits(2, "source PIN block format")) if source_format else 0
    df = f.digits(2, "destination PIN block format")
    account = f.digits(12, "account number")
    f.end()
    out, length = req.hsm.translate_pin_counted(block, src_key=bdk, src_format=sf, src_ksn=ksn, dst_key=dst,
                                                dst_format=req.pin_format(df), pan=req.pan(account))
    return _translated(req, out, length, 12, df)


@command("CI")
def ci(req: Request) -> str:
    """PIN from a TDES DUKPT terminal (ISO 0 under its PIN key) to a ZPK. pinsec's DUKPT is X9.24-1:2009's
    double-length one, as for G0; single-DES DUKPT is not offered."""
    return _dukpt_to_zpk(req, source_format=False)


@command("G0")
def g0(req: Request) -> str:
    """PIN from a 3DES DUKPT terminal to a ZPK, with the source PIN block format given (CI's fields plus the
    source format code before the destination's)."""
    return _dukpt_to_zpk(req, source_format=True)


def _keyed_block(req: Request, kind: tuple[str, str]) -> tuple[KeyHandle, str, int, str]:
    """The PIN key, PIN block, format and account that JC, JE, BC and BE open with."""
    f = req.fields
    key = _pin_key(req, f.key("PIN key"), kind)
    block = _block(f)
    fmt = req.pin_format(f.digits(2, "PIN block format"))
    return key, block, fmt, f.digits(12, "account number")


def _to_lmk(req: Request, kind: tuple[str, str]) -> str:
    """PIN key, PIN block, format, account. The PIN under LMK pair 02-03."""
    key, block, fmt, account = _keyed_block(req, kind)
    req.fields.end()
    return req.hsm.lmk_pin_from_block(block, key=key, format=fmt, pan=req.pan(account), account=account)




@command("JG")
def jg(req: Request) -> str:
    """ZPK, format, account, PIN under the LMK. The PIN block under the ZPK."""
    f = req.fields
    zpk = _pin_key(req, f.key("ZPK"), _ZPK, source=False)
    fmt = req.pin_format(f.digits(2, "PIN block format"))
    account = f.digits(12, "account number")
    lmk_pin = f.rest()
    f.end()
    block = req.hsm.lmk_pin_to_block(lmk_pin, account=account, key=zpk, format=fmt, pan=req.pan(account))
    return block.hex().upper()


def _compare(req: Request, kind: tuple[str, str]) -> str:
    """PIN key, PIN block, format, account, the PIN under the LMK (the comparison method). 00 or 01."""
    key, block, fmt, account = _keyed_block(req, kind)
    lmk_pin = req.fields.rest()
    req.fields.end()
    req.hsm.verify_pin_against_lmk(block, key=key, format=fmt, pan=req.pan(account), lmk_pin=lmk_pin,
                                   account=account)
    return ""


def _pvk_pair(req: Request) -> KeyHandle:
    """The PVK pair after the PIN key: the command's second key (parity error 11, as the manuals list it)."""
    return req.key(req.fields.key("PVK pair", plain=32), key_type="002", usage="V2", source=False)


def _check_pvv(req: Request, key: KeyHandle, pvk: KeyHandle, block: str, fmt: int, ksn: str | None) -> str:
    """Account, PVKI, PVV after the block; verified. 00 or 01."""
    f = req.fields
    account = f.digits(12, "account number")
    pvki = f.digits(1, "PVKI")
    pvv = f.digits(4, "PVV")
    f.end()
    req.hsm.verify_pin(block, key=key, format=fmt, pan=req.pan(account), pvk=pvk, method="visa-pvv", pvki=pvki,
                       pvv=pvv, ksn=ksn)
    return ""


def _verify_pvv(req: Request, kind: tuple[str, str]) -> str:
    """PIN key, PVK pair, PIN block, format, account, PVKI, PVV. 00 or 01."""
    f = req.fields
    key = _pin_key(req, f.key("PIN key"), kind)
    pvk = _pvk_pair(req)
    block = _block(f)
    return _check_pvv(req, key, pvk, block, req.pin_format(f.digits(2, "PIN block format")), None)


@command("CM")
def cm(req: Request) -> str:
    """Verify a TDES DUKPT PIN against a Visa PVV: BDK, PVK pair, KSN descriptor, KSN, PIN block (ISO 0
    under the DUKPT PIN key), account, PVKI, PVV. 00 or 01."""
    f = req.fields
    bdk = req.key(f.key("BDK"), key_type="009", usage="B0")
    pvk = _pvk_pair(req)
    ksn = _ksn(f)
    return _check_pvv(req, bdk, pvk, _block(f), 0, ksn)




def _validation_data(data: str, account: str) -> str:
    """12 characters with one ``N``, where the last 5 digits of the account number go (16 hex)."""
    if len(data) != 12 or data.count("N") != 1:
        raise CommandError("15", "PIN validation data is 12 characters with one N")
    expanded = data.replace("N", account[-5:])
    if any(c not in "0123456789ABCDEF" for c in expanded):
        raise CommandError("15", "PIN validation data")
    return expanded


def _offset(text: str, check_length: int) -> str:
    """An offset field (12 H): the offset's digits, then F padding."""
    digits = text.rstrip("F")
    if len(digits) != check_length or not digits.isdigit():
        raise CommandError("15", "offset")
    return digits


def _verify_ibm(req: Request, kind: tuple[str, str]) -> str:
    """PIN key, PVK, max PIN length, PIN block, format, check length, account, decimalisation table,
    validation data, offset. 00 or 01."""
    f = req.fields
    key = _pin_key(req, f.key("PIN key"), kind)
    pvk = req.key(f.key("PVK"), key_type="002", usage="V1", source=False)
    f.number(2, "maximum PIN length")
    block = _block(f)
    return _check_offset(req, key, pvk, block, req.pin_format(f.digits(2, "PIN block format")), None)


def _ibm_inputs(f: Fields) -> tuple[int, str, str, str]:
    """Check length, account, decimalisation table and validation data, as the IBM 3624 commands give them."""
    check_length = f.number(2, "check length")
    account = f.digits(12, "account number")
    table = f.digits(16, "decimalisation table")
    return check_length, account, table, _validation_data(f.text(12, "PIN validation data"), account)


def _check_offset(req: Request, key: KeyHandle, pvk: KeyHandle, block: str, fmt: int, ksn: str | None) -> str:
    """Check length, account, decimalisation table, validation data, offset after the block; verified."""
    f = req.fields
    check_length, account, table, data = _ibm_inputs(f)
    offset = _offset(f.hex(12, "offset"), check_length)
    f.end()
    req.hsm.verify_pin(block, key=key, format=fmt, pan=req.pan(account), pvk=pvk, method="ibm3624", offset=offset,
                       validation_data=data, decimalization_table=table, pin_check_length=check_length, ksn=ksn)
    return ""


@command("CK")
def ck(req: Request) -> str:
    """Verify a TDES DUKPT PIN against an IBM 3624 offset: BDK, PVK, KSN descriptor, KSN, PIN block (ISO 0
    under the DUKPT PIN key), check length, account, decimalisation table, validation data, offset."""
    f = req.fields
    bdk = req.key(f.key("BDK"), key_type="009", usage="B0")
    pvk = req.key(f.key("PVK"), key_type="002", usage="V1")
    ksn = _ksn(f)
    return _check_offset(req, bdk, pvk, _block(f), 0, ksn)




@command("DG")
def dg(req: Request) -> str:
    """PVK pair, PIN under the LMK, account, PVKI. The PVV (4 N)."""
    f = req.fields
    pvk = req.key(f.key("PVK pair", plain=32), key_type="002", usage="V2")
    rest = f.rest()
    f.end()
    if len(rest) < 18 or not rest.isdigit():
        raise CommandError("15", "PIN under LMK, account number, PVKI")
    lmk_pin, account, pvki = rest[:-13], rest[-13:-1], rest[-1]
    return req.hsm.lmk_pin_verification_value(lmk_pin, account=account, pan=req.pan(account), pvk=pvk,
                                              method="visa-pvv", pvki=pvki)


@command("DE")
def de(req: Request) -> str:
    """PVK, PIN under the LMK, check length, account, decimalisation table, validation data. The offset
    (12 H, F-padded)."""
    f = req.fields
    pvk = req.key(f.key("PVK"), key_type="002", usage="V1")  # the only key: its parity error is 10
    rest = f.rest()
    f.end()
    if len(rest) < 47:
        raise CommandError("15", "PIN under LMK and the fixed fields after it")
    lmk_pin, tail = rest[:-42], Fields(rest[-42:])
    check_length = tail.number(2, "check length")
    account = tail.digits(12, "account number")
    table = tail.digits(16, "decimalisation table")
    data = _validation_data(tail.text(12, "PIN validation data"), account)
    offset = req.hsm.lmk_pin_verification_value(lmk_pin, account=account, pan=req.pan(account), pvk=pvk,
                                                method="ibm3624", validation_data=data, decimalization_table=table,
                                                pin_check_length=check_length)
    return offset.ljust(12, "F")


def _pvv_request(req: Request) -> tuple[KeyHandle, KeyHandle, str, int, str, str]:
    """Key type (001 ZPK, 002 TPK), the PIN key, PVK pair, PIN block, format, account, PVKI: how CU and FW
    open."""
    f = req.fields
    key = _keyed_by_type(req)
    pvk = _pvk_pair(req)
    block = _block(f)
    fmt = req.pin_format(f.digits(2, "PIN block format"))
    return key, pvk, block, fmt, f.digits(12, "account number"), f.digits(1, "PVKI")


@command("CU")
def cu(req: Request) -> str:
    """Verify a PIN against its Visa PVV and give the new PIN's PVV (PIN change): key type (001 ZPK or 002
    TPK), the key, PVK pair, current PIN block, format, account, PVKI, current PVV, new PIN block. The new
    PVV, only when the current PIN verified (else 01)."""
    f = req.fields
    key, pvk, current, fmt, account, pvki = _pvv_request(req)
    pvv = f.digits(4, "PVV")
    new = _block(f)
    f.end()
    pan = req.pan(account)
    req.hsm.verify_pin(current, key=key, format=fmt, pan=pan, pvk=pvk, method="visa-pvv", pvki=pvki, pvv=pvv)
    return req.hsm.pin_verification_value(new, key=key, format=fmt, pan=pan, pvk=pvk, method="visa-pvv", pvki=pvki)


@command("BA")
def ba(req: Request) -> str:
    """Encrypt a clear PIN (Authorised state only): the PIN, left-justified and padded with F to its length
    under the LMK, then the account. The PIN under LMK pair 02-03."""
    f = req.fields
    rest = f.rest()
    f.end()
    field, account = rest[:-12], rest[-12:]
    pin = field.rstrip("F")
    if not account.isdigit() or len(field) != len(pin) + 1 or not pin.isdigit():
        raise CommandError("15", "PIN (padded with one F) and account number")
    return req.hsm.lmk_pin_from_clear(pin, account=account)


@command("NG")
def ng(req: Request) -> str:
    """Decrypt a PIN under the LMK (Authorised state only): account, PIN under LMK pair 02-03. The clear PIN,
    padded with F to the length of the PIN under the LMK."""
    f = req.fields
    account = f.digits(12, "account number")
    lmk_pin = f.rest()
    f.end()
    return req.hsm.clear_pin_from_lmk(lmk_pin, account=account).ljust(len(lmk_pin), "F")


@command("QK")
def qk(req: Request) -> str:
    """A PIN under the LMK for a new account number (a reissued card): the PIN under LMK pair 02-03, the
    account (12 N), the new account (12 N). The PIN under the LMK for the new account."""
    f = req.fields
    rest = f.rest()
    f.end()
    lmk_pin, account, new_account = rest[:-24], rest[-24:-12], rest[-12:]
    if len(lmk_pin) < 5 or not (account + new_account).isdigit():
        raise CommandError("15", "PIN under LMK, account number, new account number")
    return req.hsm.rebind_lmk_pin(lmk_pin, account=account, new_account=new_account)


@command("JA")
def ja(req: Request) -> str:
    """Generate a random PIN: account, PIN length (2 N). The PIN under LMK pair 02-03."""
    f = req.fields
    account = f.digits(12, "account number")
    length = f.number(2, "PIN length")
    f.end()
    if not 4 <= length <= 12:
        raise CommandError("24", "PIN length")
    return req.hsm.generate_lmk_pin(length=length, account=account)


@command("EE")
def ee(req: Request) -> str:
    """Derive a PIN by the IBM method: PVK, offset (12 H), check length, account, decimalisation table,
    validation data. The PIN under LMK pair 02-03 (as long as the check length)."""
    f = req.fields
    pvk = req.key(f.key("PVK"), key_type="002", usage="V1")
    offset_field = f.hex(12, "offset")
    check_length = f.number(2, "check length")
    account = f.digits(12, "account number")
    table = f.digits(16, "decimalisation table")
    data = _validation_data(f.text(12, "PIN validation data"), account)
    f.end()
    return req.hsm.lmk_pin_from_offset(_offset(offset_field, check_length), account=account, pvk=pvk,
                                       validation_data=data, decimalization_table=table)


def _register(code: str, impl: Callable[[Request, tuple[str, str]], str], kind: tuple[str, str]) -> None:
    """The terminal (TPK) and interchange (ZPK) twins of a command share their layout."""
    def handler(req: Request) -> str:
        return impl(req, kind)

    handler.__doc__ = f"{impl.__doc__} ({'TPK' if kind is _TPK else 'ZPK'} as the PIN key.)"
    command(code)(handler)


for _code, _impl, _kind in (("CA", _zone_translate, _TPK), ("CC", _zone_translate, _ZPK), ("JC", _to_lmk, _TPK),
                            ("JE", _to_lmk, _ZPK), ("DC", _verify_pvv, _TPK), ("EC", _verify_pvv, _ZPK),
                            ("DA", _verify_ibm, _TPK), ("EA", _verify_ibm, _ZPK), ("BC", _compare, _TPK),
                            ("BE", _compare, _ZPK)):
    _register(_code, _impl, _kind)


def _keyed_by_type(req: Request) -> KeyHandle:
    """Key type (001 ZPK, 002 TPK; FFF with an ``S`` key block) and the PIN key, as BK, FW, CU and DU open."""
    key_type = req.fields.text(3, "key type").upper()
    text = req.fields.key("PIN key")
    return _pin_key(req, text, _TPK if typed_key(key_type, text, ("001", "002"), error="04") == "002" else _ZPK)


def _ibm_request(req: Request) -> tuple[KeyHandle, KeyHandle, str, int, tuple[int, str, str, str]]:
    """Key type (001 ZPK, 002 TPK), the PIN key, PVK, PIN block, format, then check length, account,
    decimalisation table and validation data: how BK and DU open."""
    f = req.fields
    key = _keyed_by_type(req)
    pvk = req.key(f.key("PVK"), key_type="002", usage="V1", source=False)
    block = _block(f)
    return key, pvk, block, req.pin_format(f.digits(2, "PIN block format")), _ibm_inputs(f)


def _offset_of(req: Request, block: str, key: KeyHandle, pvk: KeyHandle, fmt: int,
               ibm: tuple[int, str, str, str]) -> str:
    """The IBM 3624 offset of the PIN in ``block`` (12 H, F-padded)."""
    check_length, account, table, data = ibm
    offset = req.hsm.pin_verification_value(block, key=key, format=fmt, pan=req.pan(account), pvk=pvk,
                                            method="ibm3624", validation_data=data, decimalization_table=table,
                                            pin_check_length=check_length)
    return offset.ljust(12, "F")


@command("DU")
def du(req: Request) -> str:
    """Verify a PIN against its IBM 3624 offset and give the new PIN's offset (PIN change, CU's IBM twin):
    key type (001 ZPK or 002 TPK), the key, PVK, current PIN block, format, check length, account,
    decimalisation table, validation data, current offset, new PIN block. The new offset (12 H, F-padded),
    only when the current PIN verified (else 01)."""
    f = req.fields
    key, pvk, current, fmt, ibm = _ibm_request(req)
    check_length, account, table, data = ibm
    offset = _offset(f.hex(12, "offset"), check_length)
    new = _block(f)
    f.end()
    req.hsm.verify_pin(current, key=key, format=fmt, pan=req.pan(account), pvk=pvk, method="ibm3624",
                       offset=offset, validation_data=data, decimalization_table=table,
                       pin_check_length=check_length)
    return _offset_of(req, new, key, pvk, fmt, ibm)


@command("BK")
def bk(req: Request) -> str:
    """The IBM 3624 offset of the PIN in a PIN block (a customer-selected PIN): key type (001 ZPK, 002 TPK), the
    key, PVK, PIN block, format, check length, account, decimalisation table, validation data. The offset
    (12 H, F-padded)."""
    key, pvk, block, fmt, ibm = _ibm_request(req)
    req.fields.end()
    return _offset_of(req, block, key, pvk, fmt, ibm)


@command("FW")
def fw(req: Request) -> str:
    """The Visa PVV of the PIN in a PIN block: key type (001 ZPK, 002 TPK), the key, PVK pair, PIN block,
    format, account, PVKI. The PVV (4 N)."""
    key, pvk, block, fmt, account, pvki = _pvv_request(req)
    req.fields.end()
    return req.hsm.pin_verification_value(block, key=key, format=fmt, pan=req.pan(account), pvk=pvk,
                                          method="visa-pvv", pvki=pvki)
