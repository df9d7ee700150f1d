"""The plumbing every :class:`~pinsec.Hsm` operation stands on: the backend, the two states, the in-device
gate, handles checked against the backend's records, and the PIN block edge (one error for any content
failure). The operations themselves live in :mod:`.key_ops`, :mod:`.pin_ops` and :mod:`.mac_ops`."""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, Final, NoReturn, TypeVar

from .. import pinblock
from .._hex import parse_hex
from ..backends import _dukpt
from ..backends.base import Admit, Backend, Capability, PinKey, StoredKey
from ..errors import (
    DataError,
    InvalidKeyError,
    KeyPolicyError,
    PanError,
    PinBlockError,
    PinError,
    UnsupportedOperation,
    VerificationError,
)
from ..keys import KeyAttributes, KeyHandle, _make_handle
from ..keystore import KeyStore, load_lmk
from ..pin import STANDARD_DECIMALIZATION_TABLE, check_decimalization_table
from . import policy

__all__ = ["ISO4_PAN_FORMS", "BackendInfo"]

_log = logging.getLogger("pinsec.hsm")
_audit = logging.getLogger("pinsec.audit")
_T = TypeVar("_T")

#: How an ISO 9564-1 format 4 block carries the PAN: whole (``pan``) or as the account number (``account``).
ISO4_PAN_FORMS: Final = ("pan", "account")
#: Errors about what is inside a PIN block; at the Hsm edge they all become one (no format oracle).
_PIN_CONTENT_ERRORS: Final = (PinBlockError, PinError, PanError)


def _pin_block_failed() -> PinBlockError:
    return PinBlockError("the PIN block did not decode under this key, format and PAN", code="invalid_pin_block",
                         field="pin_block")


def _opaque(call: Callable[[], _T]) -> _T:
    """Run a call that deciphers a PIN block; any error about the block's content becomes the one
    ``invalid_pin_block``, raised outside the ``except`` so not even ``__context__`` keeps the detail."""
    try:
        return call()
    except _PIN_CONTENT_ERRORS:
        pass
    raise _pin_block_failed()


class BackendInfo:
    """What an :class:`Hsm` tells about its backend: name, capabilities and key records. No key operation
    and no clear material is reachable through it."""

    __slots__ = ("_capabilities", "_list", "_name")

    def __init__(self, backend: Backend) -> None:
        self._name = backend.name
        self._capabilities = backend.capabilities
        self._list = backend.list_keys

    @property
    def name(self) -> str:
        return self._name

    def capabilities(self) -> Mapping[str, Capability]:
        return self._capabilities()

    def list_keys(self) -> list[StoredKey]:
        return self._list()

    def __repr__(self) -> str:
        return f"BackendInfo(name={self._name!r})"

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError("BackendInfo cannot be pickled")



def _kcv_matches(actual: str, expected: str) -> bool:
    """An expected check value matches when it is the whole value or a prefix of 3 bytes or more
    (constant-time compare)."""
    want = expected.upper() if isinstance(expected, str) and expected.isascii() else ""
    return len(want) >= 6 and hmac.compare_digest(actual[:len(want)], want)


class _HsmCore:
    """State and checks shared by the operation groups (not public: use :class:`pinsec.Hsm`)."""

    __slots__ = ("__weakref__", "_authorized", "_backend", "_require_in_device", "_tables")

    def __init__(
        self,
        backend: Backend | None = None,
        *,
        keystore: str | os.PathLike[str] | None = None,
        lmk: bytes | str | None = None,
        lmk_file: str | os.PathLike[str] | None = None,
        authorized: bool = False,
        require_in_device: bool = False,
        decimalization_tables: Sequence[str] = (STANDARD_DECIMALIZATION_TABLE,),
    ) -> None:
        if backend is not None and (keystore is not None or lmk is not None or lmk_file is not None):
            raise DataError("give a backend or a keystore / LMK, not both (the key store is the software "
                            "backend's)", field="keystore")
        if backend is None:
            from ..backends.software import SoftwareBackend

            store = None
            if keystore is not None or lmk is not None or lmk_file is not None:
                store = KeyStore(keystore, load_lmk(lmk, lmk_file))
            backend = SoftwareBackend(store)
        self._backend = backend
        self._authorized = authorized is True
        self._require_in_device = require_in_device
        # The decimalisation-table attack mitigation: IBM 3624 operations accept only these tables.
        self._tables = frozenset(check_decimalization_table(t) for t in decimalization_tables)

    def __repr__(self) -> str:
        return (f"Hsm(backend={self._backend.name}, authorized={self._authorized}, "
                f"require_in_device={self._require_in_device})")

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError("an Hsm holds keys and cannot be pickled: send keys to other processes as key blocks")

    def __copy__(self) -> NoReturn:
        raise TypeError("an Hsm cannot be copied")

    def __deepcopy__(self, memo: Any) -> NoReturn:
        raise TypeError("an Hsm cannot be copied")

    @property
    def backend(self) -> BackendInfo:
        """The backend's name, capabilities and key records (no operations, no material)."""
        return BackendInfo(self._backend)

    @property
    def authorized(self) -> bool:
        """True in the Authorised state (clear keys and PINs may cross the API)."""
        return self._authorized

    def leave_authorized_state(self) -> None:
        """Leave the Authorised state for good (a payShield's RA host command): from now on clear keys and
        PINs do not cross this Hsm's API. Nothing enters it again: that is decided when an Hsm is made
        (``Hsm(authorized=True)``), by whoever holds the console, never by a caller of a running one."""
        if self._authorized:
            _audit.info("left the Authorised state")
        self._authorized = False

    # --------------------------------------------------------------------------------------- plumbing

    def _gate(self, operation: str, *variants: str) -> None:
        """Refuse an operation the backend would run outside the device, when in-device is required.

        ``variants`` name the specific path (e.g. a MAC algorithm), which a backend may report apart.
        """
        if not self._require_in_device:
            return
        caps = self._backend.capabilities()
        cap = next((caps[k] for k in [f"{operation}:{v}" for v in variants] + [operation] if k in caps), None)
        if cap is None or not cap.in_device:
            why = cap.note if cap is not None else "not offered"
            raise UnsupportedOperation(
                f"{operation} would expose clear material outside the device on backend {self._backend.name} "
                f"({why}) and this Hsm requires in-device operations",
                code="not_in_device", field=operation,
            )

    def _backend_op(self, name: str, *, lacks: str, code: str, field: str) -> Callable[..., Any]:
        """An operation only some backends offer (the software backend's LMK forms, data keys ...);
        :class:`UnsupportedOperation` saying what the backend ``lacks`` otherwise."""
        op = getattr(self._backend, name, None)
        if op is None:
            raise UnsupportedOperation(f"backend {self._backend.name} {lacks}", code=code, field=field)
        return op  # type: ignore[no-any-return]

    def _authorize(self, operation: str) -> None:
        """Clear keys and PINs cross the API only in the Authorised state; refusals are audited too."""
        if not self._authorized:
            _audit.warning("refused %s: not in the Authorised state", operation)
            raise KeyPolicyError(f"{operation} takes clear key or PIN material: only in the Authorised state, "
                                 "Hsm(authorized=True)", code="not_authorized", field=operation)

    @staticmethod
    def _audited(operation: str, key: KeyHandle) -> None:
        _audit.info("%s key=%s attributes=%s kcv=%s", operation, key.id, key.attributes.letters(), key.kcv)

    @staticmethod
    def _handle(stored: StoredKey) -> KeyHandle:
        return _make_handle(id=stored.id, attributes=stored.attributes, kcv=stored.kcv, length=stored.length,
                            label=stored.label)

    @staticmethod
    def _attributes(attributes: KeyAttributes) -> KeyAttributes:
        if not isinstance(attributes, KeyAttributes):
            raise DataError(f"attributes must be KeyAttributes, not {type(attributes).__name__}", field="attributes")
        return attributes

    def _known(self, key: KeyHandle, what: str = "key") -> KeyHandle:
        """The handle, checked against the backend's record of its key: the key must exist here and the
        handle's attributes, length and KCV must be the stored ones (a handle is a name, not a capability)."""
        if not isinstance(key, KeyHandle):
            raise InvalidKeyError(f"{what} must be a KeyHandle from this Hsm, not {type(key).__name__}", field=what)
        stored = self._backend.stored_key(key.id)
        if (key.attributes, key.length, key.kcv) != (stored.attributes, stored.length, stored.kcv):
            raise KeyPolicyError(f"{what} handle does not match the key this HSM holds under its id",
                                 code="handle_mismatch", field=what)
        return key

    @staticmethod
    def _kcv_check(expected: str | None) -> Admit | None:
        """An admission check that the new key's KCV is ``expected`` (the whole KCV, or a prefix of 3 bytes
        or more)."""
        if expected is None:
            return None
        if not isinstance(expected, str) or not expected.isascii():
            raise DataError("an expected KCV is hex text", field="kcv")
        want = expected.upper()

        def admit(stored: StoredKey) -> None:
            if not _kcv_matches(stored.kcv, want):
                raise VerificationError("the key does not match the expected KCV; it was not kept",
                                        code="kcv_mismatch", field="kcv")

        return admit


    @staticmethod
    def _format(value: int, field: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 4:
            raise DataError(f"{field} must be an ISO 9564-1 format 0-4", field=field)
        return int(value)

    @staticmethod
    def _ksn(ksn: bytes | str | None, side: str) -> bytes | None:
        return None if ksn is None else parse_hex(ksn, field=f"{side}_ksn", lengths=(10, 12))

    @staticmethod
    def _pan(pan: str | None, fmt: int, field: str = "pan") -> str | None:
        """Check the caller's PAN before any block is deciphered (its errors may say what is wrong; errors
        found inside a block may not)."""
        if fmt in policy.PAN_BOUND_FORMATS:
            try:
                pinblock.pan_field(pan, format=fmt)  # type: ignore[arg-type]
            except PanError as exc:
                raise PanError(str(exc), code=exc.code, field=field) from None
        elif pan is not None and not isinstance(pan, str):
            raise PanError("PAN must be a str of digits", field=field)
        return pan

    def _pin_side(
        self, key: KeyHandle, fmt: int, ksn: bytes | None, key_type: str | None, *, side: str, modes: set[str]
    ) -> PinKey:
        key = self._known(key, f"{side}_key")
        a = key.attributes
        if key_type is not None:
            _dukpt.aes_key_type(key_type)
        if policy.check_dukpt_source(a, ksn, side=side):
            algorithm = _dukpt.working_key_algorithm(a.algorithm.value, key_type)
        else:
            policy.check_key(a, operation=f"{'decrypt' if side == 'src' else 'encrypt'} a PIN block",
                             usages={"P0"}, modes=modes)
            algorithm = a.algorithm.value
        policy.check_pin_key_algorithm(algorithm, fmt, side=side)
        return PinKey(key, fmt, ksn, key_type)

    @staticmethod
    def _iso4_form(side: PinKey, pan: str | None, iso4_pan: str) -> PinKey:
        """``side`` with the PAN its ISO 4 block carries: the whole PAN (``pan``, ISO 9564-1) or the 12
        rightmost digits before the check digit (``account``, as AWS Payment Cryptography documents its
        PrimaryAccountNumber). Derived here from the one PAN, so it can never be another card's."""
        if iso4_pan not in ISO4_PAN_FORMS:
            raise DataError("iso4_pan is pan or account", field="iso4_pan")
        if iso4_pan == "account" and side.format == 4 and pan is not None:
            return replace(side, block_pan=pan[:-1][-12:].rjust(12, "0"))
        return side

    def _pin_block(self, block: bytes | str, fmt: int) -> bytes:
        return parse_hex(block, field="PIN block", lengths=(pinblock.block_size(fmt),), error=PinBlockError)

    @staticmethod
    def _pin_digits(pin: str) -> bytearray:
        if not isinstance(pin, str):
            raise DataError(f"PIN must be a str, not {type(pin).__name__}", field="pin")
        return bytearray(pin.encode("ascii", errors="replace"))

    def _decipher_side(self, key: KeyHandle, fmt: int, ksn: bytes | str | None, key_type: str | None) -> PinKey:
        """The source of an operation that deciphers a PIN block: a P0 key (mode B or D) or a BDK + KSN."""
        return self._pin_side(key, fmt, self._ksn(ksn, "src"), key_type, side="src", modes={"B", "D", "N"})

