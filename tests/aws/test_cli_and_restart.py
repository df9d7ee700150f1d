"""``pinsec serve aws`` as a user runs it, and state that survives a restart: keys, records, aliases, tags."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pinsec.aws import make_server, running

from .conftest import attributes, clients_for

LMK = "00112233445566778899AABBCCDDEEFF0123456789ABCDEFFEDCBA9876543210"
PEK = attributes("TR31_P0_PIN_ENCRYPTION_KEY", "AES_128", "Encrypt", "Decrypt", "Wrap", "Unwrap")


def _lmk_file(tmp_path: Path) -> Path:
    path = tmp_path / "lmk.hex"
    path.write_text(LMK + "\n")
    path.chmod(0o600)
    return path


def test_keys_aliases_and_tags_survive_a_restart(tmp_path: Path) -> None:
    store, lmk = tmp_path / "keys.json", _lmk_file(tmp_path)
    with running(make_server(store, lmk_file=lmk)) as at:
        aws = clients_for(at)
        key = aws.control.create_key(KeyAttributes=PEK, Exportable=False, Tags=[{"Key": "k", "Value": "v"}])["Key"]
        aws.control.create_alias(AliasName="alias/kept", KeyArn=key["KeyArn"])
        aws.control.stop_key_usage(KeyIdentifier=key["KeyArn"])
    with running(make_server(store, lmk_file=lmk)) as at:
        aws = clients_for(at)
        again = aws.control.get_key(KeyIdentifier="alias/kept")["Key"]
        assert (again["KeyArn"], again["KeyCheckValue"], again["Enabled"]) == (key["KeyArn"], key["KeyCheckValue"],
                                                                                 False)
        assert aws.control.list_tags_for_resource(ResourceArn=key["KeyArn"])["Tags"] == [{"Key": "k", "Value": "v"}]
    assert oct(Path(f"{store}.aws.json").stat().st_mode & 0o777) == "0o600"


def test_serve_aws_runs_until_sigterm(tmp_path: Path) -> None:
    lmk = _lmk_file(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "pinsec", "serve", "aws", "--port", "0", "--keystore",
                             str(tmp_path / "k.json"), "--lmk-file", str(lmk)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    try:
        for _ in range(20):
            found = re.search(r"endpoint on http://127\.0\.0\.1:(\d+)", proc.stderr.readline())
            if found:
                break
        else:
            raise AssertionError("the endpoint did not say where it listens")
        from pinsec.aws import RunningServer

        aws = clients_for(RunningServer("127.0.0.1", int(found.group(1))))
        assert aws.control.create_key(KeyAttributes=PEK, Exportable=False)["Key"]["KeyState"] == "CREATE_COMPLETE"
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0 and "stopped serving" in out


@pytest.mark.parametrize(("argv", "code"), [(["--port", "99999"], "port"), (["--keystore", "x.json"], "lmk")])
def test_serve_aws_refuses_bad_options_in_one_line(argv: list[str], code: str, tmp_path: Path) -> None:
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("PINSEC_LMK")}
    done = subprocess.run([sys.executable, "-m", "pinsec", "serve", "aws", *argv], capture_output=True, text=True,
                          timeout=60, cwd=tmp_path, env=env)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and code in done.stderr


def test_verify_sigv4_needs_the_credentials(tmp_path: Path) -> None:
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("AWS_")}
    done = subprocess.run([sys.executable, "-m", "pinsec", "serve", "aws", "--verify-sigv4"], capture_output=True,
                          text=True, timeout=60, cwd=tmp_path, env=env)
    assert done.returncode == 2 and "missing_credentials" in done.stderr and done.stderr.count("\n") == 1


@pytest.mark.parametrize("content", ["{not json", '{"keys": [], "aliases": {}}', '{"keys": {"a": {"id": 1}}}', "[]"])
def test_a_damaged_records_file_is_one_error(tmp_path: Path, content: str) -> None:
    from pinsec.errors import DataError

    store = tmp_path / "keys.json"
    Path(f"{store}.aws.json").write_text(content)
    with pytest.raises(DataError) as info:
        make_server(store, lmk_file=_lmk_file(tmp_path))
    assert info.value.code == "aws_records"
