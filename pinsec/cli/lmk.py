"""``pinsec lmk generate --out FILE``: a new 256-bit AES LMK in a file only its owner can read."""

from __future__ import annotations

import argparse
import secrets

from ..keystore import check_lmk
from . import Output, Parser, add_command, add_group, create_secret_file

ORDER = 60


def _generate(args: argparse.Namespace) -> Output:
    lmk = check_lmk(secrets.token_bytes(32))
    path = create_secret_file(args.out, lmk.hex().upper() + "\n")
    return Output(f"LMK written to {path} (mode 600); export PINSEC_LMK_FILE={path}", {"lmk_file": path})


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    leaf = add_group(sub, "lmk", "local master keys (key store LMKs)")
    p = add_command(leaf, "generate", _generate, "generate a 256-bit AES LMK into a new file (mode 600)")
    p.add_argument("--out", required=True, help="the file to create; an existing file is never overwritten")
