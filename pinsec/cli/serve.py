"""``pinsec serve payshield`` and ``pinsec serve aws``: pinsec on the network, as a payShield (host commands
over TCP or TLS) or as an AWS Payment Cryptography endpoint (HTTP, for boto3)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import ssl
import sys
from collections.abc import Callable

from .._serving import Startable
from ..errors import DataError
from ..variant_lmk import VariantLmk
from . import Output, Parser, add_command, add_group, ascii_int
from .payshield import add_variant_lmk_option, variant_lmk

ORDER = 70


def _tls(args: argparse.Namespace) -> ssl.SSLContext | None:
    if (args.tls_cert is None) != (args.tls_key is None):
        raise DataError("--tls-cert and --tls-key go together", field="tls_cert")
    if args.tls_cert is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(args.tls_cert, args.tls_key)
    except (OSError, ssl.SSLError) as exc:
        raise DataError(f"cannot load the TLS certificate and key ({type(exc).__name__})", code="tls",
                        field="tls_cert") from None
    return context


def _payshield(args: argparse.Namespace) -> Output:
    from ..payshield import PayShieldServer, make_hsm

    if not 0 <= args.port <= 65535:
        raise DataError("--port is 0 to 65535", field="port")
    old = None if args.old_variant_lmk is None else VariantLmk.load(args.old_variant_lmk)
    hsm = make_hsm(variant_lmk(args.variant_lmk), lmk_file=args.lmk_file, authorized=args.authorized,
                   old_variant_lmk=old)
    server = PayShieldServer(hsm, header_length=args.header_length, tls=_tls(args))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)

    mode = "TEST MODE: the published test LMK, nothing is secret" if hsm.test_mode else "variant LMK loaded"
    return _until_signalled(server, args.host, args.port,
                            lambda h, p: f"pinsec payShield host commands on {h}:{p}, header {args.header_length}, "
                                         f"{mode}; LMK check value {hsm.variant_lmk_check_value}")


def _until_signalled(server: Startable, host: str, port: int, banner: Callable[[str, int], str]) -> Output:
    """Serve until SIGTERM or Ctrl-C, then end every connection (exit status 0)."""
    async def run() -> tuple[str, int]:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        try:
            bound = await server.start(host, port)
        except OSError as exc:
            raise DataError(f"cannot listen on {host}:{port} ({exc.strerror or type(exc).__name__})",
                            code="listen", field="port") from None
        print(banner(*bound), file=sys.stderr, flush=True)
        await stop.wait()
        await server.close()
        return bound

    bound = asyncio.run(run())
    return Output(f"stopped serving on {bound[0]}:{bound[1]}", {"host": bound[0], "port": bound[1], "stopped": True})


def _aws(args: argparse.Namespace) -> Output:
    from ..aws import make_server

    if not 0 <= args.port <= 65535:
        raise DataError("--port is 0 to 65535", field="port")
    lmk_file = args.lmk_file or os.environ.get("PINSEC_LMK_FILE")
    lmk = None if lmk_file else os.environ.get("PINSEC_LMK")
    credentials = None
    if args.verify_sigv4:
        key_id, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
        if not key_id or not secret:
            raise DataError("--verify-sigv4 checks against $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY: set both",
                            code="missing_credentials", field="verify_sigv4")
        credentials = {key_id: secret}
    server = make_server(args.keystore, lmk=lmk, lmk_file=lmk_file, region=args.region, account=args.account,
                         tls=_tls(args), credentials=credentials, iso4_pan=args.iso4_pan)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    store = f"key store {args.keystore}" if args.keystore else "keys in memory only"
    scheme = "https" if args.tls_cert else "http"
    return _until_signalled(server, args.host, args.port,
                            lambda h, p: f"pinsec AWS Payment Cryptography endpoint on {scheme}://{h}:{p}, {store}")


def _tls_options(p: Parser) -> None:
    p.add_argument("--tls-cert", help="serve TLS with this certificate chain (PEM)")
    p.add_argument("--tls-key", help="the TLS private key (PEM)")


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    leaf = add_group(sub, "serve", "serve pinsec to other systems over the network")
    p = add_command(leaf, "payshield", _payshield, "answer Thales payShield host commands over TCP (docs/payshield.md)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=ascii_int, default=1500, help="port (default 1500; 0 picks a free one)")
    p.add_argument("--header-length", type=ascii_int, default=4, help="message header length (default 4)")
    add_variant_lmk_option(p)
    p.add_argument("--lmk-file", help="the key-block LMK (S keys), as for the key store; needs a secret variant LMK")
    p.add_argument("--old-variant-lmk", metavar="FILE",
                   help="key change storage: the variant LMK being replaced, which BW and BG migrate keys and PINs "
                        "from (a file; neither LMK may be the test set)")
    _tls_options(p)
    p.add_argument("--authorized", action="store_true", help="start in the Authorised state")
    p = add_command(leaf, "aws", _aws, "answer boto3's AWS Payment Cryptography clients over HTTP (docs/aws.md)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=ascii_int, default=4566, help="port (default 4566; 0 picks a free one)")
    p.add_argument("--keystore", help="key store file (keys and their records persist); default: in memory")
    p.add_argument("--lmk-file", help="the key store's LMK file (or $PINSEC_LMK_FILE / $PINSEC_LMK)")
    p.add_argument("--region", default="us-east-1", help="region in key ARNs (default us-east-1)")
    p.add_argument("--account", default="111122223333", help="account in key ARNs (12 digits)")
    p.add_argument("--iso4-pan", choices=["account", "pan"], default="account",
                   help="ISO 4 PAN field: the account number, as the service documents it (default), or the whole PAN")
    p.add_argument("--verify-sigv4", action="store_true",
                   help="check SigV4 signatures against $AWS_ACCESS_KEY_ID / $AWS_SECRET_ACCESS_KEY (default: any)")
    _tls_options(p)
