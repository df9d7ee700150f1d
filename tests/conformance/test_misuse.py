"""Misuse attempts, each refused with the right error and code, on every backend."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pinsec import KeyAttributes, pinblock
from pinsec.errors import DataError, KeyPolicyError, PinsecError

from .conftest import TDES_TEST_KEY, TDES_ZPK, Keys

PAN = "4012345678909"
FORBIDDEN = [(s, d) for s in range(5) for d in range(5)
             if d not in {0: {0, 3, 4}, 1: {0, 1, 3, 4}, 2: {2}, 3: {0, 3, 4}, 4: {0, 3, 4}}[s]]


def test_forbidden_matrix_is_the_pci_complement() -> None:
    assert sorted(FORBIDDEN) == [(0, 1), (0, 2), (1, 2), (2, 0), (2, 1), (2, 3), (2, 4), (3, 1), (3, 2), (4, 1),
                                 (4, 2)]


@pytest.mark.parametrize(("src_format", "dst_format"), FORBIDDEN)
def test_every_forbidden_translation(keys: Keys, src_format: int, dst_format: int) -> None:
    src = keys.aes_zpk if src_format == 4 else keys.tdes_zpk
    dst = keys.aes_zpk if dst_format == 4 else keys.tdes_zpk
    block = bytes(pinblock.block_size(src_format))
    with pytest.raises(KeyPolicyError) as info:
        keys.hsm.translate_pin(block, src_key=src, src_format=src_format, dst_key=dst, dst_format=dst_format,
                               pan=PAN)
    assert info.value.code == "forbidden_translation"


def _attempts(k: Keys) -> list[tuple[str, Callable[[], object], type[PinsecError], str]]:
    hsm = k.hsm
    mac_key = hsm.import_clear_key(TDES_TEST_KEY, KeyAttributes("M3", "T", "C"))
    encrypt_only = hsm.import_clear_key(TDES_ZPK, KeyAttributes("P0", "T", "E"))
    decrypt_only = hsm.import_clear_key(TDES_ZPK, KeyAttributes("P0", "T", "D"))
    block = pinblock.encipher(TDES_ZPK, "1234", PAN)

    def tr(src: object, dst: object, sf: int = 0, df: int = 0, **kw: object) -> Callable[[], object]:
        return lambda: hsm.translate_pin(block if sf != 4 else bytes(16), src_key=src, src_format=sf,  # type: ignore[arg-type]
                                         dst_key=dst, dst_format=df, pan=PAN, **kw)  # type: ignore[arg-type]

    return [
        ("MAC key decrypting a PIN", tr(mac_key, k.tdes_zpk), KeyPolicyError, "wrong_usage"),
        ("MAC key encrypting a PIN", tr(k.tdes_zpk, mac_key), KeyPolicyError, "wrong_usage"),
        ("KBPK as a PIN key", tr(k.tdes_kbpk, k.tdes_zpk), KeyPolicyError, "wrong_usage"),
        ("BDK decrypting without a KSN", tr(k.tdes_bdk, k.tdes_zpk), KeyPolicyError, "dukpt_ksn"),
        ("BDK encrypting without a KSN", tr(k.tdes_zpk, k.tdes_bdk), KeyPolicyError, "dukpt_ksn"),
        ("BDK encrypting a PIN directly",
         lambda: hsm.encrypt_pin("1234", pan=PAN, key=k.tdes_bdk, format=0), KeyPolicyError, "dukpt_ksn"),
        ("KSN with a zone key", tr(k.tdes_zpk, k.tdes_zpk, src_ksn="FFFF9876543210E00001"), KeyPolicyError,
         "dukpt_ksn"),
        ("P0 mode E decrypting", tr(encrypt_only, k.tdes_zpk), KeyPolicyError, "wrong_mode"),
        ("P0 mode D encrypting", tr(k.tdes_zpk, decrypt_only), KeyPolicyError, "wrong_mode"),
        ("ISO 4 under a TDES key", tr(k.tdes_zpk, k.tdes_zpk, 0, 4), KeyPolicyError, "wrong_algorithm"),
        ("ISO 0 under an AES key", tr(k.tdes_zpk, k.aes_zpk, 0, 0), KeyPolicyError, "wrong_algorithm"),
        ("ISO 4 source under a TDES key", tr(k.tdes_zpk, k.aes_zpk, 4, 4), KeyPolicyError, "wrong_algorithm"),
        ("PAN change", tr(k.tdes_zpk, k.tdes_zpk, dst_pan="4012345678917"), KeyPolicyError, "pan_change"),
        ("format 5", tr(k.tdes_zpk, k.tdes_zpk, 0, 5), DataError, "invalid_data"),
        ("PIN key making a MAC", lambda: hsm.generate_mac(k.tdes_zpk, b"data"), KeyPolicyError, "wrong_usage"),
        ("M3 key asked for CMAC", lambda: hsm.generate_mac(mac_key, b"x", algorithm="cmac"), KeyPolicyError,
         "wrong_usage"),
        ("BDK wrapping a key block", lambda: hsm.export_key_block(k.tdes_zpk, kbpk=k.tdes_bdk), KeyPolicyError,
         "wrong_usage"),
        ("PIN key unwrapping a key block", lambda: hsm.import_key_block("A0072P0TE00E0000" + "0" * 56,
                                                                      kbpk=k.tdes_zpk), KeyPolicyError,
         "wrong_usage"),
    ]


def test_misuse_table(keys: Keys) -> None:
    attempts = _attempts(keys)
    assert len(attempts) >= 18
    for name, call, error, code in attempts:
        with pytest.raises(error) as info:
            call()
        assert type(info.value) is error, name
        assert info.value.code == code, name


def test_generate_only_mac_key_cannot_verify(keys: Keys) -> None:
    gen_only = keys.hsm.import_clear_key(TDES_TEST_KEY, KeyAttributes("M3", "T", "G"))
    mac = keys.hsm.generate_mac(gen_only, b"message")
    with pytest.raises(KeyPolicyError) as info:
        keys.hsm.verify_mac(gen_only, b"message", mac)
    assert info.value.code == "wrong_mode"
