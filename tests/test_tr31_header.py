"""TR-31 / X9.143 headers (pinsec.tr31.header) on their own: headers as values, strict defaults, each
field's refusal reached with the fields before it valid, the optional blocks' fit to the cipher block, the
9999-character limit on both sides, and replacing blocks. A --quick mutation run of header.py found 18 of
its 93 mutants unnoticed by the TR-31 tests. Header texts follow ANSI X9.143-2022's layout (clause 6)."""

from __future__ import annotations

import dataclasses

import pytest

from pinsec.errors import KeyBlockHeaderError
from pinsec.tr31.header import Header
from pinsec.tr31.optional_blocks import OptionalBlock
from pinsec.tr31.vocabulary import Algorithm, KeyUsage, ModeOfUse

KS = "KS1800604B120F9292800000"  # a KSN block (24 characters: 16 + 24 = 40, not a multiple of 16)


def test_headers_are_values() -> None:
    h = Header.parse("B0080P0TE00E0000")
    with pytest.raises(dataclasses.FrozenInstanceError):
        h.version = "D"  # type: ignore[misc]
    template = Header("B", KeyUsage("P0"), Algorithm("T"), ModeOfUse("E"))
    assert (template.length, template.header_length) == (0, 0)
    # the parsed header's own text length is bookkeeping, not part of its value
    assert dataclasses.replace(h, header_length=99) == h


def test_parsing_is_strict_unless_asked() -> None:
    with pytest.raises(KeyBlockHeaderError) as info:
        Header.parse("B0080P0TX00E0000")  # P0 with mode of use X: not in X9.143's table
    assert info.value.code == "disallowed_combination"
    assert Header.parse("B0080P0TX00E0000", lenient=True).mode_of_use.value == "X"
    with pytest.raises(KeyBlockHeaderError):
        Header.from_any("B0000P0TX00E0000")
    assert Header.from_any("B0000P0TX00E0000", lenient=True).length == 0


@pytest.mark.parametrize("value", [123, None, b"B0080P0TE00E0000"])
def test_a_header_must_be_text(value: object) -> None:
    with pytest.raises(KeyBlockHeaderError) as info:
        Header.parse(value)  # type: ignore[arg-type]
    assert info.value.field == "header"
    with pytest.raises(KeyBlockHeaderError) as info:
        Header.from_any(value)  # type: ignore[arg-type]
    assert info.value.field == "header"


@pytest.mark.parametrize(("text", "field"), [
    ("B0080P0TE00E00X0", "key_context"),   # the count is two digits; the context after it is not 0, 1 or 2
    ("B0080P0TE00E0030", "key_context"),
    ("B0080P0TE00E0A00", "optional_blocks"),
])
def test_the_field_that_is_wrong_is_named(text: str, field: str) -> None:
    with pytest.raises(KeyBlockHeaderError) as info:
        Header.parse(text)
    assert info.value.field == field


def test_optional_blocks_must_fill_whole_cipher_blocks() -> None:
    with pytest.raises(KeyBlockHeaderError) as info:
        Header.parse("D0000P0AE00E0100" + KS)  # 40 characters under AES (16)
    assert (info.value.code, info.value.field) == ("bad_optional_block", "optional_blocks")
    padded = Header.parse("D0000P0AE00E0200" + KS + "PB080000")  # 48 characters
    assert [b.id for b in padded.optional_blocks] == ["KS", "PB"] and padded.header_length == 48
    assert Header.parse("D0000P0AE00E0100" + KS, template=True).header_length == 40  # wrap pads a template


def test_the_longest_key_block() -> None:
    h = Header.parse("B0080P0TE00E0000")
    assert h.text(9999).startswith("B9999")
    with pytest.raises(KeyBlockHeaderError) as info:
        h.text(10000)
    assert info.value.field == "length"


def test_with_blocks_replaces_blocks_of_the_same_id_and_drops_padding() -> None:
    h = Header.parse("D0000P0AE00E0200" + KS + "PB080000")
    new = h.with_blocks(OptionalBlock("KS", "00604B120F9292800001"), OptionalBlock("KV", "0000"))
    assert [(b.id, b.data) for b in new.optional_blocks] == [("KS", "00604B120F9292800001"), ("KV", "0000")]
    assert [b.id for b in h.optional_blocks] == ["KS", "PB"]  # the original is unchanged
