"""The command line as a newcomer meets it: usage when a command is missing, a version, errors as JSON too,
one line and never a traceback, whatever is typed or however the run ends (closed pipe, Ctrl-C, SIGTERM)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pinsec
from pinsec.cli import build_parser, main

CLI = [sys.executable, "-m", "pinsec"]


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...],
                                                                                     argparse.ArgumentParser]]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return [(path, parser)]
    out = []
    for name, child in subs[0].choices.items():
        out += _leaves(child, (*path, name))
    return out


LEAVES = _leaves(build_parser())


def test_version() -> None:
    done = subprocess.run([*CLI, "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.strip() == f"pinsec {pinsec.__version__}"


@pytest.mark.parametrize("argv", [[], ["key"], ["dukpt"], ["dukpt", "tdes"], ["vectors"], ["lmk"]])
def test_a_missing_command_shows_the_commands(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    parser = build_parser()
    for word in argv:
        parser = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[word]
    names = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    assert err.startswith("usage:") and all(name in err for name in names)


def test_every_option_of_every_command_has_help() -> None:
    missing = [f"{' '.join(path)} {'/'.join(a.option_strings) or a.dest}" for path, parser in LEAVES
               for a in parser._actions
               if not isinstance(a, argparse._HelpAction) and not a.help and a.dest != "json"]
    assert not missing, missing


def test_errors_come_as_json_with_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json", "pinblock", "decode", "--block", "00", "--pan", "4012345678909"]) == 2
    out, err = capsys.readouterr()
    assert json.loads(out) == {"code": "invalid_pin_block", "error": "PIN block is 1 bytes, expected 8",
                               "field": "PIN block"}
    assert err.count("\n") == 1


def test_a_closed_pipe_is_one_line() -> None:
    done = subprocess.run(f"{sys.executable} -m pinsec vectors check vectors/ | head -1", shell=True,
                          capture_output=True, text=True, check=False, cwd=Path(__file__).parent.parent)
    assert done.stdout.startswith("PASS") and done.stdout.count("\n") == 1
    assert "Traceback" not in done.stderr and done.stderr.count("\n") <= 1


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 2)])
def test_interrupted_runs_end_in_one_line(sig: signal.Signals, status: int) -> None:
    # the child gets the default dispositions whatever this process inherited (a job started in the
    # background by a non-interactive shell ignores SIGINT, and children inherit that)
    proc = subprocess.Popen([*CLI, "dukpt", "tdes", "originator", "--bdk", "0123456789ABCDEFFEDCBA9876543210",
                             "--ksn", "FFFF9876543210E00000", "--count", "1000000"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(2.0)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    assert "Traceback" not in err and err.count("\n") == 1 and out == ""


def test_lmk_generate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "lmk.hex"
    assert main(["lmk", "generate", "--out", str(target)]) == 0
    assert oct(target.stat().st_mode & 0o777) == "0o600" and len(target.read_text().strip()) == 64
    before = target.read_text()
    assert main(["lmk", "generate", "--out", str(target)]) == 2
    assert "file_exists" in capsys.readouterr().err and target.read_text() == before
    pinsec.Hsm(keystore=tmp_path / "keys.json", lmk_file=target)  # the file is usable as it is


def test_a_relative_lmk_file_in_the_environment_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PINSEC_LMK_FILE", "lmk.hex")
    assert main(["key", "list", "--keystore", "keys.json"]) == 2
    err = capsys.readouterr().err
    assert "lmk_file_relative" in err and "absolute" in err


@pytest.mark.parametrize(("argv", "code"), [
    (["dukpt", "tdes", "originator", "--bdk", "0123456789ABCDEFFEDCBA9876543210", "--ksn",
      "FFFF9876543210E00000", "--count", "0"], "usage"),
    (["dukpt", "aes", "originator", "--bdk", "FEDCBA9876543210F1F1F1F1F1F1F1F1", "--initial-key-id",
      "1234567890123456", "--count", "-3"], "usage"),
    (["dukpt", "tdes", "originator", "--bdk", "0123456789ABCDEFFEDCBA9876543210", "--ksn",
      "FFFF9876543210E00001"], "ksn_counter_not_zero"),
    (["mac", "generate", "--alg", "cmac-aes", "--key", "00" * 16, "--data", "00", "--padding", "2"],
     "padding_not_applicable"),
])
def test_nothing_is_accepted_silently(argv: list[str], code: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert code in err and err.count("\n") == 1


_JUNK = st.sampled_from(["", "0", "-1", "99999999999999999999", "ABC", "0123456789ABCDEF0", "Z" * 40,
                         "\u0661\u0662", "é", "/no/such/file.json", "vectors/", "00" * 300, "--", "-", "x,y"])


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(leaf=st.sampled_from(LEAVES), data=st.data())
def test_fuzzed_arguments_never_raise(leaf: tuple[tuple[str, ...], argparse.ArgumentParser], data: st.DataObject,
                                      tmp_path_factory: pytest.TempPathFactory) -> None:
    path, parser = leaf
    if path == ("demo",) or path[0] == "serve":
        return  # demo takes no arguments and servers run until stopped: each is run whole elsewhere
    argv = list(path)
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or action.dest == "json":
            continue
        if not data.draw(st.booleans()):
            continue
        value = data.draw(_JUNK)
        if action.option_strings:
            argv.append(action.option_strings[-1])
            if action.nargs != 0:
                argv.append(value)
        else:
            argv.append(value)
    cwd = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("fuzz"))
    env = {k: os.environ.pop(k) for k in ("PINSEC_LMK", "PINSEC_LMK_FILE") if k in os.environ}
    try:
        status = main(argv)  # an escaping exception would be the traceback a user sees
    finally:
        os.chdir(cwd)
        os.environ.update(env)
    assert status in (0, 1, 2)


def test_docs_cli_lists_every_command_and_option() -> None:
    text = (Path(__file__).parent.parent / "docs" / "cli.md").read_text()
    for path, parser in LEAVES:
        row = next((line for line in text.splitlines() if line.startswith(f"| `pinsec {' '.join(path)}` |")), None)
        assert row is not None, path
        for action in parser._actions:
            if action.option_strings and not isinstance(action, argparse._HelpAction) and action.dest != "json":
                assert f"`{action.option_strings[0]}`" in row, (path, action.option_strings)


def test_a_key_block_imported_twice_is_one_key(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINSEC_LMK", "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F")
    store = str(tmp_path / "keys.json")
    rig = pinsec.Hsm(keystore=store, authorized=True)
    kbpk = rig.import_clear_key(bytes.fromhex("88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6"),
                                pinsec.KeyAttributes("K1", "A", "B"))
    # TR-31:2018 A.7.4: a P0 AES key block under the KBPK above
    block = ("D0112P0AE00E0000B82679114F470F540165EDFBF7E250FCEA43F810D215F8D207E2E417C07156A27E8E31DA05F7425509593D"
             "03A457DC34")
    argv = ["--json", "key", "import-block", "--keystore", store, "--block", block, "--kbpk", kbpk.id]
    assert main(argv) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(argv) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["already_stored"] is True and second["id"] == first["id"]
    assert len(pinsec.Hsm(keystore=store).list_keys()) == 2


def test_inspect_refuses_a_block_shorter_than_its_length(capsys: pytest.CaptureFixture[str]) -> None:
    block = ("D0112P0AE00E0000B82679114F470F540165EDFBF7E250FCEA43F810D215F8D207E2E417C07156A27E8E31DA05F7425509593D"
             "03A457DC34")  # TR-31:2018 A.7.4
    assert main(["tr31", "inspect", block[:-2]]) == 2
    assert "length_mismatch" in capsys.readouterr().err
    assert main(["tr31", "inspect", block[:16]]) == 0  # a header alone is fine


def test_every_command_help_ends_with_an_example_that_parses(capsys: pytest.CaptureFixture[str]) -> None:
    import shlex

    from pinsec.cli.examples import EXAMPLES

    assert set(EXAMPLES) == {path for path, _ in LEAVES}
    for path, parser in LEAVES:
        assert parser.epilog and parser.epilog.startswith("example:\n  pinsec "), path
        argv = [*path, *shlex.split(EXAMPLES[path])]
        args = build_parser().parse_args(argv)  # the example's options are the command's options
        assert getattr(args, "handler", None) is not None, path
        assert main([*path, "--help"]) == 0
        assert "example:" in capsys.readouterr().out
