"""Vector operations for AES DUKPT (``vectors/dukpt_aes.json``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._hex import to_hex
from ..dukpt import aes
from ..vectors import operation


def _bdk(i: Mapping[str, Any]) -> bytes:
    return bytes.fromhex(i["bdk"])


@operation("dukpt.aes.derive_initial_key")
def _initial(i: Mapping[str, Any]) -> dict[str, Any]:
    return {"initial_key": to_hex(aes.derive_initial_key(_bdk(i), i["initial_key_id"]))}


@operation("dukpt.aes.derive_intermediate_key")
def _intermediate(i: Mapping[str, Any]) -> dict[str, Any]:
    return {"derivation_key": to_hex(aes.derive_intermediate_key(_bdk(i), i["ksn"]))}


@operation("dukpt.aes.derive_working_key")
def _working(i: Mapping[str, Any]) -> dict[str, Any]:
    key = aes.derive_working_key(_bdk(i), i["ksn"], aes.KeyUsage[i["usage"]], aes.KeyType[i["key_type"]],
                                 lenient=i.get("lenient", False))
    return {"key": to_hex(key)}


@operation("dukpt.aes.derive_update_key")
def _update(i: Mapping[str, Any]) -> dict[str, Any]:
    return {"key": to_hex(aes.derive_update_key(_bdk(i), i["initial_key_id"], aes.KeyType[i["key_type"]]))}


@operation("dukpt.aes.encrypt_pin_block")
def _encrypt_pin(i: Mapping[str, Any]) -> dict[str, Any]:
    fixed = bytes.fromhex(i["random_bytes"]) if "random_bytes" in i else None
    block = aes.encrypt_pin_block(_bdk(i), i["ksn"], i["pin"], i["pan"],
                                  rng=(lambda n: fixed[:n]) if fixed is not None else None)
    return {"block": to_hex(block)}


@operation("dukpt.aes.decrypt_pin_block")
def _decrypt_pin(i: Mapping[str, Any]) -> dict[str, Any]:
    return {"pin": aes.decrypt_pin_block(_bdk(i), i["ksn"], i["block"], i["pan"])}


@operation("dukpt.aes.generate_mac")
def _mac(i: Mapping[str, Any]) -> dict[str, Any]:
    data = i["message_ascii"].encode("ascii")
    if i["algorithm"] == "hmac":
        return {"mac": to_hex(aes.generate_hmac(_bdk(i), i["ksn"], data, direction=i["direction"]))}
    return {"mac": to_hex(aes.generate_cmac(_bdk(i), i["ksn"], data, direction=i["direction"]))}


@operation("dukpt.aes.encrypt_data")
def _encrypt_data(i: Mapping[str, Any]) -> dict[str, Any]:
    data = i["message_ascii"].encode("ascii")
    return {"ciphertext": to_hex(aes.encrypt_data(_bdk(i), i["ksn"], data, direction=i["direction"]))}
