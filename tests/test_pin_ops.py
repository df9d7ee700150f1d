"""The Hsm's PIN operations (hsm/pin_ops.py): the caller's PAN is judged by the Hsm before any block is
deciphered, so its errors say what is wrong (PanError) where an error found inside a block may not
(invalid_pin_block); the batch translation's own refusals; PIN lengths and offsets; and the in-device gate
of each PIN operation, for DUKPT and key sources apart. An honest mutation run of hsm/pin_ops.py found 22
of its 76 mutants unnoticed."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from pinsec import Hsm, KeyAttributes, pin, pinblock
from pinsec.backends.base import Capability
from pinsec.backends.software import SoftwareBackend
from pinsec.errors import DataError, KeyPolicyError, PanError, UnsupportedOperation

TDES_ZPK = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
AES_ZPK = bytes.fromhex("3F419E1CB7079442AA37474C2EFBF8B8")  # TR-31:2018 A.7.4's key
BDK = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")  # ANSI X9.24-1:2009 A.4
PAN = "4012345678909"
SHORT_PAN = "12345"  # too short for formats 0 and 3 (8 digits at least), fine for format 4 (1 to 19)
GARBAGE = "00" * 8  # no block of any format, under any key


@pytest.fixture
def rig() -> tuple[Hsm, object, object, object, object]:
    hsm = Hsm(authorized=True)
    return (hsm, hsm.import_clear_key(TDES_ZPK, KeyAttributes("P0", "T", "B")),
            hsm.import_clear_key(AES_ZPK, KeyAttributes("P0", "A", "B")),
            hsm.import_clear_key(BDK, KeyAttributes("B0", "T", "X")),
            hsm.import_clear_key(TDES_ZPK, KeyAttributes("V1", "T", "C")))


def test_a_short_pan_for_the_source_format_is_a_pan_error(rig: tuple) -> None:
    hsm, zpk, aes_zpk, _, _ = rig
    with pytest.raises(PanError) as info:  # ISO 0 -> ISO 4: the PAN fits format 4, not the source's
        hsm.translate_pin(GARBAGE, src_key=zpk, src_format=0, dst_key=aes_zpk, dst_format=4, pan=SHORT_PAN)
    assert info.value.field == "pan"


def test_a_short_pan_for_the_destination_format_is_a_pan_error(rig: tuple) -> None:
    hsm, zpk, aes_zpk, _, _ = rig
    block = hsm.encrypt_pin("1234", key=aes_zpk, format=4, pan=SHORT_PAN)
    with pytest.raises(PanError) as info:  # ISO 4 -> ISO 0: the source reads, the destination cannot take it
        hsm.translate_pin(block, src_key=aes_zpk, src_format=4, dst_key=zpk, dst_format=0, pan=SHORT_PAN)
    assert info.value.field == "pan"


def test_translate_pins_judges_each_items_pan_for_both_formats(rig: tuple) -> None:
    hsm, zpk, aes_zpk, _, _ = rig
    good = hsm.encrypt_pin("1234", key=zpk, format=0, pan=PAN)
    out = hsm.translate_pins([(good, PAN, None), (GARBAGE, SHORT_PAN, None)], src_key=zpk, src_format=0,
                             dst_key=aes_zpk, dst_format=4)
    assert isinstance(out[0], bytes) and isinstance(out[1], PanError)
    four = hsm.encrypt_pin("1234", key=aes_zpk, format=4, pan=SHORT_PAN)
    out = hsm.translate_pins([(four, SHORT_PAN, None)], src_key=aes_zpk, src_format=4, dst_key=zpk, dst_format=0)
    assert isinstance(out[0], PanError)


def test_translate_pins_applies_pci_pin_3_3_once(rig: tuple) -> None:
    hsm, zpk, _, _, _ = rig
    block = hsm.encrypt_pin("1234", key=zpk, format=0, pan=PAN)
    with pytest.raises(KeyPolicyError) as info:
        hsm.translate_pins([(block, PAN, None)], src_key=zpk, src_format=0, dst_key=zpk, dst_format=1)
    assert info.value.code == "forbidden_translation"


def test_translate_pins_refuses_a_ksn_for_a_key_that_is_not_a_bdk(rig: tuple) -> None:
    hsm, zpk, _, _, _ = rig
    block = hsm.encrypt_pin("1234", key=zpk, format=0, pan=PAN)
    out = hsm.translate_pins([(block, PAN, "FFFF9876543210E00001"), (block, PAN, None)], src_key=zpk, src_format=0,
                             dst_key=zpk, dst_format=0)
    assert isinstance(out[0], KeyPolicyError) and out[0].code == "dukpt_ksn"
    assert out[1] == block  # ISO 0 under the same key: the same block


@pytest.mark.parametrize("call", ["check_pin", "verify_pin", "pin_verification_value"])
def test_pan_errors_come_before_the_block_is_read(rig: tuple, call: str) -> None:
    hsm, zpk, _, _, pvk = rig
    with pytest.raises(PanError):
        if call == "check_pin":
            hsm.check_pin(GARBAGE, key=zpk, format=0, pan=SHORT_PAN, pin="1234")
        elif call == "verify_pin":
            hsm.verify_pin(GARBAGE, key=zpk, format=0, pan=SHORT_PAN, pvk=pvk, offset="0000",
                           validation_data="401234567890FFFF")
        else:
            hsm.pin_verification_value(GARBAGE, key=zpk, format=0, pan=SHORT_PAN, pvk=pvk,
                                       validation_data="401234567890FFFF")


def test_pin_from_offset_judges_a_pan_its_format_does_not_bind(rig: tuple) -> None:
    hsm, zpk, _, _, pvk = rig
    with pytest.raises(PanError):
        hsm.pin_from_offset("0000", pvk=pvk, validation_data="401234567890FFFF", key=zpk, format=1,
                            pan=4012345678909)  # type: ignore[arg-type]


@pytest.mark.parametrize("offset", [1234, "12a4", "123", "1" * 13])
def test_pin_from_offset_offsets(rig: tuple, offset: object) -> None:
    hsm, zpk, _, _, pvk = rig
    with pytest.raises(DataError) as info:
        hsm.pin_from_offset(offset, pvk=pvk, validation_data="401234567890FFFF", key=zpk, format=0,  # type: ignore[arg-type]
                            pan=PAN)
    assert info.value.field == "offset"


@pytest.mark.parametrize("length", [3, 13, "4", True])
def test_generated_pin_lengths(rig: tuple, length: object) -> None:
    hsm, zpk, _, _, _ = rig
    with pytest.raises(DataError) as info:
        hsm.generate_pin(length=length, key=zpk, format=0, pan=PAN)  # type: ignore[arg-type]
    assert type(info.value) is DataError and info.value.field == "length"


def test_the_longest_generated_pin(rig: tuple) -> None:
    hsm, zpk, _, _, _ = rig
    assert len(pinblock.decipher(TDES_ZPK, hsm.generate_pin(length=12, key=zpk, format=0, pan=PAN), PAN)) == 12


# ------------------------------------------------------------------------------------ the in-device gate

class _OneHostSide(SoftwareBackend):
    """A backend that runs one named operation host-side and everything else in the device."""

    def __init__(self, host_side: str) -> None:
        super().__init__()
        self._host_side = host_side

    def capabilities(self) -> Mapping[str, Capability]:
        caps = dict(super().capabilities())
        caps[self._host_side] = Capability(False, "host-side for this test")
        return caps


def _calls(strict: Hsm, zpk: object, bdk: object, pvk: object, cvk: object) -> dict[str, Callable[[], object]]:
    block = pinblock.encipher(TDES_ZPK, "1234", PAN)
    dukpt_block = "1B9C1845EB993A7A"  # X9.24-1 A.4: PIN 1234 at KSN ...E00001
    ksn = "FFFF9876543210E00001"
    return {
        "translate_pin": lambda: strict.translate_pin(block, src_key=zpk, src_format=0, dst_key=zpk, dst_format=0,
                                                      pan=PAN),
        "translate_pin_dukpt": lambda: strict.translate_pin(dukpt_block, src_key=bdk, src_format=0, src_ksn=ksn,
                                                            dst_key=zpk, dst_format=0, pan=PAN),
        "translate_pins": lambda: strict.translate_pins([(block, PAN, None)], src_key=zpk, src_format=0,
                                                        dst_key=zpk, dst_format=0),
        "translate_pins_dukpt": lambda: strict.translate_pins([(dukpt_block, PAN, ksn)], src_key=bdk, src_format=0,
                                                              dst_key=zpk, dst_format=0),
        "pin_from_offset": lambda: strict.pin_from_offset("0000", pvk=pvk, validation_data="401234567890FFFF",
                                                          key=zpk, format=0, pan=PAN),
        "verify_cvv": lambda: strict.verify_cvv(cvk, pin.cvv(TDES_ZPK, "4123456789012345", "8701", "101"),
                                                pan="4123456789012345", expiry="8701", service_code="101"),
    }


#: Which capability each call needs: the DUKPT paths are gated apart from the key paths.
_NEEDS = {"translate_pin": "translate_pin", "translate_pin_dukpt": "translate_pin_dukpt",
          "translate_pins": "translate_pin", "translate_pins_dukpt": "translate_pin_dukpt",
          "pin_from_offset": "generate_pin", "verify_cvv": "card_verification_value"}


@pytest.mark.parametrize("host_side", sorted(set(_NEEDS.values())))
def test_each_pin_operation_is_gated_by_its_own_capability(host_side: str) -> None:
    backend = _OneHostSide(host_side)
    loose = Hsm(backend, authorized=True)
    zpk = loose.import_clear_key(TDES_ZPK, KeyAttributes("P0", "T", "B"))
    bdk = loose.import_clear_key(BDK, KeyAttributes("B0", "T", "X"))
    pvk = loose.import_clear_key(TDES_ZPK, KeyAttributes("V1", "T", "C"))
    cvk = loose.import_clear_key(TDES_ZPK, KeyAttributes("C0", "T", "C"))
    strict = Hsm(backend, authorized=True, require_in_device=True)
    for name, call in _calls(strict, zpk, bdk, pvk, cvk).items():
        if _NEEDS[name] == host_side:
            with pytest.raises(UnsupportedOperation) as info:
                call()
            assert info.value.code == "not_in_device", name
        else:
            call()  # not gated: it runs
