"""Tier 2: the HSM. Keys live in a backend behind :class:`KeyHandle` objects; policy is enforced here, once."""

from __future__ import annotations

from ..keys import KeyAttributes, KeyHandle
from ..keystore import KeyStore
from .facade import Hsm

__all__ = ["Hsm", "KeyAttributes", "KeyHandle", "KeyStore"]
