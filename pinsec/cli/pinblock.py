"""``pinsec pinblock encode|decode|encipher|decipher``: ISO 9564-1 PIN blocks from the shell, in hex."""

from __future__ import annotations

import argparse

from .. import pinblock
from .._hex import parse_hex, to_hex
from ..errors import InvalidKeyError
from . import Output, Parser, add_command, ascii_int, pin_value

ORDER = 10


def _pin(args: argparse.Namespace) -> str:
    return pin_value(args.pin)


def _encode(args: argparse.Namespace) -> Output:
    block = to_hex(pinblock.encode(_pin(args), args.pan, format=args.format))
    return Output(block, {"format": args.format, "block": block})


def _decode(args: argparse.Namespace) -> Output:
    pin = pinblock.decode(args.block, args.pan, format=args.format)
    return Output(pin, {"format": args.format, "pin": pin})


def _encipher(args: argparse.Namespace) -> Output:
    key = parse_hex(args.key, field="key", error=InvalidKeyError)
    block = to_hex(pinblock.encipher(key, _pin(args), args.pan, format=args.format))
    return Output(block, {"format": args.format, "block": block})


def _decipher(args: argparse.Namespace) -> Output:
    key = parse_hex(args.key, field="key", error=InvalidKeyError)
    pin = pinblock.decipher(key, args.block, args.pan, format=args.format)
    return Output(pin, {"format": args.format, "pin": pin})


def _common(p: Parser, *, pin: bool, block: bool, key: bool) -> None:
    p.add_argument("--format", type=ascii_int, choices=range(5), default=0, help="ISO 9564-1 format 0-4 (default 0)")
    p.add_argument("--pan", help="the PAN (formats 0, 3 and 4)")
    if pin:
        p.add_argument("--pin", required=True, help="the PIN, or - to read it from stdin")
    if block:
        p.add_argument("--block", required=True, help="the PIN block, hex")
    if key:
        p.add_argument("--key", required=True, help="TDES (formats 0-3) or AES (format 4) key, hex")


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    group = sub.add_parser("pinblock", help="ISO 9564-1 PIN blocks", description="ISO 9564-1 PIN blocks")
    leaf = group.add_subparsers(dest="action", required=True, parser_class=Parser)
    _common(add_command(leaf, "encode", _encode, "encode a clear PIN block (format 4: the PIN field)"),
            pin=True, block=False, key=False)
    _common(add_command(leaf, "decode", _decode, "check a clear PIN block and print its PIN"),
            pin=False, block=True, key=False)
    _common(add_command(leaf, "encipher", _encipher, "encode and encipher a PIN block"),
            pin=True, block=False, key=True)
    _common(add_command(leaf, "decipher", _decipher, "decipher a PIN block and print its PIN"),
            pin=False, block=True, key=True)
