"""TR-31 / X9.143 / ISO 20038 key blocks: round trips, psec both ways, fuzzing, bad inputs, KC/KP."""

from __future__ import annotations

import contextlib
import os

import psec.tr31 as peer
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinsec import kcv, tr31
from pinsec.errors import InvalidKeyError, KeyBlockHeaderError, KeyPolicyError, PinsecError, VerificationError

KBPK_AES = bytes.fromhex("88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6")  # TR-31:2018 A.7.4
KBPK_TDES = bytes.fromhex("89E88CF7931444F334BD7547FC3F380C")  # TR-31:2018 A.7.2.1
A74 = ("D0112P0AE00E0000B82679114F470F540165EDFBF7E250FCEA43F810D215F8D207E2E417"
       "C07156A27E8E31DA05F7425509593D03A457DC34")

CASES = [(v, kbpk_len, alg, key_len)
         for v, kbpk_lens in (("A", (16, 24)), ("B", (16, 24)), ("C", (16, 24)), ("D", (16, 24, 32)),
                              ("E", (16, 24, 32)))
         for kbpk_len in kbpk_lens
         for alg, key_lens in (("T", (16, 24)), ("A", (16, 24, 32)))
         for key_len in key_lens]


@pytest.mark.parametrize(("version", "kbpk_len", "alg", "key_len"), CASES,
                         ids=[f"{v}-kbpk{k}-{a}{n}" for v, k, a, n in CASES])
def test_round_trip_every_version_kbpk_and_key_length(version: str, kbpk_len: int, alg: str, key_len: int) -> None:
    kbpk, key = os.urandom(kbpk_len), os.urandom(key_len)
    block = tr31.wrap(kbpk, key, f"{version}0000P0{alg}B00E0000")
    assert int(block[1:5]) == len(block) and block[5:12] == f"P0{alg}B00E"
    header, back = tr31.unwrap(kbpk, block)
    assert back == key and header.version == version and header.key_usage is tr31.KeyUsage.PIN_ENCRYPTION


@pytest.mark.parametrize("version", list("ABCD"))
def test_key_length_is_obfuscated_by_default(version: str) -> None:
    kbpk = KBPK_AES if version == "D" else KBPK_TDES
    alg, sizes = ("A", (16, 24, 32)) if version == "D" else ("T", (16, 24))
    lengths = {len(tr31.wrap(kbpk, os.urandom(n), f"{version}0000K0{alg}B00E0000")) for n in sizes}
    assert len(lengths) == 1
    short = tr31.wrap(kbpk, os.urandom(16), f"{version}0000K0{alg}B00E0000", masked_key_length=16)
    assert len(short) < lengths.pop()


@pytest.mark.parametrize("version", list("ABCD"))
def test_differential_psec_unwraps_pinsec(version: str) -> None:
    kbpk = KBPK_AES if version == "D" else KBPK_TDES
    for n in (16, 24):
        key = os.urandom(n)
        header = f"{version}0000M3TC00E0000" if n == 16 else f"{version}0000P0TB00E0000"
        block = tr31.wrap(kbpk, key, header)
        _, back = peer.unwrap(kbpk, block)
        assert back == key


@pytest.mark.parametrize("version", list("ABCD"))
def test_differential_pinsec_unwraps_psec(version: str) -> None:
    kbpk = KBPK_AES if version == "D" else KBPK_TDES
    for header in (f"{version}0000P0TE00E0000", f"{version}0000B0TX12S0100KS1800604B120F9292800000"):
        key = os.urandom(16)
        block = peer.wrap(kbpk, header, key)
        h, back = tr31.unwrap(kbpk, block)
        assert back == key and h.key_version == header[9:11]


def test_optional_blocks_are_parsed_and_typed() -> None:
    h = tr31.Header.parse("B0120B0TX12S0200KS1800604B120F9292800000PB080000")
    assert [b.id for b in h.optional_blocks] == ["KS", "PB"]
    ks = h.block("KS")
    assert ks is not None and ks.data == "00604B120F9292800000"
    assert h.key_version == "12" and h.exportability is tr31.Exportability.SENSITIVE


def test_extended_length_optional_block_round_trip() -> None:
    label = "L" * 300
    block = tr31.wrap(KBPK_AES, os.urandom(16), tr31.Header.parse("D0000P0AB00E0000", template=True).with_blocks(
        tr31.OptionalBlock("LB", label)))
    header, _ = tr31.unwrap(KBPK_AES, block)
    lb = header.block("LB")
    assert lb is not None and lb.data == label
    assert "LB00040136" in block[:40]  # extended length: 00, length of the length (04), length 0x136


def test_kc_and_kp_blocks_are_written_and_checked() -> None:
    key = bytes.fromhex("3F419E1CB7079442AA37474C2EFBF8B8")
    block = tr31.wrap(KBPK_AES, key, "D0000P0TE00E0000", key_check="legacy", kbpk_check="cmac")
    # openemv/tr31 export test "Optional blocks KC and KP": header prefix with these check values.
    assert block.startswith("D0144P0TE00E0300KC0C0057C409KP10012331550BC9PB04")
    h, _ = tr31.unwrap(KBPK_AES, block)
    kc = h.block("KC")
    assert kc is not None and kc.data[2:] == kcv.legacy_kcv(key)


def test_kc_block_that_does_not_match_is_refused() -> None:
    forged = tr31.Header.parse("D0000P0TE00E0000", template=True).with_blocks(tr31.OptionalBlock("KC", "00000000"))
    block = tr31.wrap(KBPK_AES, os.urandom(16), forged)
    with pytest.raises(VerificationError) as info:
        tr31.unwrap(KBPK_AES, block)
    assert info.value.field == "optional_block_KC"


def test_lenient_accepts_documented_deviations() -> None:
    # A B0 key with mode V is outside X9.143's table (ISO 20038:2017 B.2 does it).
    with pytest.raises(KeyBlockHeaderError):
        tr31.wrap(KBPK_AES, os.urandom(16), "E0000B0TV16N0000")
    block = tr31.wrap(KBPK_AES, os.urandom(16), "E0000B0TV16N0000", lenient=True)
    with pytest.raises(KeyBlockHeaderError):
        tr31.unwrap(KBPK_AES, block)
    assert tr31.unwrap(KBPK_AES, block, lenient=True)[0].mode_of_use is tr31.ModeOfUse.VERIFY_ONLY


# ------------------------------------------------------------------------------------------- bad input

BAD = [
    ("version F", "F0112P0AE00E0000" + A74[16:], KeyBlockHeaderError, "version"),
    ("length not digits", "D01X2P0AE00E0000" + A74[16:], KeyBlockHeaderError, "length"),
    ("length mismatch", "D0113P0AE00E0000" + A74[16:], KeyBlockHeaderError, "length"),
    ("unknown usage", "D0112Z9AE00E0000" + A74[16:], KeyBlockHeaderError, "key_usage"),
    ("unknown algorithm", "D0112P0QE00E0000" + A74[16:], KeyBlockHeaderError, "algorithm"),
    ("unknown mode", "D0112P0AZ00E0000" + A74[16:], KeyBlockHeaderError, "mode_of_use"),
    ("disallowed combination", "D0112P0AX00E0000" + A74[16:], KeyBlockHeaderError, "mode_of_use"),
    ("bad key version", "D0112P0AE0*E0000" + A74[16:], KeyBlockHeaderError, "key_version"),
    ("unknown exportability", "D0112P0AE00Q0000" + A74[16:], KeyBlockHeaderError, "exportability"),
    ("optional block count not digits", "D0112P0AE00EX000" + A74[16:], KeyBlockHeaderError, "optional_blocks"),
    ("missing optional block", "D0112P0AE00E0100" + A74[16:], KeyBlockHeaderError, None),
    ("reserved byte", "D0112P0AE00E0009" + A74[16:], KeyBlockHeaderError, "reserved"),
    ("truncated header", "D0112P0AE00", KeyBlockHeaderError, "header"),
    ("truncated block", A74[:-2], KeyBlockHeaderError, "length"),
    ("tampered header", A74[:11] + "S" + A74[12:], VerificationError, "mac"),
    ("tampered ciphertext", A74[:20] + ("0" if A74[20] != "0" else "1") + A74[21:], VerificationError, "mac"),
    ("tampered MAC", A74[:-1] + ("0" if A74[-1] != "0" else "1"), VerificationError, "mac"),
    ("lowercase hex", A74[:16] + A74[16:].lower(), KeyBlockHeaderError, "key_data"),
    ("non-hex body", A74[:16] + "Z" + A74[17:], KeyBlockHeaderError, "key_data"),
    ("non-ASCII", A74[:20] + "é" + A74[21:], KeyBlockHeaderError, "header"),
]


@pytest.mark.parametrize(("block", "error", "field"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_blocks(block: str, error: type[Exception], field: str | None) -> None:
    with pytest.raises(error) as info:
        tr31.unwrap(KBPK_AES, block)
    assert type(info.value) is error
    if field is not None:
        assert getattr(info.value, "field", None) == field or (field in str(getattr(info.value, "field", "")))
    assert "3F419E1CB7079442" not in str(info.value).upper()


def test_bad_optional_blocks() -> None:
    for header, field in (
        ("D0000P0AE00E0100KS0500000000000", "optional_block_KS"),  # KS not hex
        ("D0000P0AE00E0100KC0A01ZZZZZZ0000", "optional_block_KC"),
        ("D0000P0AE00E0200PB080000KS1800604B120F9292800000", "optional_block_PB"),  # PB not last
        ("D0000P0AE00E0100QQ0800000000", "optional_block_QQ"),  # unknown ID
        ("D0000P0AE00E0100TS1320230101Z", "optional_block_TS"),
    ):
        with pytest.raises(KeyBlockHeaderError) as info:
            tr31.Header.parse(header, template=True)
        assert info.value.field == field, header


def test_kbpk_must_match_the_version() -> None:
    with pytest.raises(KeyPolicyError):
        tr31.wrap(KBPK_AES, os.urandom(16), "B0000P0TE00E0000")
    with pytest.raises(KeyPolicyError):
        tr31.unwrap(bytes(8), A74)  # no AES key is 8 bytes
    with pytest.raises(InvalidKeyError):
        tr31.wrap(KBPK_AES, os.urandom(10), "D0000P0AE00E0000")


def test_wrong_kbpk_is_a_verification_error() -> None:
    with pytest.raises(VerificationError):
        tr31.unwrap(bytes(32), A74)


# --------------------------------------------------------------------------------------------- fuzzing


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=0, max_size=200))
def test_random_text_only_raises_pinsec_errors(text: str) -> None:
    with contextlib.suppress(PinsecError):
        tr31.Header.parse(text)
    with contextlib.suppress(PinsecError):
        tr31.unwrap(KBPK_AES, text)


@settings(max_examples=300)
@given(data=st.data())
def test_mutated_blocks_never_yield_a_key(data: st.DataObject) -> None:
    pos = data.draw(st.integers(0, len(A74) - 1))
    char = data.draw(st.sampled_from("0123456789ABCDEFPTEDXNBKM"))
    mutated = A74[:pos] + char + A74[pos + 1 :]
    if mutated == A74:
        return
    with pytest.raises(PinsecError):
        tr31.unwrap(KBPK_AES, mutated)


@settings(max_examples=150)
@given(data=st.data())
def test_cut_or_extended_blocks_never_yield_a_key(data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(A74) - 1))
    extra = data.draw(st.text("0123456789ABCDEF", max_size=40))
    for candidate in (A74[:cut], A74 + extra if extra else A74[:-1]):
        with pytest.raises(PinsecError):
            tr31.unwrap(KBPK_AES, candidate)
