"""``pinsec dukpt tdes|aes derive|originator``: DUKPT keys from the shell (test rigs; keys print in hex)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import TypeVar

from .._hex import parse_hex, to_hex
from ..dukpt import aes, tdes
from ..errors import DataError, InvalidKeyError
from . import Output, Parser, add_command, positive_int

ORDER = 20
T = TypeVar("T")

_TDES_USAGES = {u.name.lower().replace("_", "-"): u for u in tdes.KeyUsage}
_AES_USAGES = {
    "pin": aes.KeyUsage.PIN_ENCRYPTION,
    "mac-generation": aes.KeyUsage.MAC_GENERATION,
    "mac-verification": aes.KeyUsage.MAC_VERIFICATION,
    "mac-both": aes.KeyUsage.MAC_BOTH_WAYS,
    "data-encrypt": aes.KeyUsage.DATA_ENCRYPTION_ENCRYPT,
    "data-decrypt": aes.KeyUsage.DATA_ENCRYPTION_DECRYPT,
    "data-both": aes.KeyUsage.DATA_ENCRYPTION_BOTH_WAYS,
    "key-encryption": aes.KeyUsage.KEY_ENCRYPTION_KEY,
    "key-derivation": aes.KeyUsage.KEY_DERIVATION,
    "initial-key-derivation": aes.KeyUsage.KEY_DERIVATION_INITIAL_KEY,
}


def _key(text: str, field: str) -> bytes:
    return parse_hex(text, field=field, error=InvalidKeyError)


def _choice(table: Mapping[str, T], value: str, field: str) -> T:
    try:
        return table[value]
    except KeyError:
        raise DataError(f"{field} must be one of {', '.join(table)}", field=field) from None


def _tdes_derive(args: argparse.Namespace) -> Output:
    usage = _choice(_TDES_USAGES, args.usage, "usage")
    bdk = _key(args.bdk, "bdk")
    key = tdes.derive_working_key(bdk, args.ksn, usage, data_variant_only=args.data_variant_only, lenient=args.lenient)
    data = {
        "ksn": args.ksn.upper(),
        "usage": args.usage,
        "key": to_hex(key),
        "ipek": to_hex(tdes.derive_ipek(bdk, args.ksn)),
    }
    return Output(to_hex(key), data)


def _aes_derive(args: argparse.Namespace) -> Output:
    usage = _choice(_AES_USAGES, args.usage, "usage")
    key_type = _choice({t.name.lower(): t for t in aes.KeyType}, args.key_type.lower(), "key type")
    bdk = _key(args.bdk, "bdk")
    key = aes.derive_working_key(bdk, args.ksn, usage, key_type, lenient=args.lenient)
    ksn = parse_hex(args.ksn, field="KSN")
    data = {
        "ksn": args.ksn.upper(),
        "usage": args.usage,
        "key_type": key_type.name,
        "key": to_hex(key),
        "initial_key": to_hex(aes.derive_initial_key(bdk, ksn[:8])),
    }
    return Output(to_hex(key), data)


def _sequence(pairs: list[tuple[bytes, bytes]]) -> Output:
    rows = [(to_hex(ksn), to_hex(key)) for ksn, key in pairs]
    text = "\n".join(f"{k}  {p}" for k, p in rows)
    return Output(text, {"transactions": [{"ksn": k, "pin_key": p} for k, p in rows]})


def _tdes_sequence(args: argparse.Namespace) -> Output:
    if int.from_bytes(parse_hex(args.ksn, field="KSN", lengths=(10,)), "big") & tdes.COUNTER_MASK:
        raise DataError("--ksn is the initial KSN: its counter (the last 21 bits) must be zero, else it would be "
                        "ignored", code="ksn_counter_not_zero", field="ksn")
    o = tdes.Originator.from_bdk(_key(args.bdk, "bdk"), args.ksn)
    return _sequence([(t.ksn, t.pin_key) for t in (o.next() for _ in range(args.count))])


def _aes_sequence(args: argparse.Namespace) -> Output:
    o = aes.Originator.from_bdk(_key(args.bdk, "bdk"), args.initial_key_id)
    return _sequence([(t.ksn, t.key(aes.KeyUsage.PIN_ENCRYPTION)) for t in (o.next() for _ in range(args.count))])


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    group = sub.add_parser("dukpt", help="DUKPT key derivation", description="DUKPT key derivation (test rigs)")
    kinds = group.add_subparsers(dest="kind", required=True, parser_class=Parser)
    t = kinds.add_parser("tdes", help="TDES DUKPT, ANSI X9.24-1:2009").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = add_command(t, "derive", _tdes_derive, "derive a working key from a BDK and KSN")
    p.add_argument("--bdk", required=True, help="BDK, 16 or 24 bytes hex")
    p.add_argument("--ksn", required=True, help="KSN, 10 bytes hex")
    p.add_argument("--usage", default="pin", choices=list(_TDES_USAGES), help="which working key (default pin)")
    p.add_argument("--data-variant-only", action="store_true", help="data keys without the one-way function")
    p.add_argument("--lenient", action="store_true", help="derive for counters an originator never uses")
    p = add_command(t, "originator", _tdes_sequence, "the first transactions of a terminal (KSN and PIN key)")
    p.add_argument("--bdk", required=True, help="BDK, hex")
    p.add_argument("--ksn", required=True, help="initial KSN")
    p.add_argument("--count", type=positive_int, default=5, help="how many transactions (at least 1, default 5)")
    a = kinds.add_parser("aes", help="AES DUKPT, ANSI X9.24-3:2017").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = add_command(a, "derive", _aes_derive, "derive a working key from a BDK and KSN")
    p.add_argument("--bdk", required=True, help="BDK, 16, 24 or 32 bytes hex")
    p.add_argument("--ksn", required=True, help="KSN, 12 bytes hex")
    p.add_argument("--usage", default="pin", choices=list(_AES_USAGES), help="which working key (default pin)")
    p.add_argument("--key-type", default="aes128", help="tdes2, tdes3, aes128, aes192, aes256, hmac128 ...")
    p.add_argument("--lenient", action="store_true", help="derive for counters an originator never uses")
    p = add_command(a, "originator", _aes_sequence, "the first transactions of a terminal (KSN and PIN key)")
    p.add_argument("--bdk", required=True, help="BDK, hex")
    p.add_argument("--initial-key-id", required=True, help="8 bytes hex")
    p.add_argument("--count", type=positive_int, default=5, help="how many transactions (at least 1, default 5)")
