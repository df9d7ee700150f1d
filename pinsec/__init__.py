"""pinsec: what a payment HSM does with PINs and keys, in software, to the letter of the standards.

Tier 1, algorithms on bytes: :mod:`pinsec.pinblock` (ISO 9564-1), :mod:`pinsec.dukpt` (ANSI X9.24-1 and
X9.24-3), :mod:`pinsec.tr31` (TR-31 / X9.143 / ISO 20038 key blocks), :mod:`pinsec.kcv`, :mod:`pinsec.mac`.
Tier 2, the HSM: :class:`Hsm` with keys behind :class:`KeyHandle` objects over :mod:`pinsec.backends`.
Errors: :mod:`pinsec.errors`.
"""

from __future__ import annotations

import logging

from . import errors
from .errors import (
    BackendError,
    InputError,
    KeyPolicyError,
    PinsecError,
    UnsupportedOperation,
    VerificationError,
)
from .hsm import Hsm, KeyAttributes, KeyHandle

__version__ = "0.1.0"

# A library logs, the application decides where it goes (pinsec.hsm operations, pinsec.audit for the
# Authorised state's clear-material operations and refusals).
logging.getLogger("pinsec").addHandler(logging.NullHandler())

__all__ = [
    "BackendError",
    "Hsm",
    "InputError",
    "KeyAttributes",
    "KeyHandle",
    "KeyPolicyError",
    "PinsecError",
    "UnsupportedOperation",
    "VerificationError",
    "__version__",
    "errors",
]
