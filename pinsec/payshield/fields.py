"""Reading the fields of a host command, left to right, as the payShield manuals lay them out."""

from __future__ import annotations

from typing import Final

__all__ = ["CommandError", "Fields"]

_HEX: Final = frozenset("0123456789ABCDEFabcdef")
_DIGITS: Final = frozenset("0123456789")
#: Key scheme letter -> characters of the key field after the letter.
_SCHEMED: Final = {"Z": 16, "U": 32, "X": 32, "T": 48, "Y": 48}


class CommandError(Exception):
    """A host command that cannot be answered: its payShield error code (``15`` invalid input ...)."""

    def __init__(self, code: str, why: str = "") -> None:
        super().__init__(why or code)
        self.code = code


class Fields:
    """The command's body after the command code, read field by field; any misfit is error ``15``.

    The body is latin-1 text, so binary message fields keep every byte. ``end()`` takes what may follow
    the fields: an optional ``%`` + LMK identifier and an optional X'19 + trailer (echoed in the reply).
    """

    def __init__(self, body: str) -> None:
        self._text = body
        self._at = 0
        self.trailer: str | None = None

    def _take(self, n: int, what: str) -> str:
        if n < 0 or self._at + n > len(self._text):
            raise CommandError("15", f"{what} is missing or short")
        value = self._text[self._at:self._at + n]
        self._at += n
        return value

    def text(self, n: int, what: str) -> str:
        return self._take(n, what)

    def digits(self, n: int, what: str) -> str:
        value = self._take(n, what)
        if not _DIGITS.issuperset(value):
            raise CommandError("15", f"{what} is not decimal")
        return value

    def number(self, n: int, what: str) -> int:
        return int(self.digits(n, what))

    def hex(self, n: int, what: str) -> str:
        value = self._take(n, what)
        if not _HEX.issuperset(value):
            raise CommandError("15", f"{what} is not hex")
        return value.upper()

    def binary(self, n: int, what: str) -> bytes:
        """A binary field of ``n`` bytes (each byte one latin-1 character of the body)."""
        return self._take(n, what).encode("latin-1")

    def remaining(self) -> int:
        return len(self._text) - self._at

    def peek(self, n: int = 1) -> str:
        return self._text[self._at:self._at + n]

    def optional(self, marker: str) -> bool:
        """Consume ``marker`` if it comes next."""
        if self._text.startswith(marker, self._at):
            self._at += len(marker)
            return True
        return False

    def key(self, what: str, *, plain: int = 16) -> str:
        """A key field: a scheme letter (Z, U, X, T, Y) and its hex, ``S`` and a key block, or ``plain``
        hex characters without a scheme (16: single length; 32 where the command allows a double key)."""
        tag = self.peek()
        if tag == "S":
            self._take(1, what)
            head = self.peek(5)
            if len(head) < 5 or not head[1:].isdigit():
                raise CommandError("15", f"{what} key block has no length")
            return "S" + self._take(int(head[1:]), what)
        if tag.upper() in _SCHEMED:
            self._take(1, what)
            return tag.upper() + self.hex(_SCHEMED[tag.upper()], what)
        return self.hex(plain, what)

    def message(self, *, hex_input: bool, error: str = "15") -> bytes:
        """A message length (4 H: the characters of the message field as sent) and the message: its bytes as
        sent, or, with ``hex_input``, the bytes its hex digits stand for. A length the message does not have,
        or an odd count of hex digits, is ``error`` (the command's message length error). The
        length counts hex digits, not the bytes they stand for, as production payShield codecs send it
        (docs/payshield.md)."""
        length = int(self.hex(4, "message length"), 16)
        if length > self.remaining():
            raise CommandError(error, "the message is shorter than its length")
        if hex_input:
            if length % 2:
                raise CommandError(error, "a hex-encoded message has an even number of digits")
            return bytes.fromhex(self.hex(length, "message"))
        return self.text(length, "message").encode("latin-1")

    def until(self, stop: str, what: str) -> str:
        """Characters up to (not including) ``stop``, which is consumed."""
        end = self._text.find(stop, self._at)
        if end < 0:
            raise CommandError("15", f"{what} has no {stop!r} after it")
        value = self._text[self._at:end]
        self._at = end + len(stop)
        return value

    def rest(self) -> str:
        """Everything up to the LMK identifier or trailer (what ``end`` would take), consumed."""
        end = len(self._text)
        for mark in ("\x19", "%"):
            found = self._text.find(mark, self._at)
            if 0 <= found < end:
                end = found
        value = self._text[self._at:end]
        self._at = end
        return value

    def lmk_identifier(self) -> None:
        """An optional ``%`` and LMK identifier: ``00`` the variant LMK, ``01`` the key-block LMK (as a
        production codec numbers them). Which LMK a key is under is told by its form (``S`` key blocks are
        under the key-block LMK, other keys under the variant LMK), so the identifier only has to be one of
        these two."""
        if self.optional("%") and self.digits(2, "LMK identifier") not in ("00", "01"):
            raise CommandError("15", "LMK identifiers are 00 (variant) and 01 (key block)")

    def end(self) -> None:
        """Nothing but an optional ``%`` LMK identifier and X'19 + trailer may remain."""
        self.lmk_identifier()
        if self.optional("\x19"):
            trailer = self._text[self._at:]
            if len(trailer) > 32:
                raise CommandError("15", "message trailer longer than 32 characters")
            self.trailer = trailer
            self._at = len(self._text)
        if self._at != len(self._text):
            raise CommandError("15", "unexpected data after the last field")
