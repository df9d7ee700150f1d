"""Many PIN blocks under one key in one cipher call (pinsec.batch.pin_blocks): equal block by block to the
single calls of pinsec.pinblock (themselves checked against ISO 9564-1 and X9.24-3 published blocks), the
X9.24-3 format 4 example inside a batch, and every refusal naming the item."""

from __future__ import annotations

import random

import pytest

from pinsec import pinblock
from pinsec.batch.pin_blocks import decipher_many, encipher_many
from pinsec.errors import DataError, PanError, PinBlockError, PinError

TDES = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
AES = bytes.fromhex("AF8CB133A78F8DC2D1359F18527593FB")  # ANSI X9.24-3:2017 supplement, format 4 example


def _stream(seed: int) -> pinblock.Rng:
    rng = random.Random(seed)
    return lambda n: rng.randbytes(n)


def _cases(n: int, seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    pins = ["".join(rng.choice("0123456789") for _ in range(rng.randint(4, 12))) for _ in range(n)]
    pans = ["".join(rng.choice("0123456789") for _ in range(rng.randint(13, 19))) for _ in range(n)]
    return pins, pans


@pytest.mark.parametrize("fmt", [0, 1, 2, 3, 4])
def test_equal_to_one_block_at_a_time(fmt: int) -> None:
    key = AES if fmt == 4 else TDES
    pins, pans = _cases(60, fmt)
    if fmt == 2:
        pans = [None] * len(pins)  # type: ignore[list-item]
    many = encipher_many(key, pins, pans, format=fmt, rng=_stream(7))
    one_rng = _stream(7)
    assert many == [pinblock.encipher(key, p, a, format=fmt, rng=one_rng) for p, a in zip(pins, pans, strict=True)]
    assert decipher_many(key, many, pans, format=fmt) == pins
    assert decipher_many(key, [b.hex() for b in many], pans, format=fmt) == pins


def test_the_x9_24_3_format_4_example_inside_a_batch() -> None:
    pins, pans = _cases(3, 4)
    fill = iter([bytes(8), bytes.fromhex("2F69ADDE2E9E7ACE"), bytes(8), bytes(8)])
    blocks = encipher_many(AES, [pins[0], "1234", pins[1]], [pans[0], "4111111111111111", pans[1]], format=4,
                           rng=lambda n: next(fill)[:n])
    assert blocks[1].hex().upper() == "A912150391AB65A67E52883D81CE2D15"


def test_empty_batches() -> None:
    assert encipher_many(TDES, [], []) == []
    assert decipher_many(AES, [], [], format=4) == []


@pytest.mark.parametrize(("pins", "pans", "error", "field"), [
    (["1234", "12a4", "5678"], ["4012345678909"] * 3, PinError, "pin[1]"),
    (["1234", "123", "5678"], ["4012345678909"] * 3, PinError, "pin[1]"),
    (["1234", "5678", "9012"], ["4012345678909", "4012345678909", "40123"], PanError, "pan[2]"),
    (["1234", "5678"], ["4012345678909"], DataError, "pans"),
    ("1234", ["4012345678909"] * 4, DataError, "pins"),
])
def test_encipher_refusals_name_the_item(pins: list[str], pans: list[str], error: type[Exception], field: str) -> None:
    with pytest.raises(error) as info:
        encipher_many(TDES, pins, pans)
    assert info.value.field == field  # type: ignore[attr-defined]
    assert "4012345678909" not in str(info.value) and "12a4" not in str(info.value)


def test_decipher_refusals_name_the_item() -> None:
    pans = ["4012345678909", "4111111111111111", "5500000000000004"]
    blocks = encipher_many(TDES, ["1234", "5678", "9012"], pans)
    with pytest.raises(PinBlockError) as info:
        decipher_many(TDES, [blocks[0], "ZZ" * 8, blocks[2]], pans)
    assert info.value.field == "PIN block[1]"
    with pytest.raises(PinBlockError) as info:  # block 2 under the wrong PAN: its checks fail after decipherment
        decipher_many(TDES, blocks, [pans[0], pans[1], pans[0]])
    assert info.value.field.endswith("[2]") and "wrong key or PAN" in str(info.value)
    with pytest.raises(PinBlockError) as info:  # format 1 binds no PAN: a wrong key is the only suspect
        decipher_many(bytes(range(16)), encipher_many(TDES, ["1234"], [None], format=1), [None], format=1)
    assert info.value.field.endswith("[0]") and "wrong key?" in str(info.value)


@pytest.mark.parametrize(("blocks", "pans", "field"), [
    ("0123456789ABCDEF", ["4012345678909"], "blocks"),         # one block where a sequence is asked
    (["0123456789ABCDEF"] * 2, "4012345678909", "blocks"),     # one PAN where a sequence is asked
    (["0123456789ABCDEF"] * 2, ["4012345678909"], "pans"),     # two blocks, one PAN
])
def test_decipher_refuses_unpaired_blocks_and_pans_before_anything_else(blocks: object, pans: object,
                                                                        field: str) -> None:
    # a mutation run showed this check could go unnoticed: without it, zip-like pairing would decipher
    # blocks under the wrong PAN or none
    with pytest.raises(DataError) as info:
        decipher_many(TDES, blocks, pans)  # type: ignore[arg-type]
    assert info.value.field == field
