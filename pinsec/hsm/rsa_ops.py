"""Keys that arrive wrapped under an RSA key the HSM made (RSA-OAEP), as AWS Payment Cryptography's
KeyCryptogram import: the way to bring in the first key-encrypting key, after which keys travel as key
blocks under it. Needs the software backend.

The private key never leaves the backend; the sender gets its certificate. As the certificate is public, the
import is a chosen-key import and needs the Authorised state. A key is refused under an RSA
key weaker than itself (NIST SP 800-57 comparable strengths, rounded the way the service allows them):
RSA-2048 carries TDES keys, RSA-3072 also AES-128, RSA-4096 every AES key.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Final

from .._hex import parse_hex
from ..backends.base import StoredKey
from ..backends.rsa_import import RsaImportSupport
from ..errors import DataError, InvalidKeyError, KeyPolicyError, UnsupportedOperation
from ..keys import KeyAttributes, KeyHandle
from . import policy
from ._core import _HsmCore, _log

__all__ = ["ImportParameters"]

#: RSA modulus size -> the strongest key (policy.key_strength rank) it may carry.
_RSA_CARRIES: Final = {2048: policy.key_strength("T", 24), 3072: policy.key_strength("A", 16),
                       4096: policy.key_strength("A", 32)}


@dataclass(frozen=True)
class ImportParameters:
    """What a sender needs to wrap a key for this HSM: the import token naming the wrapping key, its
    certificate and the CA certificate (PEM), and when they expire."""

    import_token: str
    certificate_pem: bytes
    ca_certificate_pem: bytes
    valid_until: datetime.datetime


class _RsaOps(_HsmCore):
    __slots__ = ()

    def _rsa_backend(self) -> RsaImportSupport:
        if not isinstance(self._backend, RsaImportSupport):
            raise UnsupportedOperation(f"backend {self._backend.name} cannot take RSA-wrapped keys",
                                       code="no_rsa_import", field="backend")
        return self._backend

    def key_import_parameters(self, *, bits: int = 2048) -> ImportParameters:
        """A new RSA wrapping key (2048, 3072 or 4096 bits, valid 30 days) for :meth:`import_rsa_wrapped_key`."""
        if isinstance(bits, bool) or bits not in _RSA_CARRIES:
            raise DataError("an RSA wrapping key is 2048, 3072 or 4096 bits", field="bits")
        self._gate("import_key_block")
        token, cert, ca, until = self._rsa_backend().new_wrapping_key(bits)
        _log.info("made RSA-%d wrapping key %s", bits, token)
        return ImportParameters(token, cert, ca, until)

    def import_rsa_wrapped_key(self, cryptogram: bytes | str, attributes: KeyAttributes, *, import_token: str,
                               hash_name: str = "sha256") -> KeyHandle:
        """Authorised state only: a symmetric key RSA-OAEP-wrapped under the wrapping key of
        ``import_token``; its attributes are the caller's. The wrapping key's certificate is public, so
        anyone can wrap a key they chose: to the default state's promise this is a clear key import (a
        chosen PIN key would take translated PINs out), audited like one. Refused when the RSA key is
        weaker than the key; every unwrap failure is one ``bad_cryptogram``."""
        self._authorize("import_rsa_wrapped_key")
        attributes = self._attributes(attributes)
        if not isinstance(import_token, str):
            raise DataError("an import token is a str", field="import_token")
        raw = parse_hex(cryptogram, field="cryptogram", error=InvalidKeyError)
        backend = self._rsa_backend()
        carries = _RSA_CARRIES[backend.wrapping_key_bits(import_token)]

        def admit(stored: StoredKey) -> None:
            if policy.key_strength(stored.attributes.algorithm.value, stored.length) > carries:
                raise KeyPolicyError("the RSA wrapping key is weaker than the key it carries", code="weak_kbpk",
                                     field="import_token")

        self._gate("import_key_block")
        handle = self._handle(backend.import_rsa_wrapped(import_token, raw, attributes, hash_name=hash_name,
                                                          admit=admit))
        self._audited("import_rsa_wrapped_key", handle)
        return handle
