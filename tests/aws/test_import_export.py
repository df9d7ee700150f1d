"""Import and export through boto3: the first KEK by RSA-wrapped cryptogram (GetParametersForImport +
ImportKey), keys as TR-31 blocks under it (TR-31:2018 A.7.4's published block), export as TR-31, and the
refusals."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from pinsec import tr31

from .conftest import Clients, attributes

# TR-31:2018 A.7.4 (vectors/tr31.json tr31-2018-A.7.4): KBPK, key block, key, and its CMAC KCV 08793E.
A74_KBPK = bytes.fromhex("88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6")
A74_BLOCK = ("D0112P0AE00E0000B82679114F470F540165EDFBF7E250FCEA43F810D215F8D207E2E417C07156A27E8E31DA05F7425509593D"
             "03A457DC34")
A74_KEY = bytes.fromhex("3F419E1CB7079442AA37474C2EFBF8B8")
KBPK_ATTRS = attributes("TR31_K1_KEY_BLOCK_PROTECTION_KEY", "AES_256", "Encrypt", "Decrypt", "Wrap", "Unwrap")


def import_clear_by_cryptogram(aws: Clients, clear: bytes, attrs: dict[str, Any], *, bits: int = 2048,
                               exportable: bool = False, kcv_algorithm: str | None = None) -> dict[str, Any]:
    """What a sender does: take the wrapping certificate, check its chain, RSA-OAEP-wrap the key, import it."""
    params = aws.control.get_parameters_for_import(KeyMaterialType="KEY_CRYPTOGRAM",
                                                   WrappingKeyAlgorithm=f"RSA_{bits}")
    cert = x509.load_pem_x509_certificate(base64.b64decode(params["WrappingKeyCertificate"]))
    ca = x509.load_pem_x509_certificate(base64.b64decode(params["WrappingKeyCertificateChain"]))
    cert.verify_directly_issued_by(ca)
    public = cert.public_key()
    assert isinstance(public, rsa.RSAPublicKey) and public.key_size == bits
    wrapped = public.encrypt(clear, padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(),
                                                 label=None))
    extra = {} if kcv_algorithm is None else {"KeyCheckValueAlgorithm": kcv_algorithm}
    return aws.control.import_key(KeyMaterial={"KeyCryptogram": {
        "KeyAttributes": attrs, "Exportable": exportable, "WrappedKeyCryptogram": wrapped.hex().upper(),
        "ImportToken": params["ImportToken"], "WrappingSpec": "RSA_OAEP_SHA_256"}}, **extra)["Key"]


def test_bootstrap_a_kbpk_then_import_a_published_key_block(aws: Clients) -> None:
    kbpk = import_clear_by_cryptogram(aws, A74_KBPK, KBPK_ATTRS, bits=4096)
    assert kbpk["KeyOrigin"] == "EXTERNAL" and kbpk["KeyAttributes"]["KeyAlgorithm"] == "AES_256"
    key = aws.control.import_key(KeyMaterial={"Tr31KeyBlock": {"WrappingKeyIdentifier": kbpk["KeyArn"],
                                                               "WrappedKeyBlock": A74_BLOCK}})["Key"]
    assert key["KeyCheckValue"] == "08793E" and key["KeyCheckValueAlgorithm"] == "CMAC"
    assert key["KeyAttributes"]["KeyUsage"] == "TR31_P0_PIN_ENCRYPTION_KEY" and key["Exportable"] is True
    exported = aws.control.export_key(ExportKeyIdentifier=key["KeyArn"], KeyMaterial={
        "Tr31KeyBlock": {"WrappingKeyIdentifier": kbpk["KeyArn"]}})["WrappedKey"]
    assert exported["WrappedKeyMaterialFormat"] == "TR31_KEY_BLOCK" and exported["KeyCheckValue"] == "08793E"
    header, clear = tr31.unwrap(A74_KBPK, exported["KeyMaterial"])
    assert clear == A74_KEY and header.key_usage.value == "P0"


def test_an_rsa_key_weaker_than_the_key_is_refused(aws: Clients) -> None:
    with pytest.raises(ClientError) as info:
        import_clear_by_cryptogram(aws, A74_KBPK, KBPK_ATTRS, bits=2048)
    assert info.value.response["Error"]["Code"] == "ValidationException"
    assert "weak_kbpk" in info.value.response["Error"]["Message"]


def test_a_wrong_cryptogram_or_token_is_refused(aws: Clients) -> None:
    params = aws.control.get_parameters_for_import(KeyMaterialType="KEY_CRYPTOGRAM", WrappingKeyAlgorithm="RSA_2048")
    for token, cryptogram in ((params["ImportToken"], "00" * 256),
                              ("import-token-" + "0" * 32, "00" * 256)):
        with pytest.raises(ClientError) as info:
            aws.control.import_key(KeyMaterial={"KeyCryptogram": {
                "KeyAttributes": KBPK_ATTRS, "Exportable": False, "WrappedKeyCryptogram": cryptogram,
                "ImportToken": token}})
        assert info.value.response["Error"]["Code"] == "ValidationException"


def test_non_exportable_keys_and_weaker_kbpks_do_not_export(aws: Clients) -> None:
    kbpk = import_clear_by_cryptogram(aws, bytes(range(1, 17)) + bytes(range(8)),
                                      attributes("TR31_K1_KEY_BLOCK_PROTECTION_KEY", "TDES_3KEY", "Encrypt", "Decrypt",
                                                 "Wrap", "Unwrap"))
    pek = attributes("TR31_P0_PIN_ENCRYPTION_KEY", "AES_128", "Encrypt", "Decrypt", "Wrap", "Unwrap")
    for exportable, expected in ((False, "not_exportable"), (True, "weak_kbpk")):
        arn = aws.control.create_key(KeyAttributes=pek, Exportable=exportable)["Key"]["KeyArn"]
        with pytest.raises(ClientError) as info:
            aws.control.export_key(ExportKeyIdentifier=arn, KeyMaterial={
                "Tr31KeyBlock": {"WrappingKeyIdentifier": kbpk["KeyArn"]}})
        assert expected in info.value.response["Error"]["Message"]
