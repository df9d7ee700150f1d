"""HSM backends: :class:`SoftwareBackend` (embedded default) behind the :class:`Backend` protocol."""

from __future__ import annotations

from .base import Backend, Capability, MacAlgorithm, MacKey, PinKey, StoredKey
from .software import SoftwareBackend

__all__ = ["Backend", "Capability", "MacAlgorithm", "MacKey", "PinKey", "SoftwareBackend", "StoredKey"]
