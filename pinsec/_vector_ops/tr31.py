"""Vector operations for key blocks and check values (``vectors/tr31.json``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import kcv, tr31
from .._hex import to_hex
from ..vectors import operation


@operation("tr31.unwrap")
def _unwrap(i: Mapping[str, Any]) -> dict[str, Any]:
    header, key = tr31.unwrap(bytes.fromhex(i["kbpk"]), i["key_block"], lenient=i.get("lenient", False))
    return {"key": to_hex(key), "header": i["key_block"][: header.header_length], "usage": header.key_usage.value}


@operation("tr31.wrap")
def _wrap(i: Mapping[str, Any]) -> dict[str, Any]:
    key, pad = bytes.fromhex(i["key"]), bytes.fromhex(i["pad_bytes"])
    block = tr31.wrap(bytes.fromhex(i["kbpk"]), key, i["header"], masked_key_length=len(key) + len(pad),
                      rng=lambda n: pad[:n], lenient=i.get("lenient", False))
    return {"block": block}


@operation("tr31.wrap_header")
def _wrap_header(i: Mapping[str, Any]) -> dict[str, Any]:
    block = tr31.wrap(bytes.fromhex(i["kbpk"]), bytes.fromhex(i["key"]), i["header"], key_check=i.get("key_check"),
                      kbpk_check=i.get("kbpk_check"))
    return {"header_prefix": tr31.Header.parse(block).text(int(block[1:5]))[:48], "block": block}


@operation("kcv")
def _kcv(i: Mapping[str, Any]) -> dict[str, Any]:
    return {"kcv": kcv.kcv(bytes.fromhex(i["key"]), algorithm=i["algorithm"], method=i["method"], length=i["length"])}
