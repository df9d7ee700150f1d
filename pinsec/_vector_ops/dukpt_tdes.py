"""Vector operations for TDES DUKPT (``vectors/dukpt_tdes.json``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import mac
from .._hex import to_hex
from ..dukpt import tdes
from ..vectors import operation


def _bdk(i: Mapping[str, Any]) -> bytes:
    return bytes.fromhex(i["bdk"])


@operation("dukpt.tdes.derive_ipek")
def _ipek(i: Mapping[str, Any]) -> dict[str, Any]:
    return {"ipek": to_hex(tdes.derive_ipek(_bdk(i), i["ksn"]))}


@operation("dukpt.tdes.derive_transaction_key")
def _transaction_key(i: Mapping[str, Any]) -> dict[str, Any]:
    key = tdes.derive_transaction_key(bytes.fromhex(i["ipek"]), i["ksn"], lenient=i.get("lenient", False))
    return {"transaction_key": to_hex(key)}


@operation("dukpt.tdes.derive_working_key")
def _working_key(i: Mapping[str, Any]) -> dict[str, Any]:
    key = tdes.derive_working_key(_bdk(i), i["ksn"], tdes.KeyUsage[i["usage"]],
                                  data_variant_only=i.get("data_variant_only", False))
    return {"key": to_hex(key)}


@operation("dukpt.tdes.encrypt_pin_block")
def _encrypt_pin(i: Mapping[str, Any]) -> dict[str, Any]:
    return {"block": to_hex(tdes.encrypt_pin_block(_bdk(i), i["ksn"], i["pin"], i["pan"], format=i["format"]))}


@operation("dukpt.tdes.decrypt_pin_block")
def _decrypt_pin(i: Mapping[str, Any]) -> dict[str, Any]:
    return {"pin": tdes.decrypt_pin_block(_bdk(i), i["ksn"], i["block"], i["pan"], format=i["format"])}


@operation("dukpt.tdes.generate_mac")
def _mac(i: Mapping[str, Any]) -> dict[str, Any]:
    data = i["message_ascii"].encode("ascii")
    if i.get("algorithm", "retail") == "cmac":
        usage = tdes.KeyUsage.MAC_REQUEST if i["direction"] == "request" else tdes.KeyUsage.MAC_RESPONSE
        return {"mac": to_hex(mac.cmac(tdes.derive_working_key(_bdk(i), i["ksn"], usage), data, algorithm="tdes"))}
    return {"mac": to_hex(tdes.generate_mac(_bdk(i), i["ksn"], data, direction=i["direction"], length=i["length"]))}


@operation("dukpt.tdes.encrypt_data")
def _encrypt_data(i: Mapping[str, Any]) -> dict[str, Any]:
    data = i["message_ascii"].encode("ascii")
    return {"ciphertext": to_hex(tdes.encrypt_data(_bdk(i), i["ksn"], data, direction=i["direction"]))}
