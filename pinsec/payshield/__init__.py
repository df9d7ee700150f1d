"""A Thales payShield-compatible host-command server on the :class:`~pinsec.Hsm`.

Existing acquirer and issuer systems talk to pinsec over TCP as to a payShield: 2-byte length, header,
command code, fields (:mod:`.wire`). Keys travel as cryptograms under a variant LMK (the published test
LMK by default, as a payShield in test mode) or as ``S`` key blocks under the key-block LMK; every
command is a thin adapter that parses fields and calls the ``Hsm``, whose policy decides
(:mod:`pinsec.hsm.lmk_ops`, :mod:`pinsec.hsm.variant_policy`). docs/payshield.md lists the commands.

>>> from pinsec.payshield import hsm_in_test_mode, answer
>>> answer(hsm_in_test_mode(), b"0000NC", 4)[:8]
b'0000ND00'
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from .._serving import RunningServer, running
from ..backends.software import SoftwareBackend
from ..hsm import Hsm
from ..keystore import KeyStore, load_lmk
from ..pin import STANDARD_DECIMALIZATION_TABLE
from ..variant_lmk import VariantLmk
from .commands import COMMANDS
from .server import PayShieldServer
from .wire import answer, frame, response_code

__all__ = [
    "COMMANDS",
    "PayShieldServer",
    "RunningServer",
    "answer",
    "frame",
    "hsm_in_test_mode",
    "make_hsm",
    "response_code",
    "running",
]


def make_hsm(variant_lmk: VariantLmk, *, lmk_file: str | os.PathLike[str] | None = None,
             authorized: bool = False, decimalization_tables: Sequence[str] = (STANDARD_DECIMALIZATION_TABLE,),
             old_variant_lmk: VariantLmk | None = None) -> Hsm:
    """The Hsm a server answers with: a software backend holding ``variant_lmk`` and, with ``lmk_file``,
    the key-block LMK that ``S`` keys are under (keys live in memory only); IBM 3624 commands take only
    ``decimalization_tables`` (the table attack mitigation); ``old_variant_lmk`` is the key change storage
    BW and BG migrate keys and PINs from."""
    store = None if lmk_file is None else KeyStore(None, load_lmk(None, lmk_file))
    return Hsm(SoftwareBackend(store, variant_lmk=variant_lmk, old_variant_lmk=old_variant_lmk),
               authorized=authorized, decimalization_tables=decimalization_tables)


def hsm_in_test_mode() -> Hsm:
    """An Hsm on the published test LMK: a payShield in test mode (nothing in it is secret)."""
    return make_hsm(VariantLmk.test())
