"""The control plane (JSON 1.0, ``X-Amz-Target: PaymentCryptographyControlPlane.<Operation>``): keys,
their usage and deletion windows, aliases, tags, import and export."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import PinsecError
from .attributes import key_length, to_tr31
from .errors import AwsError, from_pinsec, not_found, validation
from .records import KeyRecord

if TYPE_CHECKING:
    from .service import Service

__all__ = ["OPERATIONS"]

Operation = Callable[["Service", dict[str, Any]], dict[str, Any]]
OPERATIONS: dict[str, Operation] = {}


def _op(name: str) -> Callable[[Operation], Operation]:
    def register(fn: Operation) -> Operation:
        OPERATIONS[name] = fn
        return fn

    return register


def _field(body: dict[str, Any], name: str, kind: type | tuple[type, ...], required: bool = True) -> Any:
    value = body.get(name)
    if value is None:
        if required:
            raise validation(f"{name} is required", name)
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise validation(f"{name} has the wrong type", name)
    return value


def _tags(body: dict[str, Any]) -> dict[str, str]:
    out = {}
    for tag in _field(body, "Tags", list, required=False) or []:
        if not isinstance(tag, dict) or not isinstance(tag.get("Key"), str) or not isinstance(tag.get("Value"), str):
            raise validation("a tag is {Key, Value}", "Tags")
        out[tag["Key"]] = tag["Value"]
    return out


def _key_result(svc: Service, record: KeyRecord) -> dict[str, Any]:
    svc.records.save()
    return {"Key": svc.records.describe(record)}


@_op("CreateKey")
def create_key(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    attributes = _field(body, "KeyAttributes", dict)
    exportable = _field(body, "Exportable", bool)
    tr31 = to_tr31(attributes, exportable)
    if _field(body, "DeriveKeyUsage", str, required=False) or body.get("ReplicationRegions"):
        raise validation("DeriveKeyUsage and replication are not offered here")
    enabled = _field(body, "Enabled", bool, required=False)
    try:
        handle = svc.hsm.generate_key(tr31, length=key_length(attributes))
    except PinsecError as exc:
        raise from_pinsec(exc) from None
    record = svc.new_record(handle, "AWS_PAYMENT_CRYPTOGRAPHY", body.get("KeyCheckValueAlgorithm"),
                            enabled=enabled is not False, tags=_tags(body))
    return _key_result(svc, record)


@_op("GetKey")
def get_key(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    return {"Key": svc.records.describe(svc.records.record(body.get("KeyIdentifier")))}


def _page(items: list[Any], body: dict[str, Any], result: str) -> dict[str, Any]:
    limit = _field(body, "MaxResults", int, required=False) or 100
    if not 1 <= limit <= 100:
        raise validation("MaxResults is 1 to 100", "MaxResults")
    token = _field(body, "NextToken", str, required=False)
    try:
        start = int(base64.b64decode(token).decode()) if token else 0
    except ValueError:
        raise validation("NextToken is not one this service gave", "NextToken") from None
    out: dict[str, Any] = {result: items[start:start + limit]}
    if start + limit < len(items):
        out["NextToken"] = base64.b64encode(str(start + limit).encode()).decode()
    return out


@_op("ListKeys")
def list_keys(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    svc.expire()
    state = _field(body, "KeyState", str, required=False)
    records = sorted(svc.records.keys.values(), key=lambda r: (r.created, r.id))
    return _page([svc.records.summary(r) for r in records if state is None or r.state == state], body, "Keys")


@_op("DeleteKey")
def delete_key(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    record = svc.records.record(body.get("KeyIdentifier"))
    days = _field(body, "DeleteKeyInDays", int, required=False) or 7
    if not 3 <= days <= 180:
        raise validation("DeleteKeyInDays is 3 to 180", "DeleteKeyInDays")
    if record.state != "CREATE_COMPLETE":
        raise AwsError("ConflictException", f"the key is {record.state}")
    now = time.time()
    record.state, record.enabled, record.usage_stop = "DELETE_PENDING", False, now
    record.delete_pending = now + days * 86400
    return _key_result(svc, record)


@_op("RestoreKey")
def restore_key(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    record = svc.records.record(body.get("KeyIdentifier"))
    if record.state != "DELETE_PENDING":
        raise AwsError("ConflictException", f"only a key pending deletion can be restored; this one is {record.state}")
    record.state, record.delete_pending = "CREATE_COMPLETE", None  # usage stays stopped until StartKeyUsage
    return _key_result(svc, record)


def _usage(svc: Service, body: dict[str, Any], enabled: bool) -> dict[str, Any]:
    record = svc.records.record(body.get("KeyIdentifier"))
    if record.state != "CREATE_COMPLETE":
        raise AwsError("ConflictException", f"the key is {record.state}")
    record.enabled = enabled
    if enabled:
        record.usage_start = time.time()
    else:
        record.usage_stop = time.time()
    return _key_result(svc, record)


@_op("StartKeyUsage")
def start_key_usage(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    return _usage(svc, body, True)


@_op("StopKeyUsage")
def stop_key_usage(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    return _usage(svc, body, False)


# ------------------------------------------------------------------------------------------ aliases

def _alias(svc: Service, name: str) -> dict[str, Any]:
    target = svc.records.aliases[name]
    return {"AliasName": name} | ({} if target is None else {"KeyArn": svc.records.arn(target)})


def _alias_target(svc: Service, body: dict[str, Any]) -> str | None:
    arn = _field(body, "KeyArn", str, required=False)
    return None if arn is None else svc.records.key_id(arn, "KeyArn")


@_op("CreateAlias")
def create_alias(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    name = svc.records.alias_name(body.get("AliasName"))
    if name in svc.records.aliases:
        raise AwsError("ConflictException", "an alias of that name exists")
    svc.records.aliases[name] = _alias_target(svc, body)
    svc.records.save()
    return {"Alias": _alias(svc, name)}


def _existing_alias(svc: Service, body: dict[str, Any]) -> str:
    name = svc.records.alias_name(body.get("AliasName"))
    if name not in svc.records.aliases:
        raise not_found(name)
    return name


@_op("GetAlias")
def get_alias(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    return {"Alias": _alias(svc, _existing_alias(svc, body))}


@_op("UpdateAlias")
def update_alias(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    name = _existing_alias(svc, body)
    svc.records.aliases[name] = _alias_target(svc, body)
    svc.records.save()
    return {"Alias": _alias(svc, name)}


@_op("DeleteAlias")
def delete_alias(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    del svc.records.aliases[_existing_alias(svc, body)]
    svc.records.save()
    return {}


@_op("ListAliases")
def list_aliases(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    target = _alias_target(svc, body)
    names = sorted(n for n, k in svc.records.aliases.items() if target is None or k == target)
    return _page([_alias(svc, n) for n in names], body, "Aliases")


# --------------------------------------------------------------------------------------------- tags

def _resource(svc: Service, body: dict[str, Any]) -> KeyRecord:
    return svc.records.keys[svc.records.key_id(_field(body, "ResourceArn", str), "ResourceArn")]


@_op("TagResource")
def tag_resource(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    record = _resource(svc, body)
    record.tags.update(_tags(body))
    svc.records.save()
    return {}


@_op("UntagResource")
def untag_resource(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    record = _resource(svc, body)
    for key in _field(body, "TagKeys", list):
        record.tags.pop(key, None)
    svc.records.save()
    return {}


@_op("ListTagsForResource")
def list_tags(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    record = _resource(svc, body)
    return _page([{"Key": k, "Value": v} for k, v in sorted(record.tags.items())], body, "Tags")


# ------------------------------------------------------------------------------------ import, export

_RSA = {"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}


@_op("GetParametersForImport")
def parameters_for_import(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    if _field(body, "KeyMaterialType", str) != "KEY_CRYPTOGRAM":
        raise validation("import parameters are offered for KEY_CRYPTOGRAM (TR-34 is not implemented here)",
                         "KeyMaterialType")
    algorithm = _field(body, "WrappingKeyAlgorithm", str)
    if algorithm not in _RSA:
        raise validation("WrappingKeyAlgorithm is RSA_2048, RSA_3072 or RSA_4096", "WrappingKeyAlgorithm")
    params = svc.hsm.key_import_parameters(bits=_RSA[algorithm])
    return {"WrappingKeyCertificate": base64.b64encode(params.certificate_pem).decode(),
            "WrappingKeyCertificateChain": base64.b64encode(params.ca_certificate_pem).decode(),
            "WrappingKeyAlgorithm": algorithm, "ImportToken": params.import_token,
            "ParametersValidUntilTimestamp": params.valid_until.timestamp()}


@_op("ImportKey")
def import_key(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    material = _field(body, "KeyMaterial", dict)
    enabled = _field(body, "Enabled", bool, required=False)
    try:
        if "Tr31KeyBlock" in material:
            spec = material["Tr31KeyBlock"]
            kbpk = svc.handle(spec.get("WrappingKeyIdentifier"), "KeyMaterial.Tr31KeyBlock.WrappingKeyIdentifier")
            handle = svc.hsm.import_key_block(_field(spec, "WrappedKeyBlock", str), kbpk=kbpk)
        elif "KeyCryptogram" in material:
            spec = material["KeyCryptogram"]
            attributes = _field(spec, "KeyAttributes", dict)
            tr31 = to_tr31(attributes, _field(spec, "Exportable", bool), "KeyMaterial.KeyCryptogram.KeyAttributes")
            hash_name = {"RSA_OAEP_SHA_256": "sha256", "RSA_OAEP_SHA_512": "sha512"}.get(
                spec.get("WrappingSpec") or "RSA_OAEP_SHA_256")
            if hash_name is None:
                raise validation("WrappingSpec is RSA_OAEP_SHA_256 or RSA_OAEP_SHA_512", "WrappingSpec")
            handle = svc.hsm.import_rsa_wrapped_key(_field(spec, "WrappedKeyCryptogram", str), tr31,
                                                    import_token=_field(spec, "ImportToken", str),
                                                    hash_name=hash_name)
            if handle.length != key_length(attributes):
                svc.hsm.destroy(handle)
                raise validation("the key's length does not match KeyAlgorithm", "KeyMaterial.KeyCryptogram")
        else:
            raise validation("KeyMaterial here is Tr31KeyBlock or KeyCryptogram", "KeyMaterial")
    except PinsecError as exc:
        raise from_pinsec(exc) from None
    record = svc.new_record(handle, "EXTERNAL", body.get("KeyCheckValueAlgorithm"), enabled=enabled is not False,
                            tags=_tags(body))
    return _key_result(svc, record)


@_op("ExportKey")
def export_key(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    material = _field(body, "KeyMaterial", dict)
    spec = material.get("Tr31KeyBlock")
    if not isinstance(spec, dict):
        raise validation("KeyMaterial here is Tr31KeyBlock (TR-34 and cryptograms are not implemented)",
                         "KeyMaterial")
    record = svc.records.usable(body.get("ExportKeyIdentifier"), "ExportKeyIdentifier")
    kbpk_id = spec.get("WrappingKeyIdentifier")
    kbpk = svc.handle(kbpk_id, "KeyMaterial.Tr31KeyBlock.WrappingKeyIdentifier")
    try:
        block = svc.hsm.export_key_block(svc.hsm.key(record.id), kbpk=kbpk)
    except PinsecError as exc:
        raise from_pinsec(exc) from None
    return {"WrappedKey": {"WrappingKeyArn": svc.records.arn(kbpk.id), "WrappedKeyMaterialFormat": "TR31_KEY_BLOCK",
                           "KeyMaterial": block, "KeyCheckValue": record.kcv,
                           "KeyCheckValueAlgorithm": record.kcv_algorithm}}

