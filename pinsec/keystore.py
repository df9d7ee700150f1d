"""A persistent key store: keys on disk as TR-31 key blocks under a local master key (LMK).

Like a key-block LMK in a payment HSM: every key is a version D (AES) key block wrapped under the LMK, so
its attributes are bound to it, and the whole file carries an HMAC-SHA-256 under a key derived from the
LMK over the keys *and a generation counter*, so a tampered, truncated, reordered or swapped store is
refused, as is a store opened with another LMK or an older file than one this process already saw.

The LMK never enters the store: it comes from the caller, from a file named by ``PINSEC_LMK_FILE`` (which
must be readable by its owner only), or from ``PINSEC_LMK`` (hex). It is a 256-bit AES key.

Many processes may share one store. Every change (add one key, remove one key) takes an exclusive lock on
``.<name>.lock`` beside the store, re-reads and authenticates the file, applies the change, writes the new
file to ``.<name>.tmp``, flushes it and renames it over the old one, so concurrent writers lose nothing and a
process that dies mid-write leaves the previous store whole. A stale ``.tmp`` left by a killed writer is
removed under the lock before anything else happens, so it never outlives the next open.

What the generation counter can and cannot promise is in docs/hsm.md ("Rollback").
"""

from __future__ import annotations

import fcntl
import hmac
import json
import os
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final, NoReturn

from . import _crypto, tr31
from ._hex import parse_hex
from .errors import DataError, InvalidKeyError, VerificationError
from .keys import KeyAttributes

__all__ = ["ENV_LMK", "ENV_LMK_FILE", "FORMAT", "KeyStore", "check_lmk", "load_lmk"]

FORMAT: Final = "pinsec-keystore/2"
ENV_LMK: Final = "PINSEC_LMK"
ENV_LMK_FILE: Final = "PINSEC_LMK_FILE"
_MAC_LABEL: Final = b"pinsec keystore integrity key v2"
#: Highest generation each store file was seen at in this process (rollback detection across instances).
_SEEN: dict[str, int] = {}
_SEEN_LOCK: Final = threading.Lock()


def check_lmk(raw: bytes) -> bytes:
    """An LMK is a 256-bit AES key that is not all one byte value (a placeholder, not a key).

    >>> check_lmk(bytes(range(32))) == bytes(range(32))
    True
    >>> check_lmk(bytes(16))
    Traceback (most recent call last):
    ...
    pinsec.errors.InvalidKeyError: an LMK is a 256-bit AES key (32 bytes), not 16 bytes
    """
    if len(raw) != 32:
        raise InvalidKeyError(f"an LMK is a 256-bit AES key (32 bytes), not {len(raw)} bytes", code="weak_lmk",
                              field="lmk")
    if len(set(raw)) == 1:
        raise InvalidKeyError("an LMK whose bytes are all equal is a placeholder, not a key", code="weak_lmk",
                              field="lmk")
    return raw


def _read_lmk_file(path: str | os.PathLike[str]) -> str:
    try:
        p = Path(path)
        mode = p.stat().st_mode
        text = p.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InvalidKeyError(f"cannot read the LMK file ({type(exc).__name__})", code="lmk_missing",
                              field="lmk") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InvalidKeyError("the LMK file is open to group or others; make it readable by its owner only "
                              "(chmod 600)", code="lmk_file_permissions", field="lmk_file")
    return "".join(text.split())


def load_lmk(lmk: bytes | str | None = None, lmk_file: str | os.PathLike[str] | None = None) -> bytes:
    """The LMK: given (bytes or hex), else read from ``lmk_file``, ``$PINSEC_LMK_FILE`` or ``$PINSEC_LMK``."""
    if lmk is None:
        from_env = os.environ.get(ENV_LMK_FILE)
        if lmk_file is None and from_env and not os.path.isabs(from_env):
            raise InvalidKeyError(f"{ENV_LMK_FILE} must be an absolute path (a relative one would name another file "
                                  "in each folder)", code="lmk_file_relative", field="lmk_file")
        path = lmk_file or from_env
        lmk = _read_lmk_file(path) if path else os.environ.get(ENV_LMK)
    if lmk is None or lmk == "":
        raise InvalidKeyError(
            f"a key store needs an LMK: --lmk-file FILE (lmk_file= in Python), or {ENV_LMK_FILE} (an absolute path "
            f"to a file of hex) or {ENV_LMK} (hex); 'pinsec lmk generate --out FILE' makes one",
            code="lmk_missing", field="lmk",
        )
    return check_lmk(parse_hex(lmk, field="LMK", error=InvalidKeyError))


class KeyStore:
    """Keys as key blocks under an LMK: on disk at ``path`` (shared by processes), or in memory (``None``).

    Used by :class:`~pinsec.backends.SoftwareBackend`. An in-memory store still wraps every key under its
    LMK, so keys can travel between processes that share the LMK (bulk workers) as ciphertext only.
    """

    def __init__(self, path: str | os.PathLike[str] | None, lmk: bytes) -> None:
        self._path = None if path is None else Path(path)
        self._lmk = check_lmk(_crypto.check_aes_key(lmk, what="LMK (AES)"))
        self._mac_key = _crypto.hmac_sha256(self._lmk, _MAC_LABEL)
        self._blocks: dict[str, str] = {}
        self._labels: dict[str, str] = {}
        self._generation = 0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"KeyStore(path={None if self._path is None else str(self._path)!r}, generation={self._generation})"

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError("a KeyStore holds its LMK and cannot be pickled")

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def generation(self) -> int:
        """How many changes the store has seen: record it to check a restored file against."""
        return self._generation

    # ---------------------------------------------------------------------------------- key blocks

    def wrap(self, attributes: KeyAttributes, material: bytes) -> str:
        """``material`` as a version D key block under the LMK."""
        return tr31.wrap(self._lmk, material, f"D0000{attributes.letters()}0000")

    def unwrap(self, block: str) -> tuple[KeyAttributes, bytes]:
        """A key block under this LMK: its attributes and key (refused if not authentic)."""
        if not isinstance(block, str) or block[:1] != "D":
            raise DataError("a key under the LMK is a version D key block", code="invalid_key_block",
                            field="key_block")
        header, material = tr31.unwrap(self._lmk, block)
        attributes = KeyAttributes(header.key_usage, header.algorithm, header.mode_of_use, header.key_version,
                                   header.exportability)
        return attributes, material

    def block(self, key_id: str) -> str:
        """The key as stored: a key block under the LMK (ciphertext only)."""
        with self._lock:
            try:
                return self._blocks[key_id]
            except KeyError:
                raise InvalidKeyError("no key with that id in the key store", code="unknown_key",
                                      field="key_id") from None

    # ------------------------------------------------------------------------------------- the file

    def _refuse(self, why: str, code: str) -> VerificationError:
        name = self._path.name if self._path is not None else "(memory)"
        return VerificationError(f"key store {name}: {why}; refusing to use it", code=code, field="keystore")

    def _mac(self, generation: int, keys: dict[str, str], labels: dict[str, str]) -> str:
        canonical = json.dumps({"generation": generation, "keys": keys, "labels": labels}, sort_keys=True,
                               separators=(",", ":"))
        return _crypto.hmac_sha256(self._mac_key, canonical.encode()).hex().upper()

    def _io_error(self, what: str, exc: BaseException) -> DataError:
        return DataError(f"key store: cannot {what} ({type(exc).__name__}: {getattr(exc, 'strerror', None) or exc})",
                         code="keystore_io", field="keystore")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """This process's lock, then (on disk) an exclusive lock on the lock file; stale temp files go."""
        with self._lock:
            if self._path is None:
                yield
                return
            folder = self._path.parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
                fd = os.open(folder / f".{self._path.name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            except (OSError, ValueError) as exc:
                raise self._io_error("open its lock file", exc) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                self._tmp().unlink(missing_ok=True)
                yield
            finally:
                os.close(fd)

    def _tmp(self) -> Path:
        assert self._path is not None
        return self._path.with_name(f".{self._path.name}.tmp")

    def _read(self) -> tuple[int, dict[str, str], dict[str, str]]:
        """Read and authenticate the file (caller holds the lock); an absent file is an empty store."""
        assert self._path is not None
        try:
            text = self._path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return 0, {}, {}
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise self._refuse(f"cannot be read ({type(exc).__name__})", "keystore_unreadable") from None
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            raise self._refuse("is not complete JSON (truncated or corrupted)", "keystore_corrupt") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("keys"), dict):
            raise self._refuse(f"is not a {FORMAT} file", "keystore_corrupt")
        generation, keys, labels = doc.get("generation"), doc["keys"], doc.get("labels", {})
        if isinstance(generation, bool) or not isinstance(generation, int) or generation < 0:
            raise self._refuse("has no valid generation counter", "keystore_corrupt")
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in keys.items()):
            raise self._refuse("has entries that are not key blocks", "keystore_corrupt")
        if not isinstance(labels, dict) or not all(isinstance(k, str) and isinstance(v, str) and k in keys
                                                   for k, v in labels.items()):
            raise self._refuse("has labels that are not strings of its keys", "keystore_corrupt")
        if not hmac.compare_digest(str(doc.get("mac", "")), self._mac(generation, keys, labels)):
            raise self._refuse("MAC does not verify (tampered, or another LMK)", "keystore_tampered")
        seen = max(self._generation, _SEEN.get(self._key(), 0))
        if generation < seen:
            raise self._refuse(f"is generation {generation}, older than generation {seen} already seen "
                               "(a rolled-back file)", "keystore_rollback")
        return generation, keys, labels

    def _key(self) -> str:
        return str(self._path.resolve()) if self._path is not None else ""

    def _accept(self, generation: int, keys: dict[str, str], labels: dict[str, str]) -> None:
        self._generation, self._blocks, self._labels = generation, dict(keys), dict(labels)
        if self._path is not None:
            with _SEEN_LOCK:
                _SEEN[self._key()] = max(generation, _SEEN.get(self._key(), 0))

    def _current(self) -> tuple[int, dict[str, str], dict[str, str]]:
        if self._path is not None:
            return self._read()
        return self._generation, self._blocks, self._labels

    def load(self) -> dict[str, tuple[KeyAttributes, bytes]]:
        """Read and authenticate the store; every key comes back unwrapped (attributes from its block)."""
        with self._locked():
            generation, keys, labels = self._current()
            out = {key_id: self.unwrap(block) for key_id, block in keys.items()}
            self._accept(generation, keys, labels)
            return out

    def labels(self) -> dict[str, str]:
        """Key id -> label, as last read or written."""
        with self._lock:
            return dict(self._labels)

    def _change(self, key_id: str, block: str | None, label: str | None = None, *, relabel: bool = False) -> None:
        with self._locked():
            generation, keys, labels = self._current()
            keys, labels = dict(keys), dict(labels)
            if relabel:
                if key_id not in keys:
                    raise InvalidKeyError("no key with that id in the key store", code="unknown_key", field="key_id")
                owner = next((k for k, v in labels.items() if v == label), None)
                if label is not None and (owner not in (None, key_id) or label in keys):
                    raise DataError("another key already has that label (or id)", code="label_taken", field="label")
                labels.pop(key_id, None)
                if label is not None:
                    labels[key_id] = label
            elif block is None:
                keys.pop(key_id, None)
                labels.pop(key_id, None)
            else:
                keys[key_id] = block
            generation += 1
            if self._path is not None:
                doc = {"format": FORMAT, "generation": generation, "keys": keys, "labels": labels,
                       "mac": self._mac(generation, keys, labels)}
                self._write(json.dumps(doc, indent=1, sort_keys=True) + "\n")
            self._accept(generation, keys, labels)

    def label(self, key_id: str, label: str | None) -> None:
        """Give a key a label (None removes it); a label no other key has, and not another key's id."""
        self._change(key_id, None, label, relabel=True)

    def add(self, key_id: str, attributes: KeyAttributes, material: bytes) -> None:
        """Store one key (under the lock, merged with what other processes stored meanwhile)."""
        self._change(key_id, self.wrap(attributes, material))

    def adopt(self, key_id: str, block: str) -> tuple[KeyAttributes, bytes]:
        """Store a key that arrives already wrapped under this LMK (it is authenticated first)."""
        attributes, material = self.unwrap(block)
        self._change(key_id, block)
        return attributes, material

    def remove(self, key_id: str) -> None:
        """Remove one key."""
        self._change(key_id, None)

    def _write(self, text: str) -> None:
        assert self._path is not None
        tmp = self._tmp()
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self._path)
            dir_fd = os.open(self._path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except (OSError, ValueError) as exc:
            tmp.unlink(missing_ok=True)
            raise self._io_error("write the store", exc) from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
