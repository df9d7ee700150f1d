"""``pinsec pin ...`` and ``pinsec mac ...``: verification values and MACs with clear keys (test rigs)."""

from __future__ import annotations

import argparse

from .. import mac, pin
from .._hex import parse_hex, to_hex
from ..errors import DataError, InvalidKeyError
from . import Output, Parser, add_command, ascii_int, pin_value

ORDER = 40


def _key(text: str, field: str) -> bytes:
    return parse_hex(text, field=field, error=InvalidKeyError)


def _offset(args: argparse.Namespace) -> Output:
    value = pin.ibm3624_offset(_key(args.pvk, "pvk"), pin_value(args.pin), args.validation_data, args.table,
                               pin_check_length=args.check_length)
    return Output(value, {"offset": value})


def _verify_offset(args: argparse.Namespace) -> Output:
    pin.verify_ibm3624(_key(args.pvk, "pvk"), pin_value(args.pin), args.offset, args.validation_data, args.table,
                       pin_check_length=args.check_length)
    return Output("verified", {"verified": True})


def _pvv(args: argparse.Namespace) -> Output:
    value = pin.visa_pvv(_key(args.pvk, "pvk"), args.pan, args.pvki, pin_value(args.pin))
    return Output(value, {"pvv": value})


def _cvv(args: argparse.Namespace) -> Output:
    value = pin.cvv(_key(args.cvk, "cvk"), args.pan, args.expiry, args.service_code)
    return Output(value, {"cvv": value})


def _mac_value(args: argparse.Namespace, length: int | None) -> bytes:
    key, data = _key(args.key, "key"), parse_hex(args.data, field="data")
    if args.padding is not None and args.alg not in ("retail", "cbc"):
        raise DataError(f"--padding is for the ISO 9797-1 MACs (retail, cbc); {args.alg} has its own",
                        code="padding_not_applicable", field="padding")
    args.padding = args.padding or 1
    if args.alg == "retail":
        return mac.retail_mac(key, data, padding=args.padding, length=length or 8)
    if args.alg == "cbc":
        return mac.cbc_mac(key, data, padding=args.padding, length=length or 8)
    if args.alg in ("cmac-aes", "cmac-tdes"):
        return mac.cmac(key, data, algorithm="aes" if args.alg == "cmac-aes" else "tdes", length=length)
    return mac.hmac_sha256(key, data, length=length)


def _mac_generate(args: argparse.Namespace) -> Output:
    value = to_hex(_mac_value(args, args.length))
    return Output(value, {"mac": value})


def _mac_verify(args: argparse.Namespace) -> Output:
    expected = parse_hex(args.mac, field="mac")
    mac.verify(_mac_value(args, len(expected)), expected)
    return Output("verified", {"verified": True})


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    group = sub.add_parser("pin", help="PIN verification values and CVVs (clear keys, test rigs)")
    leaf = group.add_subparsers(dest="action", required=True, parser_class=Parser)
    for name, handler, helptext in (("ibm3624-offset", _offset, "IBM 3624 offset of a PIN"),
                                    ("ibm3624-verify", _verify_offset, "verify a PIN against an IBM 3624 offset")):
        p = add_command(leaf, name, handler, helptext)
        p.add_argument("--pvk", required=True, help="PIN verification key, hex")
        p.add_argument("--pin", required=True, help="the PIN, or - to read it from stdin")
        p.add_argument("--validation-data", required=True, help="16 hex digits, already padded")
        p.add_argument("--table", default=pin.STANDARD_DECIMALIZATION_TABLE, help="decimalization table")
        p.add_argument("--check-length", type=ascii_int, help="PIN digits checked (default all)")
        if name == "ibm3624-verify":
            p.add_argument("--offset", required=True, help="the IBM 3624 offset")
    p = add_command(leaf, "pvv", _pvv, "Visa PVV of a PIN")
    p.add_argument("--pvk", required=True, help="PIN verification key, hex")
    p.add_argument("--pan", required=True, help="the PAN, decimal digits")
    p.add_argument("--pvki", required=True, help="PVK index, one digit")
    p.add_argument("--pin", required=True, help="the PIN, or - to read it from stdin")
    p = add_command(leaf, "cvv", _cvv, "CVV/CVC (service code 000 for CVV2, 999 for iCVV)")
    p.add_argument("--cvk", required=True, help="card verification key, 16 bytes hex")
    p.add_argument("--pan", required=True, help="the PAN, decimal digits")
    p.add_argument("--expiry", required=True, help="expiry date, YYMM")
    p.add_argument("--service-code", required=True, help="service code, 3 digits (000 CVV2, 999 iCVV)")

    group = sub.add_parser("mac", help="MACs with clear keys (test rigs)")
    leaf = group.add_subparsers(dest="action", required=True, parser_class=Parser)
    for name, handler in (("generate", _mac_generate), ("verify", _mac_verify)):
        p = add_command(leaf, name, handler, f"{name} a MAC")
        p.add_argument("--algorithm", "--alg", dest="alg", required=True,
                       choices=["retail", "cbc", "cmac-aes", "cmac-tdes", "hmac"],
                       help="MAC algorithm")
        p.add_argument("--key", required=True, help="hex")
        p.add_argument("--data", required=True, help="hex")
        p.add_argument("--padding", type=ascii_int, choices=[1, 2, 3],
                       help="ISO 9797-1 padding method for retail and cbc (default 1)")
        if name == "generate":
            p.add_argument("--length", type=ascii_int, help="truncate to this many bytes")
        else:
            p.add_argument("--mac", required=True, help="hex")
