"""Every tier-1 verification function: the published value verifies, a wrong one is refused, and a change
anywhere (one bit of a MAC, one digit of an offset, PVV or CVV, one bit of the data or the key) is refused.

Published values come from the vector files (each carries its source): IBM 3624 offsets, Visa PVVs and a
CVV from psec's test suite and documentation, AES-CMAC from RFC 4493, TDES-CMAC from NIST SP 800-38B, the
retail MAC from ANSI X9.24-1:2009 A.4; HMAC-SHA-256 from RFC 4231 test case 2 (below).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import psec.mac
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinsec import mac, pin, vectors
from pinsec.errors import VerificationError

ROOT = Path(__file__).resolve().parent.parent / "vectors"
PIN_VECTORS = vectors.load(ROOT / "pin_verification.json")
MAC_VECTORS = vectors.load(ROOT / "mac.json")
# IETF RFC 4231 section 4.3, test case 2: key "Jefe", data "what do ya want for nothing?".
RFC4231_2 = (b"Jefe", b"what do ya want for nothing?",
             bytes.fromhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"))


def _of(operation: str, source: list[dict[str, object]]) -> list[dict[str, object]]:
    found = [v for v in source if v["operation"] == operation]
    assert found, operation
    return found


def _other_digit(value: str, i: int, d: int) -> str:
    """``value`` with digit ``i`` replaced by a different digit (``d`` in 1..9 steps away)."""
    return value[:i] + str((int(value[i]) + d) % 10) + value[i + 1:]


def _flip(data: bytes, bit: int) -> bytes:
    bit %= 8 * len(data)
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def _flip_key_bit(key: bytes, bit: int) -> bytes:
    """Flip a bit that matters: for DES keys, never the parity bit (bit 0 of a byte)."""
    bit %= 7 * len(key)
    byte, within = divmod(bit, 7)
    out = bytearray(key)
    out[byte] ^= 1 << (within + 1)
    return bytes(out)


# ------------------------------------------------------------------------------ IBM 3624, Visa PVV, CVV

@pytest.mark.parametrize("v", _of("pin.ibm3624_offset", PIN_VECTORS), ids=lambda v: str(v["id"]))
def test_ibm3624_offset_verifies_and_every_wrong_digit_is_refused(v: dict[str, object]) -> None:
    pvk, p, vd, table = bytes.fromhex(str(v["pvk"])), str(v["pin"]), str(v["validation_data"]), str(
        v["decimalization_table"])
    offset = str(v["expected"]["offset"])  # type: ignore[index]
    pin.verify_ibm3624(pvk, p, offset, vd, table)
    for i in range(len(offset)):
        for d in range(1, 10):
            with pytest.raises(VerificationError) as info:
                pin.verify_ibm3624(pvk, p, _other_digit(offset, i, d), vd, table)
            assert info.value.code == "pin_mismatch"
        with pytest.raises(VerificationError):
            pin.verify_ibm3624(pvk, _other_digit(p, i, 5), offset, vd, table)


@pytest.mark.parametrize("v", _of("pin.visa_pvv", PIN_VECTORS), ids=lambda v: str(v["id"]))
def test_visa_pvv_verifies_and_every_wrong_digit_is_refused(v: dict[str, object]) -> None:
    pvk, pan, pvki, p = bytes.fromhex(str(v["pvk"])), str(v["pan"]), str(v["pvki"]), str(v["pin"])
    pvv = str(v["expected"]["pvv"])  # type: ignore[index]
    pin.verify_visa_pvv(pvk, pan, pvki, p, pvv)
    for i in range(4):
        for d in range(1, 10):
            with pytest.raises(VerificationError) as info:
                pin.verify_visa_pvv(pvk, pan, pvki, p, _other_digit(pvv, i, d))
            assert info.value.code == "pin_mismatch"
        with pytest.raises(VerificationError):
            pin.verify_visa_pvv(pvk, pan, pvki, _other_digit(p, i, 3), pvv)


@pytest.mark.parametrize("v", _of("pin.cvv", PIN_VECTORS), ids=lambda v: str(v["id"]))
def test_cvv_verifies_and_every_wrong_digit_is_refused(v: dict[str, object]) -> None:
    cvk, pan, expiry, sc = bytes.fromhex(str(v["cvk"])), str(v["pan"]), str(v["expiry"]), str(v["service_code"])
    value = str(v["expected"]["cvv"])  # type: ignore[index]
    pin.verify_cvv(cvk, pan, expiry, sc, value)
    for i in range(3):
        for d in range(1, 10):
            with pytest.raises(VerificationError) as info:
                pin.verify_cvv(cvk, pan, expiry, sc, _other_digit(value, i, d))
            assert info.value.code == "cvv_mismatch"
    with pytest.raises(VerificationError):
        pin.verify_cvv(cvk, pan, _other_digit(expiry, 3, 1), sc, value)


@given(pvk=st.binary(min_size=16, max_size=16), p=st.text("0123456789", min_size=4, max_size=12),
       pan=st.text("0123456789", min_size=16, max_size=16), bit=st.integers(0, 111))
def test_a_different_pvk_does_not_verify(pvk: bytes, p: str, pan: str, bit: int) -> None:
    pvv = pin.visa_pvv(pvk, pan, "1", p)
    offset = pin.ibm3624_offset(pvk, p, pan, "0123456789012345")
    other = _flip_key_bit(pvk, bit)
    # 4 decimal digits collide by chance 1 time in 10,000: the property is over the decimalised values
    if pin.visa_pvv(other, pan, "1", p) != pvv:
        with pytest.raises(VerificationError):
            pin.verify_visa_pvv(other, pan, "1", p, pvv)
    if pin.ibm3624_offset(other, p, pan, "0123456789012345") != offset:
        with pytest.raises(VerificationError):
            pin.verify_ibm3624(other, p, offset, pan, "0123456789012345")


# ------------------------------------------------------------------------------------------------- MACs

def _mac_cases() -> list[tuple[str, bytes, bytes, bytes, Callable[[bytes, bytes, bytes], None]]]:
    out = []
    for v in _of("mac.cmac", MAC_VECTORS):
        algorithm = str(v["algorithm"])
        out.append((str(v["id"]), bytes.fromhex(str(v["key"])), bytes.fromhex(str(v["data"])),
                    bytes.fromhex(str(v["expected"]["mac"])),  # type: ignore[index]
                    lambda k, d, m, a=algorithm: mac.verify_cmac(k, d, m, algorithm=a)))  # type: ignore[misc]
    for v in _of("mac.retail_mac", MAC_VECTORS):
        out.append((str(v["id"]), bytes.fromhex(str(v["key"])), bytes.fromhex(str(v["data"])),
                    bytes.fromhex(str(v["expected"]["mac"])), mac.verify_retail_mac))  # type: ignore[index]
    out.append(("rfc4231-case2", *RFC4231_2, mac.verify_hmac_sha256))
    return out


MAC_CASES = _mac_cases()


@pytest.mark.parametrize(("key", "data", "tag", "verify"), [c[1:] for c in MAC_CASES], ids=[c[0] for c in MAC_CASES])
def test_published_mac_verifies_and_every_flipped_bit_is_refused(
    key: bytes, data: bytes, tag: bytes, verify: Callable[[bytes, bytes, bytes], None]
) -> None:
    verify(key, data, tag)
    for bit in range(8 * len(tag)):
        with pytest.raises(VerificationError) as info:
            verify(key, data, _flip(tag, bit))
        assert info.value.code == "mac_mismatch"
    with pytest.raises(VerificationError):  # (not a zero byte: ISO 9797-1 padding method 1 would absorb it)
        verify(key, data + b"\x01", tag)
    truncated = tag[:16] if len(tag) > 16 else tag[:4]
    verify(key, data, truncated)  # a truncated MAC verifies on its length ...
    with pytest.raises(VerificationError):  # ... and a flip in it does not
        verify(key, data, _flip(truncated, 5))


@given(key=st.binary(min_size=16, max_size=16), data=st.binary(min_size=1, max_size=64), bit=st.integers(0, 10_000),
       which=st.sampled_from(["cbc", "retail", "cmac-aes", "cmac-tdes", "hmac"]),
       where=st.sampled_from(["data", "key"]))
def test_a_changed_bit_of_data_or_key_is_refused(key: bytes, data: bytes, bit: int, which: str, where: str) -> None:
    make, check = {
        "cbc": (lambda k, d: mac.cbc_mac(k, d), mac.verify_cbc_mac),
        "retail": (lambda k, d: mac.retail_mac(k, d, padding=2), lambda k, d, m: mac.verify_retail_mac(k, d, m,
                                                                                                     padding=2)),
        "cmac-aes": (lambda k, d: mac.cmac(k, d), mac.verify_cmac),
        "cmac-tdes": (lambda k, d: mac.cmac(k, d, algorithm="tdes"), lambda k, d, m: mac.verify_cmac(
            k, d, m, algorithm="tdes")),
        "hmac": (lambda k, d: mac.hmac_sha256(k, d), mac.verify_hmac_sha256),
    }[which]
    tag = make(key, data)
    check(key, data, tag)
    if where == "data":
        with pytest.raises(VerificationError):
            check(key, _flip(data, bit), tag)
    else:
        changed = _flip(key, bit) if which in ("cmac-aes", "hmac") else _flip_key_bit(key, bit)
        with pytest.raises(VerificationError):
            check(changed, data, tag)


@given(key=st.binary(min_size=16, max_size=16), data=st.binary(max_size=40), padding=st.sampled_from([1, 2]))
def test_cbc_mac_matches_psec_and_verifies(key: bytes, data: bytes, padding: int) -> None:
    tag = mac.cbc_mac(key, data, padding=padding)  # type: ignore[arg-type]
    assert tag == psec.mac.generate_cbc_mac(key, data, padding)
    mac.verify_cbc_mac(key, data, tag, padding=padding)  # type: ignore[arg-type]
    with pytest.raises(VerificationError):
        mac.verify_cbc_mac(key, data, _flip(tag, 0), padding=padding)  # type: ignore[arg-type]


def test_generic_verify_compares_whole_values() -> None:
    mac.verify(b"\x01\x02\x03\x04", b"\x01\x02\x03\x04")
    for other in (b"\x01\x02\x03\x05", b"\x01\x02\x03", b"\x01\x02\x03\x04\x00", b""):
        with pytest.raises(VerificationError):
            mac.verify(b"\x01\x02\x03\x04", other)


def test_hsm_pin_from_offset_gives_psecs_pins_as_blocks() -> None:
    # psec's ibm3624-1 / -2 (vectors/pin_verification.json): natural PIN 4524; offset 1111 stands for 5635
    from pinsec import Hsm, KeyAttributes, pinblock
    from pinsec.backends.software import SoftwareBackend
    from pinsec.errors import KeyPolicyError

    backend = SoftwareBackend()
    rig = Hsm(backend, authorized=True)  # plants the keys; the default-state Hsm below derives the PINs
    pvk_clear = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    pvk = rig.import_clear_key(pvk_clear, KeyAttributes("V1", "T", "C"))
    zpk_clear = bytes.fromhex("89ABCDEF0123456701234567FEDCBA98")
    zpk = rig.import_clear_key(zpk_clear, KeyAttributes("P0", "T", "B"))
    pan = "1122334455667788"
    common = {"pvk": pvk, "validation_data": "1122334455667788", "decimalization_table": "1234567890123456",
              "key": zpk, "format": 0, "pan": pan}
    default = Hsm(backend, decimalization_tables=("1234567890123456",))
    for offset, expected in (("0000", "4524"), ("1111", "5635"), ("6586", "0000")):
        block = default.pin_from_offset(offset, **common)  # type: ignore[arg-type]
        assert pinblock.decipher(zpk_clear, block, pan) == expected
    verify_only = rig.import_clear_key(pvk_clear, KeyAttributes("V1", "T", "V"))
    with pytest.raises(KeyPolicyError) as info:
        default.pin_from_offset("0000", **{**common, "pvk": verify_only})  # type: ignore[arg-type]
    assert info.value.code == "wrong_mode"
