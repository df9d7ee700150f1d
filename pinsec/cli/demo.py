"""``pinsec demo``: an acquirer's day on the embedded software HSM, checking itself as it goes.

1. tier 1: the published ISO 9564-1 format 0 clear block;
2. a key ceremony in the Authorised state: the BDK enters as two XOR components, each checked by its KCV,
   into a key store under an LMK;
3. production, the default state, over the same key store: the terminal's DUKPT PIN block (the published
   ANSI X9.24-1:2009 A.4 block) is translated to a zone key generated inside, as ISO 9564-1 format 4;
   clear key import is refused;
4. the zone key leaves as a TR-31 version D key block under a KBPK, and comes back with the same KCV;
5. the test rig (Authorised state) checks that the translated block holds the PIN;
6. a payShield in test mode on a loopback socket answers a CA host command (TPK to ZPK) with the value
   ThalesSim publishes for it;
7. on the same socket, an issuer's chip card check: KQ verifies an ARQC under the MK-AC (the card key it
   derives is the one pyemv documents for that card) and answers with the ARPC; a changed amount gets 01;
8. an AWS Payment Cryptography endpoint answers CreateKey and GetKey as boto3 would send them.
"""

from __future__ import annotations

import argparse
import secrets
import socket
import tempfile
from pathlib import Path

from .. import Hsm, KeyAttributes, emv, pinblock
from .._crypto import xor
from .._hex import to_hex
from ..backends.software import check_value
from ..errors import KeyPolicyError, VerificationError
from . import Output, Parser, add_command

# Published: ANSI X9.24-1:2009 Annex A.4 (BDK, KSN, PIN 1234, PAN 4012345678909, encrypted PIN block).
BDK = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
KSN = "FFFF9876543210E00001"
ORDER = 0  # first in --help
PIN, PAN = "1234", "4012345678909"
TERMINAL_BLOCK = "1B9C1845EB993A7A"


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise VerificationError(f"demo step failed: {what}", code="demo_failed")


def _demo(args: argparse.Namespace) -> Output:
    lines: list[str] = []
    clear = pinblock.encode(PIN, PAN, format=0)
    _check(to_hex(clear) == "041274EDCBA9876F", "ISO 0 clear block differs from X9.24-1 A.4")
    lines.append(f"1. tier 1: ISO 9564 format 0 clear block for the X9.24-1 A.4 test PIN: {to_hex(clear)}")

    with tempfile.TemporaryDirectory(prefix="pinsec-demo-") as folder:
        store, lmk = Path(folder) / "keys.json", secrets.token_bytes(32)
        ceremony = Hsm(keystore=store, lmk=lmk, authorized=True)
        first = secrets.token_bytes(16)
        components = [first, xor(first, BDK)]
        kcvs = [check_value(c, "T") for c in components]
        bdk = ceremony.import_key_components(components, KeyAttributes("B0", "T", "X"), kcvs=kcvs, kcv="08D7B4")
        lines.append(f"2. key ceremony (Authorised state): BDK from 2 components (KCVs {', '.join(kcvs)}) -> "
                     f"KCV {bdk.kcv}, in a key store under a 256-bit LMK")

        hsm = Hsm(keystore=store, lmk=lmk)
        bdk = hsm.key(bdk.id)
        zone = hsm.generate_key(KeyAttributes("P0", "A", "B"), length=16)
        out = hsm.translate_pin(TERMINAL_BLOCK, src_key=bdk, src_format=0, src_ksn=KSN, dst_key=zone,
                                dst_format=4, pan=PAN)
        try:
            hsm.import_clear_key(BDK, KeyAttributes("B0", "T", "X"))
            refused = ""
        except KeyPolicyError as exc:
            refused = exc.code
        _check(refused == "not_authorized", "the default state took a clear key")
        lines.append(f"3. production (default state): terminal PIN block {TERMINAL_BLOCK} (ISO 0, DUKPT, KSN {KSN})"
                     f" -> zone key {zone.kcv} ISO 4: {to_hex(out)}; clear key import refused ({refused})")

        kbpk = hsm.generate_key(KeyAttributes("K1", "A", "B"), length=32)
        exportable = hsm.generate_key(KeyAttributes("P0", "A", "B", "00", "E"), length=16)
        block = hsm.export_key_block(exportable, kbpk=kbpk, version="D")
        back = hsm.import_key_block(block, kbpk=kbpk)
        _check(back.kcv == exportable.kcv and back.attributes == exportable.attributes, "key block round trip")
        lines.append(f"4. an exportable zone key as a TR-31 key block under an AES-256 KBPK: {block[:16]}... "
                     f"({len(block)} chars); unwrapped again, KCV {back.kcv}")

        rig = Hsm(keystore=store, lmk=lmk, authorized=True)
        rig.check_pin(out, key=rig.key(zone.id), format=4, pan=PAN, pin=PIN)
        as_terminal = rig.encrypt_pin(PIN, pan=PAN, key=rig.key(bdk.id), ksn=KSN, format=0)
        _check(to_hex(as_terminal) == TERMINAL_BLOCK, "DUKPT PIN block differs from X9.24-1 A.4")
        lines.append(f"5. test rig (Authorised state): the ISO 4 block holds PIN {PIN}; the terminal's block "
                     f"re-made is {to_hex(as_terminal)}, as X9.24-1 A.4 publishes")
    lines += _payshield_steps()
    lines.append(_aws_step())
    lines.append("demo: all steps checked")
    data = {"ok": True, "bdk_kcv": bdk.kcv, "zone_pin_block": to_hex(out), "key_block_header": block[:16]}
    return Output("\n".join(lines), data)


# ThalesSim's host command test (TestTranslatePINFromTPKToZMK): TPK and ZPK under the test LMK, ISO 0 PIN
# block of 1234 for account 550000025321, and the CB response it gives.
CA_FIELDS = (b"U8463435FC4B4DAA0C49025272C29B12CU1EF828AA8F6B80EB83E19FBC373F3A85126428EB94035AF53B0101"
             b"550000025321")
CB_FIELDS = b"0491DDDA0A7C12CFAA01"


# The MK-AC: the classic test key as key type 109 (LMK pair 28-29 variant 1) under the test LMK; the card:
# pyemv 1.5.0's documented option A example (PAN 12345678901234567, PSN 01 -> card key 73AD...19F1).
MK_AC = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
CARD = ("12345678901234567", "01")
CARD_KEY = "73AD54688CEF2934B0979857E3C719F1"
# CDOL1 data of a purchase: amount 10.00, country and currency 0840, date, type, UN, AIP, ATC, CVR
ARQC_DATA = bytes.fromhex("000000001000000000000000084000000000000840251201001A2B3C4D5800001C03A4A000")


def _exchange(conn: socket.socket, request: bytes) -> bytes:
    """One host command on a payShield connection: length-prefixed out, the whole answer back."""
    conn.sendall(len(request).to_bytes(2, "big") + request)
    reply = b""
    while len(reply) < 2 or len(reply) < 2 + int.from_bytes(reply[:2], "big"):
        chunk = conn.recv(4096)
        if not chunk:
            break
        reply += chunk
    return reply[2:]


def _kq(arqc: bytes, data: bytes) -> bytes:
    from ..variant_lmk import VariantLmk, wrap_under

    key = wrap_under(VariantLmk.test().kek("109"), MK_AC, "U").encode()
    fields = emv.pan_block(*CARD) + bytes.fromhex("001C") + bytes(4) + b"%02X" % len(data) + data + b";"
    return b"0002KQ10" + key + fields + arqc + b"00"


def _payshield_steps() -> list[str]:
    from ..payshield import PayShieldServer, hsm_in_test_mode, running

    card = emv.derive_icc_master_key(MK_AC, emv.pan_block(*CARD))
    _check(to_hex(card) == CARD_KEY, "the card key differs from pyemv's documented example")
    arqc = emv.application_cryptogram(card, ARQC_DATA)  # what the card sends (scheme 0: the card key itself)
    changed = ARQC_DATA[:5] + b"\x20" + ARQC_DATA[6:]  # the amount, 10.00 -> 20.00
    with running(PayShieldServer(hsm_in_test_mode())) as at, \
            socket.create_connection((at.host, at.port), timeout=10) as conn:
        ca = _exchange(conn, b"0001CA" + CA_FIELDS)
        kq, forged = _exchange(conn, _kq(arqc, ARQC_DATA)), _exchange(conn, _kq(arqc, changed))
    _check(ca == b"0001CB00" + CB_FIELDS, "the payShield server's CA answer differs from ThalesSim's")
    arpc = emv.arpc_method_1(card, arqc, b"00")
    _check(kq == b"0002KR00" + arpc and forged == b"0002KR01", "the payShield server's KQ answers are wrong")
    return [f"6. payShield in test mode on {at.host}:{at.port}: CA (TPK to ZPK) -> CB00 "
            f"{CB_FIELDS.decode()}, as ThalesSim publishes",
            f"7. same socket, issuer: KQ verifies ARQC {to_hex(arqc)} of card key {CARD_KEY} (as pyemv documents "
            f"it) -> KR00 with ARPC {to_hex(arpc)}; the amount changed -> KR01"]


def _aws_step() -> str:
    try:
        from ..aws import make_server, running
    except ImportError:  # h11, the aws extra, is not installed
        return "8. AWS Payment Cryptography endpoint: skipped (pip install 'pinsec[aws]')"
    import http.client
    import json

    def call(port: int, operation: str, body: dict[str, object]) -> dict[str, object]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("POST", "/", json.dumps(body), {"X-Amz-Target": f"PaymentCryptographyControlPlane.{operation}",
                                                     "Content-Type": "application/x-amz-json-1.0"})
        reply = conn.getresponse()
        out: dict[str, object] = json.loads(reply.read())
        conn.close()
        _check(reply.status == 200, f"the AWS endpoint refused {operation}: {out}")
        return out

    modes = {"Encrypt": True, "Decrypt": True, "Wrap": True, "Unwrap": True}
    with running(make_server()) as at:
        created = call(at.port, "CreateKey", {"KeyAttributes": {
            "KeyUsage": "TR31_P0_PIN_ENCRYPTION_KEY", "KeyClass": "SYMMETRIC_KEY", "KeyAlgorithm": "AES_128",
            "KeyModesOfUse": modes}, "Exportable": False})["Key"]
        assert isinstance(created, dict)
        got = call(at.port, "GetKey", {"KeyIdentifier": created["KeyArn"]})["Key"]
    _check(isinstance(got, dict) and got["KeyCheckValue"] == created["KeyCheckValue"], "GetKey differs")
    return (f"8. AWS Payment Cryptography endpoint on {at.url}: CreateKey -> {created['KeyArn']} "
            f"(KCV {created['KeyCheckValue']}), GetKey gives it back")


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    add_command(sub, "demo", _demo, "an end-to-end demo on the embedded software HSM")
