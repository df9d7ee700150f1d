"""The PKCS#11 backend on SoftHSMv2: AES DUKPT inside the token bit-identical to the software backend,
key templates, hybrid refusals, error mapping, and threads hammering the token."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest

import pinsec
from pinsec import KeyAttributes, kcv, pinblock
from pinsec.dukpt import aes
from pinsec.errors import BackendError, DataError, PinsecError, UnsupportedOperation

from .softhsm import LABEL, PIN, pkcs11_backend, softhsm_module

BDK128 = bytes.fromhex("FEDCBA9876543210F1F1F1F1F1F1F1F1")  # X9.24-3:2017 supplement
BDK256 = BDK128 * 2
ZPK = bytes.fromhex("F039121BEC83D26B169BDCD5B22AAF8F")


@pytest.fixture
def backend():  # type: ignore[no-untyped-def]
    b = pkcs11_backend()
    yield b
    b.close()


def _extractable_key(backend, bdk: pinsec.KeyHandle, ksn: bytes, usage: aes.KeyUsage, kt: aes.KeyType) -> bytes:  # type: ignore[no-untyped-def]
    """Tests only: derive the same key in the token as an extractable copy and read it."""
    a = backend._p.Attribute
    obj = backend._aes_dukpt_key(bdk, ksn, usage, kt, {a.TOKEN: False, a.SENSITIVE: False, a.EXTRACTABLE: True})
    try:
        return bytes(obj[a.VALUE])
    finally:
        obj.destroy()


@pytest.mark.parametrize("bdk", [BDK128, BDK128 + BDK128[:8], BDK256], ids=["AES-128", "AES-192", "AES-256"])
def test_aes_dukpt_in_the_token_is_bit_identical(backend, bdk: bytes) -> None:  # type: ignore[no-untyped-def]
    hsm = pinsec.Hsm(backend, authorized=True)
    h = hsm.import_clear_key(bdk, KeyAttributes("B0", "A", "X", "00", "N"))
    rng = random.Random(len(bdk))
    ksns = [bytes.fromhex("1234567890123456000000" + c) for c in ("01", "02", "08")]
    ksns += [bytes.fromhex("1234567890123456") + c.to_bytes(4, "big")
             for c in (rng.randrange(1, 1 << 32) for _ in range(40)) if c.bit_count() <= 16]
    for ksn in ksns:
        for usage, kt in ((aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128),
                          (aes.KeyUsage.DATA_ENCRYPTION_BOTH_WAYS, aes.BDK_KEY_TYPES[len(bdk)])):
            assert _extractable_key(backend, h, ksn, usage, kt) == aes.derive_working_key(bdk, ksn, usage, kt)


def test_published_pin_key_kcv_from_the_token(backend) -> None:  # type: ignore[no-untyped-def]
    hsm = pinsec.Hsm(backend, require_in_device=True, authorized=True)
    bdk = hsm.import_clear_key(BDK128, KeyAttributes("B0", "A", "X", "00", "N"))
    software = pinsec.Hsm(authorized=True)
    sbdk = software.import_clear_key(BDK128, KeyAttributes("B0", "A", "X", "00", "N"))
    for ksn in ("123456789012345600000001", "1234567890123456FFFF0000"):
        k = hsm.derive_dukpt_key(bdk, ksn, purpose="pin")  # entirely in the token, allowed in-device
        assert k.kcv == software.derive_dukpt_key(sbdk, ksn, purpose="pin").kcv
    assert bdk.kcv == sbdk.kcv  # derive-only BDK: KCV through derived copies of E(K, .) in the token


def test_templates_are_complete_and_minimal(backend) -> None:  # type: ignore[no-untyped-def]
    hsm = pinsec.Hsm(backend, authorized=True)
    a = backend._p.Attribute
    bdk = hsm.import_clear_key(BDK128, KeyAttributes("B0", "A", "X"))
    enc_only = hsm.import_clear_key(ZPK, KeyAttributes("P0", "T", "E"))
    objects = backend._objects
    b, e = objects[bdk.id], objects[enc_only.id]
    assert (b[a.DERIVE], b[a.ENCRYPT], b[a.DECRYPT], b[a.SIGN], b[a.SENSITIVE], b[a.EXTRACTABLE]) == (
        True, False, False, False, True, False)
    assert (e[a.ENCRYPT], e[a.DECRYPT], e[a.DERIVE], e[a.WRAP]) == (True, False, False, False)


def test_in_device_policy(backend) -> None:  # type: ignore[no-untyped-def]
    hsm = pinsec.Hsm(backend, require_in_device=True, authorized=True)
    zpk = hsm.import_clear_key(ZPK, KeyAttributes("P0", "T", "B"))
    m6 = hsm.import_clear_key(BDK128, KeyAttributes("M6", "A", "C"))
    m3 = hsm.import_clear_key(ZPK, KeyAttributes("M3", "T", "C"))
    hsm.verify_mac(m6, b"data", hsm.generate_mac(m6, b"data"))  # CMAC in the token
    with pytest.raises(UnsupportedOperation):
        hsm.generate_mac(m3, b"data")  # retail MAC is hybrid
    block = pinblock.encipher(ZPK, "1234", "4012345678909")
    with pytest.raises(UnsupportedOperation):
        hsm.translate_pin(block, src_key=zpk, src_format=0, dst_key=zpk, dst_format=3, pan="4012345678909")
    caps = backend.capabilities()
    assert not caps["translate_pin"].in_device and caps["derive_dukpt_key:A"].in_device
    mk_ac = hsm.import_clear_key(ZPK, KeyAttributes("E0", "T", "X"))
    with pytest.raises(UnsupportedOperation):  # EMV key derivation has no PKCS#11 mechanism: hybrid
        hsm.verify_arqc(mk_ac, bytes(8), pan_block=bytes(8), data=b"data")


def test_without_hybrid_mode_host_operations_are_unsupported() -> None:
    b = pkcs11_backend(hybrid=False)
    try:
        hsm = pinsec.Hsm(b, authorized=True)
        zpk = hsm.import_clear_key(ZPK, KeyAttributes("P0", "T", "B"))
        assert zpk.kcv == hsm.kcv(zpk) == kcv.legacy_kcv(ZPK)  # computed by the token, equal to the host's
        block = pinblock.encipher(ZPK, "1234", "4012345678909")
        with pytest.raises(UnsupportedOperation):
            hsm.translate_pin(block, src_key=zpk, src_format=0, dst_key=zpk, dst_format=0, pan="4012345678909")
        generated = hsm.generate_key(KeyAttributes("P0", "A", "B"))  # generated inside the token
        assert len(generated.kcv) == 10
    finally:
        b.close()


@pytest.mark.parametrize("data", [b"", bytes(256), "data"])
def test_transaction_data_is_checked_before_the_device_is_asked(data: object) -> None:
    # without hybrid mode the backend cannot compute a cryptogram at all: an input error must come first
    b = pkcs11_backend(hybrid=False)
    try:
        hsm = pinsec.Hsm(b, authorized=True)
        mk_ac = hsm.import_clear_key(ZPK, KeyAttributes("E0", "T", "X"))
        with pytest.raises(DataError) as raised:
            hsm.verify_arqc(mk_ac, bytes(8), pan_block=bytes(8), data=data)  # type: ignore[arg-type]
        assert raised.value.field == "data"
        with pytest.raises(UnsupportedOperation):
            hsm.verify_arqc(mk_ac, bytes(8), pan_block=bytes(8), data=bytes(255))
    finally:
        b.close()


def test_device_errors_map_to_backend_errors() -> None:
    from pinsec.backends.pkcs11 import Pkcs11Backend

    with pytest.raises(PinsecError) as info:
        Pkcs11Backend(softhsm_module(), "no-such-token-label", PIN)
    assert isinstance(info.value, BackendError) and info.value.__cause__ is not None


def test_threads_deriving_and_translating_on_the_token(backend) -> None:  # type: ignore[no-untyped-def]
    hsm = pinsec.Hsm(backend, authorized=True)
    bdk = hsm.import_clear_key(BDK128, KeyAttributes("B0", "A", "X", "00", "N"))
    zpk = hsm.import_clear_key(ZPK, KeyAttributes("P0", "T", "B"))

    def work(seed: int) -> int:
        done = 0
        for i in range(25):
            ksn = bytes.fromhex("1234567890123456") + (seed * 1000 + i + 1).to_bytes(4, "big")
            k = hsm.derive_dukpt_key(bdk, ksn, purpose="pin")
            assert k.kcv == pinsec.Hsm(authorized=True).import_clear_key(
                aes.derive_working_key(BDK128, ksn, aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128),
                KeyAttributes("P0", "A", "B")).kcv
            hsm.destroy(k)
            pan = f"4{seed:03d}{i:012d}"
            block = pinblock.encipher(ZPK, "4321", pan)
            out = hsm.translate_pin(block, src_key=zpk, src_format=0, dst_key=zpk, dst_format=3, pan=pan)
            assert pinblock.decipher(ZPK, out, pan, format=3) == "4321"
            done += 1
        return done

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert sum(pool.map(work, range(4))) == 100


def test_label_and_module_are_what_the_docs_say() -> None:
    assert softhsm_module().endswith("libsofthsm2.so") and LABEL


_PROCESS = """
import json, sys
import pinsec
from pinsec.backends.pkcs11 import Pkcs11Backend
module, label, pin, step = sys.argv[1:5]
hsm = pinsec.Hsm(Pkcs11Backend(module, label, pin), authorized=True)
if step == "make":
    a = hsm.generate_key(pinsec.KeyAttributes("P0", "A", "B"), label="zone key")
    b = hsm.import_clear_key(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"), pinsec.KeyAttributes("M1", "T", "C"))
    print(json.dumps({h.id: [h.attributes.letters(), h.kcv, h.label] for h in (a, b)}))
else:
    keys = hsm.list_keys()
    mac = hsm.generate_mac(next(k for k in keys if k.attributes.usage.value == "M1"), b"data").hex()
    print(json.dumps({"keys": {h.id: [h.attributes.letters(), h.kcv, h.label] for h in keys}, "mac": mac,
                      "by_label": hsm.key("zone key").id}))
"""


def test_token_keys_outlive_the_process() -> None:
    import json
    import os
    import subprocess
    import sys

    from pinsec import mac

    from .softhsm import PERSISTENT_LABEL

    module = softhsm_module()

    def run(step: str) -> dict[str, object]:
        done = subprocess.run([sys.executable, "-c", _PROCESS, module, PERSISTENT_LABEL, PIN, step],
                              capture_output=True, text=True, check=False, env=os.environ.copy())
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)  # type: ignore[no-any-return]

    made = run("make")
    seen = run("use")
    assert seen["keys"] == made  # ids, attributes, KCVs and labels, found again by another process
    assert seen["by_label"] == next(k for k, v in made.items() if v[2] == "zone key")
    # the MAC key computes in the token after the restart: ISO 9797-1 alg 1 under the classic test key
    assert seen["mac"] == mac.cbc_mac(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"), b"data").hex()


def test_wrong_module_pin_and_token_name_the_cause() -> None:
    from pinsec.backends.pkcs11 import Pkcs11Backend

    with pytest.raises(BackendError) as info:
        Pkcs11Backend("/no/such/libpkcs11.so", LABEL, PIN)
    assert info.value.code == "module_unavailable" and "cannot open shared object file" in str(info.value)
    with pytest.raises(PinsecError) as info:
        Pkcs11Backend(softhsm_module(), LABEL, "000000")
    assert info.value.code == "pin_incorrect" and "000000" not in str(info.value)
    with pytest.raises(BackendError) as info:
        Pkcs11Backend(softhsm_module(), "no-such-token-label", PIN)
    assert info.value.code == "no_such_token"
