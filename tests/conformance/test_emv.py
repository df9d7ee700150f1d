"""ARQC verification and ARPC generation in the HSM, on every backend.

Expected cryptograms come from pyemv 1.5.0 (github:knovichikhin/pyemv), an independent implementation
(kd.derive_icc_mk_a, kd.derive_common_sk, ac.generate_ac with zero padding, ac.generate_arpc_1); its
documented option A example (issuer master key 0123456789ABCDEFFEDCBA9876543210, PAN 12345678901234567,
PSN 01 -> card key 73AD54688CEF2934B0979857E3C719F1) is the card used here.
"""

from __future__ import annotations

import pytest

import pinsec
from pinsec import KeyAttributes, emv
from pinsec.backends import Backend
from pinsec.errors import DataError, InvalidKeyError, KeyPolicyError, VerificationError

from .conftest import TDES_TEST_KEY

pyemv_ac = pytest.importorskip("pyemv.ac")
pyemv_kd = pytest.importorskip("pyemv.kd")

PAN, PSN = "12345678901234567", "01"
CARD_KEY = bytes.fromhex("73AD54688CEF2934B0979857E3C719F1")  # pyemv's documented derive_icc_mk_a example
ATC, UN, ARC = bytes.fromhex("001C"), bytes.fromhex("1A2B3C4D"), bytes.fromhex("3030")
# CDOL1-style data (amount, other amount, country, TVR, currency, date, type, UN, AIP, ATC, CVR)
DATA = bytes.fromhex("000000001000000000000000084000000000000840251201001A2B3C4D5800001C03A4A000")


def _ac(key: bytes) -> bytes:
    return pyemv_ac.generate_ac(key, DATA, padding_type=pyemv_ac.PaddingType.VISA)


@pytest.fixture
def imk(hsm: pinsec.Hsm) -> pinsec.KeyHandle:
    return hsm.import_clear_key(TDES_TEST_KEY, KeyAttributes("E0", "T", "X"))


def test_the_card_key_is_pyemvs() -> None:
    assert pyemv_kd.derive_icc_mk_a(TDES_TEST_KEY, PAN, PSN) == CARD_KEY


@pytest.mark.parametrize(("session_key", "card_session"), [
    ("none", lambda: CARD_KEY),
    ("common", lambda: pyemv_kd.derive_common_sk(CARD_KEY, ATC + bytes(6))),
    ("mastercard", lambda: pyemv_kd.derive_common_sk(CARD_KEY, ATC + bytes(2) + UN)),
])
def test_a_good_arqc_verifies_and_gets_its_arpc(hsm: pinsec.Hsm, imk: pinsec.KeyHandle, session_key: str,
                                                 card_session: object) -> None:
    arqc = _ac(card_session())  # type: ignore[operator]
    block = emv.pan_block(PAN, PSN)
    assert hsm.verify_arqc(imk, arqc, pan_block=block, data=DATA, session_key=session_key,  # type: ignore[arg-type]
                           atc=ATC, unpredictable_number=UN) is None
    arpc = hsm.verify_arqc(imk, arqc, pan_block=block, data=DATA, session_key=session_key,  # type: ignore[arg-type]
                           atc=ATC, unpredictable_number=UN, arc=ARC)
    assert arpc == pyemv_ac.generate_arpc_1(CARD_KEY, arqc, ARC)  # ARPC under the card key, as KQ gives it


@pytest.mark.parametrize("session_key", ["common", "mastercard"])
def test_an_arpc_under_the_session_key(hsm: pinsec.Hsm, imk: pinsec.KeyHandle, session_key: str) -> None:
    # pyemv's MasterCard CVN 20 (EMV CSK, ARPC method 1 under the session key) gives the expected ARPC for the
    # common session key, from its own card and session key derivation; Interac CVN 133 (MasterCard's session
    # key, ARPC under it) for MasterCard's
    pyemv_cvn = pytest.importorskip("pyemv.cvn")
    block = emv.pan_block(PAN, PSN)
    if session_key == "common":
        card = pyemv_cvn.MasterCardCVN20(TDES_TEST_KEY, TDES_TEST_KEY, TDES_TEST_KEY, PAN, PSN)
        arqc = _ac(pyemv_kd.derive_common_sk(CARD_KEY, ATC + bytes(6)))
        want = card.generate_arpc(tag_9f26=arqc, tag_9f36=ATC, arpc_rc=ARC)
    else:
        card = pyemv_cvn.InteracCVN133(TDES_TEST_KEY, TDES_TEST_KEY, TDES_TEST_KEY, PAN, PSN)
        arqc = _ac(pyemv_kd.derive_common_sk(CARD_KEY, ATC + bytes(2) + UN))
        want = card.generate_arpc(tag_9f26=arqc, tag_9f37=UN, tag_9f36=ATC, arpc_rc=ARC)
    got = hsm.verify_arqc(imk, arqc, pan_block=block, data=DATA, session_key=session_key,  # type: ignore[arg-type]
                          atc=ATC, unpredictable_number=UN, arc=ARC, arpc_key="session")
    assert got == want and got != pyemv_ac.generate_arpc_1(CARD_KEY, arqc, ARC)


def test_an_arpc_under_a_session_key_needs_one(hsm: pinsec.Hsm, imk: pinsec.KeyHandle) -> None:
    for session_key, arpc_key in (("none", "session"), ("common", "issuer")):
        with pytest.raises(DataError) as info:
            hsm.verify_arqc(imk, _ac(CARD_KEY), pan_block=emv.pan_block(PAN, PSN), data=DATA, atc=ATC,
                            session_key=session_key, arc=ARC, arpc_key=arpc_key)  # type: ignore[arg-type]
        assert info.value.field == "arpc_key"


@pytest.mark.parametrize("size", [1, 255])
def test_data_of_1_to_255_bytes(hsm: pinsec.Hsm, imk: pinsec.KeyHandle, size: int) -> None:
    data = bytes(range(size))
    arqc = pyemv_ac.generate_ac(CARD_KEY, data, padding_type=pyemv_ac.PaddingType.VISA)
    hsm.verify_arqc(imk, arqc, pan_block=emv.pan_block(PAN, PSN), data=data)


def test_the_default_state_verifies_too(backend: Backend, hsm: pinsec.Hsm, imk: pinsec.KeyHandle) -> None:
    production = pinsec.Hsm(backend)
    production.verify_arqc(imk, _ac(CARD_KEY), pan_block=emv.pan_block(PAN, PSN), data=DATA)


@pytest.mark.parametrize("change", ["arqc", "data", "pan", "atc", "un", "session"])
def test_anything_else_does_not_verify_and_gets_no_arpc(hsm: pinsec.Hsm, imk: pinsec.KeyHandle, change: str) -> None:
    arqc = _ac(pyemv_kd.derive_common_sk(CARD_KEY, ATC + bytes(2) + UN))
    args = {"pan_block": emv.pan_block(PAN, PSN), "data": DATA, "session_key": "mastercard", "atc": ATC,
            "unpredictable_number": UN, "arc": ARC}
    if change == "arqc":
        arqc = bytes([arqc[0] ^ 1]) + arqc[1:]
    elif change == "data":
        args["data"] = DATA[:-1] + bytes([DATA[-1] ^ 0x80])
    elif change == "pan":
        args["pan_block"] = emv.pan_block(PAN, "02")
    elif change == "atc":
        args["atc"] = bytes.fromhex("001D")
    elif change == "un":
        args["unpredictable_number"] = bytes.fromhex("1A2B3C4E")
    else:
        args["session_key"] = "common"
    with pytest.raises(VerificationError) as raised:
        hsm.verify_arqc(imk, arqc, **args)  # type: ignore[arg-type]
    assert raised.value.code == "arqc_mismatch"
    assert str(raised.value) == "application cryptogram did not verify"  # nothing of the expected value


def test_only_an_e0_tdes_double_length_key_computes_cryptograms(hsm: pinsec.Hsm) -> None:
    block = emv.pan_block(PAN, PSN)
    cvk = hsm.import_clear_key(TDES_TEST_KEY, KeyAttributes("C0", "T", "C"))
    with pytest.raises(KeyPolicyError):
        hsm.verify_arqc(cvk, bytes(8), pan_block=block, data=DATA)
    triple = hsm.import_clear_key(TDES_TEST_KEY + TDES_TEST_KEY[:8][::-1], KeyAttributes("E0", "T", "X"))
    with pytest.raises(InvalidKeyError):
        hsm.verify_arqc(triple, bytes(8), pan_block=block, data=DATA)


@pytest.mark.parametrize(("args", "field"), [
    ({"arqc": bytes(7)}, "arqc"),
    ({"pan_block": bytes(9)}, "pan_block"),
    ({"data": b""}, "data"),
    ({"data": bytes(256)}, "data"),
    ({"arc": bytes(3)}, "arc"),
    ({"session_key": "emv2000"}, "session_key"),
    ({"session_key": "common", "atc": None}, "atc"),
    ({"session_key": "mastercard", "unpredictable_number": bytes(3)}, "unpredictable_number"),
])
def test_bad_input_is_refused_before_anything_is_computed(hsm: pinsec.Hsm, imk: pinsec.KeyHandle,
                                                          args: dict[str, object], field: str) -> None:
    call = {"arqc": _ac(CARD_KEY), "pan_block": emv.pan_block(PAN, PSN), "data": DATA, "atc": ATC,
            "unpredictable_number": UN, **args}
    with pytest.raises(DataError) as raised:
        hsm.verify_arqc(imk, **call)  # type: ignore[arg-type]
    assert raised.value.field == field
