"""``pinsec bulk translate``: translate a CSV / JSON Lines file of PIN blocks, resumably, on many cores."""

from __future__ import annotations

import argparse

from .. import Hsm
from ..bulk import TranslateSpec, translate_file
from . import Output, Parser, add_command, ascii_int


def _translate(args: argparse.Namespace) -> Output:
    """Exit status 0 when every record was translated, 1 when some were rejected (see the rejects file)."""
    hsm = Hsm(keystore=args.keystore, lmk_file=args.lmk_file)
    spec = TranslateSpec(args.src_key, args.src_format, args.dst_key, args.dst_format, args.src_dukpt_key_type,
                         args.dst_dukpt_key_type)
    summary = translate_file(args.input, args.output, hsm=hsm, spec=spec, rejects=args.rejects,
                             workers=args.workers, chunk_size=args.chunk_size, lmk_file=args.lmk_file)
    text = f"{summary.translated} translated, {summary.rejected} rejected"
    if summary.resumed_from:
        text += f" (resumed after {summary.resumed_from} records done earlier; counts cover the whole file)"
    if summary.rejected:
        text += f"; rejects in {args.rejects or 'the .rejects file beside the output'}"
    data = {"translated": summary.translated, "rejected": summary.rejected, "resumed_from": summary.resumed_from}
    return Output(text, data, exit_code=1 if summary.rejected else 0)


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    group = sub.add_parser("bulk", help="bulk work on files", description="bulk work on files")
    leaf = group.add_subparsers(dest="action", required=True, parser_class=Parser)
    p = add_command(leaf, "translate", _translate,
                    "translate a file of (id, pin_block, pan[, ksn]) records; re-run to resume after an interruption")
    p.set_defaults(interrupt_hint="; run the same command again to resume where it stopped")
    p.add_argument("--keystore", required=True, help="key store file holding the keys")
    p.add_argument("--lmk-file", help="file holding the LMK in hex (default: $PINSEC_LMK_FILE or $PINSEC_LMK)")
    p.add_argument("--input", required=True, help=".csv (header id,pin_block,pan[,ksn]) or .jsonl")
    p.add_argument("--output", required=True, help="output file, same format; written atomically at the end")
    p.add_argument("--rejects", help="reject file (default <output>.rejects<suffix>)")
    p.add_argument("--src-key", required=True, help="id of the source PIN key, or of the BDK (records carry KSNs)")
    p.add_argument("--src-format", type=ascii_int, required=True, choices=range(5),
                   help="ISO 9564-1 format 0-4 of the input blocks")
    p.add_argument("--dst-key", required=True, help="id of the destination PIN key")
    p.add_argument("--dst-format", type=ascii_int, required=True, choices=range(5),
                   help="ISO 9564-1 format 0-4 to write")
    p.add_argument("--src-dukpt-key-type", help="AES DUKPT PIN key type (default AES128)")
    p.add_argument("--dst-dukpt-key-type", help="AES DUKPT PIN key type (default AES128)")
    p.add_argument("--workers", type=ascii_int, default=1, help="local worker processes (default 1)")
    p.add_argument("--chunk-size", type=ascii_int, default=None,
                   help="records per chunk (default 500; 16384 for a DUKPT source with the numpy batch engine)")
