"""A payShield client pinsec did not write talks to the server: payshield-pressure-test 1.5.4.5
(github:mszeu/PayShieldPressureTest, on PyPI; Marco S. Zuppone), a tool that load-tests real payShield 10K
and 9K appliances. It frames its own messages, checks that each response carries the right response code
and a length that matches, and decodes NC, NO and B2 replies field by field as a payShield lays them out.

It needs Python 3.13 or later; ``bash .ci/setup`` installs it in ``.venv-clients`` when such a Python is
present. The test is skipped only when there is none on the machine.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pinsec.payshield import RunningServer

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / ".venv-clients" / "bin" / "payshield-pressuretest"
TEST_LMK_CHECK_VALUE = "4F550070D645C657"  # docs/payshield.md: NC under the test LMK


def _python_313_present() -> bool:
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = ["python3.14", "python3.13", *map(str, sorted(pyenv.glob("3.1[3-9]*/bin/python")))]
    for candidate in candidates:
        try:
            probe = subprocess.run([candidate, "-c", "import sys; sys.exit(sys.version_info < (3, 13))"],
                                   capture_output=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return True
    return False


@pytest.fixture(scope="module")
def client_tool() -> Path:
    if CLIENT.exists():
        return CLIENT
    if _python_313_present():
        pytest.fail("Python 3.13 is here but payshield-pressure-test is not installed: run bash .ci/setup")
    pytest.skip("payshield-pressure-test needs Python 3.13 or later, and there is none on this machine")


def _run(tool: Path, server: RunningServer, *options: str) -> str:
    done = subprocess.run([str(tool), server.host, "--port", str(server.port), "--no-upd-check", "--decode",
                           *options], capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "seems unrelated to the request" not in out  # its check of the response code
    assert "Length mismatch" not in out and "Connection issue" not in out
    return out


def test_nc_as_the_published_client_reads_it(client_tool: Path, server: RunningServer) -> None:
    out = _run(client_tool, server, "--nc", "--times", "5")
    assert out.count("Return code: 00") == 5
    assert out.count("Command sent/received: NC ==> ND") == 5
    assert re.findall(r"LMK CRC: ?(\S+)", out) == [TEST_LMK_CHECK_VALUE] * 5
    assert re.findall(r"Firmware number: ?(\S+)", out) == ["0001-PSEC"] * 5


def test_no_as_the_published_client_reads_it(client_tool: Path, server: RunningServer) -> None:
    out = _run(client_tool, server, "--no", "--times", "2")
    assert out.count("Command sent/received: NO ==> NP") == 2
    assert out.count("Return code: 00") == 2
    assert out.count("I/O buffer size:  16K bytes") == 2
    assert out.count("Type of connection:  TCP") == 2
    assert re.findall(r"Number of TCP sockets: +(\S+)", out) == ["64", "64"]
    assert re.findall(r"Firmware number: +(\S+)", out) == ["0001-PSEC", "0001-PSEC"]


def test_the_pci_hsm_status_as_the_published_client_reads_it(client_tool: Path, server: RunningServer) -> None:
    # NO mode 01, flag 0: not every setting is PCI HSM compliant, key type 002 separation among them
    out = _run(client_tool, server, "--pci", "--times", "1")
    assert "Command sent/received: NO ==> NP" in out and "Return code: 00" in out
    assert '"The Enforce key type 002 separation for PCI HSM compliance" setting is one of these.' in out


def test_b2_echo_as_the_published_client_reads_it(client_tool: Path, server: RunningServer) -> None:
    out = _run(client_tool, server, "--b2", "--echo", "pinsec says hello", "--times", "3")
    assert out.count("Command sent/received: B2 ==> B3") == 3
    assert re.findall(r"Payload echoed: +(.+)", out) == ["pinsec says hello"] * 3


def test_a_custom_header_comes_back(client_tool: Path, server: RunningServer) -> None:
    out = _run(client_tool, server, "--nc", "--times", "1", "--header", "PSEC")
    assert "Header:  PSEC" in out and "Return code: 00" in out


def test_what_it_sends_that_pinsec_does_not_answer_gets_a_payshield_error(client_tool: Path,
                                                                           server: RunningServer) -> None:
    # J2 (HSM loading statistics) is a payShield's own health data: unknown here, answered with error 68
    out = _run(client_tool, server, "--j2", "--times", "1")
    assert "Command sent/received: J2 ==> J3" in out
    assert "Return code: 68" in out


if sys.platform == "win32":  # pragma: no cover - the client's entry point is a script in bin/
    pytestmark = pytest.mark.skip("the client's environment is laid out for POSIX here")
