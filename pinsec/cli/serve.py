"""``pinsec serve payshield``: pinsec as a payShield on the network (host commands over TCP or TLS)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import ssl
import sys

from ..errors import DataError
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
    hsm = make_hsm(variant_lmk(args.variant_lmk), lmk_file=args.lmk_file, authorized=args.authorized)
    server = PayShieldServer(hsm, header_length=args.header_length, tls=_tls(args))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)

    async def run() -> tuple[str, int]:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        try:
            host, port = await server.start(args.host, args.port)
        except OSError as exc:
            raise DataError(f"cannot listen on {args.host}:{args.port} ({exc.strerror or type(exc).__name__})",
                            code="listen", field="port") from None
        mode = "TEST MODE: the published test LMK, nothing is secret" if hsm.test_mode else "variant LMK loaded"
        print(f"pinsec payShield host commands on {host}:{port}, header {args.header_length}, {mode}; "
              f"LMK check value {hsm.variant_lmk_check_value}", file=sys.stderr, flush=True)
        await stop.wait()
        await server.close()
        return host, port

    host, port = asyncio.run(run())
    return Output(f"stopped serving on {host}:{port}", {"host": host, "port": port, "stopped": True})


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    leaf = add_group(sub, "serve", "serve pinsec to other systems over the network")
    p = add_command(leaf, "payshield", _payshield, "answer Thales payShield host commands over TCP (docs/payshield.md)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=ascii_int, default=1500, help="port (default 1500; 0 picks a free one)")
    p.add_argument("--header-length", type=ascii_int, default=4, help="message header length (default 4)")
    add_variant_lmk_option(p)
    p.add_argument("--lmk-file", help="the key-block LMK (S keys), as for the key store; needs a secret variant LMK")
    p.add_argument("--tls-cert", help="serve TLS with this certificate chain (PEM)")
    p.add_argument("--tls-key", help="the TLS private key (PEM)")
    p.add_argument("--authorized", action="store_true", help="start in the Authorised state")
