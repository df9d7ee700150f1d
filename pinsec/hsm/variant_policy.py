"""Which keys may travel under a payShield variant LMK key type, as what TR-31 usage.

A variant LMK separates keys only by LMK pair and variant (the key type code), more coarsely than a key
block: key type ``002`` is a TPK, a TMK or a PVK alike. A key that comes in under a key type therefore
takes the usage the command gives it, and only a usage its key type allows; the mode of use is the one
that usage has on a payShield. Every refusal is a :class:`~pinsec.errors.KeyPolicyError`:

===================  =========================================================================
code                 meaning
===================  =========================================================================
unknown_key_type     a key type code this HSM does not take (the table below)
wrong_key_type       the key type does not allow the usage the command needs
===================  =========================================================================
"""

from __future__ import annotations

from typing import Final

from ..errors import DataError, KeyPolicyError
from ..keys import KeyAttributes
from ..variant_lmk import check_key_type

__all__ = ["KEY_TYPES", "attributes_for", "check_usage"]

#: Key type code -> (payShield name, TR-31 usages a key of that type may have).
KEY_TYPES: Final[dict[str, tuple[str, frozenset[str]]]] = {
    "000": ("ZMK", frozenset({"K0"})),
    "001": ("ZPK", frozenset({"P0"})),
    "002": ("TPK, TMK or PVK", frozenset({"P0", "K0", "V1", "V2"})),
    "003": ("TAK", frozenset({"M0", "M1", "M3"})),
    "008": ("ZAK", frozenset({"M0", "M1", "M3"})),
    "009": ("BDK", frozenset({"B0"})),
    "00A": ("ZEK", frozenset({"D0"})),
    "00B": ("DEK", frozenset({"D0"})),
    "402": ("CVK", frozenset({"C0"})),
    "109": ("MK-AC", frozenset({"E0"})),
}
#: The mode of use a key of each usage has when it comes in under a variant key type.
_MODES: Final = {"K0": "B", "P0": "B", "V1": "C", "V2": "C", "M0": "C", "M1": "C", "M3": "C", "B0": "X",
                 "D0": "B", "C0": "C", "E0": "X"}


def check_usage(key_type: str, usage: str) -> None:
    """Refuse a usage that ``key_type`` does not allow (or a key type this HSM does not take)."""
    check_key_type(key_type)
    known = KEY_TYPES.get(key_type.upper())
    if known is None:
        raise KeyPolicyError(f"key type {key_type} is not one this HSM takes ({', '.join(KEY_TYPES)})",
                             code="unknown_key_type", field="key_type")
    if usage not in known[1]:
        raise KeyPolicyError(f"key type {key_type} ({known[0]}) cannot serve as a {usage} key",
                             code="wrong_key_type", field="key_type")


def attributes_for(key_type: str, usage: str) -> KeyAttributes:
    """The attributes of a key that comes in under ``key_type`` to serve as ``usage``: TDES, the usage's
    mode, exportable under a KEK (as variant keys are on a payShield)."""
    if not isinstance(usage, str) or usage not in _MODES:
        raise DataError(f"a variant LMK key serves as one of {', '.join(_MODES)}", field="usage")
    check_usage(key_type, usage)
    return KeyAttributes(usage, "T", _MODES[usage], "00", "E")
