"""A SoftHSMv2 token for the tests: made once per test session in a temporary folder.

Without SoftHSMv2 (``softhsm2-util`` and the module) the PKCS#11 tests skip, unless
``PINSEC_REQUIRE_PKCS11=1`` (set by .ci/run), which makes them fail instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

import pinsec

MODULE_CANDIDATES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                     "/usr/local/lib/softhsm/libsofthsm2.so")
LABEL, PIN = "pinsec-tests", "271828"
PERSISTENT_LABEL = "pinsec-persistent"
_token: dict[str, str] = {}


def softhsm_module() -> str:
    """The SoftHSM token's module path, creating the token on first use (skip or fail if unavailable)."""
    if _token:
        return _token["module"]
    module = next((m for m in MODULE_CANDIDATES if Path(m).exists()), None)
    util = shutil.which("softhsm2-util")
    if module is None or util is None:
        message = "SoftHSMv2 is not installed (apt-get install softhsm2)"
        if os.environ.get("PINSEC_REQUIRE_PKCS11") == "1":
            pytest.fail(message + " and PINSEC_REQUIRE_PKCS11=1")
        pytest.skip(message)
    folder = Path(tempfile.mkdtemp(prefix="pinsec-softhsm-"))
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)  # before the module loads
    for label in (LABEL, PERSISTENT_LABEL):
        subprocess.run([util, "--init-token", "--free", "--label", label, "--pin", PIN, "--so-pin", "314159"],
                       check=True, capture_output=True)
    _token["module"] = module
    return module


def pkcs11_backend(**kwargs: object) -> pinsec.backends.Backend:
    """A backend on the session's token; session objects unless ``persistent=True`` is asked for, so each
    test starts from an empty key list (the persistence test uses a token of its own)."""
    from pinsec.backends.pkcs11 import Pkcs11Backend

    kwargs.setdefault("persistent", False)
    return Pkcs11Backend(softhsm_module(), LABEL, PIN, **kwargs)  # type: ignore[arg-type]


def pkcs11_hsm() -> pinsec.Hsm:
    return pinsec.Hsm(pkcs11_backend())
