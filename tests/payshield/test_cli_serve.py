"""``pinsec serve payshield`` as a user runs it: a process that listens, answers, and stops on SIGTERM."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pinsec.variant_lmk import TEST_LMK, VariantLmk

from .client import Client


def _serve(*extra: str) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen([sys.executable, "-m", "pinsec", "serve", "payshield", "--port", "0", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for _ in range(20):
        line = proc.stderr.readline()
        found = re.search(r"host commands on 127\.0\.0\.1:(\d+), header", line)
        if found:
            return proc, int(found.group(1))
    proc.kill()
    raise AssertionError("the server did not say where it listens")


def test_serve_answers_and_stops_on_sigterm() -> None:
    proc, port = _serve("--header-length", "2")
    try:
        with Client(("127.0.0.1", port), header="HH") as c:
            assert c.call("NC") == ("ND", "00", VariantLmk.test().check_value() + "0001-PSEC")
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert "stopped serving" in out


def test_serve_with_a_secret_variant_lmk_file(tmp_path: Path) -> None:
    lmk = tmp_path / "variant.lmk"
    pairs = list(TEST_LMK)
    pairs[0] = "0123456789ABCDEFFEDCBA9876543210"
    lmk.write_text("; a variant LMK\n" + "\n".join(pairs) + "\n")
    proc, port = _serve("--variant-lmk", str(lmk))
    try:
        with Client(("127.0.0.1", port)) as c:
            assert c.call("NC")[2][:16] == VariantLmk.load(lmk).check_value() != VariantLmk.test().check_value()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=20)


def test_the_public_test_lmk_never_shares_a_server_with_a_key_block_lmk(tmp_path: Path) -> None:
    lmk = tmp_path / "lmk.hex"
    lmk.write_text("00112233445566778899AABBCCDDEEFF" * 2 + "\n")
    lmk.chmod(0o600)
    done = subprocess.run([sys.executable, "-m", "pinsec", "serve", "payshield", "--lmk-file", str(lmk)],
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr.count("\n")) == (2, 1)
    assert "test_lmk_with_keystore" in done.stderr


@pytest.mark.parametrize(("argv", "code"), [
    (["--port", "70000"], "port"),
    (["--variant-lmk", "/no/such/file"], "variant_lmk_file"),
    (["--tls-cert", "x.pem"], "--tls-cert"),
    (["--lmk-file", "/no/such/lmk"], "lmk_missing"),
])
def test_serve_refuses_bad_options_in_one_line(argv: list[str], code: str) -> None:
    done = subprocess.run([sys.executable, "-m", "pinsec", "serve", "payshield", *argv], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert code in done.stderr


def test_serve_with_key_change_storage_migrates_keys(tmp_path: Path) -> None:
    import secrets

    from pinsec.variant_lmk import unwrap_under, wrap_under

    files = []
    for name in ("old.lmk", "new.lmk"):
        path = tmp_path / name
        path.write_text("\n".join(secrets.token_hex(16).upper() for _ in range(20)) + "\n")
        files.append(path)
    old, new = (VariantLmk.load(p) for p in files)
    zpk = bytes.fromhex("C7152C20BC2C830EA7EC9E8334ABE3FE")
    proc, port = _serve("--variant-lmk", str(files[1]), "--old-variant-lmk", str(files[0]))
    try:
        with Client(("127.0.0.1", port)) as c:
            reply = c.call("BW011" + wrap_under(old.kek("001"), zpk, "U"))
        assert reply[1] == "00" and unwrap_under(new.kek("001"), reply[2]) == ("U", zpk)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=20)
