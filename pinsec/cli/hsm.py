"""``pinsec key ...`` and ``pinsec translate``: the software HSM over a key store, from the shell.

The key store is a file of key blocks under the LMK; the LMK comes from ``--lmk-file``, ``$PINSEC_LMK_FILE``
or ``$PINSEC_LMK`` (hex), never from the command line itself. Clear keys and components enter only with
``--authorized`` (the Authorised state of a key ceremony or a test rig); every use is audited.
"""

from __future__ import annotations

import argparse

from .. import Hsm, KeyAttributes, KeyHandle
from .._hex import to_hex
from ..errors import DataError
from . import Output, Parser, add_command, ascii_int


def open_hsm(args: argparse.Namespace) -> Hsm:
    return Hsm(keystore=args.keystore, lmk_file=args.lmk_file, authorized=getattr(args, "authorized", False))


def _describe(h: KeyHandle) -> dict[str, object]:
    a = h.attributes
    return {"id": h.id, "usage": a.usage.value, "algorithm": a.algorithm.value, "mode_of_use": a.mode_of_use.value,
            "version": a.version, "exportability": a.exportability.value, "length": h.length, "kcv": h.kcv,
            "label": h.label}


def _line(h: KeyHandle) -> str:
    return f"{h.id}  {h.attributes.letters()}  {h.length * 8}-bit  KCV {h.kcv}" + (f"  {h.label}" if h.label else "")


def _attributes(args: argparse.Namespace) -> KeyAttributes:
    return KeyAttributes(args.usage, args.algorithm, args.mode, args.key_version, args.exportability)


def _generate(args: argparse.Namespace) -> Output:
    h = open_hsm(args).generate_key(_attributes(args), length=args.length, label=args.label)
    return Output(_line(h), _describe(h))


def _import(args: argparse.Namespace) -> Output:
    hsm, parts = open_hsm(args), args.component
    if len(parts) == 1:
        if args.component_kcv:
            raise DataError("--component-kcv goes with 2 or 3 --component; check one clear key with --kcv",
                            field="component_kcv")
        h = hsm.import_clear_key(parts[0], _attributes(args), kcv=args.kcv, label=args.label)
    else:
        h = hsm.import_key_components(parts, _attributes(args), kcvs=args.component_kcv or [], kcv=args.kcv,
                                      label=args.label)
    return Output(_line(h), _describe(h))


def _list(args: argparse.Namespace) -> Output:
    handles = sorted(open_hsm(args).list_keys(), key=lambda h: h.id)
    return Output("\n".join(_line(h) for h in handles), {"keys": [_describe(h) for h in handles]})


def _export(args: argparse.Namespace) -> Output:
    hsm = open_hsm(args)
    block = hsm.export_key_block(hsm.key(args.key), kbpk=hsm.key(args.kbpk), version=args.version)
    return Output(block, {"key_block": block})


def _import_block(args: argparse.Namespace) -> Output:
    hsm = open_hsm(args)
    before = hsm.list_keys()
    h = hsm.import_key_block(args.block, kbpk=hsm.key(args.kbpk), lenient=args.lenient, label=args.label)
    same = next((k for k in before if (k.attributes, k.length, k.kcv) == (h.attributes, h.length, h.kcv)), None)
    if same is not None:  # the same key block imported again: one key, and say so
        hsm.destroy(h)
        return Output(f"already in the store: {_line(same)}", {**_describe(same), "already_stored": True})
    return Output(_line(h), _describe(h))


def _label(args: argparse.Namespace) -> Output:
    hsm = open_hsm(args)
    h = hsm.label(hsm.key(args.key), args.label or None)
    return Output(_line(h), _describe(h))


def _destroy(args: argparse.Namespace) -> Output:
    hsm = open_hsm(args)
    hsm.destroy(hsm.key(args.key))
    return Output(f"destroyed {args.key}", {"destroyed": args.key})


def _translate(args: argparse.Namespace) -> Output:
    hsm = open_hsm(args)
    out = to_hex(hsm.translate_pin(
        args.block, src_key=hsm.key(args.src_key), src_format=args.src_format, src_ksn=args.src_ksn,
        dst_key=hsm.key(args.dst_key), dst_format=args.dst_format, dst_ksn=args.dst_ksn, pan=args.pan,
        src_dukpt_key_type=args.src_dukpt_key_type, dst_dukpt_key_type=args.dst_dukpt_key_type,
    ))
    return Output(out, {"block": out, "format": args.dst_format})


def store_options(p: Parser) -> Parser:
    p.add_argument("--keystore", required=True, help="key store file (created if absent)")
    p.add_argument("--lmk-file", help="file holding the LMK in hex (default: $PINSEC_LMK_FILE or $PINSEC_LMK)")
    return p


def _attrs(p: Parser) -> Parser:
    p.add_argument("--usage", required=True, help="TR-31 key usage, e.g. P0, B0, K1, M3")
    p.add_argument("--algorithm", required=True, help="TR-31 algorithm: T (TDES), A (AES), H (HMAC)")
    p.add_argument("--mode", required=True, help="TR-31 mode of use, e.g. B, E, D, X, C")
    p.add_argument("--key-version", default="00", help="key version number (default 00)")
    p.add_argument("--exportability", default="N", help="N (not exportable, the default), E or S")
    p.add_argument("--label", help="a unique name for the key, usable wherever its id is")
    return p


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    key = sub.add_parser("key", help="keys in a key store", description="keys in a key store under an LMK")
    leaf = key.add_subparsers(dest="action", required=True, parser_class=Parser)
    p = _attrs(store_options(add_command(leaf, "generate", _generate, "generate a key")))
    p.add_argument("--length", type=ascii_int, help="bytes (default: 16 TDES, 16 AES, 32 HMAC)")
    p = _attrs(store_options(add_command(leaf, "import", _import,
                                  "import a clear key, or 2-3 XOR components (key ceremony; needs --authorized)")))
    p.add_argument("--authorized", action="store_true", help="the Authorised state: clear keys may enter (audited)")
    p.add_argument("--component", action="append", required=True, help="clear key or component, hex (repeat)")
    p.add_argument("--component-kcv", action="append", help="KCV of each component, in order (required for each)")
    p.add_argument("--kcv", help="expected KCV of the combined key")
    store_options(add_command(leaf, "list", _list, "list the keys (attributes and KCVs only)"))
    p = store_options(add_command(leaf, "export", _export, "export a key as a TR-31 key block under a KBPK"))
    p.add_argument("--key", required=True, help="id or label of the key to export")
    p.add_argument("--kbpk", required=True, help="id or label of the key block protection key")
    p.add_argument("--version", choices=["A", "B", "C", "D", "E"], help="key block version (default D/B)")
    p = store_options(add_command(leaf, "import-block", _import_block, "import a TR-31 key block under a KBPK"))
    p.add_argument("--block", required=True, help="the key block")
    p.add_argument("--kbpk", required=True, help="id or label of the key block protection key")
    p.add_argument("--lenient", action="store_true", help="accept known device deviations (see docs/tr31.md)")
    p.add_argument("--label", help="a unique name for the key, usable wherever its id is")
    p = store_options(add_command(leaf, "label", _label, "give a key a unique label (usable wherever its id is)"))
    p.add_argument("--key", required=True, help="id or label of the key")
    p.add_argument("--label", required=True, help="the new label; empty removes it")
    p = store_options(add_command(leaf, "destroy", _destroy, "destroy a key"))
    p.add_argument("--key", required=True, help="id or label of the key")

    p = store_options(add_command(sub, "translate", _translate, "translate a PIN block between keys and formats"))
    p.add_argument("--block", required=True, help="the PIN block, hex")
    p.add_argument("--pan", help="the PAN (PAN-bound formats)")
    p.add_argument("--src-key", required=True, help="id of the source PIN key, or of the BDK with --src-ksn")
    p.add_argument("--src-format", type=ascii_int, required=True, choices=range(5),
                   help="ISO 9564-1 format 0-4 of --block")
    p.add_argument("--src-ksn", help="the terminal's KSN, hex (DUKPT source)")
    p.add_argument("--src-dukpt-key-type", help="AES DUKPT PIN key type (default AES128)")
    p.add_argument("--dst-key", required=True, help="id of the destination PIN key, or of a BDK with --dst-ksn")
    p.add_argument("--dst-format", type=ascii_int, required=True, choices=range(5),
                   help="ISO 9564-1 format 0-4 to write")
    p.add_argument("--dst-ksn", help="KSN for a DUKPT destination (test rigs)")
    p.add_argument("--dst-dukpt-key-type", help="AES DUKPT PIN key type (default AES128)")
