"""``pinsec payshield ...``: the console operations of a payShield, which are never host commands and
need ``--authorized``: forming a key from clear components, and generating a variant LMK."""

from __future__ import annotations

import argparse
import secrets

from ..backends.software import SoftwareBackend, adjust_parity, check_not_degenerate
from ..errors import DataError, KeyPolicyError
from ..hsm import Hsm
from ..hsm.variant_policy import KEY_TYPES
from ..variant_lmk import VariantLmk
from . import Output, Parser, add_command, add_group, create_secret_file

ORDER = 71


def variant_lmk(value: str) -> VariantLmk:
    """The ``--variant-lmk`` value: ``test`` (the published test set) or a file."""
    return VariantLmk.test() if value == "test" else VariantLmk.load(value)


def add_variant_lmk_option(parser: Parser) -> None:
    parser.add_argument("--variant-lmk", default="test", metavar="test|FILE",
                        help="the variant LMK: 'test' (the published test set, default) or a file of 20 hex pairs")


def _authorized(args: argparse.Namespace, what: str) -> None:
    if not args.authorized:
        raise KeyPolicyError(f"{what} is a console operation of the Authorised state: add --authorized",
                             code="not_authorized", field="authorized")


def _form_key(args: argparse.Namespace) -> Output:
    _authorized(args, "forming a key from components")
    lmk = variant_lmk(args.variant_lmk)
    key_type = args.key_type.upper()
    usage = args.usage or sorted(KEY_TYPES.get(key_type, ("", frozenset({"P0"})))[1])[0]
    hsm = Hsm(SoftwareBackend(variant_lmk=lmk), authorized=True)
    key = hsm.form_lmk_key(args.component, kcvs=args.component_kcv or [], key_type=key_type, usage=usage,
                           kcv=args.kcv)
    cryptogram = hsm.lmk_key(key, key_type=key_type, scheme=args.scheme)
    check = hsm.check_value(key, length=3)
    return Output(f"key under LMK ({key_type}, scheme {args.scheme}): {cryptogram}\nKCV: {check}",
                  {"key": cryptogram, "key_type": key_type, "usage": usage, "kcv": check, "test_lmk": lmk.is_test})


def _generate_lmk(args: argparse.Namespace) -> Output:
    _authorized(args, "generating an LMK")
    pairs: list[bytes] = []
    while len(pairs) < 20:
        pair = adjust_parity(secrets.token_bytes(16))
        try:
            check_not_degenerate(pair, "T")
        except DataError:
            continue
        pairs.append(pair)
    lmk = VariantLmk(pairs)
    path = create_secret_file(args.out, "; pinsec variant LMK, pairs 00-01 to 38-39\n"
                              + "".join(p.hex().upper() + "\n" for p in pairs))
    return Output(f"variant LMK written to {path} (mode 600); check value {lmk.check_value()}",
                  {"variant_lmk_file": path, "check_value": lmk.check_value()})


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    leaf = add_group(sub, "payshield", "payShield console operations: never host commands, need --authorized")
    p = add_command(leaf, "form-key", _form_key, "form a key under the variant LMK from 2 or 3 clear components")
    p.add_argument("--authorized", action="store_true", help="the Authorised state (required)")
    add_variant_lmk_option(p)
    p.add_argument("--key-type", required=True, help="key type code, e.g. 000 ZMK, 001 ZPK, 009 BDK")
    p.add_argument("--usage", help="TR-31 usage the key type allows (default: its first)")
    p.add_argument("--component", action="append", required=True, help="clear component, hex (2 or 3 times)")
    p.add_argument("--component-kcv", action="append", help="KCV of each component, in order")
    p.add_argument("--kcv", help="KCV the formed key must have")
    p.add_argument("--scheme", default="U", choices=["X", "U", "Y", "T"], help="key scheme under the LMK")
    p = add_command(leaf, "generate-lmk", _generate_lmk, "generate a random variant LMK into a new file (mode 600)")
    p.add_argument("--authorized", action="store_true", help="the Authorised state (required)")
    p.add_argument("--out", required=True, help="the file to create; an existing file is never overwritten")
