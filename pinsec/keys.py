"""Key attributes (the TR-31 vocabulary) and opaque key handles.

A :class:`KeyHandle` names a key that lives in a backend: it holds the backend's id for the key, its
attributes, its length and its check value, never the key. Handles are made only by :class:`pinsec.Hsm`,
are immutable, and refuse to be pickled or copied into another process (keys travel between processes
as key blocks under a KBPK instead). A handle is a name, not a capability: the Hsm checks every handle
against the backend's record of the key and refuses one whose attributes differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, NoReturn, final

from . import tr31
from .errors import DataError, KeyBlockHeaderError

__all__ = ["KeyAttributes", "KeyHandle", "check_label"]


@dataclass(frozen=True)
class KeyAttributes:
    """TR-31 attributes of a key: usage, algorithm, mode of use, version number and exportability.

    Plain TR-31 letters are accepted and stored as the :mod:`pinsec.tr31` enums; the combination must
    be one X9.143 allows. Keys are non-exportable (``N``) unless the caller asks for ``E`` (exportable under
    a trusted KBPK) or ``S``.

    >>> a = KeyAttributes(usage="P0", algorithm="T", mode_of_use="B")
    >>> (a.usage.value, a.algorithm.value, a.mode_of_use.value, a.version, a.exportability.value)
    ('P0', 'T', 'B', '00', 'N')
    >>> KeyAttributes(usage="P9", algorithm="T", mode_of_use="B")
    Traceback (most recent call last):
    ...
    pinsec.errors.KeyBlockHeaderError: ...
    """

    usage: tr31.KeyUsage
    algorithm: tr31.Algorithm
    mode_of_use: tr31.ModeOfUse
    version: str = "00"
    exportability: tr31.Exportability = tr31.Exportability.NON_EXPORTABLE

    def __init__(
        self,
        usage: tr31.KeyUsage | str,
        algorithm: tr31.Algorithm | str,
        mode_of_use: tr31.ModeOfUse | str,
        version: str = "00",
        exportability: tr31.Exportability | str = "N",
    ) -> None:
        u, a, m = tr31.KeyUsage(usage), tr31.Algorithm(algorithm), tr31.ModeOfUse(mode_of_use)
        e = tr31.Exportability(exportability)
        if not isinstance(version, str) or len(version) != 2 or not version.isascii() or not version.isalnum():
            raise KeyBlockHeaderError("key version number must be two alphanumeric characters", field="version")
        tr31.check_combination(u, a, m)
        tr31.check_recognised(e)
        for name, value in (("usage", u), ("algorithm", a), ("mode_of_use", m), ("version", version),
                            ("exportability", e)):
            object.__setattr__(self, name, value)

    def letters(self) -> str:
        """The attributes as TR-31 header letters, e.g. ``P0TB00E``."""
        return (
            f"{self.usage.value}{self.algorithm.value}{self.mode_of_use.value}{self.version}"
            f"{self.exportability.value}"
        )


_TOKEN: Final = object()


def check_label(label: str) -> str:
    """A key label: 1 to 64 printable ASCII characters, not starting or ending with a space.

    >>> check_label("acquirer ZPK 2026")
    'acquirer ZPK 2026'
    """
    if not isinstance(label, str) or not 1 <= len(label) <= 64 or not label.isascii() or not label.isprintable() or (
            label != label.strip()):
        raise DataError("a key label is 1 to 64 printable ASCII characters without outer spaces",
                        code="invalid_label", field="label")
    return label


@final
class KeyHandle:
    """An opaque reference to a key held by an :class:`~pinsec.Hsm`'s backend.

    ``repr`` shows the attributes and the key check value only; the handle never holds key material.
    """

    __slots__ = ("_attributes", "_id", "_kcv", "_label", "_length")

    _id: str
    _attributes: KeyAttributes
    _kcv: str
    _length: int
    _label: str | None

    def __init__(self, token: object, *, id: str, attributes: KeyAttributes, kcv: str, length: int,
                 label: str | None = None) -> None:
        if token is not _TOKEN:
            raise TypeError("KeyHandle objects are made by an Hsm, not directly")
        object.__setattr__(self, "_id", id)
        object.__setattr__(self, "_attributes", attributes)
        object.__setattr__(self, "_kcv", kcv)
        object.__setattr__(self, "_length", length)
        object.__setattr__(self, "_label", label)

    @property
    def id(self) -> str:
        """The backend's id for this key (stable across keystore reopenings)."""
        return self._id

    @property
    def attributes(self) -> KeyAttributes:
        return self._attributes

    @property
    def kcv(self) -> str:
        """The key check value, hex."""
        return self._kcv

    @property
    def length(self) -> int:
        """The key length in bytes."""
        return self._length

    @property
    def label(self) -> str | None:
        """The key's unique label, if it has one (usable wherever an id is)."""
        return self._label

    def __repr__(self) -> str:
        a = self._attributes
        return (
            f"KeyHandle(id={self._id!r}, usage={a.usage.value}, algorithm={a.algorithm.value}, "
            f"mode_of_use={a.mode_of_use.value}, version={a.version}, exportability={a.exportability.value}, "
            f"length={self._length}, kcv={self._kcv}" + (f", label={self._label!r})" if self._label else ")")
        )

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("KeyHandle is immutable")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("KeyHandle is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KeyHandle) and other._id == self._id

    def __hash__(self) -> int:
        return hash(("KeyHandle", self._id))

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError("a KeyHandle cannot be pickled: send keys to other processes as key blocks under a KBPK")

    def __copy__(self) -> KeyHandle:
        return self

    def __deepcopy__(self, memo: Any) -> KeyHandle:
        return self


def _make_handle(*, id: str, attributes: KeyAttributes, kcv: str, length: int, label: str | None = None
                 ) -> KeyHandle:
    """Make a handle (pinsec's own code paths only; not exported)."""
    return KeyHandle(_TOKEN, id=id, attributes=attributes, kcv=kcv, length=length, label=label)
