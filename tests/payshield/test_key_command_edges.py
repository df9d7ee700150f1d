"""The key management commands' edges, from a mutation pass (docs/testing.md): every one read to its last
field, the flags and options each takes, triple-length keys, the key-block A0's algorithms, and which key
a parity error names. Requests are built on the ThalesSim values in tests/payshield/vectors.py; expected
answers are derived from those (a triple-length ZMK or TMK here is made with pinsec's variant LMK module,
which tests/payshield/test_known_answers.py checks against ThalesSim's cryptograms)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pinsec.backends.software import adjust_parity
from pinsec.payshield import PayShieldServer, make_hsm, running
from pinsec.variant_lmk import TEST_LMK, VariantLmk, unwrap_under, wrap_under

from . import vectors as v
from .client import Client

LMK = VariantLmk.test()
TRIPLE = adjust_parity(bytes.fromhex("0123456789ABCDEFFEDCBA987654321089ABCDEF01234567"))


def _broken(cryptogram: str) -> str:
    """The same cryptogram with its last hex digit changed: it no longer decrypts to odd parity."""
    return cryptogram[:-1] + ("0" if cryptogram[-1] != "0" else "1")


@pytest.mark.parametrize("request_text", [
    "A00002U", f"A01002U;0{v.ZMK}X", f"A6{v.A6[0]}", f"A8{v.A8[0]}", f"FA{v.ZMK}{v.ZPK_UNDER_ZMK}",
    f"GC{v.ZMK}{v.ZPK};UU1", f"IA{v.ZMK};UU1", f"FI0{v.ZMK};UU1", f"KA{v.ZPK}01", f"HC{v.TPK};UU0",
    f"HA{v.TPK};UU0", "BI;0U0", f"B0001{v.ZPK}X", f"AE{v.AE[0]}",
])
def test_each_key_command_reads_to_its_last_field(client: Client, request_text: str) -> None:
    assert client.call(request_text)[1] == "00", request_text[:2]
    assert client.call(request_text + "7")[1] == "15", request_text[:2]


def test_a0_mode_and_the_zmk_tmk_flag(client: Client) -> None:
    assert client.call("A02002U")[1] == "15"                       # mode 0 or 1
    plain, flagged = client.call(f"A8{v.A8[0]}"), client.call(f"A8002;0{v.A8[0][3:]}")
    assert plain == flagged and plain[1] == "00"                   # A8's ;0 is the ZMK, as without it
    assert client.call(f"A8002;2{v.A8[0][3:]}")[1] == "15"        # 0 ZMK, 1 TMK
    assert client.call(f"A8002{v.ZMK}{_broken(v.A8[0][37:70])}U")[1] == "11"  # the key's parity: the second key


@pytest.mark.parametrize("algorithm", ["T2", "T3", "A1", "A2", "A3"])
def test_a0_generates_key_blocks_of_every_algorithm(tmp_path: Path, algorithm: str) -> None:
    lmk = tmp_path / "lmk.hex"
    lmk.write_text("00112233445566778899AABBCCDDEEFF0123456789ABCDEFFEDCBA9876543210\n")
    lmk.chmod(0o600)
    secret = VariantLmk([bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")] + [bytes.fromhex(p) for p in TEST_LMK[1:]])
    with running(PayShieldServer(make_hsm(secret, lmk_file=lmk))) as at, Client((at.host, at.port)) as c:
        rc, err, out = c.call(f"A00FFFS#K0{algorithm}B00E00")
        assert (rc, err, out[6:10]) == ("A1", "00", f"K0{algorithm[0]}B")
        block, kcv = out[:-6], out[-6:]
        length = {"T2": "1", "T3": "2", "A1": "1", "A2": "2"}.get(algorithm)
        if length is not None:  # BU checks the key's length and gives its check value (6 H)
            assert c.call(f"BU00{length}{block};001") == ("BV", "00", kcv)
        for bad in (f"A01FFFS#K0{algorithm}B00E00", f"A00001S#K0{algorithm}B00E00", f"A00FFFSK0{algorithm}B00E00",
                    f"A00FFFS#K0{algorithm}B00E01", f"A00FFFS#K0{algorithm}B00E00X"):
            assert c.call(bad)[1] == "15", bad


def test_bu_takes_a_triple_length_key(client: Client) -> None:
    key = wrap_under(LMK.kek("001"), TRIPLE, "T")
    assert client.call(f"BU012{key}")[1] == "00"
    assert client.call(f"BU011{key}")[1] == "27"


def test_a_single_length_key_under_a_zmk_is_refused(client: Client) -> None:
    zpk = unwrap_under(LMK.kek("001"), v.ZPK)[1]
    zmk = unwrap_under(LMK.kek("000"), v.ZMK)[1]
    single = wrap_under(zmk, zpk[:8], "Z")  # 16 hex digits without a scheme letter
    assert client.call(f"FA{v.ZMK}{single}")[1] == "27"


def test_generated_keys_go_out_in_the_schemes_asked_for(client: Client) -> None:
    rc, err, out = client.call(f"IA{v.ZMK};XU1")
    assert (rc, err, out[0], out[33]) == ("IB", "00", "X", "U")
    tzmk = wrap_under(LMK.kek("000"), TRIPLE, "T")  # a triple-length key needs a KEK as strong
    rc, err, out = client.call(f"IA{tzmk};TT1")
    assert (rc, err, out[0], out[49], len(out)) == ("IB", "00", "T", "T", 49 + 49 + 6)
    assert unwrap_under(TRIPLE, out[:49])[1] == unwrap_under(LMK.kek("001"), out[49:98])[1]
    ttmk = wrap_under(LMK.kek("002"), TRIPLE, "T")
    rc, err, out = client.call(f"HC{ttmk};TT0")
    assert (rc, err, len(out)) == ("HD", "00", 98)
    assert unwrap_under(TRIPLE, out[:49])[1] == unwrap_under(LMK.kek("002"), out[49:])[1]
