"""The pinsec exception tree.

Every error carries a stable ``code`` (a short snake_case string callers may match on) and, where it
applies, the ``field`` that was wrong. Messages say what was wrong and where; they never hold a PIN, a
PAN, a key or a clear block. Callers catch :class:`PinsecError` for everything pinsec raises, or
:class:`InputError` (also a :class:`ValueError`) for malformed input. The tree::

    PinsecError
      InputError (also ValueError)
        PinError, PanError, PinBlockError, InvalidKeyError, KsnError, KeyBlockHeaderError, DataError
      VerificationError
      KeyPolicyError
      UnsupportedOperation
      BackendError
"""

from __future__ import annotations

__all__ = [
    "BackendError",
    "DataError",
    "InputError",
    "InvalidKeyError",
    "KeyBlockHeaderError",
    "KeyPolicyError",
    "KsnError",
    "PanError",
    "PinBlockError",
    "PinError",
    "PinsecError",
    "UnsupportedOperation",
    "VerificationError",
]


class PinsecError(Exception):
    """Base of every error pinsec raises.

    >>> e = PinBlockError("control nibble is 5, expected 0", code="bad_control", field="control")
    >>> (e.code, e.field, str(e))
    ('bad_control', 'control', 'control nibble is 5, expected 0')
    >>> isinstance(e, ValueError)
    True
    """

    #: Stable default code of the class; an instance may carry a more specific one.
    default_code = "pinsec_error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.code: str = code or self.default_code
        self.field: str | None = field

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, field={self.field!r}, message={str(self)!r})"


class InputError(PinsecError, ValueError):
    """Malformed input: a PIN, PAN, KSN, key, block or header that the standard does not allow."""

    default_code = "invalid_input"


class PinError(InputError):
    """A PIN that is not 4 to 12 decimal digits."""

    default_code = "invalid_pin"


class PanError(InputError):
    """A PAN that is not decimal or of a length the format does not allow."""

    default_code = "invalid_pan"


class PinBlockError(InputError):
    """A PIN block whose length or fields fail the ISO 9564-1 checks (also: wrong key or PAN)."""

    default_code = "invalid_pin_block"


class InvalidKeyError(InputError):
    """A key of the wrong length or kind for the operation."""

    default_code = "invalid_key"


class KsnError(InputError):
    """A DUKPT key serial number of the wrong length or with a counter the standard forbids."""

    default_code = "invalid_ksn"


class KeyBlockHeaderError(InputError):
    """A TR-31 / X9.143 key block whose header, optional blocks or length fail validation."""

    default_code = "invalid_key_block"


class DataError(InputError):
    """Other malformed data: bad hex, a message of the wrong length, a bad parameter."""

    default_code = "invalid_data"


class VerificationError(PinsecError):
    """A MAC or key block authentication failed, or a PIN did not verify."""

    default_code = "verification_failed"


class KeyPolicyError(PinsecError):
    """Wrong key usage, mode of use or algorithm, a forbidden translation, or a refused export."""

    default_code = "key_policy"


class UnsupportedOperation(PinsecError):
    """The backend cannot perform this operation (the message carries the reason)."""

    default_code = "unsupported"


class BackendError(PinsecError):
    """The device failed; the device's own error is on ``__cause__``."""

    default_code = "backend_error"
