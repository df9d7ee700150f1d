"""The variant LMK's tables against the values an independent emulator publishes, and the PIN-under-LMK form
recomputed from its description with OpenSSL.

Sources: ThalesSim's C# port (github:nickntg/thalessimulatorlibrary), Tests/.../Cryptography/LMK/
ExtensionsTests.cs (LMK pair code -> LMK pair) and LmkHexVariantTests.cs (the key type variants A6 5A 6A DE 2B
50 74 9C FA, scheme U's A6 5A and scheme T's 6A DE 2B); Wikipedia's Luhn algorithm article (7992739871 -> 3).
A --quick mutation run of variant_lmk.py showed these tables were pinned only through values the module
computed itself."""

from __future__ import annotations

import pytest
from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, modes
from hypothesis import given, settings
from hypothesis import strategies as st

from pinsec.variant_lmk import TEST_LMK, VariantLmk, _luhn_digit, wrap_under

LMK = VariantLmk.test()
PAIRS = [bytes.fromhex(p) for p in TEST_LMK]  # pair i is LMK pair 2i-(2i+1): index 2 is 04-05

# ExtensionsTests.ValidateLmkPairFromLmkCode
PAIR_OF_CODE = {"00": "0405", "01": "0607", "02": "1415", "03": "1617", "04": "1819", "05": "2021", "06": "2223",
                "07": "2425", "08": "2627", "09": "2829", "0A": "3031", "0B": "3233", "0C": "3435", "0D": "3637",
                "0E": "3839"}
# LmkHexVariantTests.VerifyVariant
KEY_TYPE_VARIANTS = {1: 0xA6, 2: 0x5A, 3: 0x6A, 4: 0xDE, 5: 0x2B, 6: 0x50, 7: 0x74, 8: 0x9C, 9: 0xFA}
SCHEME_VARIANTS = {"U": (0xA6, 0x5A), "T": (0x6A, 0xDE, 0x2B)}


def _tdes(key: bytes, data: bytes, *, decrypt: bool = False) -> bytes:
    key = key + key[:8] if len(key) == 16 else key
    c = Cipher(TripleDES(key), modes.ECB())
    op = c.decryptor() if decrypt else c.encryptor()
    return op.update(data) + op.finalize()


@pytest.mark.parametrize("code", sorted(PAIR_OF_CODE))
@pytest.mark.parametrize("variant", range(10))
def test_each_key_type_is_its_pair_with_its_variant_on_the_first_byte(code: str, variant: int) -> None:
    pair = PAIRS[int(PAIR_OF_CODE[code][:2]) // 2]
    want = bytes([pair[0] ^ KEY_TYPE_VARIANTS.get(variant, 0)]) + pair[1:]
    assert LMK.kek(f"{variant:X}{code}") == want


@pytest.mark.parametrize("scheme", ["U", "T"])
def test_scheme_variants_on_the_first_byte_of_the_right_key(scheme: str) -> None:
    # each 8-byte part of the key is enciphered under the KEK with that part's variant on byte 8 (the first
    # byte of the KEK's right key); X and Y use no variant
    key = bytes(range(1, 1 + 8 * len(SCHEME_VARIANTS[scheme])))
    kek = LMK.kek("002")
    parts = []
    for i, v in enumerate(SCHEME_VARIANTS[scheme]):
        k = bytearray(kek)
        k[8] ^= v
        parts.append(_tdes(bytes(k), key[8 * i:8 * i + 8]))
    assert wrap_under(kek, key, scheme) == scheme + b"".join(parts).hex().upper()
    plain = {"U": "X", "T": "Y"}[scheme]
    assert wrap_under(kek, key, plain) == plain + _tdes(kek, key).hex().upper()


def test_luhn_check_digit_as_published() -> None:
    assert _luhn_digit([7, 9, 9, 2, 7, 3, 9, 8, 7, 1]) == 3  # Wikipedia, "Luhn algorithm"
    assert _luhn_digit([0]) == 0 and _luhn_digit([1]) == 8 and _luhn_digit([5]) == 9 and _luhn_digit([9]) == 1


def _documented_pin_form(pin: str, account: str) -> str:
    """docs/payshield.md: the PIN and its Luhn check digit, each digit added mod 10 to decimal digits taken
    (bytes below 250, mod 10) from TDES-ECB under pair 02-03 of the account (BCD), the length and a counter."""
    digits = [int(c) for c in pin]
    total = sum((2 * d - 9 if 2 * d > 9 else 2 * d) if i % 2 == 0 else d for i, d in enumerate(reversed(digits)))
    digits.append((10 - total % 10) % 10)
    stream: list[int] = []
    counter = 0
    while len(stream) < len(digits):
        block = _tdes(PAIRS[1], bytes.fromhex(account) + bytes([len(digits), counter]))
        stream += [b % 10 for b in block if b < 250]
        counter += 1
    return "".join(str((d + k) % 10) for d, k in zip(digits, stream, strict=False))


@settings(max_examples=300, deadline=None)
@given(pin=st.text("0123456789", min_size=4, max_size=12), account=st.text("0123456789", min_size=12, max_size=12))
def test_the_pin_form_is_the_documented_one(pin: str, account: str) -> None:
    assert LMK.encrypt_pin(bytearray(pin.encode()), account) == _documented_pin_form(pin, account)
    assert LMK.decrypt_pin(_documented_pin_form(pin, account), account) == bytearray(pin.encode())


# ------------------------------------------------------------------------------- the module's own refusals
def test_key_fields_are_ascii_text() -> None:
    from pinsec.errors import InvalidKeyError
    from pinsec.variant_lmk import unwrap_under

    for field in (b"U" + b"0" * 32, "U" + "\u0660" * 32, None):
        with pytest.raises(InvalidKeyError) as info:
            unwrap_under(LMK.kek("001"), field)  # type: ignore[arg-type]
        assert info.value.code == "key_scheme"


def test_a_triple_length_kek_carries_keys() -> None:
    from pinsec.variant_lmk import unwrap_under

    kek = bytes(range(24))
    key = bytes(range(40, 56))
    assert unwrap_under(kek, wrap_under(kek, key, "U")) == ("U", key)
    assert wrap_under(kek, key, "X") == "X" + _tdes(kek, key).hex().upper()


@pytest.mark.parametrize("pairs", [PAIRS[:19], [*PAIRS[:19], PAIRS[0][:15]], [*PAIRS[:19], PAIRS[0].hex()]])
def test_an_lmk_is_twenty_pairs_of_sixteen_bytes(pairs: list[bytes]) -> None:
    from pinsec.errors import InvalidKeyError

    with pytest.raises(InvalidKeyError) as info:
        VariantLmk(pairs)
    assert info.value.field == "variant_lmk"


def test_pins_are_decimal_digits_and_lmk_pins_at_most_thirteen() -> None:
    from pinsec.errors import PinError

    with pytest.raises(PinError):
        LMK.encrypt_pin(bytearray(b"12:4"), "401234567890")  # ':' follows '9' in ASCII
    thirteen = "1234567890123"
    account = "401234567890"
    fourteen = _documented_pin_form(thirteen, account)  # a 13-digit "PIN" and its check digit
    assert len(fourteen) == 14
    with pytest.raises(PinError):
        LMK.decrypt_pin(fourteen, account)
