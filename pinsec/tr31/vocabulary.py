"""The TR-31 / ANSI X9.143 vocabulary: key usages, algorithms, modes of use, exportability, and which
combinations of them a key block may carry.

Clauses: ANSI X9.143:2021 6.3.1 Table 2 (key usage), 6.3.2 Table 3 (algorithm), 6.3.3 Table 4 (mode of
use), 6.3.5 Table 6 (exportability), and the usage / algorithm / mode combinations of its Table 2 (the
same in TR-31:2018 A.5.1-A.5.5). Numeric key usages (``10``-``99``) and numeric modes of use (``0``-``9``)
are reserved for proprietary use by those clauses (IBM CCA writes usage ``10`` with mode ``1``).

A value outside the tables but well formed (two uppercase alphanumeric characters for a usage, one for the
others) is *unrecognised*, not invalid: ``KeyUsage("10")`` gives a member whose :attr:`recognised` is
False. Strict parsing refuses it (``unknown_value``, naming the field and saying that ``lenient=True``
reads it); lenient parsing reads, unwraps and re-wraps it unchanged. Anything else is malformed and
refused always.
"""

from __future__ import annotations

from enum import Enum
from typing import Final

from ..errors import KeyBlockHeaderError

__all__ = [
    "ALLOWED",
    "Algorithm",
    "Exportability",
    "KeyUsage",
    "ModeOfUse",
    "check_combination",
    "check_recognised",
]


#: The header field each vocabulary names, for error messages.
_FIELDS: Final = {"KeyUsage": "key usage", "Algorithm": "algorithm", "ModeOfUse": "mode of use",
                  "Exportability": "exportability"}


_WIDTH: Final = {"KeyUsage": 2, "Algorithm": 1, "ModeOfUse": 1, "Exportability": 1}


class _Letters(str, Enum):
    """An enum of TR-31 header letters: ``KeyUsage("P0")`` or ``KeyUsage.PIN_ENCRYPTION`` alike.

    >>> KeyUsage("10").recognised, KeyUsage("10").value, KeyUsage("P0").recognised
    (False, '10', True)
    >>> KeyUsage("p0")
    Traceback (most recent call last):
    ...
    pinsec.errors.KeyBlockHeaderError: 'p0' is not a well-formed TR-31 key usage value
    """

    @classmethod
    def _missing_(cls, value: object) -> _Letters:
        label = _FIELDS.get(cls.__name__, "header")
        width = _WIDTH.get(cls.__name__, 1)
        if isinstance(value, str) and len(value) == width and value.isascii() and value.isalnum() and (
                value == value.upper()):
            member = str.__new__(cls, value)
            member._name_ = f"UNRECOGNISED_{value}"
            member._value_ = value
            return member
        raise KeyBlockHeaderError(f"{value!r} is not a well-formed TR-31 {label} value", code="unknown_value",
                                  field=label.replace(" ", "_"))

    @property
    def recognised(self) -> bool:
        """True for a value of the standard's tables; False for a proprietary or newer one."""
        return not self._name_.startswith("UNRECOGNISED_")

    def __str__(self) -> str:
        return str(self.value)


class KeyUsage(_Letters):
    """Key usage (header bytes 5-6)."""

    BDK = "B0"
    INITIAL_DUKPT_KEY = "B1"
    BASE_KEY_VARIANT = "B2"
    KEY_DERIVATION = "B3"
    CVK = "C0"
    DATA_ENCRYPTION = "D0"
    ASYMMETRIC_DATA_ENCRYPTION = "D1"
    DECIMALIZATION_TABLE_KEY = "D2"
    SENSITIVE_DATA_ENCRYPTION = "D3"
    EMV_APPLICATION_CRYPTOGRAMS = "E0"
    EMV_SECURE_MESSAGING_CONFIDENTIALITY = "E1"
    EMV_SECURE_MESSAGING_INTEGRITY = "E2"
    EMV_DATA_AUTHENTICATION_CODE = "E3"
    EMV_DYNAMIC_NUMBERS = "E4"
    EMV_CARD_PERSONALIZATION = "E5"
    EMV_OTHER = "E6"
    EMV_MASTER_PERSONALIZATION = "E7"
    INITIALIZATION_VECTOR = "I0"
    KEY_ENCRYPTION = "K0"
    KBPK = "K1"
    TR34_ASYMMETRIC = "K2"
    ASYMMETRIC_KEY_AGREEMENT = "K3"
    ISO20038_KBPK = "K4"
    MAC_ISO16609 = "M0"
    MAC_ISO9797_1_ALG1 = "M1"
    MAC_ISO9797_1_ALG2 = "M2"
    MAC_ISO9797_1_ALG3 = "M3"
    MAC_ISO9797_1_ALG4 = "M4"
    MAC_ISO9797_1_1999_ALG5 = "M5"
    MAC_CMAC = "M6"
    MAC_HMAC = "M7"
    MAC_ISO9797_1_ALG6 = "M8"
    PIN_ENCRYPTION = "P0"
    PIN_GENERATION = "P1"
    SIGNATURE = "S0"
    SIGNATURE_CA = "S1"
    SIGNATURE_OTHER = "S2"
    PIN_VERIFICATION_OTHER = "V0"
    PIN_VERIFICATION_IBM3624 = "V1"
    PIN_VERIFICATION_VISA_PVV = "V2"
    PIN_VERIFICATION_X9132_ALG1 = "V3"
    PIN_VERIFICATION_X9132_ALG2 = "V4"
    PIN_VERIFICATION_X9132_ALG3 = "V5"


class Algorithm(_Letters):
    """Key algorithm (header byte 7)."""

    AES = "A"
    DES = "D"
    EC = "E"
    HMAC = "H"
    RSA = "R"
    DSA = "S"
    TDES = "T"


class ModeOfUse(_Letters):
    """Mode of use (header byte 8)."""

    ENCRYPT_DECRYPT = "B"
    GENERATE_VERIFY = "C"
    DECRYPT_ONLY = "D"
    ENCRYPT_ONLY = "E"
    GENERATE_ONLY = "G"
    NO_RESTRICTIONS = "N"
    SIGN_ONLY = "S"
    SIGN_DECRYPT = "T"
    VERIFY_ONLY = "V"
    DERIVE = "X"
    VARIANTS = "Y"


class Exportability(_Letters):
    """Exportability (header byte 11)."""

    TRUSTED = "E"
    NON_EXPORTABLE = "N"
    SENSITIVE = "S"


_SYM = "TA"
# N ("no special restrictions" beyond the usage) is what many HSMs emit, e.g. payShield's K0/D0 blocks.
_ENC = "BDEN"
_MAC = "CGVN"
#: usage -> (algorithms, modes of use) allowed together (X9.143:2022 Table 6; TR-31:2018 Table 4).
ALLOWED: Final[dict[str, tuple[str, str]]] = {
    "B0": (_SYM, "XN"), "B1": (_SYM, "XN"), "B2": ("T", "XN"), "B3": (_SYM + "H", "XN"),
    "C0": (_SYM, _MAC),
    "D0": (_SYM + "D", _ENC), "D1": ("RE", _ENC), "D2": (_SYM, _ENC), "D3": (_SYM, _ENC),
    "E0": (_SYM, "XN"), "E1": (_SYM, "XN"), "E2": (_SYM, "XN"), "E3": (_SYM, "XN"), "E4": (_SYM, "XN"),
    "E5": (_SYM, "XN"), "E6": (_SYM, "XN"), "E7": (_SYM, "XN"),
    "I0": (_SYM, "N"),
    "K0": (_SYM, _ENC), "K1": (_SYM, _ENC), "K2": ("R", _ENC), "K3": ("RE", _ENC + "X"), "K4": ("A", _ENC),
    "M0": ("T", _MAC), "M1": ("TD", _MAC), "M2": ("T", _MAC), "M3": ("T", _MAC), "M4": ("T", _MAC),
    "M5": ("T", _MAC), "M6": (_SYM, _MAC), "M7": ("H", _MAC), "M8": (_SYM, _MAC),
    "P0": (_SYM, _ENC), "P1": (_SYM, _MAC + "N"),
    "S0": ("RES", "SVN"), "S1": ("RES", "SVN"), "S2": ("RES", "SVTN"),
    "V0": (_SYM, _MAC), "V1": ("T", _MAC), "V2": ("T", _MAC), "V3": (_SYM, _MAC), "V4": (_SYM, _MAC),
    "V5": (_SYM, _MAC),
}


def check_recognised(*values: _Letters) -> None:
    """Refuse (strict mode) a proprietary or newer value that the tables do not hold.

    >>> check_recognised(KeyUsage("10"))
    Traceback (most recent call last):
    ...
    pinsec.errors.KeyBlockHeaderError: key usage '10' is proprietary (...); lenient=True reads it
    """
    for value in values:
        if not value.recognised:
            label = _FIELDS.get(type(value).__name__, "header")
            why = ("is proprietary (numeric values are reserved for proprietary use)" if value.value.isdigit()
                   else "is not in the X9.143:2021 tables pinsec knows")
            raise KeyBlockHeaderError(f"{label} {value.value!r} {why}; lenient=True reads it", code="unknown_value",
                                      field=label.replace(" ", "_"))


def check_combination(usage: KeyUsage, algorithm: Algorithm, mode: ModeOfUse) -> None:
    """Refuse a usage / algorithm / mode of use combination X9.143 does not allow.

    >>> check_combination(KeyUsage("P0"), Algorithm("T"), ModeOfUse("X"))
    Traceback (most recent call last):
    ...
    pinsec.errors.KeyBlockHeaderError: key usage P0 does not allow mode of use X (allowed: B, D, E, N)
    """
    check_recognised(usage, algorithm, mode)
    algorithms, modes = ALLOWED[usage.value]
    if algorithm.value not in algorithms:
        raise KeyBlockHeaderError(
            f"key usage {usage.value} does not allow algorithm {algorithm.value} (allowed: {', '.join(algorithms)})",
            code="disallowed_combination", field="algorithm",
        )
    if mode.value not in modes:
        raise KeyBlockHeaderError(
            f"key usage {usage.value} does not allow mode of use {mode.value} (allowed: {', '.join(modes)})",
            code="disallowed_combination", field="mode_of_use",
        )
