"""AWS Signature Version 4 checks (``--verify-sigv4``): the request's signature is recomputed from the
canonical request, as AWS and botocore define it, with the secret of its access key id, and compared in
constant time. Without it the endpoint accepts any credentials."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Final

from .._crypto import hmac_sha256
from .errors import AwsError
from .http import HttpRequest

__all__ = ["SigV4"]

_AUTH: Final = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/,\s]+)/(\d{8})/([^/,\s]+)/([^/,\s]+)/aws4_request,\s*"
                          r"SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})")
#: How far a request's X-Amz-Date may be from now (AWS: 15 minutes).
SKEW: Final = datetime.timedelta(minutes=15)


class SigV4:
    """Checks requests against ``credentials`` (access key id -> secret access key)."""

    def __init__(self, credentials: Mapping[str, str],
                 clock: Callable[[], datetime.datetime] | None = None) -> None:
        self._credentials = dict(credentials)
        self._clock = clock or (lambda: datetime.datetime.now(datetime.timezone.utc))

    def check(self, request: HttpRequest) -> None:
        """Raise an AwsError (HTTP 403 family) unless the request is signed by a known key."""
        found = _AUTH.fullmatch(request.headers.get("authorization", "").strip())
        if found is None:
            raise AwsError("IncompleteSignatureException", "the request has no AWS4-HMAC-SHA256 Authorization")
        key_id, day, region, service, signed, signature = found.groups()
        secret = self._credentials.get(key_id)
        if secret is None:
            raise AwsError("UnrecognizedClientException", "the security token included in the request is invalid")
        stamp = request.headers.get("x-amz-date", "")
        try:
            when = datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
        except ValueError:
            raise AwsError("IncompleteSignatureException", "X-Amz-Date is missing or malformed") from None
        if abs(self._clock() - when) > SKEW or stamp[:8] != day:
            raise AwsError("InvalidSignatureException", "Signature expired or its date does not match its scope")
        names = signed.split(";")
        if "host" not in names or any(n not in request.headers for n in names):
            raise AwsError("IncompleteSignatureException", "a signed header is missing")
        payload = request.headers.get("x-amz-content-sha256") or hashlib.sha256(request.body).hexdigest()
        canonical = "\n".join([
            request.method,
            urllib.parse.quote(request.path, safe="/~"),
            "",
            "".join(f"{n}:{' '.join(request.headers[n].split())}\n" for n in names),
            signed,
            payload,
        ])
        scope = f"{day}/{region}/{service}/aws4_request"
        to_sign = f"AWS4-HMAC-SHA256\n{stamp}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        key = ("AWS4" + secret).encode()
        for part in (day, region, service, "aws4_request"):
            key = hmac_sha256(key, part.encode())
        if not hmac.compare_digest(hmac_sha256(key, to_sign.encode()).hex(), signature):
            raise AwsError("InvalidSignatureException", "the request signature we calculated does not match the "
                          "signature you provided")
