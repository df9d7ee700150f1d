"""HSM backends: :class:`SoftwareBackend` (embedded default) and :class:`Pkcs11Backend` behind the
:class:`Backend` protocol. ``Pkcs11Backend`` is imported lazily: ``import pinsec`` does not need
python-pkcs11 (the ``pinsec[pkcs11]`` extra)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import Backend, Capability, MacAlgorithm, MacKey, PinKey, PinVerification, StoredKey
from .software import SoftwareBackend

if TYPE_CHECKING:
    from .pkcs11 import Pkcs11Backend

__all__ = [
    "Backend",
    "Capability",
    "MacAlgorithm",
    "MacKey",
    "PinKey",
    "PinVerification",
    "Pkcs11Backend",
    "SoftwareBackend",
    "StoredKey",
]


def __getattr__(name: str) -> Any:
    if name == "Pkcs11Backend":
        from .pkcs11 import Pkcs11Backend

        return Pkcs11Backend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
