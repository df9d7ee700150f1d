"""ISO 9564-1 PIN blocks (pinsec.pinblock) at their edges: formats given as other types, PANs that are not
text, PINs given as ASCII bytes on both sides of each bound, the unbiased random fill of formats 1 and 3
(rejection sampling: which bytes are refused, how many are asked for), and that clear PIN material in
buffers is wiped. A --quick mutation run of pinblock.py found 25 of its 211 mutants unnoticed."""

from __future__ import annotations

import pytest

from pinsec import _crypto, pinblock
from pinsec.errors import DataError, PanError, PinBlockError, PinError

KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
PAN = "4012345678909"


@pytest.mark.parametrize("fmt", [True, False, 1.0, "0", None])
def test_a_format_is_an_int(fmt: object) -> None:
    with pytest.raises(DataError) as info:
        pinblock.encode("1234", PAN, format=fmt)  # type: ignore[arg-type]
    assert info.value.field == "format"


def test_a_pan_must_be_text() -> None:
    with pytest.raises(PanError) as info:
        pinblock.encode("1234", 4012345678909, format=0)  # type: ignore[arg-type]
    assert info.value.field == "pan"


def test_a_pin_must_be_text_for_encipher() -> None:
    with pytest.raises(PinError):
        pinblock.encipher(KEY, 1234, PAN)  # type: ignore[arg-type]


@pytest.mark.parametrize(("digits", "ok"), [(b"1234", True), (b"1230", True), (b"9999", True), (b"1" * 12, True),
                                            (b"123", False), (b"1" * 13, False), (b"12/4", False), (b"12:4", False),
                                            (b"12a4", False)])
def test_pins_as_ascii_bytes(digits: bytes, ok: bool) -> None:
    if ok:
        block = pinblock.encipher_digits(KEY, bytearray(digits), PAN)
        assert pinblock.decipher(KEY, block, PAN) == digits.decode()
    else:
        with pytest.raises(PinError) as info:
            pinblock.encipher_digits(KEY, bytearray(digits), PAN)
        assert (info.value.code, info.value.field) == ("bad_pin", "pin")


class _Stream:
    """A random source that hands out the given bytes in order and records how many were asked for."""

    def __init__(self, data: bytes) -> None:
        self.data, self.asked = data, []

    def __call__(self, n: int) -> bytes:
        self.asked.append(n)
        out, self.data = self.data[:n], self.data[n:]
        return out


def _fill(block: bytes) -> str:
    return block.hex().upper()[6:]  # after control, length and a 4-digit PIN


def test_format_3_refuses_the_bytes_that_would_bias_its_fill() -> None:
    # A-F is 6 values: bytes 252-255 would make A-D more likely than E-F, so they are drawn again;
    # 251 is the last byte taken (251 % 6 = 5 -> F)
    rng = _Stream(bytes([252, 253, 254, 255, 251, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]))
    clear = pinblock.encode("1234", "4" + "0" * 12, format=3, rng=rng)  # PAN field of zeros: the block is clear
    assert _fill(clear) == "FABCDEFABC"
    assert rng.asked == [10, 4]  # ten fill digits; four of the first ten bytes refused, so four more


def test_format_1_takes_every_byte_and_zero_is_a_fill_digit() -> None:
    rng = _Stream(bytes([0, 16, 255, 17] + [0] * 6))
    assert _fill(pinblock.encode("1234", format=1, rng=rng)) == "00F1000000"
    assert rng.asked == [10]


def test_clear_pin_material_is_wiped(monkeypatch: pytest.MonkeyPatch) -> None:
    wiped: list[bytes] = []
    real = _crypto.wipe

    def spy(buf: bytearray) -> None:
        wiped.append(bytes(buf))
        real(buf)

    monkeypatch.setattr(pinblock._crypto, "wipe", spy)
    block = pinblock.encipher(KEY, "1234", PAN)
    wiped.clear()
    assert pinblock.decipher(KEY, block, PAN) == "1234"
    assert b"1234" in wiped  # the PIN's ASCII digits
    assert bytes.fromhex("041234FFFFFFFFFF") in wiped  # the clear PIN field (ISO 9564-1 format 0, PIN 1234)
    wiped.clear()
    with pytest.raises(PinBlockError):  # a good PIN, then a wrong fill: the digits read so far are wiped
        pinblock.decode(bytes.fromhex("041274EDCBA9876E"), PAN)
    assert b"1234" in wiped
