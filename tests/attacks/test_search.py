"""A Hypothesis search over the default-state Hsm API for any call sequence that yields a clear PIN or key.

The machine holds a default-state Hsm over a backend where a rig planted keys with published clear values
and PIN blocks of PINs it knows. It generates, imports and exports key blocks, translates, derives DUKPT
keys, computes and verifies MACs, verifies PINs, generates PINs, reads KCVs, encrypts, decrypts and translates
data (with data keys, and with every other key to see it refused), in any order and with any
key in any role. After every step it checks that nothing any call returned or raised, as bytes or as text,
contains a clear PIN, a planted clear PIN block, or the clear bytes of any key the backend holds (planted,
generated, imported or derived: the test reads them from the backend's own records, which no public call
can). Runs on both backends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

import pinsec
from pinsec import KeyAttributes, KeyHandle, _crypto, emv, pinblock
from pinsec.backends import Backend
from pinsec.dukpt import aes as aes_dukpt
from pinsec.dukpt import tdes as tdes_dukpt
from pinsec.errors import PinsecError

from ..conformance.conftest import AES_BDK, AES_ZPK, TDES_TEST_KEY, TDES_ZPK
from .conftest import BACKENDS, World, make_world

PINS = ["83920174", "5019283746", "990011223344"]  # 8-12 digits: no 4-digit PVV or offset equals one by chance
PANS = ["4012345678909", "5413330089604111"]
TDES_KSN, AES_KSN = "FFFF9876543210E00007", "123456789012345600000009"
ATTRIBUTES = [KeyAttributes(*a) for a in (
    ("P0", "T", "B", "00", "E"), ("P0", "A", "B", "00", "E"), ("P0", "T", "E"), ("P0", "A", "D"),
    ("K1", "A", "B", "00", "E"), ("K1", "T", "B", "00", "E"), ("K0", "A", "B"), ("M3", "T", "C", "00", "E"),
    ("M6", "A", "C"), ("B0", "T", "X"), ("B0", "A", "X", "00", "E"), ("V1", "T", "C"), ("V2", "T", "C"),
    ("D0", "A", "B", "00", "E"), ("E0", "T", "X"),
)]
# An EMV card: the derived card and session keys must not come out either (an ARPC for a chosen ARQC would
# be the card key's TDES of MasterCard's session key derivation data: a session key half)
EMV_PAN_BLOCK, EMV_ATC, EMV_UN = emv.pan_block(PANS[0], "01"), bytes.fromhex("001C"), bytes.fromhex("1A2B3C4D")


def _clear_keys(backend: Backend) -> list[bytes]:
    """Every clear key the backend holds, read from its private records (test-only access), and for each
    issuer master key (E0) the card key and session keys of the EMV card the search uses."""
    software = getattr(backend, "_shadow", None) or backend
    keys = [bytes(e.material) for e in software._keys.values()]  # type: ignore[attr-defined]
    for e in software._keys.values():  # type: ignore[attr-defined]
        if e.stored.attributes.usage == "E0" and len(e.material) == 16:
            card = emv.derive_icc_master_key(bytes(e.material), EMV_PAN_BLOCK)
            for r in (emv.common_session_data(EMV_ATC), emv.mastercard_session_data(EMV_ATC, EMV_UN)):
                halves = [r[:2] + bytes([side]) + r[3:] for side in (0xF0, 0x0F)]
                raw = _crypto.tdes_ecb_encrypt(card, b"".join(halves))  # before parity is set: as an oracle gives it
                keys += [emv.derive_session_key(card, r), raw]
            keys.append(card)
    return keys


def _planted_blocks() -> list[tuple[bytes, int, str, str | None, str]]:
    """(block, format, PAN, KSN, key name) of the planted PINs: zone keys, TDES and AES DUKPT terminals."""
    out = []
    tdes_pin_key = tdes_dukpt.derive_working_key(TDES_TEST_KEY, bytes.fromhex(TDES_KSN), tdes_dukpt.KeyUsage.PIN)
    aes_pin_key = aes_dukpt.derive_working_key(AES_BDK, bytes.fromhex(AES_KSN), aes_dukpt.KeyUsage.PIN_ENCRYPTION,
                                               aes_dukpt.KeyType.AES128)
    for pin, pan in zip(PINS, PANS * 2, strict=False):
        out.append((pinblock.encipher(TDES_ZPK, pin, pan, format=0), 0, pan, None, "tdes_zpk"))
        out.append((pinblock.encipher(AES_ZPK, pin, pan, format=4), 4, pan, None, "aes_zpk"))
        out.append((pinblock.encipher(tdes_pin_key, pin, pan, format=0), 0, pan, TDES_KSN, "tdes_bdk"))
        out.append((pinblock.encipher(aes_pin_key, pin, pan, format=4), 4, pan, AES_KSN, "aes_bdk"))
    return out


def _secret_texts() -> list[str]:
    clear_blocks = [pinblock.encode(pin, pan, format=f).hex().upper() for pin in PINS for pan in PANS for f in (0, 3)
                    if f == 0]
    return PINS + clear_blocks


def machine_for(factory: Callable[[], Backend]) -> type[RuleBasedStateMachine]:
    class DefaultStateSearch(RuleBasedStateMachine):
        keys = Bundle("keys")
        blocks = Bundle("blocks")
        key_blocks = Bundle("key_blocks")

        def __init__(self) -> None:
            super().__init__()
            self.world: World = make_world(factory())
            self.hsm = self.world.hsm
            self.seen: list[bytes | str] = []

        def _call(self, fn: Callable[[], Any]) -> Any:
            try:
                out = fn()
            except PinsecError as exc:
                self.seen.append(f"{exc} {exc.code} {exc.field} {exc!r}")
                return None
            if isinstance(out, (bytes, str)):
                self.seen.append(out)
            elif isinstance(out, KeyHandle):
                self.seen.append(repr(out))
            return out

        @initialize(target=keys)
        def planted_keys(self) -> Any:
            return multiple(*self.world.keys.values())

        @initialize(target=blocks)
        def planted_blocks(self) -> Any:
            return multiple(*[(b, f, pan, ksn, self.world.keys[name]) for b, f, pan, ksn, name in _planted_blocks()])

        @rule(target=keys, attributes=st.sampled_from(ATTRIBUTES), long=st.booleans())
        def generate(self, attributes: KeyAttributes, long: bool) -> Any:
            length = {"T": 24, "A": 32}.get(attributes.algorithm.value) if long else None
            return self._call(lambda: self.hsm.generate_key(attributes, length=length)) or multiple()

        @rule(target=key_blocks, key=keys, kbpk=keys, version=st.sampled_from([None, "A", "B", "C", "D", "E"]))
        def export(self, key: KeyHandle, kbpk: KeyHandle, version: str | None) -> Any:
            out = self._call(lambda: self.hsm.export_key_block(key, kbpk=kbpk, version=version))
            return (out, kbpk) if out else multiple()

        @rule(target=keys, item=key_blocks, kbpk=keys, lenient=st.booleans(), same=st.booleans())
        def import_block(self, item: tuple[str, KeyHandle], kbpk: KeyHandle, lenient: bool, same: bool) -> Any:
            block, original = item
            under = original if same else kbpk
            return self._call(lambda: self.hsm.import_key_block(block, kbpk=under, lenient=lenient)) or multiple()

        @rule(target=blocks, item=blocks, dst=keys, dst_format=st.sampled_from([0, 1, 2, 3, 4]),
              dst_ksn=st.sampled_from([None, TDES_KSN, AES_KSN]), pan=st.sampled_from([None, *PANS]))
        def translate(self, item: tuple[bytes, int, str, str | None, KeyHandle], dst: KeyHandle, dst_format: int,
                      dst_ksn: str | None, pan: str | None) -> Any:
            block, fmt, own_pan, ksn, src = item
            use_pan = pan or own_pan
            out = self._call(lambda: self.hsm.translate_pin(block, src_key=src, src_format=fmt, src_ksn=ksn,
                                                            dst_key=dst, dst_format=dst_format, dst_ksn=dst_ksn,
                                                            pan=use_pan))
            return (out, dst_format, use_pan, dst_ksn, dst) if out else multiple()

        @rule(target=keys, bdk=keys, ksn=st.sampled_from([TDES_KSN, AES_KSN]),
              purpose=st.sampled_from(["pin", "mac_request", "mac_response", "data_request", "data_response"]),
              key_type=st.sampled_from([None, "AES128", "AES256", "TDES2", "HMAC128"]),
              attributes=st.sampled_from([None, *ATTRIBUTES]))
        def derive(self, bdk: KeyHandle, ksn: str, purpose: str, key_type: str | None,
                   attributes: KeyAttributes | None) -> Any:
            return self._call(lambda: self.hsm.derive_dukpt_key(bdk, ksn, purpose=purpose, key_type=key_type,
                                                                attributes=attributes)) or multiple()

        @rule(key=keys, data=st.binary(max_size=40), ksn=st.sampled_from([None, TDES_KSN, AES_KSN]))
        def mac(self, key: KeyHandle, data: bytes, ksn: str | None) -> None:
            mac = self._call(lambda: self.hsm.generate_mac(key, data, ksn=ksn))
            if mac is not None:
                self._call(lambda: self.hsm.verify_mac(key, data, mac, ksn=ksn))

        @rule(item=blocks, pvk=keys, method=st.sampled_from(["ibm3624", "visa-pvv"]),
              guess=st.sampled_from(["0000", "1234", "83920174"]))
        def verify(self, item: tuple[bytes, int, str, str | None, KeyHandle], pvk: KeyHandle, method: str,
                   guess: str) -> None:
            block, fmt, pan, ksn, key = item
            self._call(lambda: self.hsm.verify_pin(block, key=key, format=fmt, pan=pan, ksn=ksn, pvk=pvk,
                                                   method=method, offset=guess, pvv=guess[:4], pvki="1",
                                                   validation_data="4012345678909000"))
            self._call(lambda: self.hsm.pin_verification_value(block, key=key, format=fmt, pan=pan, ksn=ksn, pvk=pvk,
                                                               method=method, pvki="1",
                                                               validation_data="4012345678909000"))

        @rule(target=blocks, key=keys, fmt=st.sampled_from([0, 3, 4]), pan=st.sampled_from(PANS))
        def generate_pin(self, key: KeyHandle, fmt: int, pan: str) -> Any:
            out = self._call(lambda: self.hsm.generate_pin(length=8, key=key, format=fmt, pan=pan))
            return (out, fmt, pan, None, key) if out else multiple()

        @rule(target=blocks, pvk=keys, key=keys, fmt=st.sampled_from([0, 3, 4]), pan=st.sampled_from(PANS),
              offset=st.sampled_from(["0000", "1234", "83920174"]))
        def pin_from_offset(self, pvk: KeyHandle, key: KeyHandle, fmt: int, pan: str, offset: str) -> Any:
            out = self._call(lambda: self.hsm.pin_from_offset(offset, pvk=pvk, validation_data="4012345678909000",
                                                              key=key, format=fmt, pan=pan))
            return (out, fmt, pan, None, key) if out else multiple()

        @rule(key=keys, item=blocks)
        def clear_material(self, key: KeyHandle, item: tuple[bytes, int, str, str | None, KeyHandle]) -> None:
            # the Authorised state's calls, tried on the default state
            self._call(lambda: self.hsm.export_clear_key(key))
            self._call(lambda: self.hsm.encrypt_pin(PINS[0], pan=PANS[0], key=key, format=0))
            block, fmt, pan, ksn, src = item
            self._call(lambda: self.hsm.check_pin(block, key=src, format=fmt, pan=pan, ksn=ksn, pin=PINS[0]))
            self._call(lambda: self.hsm.import_rsa_wrapped_key("00" * 256, KeyAttributes("P0", "T", "B"),
                                                               import_token="import-token-" + "0" * 32))

        @rule(key=keys, item=blocks, ksn=st.sampled_from([None, TDES_KSN, AES_KSN]), decrypt=st.booleans(),
              mode=st.sampled_from(["ECB", "CBC"]))
        def data(self, key: KeyHandle, item: tuple[bytes, int, str, str | None, KeyHandle], ksn: str | None,
                 decrypt: bool, mode: str) -> None:
            # data keys on anything: PIN blocks, and their DUKPT data variants on terminal blocks
            crypt = self.hsm.decrypt_data if decrypt else self.hsm.encrypt_data
            self._call(lambda: crypt(key, item[0], mode=mode, ksn=ksn))

        @rule(src=keys, dst=keys, item=blocks, modes=st.sampled_from([("ECB", "ECB"), ("CBC", "ECB"), ("ECB", "CBC")]))
        def translate_data(self, src: KeyHandle, dst: KeyHandle, item: tuple[bytes, int, str, str | None, KeyHandle],
                           modes: tuple[str, str]) -> None:
            # decrypt under one key and encrypt under another: PIN blocks through any pair of keys
            self._call(lambda: self.hsm.translate_data(item[0], src_key=src, dst_key=dst, src_mode=modes[0],
                                                       dst_mode=modes[1]))

        @rule(key=keys, session=st.sampled_from(["none", "common", "mastercard"]),
              arc=st.binary(min_size=2, max_size=2), chosen=st.sampled_from([0xF0, 0x0F, None]),
              data=st.binary(min_size=1, max_size=40), arpc_key=st.sampled_from(["card", "session"]))
        def emv_cryptogram(self, key: KeyHandle, session: str, arc: bytes, chosen: int | None, data: bytes,
                           arpc_key: str) -> None:
            # an ARQC chosen so that ARQC XOR ARC is MasterCard's session key derivation block (left or right)
            r = bytearray(emv.mastercard_session_data(EMV_ATC, EMV_UN))
            arqc = bytes(8) if chosen is None else bytes(x ^ y for x, y in zip(
                bytes(r[:2]) + bytes([chosen]) + bytes(r[3:]), arc + bytes(6), strict=True))
            self._call(lambda: self.hsm.verify_arqc(key, arqc, pan_block=EMV_PAN_BLOCK, data=data,
                                                    session_key=session,  # type: ignore[arg-type]
                                                    atc=EMV_ATC, unpredictable_number=EMV_UN, arc=arc,
                                                    arpc_key=arpc_key))  # type: ignore[arg-type]

        @rule(key=keys)
        def kcv(self, key: KeyHandle) -> None:
            self._call(lambda: self.hsm.kcv(key))
            self._call(lambda: self.hsm.stored_key_block(key))
            self._call(lambda: self.hsm.check_value(key, length=8))
            self._call(lambda: self.hsm.check_value(key, method="cmac", length=16))

        @invariant()
        def nothing_clear_came_out(self) -> None:
            texts = _secret_texts()
            key_parts = set()
            for k in _clear_keys(self.world.backend):
                key_parts.add(k)
                key_parts.update(k[i:i + 8] for i in range(0, len(k) - 7, 8))
            for out in self.seen:
                raw = out if isinstance(out, bytes) else b""
                text = out.upper() if isinstance(out, str) else out.hex().upper()
                for part in key_parts:
                    assert part not in raw and part.hex().upper() not in text, "a clear key came out"
                for secret in texts:
                    assert secret not in text, "a clear PIN or PIN block came out"
            self.seen.clear()

    return DefaultStateSearch


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_no_call_sequence_yields_a_clear_pin_or_key(backend: str) -> None:
    runs = {"software": 100, "pkcs11": 40}[backend]
    run_state_machine_as_test(machine_for(BACKENDS[backend]), settings=settings(
        max_examples=runs, stateful_step_count=30, deadline=None, suppress_health_check=list(HealthCheck)))


def test_the_invariant_catches_a_leak() -> None:
    """The check itself: a machine whose Hsm is in the Authorised state and exports a key clear is caught."""
    world = make_world(BACKENDS["software"]())
    machine = machine_for(BACKENDS["software"])()
    machine.world, machine.seen = world, [world.rig.export_clear_key(world.keys["tdes_zpk"])]
    with pytest.raises(AssertionError, match="clear key"):
        machine.nothing_clear_came_out()
    machine.seen = [pinsec.pinblock.encode(PINS[0], PANS[0]).hex()]
    with pytest.raises(AssertionError, match="clear PIN"):
        machine.nothing_clear_came_out()
