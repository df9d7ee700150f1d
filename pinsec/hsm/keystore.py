"""A persistent key store: keys on disk as TR-31 key blocks under a local master key (LMK).

Like a key-block LMK in a payment HSM: every key is a version D (AES) key block wrapped under the LMK,
and the whole file carries an HMAC-SHA-256 under a key derived from the LMK, so a tampered, truncated,
reordered or swapped store is refused, as is a store opened with another LMK. The LMK never enters the
store: it comes from the caller, from a file named by ``PINSEC_LMK_FILE``, or from ``PINSEC_LMK`` (hex).

Writes are atomic: the new store is written to a temporary file in the same folder, flushed to disk, and
renamed over the old one, so a process that dies mid-write leaves the previous store whole.
"""

from __future__ import annotations

import hmac
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Final

from .. import _crypto, tr31
from .._hex import parse_hex
from ..errors import InvalidKeyError, VerificationError
from .keys import KeyAttributes

__all__ = ["ENV_LMK", "ENV_LMK_FILE", "FORMAT", "KeyStore", "load_lmk"]

FORMAT: Final = "pinsec-keystore/1"
ENV_LMK: Final = "PINSEC_LMK"
ENV_LMK_FILE: Final = "PINSEC_LMK_FILE"
_MAC_LABEL: Final = b"pinsec keystore integrity key v1"


def load_lmk(lmk: bytes | str | None = None, lmk_file: str | os.PathLike[str] | None = None) -> bytes:
    """The LMK: given (bytes or hex), else read from ``lmk_file``, ``$PINSEC_LMK_FILE`` or ``$PINSEC_LMK``.

    An LMK is an AES key of 16, 24 or 32 bytes; a file holds it as hex (whitespace ignored).
    """
    if lmk is None:
        path = lmk_file or os.environ.get(ENV_LMK_FILE)
        if path:
            try:
                lmk = "".join(Path(path).read_text(encoding="ascii").split())
            except (OSError, UnicodeDecodeError) as exc:
                raise InvalidKeyError(f"cannot read the LMK file ({type(exc).__name__})", code="lmk_missing",
                                      field="lmk") from exc
        else:
            lmk = os.environ.get(ENV_LMK)
    if lmk is None or lmk == "":
        raise InvalidKeyError(
            f"a key store needs an LMK: pass lmk=, or set {ENV_LMK_FILE} (a file of hex) or {ENV_LMK} (hex)",
            code="lmk_missing", field="lmk",
        )
    raw = parse_hex(lmk, field="LMK", error=InvalidKeyError)
    return _crypto.check_aes_key(raw, what="LMK (AES)")


class KeyStore:
    """Keys on disk under an LMK. Used by :class:`~pinsec.backends.SoftwareBackend`; one writer at a time."""

    def __init__(self, path: str | os.PathLike[str], lmk: bytes) -> None:
        self._path = Path(path)
        self._lmk = _crypto.check_aes_key(lmk, what="LMK (AES)")
        self._mac_key = _crypto.hmac_sha256(self._lmk, _MAC_LABEL)
        self._blocks: dict[str, str] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"KeyStore(path={str(self._path)!r})"

    @property
    def path(self) -> Path:
        return self._path

    def _mac(self, keys: dict[str, str]) -> str:
        canonical = json.dumps(keys, sort_keys=True, separators=(",", ":")).encode()
        return _crypto.hmac_sha256(self._mac_key, canonical).hex().upper()

    def _refuse(self, why: str, code: str) -> VerificationError:
        return VerificationError(f"key store {self._path.name}: {why}; refusing to use it", code=code,
                                 field="keystore")

    def block(self, key_id: str) -> str:
        """The key as stored: a key block under the LMK (ciphertext only)."""
        with self._lock:
            try:
                return self._blocks[key_id]
            except KeyError:
                raise InvalidKeyError("no key with that id in the key store", code="unknown_key",
                                      field="key_id") from None

    def load(self) -> dict[str, tuple[KeyAttributes, bytes]]:
        """Read and authenticate the store; an absent file is an empty store."""
        with self._lock:
            try:
                text = self._path.read_text(encoding="utf-8")
            except FileNotFoundError:
                self._blocks = {}
                return {}
            except (OSError, UnicodeDecodeError) as exc:
                raise self._refuse(f"cannot be read ({type(exc).__name__})", "keystore_unreadable") from exc
            try:
                doc = json.loads(text)
            except ValueError:
                raise self._refuse("is not complete JSON (truncated or corrupted)", "keystore_corrupt") from None
            if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("keys"), dict):
                raise self._refuse(f"is not a {FORMAT} file", "keystore_corrupt")
            keys = doc["keys"]
            if not all(isinstance(k, str) and isinstance(v, str) for k, v in keys.items()):
                raise self._refuse("has entries that are not key blocks", "keystore_corrupt")
            if not hmac.compare_digest(str(doc.get("mac", "")), self._mac(keys)):
                raise self._refuse("MAC does not verify (tampered, or another LMK)", "keystore_tampered")
            out: dict[str, tuple[KeyAttributes, bytes]] = {}
            for key_id, block in keys.items():
                header, material = tr31.unwrap(self._lmk, block)
                out[key_id] = (
                    KeyAttributes(header.key_usage, header.algorithm, header.mode_of_use, header.key_version,
                                  header.exportability),
                    material,
                )
            self._blocks = dict(keys)
            return out

    def save(self, entries: dict[str, tuple[KeyAttributes, bytes]]) -> None:
        """Write every key (wrapping only the new ones) and replace the file atomically."""
        with self._lock:
            blocks = {k: v for k, v in self._blocks.items() if k in entries}
            for key_id, (attributes, material) in entries.items():
                if key_id not in blocks:
                    blocks[key_id] = tr31.wrap(self._lmk, material, f"D0000{attributes.letters()}0000")
            doc = {"format": FORMAT, "keys": blocks, "mac": self._mac(blocks)}
            self._write_atomically(json.dumps(doc, indent=1, sort_keys=True) + "\n")
            self._blocks = blocks

    def _write_atomically(self, text: str) -> None:
        folder = self._path.parent
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self._path.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self._path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
