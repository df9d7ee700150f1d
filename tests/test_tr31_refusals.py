"""Every refusal of TR-31 / X9.143 parsing and unwrapping, each reached by a block that is valid but for the
one thing under test (so a deleted check cannot hide behind an earlier one). Field rules: ANSI X9.143:2021
section 6 (header, optional blocks and their formats), TR-31:2018 the same; the rows name the rule.
"""

from __future__ import annotations

import os

import pytest

from pinsec import kcv, tr31
from pinsec.errors import KeyBlockHeaderError, VerificationError

KBPK_AES = bytes.fromhex("88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6")  # TR-31:2018 A.7.4
KBPK_TDES = bytes.fromhex("89E88CF7931444F334BD7547FC3F380C")  # TR-31:2018 A.7.2
BASE = "D0000P0AE00E"


def blk(block_id: str, data: str) -> str:
    return f"{block_id}{4 + len(data):02X}{data}"


def header(*blocks: str) -> str:
    return f"{BASE}{len(blocks):02d}00{''.join(blocks)}"


GOOD_BLOCKS = [
    blk("KS", "00604B120F9292800000"), blk("IK", "0123456789ABCDEF"), blk("KC", "00ABCDEF"),
    blk("KP", "01ABCDEF0123"), blk("BI", "00" + "0123456789"), blk("BI", "01" + "01234567"),
    blk("TS", "20230101120000Z"), blk("TC", "20230101120000.123456Z"), blk("TS", "230101120000Z"),
    blk("DA", "01P0AEN" + "M3TCN"), blk("WP", "003"), blk("HM", "21"), blk("LB", "a label ~!"),
    blk("01", "anything proprietary"), "LB" + "0002" + "0A" + "x" * 4,  # an extended length, 2 digits wide
]


@pytest.mark.parametrize("block", GOOD_BLOCKS)
def test_each_valid_optional_block_parses(block: str) -> None:
    h = tr31.Header.parse(header(block), template=True)
    assert len(h.optional_blocks) == 1


BAD_BLOCKS = [
    # (why, the one bad block or blocks, field); X9.143:2021 6.3 formats per block ID
    ("KS not hex", [blk("KS", "00604B120F929280000Z")], "KS"),
    ("KS odd digits", [blk("KS", "00604B120F929280000")], "KS"),
    ("IK 15 digits", [blk("IK", "0123456789ABCDE")], "IK"),
    ("IK 18 digits", [blk("IK", "0123456789ABCDEF01")], "IK"),
    ("IK lowercase", [blk("IK", "0123456789abcdef")], "IK"),
    ("KC version 02", [blk("KC", "02ABCDEF")], "KC"),
    ("KC 12 digits", [blk("KC", "00ABCDEF012345")], "KC"),
    ("KC 2 digits", [blk("KC", "00AB")], "KC"),
    ("KP not hex", [blk("KP", "01ABCDEFGH")], "KP"),
    ("BI type 02", [blk("BI", "02" + "0123456789ABCDEF")], "BI"),
    # X9.143:2021 6.3.6.2 Table 9: a 5-byte KSI (10 digits), a 4-byte BDK ID (8 digits)
    ("BI KSI 20 digits", [blk("BI", "00" + "0123456789ABCDEF0123")], "BI"),
    ("BI KSI 8 digits", [blk("BI", "00" + "01234567")], "BI"),
    ("BI BDK ID 16 digits", [blk("BI", "01" + "0123456789ABCDEF")], "BI"),
    ("BI BDK ID 10 digits", [blk("BI", "01" + "0123456789")], "BI"),
    ("TS without Z", [blk("TS", "20230101120000")], "TS"),
    ("TS month 13", [blk("TS", "20231301120000Z")], "TS"),
    ("TC letters", [blk("TC", "2023O101120000Z")], "TC"),
    ("DA version 02", [blk("DA", "02P0AEN")], "DA"),
    ("DA short group", [blk("DA", "01P0AE")], "DA"),
    ("DA unknown usage", [blk("DA", "01Z9AEN")], "DA"),
    ("DA unknown mode", [blk("DA", "01P0AQN")], "DA"),
    ("WP version 01", [blk("WP", "013")], "WP"),
    ("WP pedigree 4", [blk("WP", "004")], "WP"),
    ("HM unknown hash", [blk("HM", "11")], "HM"),
    ("LB not printable", [blk("LB", "tab\there")], "LB"),
    ("LB DEL character", [blk("LB", "del\x7f")], "LB"),
    ("ID lowercase", [blk("lb", "label")], "lb"),
    ("ID with a symbol", [blk("L-", "label")], "L-"),
    ("unknown ID", [blk("QQ", "data")], "QQ"),
    ("length not hex", ["LB0Zdata"], "LB"),
    ("length shorter than the block head", ["LB03data"], "LB"),
    ("length past the header", ["LB20data"], "LB"),
    ("extended length of width 0", ["LB0000" + "data"], "LB"),
    ("extended width not hex", ["LB000G" + "0Axxxx"], "LB"),
    ("extended length not hex", ["LB0002" + "0Gxxxx"], "LB"),
    ("extended length truncated", ["LB0004" + "00"], "LB"),
    ("PB not last", [blk("PB", "0000"), blk("LB", "x")], "PB"),
    ("the same ID twice", [blk("LB", "a"), blk("LB", "b")], "optional_blocks"),
]


@pytest.mark.parametrize(("blocks", "field"), [b[1:] for b in BAD_BLOCKS], ids=[b[0] for b in BAD_BLOCKS])
def test_each_bad_optional_block_is_refused(blocks: list[str], field: str) -> None:
    with pytest.raises(KeyBlockHeaderError) as info:
        tr31.Header.parse(header(*blocks), template=True)
    assert info.value.code == "bad_optional_block"
    assert info.value.field in (f"optional_block_{field}", field)


def test_lenient_reads_every_well_framed_block_as_it_is() -> None:
    assert tr31.Header.parse(header(blk("QQ", "data")), template=True, lenient=True).block("QQ") is not None
    assert len(tr31.Header.parse(header(blk("LB", "a"), blk("LB", "b")), template=True, lenient=True)
               .optional_blocks) == 2
    # a proprietary profile's text in a defined block (German banking profiles write KS = DE#GBIC#OPT1)
    h = tr31.Header.parse(header(blk("KS", "DE#GBIC#OPT1")), template=True, lenient=True)
    assert h.block("KS") == tr31.OptionalBlock("KS", "DE#GBIC#OPT1")
    for framing in (["LB0Zdata"], ["LB20data"], [blk("LB", "tab\there")]):  # framing and printable ASCII stay
        with pytest.raises(KeyBlockHeaderError):
            tr31.Header.parse(header(*framing), template=True, lenient=True)


def test_a_count_that_promises_more_blocks_than_there_are() -> None:
    with pytest.raises(KeyBlockHeaderError) as info:
        tr31.Header.parse(f"{BASE}0200{blk('LB', 'only one')}", template=True)
    assert info.value.field == "optional_blocks"


@pytest.mark.parametrize("count", [10, 12, 23])
def test_ten_or_more_optional_blocks_round_trip(count: int) -> None:
    # The block count is two decimal digits (X9.143 6.2, header bytes 12-13): 10 and more must parse.
    blocks = [tr31.OptionalBlock(f"{i:02d}", f"proprietary {i}") for i in range(1, count + 1)]
    h = tr31.Header.parse("D0000P0AE00E0000", template=True).with_blocks(*blocks)
    key = os.urandom(16)
    block = tr31.wrap(KBPK_AES, key, h)
    assert block[12:14] == f"{count + 1:02d}"  # the blocks and the PB pad
    parsed, out = tr31.unwrap(KBPK_AES, block)
    assert out == key and [b.id for b in parsed.optional_blocks][:count] == [b.id for b in blocks]


# ------------------------------------------------------------------------------------------- unwrapping

def _fix_length(block: str) -> str:
    return block[0] + f"{len(block):04d}" + block[5:]


def test_encrypted_data_of_a_partial_cipher_block_is_refused_before_the_mac() -> None:
    block = tr31.wrap(KBPK_AES, os.urandom(16), "D0000P0AE00E0000")
    head, body = block[:16], block[16:-32]
    cut = _fix_length(head + body[:-2] + block[-32:])  # one byte short of whole AES blocks
    with pytest.raises(KeyBlockHeaderError) as info:
        tr31.unwrap(KBPK_AES, cut)
    assert info.value.code == "bad_key_data" and info.value.field == "key_data"
    tdes = tr31.wrap(KBPK_TDES, os.urandom(16), "B0000P0TE00E0000")
    cut = _fix_length(tdes[:16] + tdes[16:-16][:-2] + tdes[-16:])
    with pytest.raises(KeyBlockHeaderError) as info:
        tr31.unwrap(KBPK_TDES, cut)
    assert info.value.code == "bad_key_data"


@pytest.mark.parametrize(("algorithm", "length"), [("T", 12), ("T", 10), ("T", 32), ("A", 8), ("A", 20), ("A", 40)])
def test_a_key_length_the_algorithm_cannot_have_is_refused(algorithm: str, length: int) -> None:
    # TDES keys are 8 (legacy), 16 or 24 bytes, AES 16, 24 or 32.
    key = os.urandom(length)
    block = tr31.wrap(KBPK_AES, key, f"D0000P0{algorithm}E00E0000", lenient=True)
    with pytest.raises(KeyBlockHeaderError) as info:
        tr31.unwrap(KBPK_AES, block)
    assert info.value.field == "key_length"
    assert tr31.unwrap(KBPK_AES, block, lenient=True)[1] == key


@pytest.mark.parametrize("which", ["KC", "KP"])
def test_check_value_blocks_must_match(which: str) -> None:
    key = os.urandom(16)
    right = tr31.OptionalBlock(which, "01" + kcv.cmac_kcv(key if which == "KC" else KBPK_AES))
    h = tr31.Header.parse("D0000P0AE00E0000", template=True)
    assert tr31.unwrap(KBPK_AES, tr31.wrap(KBPK_AES, key, h.with_blocks(right)))[1] == key
    data = right.data[:-1] + ("0" if right.data[-1] != "0" else "1")
    with pytest.raises(VerificationError) as info:
        tr31.unwrap(KBPK_AES, tr31.wrap(KBPK_AES, key, h.with_blocks(tr31.OptionalBlock(which, data))))
    assert info.value.code == "kcv_mismatch" and info.value.field == f"optional_block_{which}"
