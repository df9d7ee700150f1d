"""--verify-sigv4: botocore's signatures are checked; a wrong secret, an unknown key id, an unsigned or a
stale request is refused with the service's 403 exceptions."""

from __future__ import annotations

import datetime
import http.client
import json
from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError

from pinsec.aws import RunningServer, make_server, running

CREDENTIALS = {"AKIDPINSECTEST01": "the-secret-access-key"}


@pytest.fixture(scope="module")
def signed() -> Iterator[RunningServer]:
    with running(make_server(credentials=CREDENTIALS)) as at:
        yield at


def _client(at: RunningServer, service: str, key_id: str, secret: str) -> object:
    return boto3.client(service, endpoint_url=at.url, region_name="eu-west-1", aws_access_key_id=key_id,
                        aws_secret_access_key=secret)


def test_a_correctly_signed_request_is_answered(signed: RunningServer) -> None:
    control = _client(signed, "payment-cryptography", "AKIDPINSECTEST01", "the-secret-access-key")
    assert control.list_keys()["Keys"] == []  # type: ignore[attr-defined]
    data = _client(signed, "payment-cryptography-data", "AKIDPINSECTEST01", "the-secret-access-key")
    with pytest.raises(ClientError) as info:  # signed fine, the key does not exist: past the check
        data.generate_mac(KeyIdentifier="alias/none", MessageData="00",  # type: ignore[attr-defined]
                          GenerationAttributes={"Algorithm": "CMAC"})
    assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"


@pytest.mark.parametrize(("service", "key_id", "secret", "code"), [
    ("payment-cryptography", "AKIDPINSECTEST01", "wrong", "InvalidSignatureException"),
    ("payment-cryptography", "AKIDUNKNOWN00000", "the-secret-access-key", "UnrecognizedClientException"),
    ("payment-cryptography-data", "AKIDPINSECTEST01", "wrong", "InvalidSignatureException"),
])
def test_bad_signatures_are_refused(signed: RunningServer, service: str, key_id: str, secret: str,
                                    code: str) -> None:
    client = _client(signed, service, key_id, secret)
    with pytest.raises(ClientError) as info:
        if service == "payment-cryptography":
            client.list_keys()  # type: ignore[attr-defined]
        else:
            client.generate_mac(KeyIdentifier="alias/none", MessageData="00",  # type: ignore[attr-defined]
                                GenerationAttributes={"Algorithm": "CMAC"})
    assert info.value.response["Error"]["Code"] == code
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def _raw(at: RunningServer, headers: dict[str, str]) -> tuple[int, str]:
    conn = http.client.HTTPConnection(at.host, at.port, timeout=10)
    conn.request("POST", "/", json.dumps({}), {"X-Amz-Target": "PaymentCryptographyControlPlane.ListKeys",
                                               **headers})
    reply = conn.getresponse()
    body = json.loads(reply.read())
    conn.close()
    return reply.status, body["__type"]


def test_unsigned_and_stale_requests_are_refused(signed: RunningServer) -> None:
    assert _raw(signed, {}) == (403, "IncompleteSignatureException")
    stale = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)).strftime("%Y%m%dT%H%M%SZ")
    auth = (f"AWS4-HMAC-SHA256 Credential=AKIDPINSECTEST01/{stale[:8]}/us-east-1/payment-cryptography/aws4_request, "
            f"SignedHeaders=host;x-amz-date, Signature={'0' * 64}")
    assert _raw(signed, {"Authorization": auth, "X-Amz-Date": stale}) == (403, "InvalidSignatureException")


def test_the_aws_sigv4_test_suite_post_vanilla() -> None:
    # AWS Signature Version 4 test suite, "post-vanilla": POST / to example.amazonaws.com, signed with
    # AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY for us-east-1 / service at 20150830T123600Z.
    from pinsec.aws.http import HttpRequest
    from pinsec.aws.sigv4 import SigV4

    clock = lambda: datetime.datetime(2015, 8, 30, 12, 36, tzinfo=datetime.timezone.utc)  # noqa: E731
    checker = SigV4({"AKIDEXAMPLE": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}, clock)
    auth = ("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")
    headers = {"host": "example.amazonaws.com", "x-amz-date": "20150830T123600Z", "authorization": auth}
    checker.check(HttpRequest("POST", "/", headers, b""))
    from pinsec.aws.errors import AwsError

    with pytest.raises(AwsError) as info:
        checker.check(HttpRequest("POST", "/other", headers, b""))
    assert info.value.name == "InvalidSignatureException"
