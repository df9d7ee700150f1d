"""Every operation of both service models (botocore's own), called through boto3: each is either
implemented (listed here) or answered with a ValidationException that says it is not implemented, never
a dropped connection, a 500 or a parse error in botocore."""

from __future__ import annotations

import socket

import botocore.session
import pytest
from botocore.exceptions import ClientError, ParamValidationError

from .conftest import Clients

IMPLEMENTED = {
    "payment-cryptography": {
        "CreateKey", "GetKey", "ListKeys", "DeleteKey", "RestoreKey", "StartKeyUsage", "StopKeyUsage", "CreateAlias",
        "GetAlias", "ListAliases", "UpdateAlias", "DeleteAlias", "TagResource", "UntagResource",
        "ListTagsForResource", "GetParametersForImport", "ImportKey", "ExportKey",
    },
    "payment-cryptography-data": {
        "TranslatePinData", "VerifyPinData", "GeneratePinData", "GenerateCardValidationData",
        "VerifyCardValidationData", "GenerateMac", "VerifyMac", "EncryptData", "DecryptData", "ReEncryptData",
    },
}
_ARN = "arn:aws:payment-cryptography:us-east-1:111122223333:key/0000000000000000"


def _minimal(model: object, shape: object) -> object:
    """A value botocore accepts for ``shape``: required members only, each the smallest the model allows."""
    kind = shape.type_name  # type: ignore[attr-defined]
    if kind == "structure":
        members = shape.members  # type: ignore[attr-defined]
        union = shape.metadata.get("union", False) or getattr(shape, "is_tagged_union", False)  # type: ignore[attr-defined]
        required = shape.required_members or ([next(iter(members))] if union else [])  # type: ignore[attr-defined]
        return {name: _minimal(model, members[name]) for name in required}
    if kind == "string":
        if shape.enum:  # type: ignore[attr-defined]
            return shape.enum[0]  # type: ignore[attr-defined]
        if "Arn" in shape.name or "Identifier" in shape.name:  # type: ignore[attr-defined]
            return _ARN
        n = max(shape.metadata.get("min", 1), 1)  # type: ignore[attr-defined]
        return "0" * (n + n % 2)
    if kind in ("integer", "long"):
        return shape.metadata.get("min", 1)  # type: ignore[attr-defined]
    if kind == "boolean":
        return False
    if kind == "list":
        return [_minimal(model, shape.member)] if shape.metadata.get("min", 0) else []  # type: ignore[attr-defined]
    if kind == "blob":
        return b"00"
    if kind == "timestamp":
        return 0
    return None


@pytest.mark.parametrize("service", sorted(IMPLEMENTED))
def test_every_operation_of_the_model_is_answered(aws: Clients, service: str) -> None:
    client = aws.control if service == "payment-cryptography" else aws.data
    model = botocore.session.get_session().get_service_model(service)
    answered, implemented = [], []
    for name in model.operation_names:
        op = model.operation_model(name)
        params = _minimal(model, op.input_shape) if op.input_shape is not None else {}
        method = getattr(client, botocore.xform_name(name))
        try:
            method(**params)  # type: ignore[arg-type]
            implemented.append(name)
        except ParamValidationError:
            continue  # botocore's own validation: the request never left
        except ClientError as exc:
            error = exc.response["Error"]
            status = exc.response["ResponseMetadata"]["HTTPStatusCode"]
            assert status < 500, (name, error)
            if "not implemented by pinsec" in error.get("Message", ""):
                assert name not in IMPLEMENTED[service], name
            else:
                implemented.append(name)
        answered.append(name)
    assert len(answered) >= len(model.operation_names) - 2, sorted(set(model.operation_names) - set(answered))
    # every operation botocore would send was answered; the implemented ones are exactly the listed ones
    assert set(implemented) == IMPLEMENTED[service] & set(answered), set(implemented) ^ IMPLEMENTED[service]


def test_malformed_http_gets_a_400_not_a_dropped_server(aws: Clients) -> None:
    with socket.create_connection((aws.server.host, aws.server.port)) as s:
        s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n")
        assert s.recv(100).startswith(b"HTTP/1.1 400")
    with socket.create_connection((aws.server.host, aws.server.port)) as s:
        s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: PaymentCryptographyControlPlane.GetKey\r\n"
                  b"Content-Length: 5\r\n\r\n{nope")
        reply = b""
        while b"}" not in reply:  # the whole JSON body, however the response was split into segments
            chunk = s.recv(1000)
            assert chunk, reply
            reply += chunk
        assert reply.startswith(b"HTTP/1.1 400") and b"ValidationException" in reply
    assert aws.control.list_keys()["Keys"] is not None
