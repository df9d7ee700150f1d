"""The endpoint: one HTTP application for both planes, over an :class:`~pinsec.Hsm` and its key store.

Requests are told apart as botocore sends them: the control plane by its ``X-Amz-Target`` header (JSON
1.0), the data plane by its REST path. Any SigV4 signature is accepted unless a :class:`SigV4` checker is
given (``--verify-sigv4``).
Errors come back in each protocol's shape: ``__type`` in the JSON body for the control plane, the
``x-amzn-ErrorType`` header for the data plane, with the model's HTTP status.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import secrets
import threading
import time
import urllib.parse
from typing import Any, Final

from ..errors import PinsecError
from ..hsm import Hsm
from ..hsm._core import ISO4_PAN_FORMS
from ..keys import KeyHandle
from . import control, data
from .attributes import from_tr31
from .errors import AwsError, from_pinsec, validation
from .http import HttpRequest, HttpResponse
from .records import KeyRecord, Records
from .sigv4 import SigV4

__all__ = ["ISO4_PAN_FORMS", "Service"]

_log = logging.getLogger("pinsec.aws")
_TARGET: Final = "PaymentCryptographyControlPlane."
_NOT_OFFERED: Final = re.compile(r"/(as2805kekvalidation|cryptogram|macemvpinchange|keymaterial)/[a-z]+")
_KEY_PATH: Final = re.compile(r"/keys/([^/]+)/(encrypt|decrypt|reencrypt)")


class Service:
    """AWS Payment Cryptography's control and data planes over ``hsm``."""

    def __init__(self, hsm: Hsm, records: Records, *, sigv4: SigV4 | None = None, iso4_pan: str = "account") -> None:
        if iso4_pan not in ISO4_PAN_FORMS:
            raise validation("iso4_pan is account or pan")
        self.hsm = hsm
        self.records = records
        self._sigv4 = sigv4
        #: How ISO 4 blocks carry PrimaryAccountNumber: ``account`` (the service's documentation: the 12
        #: rightmost digits before the check digit) or ``pan`` (ISO 9564-1: the whole PAN).
        self.iso4_pan = iso4_pan
        self._lock = threading.Lock()  # one request at a time touches the records

    # ----------------------------------------------------------------------------- helpers for ops

    def handle(self, identifier: Any, path: str) -> KeyHandle:
        """The handle of a key a data plane operation may use (exists, enabled, not being deleted)."""
        record = self.records.usable(identifier, path)
        try:
            return self.hsm.key(record.id)
        except PinsecError as exc:
            raise from_pinsec(exc) from None

    def kcv_of(self, key: KeyHandle) -> str:
        return self.records.keys[key.id].kcv

    def new_record(self, handle: KeyHandle, origin: str, kcv_algorithm: Any, *, enabled: bool,
                   tags: dict[str, str]) -> KeyRecord:
        """The record of a key just made or imported; its check value by ``kcv_algorithm`` (default ANSI_X9_24
        for TDES keys, CMAC for AES keys, HMAC for HMAC keys). A request the key cannot meet keeps nothing."""
        algorithm = handle.attributes.algorithm.value
        method = kcv_algorithm or {"T": "ANSI_X9_24", "A": "CMAC", "H": "HMAC"}[algorithm]
        try:
            if algorithm == "H" and method == "HMAC":
                value = handle.kcv
            elif algorithm in "TA" and method in ("ANSI_X9_24", "CMAC"):
                value = self.hsm.check_value(handle, method="legacy" if method == "ANSI_X9_24" else "cmac", length=3)
            else:
                raise validation(f"a {algorithm} key has no {method} check value here", "KeyCheckValueAlgorithm")
        except (AwsError, PinsecError):
            self.hsm.destroy(handle)
            raise
        now = time.time()
        record = KeyRecord(handle.id, from_tr31(handle.attributes, handle.length), value, method,
                           handle.attributes.exportability.value == "E", origin, now, enabled=enabled,
                           usage_start=now if enabled else None, tags=tags)
        self.records.keys[handle.id] = record
        return record

    @staticmethod
    def pan_for(fmt: int, pan: Any) -> str:
        """The PAN as the Hsm takes it (whole: the Hsm builds ISO 4's account-number form from it)."""
        if not isinstance(pan, str):
            raise validation("PrimaryAccountNumber is 12 to 19 digits", "PrimaryAccountNumber")
        return pan

    def iso_format(self, kind: str, attrs: dict[str, Any]) -> tuple[int, str | None]:
        fmt = data._FORMATS.get(kind)
        if fmt is None:
            raise validation(f"{kind} is not offered here", kind)
        pan = attrs.get("PrimaryAccountNumber")
        return fmt, None if pan is None else self.pan_for(fmt, pan)

    def expire(self) -> None:
        for key_id in self.records.expire():
            with contextlib.suppress(PinsecError):
                self.hsm.destroy(self.hsm.key(key_id))

    # ---------------------------------------------------------------------------------------- HTTP

    def __call__(self, request: HttpRequest) -> HttpResponse:
        target = request.headers.get("x-amz-target", "")
        control_plane = target.startswith(_TARGET)
        try:
            if self._sigv4 is not None:
                self._sigv4.check(request)
            if request.method != "POST":
                raise validation("every operation is a POST")
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                raise validation("the body is not JSON") from None
            if not isinstance(body, dict):
                raise validation("the body is a JSON object")
            with self._lock:
                self.expire()
                out = self._dispatch(control_plane, target[len(_TARGET):], request.path, body)
            content = "application/x-amz-json-1.0" if control_plane else "application/json"
            return HttpResponse(200, json.dumps(out).encode(), [("Content-Type", content), *self._request_id()])
        except AwsError as exc:
            return self._error(exc, control_plane)
        except Exception:  # never a traceback to the client; the log has it
            _log.exception("request %s %s failed", request.path, target)
            return self._error(AwsError("InternalServerException", "internal error"), control_plane)

    def _dispatch(self, control_plane: bool, operation: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        if control_plane:
            handler = control.OPERATIONS.get(operation)
            if handler is None:
                raise AwsError("ValidationException", f"{operation} is not implemented by pinsec")
            return handler(self, body)
        keyed = _KEY_PATH.fullmatch(path)
        if keyed:
            return data.KEY_OPERATIONS[keyed.group(2)][1](self, urllib.parse.unquote(keyed.group(1)), body)
        found = data.OPERATIONS.get(path)
        if found is None:
            if _NOT_OFFERED.fullmatch(path):
                raise AwsError("ValidationException", f"{path} is not implemented by pinsec")
            raise AwsError("ResourceNotFoundException", f"no operation at {path}", ResourceId=path)
        return found[1](self, body)

    @staticmethod
    def _request_id() -> list[tuple[str, str]]:
        return [("x-amzn-RequestId", secrets.token_hex(16))]

    def _error(self, exc: AwsError, control_plane: bool) -> HttpResponse:
        if control_plane:
            body = {"__type": exc.name, "message": exc.message, **exc.members}
            body.pop("fieldList", None)
            headers = [("Content-Type", "application/x-amz-json-1.0")]
        else:
            key = "Message" if exc.name == "VerificationFailedException" else "message"
            body = {key: exc.message, **exc.members}
            headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", exc.name)]
        return HttpResponse(exc.status, json.dumps(body).encode(), [*headers, *self._request_id()])
