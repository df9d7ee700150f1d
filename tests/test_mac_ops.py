"""The Hsm's MAC operations (hsm/mac_ops.py): direction and padding refused by the Hsm itself, and the
in-device gate of generate and verify, by algorithm and for DUKPT apart. An honest mutation run of
hsm/mac_ops.py found 6 of its 20 mutants unnoticed."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from pinsec import Hsm, KeyAttributes, mac
from pinsec.backends.base import Capability
from pinsec.backends.software import SoftwareBackend
from pinsec.errors import DataError, UnsupportedOperation

KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
BDK = KEY  # ANSI X9.24-1:2009 A.4
KSN = "FFFF9876543210E00001"


def _rig() -> tuple[Hsm, object]:
    hsm = Hsm(authorized=True)
    return hsm, hsm.import_clear_key(KEY, KeyAttributes("M1", "T", "C"))


@pytest.mark.parametrize("direction", ["sideways", "", None])
def test_direction_is_request_or_response_even_where_unused(direction: object) -> None:
    hsm, key = _rig()
    with pytest.raises(DataError) as info:
        hsm.generate_mac(key, b"data", direction=direction)  # type: ignore[arg-type]
    assert info.value.field == "direction"


@pytest.mark.parametrize("padding", [0, 4, True, "1"])
def test_padding_is_method_1_2_or_3(padding: object) -> None:
    hsm, key = _rig()
    for call in (lambda: hsm.generate_mac(key, b"data", padding=padding),  # type: ignore[arg-type]
                 lambda: hsm.verify_mac(key, b"data", bytes(8), padding=padding)):  # type: ignore[arg-type]
        with pytest.raises(DataError) as info:
            call()
        assert (str(info.value), info.value.field) == ("padding must be ISO 9797-1 method 1, 2 or 3", "padding")


def test_each_padding_method_is_iso_9797_1s() -> None:
    hsm, key = _rig()
    for padding in (1, 2, 3):
        assert hsm.generate_mac(key, b"data", padding=padding) == mac.cbc_mac(KEY, b"data", padding=padding)


class _HostSide(SoftwareBackend):
    """A backend that runs the named capabilities host-side (``verify_mac`` or ``generate_mac:cmac`` ...)."""

    def __init__(self, *host_side: str) -> None:
        super().__init__()
        self._host_side = host_side

    def capabilities(self) -> Mapping[str, Capability]:
        caps = dict(super().capabilities())
        for name in self._host_side:
            caps[name] = Capability(False, "host-side for this test")
        return caps


def _strict(*host_side: str) -> tuple[Hsm, object, object]:
    backend = _HostSide(*host_side)
    loose = Hsm(backend, authorized=True)
    key = loose.import_clear_key(KEY, KeyAttributes("M1", "T", "C"))
    bdk = loose.import_clear_key(BDK, KeyAttributes("B0", "T", "X"))
    return Hsm(backend, authorized=True, require_in_device=True), key, bdk


def test_verify_is_gated() -> None:
    strict, key, _ = _strict("verify_mac")
    good = strict.generate_mac(key, b"data")
    with pytest.raises(UnsupportedOperation) as info:
        strict.verify_mac(key, b"data", good)
    assert (info.value.code, info.value.field) == ("not_in_device", "verify_mac")


def test_the_gate_asks_for_the_keys_own_algorithm() -> None:
    strict, key, bdk = _strict("generate_mac:iso9797-1-alg1")
    with pytest.raises(UnsupportedOperation):
        strict.generate_mac(key, b"data")
    strict.generate_mac(bdk, b"data", ksn=KSN)  # a TDES DUKPT MAC is another variant: still in the device
    strict, key, bdk = _strict("generate_mac:dukpt-T", "verify_mac:dukpt-T")
    with pytest.raises(UnsupportedOperation):
        strict.generate_mac(bdk, b"data", ksn=KSN)
    with pytest.raises(UnsupportedOperation):
        strict.verify_mac(bdk, b"data", bytes(8), ksn=KSN)
    strict.generate_mac(key, b"data")
