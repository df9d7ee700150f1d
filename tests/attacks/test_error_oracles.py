"""Way in 5: no oracle in errors. Whatever is wrong inside a PIN block, callers of the Hsm get one error.

Each bad block below is a clear ISO 9564-1 block with one field broken, enciphered under the planted zone
key with the raw cipher, as an attacker probing the translation function would send them (the classic
format-check oracle of the published attacks on PIN translation APIs). Tier 1 names each failure; the
Hsm edge must not.
"""

from __future__ import annotations

import pytest

from pinsec import _crypto, pinblock
from pinsec.errors import PinBlockError, PinsecError

from ..conformance.conftest import TDES_ZPK
from .conftest import PAN, World

PIN = "83920174"
OTHER_PAN = "4012345678917"


def _nibbles(block: bytes) -> list[int]:
    return [n for b in block for n in (b >> 4, b & 15)]


def _bytes(nibbles: list[int]) -> bytes:
    return bytes(nibbles[i] << 4 | nibbles[i + 1] for i in range(0, len(nibbles), 2))


def _bad_clear_blocks() -> dict[str, bytes]:
    """ISO 0 clear blocks for PIN and PAN, each with one field broken (and the good one)."""
    pan_field = pinblock.pan_field(PAN, format=0)
    plain = _nibbles(_crypto.xor(pinblock.encode(PIN, PAN, format=0), pan_field))  # 0 8 digits... F F
    out = {"good": plain}
    out["control"] = [5, *plain[1:]]
    out["length_short"] = [plain[0], 3, *plain[2:]]
    out["length_long"] = [plain[0], 13, *plain[2:]]
    out["digit"] = [*plain[:4], 0xA, *plain[5:]]
    out["fill"] = [*plain[:-1], 0x7]
    return {name: _crypto.xor(_bytes(n), pan_field) for name, n in out.items()}


def _enciphered() -> dict[str, bytes]:
    return {name: _crypto.tdes_ecb_encrypt(TDES_ZPK, clear) for name, clear in _bad_clear_blocks().items()}


def test_tier_one_tells_the_failures_apart() -> None:
    # the premise: each broken field is a distinct failure where detail is allowed
    codes = set()
    for name, block in _enciphered().items():
        if name == "good":
            assert pinblock.decipher(TDES_ZPK, block, PAN) == PIN
            continue
        with pytest.raises(PinBlockError) as info:
            pinblock.decipher(TDES_ZPK, block, PAN)
        codes.add((info.value.code, str(info.value)))
    assert len(codes) >= 4


def _one_error(errors: list[PinsecError]) -> None:
    shapes = {(type(e), e.code, e.field, str(e)) for e in errors}
    assert len(shapes) == 1, shapes
    e = errors[0]
    assert e.code == "invalid_pin_block" and e.__context__ is None and e.__cause__ is None
    assert not any(ch.isdigit() for ch in str(e))


def _bad_inputs() -> list[tuple[bytes, str]]:
    blocks = _enciphered()
    bad = [(b, PAN) for name, b in blocks.items() if name != "good"]
    return [*bad, (blocks["good"], OTHER_PAN)]  # the PAN field: a block of another card


def test_translation_gives_one_error(world: World) -> None:
    errors = []
    for block, pan in _bad_inputs():
        with pytest.raises(PinsecError) as info:
            world.hsm.translate_pin(block, src_key=world.keys["tdes_zpk"], src_format=0,
                                    dst_key=world.keys["aes_zpk"], dst_format=4, pan=pan)
        errors.append(info.value)
    _one_error(errors)
    good = world.hsm.translate_pin(_enciphered()["good"], src_key=world.keys["tdes_zpk"], src_format=0,
                                   dst_key=world.keys["aes_zpk"], dst_format=4, pan=PAN)
    assert len(good) == 16


def test_batch_translation_gives_one_error(world: World) -> None:
    items = [(b, pan, None) for b, pan in _bad_inputs()]
    out = world.hsm.translate_pins(items, src_key=world.keys["tdes_zpk"], src_format=0,
                                   dst_key=world.keys["tdes_zpk"], dst_format=3)
    assert all(isinstance(o, PinsecError) for o in out)
    _one_error(out)  # type: ignore[arg-type]


def test_verification_gives_one_error(world: World) -> None:
    errors = []
    for block, pan in _bad_inputs():
        for call in (
            lambda b=block, p=pan: world.hsm.verify_pin(b, key=world.keys["tdes_zpk"], format=0, pan=p,
                                                        pvk=world.keys["ibm_pvk"], offset="0000",
                                                        validation_data="4012345678909000"),
            lambda b=block, p=pan: world.hsm.pin_verification_value(b, key=world.keys["tdes_zpk"], format=0, pan=p,
                                                                    pvk=world.keys["visa_pvk"], method="visa-pvv",
                                                                    pvki="1"),
            lambda b=block, p=pan: world.rig.check_pin(b, key=world.keys["tdes_zpk"], format=0, pan=p, pin=PIN),
        ):
            with pytest.raises(PinsecError) as info:
                call()
            errors.append(info.value)
    _one_error(errors)


def test_iso4_content_gives_the_same_one_error(world: World) -> None:
    from ..conformance.conftest import AES_ZPK

    good = pinblock.encipher(AES_ZPK, PIN, PAN, format=4)
    flipped = bytes([good[0] ^ 0x01]) + good[1:]
    errors = []
    for block, pan in ((good, OTHER_PAN), (flipped, PAN)):
        with pytest.raises(PinsecError) as info:
            world.hsm.translate_pin(block, src_key=world.keys["aes_zpk"], src_format=4,
                                    dst_key=world.keys["tdes_zpk"], dst_format=0, pan=pan)
        errors.append(info.value)
    with pytest.raises(PinsecError) as info:
        world.hsm.translate_pin(_enciphered()["fill"], src_key=world.keys["tdes_zpk"], src_format=0,
                                dst_key=world.keys["tdes_zpk"], dst_format=3, pan=PAN)
    _one_error([*errors, info.value])
