"""An AWS Payment Cryptography endpoint on the :class:`~pinsec.Hsm`: boto3 code written for the service
runs against pinsec with only ``endpoint_url`` changed (docs/aws.md).

Both of the service's clients point at the same endpoint: ``boto3.client("payment-cryptography",
endpoint_url=...)`` (the control plane: keys, aliases, tags, import and export) and
``boto3.client("payment-cryptography-data", endpoint_url=...)`` (PINs, card validation data, MACs).
Keys live in the Hsm's key store and the service's records of them beside it, so both survive a restart.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping, Sequence

from .._serving import RunningServer, running
from ..hsm import Hsm
from ..pin import STANDARD_DECIMALIZATION_TABLE
from .http import HttpServer
from .records import Records
from .service import Service
from .sigv4 import SigV4

__all__ = ["RunningServer", "Service", "make_server", "running"]


def make_server(keystore: str | os.PathLike[str] | None = None, *, lmk: bytes | str | None = None,
                lmk_file: str | os.PathLike[str] | None = None, region: str = "us-east-1",
                account: str = "111122223333", tls: ssl.SSLContext | None = None,
                decimalization_tables: Sequence[str] = (STANDARD_DECIMALIZATION_TABLE,),
                credentials: Mapping[str, str] | None = None, iso4_pan: str = "account") -> HttpServer:
    """An endpoint over an Hsm whose keys persist in ``keystore`` under the LMK (in memory without one); the
    service's records of the keys live in ``<keystore>.aws.json``. IBM 3624 operations take only
    ``decimalization_tables`` (the table attack mitigation). With ``credentials`` (access key id -> secret
    access key) every request's SigV4 signature is checked against them. ``iso4_pan``: how ISO 4 blocks
    carry the PAN, ``account`` (as the service documents it) or ``pan`` (ISO 9564-1)."""
    # The Authorised state: the service's KeyCryptogram import takes keys wrapped under a public certificate,
    # a chosen-key import by design; who may call it is the service's access control (--verify-sigv4 here).
    if keystore is None:
        hsm, path = Hsm(decimalization_tables=decimalization_tables, authorized=True), None
    else:
        hsm = Hsm(keystore=keystore, lmk=lmk, lmk_file=lmk_file, decimalization_tables=decimalization_tables,
                  authorized=True)
        path = f"{os.fspath(keystore)}.aws.json"
    sigv4 = None if credentials is None else SigV4(credentials)
    return HttpServer(Service(hsm, Records(path, region=region, account=account), sigv4=sigv4, iso4_pan=iso4_pan),
                      tls=tls)
