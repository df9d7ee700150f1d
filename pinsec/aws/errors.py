"""The service's exceptions, and pinsec errors as them."""

from __future__ import annotations

from typing import Any, Final

from ..errors import (
    InvalidKeyError,
    KeyPolicyError,
    PinsecError,
    UnsupportedOperation,
    VerificationError,
)

__all__ = ["AwsError", "from_pinsec", "not_found", "validation"]

#: Exception name -> HTTP status (the data plane model gives them; the control plane's are the same family).
STATUS: Final = {
    "ValidationException": 400,
    "VerificationFailedException": 400,
    "ConflictException": 409,
    "ResourceNotFoundException": 404,
    "AccessDeniedException": 403,
    "ServiceQuotaExceededException": 402,
    "ThrottlingException": 429,
    "InternalServerException": 500,
    "ServiceUnavailableException": 503,
    "IncompleteSignatureException": 403,
    "InvalidSignatureException": 403,
    "UnrecognizedClientException": 403,
}


class AwsError(Exception):
    """An error the service returns: its exception name, message and extra members."""

    def __init__(self, name: str, message: str, **members: Any) -> None:
        super().__init__(message)
        self.name = name
        self.message = message
        self.members = members

    @property
    def status(self) -> int:
        return STATUS.get(self.name, 400)


def validation(message: str, path: str | None = None) -> AwsError:
    """ValidationException (``path``: the field, in the data plane's ``fieldList``)."""
    if path is None:
        return AwsError("ValidationException", message)
    return AwsError("ValidationException", message, fieldList=[{"path": path, "message": message}])


def not_found(resource: str) -> AwsError:
    return AwsError("ResourceNotFoundException", f"{resource} not found", ResourceId=resource)


#: VerificationError codes -> the service's VerificationFailedReason.
_REASONS: Final = {"pin_mismatch": "INVALID_PIN", "cvv_mismatch": "INVALID_VALIDATION_DATA",
                   "mac_mismatch": "INVALID_MAC", "bad_mac": "INVALID_MAC"}


def from_pinsec(exc: PinsecError, *, verification_reason: str | None = None) -> AwsError:
    """A pinsec error as the exception the service documents: verification failures as
    VerificationFailedException with their reason, everything else the caller sent as ValidationException
    (key misuse included: the service refuses it the same way)."""
    if isinstance(exc, VerificationError):
        reason = verification_reason or _REASONS.get(exc.code, "INVALID_VALIDATION_DATA")
        return AwsError("VerificationFailedException", str(exc), Reason=reason)
    if isinstance(exc, InvalidKeyError) and exc.code == "unknown_key":
        return AwsError("ResourceNotFoundException", "key not found", ResourceId=exc.field or "key")
    if isinstance(exc, (KeyPolicyError, UnsupportedOperation)):
        return AwsError("ValidationException", f"{exc} ({exc.code})")
    return validation(str(exc), exc.field)
