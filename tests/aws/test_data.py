"""The data plane through boto3, checked against published vectors (vectors/*.json) and pinsec's tier-1
functions: keys with known clear values come in as RSA-wrapped cryptograms, as a sender would send them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pinsec import pinblock

from .conftest import Clients, attributes
from .test_import_export import import_clear_by_cryptogram

ROOT = Path(__file__).resolve().parents[2]
BDK = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")  # ANSI X9.24-1:2009 Annex A
KSN, TERMINAL_BLOCK, PAN = "FFFF9876543210E00001", "1B9C1845EB993A7A", "4012345678909"
ZPK = bytes.fromhex("89ABCDEF0123456701234567FEDCBA98")
AES_ZPK = bytes.fromhex("3F419E1CB7079442AA37474C2EFBF8B8")
PEK = ("TR31_P0_PIN_ENCRYPTION_KEY", "Encrypt", "Decrypt", "Wrap", "Unwrap")


def _vector(name: str, vector_id: str) -> dict[str, Any]:
    return next(v for v in json.loads((ROOT / "vectors" / name).read_text())["vectors"] if v["id"] == vector_id)


def _key(aws: Clients, clear: bytes, usage: str, algorithm: str, *modes: str) -> str:
    bits = 3072 if algorithm == "AES_128" else 2048  # an RSA key no weaker than the key it carries
    return str(import_clear_by_cryptogram(aws, clear, attributes(usage, algorithm, *modes), bits=bits)["KeyArn"])


@pytest.fixture(scope="module")
def keys(endpoint: Any) -> dict[str, str]:
    from .conftest import clients_for

    aws = clients_for(endpoint)
    pvk = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")  # psec's PVK, CVK
    return {
        "bdk": _key(aws, BDK, "TR31_B0_BASE_DERIVATION_KEY", "TDES_2KEY", "DeriveKey"),
        "zpk": _key(aws, ZPK, PEK[0], "TDES_2KEY", *PEK[1:]),
        "aes_zpk": _key(aws, AES_ZPK, PEK[0], "AES_128", *PEK[1:]),
        "pvv": _key(aws, pvk, "TR31_V2_VISA_PIN_VERIFICATION_KEY", "TDES_2KEY", "Generate", "Verify"),
        "ibm": _key(aws, pvk, "TR31_V1_IBM3624_PIN_VERIFICATION_KEY", "TDES_2KEY", "Generate", "Verify"),
        "cvk": _key(aws, pvk, "TR31_C0_CARD_VERIFICATION_KEY", "TDES_2KEY", "Generate", "Verify"),
        "m3": _key(aws, bytes.fromhex(_vector("mac.json", "x919-A4-counter1-request")["key"]),
                   "TR31_M3_ISO_9797_3_MAC_KEY", "TDES_2KEY", "Generate", "Verify"),
        "cmac": _key(aws, bytes.fromhex(_vector("mac.json", "rfc4493-example2")["key"]),
                     "TR31_M6_ISO_9797_5_CMAC_KEY", "AES_128", "Generate", "Verify"),
    }


def test_translate_a_dukpt_pin_block_to_iso_0(aws: Clients, keys: dict[str, str]) -> None:
    out = aws.data.translate_pin_data(
        IncomingKeyIdentifier=keys["bdk"], OutgoingKeyIdentifier=keys["zpk"], EncryptedPinBlock=TERMINAL_BLOCK,
        IncomingTranslationAttributes={"IsoFormat0": {"PrimaryAccountNumber": PAN}},
        OutgoingTranslationAttributes={"IsoFormat0": {"PrimaryAccountNumber": PAN}},
        IncomingDukptAttributes={"KeySerialNumber": KSN, "DukptKeyDerivationType": "TDES_2KEY"})
    assert out["KeyArn"] == keys["zpk"]
    assert pinblock.decipher(ZPK, out["PinBlock"], PAN) == "1234"


@pytest.mark.parametrize("form", ["account", "pan"])
def test_the_iso_4_pan_form_is_switchable(form: str) -> None:
    # account (the default, as the service documents PrimaryAccountNumber): the ISO 4 PAN field holds the
    # 12 rightmost digits before the check digit; pan (ISO 9564-1:2017 9.4.2): the whole PAN
    from pinsec.aws import make_server, running

    from .conftest import TABLES, clients_for

    field = {"account": PAN[:-1][-12:], "pan": PAN}[form]
    other_field = {"account": PAN, "pan": PAN[:-1][-12:]}[form]
    with running(make_server(iso4_pan=form, decimalization_tables=TABLES)) as at:
        other = clients_for(at)
        bdk = _key(other, BDK, "TR31_B0_BASE_DERIVATION_KEY", "TDES_2KEY", "DeriveKey")
        aes = _key(other, AES_ZPK, PEK[0], "AES_128", *PEK[1:])
        out = other.data.translate_pin_data(
            IncomingKeyIdentifier=bdk, OutgoingKeyIdentifier=aes, EncryptedPinBlock=TERMINAL_BLOCK,
            IncomingTranslationAttributes={"IsoFormat0": {"PrimaryAccountNumber": PAN}},
            OutgoingTranslationAttributes={"IsoFormat4": {"PrimaryAccountNumber": PAN}},
            IncomingDukptAttributes={"KeySerialNumber": KSN})
        assert pinblock.decipher(AES_ZPK, out["PinBlock"], field, format=4) == "1234"
        pvk = _key(other, bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"), "TR31_V2_VISA_PIN_VERIFICATION_KEY",
                   "TDES_2KEY", "Generate", "Verify")
        request = {"VerificationKeyIdentifier": pvk, "EncryptionKeyIdentifier": aes, "PrimaryAccountNumber": PVV_PAN,
                   "PinBlockFormat": "ISO_FORMAT_4",
                   "VerificationAttributes": {"VisaPin": {"PinVerificationKeyIndex": 1, "VerificationValue": "8523"}}}
        pvv_field = {"account": PVV_PAN[:-1][-12:], "pan": PVV_PAN}[form]
        other.data.verify_pin_data(**request, EncryptedPinBlock=pinblock.encipher(AES_ZPK, "4524", pvv_field,
                                                                                   format=4).hex())
        wrong = {"account": PVV_PAN, "pan": PVV_PAN[:-1][-12:]}[form]
        with pytest.raises(ClientError):
            other.data.verify_pin_data(**request, EncryptedPinBlock=pinblock.encipher(AES_ZPK, "4524", wrong,
                                                                                       format=4).hex())
    assert other_field != field


def test_translate_refuses_what_pci_forbids(aws: Clients, keys: dict[str, str]) -> None:
    block = pinblock.encipher(ZPK, "1234", format=1).hex()
    with pytest.raises(ClientError) as info:
        aws.data.translate_pin_data(
            IncomingKeyIdentifier=keys["zpk"], OutgoingKeyIdentifier=keys["zpk"], EncryptedPinBlock=block,
            IncomingTranslationAttributes={"IsoFormat3": {"PrimaryAccountNumber": PAN}},
            OutgoingTranslationAttributes={"IsoFormat1": {}})
    assert "forbidden_translation" in info.value.response["Error"]["Message"]


# psec's Visa PVV vector visa-pvv-1 and IBM 3624 ibm3624-1 (vectors/pin_verification.json)
PVV_PAN = "1122334455667788"


def _zpk_block(pin: str) -> str:
    return pinblock.encipher(ZPK, pin, PVV_PAN).hex().upper()


def test_verify_pin_data_visa_pvv(aws: Clients, keys: dict[str, str]) -> None:
    common = {"VerificationKeyIdentifier": keys["pvv"], "EncryptionKeyIdentifier": keys["zpk"],
              "PrimaryAccountNumber": PVV_PAN, "PinBlockFormat": "ISO_FORMAT_0",
              "EncryptedPinBlock": _zpk_block("4524")}
    out = aws.data.verify_pin_data(**common, VerificationAttributes={
        "VisaPin": {"PinVerificationKeyIndex": 1, "VerificationValue": "8523"}})
    assert out["VerificationKeyArn"] == keys["pvv"]
    with pytest.raises(ClientError) as info:
        aws.data.verify_pin_data(**common, VerificationAttributes={
            "VisaPin": {"PinVerificationKeyIndex": 1, "VerificationValue": "8524"}})
    assert info.value.response["Error"]["Code"] == "VerificationFailedException"
    assert info.value.response["Reason"] == "INVALID_PIN"


IBM = {"DecimalizationTable": "1234567890123456", "PinValidationDataPadCharacter": "F",
       "PinValidationData": "1122334455667788"}


@pytest.mark.parametrize(("pin", "offset"), [("4524", "0000"), ("5635", "1111"), ("0000", "6586")])
def test_ibm_3624_verify_and_generate(aws: Clients, keys: dict[str, str], pin: str, offset: str) -> None:
    common = {"EncryptionKeyIdentifier": keys["zpk"], "PrimaryAccountNumber": PVV_PAN,
              "PinBlockFormat": "ISO_FORMAT_0"}
    aws.data.verify_pin_data(**common, VerificationKeyIdentifier=keys["ibm"], EncryptedPinBlock=_zpk_block(pin),
                             VerificationAttributes={"Ibm3624Pin": {**IBM, "PinOffset": offset}})
    out = aws.data.generate_pin_data(**common, GenerationKeyIdentifier=keys["ibm"], GenerationAttributes={
        "Ibm3624PinOffset": {**IBM, "EncryptedPinBlock": _zpk_block(pin)}})
    assert out["PinData"] == {"PinOffset": offset}


def test_generate_pin_data_pvv_of_a_block_and_of_a_random_pin(aws: Clients, keys: dict[str, str]) -> None:
    common = {"GenerationKeyIdentifier": keys["pvv"], "EncryptionKeyIdentifier": keys["zpk"],
              "PrimaryAccountNumber": PVV_PAN, "PinBlockFormat": "ISO_FORMAT_0"}
    out = aws.data.generate_pin_data(**common, GenerationAttributes={"VisaPinVerificationValue": {
        "EncryptedPinBlock": _zpk_block("4524"), "PinVerificationKeyIndex": 1}})
    assert out["PinData"] == {"VerificationValue": "8523"}
    random = aws.data.generate_pin_data(**common, PinDataLength=6, GenerationAttributes={
        "VisaPin": {"PinVerificationKeyIndex": 2}})
    pin = pinblock.decipher(ZPK, random["EncryptedPinBlock"], PVV_PAN)
    from pinsec.pin import visa_pvv

    assert len(pin) == 6 and random["PinData"]["VerificationValue"] == visa_pvv(
        bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"), PVV_PAN, "2", pin)


def test_card_validation_data(aws: Clients, keys: dict[str, str]) -> None:
    x = _vector("pin_verification.json", "cvv-psec-doc")
    cvv1 = {"CardVerificationValue1": {"CardExpiryDate": x["expiry"], "ServiceCode": x["service_code"]}}
    out = aws.data.generate_card_validation_data(KeyIdentifier=keys["cvk"], PrimaryAccountNumber=x["pan"],
                                                 GenerationAttributes=cvv1)
    assert out["ValidationData"] == x["expected"]["cvv"]
    aws.data.verify_card_validation_data(KeyIdentifier=keys["cvk"], PrimaryAccountNumber=x["pan"],
                                         VerificationAttributes=cvv1, ValidationData="170")
    with pytest.raises(ClientError) as info:
        aws.data.verify_card_validation_data(KeyIdentifier=keys["cvk"], PrimaryAccountNumber=x["pan"],
                                             VerificationAttributes=cvv1, ValidationData="171")
    assert info.value.response["Reason"] == "INVALID_VALIDATION_DATA"
    cvv2 = aws.data.generate_card_validation_data(KeyIdentifier=keys["cvk"], PrimaryAccountNumber=x["pan"],
                                                  GenerationAttributes={"CardVerificationValue2": {
                                                      "CardExpiryDate": x["expiry"]}})["ValidationData"]
    from pinsec.pin import cvv

    assert cvv2 == cvv(bytes.fromhex(x["cvk"]), x["pan"], x["expiry"], "000")


def test_macs(aws: Clients, keys: dict[str, str]) -> None:
    retail = _vector("mac.json", "x919-A4-counter1-request")
    out = aws.data.generate_mac(KeyIdentifier=keys["m3"], MessageData=retail["data"], MacLength=8,
                                GenerationAttributes={"Algorithm": "ISO9797_ALGORITHM3"})
    assert out["Mac"] == retail["expected"]["mac"]
    cmac = _vector("mac.json", "rfc4493-example2")
    out = aws.data.generate_mac(KeyIdentifier=keys["cmac"], MessageData=cmac["data"],
                                GenerationAttributes={"Algorithm": "CMAC"})
    assert out["Mac"].lower() == cmac["expected"]["mac"]
    aws.data.verify_mac(KeyIdentifier=keys["cmac"], MessageData=cmac["data"], Mac=cmac["expected"]["mac"],
                        VerificationAttributes={"Algorithm": "CMAC"})
    with pytest.raises(ClientError) as info:
        aws.data.verify_mac(KeyIdentifier=keys["cmac"], MessageData=cmac["data"], Mac="00" * 16,
                            VerificationAttributes={"Algorithm": "CMAC"})
    assert info.value.response["Reason"] == "INVALID_MAC"
    with pytest.raises(ClientError) as info:  # the key's usage fixes the algorithm
        aws.data.generate_mac(KeyIdentifier=keys["cmac"], MessageData="00", GenerationAttributes={
            "Algorithm": "ISO9797_ALGORITHM3"})
    assert info.value.response["Error"]["Code"] == "ValidationException"


def test_dukpt_retail_mac(aws: Clients, keys: dict[str, str]) -> None:
    # X9.24-1:2009 A.4: the request MAC key of KSN ...E00001 (vectors/mac.json x919-A4-counter1-request)
    retail = _vector("mac.json", "x919-A4-counter1-request")
    out = aws.data.generate_mac(KeyIdentifier=keys["bdk"], MessageData=retail["data"], MacLength=8,
                                GenerationAttributes={"DukptIso9797Algorithm3": {
                                    "KeySerialNumber": KSN, "DukptKeyVariant": "REQUEST",
                                    "DukptDerivationType": "TDES_2KEY"}})
    assert out["Mac"] == retail["expected"]["mac"]


def test_a_stopped_or_unknown_key_is_refused(aws: Clients, keys: dict[str, str]) -> None:
    arn = _key(aws, ZPK, PEK[0], "TDES_2KEY", *PEK[1:])
    aws.control.stop_key_usage(KeyIdentifier=arn)
    request = {"IncomingKeyIdentifier": arn, "OutgoingKeyIdentifier": keys["zpk"], "EncryptedPinBlock": "00" * 8,
               "IncomingTranslationAttributes": {"IsoFormat0": {"PrimaryAccountNumber": PAN}},
               "OutgoingTranslationAttributes": {"IsoFormat0": {"PrimaryAccountNumber": PAN}}}
    with pytest.raises(ClientError) as info:
        aws.data.translate_pin_data(**request)
    assert info.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as info:
        aws.data.translate_pin_data(**{**request, "IncomingKeyIdentifier": arn[:-4] + "0000"})
    assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_bad_pin_blocks_are_one_error(aws: Clients, keys: dict[str, str]) -> None:
    messages = set()
    for block in (pinblock.encipher(ZPK, "1234", format=1).hex(), "00" * 8,
                  pinblock.encipher(ZPK, "1234", "5" * 16).hex()):
        with pytest.raises(ClientError) as info:
            aws.data.translate_pin_data(
                IncomingKeyIdentifier=keys["zpk"], OutgoingKeyIdentifier=keys["zpk"], EncryptedPinBlock=block,
                IncomingTranslationAttributes={"IsoFormat0": {"PrimaryAccountNumber": PAN}},
                OutgoingTranslationAttributes={"IsoFormat0": {"PrimaryAccountNumber": PAN}})
        messages.add((info.value.response["Error"]["Code"], info.value.response["Error"]["Message"]))
    assert len(messages) == 1


def test_encrypt_decrypt_and_reencrypt_data(aws: Clients) -> None:
    # NIST SP 800-38A F.2.1 (CBC-AES128) through a D0 key, then re-encrypted to a second data key
    from ..test_data_ops import AES_KEY, CBC, IV, PLAIN

    modes = ("Encrypt", "Decrypt", "Wrap", "Unwrap")
    key = _key(aws, bytes.fromhex(AES_KEY), "TR31_D0_SYMMETRIC_DATA_ENCRYPTION_KEY", "AES_128", *modes)
    other_clear = bytes(range(16))
    other = _key(aws, other_clear, "TR31_D0_SYMMETRIC_DATA_ENCRYPTION_KEY", "AES_128", *modes)
    cbc = {"Symmetric": {"Mode": "CBC", "InitializationVector": IV}}
    out = aws.data.encrypt_data(KeyIdentifier=key, PlainText=PLAIN, EncryptionAttributes=cbc)
    assert out["CipherText"].lower() == CBC
    assert aws.data.decrypt_data(KeyIdentifier=key, CipherText=CBC, DecryptionAttributes=cbc)["PlainText"].lower() \
        == PLAIN
    moved = aws.data.re_encrypt_data(IncomingKeyIdentifier=key, OutgoingKeyIdentifier=other, CipherText=CBC,
                                     IncomingEncryptionAttributes=cbc,
                                     OutgoingEncryptionAttributes={"Symmetric": {"Mode": "ECB"}})
    from pinsec import _crypto

    assert moved["CipherText"].lower() == _crypto.aes_ecb_encrypt(other_clear, bytes.fromhex(PLAIN)).hex()
    with pytest.raises(ClientError) as info:
        aws.data.encrypt_data(KeyIdentifier=key, PlainText="00" * 15, EncryptionAttributes=cbc)
    assert info.value.response["Error"]["Code"] == "ValidationException"


def test_dukpt_data_encryption(aws: Clients, keys: dict[str, str]) -> None:
    from pinsec import _crypto
    from pinsec.dukpt import tdes

    working = tdes.derive_working_key(BDK, KSN, tdes.KeyUsage.DATA_REQUEST)
    out = aws.data.encrypt_data(KeyIdentifier=keys["bdk"], PlainText="00" * 16, EncryptionAttributes={
        "Dukpt": {"KeySerialNumber": KSN, "Mode": "CBC", "DukptKeyVariant": "REQUEST"}})
    assert bytes.fromhex(out["CipherText"]) == _crypto.tdes_cbc_encrypt(working, bytes(8), bytes(16))


@pytest.mark.parametrize(("kind", "extra", "pin"), [("Ibm3624NaturalPin", {}, "4524"),
                                                    ("Ibm3624PinFromOffset", {"PinOffset": "1111"}, "5635")])
def test_generate_pin_data_ibm_natural_pin_and_pin_from_offset(aws: Clients, keys: dict[str, str], kind: str,
                                                                extra: dict[str, str], pin: str) -> None:
    out = aws.data.generate_pin_data(GenerationKeyIdentifier=keys["ibm"], EncryptionKeyIdentifier=keys["zpk"],
                                     PrimaryAccountNumber=PVV_PAN, PinBlockFormat="ISO_FORMAT_0",
                                     GenerationAttributes={kind: {**IBM, **extra}})
    assert pinblock.decipher(ZPK, out["EncryptedPinBlock"], PVV_PAN) == pin
