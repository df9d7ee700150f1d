"""The ARPC as an oracle: an attacker holding the default-state Hsm picks the ARQC so that ARQC XOR ARC is
MasterCard's session key derivation block (ATC, F0 or 0F, 00, UN). An HSM that answered any ARQC with its
ARPC would return the card key's TDES of that block: the session key's halves, in clear. pinsec gives an
ARPC only for a cryptogram that verified."""

from __future__ import annotations

import pytest

from pinsec import _crypto, emv
from pinsec.errors import VerificationError

from .conftest import World

PAN_BLOCK, ATC, UN, ARC = emv.pan_block("4012345678909", "00"), bytes.fromhex("0001"), bytes(4), b"00"


@pytest.mark.parametrize("side", [0xF0, 0x0F])
@pytest.mark.parametrize("session_key", ["none", "common", "mastercard"])
def test_a_chosen_arqc_gets_no_arpc(world: World, side: int, session_key: str) -> None:
    r = emv.mastercard_session_data(ATC, UN)
    block = r[:2] + bytes([side]) + r[3:]
    arqc = _crypto.xor(block, ARC + bytes(6))
    card = emv.derive_icc_master_key(world.clear["mk_ac"], PAN_BLOCK)
    half = _crypto.tdes_ecb_encrypt(card, block)  # what the oracle would give: a session key half
    assert half in emv.derive_session_key(card, r) or _crypto.adjust_parity(half) in emv.derive_session_key(card, r)
    with pytest.raises(VerificationError) as raised:
        world.hsm.verify_arqc(world.keys["mk_ac"], arqc, pan_block=PAN_BLOCK, data=b"any data",
                              session_key=session_key, atc=ATC, unpredictable_number=UN, arc=ARC)  # type: ignore[arg-type]
    assert half.hex() not in repr(raised.value).lower() and str(raised.value) == "application cryptogram did not verify"
