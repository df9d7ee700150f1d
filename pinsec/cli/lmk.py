"""``pinsec lmk generate --out FILE``: a new 256-bit AES LMK in a file only its owner can read."""

from __future__ import annotations

import argparse
import os
import secrets

from ..errors import DataError
from ..keystore import check_lmk
from . import Output, Parser, add_command

ORDER = 60


def _generate(args: argparse.Namespace) -> Output:
    lmk = check_lmk(secrets.token_bytes(32))
    try:
        fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise DataError("--out names a file that exists; an LMK file is never overwritten (keys under the old "
                        "LMK would be lost)", code="file_exists", field="out") from None
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot create the --out file ({getattr(exc, 'strerror', None) or type(exc).__name__})",
                        code="io_error", field="out") from None
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(lmk.hex().upper() + "\n")
    os.chmod(args.out, 0o600)  # whatever the umask said
    path = os.path.abspath(args.out)
    return Output(f"LMK written to {path} (mode 600); export PINSEC_LMK_FILE={path}", {"lmk_file": path})


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    group = sub.add_parser("lmk", help="local master keys", description="local master keys (key store LMKs)")
    leaf = group.add_subparsers(dest="action", required=True, parser_class=Parser)
    p = add_command(leaf, "generate", _generate, "generate a 256-bit AES LMK into a new file (mode 600)")
    p.add_argument("--out", required=True, help="the file to create; an existing file is never overwritten")
