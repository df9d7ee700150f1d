"""The README opens with the two commands, and .ci/run runs them exactly as written."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```sh\n(.+?)\n```", text)


def test_readme_opens_with_the_demo_and_test_commands() -> None:
    commands = _readme_commands()
    assert len(commands) >= 2
    demo, tests = commands[0], commands[1]
    assert demo.endswith("pinsec demo")
    assert tests.endswith("-m pytest")
    head = (ROOT / "README.md").read_text()[:600]
    assert demo in head and tests in head


def test_ci_runs_the_readme_commands_exactly() -> None:
    demo, tests = _readme_commands()[:2]
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert tests in ci
    assert demo in ci
