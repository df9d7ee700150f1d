"""Hsm RSA key import: the wrapping key's size, the parameters, the import token, the audit."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from pinsec import Hsm, KeyAttributes
from pinsec.errors import DataError

KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")  # ANSI X9.24-1:2009 Annex A: KCV 08D7B4


def _bits(params: object) -> int:
    public = x509.load_pem_x509_certificate(params.certificate_pem).public_key()  # type: ignore[attr-defined]
    assert isinstance(public, rsa.RSAPublicKey)
    return public.key_size


def test_the_default_wrapping_key_is_rsa_2048_and_its_parameters_are_frozen() -> None:
    params = Hsm().key_import_parameters()
    assert _bits(params) == 2048 and params.import_token.startswith("import-token-")
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.import_token = "import-token-other"  # type: ignore[misc]


@pytest.mark.parametrize("bits", [1024, 2049, True, "2048"])
def test_other_sizes_are_refused(bits: object) -> None:
    with pytest.raises(DataError) as info:
        Hsm().key_import_parameters(bits=bits)  # type: ignore[arg-type]
    assert info.value.field == "bits"


def test_the_import_is_audited_and_the_token_a_str(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="pinsec.audit")
    hsm = Hsm(authorized=True)
    params = hsm.key_import_parameters()
    public = x509.load_pem_x509_certificate(params.certificate_pem).public_key()
    wrapped = public.encrypt(KEY, padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None))  # type: ignore[union-attr]
    with pytest.raises(DataError) as info:
        hsm.import_rsa_wrapped_key(wrapped, KeyAttributes("K0", "T", "B"), import_token=7)  # type: ignore[arg-type]
    assert info.value.field == "import_token"
    key = hsm.import_rsa_wrapped_key(wrapped, KeyAttributes("K0", "T", "B"), import_token=params.import_token)
    assert key.kcv == "08D7B4"
    audit = [r.getMessage() for r in caplog.records if r.name == "pinsec.audit"]
    assert any(m.startswith("import_rsa_wrapped_key") and key.id in m for m in audit)
