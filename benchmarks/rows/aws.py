"""AWS Payment Cryptography endpoint: TranslatePinData requests/s through boto3 (one client, HTTP/1.1
keep-alive to a pinsec endpoint in a background thread) against the same translation called on an Hsm
directly; the ratio is what HTTP, JSON and botocore's validation cost."""

from __future__ import annotations

import atexit
import base64
import contextlib

import boto3
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from pinsec import Hsm, KeyAttributes
from pinsec.aws import make_server, running
from rows import Row

BDK = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")  # ANSI X9.24-1:2009 Annex A
ZPK = bytes.fromhex("89ABCDEF0123456701234567FEDCBA98")
PAN, KSN, BLOCK = "4012345678909", "FFFF9876543210E00001", "1B9C1845EB993A7A"
_stack = contextlib.ExitStack()
atexit.register(_stack.close)
_at = _stack.enter_context(running(make_server()))
_kw = {"endpoint_url": _at.url, "region_name": "us-east-1", "aws_access_key_id": "x", "aws_secret_access_key": "y"}
_control = boto3.client("payment-cryptography", **_kw)
_data = boto3.client("payment-cryptography-data", **_kw)


def _import(clear: bytes, usage: str, modes: dict[str, bool]) -> str:
    params = _control.get_parameters_for_import(KeyMaterialType="KEY_CRYPTOGRAM", WrappingKeyAlgorithm="RSA_2048")
    cert = x509.load_pem_x509_certificate(base64.b64decode(params["WrappingKeyCertificate"]))
    wrapped = cert.public_key().encrypt(clear, padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None))  # type: ignore[union-attr]
    attrs = {"KeyUsage": usage, "KeyClass": "SYMMETRIC_KEY", "KeyAlgorithm": "TDES_2KEY", "KeyModesOfUse": modes}
    return str(_control.import_key(KeyMaterial={"KeyCryptogram": {
        "KeyAttributes": attrs, "Exportable": False, "WrappedKeyCryptogram": wrapped.hex(),
        "ImportToken": params["ImportToken"]}})["Key"]["KeyArn"])


_BDK_ARN = _import(BDK, "TR31_B0_BASE_DERIVATION_KEY", {"DeriveKey": True})
_ZPK_ARN = _import(ZPK, "TR31_P0_PIN_ENCRYPTION_KEY", {"Encrypt": True, "Decrypt": True, "Wrap": True, "Unwrap": True})
_rig = Hsm(authorized=True)
_bdk = _rig.import_clear_key(BDK, KeyAttributes("B0", "T", "X"))
_zpk = _rig.import_clear_key(ZPK, KeyAttributes("P0", "T", "B"))


def _boto3(n: int) -> None:
    for _ in range(n):
        _data.translate_pin_data(
            IncomingKeyIdentifier=_BDK_ARN, OutgoingKeyIdentifier=_ZPK_ARN, EncryptedPinBlock=BLOCK,
            IncomingTranslationAttributes={"IsoFormat0": {"PrimaryAccountNumber": PAN}},
            OutgoingTranslationAttributes={"IsoFormat0": {"PrimaryAccountNumber": PAN}},
            IncomingDukptAttributes={"KeySerialNumber": KSN})


def _direct(n: int) -> None:
    for _ in range(n):
        _rig.translate_pin(BLOCK, src_key=_bdk, src_format=0, src_ksn=KSN, dst_key=_zpk, dst_format=0, pan=PAN)


ROWS = [
    Row("AWS TranslatePinData (DUKPT to ISO 0)", "pinsec endpoint via boto3", _boto3, n=500),
    Row("AWS TranslatePinData (DUKPT to ISO 0)", "Hsm.translate_pin direct, no HTTP", _direct, n=2000),
]
