"""Runners for the operations named in ``vectors/*.json``: :func:`pinsec.vectors.operations` imports every
module of this package, and each registers its operations with ``@pinsec.vectors.operation``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def hex_field(i: Mapping[str, Any], name: str) -> bytes:
    """A vector's input field ``name``, hex text, as bytes."""
    return bytes.fromhex(i[name])
