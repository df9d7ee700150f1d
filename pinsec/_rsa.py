"""RSA for key import: a wrapping key pair, RSA-OAEP unwrap, and the certificate chain that carries the
public key to the sender (as AWS Payment Cryptography's GetParametersForImport gives one). The asymmetric
counterpart of :mod:`pinsec._crypto`: the only other module that calls cipher primitives."""

from __future__ import annotations

import datetime
from typing import Final, NoReturn, SupportsIndex

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from .errors import DataError, InvalidKeyError

__all__ = ["RSA_SIZES", "WrappingKey"]

#: RSA modulus sizes a wrapping key may have.
RSA_SIZES: Final = (2048, 3072, 4096)
_HASHES: Final = {"sha256": hashes.SHA256, "sha512": hashes.SHA512}


class WrappingKey:
    """An RSA key pair that receives keys wrapped with RSA-OAEP, with a two-certificate chain (a CA and
    the wrapping key's certificate, both made here) that hands its public key out."""

    __slots__ = ("_private", "ca_pem", "certificate_pem", "not_after")

    def __init__(self, bits: int, *, days: int = 30) -> None:
        if bits not in RSA_SIZES:
            raise DataError(f"an RSA wrapping key is {', '.join(map(str, RSA_SIZES))} bits", field="bits")
        self._private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = datetime.datetime.now(datetime.timezone.utc)
        self.not_after = now + datetime.timedelta(days=days)
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pinsec key import CA")])
        ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
              .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(self.not_after)
              .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
              .sign(ca_key, hashes.SHA256()))
        leaf = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pinsec key import wrapping key")]))
                .issuer_name(ca_name).public_key(self._private.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(self.not_after)
                .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=True,
                                             data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                             crl_sign=False, encipher_only=False, decipher_only=False),
                               critical=True)
                .sign(ca_key, hashes.SHA256()))
        self.certificate_pem = leaf.public_bytes(serialization.Encoding.PEM)
        self.ca_pem = ca.public_bytes(serialization.Encoding.PEM)

    @property
    def bits(self) -> int:
        return self._private.key_size

    def __repr__(self) -> str:
        return f"WrappingKey(bits={self.bits})"

    def __reduce_ex__(self, protocol: SupportsIndex) -> NoReturn:
        raise TypeError("a wrapping key cannot be pickled")

    def unwrap(self, cryptogram: bytes, *, hash_name: str = "sha256") -> bytes:
        """The key inside an RSA-OAEP cryptogram (MGF1 with the same hash); one error for any failure."""
        algorithm = _HASHES.get(hash_name)
        if algorithm is None:
            raise DataError("RSA-OAEP hash is sha256 or sha512", field="wrapping_spec")
        try:
            return self._private.decrypt(bytes(cryptogram), padding.OAEP(mgf=padding.MGF1(algorithm()),
                                                                          algorithm=algorithm(), label=None))
        except ValueError:
            pass
        raise InvalidKeyError("the key cryptogram does not unwrap under this wrapping key", code="bad_cryptogram",
                              field="cryptogram")
