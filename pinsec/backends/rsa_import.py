"""The software backend's RSA key import: wrapping key pairs it holds (by import token), and keys that
arrive RSA-OAEP-wrapped under one of them (AWS Payment Cryptography's KeyCryptogram import)."""

from __future__ import annotations

import datetime
import secrets
import threading
from typing import TYPE_CHECKING

from .._rsa import WrappingKey
from ..errors import InvalidKeyError
from ..keys import KeyAttributes
from .base import Admit, StoredKey

__all__ = ["RsaImportSupport"]


class RsaImportSupport:
    """Mixed into :class:`~pinsec.backends.software.SoftwareBackend`."""

    _wrapping_keys: dict[str, WrappingKey]
    _lock: threading.RLock

    if TYPE_CHECKING:  # provided by the software backend
        def _add(self, material: bytes, attributes: KeyAttributes, admit: Admit | None, key_id: str | None = None,
                 block: str | None = None, *, persist: bool = True) -> StoredKey: ...

    def new_wrapping_key(self, bits: int) -> tuple[str, bytes, bytes, datetime.datetime]:
        """A new RSA wrapping key: (import token, certificate PEM, CA certificate PEM, valid until)."""
        key = WrappingKey(bits)
        token = "import-token-" + secrets.token_hex(16)
        with self._lock:
            now = datetime.datetime.now(datetime.timezone.utc)
            for old in [t for t, k in self._wrapping_keys.items() if k.not_after < now]:
                del self._wrapping_keys[old]
            self._wrapping_keys[token] = key
        return token, key.certificate_pem, key.ca_pem, key.not_after

    def wrapping_key_bits(self, token: str) -> int:
        return self._wrapping(token).bits

    def _wrapping(self, token: str) -> WrappingKey:
        with self._lock:
            key = self._wrapping_keys.get(token)
        if key is None or key.not_after < datetime.datetime.now(datetime.timezone.utc):
            raise InvalidKeyError("no such import token, or it has expired", code="unknown_import_token",
                                  field="import_token")
        return key

    def import_rsa_wrapped(self, token: str, cryptogram: bytes, attributes: KeyAttributes, *, hash_name: str,
                           admit: Admit | None = None) -> StoredKey:
        material = self._wrapping(token).unwrap(cryptogram, hash_name=hash_name)
        return self._add(material, attributes, admit)
