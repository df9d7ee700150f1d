"""TR-31 / ANSI X9.143 key blocks, versions A, B, C, D, and ISO 20038 version E.

>>> from pinsec import tr31
>>> h = tr31.Header.parse("D0112P0AE00E0000")
>>> h.key_usage is tr31.KeyUsage.PIN_ENCRYPTION, h.mode_of_use.value
(True, 'E')
"""

from __future__ import annotations

from .header import MAX_OPTIONAL_BLOCKS, VERSIONS, Header
from .keyblock import unwrap, wrap
from .optional_blocks import OptionalBlock, parse_time
from .vocabulary import ALLOWED, Algorithm, Exportability, KeyUsage, ModeOfUse, check_combination, check_recognised

__all__ = [
    "ALLOWED",
    "MAX_OPTIONAL_BLOCKS",
    "VERSIONS",
    "Algorithm",
    "Exportability",
    "Header",
    "KeyUsage",
    "ModeOfUse",
    "OptionalBlock",
    "check_combination",
    "check_recognised",
    "parse_time",
    "unwrap",
    "wrap",
]
