"""``pinsec hsm ...``: what the library's :class:`~pinsec.Hsm` does with stored keys, from the shell.

Verify a PIN (IBM 3624 offset or Visa PVV), compute the offset or PVV of a PIN block, compute and verify
CVVs and MACs. Keys are named by their id in the key store; nothing clear goes in or comes out.
Verification answers ``verified`` (exit 0) or the ``pin_mismatch`` / ``mac_mismatch`` / ``cvv_mismatch``
error (exit 2).
"""

from __future__ import annotations

import argparse

from .._hex import parse_hex, to_hex
from . import Output, Parser, add_command, ascii_int
from .hsm import open_hsm, store_options

ORDER = 56


def _pin_source(p: Parser) -> None:
    p.add_argument("--block", required=True, help="the encrypted PIN block, hex")
    p.add_argument("--key", required=True, help="id of the PIN key (P0), or of the BDK with --ksn")
    p.add_argument("--format", type=ascii_int, required=True, choices=range(5), help="ISO 9564-1 format 0-4")
    p.add_argument("--pan", help="the PAN (formats 0, 3 and 4; Visa PVV)")
    p.add_argument("--ksn", help="the terminal's KSN, hex (DUKPT source)")
    p.add_argument("--pvk", required=True, help="id of the PIN verification key (V1 IBM 3624, V2 Visa PVV)")
    p.add_argument("--method", choices=["ibm3624", "visa-pvv"], default="ibm3624", help="default ibm3624")
    p.add_argument("--validation-data", help="IBM 3624 validation data, 16 hex digits")
    p.add_argument("--table", help="IBM 3624 decimalisation table (default 0123456789012345)")
    p.add_argument("--check-length", type=ascii_int, help="IBM 3624 PIN digits checked (default all)")
    p.add_argument("--pvki", help="Visa PVV key index, one digit")


def _verification(args: argparse.Namespace) -> dict[str, object]:
    return {"format": args.format, "pan": args.pan, "ksn": args.ksn, "method": args.method,
            "validation_data": args.validation_data, "decimalization_table": args.table,
            "pin_check_length": args.check_length, "pvki": args.pvki}


def _verify_pin(args: argparse.Namespace) -> Output:
    hsm = open_hsm(args)
    hsm.verify_pin(args.block, key=hsm.key(args.key), pvk=hsm.key(args.pvk), offset=args.offset, pvv=args.pvv,
                   **_verification(args))  # type: ignore[arg-type]
    return Output("verified", {"verified": True})


def _pin_value(args: argparse.Namespace) -> Output:
    hsm = open_hsm(args)
    value = hsm.pin_verification_value(args.block, key=hsm.key(args.key), pvk=hsm.key(args.pvk),
                                       **_verification(args))  # type: ignore[arg-type]
    name = "offset" if args.method == "ibm3624" else "pvv"
    return Output(value, {name: value})


def _card(p: Parser) -> None:
    p.add_argument("--key", required=True, help="id of the card verification key (C0)")
    p.add_argument("--pan", required=True, help="the PAN")
    p.add_argument("--expiry", required=True, help="expiry date, YYMM")
    p.add_argument("--service-code", required=True, help="service code, 3 digits (000 CVV2, 999 iCVV)")


def _cvv(args: argparse.Namespace) -> Output:
    hsm = open_hsm(args)
    value = hsm.generate_cvv(hsm.key(args.key), pan=args.pan, expiry=args.expiry, service_code=args.service_code)
    return Output(value, {"cvv": value})


def _verify_cvv(args: argparse.Namespace) -> Output:
    hsm = open_hsm(args)
    hsm.verify_cvv(hsm.key(args.key), args.cvv, pan=args.pan, expiry=args.expiry, service_code=args.service_code)
    return Output("verified", {"verified": True})


def _message(p: Parser) -> None:
    p.add_argument("--key", required=True, help="id of the MAC key (M0-M7), or of the BDK with --ksn")
    p.add_argument("--data", required=True, help="the message, hex")
    p.add_argument("--ksn", help="KSN, hex (DUKPT MAC keys)")
    p.add_argument("--direction", choices=["request", "response"], default="request",
                   help="DUKPT MAC key of the request or the response (default request)")
    p.add_argument("--padding", type=ascii_int, choices=[1, 2, 3], default=1,
                   help="ISO 9797-1 padding method for algorithms 1 and 3 (default 1)")


def _mac(args: argparse.Namespace) -> Output:
    hsm = open_hsm(args)
    value = to_hex(hsm.generate_mac(hsm.key(args.key), parse_hex(args.data, field="data"), ksn=args.ksn,
                                    direction=args.direction, padding=args.padding, length=args.length))
    return Output(value, {"mac": value})


def _verify_mac(args: argparse.Namespace) -> Output:
    hsm = open_hsm(args)
    hsm.verify_mac(hsm.key(args.key), parse_hex(args.data, field="data"), parse_hex(args.mac, field="mac"),
                   ksn=args.ksn, direction=args.direction, padding=args.padding)
    return Output("verified", {"verified": True})


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    group = sub.add_parser("hsm", help="PIN, CVV and MAC operations with stored keys",
                           description="PIN, CVV and MAC operations with keys in a key store")
    leaf = group.add_subparsers(dest="action", required=True, parser_class=Parser)
    p = store_options(add_command(leaf, "verify-pin", _verify_pin,
                                  "verify the PIN in a PIN block (IBM 3624 or Visa PVV)"))
    _pin_source(p)
    p.add_argument("--offset", help="IBM 3624 offset")
    p.add_argument("--pvv", help="Visa PVV")
    p = store_options(add_command(leaf, "pin-value", _pin_value,
                                  "the IBM 3624 offset or Visa PVV of the PIN in a block"))
    _pin_source(p)
    p = store_options(add_command(leaf, "cvv", _cvv, "CVV / CVV2 / iCVV of a card"))
    _card(p)
    p = store_options(add_command(leaf, "verify-cvv", _verify_cvv, "verify a CVV"))
    _card(p)
    p.add_argument("--cvv", required=True, help="the CVV, 3 digits")
    p = store_options(add_command(leaf, "mac", _mac, "MAC of a message (the key's usage fixes the algorithm)"))
    _message(p)
    p.add_argument("--length", type=ascii_int, help="truncate to this many bytes")
    p = store_options(add_command(leaf, "verify-mac", _verify_mac, "verify a MAC"))
    _message(p)
    p.add_argument("--mac", required=True, help="the MAC, hex")
