"""TR-31 / X9.143 optional blocks: parsing (with extended lengths), typed validation, rendering.

Each block is ``ID (2) || length (2 hex) || data``; a length of ``00`` announces an extended length:
``00 || length of the length (2 hex) || length (hex)``. Lengths count the whole block. Data is printable
ASCII. The PB block pads the header to a multiple of the cipher block and must be last (X9.143:2021 6.2
Table 1 and 6.3.6 Table 7).

Strict parsing checks each defined block's data format (X9.143:2021 6.3.6.1-6.3.6.15). Lenient parsing
reads any well-framed block with printable data as it is, since proprietary profiles put other printable
text in defined blocks (German banking profiles write a KS block holding ``DE#GBIC#OPT1``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Final

from ..errors import KeyBlockHeaderError

__all__ = ["KNOWN_BLOCKS", "OptionalBlock", "parse_blocks", "parse_time", "render_block"]

_HEX = re.compile(r"[0-9A-F]*")
#: TS / TC (X9.143:2021 6.3.6.13-14): UTC, compact YYYYMMDDhhmmss[.f]Z or YYMMDDhhmmssZ, or ISO 8601 extended
#: YYYY-MM-DDThh:mm:ss[.f]Z (the form of X9.143:2021's own example); fractions of any length.
_TIMES: Final = (
    re.compile(r"(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d+))?Z"),
    re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z"),
    re.compile(r"(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})()Z"),
)


def parse_time(text: str) -> datetime | None:
    """The UTC time a TS or TC block holds, or None if it is not one of the forms X9.143 uses.

    >>> parse_time("2023-01-01T12:30:00.5Z").isoformat()
    '2023-01-01T12:30:00.500000+00:00'
    >>> parse_time("20230101123000Z") == parse_time("230101123000Z")
    True
    """
    for pattern in _TIMES:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
        year += 2000 if len(m.group(1)) == 2 else 0
        micro = int((m.group(7) or "0")[:6].ljust(6, "0"))
        try:
            return datetime(year, month, day, hour, minute, second, micro, tzinfo=timezone.utc)
        except ValueError:
            return None
    return None


def _fail(block_id: str, why: str) -> KeyBlockHeaderError:
    return KeyBlockHeaderError(f"optional block {block_id}: {why}", code="bad_optional_block",
                               field=f"optional_block_{block_id}")


def _hex(block_id: str, data: str, lengths: tuple[int, ...] | None = None) -> None:
    if not _HEX.fullmatch(data) or len(data) % 2:
        raise _fail(block_id, "data must be an even number of uppercase hex digits")
    if lengths is not None and len(data) not in lengths:
        raise _fail(block_id, f"data is {len(data)} hex digits, expected {' or '.join(map(str, lengths))}")


def _kcv(block_id: str, data: str) -> None:
    # version 00: legacy KCV (encrypt zeros), 01: CMAC KCV (X9.24-1:2017); 2 to 5 bytes of check value
    if data[:2] not in ("00", "01"):
        raise _fail(block_id, "KCV algorithm must be 00 (legacy) or 01 (CMAC)")
    _hex(block_id, data[2:], (4, 6, 8, 10))


def _base_key_id(block_id: str, data: str) -> None:
    # X9.143:2021 6.3.6.2 Table 9: 00 + the 5-byte TDES DUKPT key set ID, or 01 + the 4-byte AES DUKPT BDK ID
    if data[:2] == "00":
        _hex(block_id, data[2:], (10,))
    elif data[:2] == "01":
        _hex(block_id, data[2:], (8,))
    else:
        raise _fail(block_id, "key type must be 00 (KSI) or 01 (BDK ID)")


def _time(block_id: str, data: str) -> None:
    if parse_time(data) is None:
        raise _fail(block_id, "time must be a UTC time, YYYYMMDDhhmmss[.f]Z or YYYY-MM-DDThh:mm:ss[.f]Z")


def _derivations(block_id: str, data: str) -> None:
    from .vocabulary import Algorithm, Exportability, KeyUsage, ModeOfUse, check_recognised

    if data[:2] != "01" or (len(data) - 2) % 5:
        raise _fail(block_id, "derivations allowed: version 01 then groups of usage, algorithm, mode, exportability")
    for i in range(2, len(data), 5):
        group = data[i : i + 5]
        try:
            check_recognised(KeyUsage(group[:2]), Algorithm(group[2]), ModeOfUse(group[3]), Exportability(group[4]))
        except KeyBlockHeaderError as exc:
            raise _fail(block_id, f"derivation {(i - 2) // 5 + 1}: {exc}") from None


def _pedigree(block_id: str, data: str) -> None:
    if data[:2] != "00" or len(data) != 3 or data[2] not in "0123":
        raise _fail(block_id, "wrapping pedigree must be version 00 and a pedigree digit 0-3")


def _hmac_hash(block_id: str, data: str) -> None:
    # X9.143:2021 6.3.6.5 Table 13: SHA-1, SHA-2 family, SHA-3 family, SHAKE128 / SHAKE256
    if data not in {"10", "20", "21", "22", "23", "24", "25", "30", "31", "32", "33", "40", "41"}:
        raise _fail(block_id, "HMAC hash algorithm is not one X9.143 defines")


def _initial_key_id(block_id: str, data: str) -> None:
    _hex(block_id, data, (16,))


def _key_set_id(block_id: str, data: str) -> None:
    _hex(block_id, data)  # the TDES DUKPT KSI is 10 bytes; other schemes use other lengths


def _printable(block_id: str, data: str) -> None:
    """Printable ASCII is checked for every block; these need nothing more."""


#: Optional block IDs X9.143 defines, with their data checks (numeric IDs are proprietary, see below).
KNOWN_BLOCKS: Final[dict[str, Callable[[str, str], None]]] = {
    "AL": _printable,  # asymmetric key life
    "BI": _base_key_id,  # base derivation key identifier
    "CT": _printable,  # public key certificate
    "DA": _derivations,  # derivations allowed
    "FL": _printable,  # flags
    "HM": _hmac_hash,  # HMAC hash algorithm
    "IK": _initial_key_id,  # initial key identifier (AES DUKPT)
    "KC": _kcv,  # KCV of the wrapped key
    "KP": _kcv,  # KCV of the KBPK
    "KS": _key_set_id,  # key set identifier (TDES DUKPT)
    "KV": _printable,  # key block values version
    "LB": _printable,  # label
    "PB": _printable,  # padding block
    "PK": _kcv,  # protection key check value
    "TC": _time,  # time of creation
    "TS": _time,  # time stamp
    "WP": _pedigree,  # wrapping pedigree
}


@dataclass(frozen=True)
class OptionalBlock:
    """One optional block: its two-character ID and its data (printable ASCII)."""

    id: str
    data: str

    @property
    def time(self) -> datetime | None:
        """For TS and TC blocks, the UTC time they hold (the data keeps the original text)."""
        return parse_time(self.data) if self.id in ("TS", "TC") else None

    def validate(self, *, lenient: bool = False) -> None:
        if len(self.id) != 2 or not self.id.isascii() or not self.id.isalnum() or self.id != self.id.upper():
            raise _fail(self.id, "ID must be two uppercase alphanumeric characters")
        if not all(0x20 <= ord(c) <= 0x7E for c in self.data):
            raise _fail(self.id, "data holds characters that are not printable ASCII")
        check = KNOWN_BLOCKS.get(self.id)
        if lenient:
            return
        if check is None:
            if not self.id[0].isdigit():
                raise _fail(self.id, "unknown optional block ID (numeric IDs are proprietary; lenient=True accepts "
                                     "unknown ones)")
            return
        check(self.id, self.data)


def render_block(block: OptionalBlock) -> str:
    """The block as header text, with an extended length when it does not fit two hex digits. A key block
    is at most 9999 characters, so an extended length never needs more than four hex digits."""
    n = 4 + len(block.data)
    if n <= 0xFF:
        return f"{block.id}{n:02X}{block.data}"
    total = 2 + 2 + 2 + 4 + len(block.data)
    if total > 0xFFFF:
        raise _fail(block.id, "data too long for a key block")
    return f"{block.id}0004{total:04X}{block.data}"


def parse_blocks(text: str, count: int, *, lenient: bool = False) -> tuple[tuple[OptionalBlock, ...], int]:
    """Parse ``count`` blocks from the start of ``text``; return them and the characters consumed."""
    blocks: list[OptionalBlock] = []
    pos = 0
    for i in range(count):
        if len(text) < pos + 4:
            raise KeyBlockHeaderError(f"optional block {i + 1} of {count} is truncated", code="bad_optional_block",
                                      field="optional_blocks")
        block_id, raw_len = text[pos : pos + 2], text[pos + 2 : pos + 4]
        if not _HEX.fullmatch(raw_len):
            raise _fail(block_id, "length is not hex")
        length, head = int(raw_len, 16), 4
        if length == 0:
            width_text = text[pos + 4 : pos + 6]
            if len(width_text) != 2 or not _HEX.fullmatch(width_text) or int(width_text, 16) == 0:
                raise _fail(block_id, "extended length has no valid length-of-length")
            width = int(width_text, 16)
            value = text[pos + 6 : pos + 6 + width]
            if len(value) != width or not _HEX.fullmatch(value):
                raise _fail(block_id, "extended length is not hex")
            length, head = int(value, 16), 6 + width
        if length < head or len(text) < pos + length:
            raise _fail(block_id, f"length {length} does not fit the header")
        block = OptionalBlock(block_id, text[pos + head : pos + length])
        block.validate(lenient=lenient)
        blocks.append(block)
        pos += length
    ids = [b.id for b in blocks]
    if len(set(ids)) != len(ids) and not lenient:
        raise KeyBlockHeaderError("an optional block ID appears twice", code="bad_optional_block",
                                  field="optional_blocks")
    if "PB" in ids and ids[-1] != "PB":
        raise KeyBlockHeaderError("the PB padding block must be the last optional block", code="bad_optional_block",
                                  field="optional_block_PB")
    return tuple(blocks), pos
