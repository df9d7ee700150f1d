"""The control plane through boto3: keys, their usage and deletion window, aliases, tags, paging, errors."""

from __future__ import annotations

import datetime

import pytest
from botocore.exceptions import ClientError

from pinsec import kcv

from .conftest import Clients, attributes

PEK = attributes("TR31_P0_PIN_ENCRYPTION_KEY", "TDES_2KEY", "Encrypt", "Decrypt", "Wrap", "Unwrap")


def _code(info: pytest.ExceptionInfo[ClientError]) -> str:
    return str(info.value.response["Error"]["Code"])


def test_create_get_and_list_a_key(aws: Clients) -> None:
    key = aws.control.create_key(KeyAttributes=PEK, Exportable=True, Tags=[{"Key": "team", "Value": "acq"}])["Key"]
    assert key["KeyArn"].startswith("arn:aws:payment-cryptography:us-east-1:111122223333:key/")
    assert (key["KeyState"], key["Enabled"], key["Exportable"], key["KeyOrigin"]) == (
        "CREATE_COMPLETE", True, True, "AWS_PAYMENT_CRYPTOGRAPHY")
    assert key["KeyAttributes"]["KeyModesOfUse"]["Encrypt"] and not key["KeyAttributes"]["KeyModesOfUse"]["Generate"]
    assert key["KeyCheckValueAlgorithm"] == "ANSI_X9_24" and len(key["KeyCheckValue"]) == 6
    assert isinstance(key["CreateTimestamp"], datetime.datetime)
    assert aws.control.get_key(KeyIdentifier=key["KeyArn"])["Key"]["KeyArn"] == key["KeyArn"]
    arns = [k["KeyArn"] for page in aws.control.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 1})
            for k in page["Keys"]]
    assert key["KeyArn"] in arns and len(arns) == len(set(arns))
    tags = aws.control.list_tags_for_resource(ResourceArn=key["KeyArn"])["Tags"]
    assert tags == [{"Key": "team", "Value": "acq"}]


def test_every_algorithm_and_its_check_value(aws: Clients) -> None:
    for algorithm, method in (("TDES_2KEY", "ANSI_X9_24"), ("TDES_3KEY", "ANSI_X9_24"), ("AES_128", "CMAC"),
                              ("AES_192", "CMAC"), ("AES_256", "CMAC")):
        key = aws.control.create_key(KeyAttributes={**PEK, "KeyAlgorithm": algorithm}, Exportable=False)["Key"]
        assert (key["KeyAttributes"]["KeyAlgorithm"], key["KeyCheckValueAlgorithm"]) == (algorithm, method)
    with pytest.raises(ClientError) as info:
        aws.control.create_key(KeyAttributes={**PEK, "KeyAlgorithm": "AES_128"}, Exportable=False,
                               KeyCheckValueAlgorithm="SHA_1")
    assert _code(info) == "ValidationException"
    before = len(aws.control.list_keys()["Keys"])
    with pytest.raises(ClientError):
        aws.control.create_key(KeyAttributes={**PEK, "KeyAlgorithm": "AES_128"}, Exportable=False,
                               KeyCheckValueAlgorithm="HMAC")
    assert len(aws.control.list_keys()["Keys"]) == before  # nothing kept


def test_usage_stop_start_and_deletion_window(aws: Clients) -> None:
    arn = aws.control.create_key(KeyAttributes=PEK, Exportable=False)["Key"]["KeyArn"]
    stopped = aws.control.stop_key_usage(KeyIdentifier=arn)["Key"]
    assert stopped["Enabled"] is False and "UsageStopTimestamp" in stopped
    assert aws.control.start_key_usage(KeyIdentifier=arn)["Key"]["Enabled"] is True
    deleted = aws.control.delete_key(KeyIdentifier=arn, DeleteKeyInDays=3)["Key"]
    assert deleted["KeyState"] == "DELETE_PENDING" and not deleted["Enabled"]
    window = deleted["DeletePendingTimestamp"] - deleted["UsageStopTimestamp"]
    assert abs(window.total_seconds() - 3 * 86400) < 5
    with pytest.raises(ClientError) as info:
        aws.control.start_key_usage(KeyIdentifier=arn)
    assert _code(info) == "ConflictException"
    with pytest.raises(ClientError) as info:
        aws.control.delete_key(KeyIdentifier=arn)
    assert _code(info) == "ConflictException"
    pending = [k for k in aws.control.list_keys(KeyState="DELETE_PENDING")["Keys"] if k["KeyArn"] == arn]
    assert len(pending) == 1
    restored = aws.control.restore_key(KeyIdentifier=arn)["Key"]
    assert restored["KeyState"] == "CREATE_COMPLETE" and restored["Enabled"] is False
    with pytest.raises(ClientError) as info:
        aws.control.restore_key(KeyIdentifier=arn)
    assert _code(info) == "ConflictException"


def test_aliases(aws: Clients) -> None:
    a = aws.control.create_key(KeyAttributes=PEK, Exportable=False)["Key"]["KeyArn"]
    b = aws.control.create_key(KeyAttributes=PEK, Exportable=False)["Key"]["KeyArn"]
    assert aws.control.create_alias(AliasName="alias/zpk-test", KeyArn=a)["Alias"] == {"AliasName": "alias/zpk-test",
                                                                                         "KeyArn": a}
    with pytest.raises(ClientError) as info:
        aws.control.create_alias(AliasName="alias/zpk-test", KeyArn=b)
    assert _code(info) == "ConflictException"
    assert aws.control.get_key(KeyIdentifier="alias/zpk-test")["Key"]["KeyArn"] == a
    aws.control.update_alias(AliasName="alias/zpk-test", KeyArn=b)
    assert aws.control.get_alias(AliasName="alias/zpk-test")["Alias"]["KeyArn"] == b
    assert aws.control.list_aliases(KeyArn=b)["Aliases"] == [{"AliasName": "alias/zpk-test", "KeyArn": b}]
    aws.control.update_alias(AliasName="alias/zpk-test")  # no key: the alias stays, unassociated
    assert "KeyArn" not in aws.control.get_alias(AliasName="alias/zpk-test")["Alias"]
    with pytest.raises(ClientError) as info:
        aws.control.get_key(KeyIdentifier="alias/zpk-test")
    assert _code(info) == "ResourceNotFoundException"
    aws.control.delete_alias(AliasName="alias/zpk-test")
    with pytest.raises(ClientError) as info:
        aws.control.get_alias(AliasName="alias/zpk-test")
    assert _code(info) == "ResourceNotFoundException"
    assert info.value.response["ResourceId"] == "alias/zpk-test"


def test_tags(aws: Clients) -> None:
    arn = aws.control.create_key(KeyAttributes=PEK, Exportable=False)["Key"]["KeyArn"]
    aws.control.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    aws.control.untag_resource(ResourceArn=arn, TagKeys=["a"])
    assert aws.control.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]


@pytest.mark.parametrize(("call", "kwargs", "code"), [
    ("get_key", {"KeyIdentifier": "arn:aws:payment-cryptography:us-east-1:111122223333:key/0000000000000000"},
     "ResourceNotFoundException"),
    ("create_key", {"KeyAttributes": {**PEK, "KeyClass": "PUBLIC_KEY"}, "Exportable": True}, "ValidationException"),
    ("create_key", {"KeyAttributes": {**PEK, "KeyModesOfUse": {"Sign": True}}, "Exportable": True},
     "ValidationException"),
    ("create_key", {"KeyAttributes": {**PEK, "KeyAlgorithm": "RSA_2048"}, "Exportable": True}, "ValidationException"),
    ("get_parameters_for_import", {"KeyMaterialType": "TR34_KEY_BLOCK", "WrappingKeyAlgorithm": "RSA_2048"},
     "ValidationException"),
    ("list_keys", {"NextToken": "not-a-token"}, "ValidationException"),
    ("get_public_key_certificate",
     {"KeyIdentifier": "arn:aws:payment-cryptography:us-east-1:111122223333:key/0000000000000000"},
     "ValidationException"),
])
def test_errors_come_back_as_the_service_names_them(aws: Clients, call: str, kwargs: dict[str, object],
                                                    code: str) -> None:
    with pytest.raises(ClientError) as info:
        getattr(aws.control, call)(**kwargs)
    assert _code(info) == code
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] in (400, 404)


def test_check_value_is_the_keys(aws: Clients) -> None:
    # a KCV is 3 bytes of the key encrypting zeros (ANSI X9.24); for a key imported by cryptogram the clear
    # key is known, so the value can be checked against the tier-1 function
    from .test_import_export import import_clear_by_cryptogram

    clear = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    key = import_clear_by_cryptogram(aws, clear, attributes("TR31_K0_KEY_ENCRYPTION_KEY", "TDES_2KEY", "Encrypt",
                                                            "Decrypt", "Wrap", "Unwrap"))
    assert key["KeyCheckValue"] == kcv.legacy_kcv(clear) == "08D7B4"
    # the other method on request: CMAC (TDES-CMAC of zeros, SP 800-38B) and, for AES, the legacy one
    again = import_clear_by_cryptogram(aws, clear, attributes("TR31_K0_KEY_ENCRYPTION_KEY", "TDES_2KEY", "Encrypt",
                                                              "Decrypt", "Wrap", "Unwrap"), kcv_algorithm="CMAC")
    assert (again["KeyCheckValue"], again["KeyCheckValueAlgorithm"]) == (kcv.cmac_kcv(clear, algorithm="T",
                                                                                      length=3), "CMAC")
    aes = bytes.fromhex("3F419E1CB7079442AA37474C2EFBF8B8")  # TR-31:2018 A.7.4's key
    legacy = import_clear_by_cryptogram(aws, aes, attributes("TR31_P0_PIN_ENCRYPTION_KEY", "AES_128", "Encrypt",
                                                             "Decrypt"), bits=3072, kcv_algorithm="ANSI_X9_24")
    assert legacy["KeyCheckValue"] == kcv.legacy_kcv(aes, algorithm="A")
