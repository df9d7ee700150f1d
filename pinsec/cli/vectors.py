"""``pinsec vectors check FILE|DIR ...``: run JSON vector files through pinsec and report each vector."""

from __future__ import annotations

import argparse

from .. import vectors
from . import Output, Parser, add_command


def _check(args: argparse.Namespace) -> Output:
    paths = list(args.paths) + ([vectors.builtin_folder()] if args.builtin else [])
    if not paths:
        from ..errors import DataError

        raise DataError("give vector files or folders, or --builtin for the published ones pinsec ships",
                        code="missing_argument", field="paths")
    results = vectors.check_paths(paths)
    failed = [r for r in results if not r.ok]
    lines = [] if args.quiet else [f"{'PASS' if r.ok else 'FAIL'}  {r.file}  {r.id}  {r.operation}"
                                   + ("" if r.ok else f"  ({r.reason})") for r in results]
    if args.quiet:
        lines += [f"FAIL  {r.file}  {r.id}  {r.operation}  ({r.reason})" for r in failed]
    summary = f"{len(results) - len(failed)} passed, {len(failed)} failed"
    lines.append(summary)
    data = {
        "passed": len(results) - len(failed),
        "failed": len(failed),
        "results": [{"file": r.file, "id": r.id, "operation": r.operation, "ok": r.ok, "reason": r.reason}
                    for r in results],
    }
    return Output("\n".join(lines), data, exit_code=1 if failed or not results else 0)


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    group = sub.add_parser("vectors", help="test vector files", description="test vector files")
    leaf = group.add_subparsers(dest="action", required=True, parser_class=Parser)
    p = add_command(leaf, "check", _check, "run vector files (or folders of them) and report pass/fail")
    p.add_argument("paths", nargs="*", help="JSON vector files or folders")
    p.add_argument("--builtin", action="store_true", help="the published vector files that ship with pinsec")
    p.add_argument("-q", "--quiet", action="store_true", help="print only failures and the summary")
