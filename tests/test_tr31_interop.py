"""Key blocks other systems write: read them all in lenient mode, refuse what the standard forbids in strict
mode (naming the field), and never write what cannot be read back.

Rules cited per test: ANSI X9.143:2021 (6.2 Table 1 header and optional block framing, 6.3.1-6.3.6 the
tables, 6.3.6.2 Table 9 BI, 6.3.6.5 Table 13 HM, 6.3.6.13-14 TC / TS), ISO/IEC 9797-1:2011 6.3.3 (padding
method 3). The literal blocks below were made by pinsec's own ``wrap`` under the published TR-31:2018 A.7.4
KBPK as parsing fixtures (what a stored block from another system looks like on disk); they are not
vectors: the round-trip tests around them check the values.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

import psec.mac
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pinsec import kcv, mac, tr31
from pinsec.errors import DataError, KeyBlockHeaderError, VerificationError

KBPK = bytes.fromhex("88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6")  # TR-31:2018 A.7.4
KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
IBM_PROPRIETARY = ("D011210T100N000050E3FCA6DBFF2DDD81025D061BAADCF373E42F073AA1DABDCD870680B33C24C96C18B7BE89DD70"
                   "366198B48DEDEBB320")  # usage 10, mode 1: IBM CCA's proprietary usage
GBIC_KS = ("D0128P0TB00E0100KS10DE#GBIC#OPT1C00B11002AEBE2AB4E4016983D816C99EBE19BD55C2188F0E4BE96D20BA529F9B0D4D"
           "8C2239091DAF25D8030B3D1336E")  # a KS block holding a German banking profile's text
EXTENDED_TS = ("D0144P0TB00E0200TS1C2023-01-01T12:30:00.123ZPB043B6307782310F2931F4F41435FC77B3BB14A6E296D0E9ADBE3"
               "FA4BEE7303F4103EF438C0A26150CD2EADB72BFFDE7C31")  # an ISO 8601 extended time stamp


def _round_trip(header: str, *, lenient: bool = False) -> tr31.Header:
    block = tr31.wrap(KBPK, KEY, header, lenient=lenient)
    h, key = tr31.unwrap(KBPK, block, lenient=lenient)
    assert key == KEY
    return h


# --------------------------------------------------------------------------------- BI (Table 9)

def test_bi_holds_a_5_byte_ksi_or_a_4_byte_bdk_id() -> None:
    for data in ("00" + "FFFF987654", "01" + "12345678"):
        h = _round_trip(f"D0000B0TX00N0100BI{4 + len(data):02X}{data}")
        assert h.block("BI") == tr31.OptionalBlock("BI", data)
    for data in ("00" + "FFFF9876543210E00000", "01" + "1234567890123456"):  # the lengths pinsec wrongly took
        with pytest.raises(KeyBlockHeaderError) as info:
            tr31.wrap(KBPK, KEY, f"D0000B0TX00N0100BI{4 + len(data):02X}{data}")
        assert info.value.field == "optional_block_BI"


# ---------------------------------------------------------------------- the optional block count

def test_more_than_99_optional_blocks_is_refused_not_written() -> None:
    blocks = [tr31.OptionalBlock(f"{i:02d}", "x") for i in range(1, 100)]
    h = tr31.Header.parse("D0000P0TB00E0000", template=True)
    with pytest.raises(KeyBlockHeaderError) as info:
        h.with_blocks(*blocks, tr31.OptionalBlock("LB", "one too many"))
    assert info.value.field == "optional_blocks"
    full = h.with_blocks(*blocks)  # 99 blocks: wrap would need a PB block as the 100th
    with pytest.raises(KeyBlockHeaderError) as info:
        tr31.wrap(KBPK, KEY, full)
    assert info.value.field == "optional_blocks"


def test_99_blocks_that_need_no_padding_are_written_and_read() -> None:
    # 16 + 99 blocks of 16 characters each is a multiple of 16: no PB block, so 99 fits the 2-digit count
    blocks = [tr31.OptionalBlock(f"{i:02d}", "x" * 12) for i in range(1, 100)]
    h = tr31.Header.parse("D0000P0TB00E0000", template=True).with_blocks(*blocks)
    block = tr31.wrap(KBPK, KEY, h)
    assert block[12:14] == "99"
    assert len(tr31.unwrap(KBPK, block)[0].optional_blocks) == 99


# ---------------------------------------------------------------------------- TS and TC (6.3.6.13-14)

@pytest.mark.parametrize(("text", "expected"), [
    ("20230101123000Z", datetime(2023, 1, 1, 12, 30, tzinfo=timezone.utc)),
    ("20230101123000.5Z", datetime(2023, 1, 1, 12, 30, 0, 500000, tzinfo=timezone.utc)),
    ("20230101123000.123456789Z", datetime(2023, 1, 1, 12, 30, 0, 123456, tzinfo=timezone.utc)),
    ("2023-01-01T12:30:00Z", datetime(2023, 1, 1, 12, 30, tzinfo=timezone.utc)),
    ("2023-01-01T12:30:00.123Z", datetime(2023, 1, 1, 12, 30, 0, 123000, tzinfo=timezone.utc)),
    ("230101123000Z", datetime(2023, 1, 1, 12, 30, tzinfo=timezone.utc)),
])
@pytest.mark.parametrize("block_id", ["TS", "TC"])
def test_time_stamps_in_every_form_are_read_and_kept_byte_for_byte(block_id: str, text: str,
                                                                   expected: datetime) -> None:
    h = _round_trip(f"D0000P0TB00E0100{block_id}{4 + len(text):02X}{text}")
    block = h.block(block_id)
    assert block is not None and block.data == text and block.time == expected
    again = tr31.wrap(KBPK, KEY, h)  # re-wrapping keeps the original text
    assert f"{block_id}{4 + len(text):02X}{text}" in again


@pytest.mark.parametrize("text", ["2023-13-01T12:30:00Z", "20230230123000Z", "2023-01-01 12:30:00Z",
                                  "2023-01-01T12:30:00", "20230101123000.Z", "2023-01-01T25:00:00Z"])
def test_a_time_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(KeyBlockHeaderError) as info:
        tr31.Header.parse(f"D0000P0TB00E0100TS{4 + len(text):02X}{text}", template=True)
    assert info.value.field == "optional_block_TS"


def test_an_extended_time_stamp_block_from_disk() -> None:
    h, key = tr31.unwrap(KBPK, EXTENDED_TS)
    assert key == KEY and h.block("TS").time == datetime(2023, 1, 1, 12, 30, 0, 123000,  # type: ignore[union-attr]
                                                         tzinfo=timezone.utc)


# ---------------------------------------------------------------------------- codes of the tables

def test_v5_and_the_shake_hmac_hashes_are_known() -> None:
    assert _round_trip("D0000V5AC00E0000").key_usage is tr31.KeyUsage.PIN_VERIFICATION_X9132_ALG3
    for code in ("40", "41"):  # SHAKE128, SHAKE256 (Table 13)
        assert _round_trip(f"D0000M7HC00E0100HM06{code}").block("HM") == tr31.OptionalBlock("HM", code)


@pytest.mark.parametrize(("header", "field"), [
    ("D000010T100N0000", "key_usage"),     # IBM CCA: usage 10 (proprietary), mode 1
    ("D0000P0TB00E0000".replace("TB", "T7"), "mode_of_use"),  # a numeric (proprietary) mode
    ("D0000M7IC00E0000", "algorithm"),     # an algorithm letter newer than the tables pinsec knows
    ("D0000Q7TB00E0000", "key_usage"),     # a usage newer than the tables
    ("D0000P0TB00X0000", "exportability"),
])
def test_unrecognised_values_strict_names_the_field_lenient_reads_and_rewraps(header: str, field: str) -> None:
    with pytest.raises(KeyBlockHeaderError) as info:
        tr31.wrap(KBPK, KEY, header)
    assert info.value.code == "unknown_value" and info.value.field == field and "lenient" in str(info.value)
    block = tr31.wrap(KBPK, KEY, header, lenient=True)
    with pytest.raises(KeyBlockHeaderError) as info:
        tr31.unwrap(KBPK, block)
    assert info.value.field == field
    h, key = tr31.unwrap(KBPK, block, lenient=True)
    assert key == KEY and block[5:12] == header[5:12]
    assert tr31.wrap(KBPK, key, h, lenient=True)[:16] == block[:16]


def test_ibm_proprietary_block_from_disk() -> None:
    with pytest.raises(KeyBlockHeaderError):
        tr31.unwrap(KBPK, IBM_PROPRIETARY)
    h, key = tr31.unwrap(KBPK, IBM_PROPRIETARY, lenient=True)
    assert (h.key_usage.value, h.key_usage.recognised, h.mode_of_use.value, key) == ("10", False, "1", KEY)


def test_proprietary_text_in_a_defined_block_from_disk() -> None:
    with pytest.raises(KeyBlockHeaderError) as info:
        tr31.unwrap(KBPK, GBIC_KS)
    assert info.value.field == "optional_block_KS"
    h, key = tr31.unwrap(KBPK, GBIC_KS, lenient=True)
    assert key == KEY and h.block("KS") == tr31.OptionalBlock("KS", "DE#GBIC#OPT1")


def test_malformed_values_stay_refused_even_lenient() -> None:
    for header in ("D0000p0TB00E0000", "D0000P0tB00E0000", "D0000P0T#00E0000", "D0000P0TB00e0000"):
        with pytest.raises(KeyBlockHeaderError):
            tr31.Header.parse(header, template=True, lenient=True)


# ----------------------------------------------------------------- boundary lengths and round trips

@pytest.mark.parametrize("size", [0, 1, 251, 252, 253, 1000, 4000])
def test_optional_block_lengths_at_the_boundaries(size: int) -> None:
    # 4 + 251 = FF is the longest short length; from 252 on the block takes an extended length (Table 1)
    data = "L" * size
    h = tr31.Header.parse("D0000P0TB00E0000", template=True).with_blocks(tr31.OptionalBlock("LB", data))
    block = tr31.wrap(KBPK, KEY, h)
    assert (block[16:20] == "LB00") == (size > 251)
    assert tr31.unwrap(KBPK, block)[0].block("LB") == tr31.OptionalBlock("LB", data)


_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_printable = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)


@settings(max_examples=150, deadline=None)
@given(usage=st.text(_ALNUM, min_size=2, max_size=2), algorithm=st.sampled_from("ATHDE" + "IJ19"),
       mode=st.text(_ALNUM, min_size=1, max_size=1), version=st.text(_ALNUM, min_size=2, max_size=2),
       exportability=st.sampled_from("ENS7"),
       blocks=st.lists(st.tuples(st.text(_ALNUM, min_size=2, max_size=2).filter(lambda i: i != "PB"), _printable),
                       max_size=5, unique_by=lambda b: b[0]))
def test_every_header_lenient_accepts_round_trips(usage: str, algorithm: str, mode: str, version: str,
                                                  exportability: str, blocks: list[tuple[str, str]]) -> None:
    text = f"D0000{usage}{algorithm}{mode}{version}{exportability}{len(blocks):02d}00" + "".join(
        tr31.optional_blocks.render_block(tr31.OptionalBlock(i, d)) for i, d in blocks)
    try:
        h = tr31.Header.parse(text, template=True, lenient=True)
    except KeyBlockHeaderError:
        return  # not well-formed: lenient need not read it
    key = os.urandom(16)
    block = tr31.wrap(KBPK, key, h, lenient=True)
    back, out = tr31.unwrap(KBPK, block, lenient=True)
    assert out == key
    assert block[5:12] == text[5:12]
    assert [(b.id, b.data) for b in back.optional_blocks if b.id != "PB"] == blocks


# ---------------------------------------------------------------------------- MAC padding method 3

@given(key=st.binary(min_size=16, max_size=16), data=st.binary(min_size=1, max_size=40))
def test_padding_method_3_matches_psec(key: bytes, data: bytes) -> None:
    assert mac.pad(data, 3) == psec.mac.pad_iso_3(data)
    assert mac.cbc_mac(key, data, padding=3) == psec.mac.generate_cbc_mac(key, data, 3)
    assert mac.retail_mac(key, data, padding=3) == psec.mac.generate_retail_mac(key[:8], key[8:], data, 3)
    mac.verify_retail_mac(key, data, mac.retail_mac(key, data, padding=3), padding=3)


def test_padding_method_3_of_an_empty_message_is_the_length_block_alone() -> None:
    # ISO/IEC 9797-1:2011 6.3.3: "as few (possibly none)" zero bits; the length block L of 0 bits comes first
    assert mac.pad(b"", 3) == bytes(8)
    assert mac.pad(b"\x01" * 8, 3) == (64).to_bytes(8, "big") + b"\x01" * 8
    with pytest.raises(DataError):
        mac.pad(b"x", 4)


_TYPED_SAMPLES = {  # one valid data value per defined block (X9.143:2021 6.3.6.x), round-tripped through wrap
    "AL": "0101", "BI": "000123456789", "CT": "00ABCDEF", "DA": "01P0TEN", "FL": "00", "HM": "21",
    "IK": "1234567890123456", "KC": "01" + kcv.kcv(KEY, algorithm="T", method="cmac"),
    "KP": "01" + kcv.cmac_kcv(KBPK), "KS": "FFFF9876543210E00000",
    "KV": "1000", "LB": "label", "PK": "00ABCDEF", "TC": "2023-01-01T12:30:00Z", "TS": "20230101123000Z",
    "WP": "003",
}


@pytest.mark.parametrize("block_id", sorted(_TYPED_SAMPLES))
def test_every_defined_block_type_round_trips(block_id: str) -> None:
    data = _TYPED_SAMPLES[block_id]
    h = tr31.Header.parse("D0000P0TB00E0000", template=True).with_blocks(tr31.OptionalBlock(block_id, data))
    back = tr31.unwrap(KBPK, tr31.wrap(KBPK, KEY, h))[0]
    assert back.block(block_id) == tr31.OptionalBlock(block_id, data)


def test_lenient_still_checks_a_well_formed_kc_block_and_reads_a_foreign_one() -> None:
    h = tr31.Header.parse("D0000P0TB00E0000", template=True)
    right = tr31.OptionalBlock("KC", "01" + kcv.kcv(KEY, algorithm="T", method="cmac"))
    wrong = tr31.OptionalBlock("KC", "01" + "0" * 10)
    foreign = tr31.OptionalBlock("KC", "VENDOR-KCV-7")  # another profile's text in KC
    assert tr31.unwrap(KBPK, tr31.wrap(KBPK, KEY, h.with_blocks(right)), lenient=True)[1] == KEY
    with pytest.raises(VerificationError):  # lenient reads more, it does not check less
        tr31.unwrap(KBPK, tr31.wrap(KBPK, KEY, h.with_blocks(wrong)), lenient=True)
    block = tr31.wrap(KBPK, KEY, h.with_blocks(foreign), lenient=True)
    with pytest.raises(KeyBlockHeaderError):
        tr31.unwrap(KBPK, block)
    assert tr31.unwrap(KBPK, block, lenient=True)[0].block("KC") == foreign
    # an algorithm outside the tables: its KC cannot be computed, so it is carried, not checked
    odd = tr31.Header.parse("D0000M7IC00E0000", template=True, lenient=True).with_blocks(
        tr31.OptionalBlock("KC", "01" + "0" * 10))
    assert tr31.unwrap(KBPK, tr31.wrap(KBPK, KEY, odd, lenient=True), lenient=True)[1] == KEY
