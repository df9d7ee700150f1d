"""Vector operations for PIN verification values and MACs (``vectors/pin_verification.json``, ``mac.json``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import mac, pin
from .._hex import to_hex
from ..vectors import operation
from . import hex_field


@operation("pin.ibm3624_offset")
def _offset(i: Mapping[str, Any]) -> dict[str, Any]:
    return {"offset": pin.ibm3624_offset(hex_field(i, "pvk"), i["pin"], i["validation_data"], i["decimalization_table"],
                                         pin_check_length=i.get("pin_check_length"))}


@operation("pin.ibm3624_pin_from_offset")
def _pin(i: Mapping[str, Any]) -> dict[str, Any]:
    return {"pin": pin.ibm3624_pin_from_offset(hex_field(i, "pvk"), i["offset"], i["validation_data"],
                                               i["decimalization_table"])}


@operation("pin.ibm3624_validation_data")
def _validation(i: Mapping[str, Any]) -> dict[str, Any]:
    return {"validation_data": pin.ibm3624_validation_data(i["pan"], offset=i["offset"], length=i["length"],
                                                           pad=i["pad"])}


@operation("pin.visa_pvv")
def _pvv(i: Mapping[str, Any]) -> dict[str, Any]:
    return {"pvv": pin.visa_pvv(hex_field(i, "pvk"), i["pan"], i["pvki"], i["pin"])}


@operation("pin.cvv")
def _cvv(i: Mapping[str, Any]) -> dict[str, Any]:
    return {"cvv": pin.cvv(hex_field(i, "cvk"), i["pan"], i["expiry"], i["service_code"])}


@operation("mac.cmac")
def _cmac(i: Mapping[str, Any]) -> dict[str, Any]:
    return {"mac": to_hex(mac.cmac(hex_field(i, "key"), bytes.fromhex(i["data"]), algorithm=i["algorithm"]))}


@operation("mac.retail_mac")
def _retail(i: Mapping[str, Any]) -> dict[str, Any]:
    return {"mac": to_hex(mac.retail_mac(hex_field(i, "key"), bytes.fromhex(i["data"]), length=i["length"]))}
