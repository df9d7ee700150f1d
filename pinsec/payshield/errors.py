"""pinsec errors as payShield error codes (the two digits after the response code)."""

from __future__ import annotations

from typing import Final

from ..errors import (
    InvalidKeyError,
    KeyPolicyError,
    PinBlockError,
    PinError,
    PinsecError,
    UnsupportedOperation,
    VerificationError,
)

__all__ = ["ERROR_TEXT", "error_code"]

#: The codes this server answers with, and what the payShield manuals call them.
ERROR_TEXT: Final = {
    "00": "no error",
    "01": "verification failure",
    "04": "invalid key type code",
    "05": "invalid key length flag",
    "10": "source key parity error",
    "11": "destination key parity error",
    "12": "contents of user storage not available (key block under another LMK)",
    "13": "LMK error: no old LMK in key change storage (BW, BG)",
    "14": "PIN encrypted under LMK pair 02-03 is invalid",
    "15": "invalid input data",
    "17": "HSM is not in the Authorised state",
    "20": "PIN block does not contain valid values",
    "23": "invalid PIN block format code",
    "24": "PIN is fewer than 4 or more than 12 digits long",
    "25": "decimalization table error",
    "26": "invalid key scheme",
    "27": "incompatible key length",
    "29": "key function not permitted",
    "41": "internal error",
    "51": "invalid message header flag (NK)",
    "52": "invalid number of commands (NK)",
    "68": "command disabled or not implemented",
    "69": "PIN block format has been disabled",
    "75": "single length key masquerading as double or triple length key",
    "80": "data length error",
}

_BY_CODE: Final = {
    "key_scheme": "26",
    "key_length": "27",
    "weak_key": "75",
    "invalid_pin_block": "20",
    "invalid_lmk_pin": "14",
    "lmk_pin": "14",
    "pin_length": "24",
    "unknown_key_type": "04",
    "wrong_key_type": "04",
    "key_type": "04",
    "forbidden_translation": "69",
    "unapproved_decimalization_table": "25",
    "bad_decimalization_table": "25",
    "no_keystore": "12",
    "no_variant_lmk": "68",
    "no_old_lmk": "13",
    "not_authorized": "17",
}


def error_code(exc: PinsecError, *, source: bool = True) -> str:
    """The payShield error code for a pinsec error (``source``: the failing key was the command's source
    key, for the parity codes 10 and 11)."""
    if exc.code in ("key_parity", "key_block_mac"):  # the key did not come out of the LMK intact
        return "10" if source else "11"
    if exc.code in _BY_CODE:
        return _BY_CODE[exc.code]
    if isinstance(exc, VerificationError):
        return "01"
    if isinstance(exc, PinBlockError):
        return "20"
    if isinstance(exc, PinError):
        return "24"
    if isinstance(exc, InvalidKeyError):
        return "27"
    if isinstance(exc, (KeyPolicyError, UnsupportedOperation)):
        return "29"
    return "15"  # a PanError, and every other input error
