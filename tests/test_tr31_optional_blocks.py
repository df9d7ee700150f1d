"""TR-31 / X9.143 optional blocks (pinsec.tr31.optional_blocks) at their edges: KCV block lengths on both
sides, block IDs (proprietary numeric ones, lowercase ones even when lenient), strict defaults, blocks as
values, a four-character block at the very end, and extended lengths on both sides of four hex digits. A
--quick mutation run of optional_blocks.py found 18 of its 171 mutants unnoticed. Layouts: ANSI
X9.143-2022 clause 6.3 (optional blocks, extended length in 6.3.2)."""

from __future__ import annotations

import dataclasses

import pytest

from pinsec.errors import KeyBlockHeaderError
from pinsec.tr31.optional_blocks import OptionalBlock, parse_blocks, render_block


@pytest.mark.parametrize(("hex_digits", "ok"), [(2, False), (4, True), (6, True), (8, True), (10, True), (12, False)])
def test_kcv_blocks_hold_two_to_five_bytes(hex_digits: int, ok: bool) -> None:
    block = OptionalBlock("KC", "00" + "A" * hex_digits)
    if ok:
        block.validate()
    else:
        with pytest.raises(KeyBlockHeaderError):
            block.validate()


@pytest.mark.parametrize("block_id", ["K", "KSS", "ks", "K!", "é1"])
def test_an_id_is_two_uppercase_alphanumerics_even_when_lenient(block_id: str) -> None:
    with pytest.raises(KeyBlockHeaderError):
        OptionalBlock(block_id, "00").validate(lenient=True)


def test_numeric_ids_are_proprietary_and_unknown_letters_are_refused() -> None:
    OptionalBlock("9Z", "anything printable").validate()
    with pytest.raises(KeyBlockHeaderError):
        OptionalBlock("Z9", "anything printable").validate()
    with pytest.raises(KeyBlockHeaderError):
        OptionalBlock("ZZ", "x").validate()  # strict by default
    OptionalBlock("ZZ", "x").validate(lenient=True)
    with pytest.raises(KeyBlockHeaderError):
        parse_blocks("ZZ05x", 1)  # strict by default here too
    assert parse_blocks("ZZ05x", 1, lenient=True)[1] == 5


def test_blocks_are_values() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        OptionalBlock("PB", "").data = "00"  # type: ignore[misc]


def test_a_four_character_block_at_the_very_end() -> None:
    assert parse_blocks("PB04", 1) == ((OptionalBlock("PB", ""),), 4)
    with pytest.raises(KeyBlockHeaderError):
        parse_blocks("PB0", 1)


def test_extended_lengths() -> None:
    short = OptionalBlock("9A", "x" * 251)  # 4 + 251 = 255: still two hex digits
    assert render_block(short) == "9AFF" + "x" * 251
    long = OptionalBlock("9A", "x" * 252)  # from 256 on: 00, a length of 4 digits, then the length
    text = render_block(long)
    assert text == "9A0004" + f"{2 + 2 + 2 + 4 + 252:04X}" + "x" * 252
    assert parse_blocks(text, 1) == ((long,), len(text))
    longest = OptionalBlock("9A", "x" * (0xFFFF - 10))
    assert render_block(longest).startswith("9A0004FFFF")
    with pytest.raises(KeyBlockHeaderError):
        render_block(OptionalBlock("9A", "x" * (0xFFFF - 9)))
