"""The service's key attributes (``TR31_P0_PIN_ENCRYPTION_KEY``, ``AES_128``, modes of use as flags) and
pinsec's TR-31 attributes, both ways."""

from __future__ import annotations

from typing import Any, Final

from ..keys import KeyAttributes
from .errors import validation

__all__ = ["MODE_FLAGS", "from_tr31", "key_length", "to_tr31"]

USAGES: Final = {
    "TR31_B0_BASE_DERIVATION_KEY": "B0", "TR31_C0_CARD_VERIFICATION_KEY": "C0",
    "TR31_D0_SYMMETRIC_DATA_ENCRYPTION_KEY": "D0", "TR31_K0_KEY_ENCRYPTION_KEY": "K0",
    "TR31_K1_KEY_BLOCK_PROTECTION_KEY": "K1", "TR31_M0_ISO_16609_MAC_KEY": "M0", "TR31_M1_ISO_9797_1_MAC_KEY": "M1",
    "TR31_M3_ISO_9797_3_MAC_KEY": "M3", "TR31_M6_ISO_9797_5_CMAC_KEY": "M6", "TR31_M7_HMAC_KEY": "M7",
    "TR31_P0_PIN_ENCRYPTION_KEY": "P0", "TR31_V1_IBM3624_PIN_VERIFICATION_KEY": "V1",
    "TR31_V2_VISA_PIN_VERIFICATION_KEY": "V2",
}
_USAGE_NAMES: Final = {v: k for k, v in USAGES.items()}
#: The service's key algorithms pinsec holds -> (TR-31 algorithm, key length in bytes).
ALGORITHMS: Final = {"TDES_2KEY": ("T", 16), "TDES_3KEY": ("T", 24), "AES_128": ("A", 16), "AES_192": ("A", 24),
                     "AES_256": ("A", 32), "HMAC_SHA256": ("H", 32)}
_ALGORITHM_NAMES: Final = {v: k for k, v in ALGORITHMS.items()}
MODE_FLAGS: Final = ("Encrypt", "Decrypt", "Wrap", "Unwrap", "Generate", "Sign", "Verify", "DeriveKey",
                     "NoRestrictions")
#: TR-31 mode of use -> the flags the service sets for it.
_MODES: Final = {"B": {"Encrypt", "Decrypt", "Wrap", "Unwrap"}, "E": {"Encrypt", "Wrap"}, "D": {"Decrypt", "Unwrap"},
                 "C": {"Generate", "Verify"}, "G": {"Generate"}, "V": {"Verify"}, "X": {"DeriveKey"},
                 "N": {"NoRestrictions"}}


def _mode(flags: dict[str, Any], path: str) -> str:
    on = {name for name in MODE_FLAGS if flags.get(name) is True}
    if on == {"Encrypt", "Decrypt"}:
        on = _MODES["B"]
    for letter, wanted in _MODES.items():
        if on == wanted or (letter in "ED" and on == wanted - {"Wrap", "Unwrap"}):
            return letter
    raise validation(f"this combination of modes of use has no TR-31 mode here: {sorted(on)}", path)


def to_tr31(attributes: dict[str, Any], exportable: bool, path: str = "KeyAttributes") -> KeyAttributes:
    """pinsec attributes for the service's ``KeyAttributes`` (symmetric keys)."""
    if attributes.get("KeyClass") != "SYMMETRIC_KEY":
        raise validation("only symmetric keys are held here (KeyClass SYMMETRIC_KEY)", f"{path}.KeyClass")
    usage = USAGES.get(attributes.get("KeyUsage", ""))
    if usage is None:
        raise validation("this key usage is not one pinsec holds", f"{path}.KeyUsage")
    algorithm = ALGORITHMS.get(attributes.get("KeyAlgorithm", ""))
    if algorithm is None:
        raise validation("this key algorithm is not one pinsec holds", f"{path}.KeyAlgorithm")
    mode = _mode(attributes.get("KeyModesOfUse") or {}, f"{path}.KeyModesOfUse")
    return KeyAttributes(usage, algorithm[0], mode, "00", "E" if exportable else "N")


def key_length(attributes: dict[str, Any]) -> int:
    return ALGORITHMS[attributes["KeyAlgorithm"]][1]


def from_tr31(attributes: KeyAttributes, length: int) -> dict[str, Any]:
    """The service's ``KeyAttributes`` for a key pinsec holds."""
    usage = _USAGE_NAMES.get(attributes.usage.value, f"TR31_{attributes.usage.value}")
    algorithm = _ALGORITHM_NAMES.get((attributes.algorithm.value, length), "AES_128")
    modes = _MODES.get(attributes.mode_of_use.value, set())
    return {"KeyUsage": usage, "KeyClass": "SYMMETRIC_KEY", "KeyAlgorithm": algorithm,
            "KeyModesOfUse": {name: name in modes for name in MODE_FLAGS}}
