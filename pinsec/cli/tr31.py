"""``pinsec tr31 inspect|wrap|unwrap`` and ``pinsec kcv``: key blocks and check values from the shell."""

from __future__ import annotations

import argparse

from .. import kcv, tr31
from .._hex import parse_hex, to_hex
from ..errors import InvalidKeyError, KeyBlockHeaderError
from . import Output, Parser, add_command, add_positional_or_option, ascii_int, positional_or_option

ORDER = 30


def _describe(h: tr31.Header) -> dict[str, object]:
    return {
        "version": h.version,
        "length": h.length,
        "key_usage": h.key_usage.value,
        "key_usage_name": h.key_usage.name,
        "algorithm": h.algorithm.value,
        "mode_of_use": h.mode_of_use.value,
        "key_version": h.key_version,
        "exportability": h.exportability.value,
        "key_context": h.key_context,
        "optional_blocks": [{"id": b.id, "data": b.data} for b in h.optional_blocks],
    }


def _text(d: dict[str, object]) -> str:
    lines = [f"{k}: {v}" for k, v in d.items() if k != "optional_blocks"]
    blocks = d["optional_blocks"]
    assert isinstance(blocks, list)
    lines += [f"optional block {b['id']}: {b['data']}" for b in blocks]
    return "\n".join(lines)


def _inspect(args: argparse.Namespace) -> Output:
    text = positional_or_option(args, "block")
    h = tr31.Header.parse(text, lenient=args.lenient)
    if len(text) > h.header_length and len(text) != h.length:  # a whole block, not just its header
        raise KeyBlockHeaderError(f"the block is {len(text)} characters but its length field says {h.length}",
                                  code="length_mismatch", field="length")
    d = _describe(h)
    return Output(_text(d), d)


def _wrap(args: argparse.Namespace) -> Output:
    block = tr31.wrap(parse_hex(args.kbpk, field="KBPK", error=InvalidKeyError),
                      parse_hex(args.key, field="key", error=InvalidKeyError), args.header,
                      masked_key_length=args.masked_key_length, lenient=args.lenient,
                      key_check=args.key_check, kbpk_check=args.kbpk_check)
    return Output(block, {"key_block": block})


def _unwrap(args: argparse.Namespace) -> Output:
    h, key = tr31.unwrap(parse_hex(args.kbpk, field="KBPK", error=InvalidKeyError), positional_or_option(args, "block"),
                         lenient=args.lenient)
    d = _describe(h)
    d["key"] = to_hex(key)
    return Output(to_hex(key), d)


def _kcv(args: argparse.Namespace) -> Output:
    key = parse_hex(positional_or_option(args, "key"), field="key", error=InvalidKeyError)
    algorithm = args.algorithm
    if algorithm is None:  # infer nothing silently: only a single-DES length says what it is
        if len(key) != 8:
            hint = "AES: use --algorithm A" if len(key) == 32 else "TDES or AES: give --algorithm T or A"
            raise InvalidKeyError(f"a {len(key)}-byte key may be {hint}", code="algorithm_required",
                                  field="algorithm")
        algorithm = "T"
    value = kcv.kcv(key, algorithm=algorithm, method=args.method, length=args.length)
    return Output(value, {"kcv": value, "method": args.method})


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    group = sub.add_parser("tr31", help="TR-31 / X9.143 key blocks", description="TR-31 / X9.143 key blocks")
    leaf = group.add_subparsers(dest="action", required=True, parser_class=Parser)
    p = add_command(leaf, "inspect", _inspect, "show a key block's header and optional blocks (no KBPK, no key)")
    add_positional_or_option(p, "block", "the key block")
    p.add_argument("--lenient", action="store_true", help="read proprietary and non-table values (docs/tr31.md)")
    p = add_command(leaf, "wrap", _wrap, "wrap a clear key (test rigs)")
    p.add_argument("--kbpk", required=True, help="key block protection key, hex")
    p.add_argument("--key", required=True, help="the key, hex")
    p.add_argument("--header", required=True, help="header, e.g. D0000P0AE00E0000 (length computed)")
    p.add_argument("--masked-key-length", type=ascii_int, help="pad as if the key had this many bytes")
    p.add_argument("--key-check", choices=["legacy", "cmac"], help="add a KC block")
    p.add_argument("--kbpk-check", choices=["legacy", "cmac"], help="add a KP block")
    p.add_argument("--lenient", action="store_true", help="read proprietary and non-table values (docs/tr31.md)")
    p = add_command(leaf, "unwrap", _unwrap, "unwrap a key block and print the clear key (test rigs)")
    add_positional_or_option(p, "block", "the key block")
    p.add_argument("--kbpk", required=True, help="key block protection key, hex")
    p.add_argument("--lenient", action="store_true", help="read proprietary and non-table values (docs/tr31.md)")
    p = add_command(sub, "kcv", _kcv, "key check value of a clear key (test rigs)")
    add_positional_or_option(p, "key", "the key, hex")
    p.add_argument("--algorithm", choices=["T", "A"], help="T (TDES) or A (AES); required unless the key is 8 bytes")
    p.add_argument("--method", choices=["legacy", "cmac"], default="legacy", help="legacy (zero block) or cmac")
    p.add_argument("--length", type=ascii_int, help="bytes (default 3 legacy, 5 CMAC)")
