"""The TR-31 / X9.143 key block header: 16 characters and the optional blocks.

    version (1) | block length (4 digits) | key usage (2) | algorithm (1) | mode of use (1) |
    key version number (2) | exportability (1) | number of optional blocks (2 digits) |
    key context (1, X9.143; reserved in TR-31:2018) | reserved (1)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Final

from ..errors import KeyBlockHeaderError
from .optional_blocks import OptionalBlock, parse_blocks, render_block
from .vocabulary import Algorithm, Exportability, KeyUsage, ModeOfUse, check_combination, check_recognised

__all__ = ["MAX_OPTIONAL_BLOCKS", "VERSIONS", "Header"]

#: Key block versions: A and C (TDES, variant binding), B (TDES, CMAC derivation binding),
#: D (AES, CMAC derivation binding), E (ISO 20038, AES-CTR).
VERSIONS: Final = ("A", "B", "C", "D", "E")
#: The optional block count is two decimal digits (X9.143:2021 6.2 Table 1), the PB padding block included.
MAX_OPTIONAL_BLOCKS: Final = 99
_BLOCK_SIZE: Final = {"A": 8, "B": 8, "C": 8, "D": 16, "E": 16}
_VERSION_NUMBER = re.compile(r"[0-9A-Za-z]{2}")


def _err(message: str, field: str, code: str = "bad_header") -> KeyBlockHeaderError:
    return KeyBlockHeaderError(message, code=code, field=field)


@dataclass(frozen=True)
class Header:
    """A parsed or templated key block header. ``length`` is the parsed block length (0 in templates).

    >>> h = Header.parse("B0080P0TE00E0000")
    >>> (h.version, h.key_usage.value, h.algorithm.value, h.mode_of_use.value, h.length)
    ('B', 'P0', 'T', 'E', 80)
    """

    version: str
    key_usage: KeyUsage
    algorithm: Algorithm
    mode_of_use: ModeOfUse
    key_version: str = "00"
    exportability: Exportability = Exportability.TRUSTED
    optional_blocks: tuple[OptionalBlock, ...] = field(default=())
    key_context: str = "0"
    reserved: str = "0"
    length: int = 0
    #: Characters of the parsed header including optional blocks (0 in templates).
    header_length: int = field(default=0, compare=False)

    @property
    def block_size(self) -> int:
        """The cipher block size of the version (8 for TDES versions, 16 for AES)."""
        return _BLOCK_SIZE[self.version]

    def block(self, block_id: str) -> OptionalBlock | None:
        """The optional block with this ID, if any."""
        return next((b for b in self.optional_blocks if b.id == block_id), None)

    @classmethod
    def parse(cls, text: str, *, lenient: bool = False, template: bool = False) -> Header:
        """Parse a header (or the start of a key block); every field is validated.

        ``lenient=True`` accepts usage / algorithm / mode combinations outside X9.143's table, unknown
        optional block IDs, repeated blocks and a non-zero reserved byte, as some devices emit.
        ``template=True`` is for headers given to wrap: the length may be 0000 and the PB block missing.
        """
        if not isinstance(text, str):
            raise _err("a key block header is a str", "header")
        if not text.isascii():
            raise _err("key block holds non-ASCII characters", "header")
        if len(text) < 16:
            raise _err(f"header is {len(text)} characters; at least 16 are needed", "header", "truncated")
        version = text[0]
        if version not in VERSIONS:
            raise _err(f"key block version {version!r} is not A, B, C, D or E", "version", "unknown_version")
        if not text[1:5].isdigit():
            raise _err("block length is not 4 decimal digits", "length")
        usage = KeyUsage(text[5:7])
        algorithm = Algorithm(text[7])
        mode = ModeOfUse(text[8])
        key_version = text[9:11]
        if not _VERSION_NUMBER.fullmatch(key_version):
            raise _err("key version number must be two alphanumeric characters", "key_version")
        exportability = Exportability(text[11])
        if not text[12:14].isdigit():
            raise _err("number of optional blocks is not 2 decimal digits", "optional_blocks")
        context, reserved = text[14], text[15]
        if context not in "012":
            raise _err(f"key context {context!r} is not 0, 1 or 2", "key_context")
        if reserved != "0" and not lenient:
            raise _err("reserved header byte must be 0", "reserved")
        if not lenient:
            check_combination(usage, algorithm, mode)
            check_recognised(exportability)
        blocks, used = parse_blocks(text[16:], int(text[12:14]), lenient=lenient)
        if (16 + used) % _BLOCK_SIZE[version] and not template:
            raise _err(f"header with optional blocks is {16 + used} characters, not a multiple of the "
                       f"{_BLOCK_SIZE[version]}-byte cipher block (a PB block pads it)", "optional_blocks",
                       "bad_optional_block")
        return cls(version, usage, algorithm, mode, key_version, exportability, blocks, context, reserved,
                   int(text[1:5]), 16 + used)

    @classmethod
    def from_any(cls, header: Header | str, *, lenient: bool = False) -> Header:
        """A :class:`Header`, or parse a header string (its length field may be 0000: wrap computes it)."""
        if isinstance(header, Header):
            return header
        if isinstance(header, str):
            return cls.parse(header, lenient=lenient, template=True)
        raise _err(f"header must be a Header or a str, not {type(header).__name__}", "header")

    def text(self, length: int) -> str:
        """The header text for a block of ``length`` characters, with a PB block padding it if needed."""
        blocks = [b for b in self.optional_blocks if b.id != "PB"]
        body = "".join(render_block(b) for b in blocks)
        size = self.block_size
        pad = (-(16 + len(body))) % size
        if pad:
            pad = pad if pad >= 4 else pad + size
            body += render_block(OptionalBlock("PB", "0" * (pad - 4)))
            blocks.append(OptionalBlock("PB", ""))
        if length > 9999:
            raise _err("key block would be longer than 9999 characters", "length")
        if len(blocks) > MAX_OPTIONAL_BLOCKS:
            raise _err(f"{len(blocks)} optional blocks (with the PB padding block) do not fit the 2-digit count",
                       "optional_blocks", "bad_optional_block")
        return (
            f"{self.version}{length:04d}{self.key_usage.value}{self.algorithm.value}{self.mode_of_use.value}"
            f"{self.key_version}{self.exportability.value}{len(blocks):02d}{self.key_context}{self.reserved}{body}"
        )

    def with_blocks(self, *blocks: OptionalBlock) -> Header:
        """A copy with these optional blocks added (replacing blocks of the same ID)."""
        ids = {b.id for b in blocks}
        kept = tuple(b for b in self.optional_blocks if b.id not in ids and b.id != "PB")
        if len(kept) + len(blocks) > MAX_OPTIONAL_BLOCKS:
            raise _err(f"{len(kept) + len(blocks)} optional blocks do not fit the 2-digit count (at most "
                       f"{MAX_OPTIONAL_BLOCKS})", "optional_blocks", "bad_optional_block")
        return replace(self, optional_blocks=kept + tuple(blocks))
