"""Vector operations for EMV issuer cryptograms (``vectors/emv.json``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import emv
from .._hex import to_hex
from ..vectors import operation
from . import hex_field


@operation("emv.derive_icc_master_key")
def _master_key(i: Mapping[str, Any]) -> dict[str, Any]:
    block = emv.pan_block(i["pan"], i.get("psn", "00"), option=i.get("option", "A"))
    return {"icc_master_key": to_hex(emv.derive_icc_master_key(hex_field(i, "issuer_master_key"), block))}


@operation("emv.derive_session_key")
def _session_key(i: Mapping[str, Any]) -> dict[str, Any]:
    return {"session_key": to_hex(emv.derive_session_key(hex_field(i, "icc_master_key"), hex_field(i, "r")))}


@operation("emv.application_cryptogram")
def _cryptogram(i: Mapping[str, Any]) -> dict[str, Any]:
    return {"cryptogram": to_hex(emv.application_cryptogram(hex_field(i, "key"), hex_field(i, "data")))}


@operation("emv.arpc_method_1")
def _arpc(i: Mapping[str, Any]) -> dict[str, Any]:
    return {"arpc": to_hex(emv.arpc_method_1(hex_field(i, "key"), hex_field(i, "arqc"), hex_field(i, "arc")))}
