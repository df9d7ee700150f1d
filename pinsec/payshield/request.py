"""One host command being answered: its fields, and the keys it brought in (gone when it is answered)."""

from __future__ import annotations

import contextlib
from typing import Final

from ..errors import PinsecError
from ..hsm import Hsm
from ..keys import KeyHandle
from .errors import error_code
from .fields import CommandError, Fields

__all__ = ["PIN_FORMATS", "Request"]

#: payShield PIN block format codes -> ISO 9564-1 format; the others a payShield knows are refused (69).
PIN_FORMATS: Final = {"01": 0, "05": 1, "34": 2, "47": 3, "48": 4}
_DISABLED_FORMATS: Final = frozenset({"02", "03", "04", "35", "41", "42"})


class Request:
    """The Hsm, the command's :class:`Fields`, and the keys it imported (destroyed by :meth:`close`)."""

    def __init__(self, hsm: Hsm, body: str, header_length: int) -> None:
        self.hsm = hsm
        self.fields = Fields(body)
        #: The server's message header length (NK's chained commands carry headers of this length).
        self.header_length = header_length
        self._keys: list[KeyHandle] = []

    def key(self, text: str, *, key_type: str, usage: str, source: bool = True, old_lmk: bool = False) -> KeyHandle:
        """A key from a key field: under the variant LMK as ``key_type`` serving as ``usage``, or an ``S``
        key block under the key-block LMK (its own attributes). ``source`` picks parity error 10 or 11;
        ``old_lmk`` reads it under the LMK in key change storage."""
        try:
            if text.startswith("S"):
                if old_lmk:
                    raise CommandError("15", "key blocks do not migrate between variant LMKs")
                handle = self.hsm.import_stored_key_block(text[1:])
            else:
                handle = self.hsm.import_lmk_key(text, key_type=key_type, usage=usage, old_lmk=old_lmk)
        except PinsecError as exc:
            raise CommandError(error_code(exc, source=source), str(exc)) from None
        self._keys.append(handle)
        return handle

    def key_under(self, text: str, *, kek: KeyHandle, key_type: str, usage: str) -> KeyHandle:
        """A key field encrypted under ``kek`` (a ZMK or TMK), taken as ``key_type`` serving as ``usage``. It
        is the command's second key: a parity failure is error 11 (10 is the ZMK's)."""
        try:
            handle = self.hsm.import_key_under_kek(text, kek=kek, key_type=key_type, usage=usage)
        except PinsecError as exc:
            raise CommandError(error_code(exc, source=False), str(exc)) from None
        return self.keep(handle)

    def keep(self, handle: KeyHandle) -> KeyHandle:
        """Destroy ``handle`` too when the command is answered."""
        self._keys.append(handle)
        return handle

    def close(self) -> None:
        while self._keys:
            with contextlib.suppress(PinsecError):
                self.hsm.destroy(self._keys.pop())

    @staticmethod
    def pin_format(code: str) -> int:
        if code in PIN_FORMATS:
            return PIN_FORMATS[code]
        raise CommandError("69" if code in _DISABLED_FORMATS else "23", "PIN block format")

    @staticmethod
    def pan(account: str) -> str:
        """The PAN-shaped value the PIN functions take for a 12-digit account number: the account number
        is the 12 rightmost PAN digits before the check digit, so any check digit after it gives the same
        ISO 9564-1 PAN field and Visa PVV input."""
        return account + "0"
