"""Vector operations for ISO 9564-1 PIN blocks (``vectors/iso9564.json``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import pinblock
from .._hex import to_hex
from ..vectors import operation


def _fixed_rng(spec: Mapping[str, Any]) -> pinblock.Rng | None:
    """Fixed fill for formats 1, 3 and 4: ``random_bytes`` as given, or ``fill`` digits as they appear.

    ``pinblock.encode`` draws one byte per fill digit for formats 1 and 3 (digit = low + b % span), so
    the byte that gives fill digit ``d`` is ``d - low``.
    """
    if "random_bytes" in spec:
        data = bytes.fromhex(spec["random_bytes"])
    elif "fill" in spec:
        low = 0xA if spec.get("format") == 3 else 0
        data = bytes(int(d, 16) - low for d in spec["fill"])
    else:
        return None
    return lambda n: data[:n]


@operation("pinblock.encode")
def _encode(i: Mapping[str, Any]) -> dict[str, Any]:
    block = pinblock.encode(i["pin"], i.get("pan"), format=i["format"], rng=_fixed_rng(i))
    return {"block": to_hex(block)}


@operation("pinblock.decode")
def _decode(i: Mapping[str, Any]) -> dict[str, Any]:
    return {"pin": pinblock.decode(i["block"], i.get("pan"), format=i["format"])}


@operation("pinblock.encipher")
def _encipher(i: Mapping[str, Any]) -> dict[str, Any]:
    block = pinblock.encipher(i["key"], i["pin"], i.get("pan"), format=i["format"], rng=_fixed_rng(i))
    return {"block": to_hex(block)}


@operation("pinblock.decipher")
def _decipher(i: Mapping[str, Any]) -> dict[str, Any]:
    return {"pin": pinblock.decipher(i["key"], i["block"], i.get("pan"), format=i["format"])}


@operation("pinblock.pan_field")
def _pan_field(i: Mapping[str, Any]) -> dict[str, Any]:
    return {"pan_field": to_hex(pinblock.pan_field(i["pan"], format=i["format"]))}
