"""The data plane (REST-JSON): PIN translation, verification and generation, card validation data and
MACs, each a thin mapping of the service's shapes onto :class:`~pinsec.Hsm` calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from ..errors import PinsecError
from ..keys import KeyHandle
from .errors import from_pinsec, validation

if TYPE_CHECKING:
    from .service import Service

__all__ = ["OPERATIONS"]

Operation = Callable[["Service", dict[str, Any]], dict[str, Any]]
#: request path -> (operation name, handler)
OPERATIONS: dict[str, tuple[str, Operation]] = {}

_FORMATS: Final = {"IsoFormat0": 0, "IsoFormat1": 1, "IsoFormat3": 3, "IsoFormat4": 4}
_BLOCK_FORMATS: Final = {"ISO_FORMAT_0": 0, "ISO_FORMAT_1": 1, "ISO_FORMAT_3": 3, "ISO_FORMAT_4": 4}
#: DukptDerivationType -> pinsec's AES DUKPT working key type (None: TDES DUKPT, from the BDK's algorithm)
_DUKPT_TYPES: Final = {"TDES_2KEY": "TDES2", "TDES_3KEY": "TDES3", "AES_128": "AES128", "AES_192": "AES192",
                       "AES_256": "AES256"}


def _op(path: str, name: str) -> Callable[[Operation], Operation]:
    def register(fn: Operation) -> Operation:
        OPERATIONS[path] = (name, fn)
        return fn

    return register


def _need(body: dict[str, Any], name: str, kind: type | tuple[type, ...] = str, path: str | None = None) -> Any:
    value = body.get(name)
    if value is None or not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise validation(f"{name} is required and of the model's type", path or name)
    return value


def _union(body: dict[str, Any], name: str) -> tuple[str, dict[str, Any]]:
    """The one member of a union structure that is set."""
    value = _need(body, name, dict)
    members = [(k, v) for k, v in value.items() if v is not None]
    if len(members) != 1 or not isinstance(members[0][1], dict):
        raise validation(f"{name} sets exactly one member", name)
    return members[0]


def _dukpt(svc: Service, key: KeyHandle, attrs: dict[str, Any] | None, path: str) -> tuple[str | None, str | None]:
    """(KSN, pinsec DUKPT key type) of DUKPT attributes; (None, None) without them."""
    if attrs is None:
        return None, None
    ksn = _need(attrs, "KeySerialNumber", str, f"{path}.KeySerialNumber")
    kind = attrs.get("DukptDerivationType") or attrs.get("DukptKeyDerivationType")
    if key.attributes.algorithm.value == "T":
        if kind not in (None, "TDES_2KEY"):
            raise validation("a TDES BDK derives TDES_2KEY working keys", path)
        return ksn, None
    return ksn, _DUKPT_TYPES.get(kind or "AES_128")


def _call(fn: Callable[[], Any], reason: str | None = None) -> Any:
    try:
        return fn()
    except PinsecError as exc:
        raise from_pinsec(exc, verification_reason=reason) from None


# ---------------------------------------------------------------------------------------------- PINs

@_op("/pindata/translate", "TranslatePinData")
def translate_pin(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    src = svc.handle(body.get("IncomingKeyIdentifier"), "IncomingKeyIdentifier")
    dst_record = svc.records.usable(body.get("OutgoingKeyIdentifier"), "OutgoingKeyIdentifier")
    dst = svc.hsm.key(dst_record.id)
    sf, src_pan = svc.iso_format(*_union(body, "IncomingTranslationAttributes"))
    df, dst_pan = svc.iso_format(*_union(body, "OutgoingTranslationAttributes"))
    src_ksn, src_type = _dukpt(svc, src, body.get("IncomingDukptAttributes"), "IncomingDukptAttributes")
    dst_ksn, dst_type = _dukpt(svc, dst, body.get("OutgoingDukptAttributes"), "OutgoingDukptAttributes")
    if body.get("IncomingWrappedKey") or body.get("OutgoingWrappedKey") or body.get("IncomingAs2805Attributes"):
        raise validation("wrapped keys and AS 2805 are not offered here")
    pan = src_pan if src_pan is not None else dst_pan
    block = _need(body, "EncryptedPinBlock")
    out = _call(lambda: svc.hsm.translate_pin(block, src_key=src, src_format=sf, dst_key=dst, dst_format=df, pan=pan,
                                              dst_pan=dst_pan if src_pan is not None else None, src_ksn=src_ksn,
                                              dst_ksn=dst_ksn, src_dukpt_key_type=src_type,
                                              dst_dukpt_key_type=dst_type, iso4_pan=svc.iso4_pan))
    return {"PinBlock": out.hex().upper(), "KeyArn": svc.records.arn(dst.id), "KeyCheckValue": dst_record.kcv}


def _validation_data(attrs: dict[str, Any]) -> tuple[str, str]:
    """(16-digit IBM 3624 validation data: the given digits right-padded with the pad character, table)."""
    data = _need(attrs, "PinValidationData")
    pad = _need(attrs, "PinValidationDataPadCharacter")
    if len(data) > 16 or len(pad) != 1:
        raise validation("PinValidationData is up to 16 digits, the pad character one", "PinValidationData")
    return data.ljust(16, pad), _need(attrs, "DecimalizationTable")


def _pin_keys(svc: Service, body: dict[str, Any], key_name: str, pvk_name: str) -> tuple[KeyHandle, KeyHandle]:
    return svc.handle(body.get(pvk_name), pvk_name), svc.handle(body.get(key_name), key_name)


def _block_format(svc: Service, body: dict[str, Any]) -> tuple[int, str | None]:
    fmt = _BLOCK_FORMATS.get(body.get("PinBlockFormat", ""))
    if fmt is None:
        raise validation("PinBlockFormat is ISO_FORMAT_0, 1, 3 or 4", "PinBlockFormat")
    pan = body.get("PrimaryAccountNumber")
    return fmt, None if pan is None else svc.pan_for(fmt, pan)


@_op("/pindata/verify", "VerifyPinData")
def verify_pin(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    pvk, key = _pin_keys(svc, body, "EncryptionKeyIdentifier", "VerificationKeyIdentifier")
    fmt, pan = _block_format(svc, body)
    ksn, key_type = _dukpt(svc, key, body.get("DukptAttributes"), "DukptAttributes")
    block = _need(body, "EncryptedPinBlock")
    kind, attrs = _union(body, "VerificationAttributes")
    if kind == "VisaPin":
        index = _need(attrs, "PinVerificationKeyIndex", int)
        _call(lambda: svc.hsm.verify_pin(block, key=key, format=fmt, pan=pan, pvk=pvk, method="visa-pvv",
                                         pvki=str(index), pvv=_need(attrs, "VerificationValue"), ksn=ksn,
                                         dukpt_key_type=key_type, iso4_pan=svc.iso4_pan), "INVALID_PIN")
    elif kind == "Ibm3624Pin":
        data, table = _validation_data(attrs)
        offset = _need(attrs, "PinOffset")
        _call(lambda: svc.hsm.verify_pin(block, key=key, format=fmt, pan=pan, pvk=pvk, method="ibm3624",
                                         offset=offset, validation_data=data, decimalization_table=table,
                                         pin_check_length=len(offset), ksn=ksn, dukpt_key_type=key_type,
                                         iso4_pan=svc.iso4_pan), "INVALID_PIN")
    else:
        raise validation(f"{kind} verification is not offered here", "VerificationAttributes")
    return {"VerificationKeyArn": svc.records.arn(pvk.id), "VerificationKeyCheckValue": svc.kcv_of(pvk),
            "EncryptionKeyArn": svc.records.arn(key.id), "EncryptionKeyCheckValue": svc.kcv_of(key)}


@_op("/pindata/generate", "GeneratePinData")
def generate_pin(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    pvk, key = _pin_keys(svc, body, "EncryptionKeyIdentifier", "GenerationKeyIdentifier")
    fmt, pan = _block_format(svc, body)
    kind, attrs = _union(body, "GenerationAttributes")
    length = body.get("PinDataLength") or 4
    block = attrs.get("EncryptedPinBlock")
    if kind in ("VisaPin", "Ibm3624RandomPin"):
        block = _call(lambda: svc.hsm.generate_pin(length=length, key=key, format=fmt, pan=pan,
                                                   iso4_pan=svc.iso4_pan)).hex().upper()
    elif kind in ("Ibm3624NaturalPin", "Ibm3624PinFromOffset"):
        validation_data, table = _validation_data(attrs)
        offset = attrs.get("PinOffset") if kind == "Ibm3624PinFromOffset" else "0" * length
        block = _call(lambda: svc.hsm.pin_from_offset(
            _need({"PinOffset": offset}, "PinOffset", str, f"GenerationAttributes.{kind}.PinOffset"), pvk=pvk,
            validation_data=validation_data, decimalization_table=table, key=key, format=fmt, pan=pan,
            iso4_pan=svc.iso4_pan)).hex().upper()
        return {"GenerationKeyArn": svc.records.arn(pvk.id), "GenerationKeyCheckValue": svc.kcv_of(pvk),
                "EncryptionKeyArn": svc.records.arn(key.id), "EncryptionKeyCheckValue": svc.kcv_of(key),
                "EncryptedPinBlock": block, "PinData": {"PinOffset": offset}}
    if not isinstance(block, str):
        raise validation(f"{kind} is not offered here", "GenerationAttributes")
    if kind in ("VisaPin", "VisaPinVerificationValue"):
        index = str(_need(attrs, "PinVerificationKeyIndex", int))
        value = _call(lambda: svc.hsm.pin_verification_value(block, key=key, format=fmt, pan=pan, pvk=pvk,
                                                             method="visa-pvv", pvki=index, iso4_pan=svc.iso4_pan))
        data = {"VerificationValue": value}
    else:
        validation_data, table = _validation_data(attrs)
        value = _call(lambda: svc.hsm.pin_verification_value(block, key=key, format=fmt, pan=pan, pvk=pvk,
                                                             method="ibm3624", validation_data=validation_data,
                                                             decimalization_table=table, iso4_pan=svc.iso4_pan))
        data = {"PinOffset": value}
    return {"GenerationKeyArn": svc.records.arn(pvk.id), "GenerationKeyCheckValue": svc.kcv_of(pvk),
            "EncryptionKeyArn": svc.records.arn(key.id), "EncryptionKeyCheckValue": svc.kcv_of(key),
            "EncryptedPinBlock": block.upper(), "PinData": data}


# ------------------------------------------------------------------------------ card validation data

def _card(body: dict[str, Any], name: str) -> tuple[str, str, str]:
    kind, attrs = _union(body, name)
    expiry = _need(attrs, "CardExpiryDate", str, f"{name}.{kind}.CardExpiryDate")
    if kind == "CardVerificationValue1":
        return kind, expiry, _need(attrs, "ServiceCode", str, f"{name}.{kind}.ServiceCode")
    if kind == "CardVerificationValue2":
        return kind, expiry, "000"
    raise validation(f"{kind} is not offered here (CVV and CVV2 are)", name)


@_op("/cardvalidationdata/generate", "GenerateCardValidationData")
def generate_card_data(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    key = svc.handle(body.get("KeyIdentifier"), "KeyIdentifier")
    pan = _need(body, "PrimaryAccountNumber")
    _, expiry, service_code = _card(body, "GenerationAttributes")
    if body.get("ValidationDataLength") not in (None, 3):
        raise validation("CVV and CVV2 are 3 digits", "ValidationDataLength")
    value = _call(lambda: svc.hsm.generate_cvv(key, pan=pan, expiry=expiry, service_code=service_code))
    return {"KeyArn": svc.records.arn(key.id), "KeyCheckValue": svc.kcv_of(key), "ValidationData": value}


@_op("/cardvalidationdata/verify", "VerifyCardValidationData")
def verify_card_data(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    key = svc.handle(body.get("KeyIdentifier"), "KeyIdentifier")
    pan = _need(body, "PrimaryAccountNumber")
    _, expiry, service_code = _card(body, "VerificationAttributes")
    value = _need(body, "ValidationData")
    _call(lambda: svc.hsm.verify_cvv(key, value, pan=pan, expiry=expiry, service_code=service_code),
          "INVALID_VALIDATION_DATA")
    return {"KeyArn": svc.records.arn(key.id), "KeyCheckValue": svc.kcv_of(key)}


# ---------------------------------------------------------------------------------------------- MACs

_MACS: Final = {"ISO9797_ALGORITHM1": "iso9797-1-alg1", "ISO9797_ALGORITHM3": "iso9797-1-alg3", "CMAC": "cmac",
                "HMAC": "hmac-sha256", "HMAC_SHA256": "hmac-sha256"}
_DUKPT_MACS: Final = {"DukptIso9797Algorithm1": "iso9797-1-alg1", "DukptIso9797Algorithm3": "iso9797-1-alg3",
                      "DukptCmac": "cmac"}


def _mac_args(svc: Service, body: dict[str, Any], name: str) -> tuple[KeyHandle, bytes, dict[str, Any]]:
    key = svc.handle(body.get("KeyIdentifier"), "KeyIdentifier")
    message = _need(body, "MessageData")
    try:
        data = bytes.fromhex(message)
    except ValueError:
        raise validation("MessageData is hex", "MessageData") from None
    chosen = _need(body, name, dict).get("Algorithm")
    if isinstance(chosen, str):  # the union's one string member
        algorithm = _MACS.get(chosen)
        if algorithm is None or len([v for v in body[name].values() if v is not None]) != 1:
            raise validation("this MAC algorithm is not offered here, or another member is set too", name)
        return key, data, {"algorithm": algorithm}
    kind, attrs = _union(body, name)
    if kind in _DUKPT_MACS:
        variant = attrs.get("DukptKeyVariant")
        if variant not in ("REQUEST", "RESPONSE"):
            raise validation("DukptKeyVariant is REQUEST or RESPONSE here", f"{name}.{kind}.DukptKeyVariant")
        ksn, key_type = _dukpt(svc, key, attrs, f"{name}.{kind}")
        return key, data, {"algorithm": _DUKPT_MACS[kind], "ksn": ksn, "direction": variant.lower(),
                           "dukpt_key_type": key_type}
    raise validation(f"{kind} MACs are not offered here", name)


@_op("/mac/generate", "GenerateMac")
def generate_mac(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    key, data, kw = _mac_args(svc, body, "GenerationAttributes")
    length = body.get("MacLength")
    mac = _call(lambda: svc.hsm.generate_mac(key, data, length=length, **kw))
    return {"KeyArn": svc.records.arn(key.id), "KeyCheckValue": svc.kcv_of(key), "Mac": mac.hex().upper()}


@_op("/mac/verify", "VerifyMac")
def verify_mac(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    key, data, kw = _mac_args(svc, body, "VerificationAttributes")
    try:
        mac = bytes.fromhex(_need(body, "Mac"))
    except ValueError:
        raise validation("Mac is hex", "Mac") from None
    if body.get("MacLength") not in (None, len(mac)):
        raise validation("MacLength is the length of Mac in bytes", "MacLength")
    _call(lambda: svc.hsm.verify_mac(key, data, mac, **kw), "INVALID_MAC")
    return {"KeyArn": svc.records.arn(key.id), "KeyCheckValue": svc.kcv_of(key)}


# ------------------------------------------------------------------------------------------- data

def _crypt_args(svc: Service, key: KeyHandle, body: dict[str, Any], name: str) -> dict[str, Any]:
    """The Hsm's data encryption arguments for EncryptionDecryptionAttributes / ReEncryptionAttributes."""
    kind, attrs = _union(body, name)
    iv = attrs.get("InitializationVector")
    if kind == "Symmetric":
        if attrs.get("PaddingType") is not None:
            raise validation("symmetric data is whole blocks here (no PaddingType)", f"{name}.Symmetric.PaddingType")
        return {"mode": _need(attrs, "Mode", str, f"{name}.Symmetric.Mode"), "iv": iv}
    if kind == "Dukpt":
        variant = attrs.get("DukptKeyVariant") or "REQUEST"
        if variant not in ("REQUEST", "RESPONSE"):
            raise validation("DukptKeyVariant is REQUEST or RESPONSE here", f"{name}.Dukpt.DukptKeyVariant")
        ksn, key_type = _dukpt(svc, key, attrs, f"{name}.Dukpt")
        return {"mode": attrs.get("Mode") or "ECB", "iv": iv, "ksn": ksn, "direction": variant.lower(),
                "dukpt_key_type": key_type}
    raise validation(f"{kind} encryption is not offered here", name)


def _hex_out(data: bytes) -> str:
    return data.hex().upper()


def encrypt_data(svc: Service, key_id: str, body: dict[str, Any]) -> dict[str, Any]:
    key = svc.handle(key_id, "KeyIdentifier")
    args = _crypt_args(svc, key, body, "EncryptionAttributes")
    out = _call(lambda: svc.hsm.encrypt_data(key, _need(body, "PlainText"), **args))
    return {"KeyArn": svc.records.arn(key.id), "KeyCheckValue": svc.kcv_of(key), "CipherText": _hex_out(out)}


def decrypt_data(svc: Service, key_id: str, body: dict[str, Any]) -> dict[str, Any]:
    key = svc.handle(key_id, "KeyIdentifier")
    args = _crypt_args(svc, key, body, "DecryptionAttributes")
    out = _call(lambda: svc.hsm.decrypt_data(key, _need(body, "CipherText"), **args))
    return {"KeyArn": svc.records.arn(key.id), "KeyCheckValue": svc.kcv_of(key), "PlainText": _hex_out(out)}


def reencrypt_data(svc: Service, key_id: str, body: dict[str, Any]) -> dict[str, Any]:
    src = svc.handle(key_id, "IncomingKeyIdentifier")
    dst = svc.handle(body.get("OutgoingKeyIdentifier"), "OutgoingKeyIdentifier")
    clear = _call(lambda: svc.hsm.decrypt_data(src, _need(body, "CipherText"),
                                               **_crypt_args(svc, src, body, "IncomingEncryptionAttributes")))
    out = _call(lambda: svc.hsm.encrypt_data(dst, clear, **_crypt_args(svc, dst, body, "OutgoingEncryptionAttributes")))
    return {"KeyArn": svc.records.arn(dst.id), "KeyCheckValue": svc.kcv_of(dst), "CipherText": _hex_out(out)}


#: /keys/{KeyIdentifier}/<action> -> operation
KEY_OPERATIONS: Final = {"encrypt": ("EncryptData", encrypt_data), "decrypt": ("DecryptData", decrypt_data),
                         "reencrypt": ("ReEncryptData", reencrypt_data)}
